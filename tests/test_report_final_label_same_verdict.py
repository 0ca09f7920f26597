"""A case's final label after several attempts: the same verdict each time reads plainly (a shard re-run in CI
re-deals cases that had passed), a different one keeps its history."""

from __future__ import annotations

from typing import Any

from testbench.report.labels import final_label


def attempt(number: int, verdict: str, reason: str = "") -> dict[str, Any]:
    return {"number": number, "verdict": verdict, "reason": reason}


def test_passed_at_every_attempt_does_not_read_as_a_retry() -> None:
    twice = [attempt(1, "pass"), attempt(2, "pass")]
    assert final_label(twice) == "réussi à chacune des 2 tentatives"
    assert final_label(twice, "en") == "passed at each of the 2 attempts"
    assert final_label([*twice, attempt(3, "pass")]) == "réussi à chacune des 3 tentatives"


def test_an_earlier_attempt_that_differed_keeps_its_history() -> None:
    retried = [attempt(1, "fail", "montant AMO 33,61 au lieu de 33,60"), attempt(2, "pass")]
    assert final_label(retried) == "réussi à la 2e tentative — 1re : échec (montant AMO 33,61 au lieu de 33,60)"
    assert final_label(retried, "en").startswith("passed at the 2nd attempt — 1st: failed")


def test_the_same_verdict_for_another_reason_keeps_its_history() -> None:
    failed = [attempt(1, "fail", "motif A"), attempt(2, "fail", "motif B")]
    assert final_label(failed) == "échec à la 2e tentative — 1re : échec (motif A)"


def test_one_attempt_is_its_verdict() -> None:
    assert final_label([attempt(1, "pass")]) == "réussi"
