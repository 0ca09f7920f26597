"""``verify REPORT --session`` after an ``--accept`` review that keeps the retained verdict says it confirmed:
« réussi dans le rapport, réussi (après revue) d'après la session maintenant » read as a change that was none
(audit s26 verify R6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import invoice_step, make_case, make_casebook, value
from test_verify_added_attempts import run_cases

from testbench.cli.main import main
from testbench.signing import init_key


def test_an_accept_that_keeps_the_verdict_says_it_confirmed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = (make_case("OK-1", (invoice_step(),), (value("e1", "invoice.totals.amo", "33.60"),)),)
    casebook = make_casebook(cases, tmp_path)
    session = tmp_path / "s.tbsession"
    run_cases(session, casebook, ("OK-1",))
    folder = tmp_path / "r"
    assert main(["report", str(session), "-o", str(folder)]) == 0
    init_key(key := tmp_path / "k.pem")
    review = ["review", str(session), "OK-1", "--accept", "--reason", "vu", "--key", str(key)]
    assert main([*review, "--reviewer", "Examinateur"]) == 0
    capsys.readouterr()
    assert main(["verify", str(folder), "--session", str(session)]) == 0
    out = capsys.readouterr().out
    assert "session : cas OK-1 — verdict retenu confirmé par une revue : réussi" in out.splitlines(), out
    assert "d'après la session maintenant" not in out, out
    assert main(["verify", str(folder), "--session", str(session), "--lang", "en"]) == 0
    english = capsys.readouterr().out.splitlines()
    assert "session: case OK-1 — retained verdict confirmed by a review: passed" in english, english
