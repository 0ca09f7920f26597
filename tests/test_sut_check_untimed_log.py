"""A profile whose line format reads none of the log's last lines, or reads their records but no time, is warned of
(audit s23-operator F6): ``sut init``'s example pattern, uncommented, read no line of a day-first log with
milliseconds and ``sut check`` showed every line « [—] [—] », exit 0 — on the day no application time, no clock
offset measured. Not warned (verification s23-verify3 R1): a pattern without a ``ts`` group (the docs make it
optional), a log that ends with a stack trace's lines, a few lines only."""

from __future__ import annotations

from pathlib import Path

from testbench.sut.check import check_profile, profile_warnings
from testbench.sut.profile import load_profile

LOG = "".join(f"06/12/2026 08:31:5{n},170 [INFO ] ligne {n}\n" for n in range(6))
WRONG = (
    "pattern = '^(?P<ts>\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2}) (?P<level>\\w+) (?P<msg>.*)$'\n"
    "ts_format = '%d/%m/%Y %H:%M:%S'\n"
)


def _profile(tmp_path: Path, how: str) -> Path:
    (tmp_path / "erp.log").write_text(LOG, encoding="utf-8")
    profile = tmp_path / "sut.toml"
    profile.write_text(f'[product]\nname = "MonERP"\n\n[[logs]]\npath = "erp.log"\n{how}', encoding="utf-8")
    return profile


def test_a_pattern_that_reads_no_line_is_warned_of(tmp_path: Path) -> None:
    profile = load_profile(_profile(tmp_path, WRONG))
    said = check_profile(profile, lines=10).warnings
    assert len(said) == 1 and "aucune de ses 6 dernières lignes ne suit son format de ligne (pattern)" in said[0]
    assert profile_warnings(profile) == said  # the run's start and the workstation say it too


def test_a_time_never_read_is_warned_of(tmp_path: Path) -> None:
    unread = "pattern = '^(?P<ts>\\S+) (?P<msg>.*)$'\nts_format = '%H:%M'\n"  # matches, its time never parses
    said = check_profile(load_profile(_profile(tmp_path, unread)), lines=10).warnings
    assert len(said) == 1 and "son format de ligne (pattern) ne lit l'heure d'aucune" in said[0], said


def test_no_false_warning(tmp_path: Path) -> None:
    no_ts = "pattern = '^(?P<level>[A-Z]+) (?P<msg>.*)$'\n"
    profile = _profile(tmp_path, no_ts)
    (tmp_path / "erp.log").write_text("INFO carte lue\n" * 6, encoding="utf-8")
    assert check_profile(load_profile(profile), lines=10).warnings == []
    (tmp_path / "erp.log").write_text(
        "2026-12-06 09:20:00,123 INFO  [main] fr.erp.X - message sur\ndeux lignes\n", encoding="utf-8"
    )
    profile = tmp_path / "sut.toml"
    profile.write_text('[product]\nname = "X"\n\n[[logs]]\npath = "erp.log"\nformat = "log4j"\n', encoding="utf-8")
    for lines in (1, 10):
        assert check_profile(load_profile(profile), lines=lines).warnings == [], lines


def test_a_preset_that_reads_the_times_is_not(tmp_path: Path) -> None:
    for how in ('format = "dmy"\n', 'format = "auto"\n', 'format = "plain"\n'):
        assert check_profile(load_profile(_profile(tmp_path, how)), lines=2).warnings == [], how
