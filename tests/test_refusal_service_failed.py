"""A step refused TELESERVICE_UNAVAILABLE or TELESERVICE_INVALID_ANSWER where its case expects a refusal the
service's answer gives (APCV_REFUSED…) is the service's failure, not the product's: inconclusive or error, as
docs/teleservices.md § Verdicts says of an unexpected one, never « échec ». Where the case expects the other
service failure (it injected that one), or any refusal the product gives in another's place, the product stays
blamed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.casebook.model import Expectation, ExpectationKind
from testbench.domain.verdict import Verdict
from testbench.i18n import english
from testbench.runner.compare import compare_refusal

ROOT = Path(__file__).resolve().parents[1]
UNAVAILABLE, INVALID = "TELESERVICE_UNAVAILABLE", "TELESERVICE_INVALID_ANSWER"


def _compared(expected: str, observed: str) -> tuple[Verdict, str]:
    """The step's service really failed (a fault injected, or no answer: tests/test_refusal_service_invented.py
    for a product that invents it)."""
    exp = Expectation("r-refus", ExpectationKind.REFUSAL, step="s-apcv", code=expected)
    found = compare_refusal(exp, {"s-apcv": observed}, ["s-apcv"], {"s-apcv"})
    return found.outcome, found.message


@pytest.mark.parametrize(
    ("expected", "observed", "verdict", "english_text"),
    [
        (
            "APCV_REFUSED",
            UNAVAILABLE,
            Verdict.INCONCLUSIVE,
            "the téléservice did not answer, nothing to conclude on the product: refusal APCV_REFUSED expected,"
            " refusal TELESERVICE_UNAVAILABLE observed",
        ),
        (
            "ADRI_UNKNOWN_BENEFICIARY",
            INVALID,
            Verdict.ERROR,
            "the téléservice's answer was unusable, a fault of the run: refusal ADRI_UNKNOWN_BENEFICIARY expected,"
            " refusal TELESERVICE_INVALID_ANSWER observed",
        ),
    ],
)
def test_a_service_failure_in_place_of_its_answer_is_not_the_products(
    expected: str, observed: str, verdict: Verdict, english_text: str
) -> None:
    outcome, message = _compared(expected, observed)
    assert outcome is verdict
    assert english(message) == english_text
    assert english(f"r-refus : {message}") == f"r-refus: {english_text}"


@pytest.mark.parametrize(
    ("expected", "observed"),
    [
        (INVALID, UNAVAILABLE),
        (UNAVAILABLE, INVALID),
        ("APCV_REFUSED", "APCV_CONTEXT_EXPIRED"),
        (UNAVAILABLE, "NO_CARD"),
    ],
)
def test_the_product_stays_blamed_for_a_refusal_of_its_own(expected: str, observed: str) -> None:
    assert _compared(expected, observed) == (Verdict.FAIL, f"refus attendu {expected}, refus observé {observed}")


def test_a_run_is_inconclusive_when_the_service_fails_where_a_refusal_was_expected(tmp_path: Path) -> None:
    """TLS-APCV-005 expects APCV_REFUSED; its service answers HTTP 503 instead (service-indisponible)."""
    text = (ROOT / "casebooks" / "psad-teleservices.xml").read_text(encoding="utf-8")
    old = 'scenario="contexte-refuse" channel="qr"/>'
    assert text.count(old) == 1
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards")
    casebook = tmp_path / "tls.xml"
    casebook.write_text(text.replace(old, 'scenario="service-indisponible" channel="qr"/>'), encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    argv = [sys.executable, "-m", "testbench", "run", str(casebook), "-k", "id:TLS-APCV-005", "--session",
            str(tmp_path / "s.tbsession"), "--cards", "inprocess"]  # fmt: skip
    env = {key: value for key, value in os.environ.items() if key != "TESTBENCH_LANG"}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=180, env={**env, "HOME": str(home)})
    assert done.returncode == 2, done.stderr
    assert (
        "TLS-APCV-005 : non concluant — r-refus : le téléservice n'a pas répondu, rien à conclure sur le produit :"
        " refus attendu APCV_REFUSED, refus observé TELESERVICE_UNAVAILABLE"
    ) in done.stdout + done.stderr
