"""``sut check`` on a log extractor whose pattern matches none of the lines it read: it names the files and how
many lines it read on its channel (as a run names the logs it followed), not a bare « no value extracted »; and
one whose channel no log of the profile writes says that, since it could never read a line."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

PROFILE = """
[product]
name = "GestPSAD"

[[logs]]
path = "logs/gestpsad.log"
encoding = "cp1252"

[[logs]]
path = "logs/audit.log"
encoding = "cp1252"

[[extractors]]
name = "journal"
kind = "regex"
applies_to = ["create_invoice"]
pattern = 'Facture (?P<ref>F\\d+) créée : total AMC (?P<amc>[\\d ,]+) EUR'
fields = { amc = "invoice.totals.amc" }

[[extractors]]
name = "FSV"
kind = "regex"
applies_to = ["secure_invoice"]
channel = "engine"
pattern = 'FSE (?P<n>\\d+) sécurisée'
fields = { n = "secure.status" }
"""


def _application(tmp_path: Path) -> Path:
    """What a Windows ERP left: two cp1252 logs with CRLF line ends, one line each matching nothing."""
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "gestpsad.log").write_bytes(
        "Démarrage\r\nFacture F000123 créée : total AMO 163,80 EUR\r\n".encode("cp1252")
    )
    (tmp_path / "logs" / "audit.log").write_bytes("Hélène connectée\r\n".encode("cp1252"))
    profile = tmp_path / "sut.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    return profile


@pytest.mark.parametrize(
    ("lang", "unmatched", "no_log"),
    [
        (
            "fr",
            "  aucune des 3 lignes lues ne correspond au motif : {logs}/gestpsad.log, {logs}/audit.log (canal app)",
            "  aucun journal du profil n'écrit sur le canal engine : cet extracteur ne lira aucune ligne",
        ),
        (
            "en",
            "  none of the 3 lines read matches the pattern: {logs}/gestpsad.log, {logs}/audit.log (channel app)",
            "  no log of the profile writes on channel engine: this extractor will read no line",
        ),
    ],
)
def test_an_unmatched_pattern_names_the_files_it_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, unmatched: str, no_log: str
) -> None:
    profile = _application(tmp_path)
    assert main(["sut", "check", str(profile), "--lang", lang]) == 0
    out = capsys.readouterr().out.splitlines()
    logs = tmp_path / "logs"
    at = out.index(next(line for line in out if "« journal »" in line or "“journal”" in line))
    assert out[at + 1] == unmatched.format(logs=logs)
    at = out.index(next(line for line in out if "« FSV »" in line or "“FSV”" in line))
    assert out[at + 1] == no_log


def test_a_single_line_read_is_said_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = _application(tmp_path)
    first = '[[logs]]\npath = "logs/gestpsad.log"\nencoding = "cp1252"\n'
    profile.write_text(profile.read_text(encoding="utf-8").replace(first, ""), encoding="utf-8")
    assert main(["sut", "check", str(profile)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"  la ligne lue ne correspond pas au motif : {tmp_path / 'logs' / 'audit.log'} (canal app)" in lines


def test_an_empty_log_is_said_read_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = _application(tmp_path)
    for log in ("gestpsad.log", "audit.log"):
        (tmp_path / "logs" / log).write_bytes(b"")
    assert main(["sut", "check", str(profile), "--lang", "en"]) == 0
    logs = tmp_path / "logs"
    assert f"  no line read: {logs / 'gestpsad.log'}, {logs / 'audit.log'} (channel app)" in capsys.readouterr().out
