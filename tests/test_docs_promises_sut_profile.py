"""Promises of docs/sut-profile.md that no other test held to the letter (real profiles, real files).

- « The files an extractor reads »: every temporary or set-aside name the page lists (`.tmp` … `.$$$`, `~`, `~$…`,
  `.…`) is read by no extractor — through an ``[outputs]`` key or a glob — and captured by no ``--watch`` folder,
  while its final name is;
- « Which files a `path` names »: a folder cannot be a pattern (``logs/*/app.log`` names a folder called ``*``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.engines.operator.engine import CAPTURED, OperatorEngine, OperatorPrompt

#: the names the page says are never read (« names ending in … and names starting with `~$` or `.` »), as suffixes
#: of a lot's final name ``B2_0001`` — a name every lot pattern (``B2*``, ``*``) would otherwise take
DOC_SUFFIXES = (
    ".tmp", ".temp", ".part", ".partial", ".filepart", ".crdownload", ".download", ".swp", ".lock", ".$$$", "~",
)  # fmt: skip
DOC_PREFIXES = ("~$", ".")
FINAL = "B2_0001"

PROFILE = """
[product]
name = "GestTest"

[outputs]
lots = "out/lots"

[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "{files}"
record_length = 20
closing = "999"
fields = {{ "190.amo" = "lot.totals.amo" }}
[[extractors.records]]
type = "190"
fields = [ {{ name = "amo", start = 4, length = 11, type = "decimal", scale = 2 }} ]
"""


def _set_aside_names() -> list[str]:
    return [FINAL + suffix for suffix in DOC_SUFFIXES] + [prefix + FINAL for prefix in DOC_PREFIXES]


def _lots_folder(tmp_path: Path) -> Path:
    lots = tmp_path / "out" / "lots"
    lots.mkdir(parents=True)
    for name in [FINAL, *_set_aside_names()]:
        (lots / name).write_bytes(b"190 00000003360    \r\n999\r\n")
    return lots


@pytest.mark.parametrize("files", ["lots", "out/lots/*", "out/**/*"])
def test_no_extractor_reads_a_name_the_page_lists_as_temporary_or_set_aside(tmp_path: Path, files: str) -> None:
    from testbench.sut.profile import load_profile

    _lots_folder(tmp_path)
    (tmp_path / "sut.toml").write_text(PROFILE.format(files=files), encoding="utf-8")
    profile = load_profile(tmp_path / "sut.toml")
    (spec,) = profile.extractors
    assert [p.name for p in profile.watched_files(spec)] == [FINAL]


def test_the_watched_folder_captures_none_of_them_and_the_final_name(tmp_path: Path) -> None:
    lots = _lots_folder(tmp_path)
    for name in [FINAL, *_set_aside_names()]:
        (lots / name).unlink()

    def operator(_prompt: OperatorPrompt) -> dict:
        for name in _set_aside_names():  # written during the step, each matching the lot pattern ``B2*`` or none
            (lots / name).write_bytes(b"partiel")
        (lots / FINAL).write_bytes(b"lot final")
        return {"number": "1", "invoice_count": 1}

    engine = OperatorEngine(operator, lots, file_wait=2, poll=0.01)
    assert engine.build_lot({"invoice_ids": ["1"]})[CAPTURED] == [(FINAL, b"lot final")]


def test_a_folder_of_a_log_path_is_taken_as_written_never_as_a_pattern(tmp_path: Path) -> None:
    """« A folder cannot be a pattern (`logs/*/app.log` names a folder called `*`) »."""
    from testbench.traces.tail import log_files

    logs = tmp_path / "logs"
    (logs / "a").mkdir(parents=True)
    (logs / "a" / "app.log").write_text("démarrage\n", encoding="utf-8")
    assert log_files(str(logs / "*" / "*.log")) == []  # « logs/a/app.log » is not followed: no folder « * »
    (logs / "*").mkdir()
    (logs / "*" / "app.log").write_text("démarrage\n", encoding="utf-8")
    assert log_files(str(logs / "*" / "*.log")) == [str(logs / "*" / "app.log")]  # the folder called « * » is
    assert log_files(str(logs / "?" / "app.log")) == [str(logs / "?" / "app.log")]  # named as written, not « a »


@pytest.mark.parametrize(
    ("value", "from_start"),
    [("1", True), ("true", True), ("oui", True), ("yes", True), ("0", False), ("non", False), ("2", False)],
)
def test_from_start_reads_the_files_there_from_their_beginning_only_when_asked(value: str, from_start: bool) -> None:
    """« `from_start=1` (or `true`, `oui`, `yes`; anything else is off) »."""
    from testbench.traces.capture import parse_file_spec

    assert parse_file_spec(f"app.log;from_start={value}")["from_start"] is from_start


def _profile(tmp_path: Path, outputs: str) -> Path:
    path = tmp_path / "sut.toml"
    path.write_text(f'[product]\nname = "GestTest"\n[syslog]\nport = 0\n[outputs]\n{outputs}', encoding="utf-8")
    return path


def test_the_profile_gives_syslog_and_watch_only_where_the_command_line_did_not(tmp_path: Path) -> None:
    """« `[syslog]` used when `--syslog` is not given »; « the `fse` folder, else the first, is `--watch` when not
    given »."""
    from testbench.runner.campaign import apply_profile
    from testbench.runner.options import BenchOptions, CampaignOptions, CaptureOptions

    profile = _profile(tmp_path, 'lots = "out/lots"\nreturns = "in/returns"\nfse = "out/fse"\n')
    options = apply_profile(CampaignOptions(BenchOptions(sut_profile=profile)))
    assert options.capture.syslog_port == 0
    assert options.bench.watch_dir == (tmp_path / "out" / "fse").resolve()  # « fse », though not first

    first = _profile(tmp_path, 'lots = "out/lots"\nreturns = "in/returns"\n')
    options = apply_profile(CampaignOptions(BenchOptions(sut_profile=first)))
    assert options.bench.watch_dir == (tmp_path / "out" / "lots").resolve()  # no « fse »: the first

    given = tmp_path / "ailleurs"
    options = apply_profile(
        CampaignOptions(BenchOptions(sut_profile=first, watch_dir=given), capture=CaptureOptions(syslog_port=5514))
    )
    assert (options.bench.watch_dir, options.capture.syslog_port) == (given, 5514)  # the command line's stand


@pytest.mark.parametrize(
    ("encoding", "refused"),
    [("cp500", True), ("utf-32", True), ("utf-16-be", False), ("utf-16-le", False), ("latin-1", False)],
)
def test_a_log_encoding_is_ascii_compatible_or_utf16_and_an_ebcdic_one_is_refused_at_its_place(
    tmp_path: Path, encoding: str, refused: bool
) -> None:
    """« Other encodings (`utf-32`, EBCDIC) are refused when the profile loads », at the value's line and column."""
    from testbench.sut.profile import SutProfileError, load_profile

    path = tmp_path / "sut.toml"
    path.write_text(f'[product]\nname = "x"\n[[logs]]\npath = "a.log"\nencoding = "{encoding}"\n', encoding="utf-8")
    if not refused:
        assert load_profile(path).logs
        return
    with pytest.raises(SutProfileError) as caught:
        load_profile(path)
    assert caught.value.text().startswith(f"{path}:5:12: [logs][1].encoding : encodage « {encoding} » impossible")


def _tree(root: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_size, p.read_bytes() if p.is_file() else b"")
        for p in sorted(root.rglob("*"))
    }


def test_sut_check_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """« `sut check` writes nothing »: the profile's folder, its logs and outputs are as they were, to the byte."""
    from testbench.cli.main import main

    for folder in ("logs", "out/fse", "out/lots"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "logs" / "app.log").write_text("2026-01-12 09:00:00 INFO Facture F1 créée\n", encoding="utf-8")
    (tmp_path / "out" / "fse" / "FSE_0001.xml").write_text('<FSE><Totaux amo="33.60"/></FSE>', encoding="utf-8")
    (tmp_path / "sut.toml").write_text(
        '[product]\nname = "GestTest"\n[[logs]]\npath = "logs/app.log"\n'
        '[outputs]\nfse = "out/fse"\nlots = "out/lots"\n'
        '[[extractors]]\nname = "FSE XML"\nkind = "xpath"\napplies_to = ["create_invoice"]\nfiles = "fse"\n'
        'fields = { "string(/FSE/Totaux/@amo)" = "invoice.totals.amo" }\n',
        encoding="utf-8",
    )
    before = _tree(tmp_path)
    assert main(["sut", "check", str(tmp_path / "sut.toml")]) == 0
    assert "invoice.totals.amo = 33.60" in capsys.readouterr().out
    assert _tree(tmp_path) == before
