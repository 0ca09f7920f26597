"""``verify REPORT --session`` after a re-run says the retained verdict the book showed (after its review) and the
one the session gives now (audit s26 C7): « tentative 2 … — échec → échec » alone read as nothing changed, while
the book's « réussi » (an override of attempt 1) no longer held."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import invoice_step, make_case, make_casebook, value
from test_verify_added_attempts import run_cases

from testbench.cli.main import main
from testbench.signing import init_key


def test_a_rerun_says_the_retained_verdict_then_and_now(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tuple(
        make_case(cid, (invoice_step(),), (value("e1", "invoice.totals.amo", amo),))
        for cid, amo in (("OK-1", "33.60"), ("KO-1", "99.99"))
    )
    casebook = make_casebook(cases, tmp_path)
    session = tmp_path / "s.tbsession"
    run_cases(session, casebook, ("OK-1", "KO-1"))
    key = tmp_path / "k.pem"
    init_key(key)
    review = ["review", str(session), "KO-1", "--override", "pass", "--reason", "arrondi", "--key", str(key)]
    assert main([*review, "--reviewer", "Examinateur"]) == 0
    folder = tmp_path / "r"
    assert main(["report", str(session), "-o", str(folder), "--sign", "--key", str(key)]) == 0
    run_cases(session, casebook, ("KO-1",))
    capsys.readouterr()
    assert main(["verify", str(folder), "--session", str(session)]) == 0
    out = capsys.readouterr().out.splitlines()
    said = "session : cas KO-1 — verdict retenu : réussi (après revue) dans le rapport, échec d'après la session"
    assert any(line.startswith(said) for line in out), out
    assert not any("cas OK-1" in line for line in out), out  # untouched since the report: not listed
    assert main(["verify", str(folder), "--session", str(session), "--lang", "en"]) == 0
    english = capsys.readouterr().out.splitlines()
    said = "session: case KO-1 — retained verdict: passed (after review) in the report, failed in the session now"
    assert said in english, english


def test_a_rerun_with_the_same_retained_verdict_says_it_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = (make_case("KO-1", (invoice_step(),), (value("e1", "invoice.totals.amo", "99.99"),)),)
    casebook = make_casebook(cases, tmp_path)
    session = tmp_path / "s.tbsession"
    run_cases(session, casebook, ("KO-1",))
    assert main(["report", str(session), "-o", str(tmp_path / "r")]) == 0
    run_cases(session, casebook, ("KO-1",))
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "r"), "--session", str(session)]) == 0
    assert "session : cas KO-1 — verdict retenu inchangé : échec" in capsys.readouterr().out.splitlines()
