"""``sut check``'s sentence for a log extractor that read no value names the files it read: a log of its channel that
matched no file (a glob the application has not created yet) read no line, and is not named among them; when no log
of the channel was read at all, their paths are named with « aucune ligne lue »."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

PROFILE = """
[product]
name = "GestPSAD"

[[logs]]
path = "logs/gestpsad.log"

[[logs]]
path = "logs/absent*.log"

[[extractors]]
name = "journal"
kind = "regex"
applies_to = ["create_invoice"]
pattern = 'Facture (?P<ref>F\\d+) créée'
fields = { ref = "invoice.number" }
"""


def _sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    profile = tmp_path / "sut.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    main(["sut", "check", str(profile)])
    out = capsys.readouterr().out.splitlines()
    return out[out.index(next(line for line in out if "« journal »" in line)) + 1]


def test_a_log_that_matched_no_file_is_not_named_as_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "gestpsad.log").write_text("Démarrage\nArrêt\n", encoding="utf-8")
    sentence = _sentence(tmp_path, capsys)
    log = tmp_path / "logs" / "gestpsad.log"
    assert sentence == f"  aucune des 2 lignes lues ne correspond au motif : {log} (canal app)"


def test_no_log_read_names_the_logs_of_the_channel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sentence = _sentence(tmp_path, capsys)
    logs = tmp_path / "logs"
    assert sentence == f"  aucune ligne lue : {logs / 'gestpsad.log'}, {logs / 'absent*.log'} (canal app)"
