"""Counts agree with their number everywhere a person reads one: no « (s) » left in the bench's messages.

Each message the bench composes in French (a trace expectation's result, a schema violation, the engine
conformance summary, a card's short answer, the missing readers, the reference engine's rental refusal)
takes the form that agrees with its count, and reads back in English with the English that agrees; a
sentence stored by an older session in the « (s) » wording still reads back in English.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from testbench.cards.api import CardUnavailable
from testbench.cards.link import Link
from testbench.casebook.model import Expectation, ExpectationKind
from testbench.domain.refusal import EngineRefusal
from testbench.engines.protocol.conformance import CheckResult, Report
from testbench.engines.protocol.validation import _messages, nonconforming
from testbench.engines.reference.model import parse_invoice_request
from testbench.engines.reference.split import compute_invoice
from testbench.engines.reference.tables import load_bundled_tables
from testbench.i18n import english
from testbench.runner.compare import compare_trace
from testbench.traces.model import TraceLine

PACKAGE = Path(__file__).resolve().parents[1] / "testbench"
#: « ligne(s) », « travail(x) »: a word whose number is left to the reader (« né(e) » is no count; the
#: report's script, ``if(s){``, is no word).
EITHER_NUMBER = re.compile(r"\w\((?:s|x)\)(?![\w{])")


def test_no_message_of_the_bench_leaves_its_number_to_the_reader() -> None:
    """Every string literal of the package's code (docstrings aside; the demo application's own log is its text)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "demoapp" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        texts = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        found += [
            f"{path.relative_to(PACKAGE)}:{n.lineno}: {n.value}"
            for n in texts
            if id(n) not in docstrings and EITHER_NUMBER.search(n.value)
        ]
    assert found == []


def _trace(absent: bool, texts: list[str]) -> str:
    exp = Expectation(id="e1", kind=ExpectationKind.TRACE, step="s1", channel="app", pattern="ERR", absent=absent)
    lines = [TraceLine("app", i, 0.0, text, step_id="s1") for i, text in enumerate(texts)]
    return compare_trace(exp, lines).message


def test_a_trace_expectation_counts_its_lines() -> None:
    assert _trace(False, ["ERR a"]) == "1 ligne trouvée à l'étape s1"
    assert _trace(False, ["ERR a", "ERR b"]) == "2 lignes trouvées à l'étape s1"
    assert _trace(True, ["ERR a"]) == "1 ligne interdite à l'étape s1"
    assert _trace(True, ["ERR a", "ERR b", "ok"]) == "2 lignes interdites à l'étape s1"
    assert english("1 ligne trouvée à l'étape s1") == "1 line found at step s1"
    assert english("2 lignes trouvées pendant le cas") == "2 lines found during the case"
    # the runner records a failed expectation as « {expectation} : {message} »
    assert english("e1 : 1 ligne interdite à l'étape s1") == "e1: 1 forbidden line at step s1"
    assert english("e1 : 3 lignes interdites pendant le cas") == "e1: 3 forbidden lines during the case"


@pytest.mark.parametrize(
    ("older", "read"),
    [
        ("e1 : 2 ligne(s) interdite(s) à l'étape s1", "e1: 2 forbidden line(s) at step s1"),
        ("1 ligne(s) interdite(s) pendant le cas", "1 forbidden line(s) during the case"),
        ("2 ligne(s) trouvée(s) pendant le cas", "2 line(s) found during the case"),
        ("$.slot : chaîne de moins de 1 caractère(s)", "$.slot: string shorter than 1 character(s)"),
        ("ligne 1: quantité 5 pour 4 période(s) hebdomadaire", "line 1: quantity 5 for 4 weekly period(s)"),
        ("ligne 1: quantité 5 pour 4 périodes mensuel", "line 1: quantity 5 for 4 monthly periods"),  # code in words
        (
            "réponse invalide de la carte (1 octet(s)) dans le lecteur « cps »",
            "invalid answer from the card (1 byte(s)) in reader “cps”",
        ),
        ("lecteur(s) absent(s) : cps (présents : aucun)", "reader(s) missing: cps (present: none)"),
        (
            "create_invoice : résultat non conforme au schéma x.result.json : $.a : type string au lieu de object"
            " (et 2 autre(s))",
            "create_invoice: result does not conform to schema x.result.json: $.a: type string instead of object"
            " (and 2 more)",
        ),
    ],
)
def test_an_older_session_s_wording_still_reads_back(older: str, read: str) -> None:
    assert english(older) == read


