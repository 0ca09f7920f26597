"""A profile whose line format gives timestamps but reads none on the log's last lines is warned of (audit
s23-operator F6): ``sut init``'s example pattern, uncommented, read no time of a day-first log with milliseconds and
``sut check`` showed every line « [—] [—] », exit 0 — on the day no application time, no clock offset measured."""

from __future__ import annotations

from pathlib import Path

from testbench.sut.check import check_profile, profile_warnings
from testbench.sut.profile import load_profile

LOG = "06/12/2026 08:31:54,170 [INFO ] Carte lue\n06/12/2026 08:31:55,001 [INFO ] Facture créée\n"
WRONG = (
    "pattern = '^(?P<ts>\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2}) (?P<level>\\w+) (?P<msg>.*)$'\n"
    "ts_format = '%d/%m/%Y %H:%M:%S'\n"
)


def _profile(tmp_path: Path, how: str) -> Path:
    (tmp_path / "erp.log").write_text(LOG, encoding="utf-8")
    profile = tmp_path / "sut.toml"
    profile.write_text(f'[product]\nname = "MonERP"\n\n[[logs]]\npath = "erp.log"\n{how}', encoding="utf-8")
    return profile


def test_a_pattern_that_reads_no_time_is_warned_of(tmp_path: Path) -> None:
    profile = load_profile(_profile(tmp_path, WRONG))
    said = check_profile(profile, lines=2).warnings
    assert len(said) == 1 and "son format de ligne (pattern) ne lit l'heure d'aucune" in said[0], said
    assert profile_warnings(profile) == said  # the run's start and the workstation say it too


def test_a_preset_that_reads_the_times_is_not(tmp_path: Path) -> None:
    for how in ('format = "dmy"\n', 'format = "auto"\n', 'format = "plain"\n'):
        assert check_profile(load_profile(_profile(tmp_path, how)), lines=2).warnings == [], how
