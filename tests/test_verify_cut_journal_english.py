"""``verify REPORT --session SESSION`` on a journal cut short says so in the language asked: the sentence is one
entry of the catalogue, « session : » with it (composed after the fact, a shorter template read it first)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_integrity_tamper import cut_last_attempt
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report
from testbench.signing import init_key, load_signer


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "session : journal coupé — la session n'a plus que"),
        ("en", "session: journal cut short — the session has only"),
    ],
)
def test_a_cut_journal_is_said_in_the_language_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    key = tmp_path / "keys" / "signer.pem"
    init_key(key)
    session = campaign(tmp_path, hostile=False)
    folder = build_report(session, tmp_path / "r", BuildOptions(signer=load_signer(key))).folder
    cut = tmp_path / "cut.tbsession"
    shutil.copyfile(session, cut)
    cut_last_attempt(cut, careful=True)
    assert main(["verify", str(folder), "--session", str(cut), "--lang", lang]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(said), first
    if lang == "en":
        assert "coupé" not in first and "retirés" not in first, first