def test_a_schema_violation_counts_characters_and_items() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string", "minLength": 1}, "b": {"type": "string", "maxLength": 2}},
        "required": ["a"],
        "additionalProperties": {"type": "array", "minItems": 3},
    }
    problems = _messages(Draft202012Validator(schema).iter_errors({"a": "", "b": "xyz", "c": []}))
    assert problems == [
        "$.a : chaîne de moins de 1 caractère",
        "$.b : chaîne de plus de 2 caractères",
        "$.c : moins de 3 éléments",
    ]
    assert [english(p) for p in problems] == [
        "$.a: string shorter than 1 character",
        "$.b: string longer than 2 characters",
        "$.c: fewer than 3 items",
    ]
    reason = nonconforming("read_cps", "read_cps.result", ["$.a : champ inattendu « x »"] * 6)
    assert reason.endswith("(et 1 autre)") and english(reason).endswith("(and 1 more)")
    assert nonconforming("read_cps", "read_cps.result", ["$.a : champ inattendu « x »"] * 7).endswith("(et 2 autres)")


def test_the_conformance_summary_counts_its_failures() -> None:
    def summary(failed: int, lang: str) -> str:
        results = [CheckResult(f"c{i}", "réponse", ok=i >= failed) for i in range(3)]
        return Report(["moteur"], results).as_text(lang).splitlines()[-1]

    assert summary(1, "fr") == "NON CONFORME : 1 vérification en échec sur 3."
    assert summary(2, "fr") == "NON CONFORME : 2 vérifications en échec sur 3."
    assert summary(1, "en") == "NOT CONFORMANT: 1 check failed out of 3."
    assert summary(2, "en") == "NOT CONFORMANT: 2 checks failed out of 3."


class _ShortAnswer:
    reader = "cps"

    def __init__(self, answer: bytes) -> None:
        self.answer = answer

    def transmit_raw(self, apdu: bytes) -> bytes:
        return self.answer


@pytest.mark.parametrize(
    ("answer", "french", "english_text"),
    [
        (b"", "(0 octet)", "(0 bytes)"),
        (b"\x90", "(1 octet)", "(1 byte)"),
    ],
)
def test_a_card_s_short_answer_counts_its_bytes(answer: bytes, french: str, english_text: str) -> None:
    with pytest.raises(CardUnavailable) as info:
        Link(_ShortAnswer(answer), "cps").transmit(bytes.fromhex("00A4040000"))  # type: ignore[arg-type]
    assert str(info.value) == f"réponse invalide de la carte {french} dans le lecteur « cps »"
    assert english(str(info.value)) == f"invalid answer from the card {english_text} in reader “cps”"


def test_the_missing_readers_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("smartcard")
    from testbench.cards import bays
    from testbench.cards.reader_pools import ReaderSpec

    monkeypatch.setattr("testbench.cards.pcsc.list_readers", lambda: ["Lecteur A"])
    two = bays.pcsc_problem()
    assert two is not None and two.startswith("2 lecteurs absents : ") and two.endswith("(présents : Lecteur A)")
    assert english(two).startswith("2 readers missing: ") and english(two).endswith("(present: Lecteur A)")
    one = bays.pcsc_problem({"cps": ReaderSpec("Lecteur B")})
    assert one == "1 lecteur absent : Lecteur B (présents : Lecteur A)"
    assert english(one) == "1 reader missing: Lecteur B (present: Lecteur A)"


def _rental_refusal(rental_end: str) -> str:
    bed = {"nomenclature": "LPP", "code": "1241763", "quantity": "5", "coefficient": "1"}
    bed |= {"rental_start": "2026-01-05", "rental_end": rental_end}
    request = {
        "invoice_ref": "P-1",
        "mode": "securise",
        "care_date": "2026-01-05",
        "ps_category": "fournisseur-lpp",
        "beneficiary": {"nir": "1850575123456", "rank": 1, "regime": "01", "coverage": {}},
        "prescription": None,
        "tiers_payant": "none",
        "amc": None,
        "rounding": None,
        "lines": [bed],
    }
    with pytest.raises(EngineRefusal) as info:
        compute_invoice(parse_invoice_request(request), load_bundled_tables())
    return info.value.message


def test_a_rental_refusal_counts_its_periods() -> None:
    one = _rental_refusal("2026-01-11")  # 7 days: 1 week
    assert one == "ligne 1 : quantité 5 pour 1 période hebdomadaire"
    assert english(one) == "line 1: quantity 5 for 1 weekly period"
    four = _rental_refusal("2026-02-01")  # 28 days: 4 weeks
    assert four == "ligne 1 : quantité 5 pour 4 périodes hebdomadaires"  # the adjective agrees too
    assert english(four) == "line 1: quantity 5 for 4 weekly periods"
