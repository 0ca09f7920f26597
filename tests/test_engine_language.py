"""The engines' and the runner's sentences in the reader's language (wave 8, F1).

Sessions keep French; each display reads it back in English through ``testbench.i18n``. These tests read
what an English reader is actually shown: the run's lines and JUnit of the command line, the reason of an
operator's refusal, the headless operator mode's pending reason, the teleservices' bench line, and the
operator mode's instructions and field labels.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from testbench.casebook.model import Expectation, ExpectationKind
from testbench.cli.main import main
from testbench.engines.operator.engine import _INSTRUCTIONS, FIELDS, OperatorEngine
from testbench.i18n import english, translator
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.compare import compare_refusal, compare_trace, compare_value
from testbench.services.process import ServicesProcess
from testbench.traces.bench_text import bench_text

DEMO = CASEBOOKS_DIR / "demo.xml"
#: French words an English sentence of the bench must not hold (the parts it names are ids and values)
FRENCH = re.compile(
    r"\b(?:étape|valeur|attendue?|observée?|refus|refusée|moteur|opérateur|inconnue?|aucune?|invalide|facture"
    r"|dans|le|la|les|de|du)\b"
)


def run_english(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``testbench --lang en run demo.xml`` on in-process cards: its exit code and what it printed."""
    session = tmp_path / "s.tbsession"
    code = main(["--lang", "en", "run", str(DEMO), "--session", str(session), "--cards", "inprocess", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def attestations(tmp_path: Path, answers: dict[str, object]) -> str:
    path = tmp_path / "attestations.json"
    path.write_text(json.dumps({"operator": "Alice", **answers}), encoding="utf-8")
    return str(path)


def test_a_failed_expectation_reads_in_english_on_the_run_line_and_in_junit(tmp_path, capsys) -> None:
    """Finding 2: « {id} : {message} » whose message had no template after the id (a value not of its type)."""
    answers = {"DEMO-FSE-030/m-paper": {"confirmed": True, "values": {"manual.paper_printed": "peut-etre"}}}
    junit = tmp_path / "junit.xml"
    args = ("-k", "DEMO-FSE-030", "--engine", "inprocess", "--attestations", attestations(tmp_path, answers))
    code, out = run_english(tmp_path, capsys, *args, "--junit", str(junit))
    assert code == 1
    # the attestation gives no paper total: e-paper-total fails too, counted after the first
    expected = "e-paper: observed value “peut-etre” is not yes or no (and 1 other deviation)"
    assert f"DEMO-FSE-030: failed — {expected}\n" in out, out
    messages = etree.parse(str(junit)).xpath("//failure/@message")
    assert messages == [expected]


def sample_comparisons() -> list[str]:
    """Every message the comparison of an expectation gives, from the comparison functions themselves."""

    def value(expected: str, value_type: str = "decimal", **kw: object) -> Expectation:
        return Expectation(
            "e-x", ExpectationKind.VALUE, step="s1", path="invoice.amo", expected=expected, value_type=value_type, **kw
        )

    trace = Expectation("e-t", ExpectationKind.TRACE, channel="engine", pattern="(", step="s1")
    refusal = Expectation("e-r", ExpectationKind.REFUSAL, step="s1", code="ALD_NOT_IN_RIGHTS")
    found = [
        compare_value(value("1.00"), {}),  # missing
        compare_value(value("abc"), {"invoice": {"amo": "1.00"}}),  # invalid expected
        compare_value(value("1.00"), {"invoice": {"amo": "abc"}}),  # observed not of the type
        compare_value(value("1.00"), {"invoice": {"amo": "2.00"}}),
        compare_value(value("1.00", tolerance=Decimal("0.01")), {"invoice": {"amo": "2.00"}}),
        compare_refusal(refusal, {}, []),
        compare_refusal(refusal, {}, ["s1"]),
        compare_refusal(refusal, {"s1": "OTHER"}, ["s1"]),
        compare_trace(trace, []),
        compare_trace(Expectation("e-u", ExpectationKind.TRACE, channel="engine", pattern="x"), []),
    ]
    return [f"{c.expectation_id} : {c.message}" for c in found]


@pytest.mark.parametrize("reason", sample_comparisons())
def test_each_comparison_message_reads_in_english_after_its_expectation(reason: str) -> None:
    """Finding 2: the runner records « {expectation} : {message} »; every message reads back whole."""
    shown = english(reason)
    assert shown != reason and not FRENCH.search(shown) and " : " not in shown, shown


def test_an_operator_refusal_without_a_message_reads_in_english(tmp_path, capsys) -> None:
    """Finding 3: the operator rejects with no note: the reason says the operator refused, in English."""
    answers = {"DEMO-FSE-001/s-cps": {"confirmed": False, "note": ""}}
    args = ("-k", "DEMO-FSE-001", "--engine", "operator", "--attestations", attestations(tmp_path, answers))
    code, out = run_english(tmp_path, capsys, *args)
    assert code == 1
    assert "DEMO-FSE-001: failed — step s-cps refused by the operator: no reason given\n" in out, out


def test_headless_operator_mode_says_what_it_waits_for_in_english(tmp_path, capsys) -> None:
    """Finding 15: nobody to perform the engine's step: the case waits, said in English."""
    code, out = run_english(tmp_path, capsys, "-k", "DEMO-FSE-001", "--engine", "operator")
    assert code == 2
    assert "DEMO-FSE-001: pending — step s-cps waiting for the operator (operator mode)\n" in out, out


def test_an_operator_who_gives_up_is_said_in_english() -> None:
    """Finding 15: the operator abandons the step (no answer): the engine is unavailable, said in English."""
    engine = OperatorEngine(lambda prompt: None)
    with pytest.raises(Exception) as raised:
        engine.read_cps("cps")
    reason = f"étape s-cps : moteur indisponible : {raised.value}"  # the runner's step failure
    assert english(reason) == "step s-cps: engine unavailable: read_cps: the operator gave up the step"


def test_the_teleservices_bench_line_reads_in_english() -> None:
    """Finding 16: the line the bench writes when the simulators listen, on a real simulators' process."""
    said: list[str] = []
    services = ServicesProcess(on_start=said.append)
    try:
        services.ensure()
    finally:
        services.close()
    (line,) = said
    assert line.startswith("téléservices simulés à l'écoute sur http://127.0.0.1:")  # the session keeps French
    shown = bench_text(line, translator("en"))
    assert re.fullmatch(r"simulated teleservices listening on http://127\.0\.0\.1:\d+ \(adri, apcv, insi, \S+\)", shown)


PARTS = {"slot": "cps", "ref": "F-1", "invoice_id": "42", "invoice_ids": "42, 43", "scenario": "rejet", "number": "7"}


@pytest.mark.parametrize("action", sorted(_INSTRUCTIONS))
def test_each_operator_instruction_and_field_label_reads_in_english(action: str) -> None:
    """Finding 1 (the engine's side): what the operator is told and asked to key, for every engine call."""
    instruction = _INSTRUCTIONS[action].format(**PARTS)
    shown = english(instruction)
    assert shown != instruction and not FRENCH.search(shown) and "«" not in shown, shown
    for _path, label in FIELDS[action]:
        assert english(label) != label, label


def test_the_operator_engine_describes_itself_in_english() -> None:
    """Finding 4 (the engine's side): the engine's name and socle as the report's cover shows them."""
    info = OperatorEngine(lambda prompt: None).describe()
    t = translator("en")
    assert (t(info.name), t(info.socle_version)) == ("operator", "software under test")
    assert t("reference (non certifié)") == "reference (not certified)"


def action_errors() -> list[str]:
    """Every message a step's action refuses its own parameters with (``ActionError``), parts filled in."""
    import ast

    import testbench.runner.actions as actions

    texts = []
    for node in ast.walk(ast.parse(Path(actions.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ActionError" and node.args:
            message = node.args[0]
            if isinstance(message, ast.JoinedStr):
                texts.append("".join(p.value if isinstance(p, ast.Constant) else "x1" for p in message.values))
            elif isinstance(message, ast.Constant):
                texts.append(message.value)
    return texts


def test_each_invalid_step_reads_in_english() -> None:
    """The runner's « étape {step} invalide : {reason} » and each reason an action gives."""
    texts = action_errors()
    assert len(texts) >= 8
    shown = {text: english(f"étape s1 invalide : {text}") for text in texts}
    assert [s for s in shown.values() if not s.startswith("step s1 invalid: ") or FRENCH.search(s)] == [], shown


def test_the_engine_protocols_own_errors_read_in_english() -> None:
    """What the engine protocol says of an empty command, a bad description, a slot without a reader."""
    from testbench.cards.api import CardError
    from testbench.engines.api import EngineError
    from testbench.engines.protocol.channels import PcscChannel
    from testbench.engines.protocol.client import SubprocessEngine, _engine_info

    raised: list[str] = []
    for attempt, error in (
        (lambda: SubprocessEngine([]), EngineError),
        (lambda: _engine_info({}), EngineError),
        (lambda: PcscChannel({}).atr("cps"), CardError),
    ):
        with pytest.raises(error) as info:
            attempt()
        raised.append(english(str(info.value)))
    assert raised == [
        "empty engine command",
        "initialize: invalid engine description (field engine.name expected)",
        "no reader configured for slot cps",
    ]
    samples = ("pas de carte dans Virtual PCD 00 00 : no card", "lecteur introuvable : Virtual PCD 00 01")
    assert [english(s) for s in samples] == [
        "no card in Virtual PCD 00 00: no card",
        "reader not found: Virtual PCD 00 01",
    ]


def test_an_english_report_names_the_operator_engine_and_its_socle_in_english(tmp_path, capsys) -> None:
    """Finding 4: after an operator-mode run, the cover says "operator" and "software under test"."""
    from testbench.report.build import BuildOptions, build_report

    assert run_english(tmp_path, capsys, "-k", "DEMO-FSE-001", "--engine", "operator")[0] == 2
    built = build_report(tmp_path / "s.tbsession", tmp_path / "report", BuildOptions(lang="en", junit=False))
    rows: dict[str, str] = {}  # the cover's rows: the first of each name (the appendix comes after)
    for row in etree.HTML(built.html.read_text(encoding="utf-8")).iter("tr"):
        if row.find("th") is not None and row.find("td") is not None:
            rows.setdefault(row.findtext("th"), "".join(row.find("td").itertext()))
    assert rows["Billing engine"].startswith("operator — "), rows["Billing engine"]
    assert rows["SESAM-Vitale core version"] == "software under test", rows["SESAM-Vitale core version"]
    cover = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))["cover"]
    assert (cover["engine"]["name"], cover["engine"]["socle_version"]) == ("operator", "software under test")


def test_a_value_not_of_its_type_says_what_was_needed_in_words() -> None:
    """« ce n'est pas un nombre », not the type's name « decimal »; the value stays as keyed in English (« aucun »
    is data, though a catalogue word), and an older session's wording still reads."""
    from testbench.casebook.model import Expectation, ExpectationKind
    from testbench.i18n import english
    from testbench.runner.compare import compare_value

    def compared(value_type: str, observed: str, expected: str = "1") -> str:
        exp = Expectation(
            "e-x", ExpectationKind.VALUE, step="s1", path="manual.n", expected=expected, value_type=value_type
        )
        return compare_value(exp, {"manual": {"n": observed}}).message

    assert compared("decimal", "oui") == "valeur observée « oui » : ce n'est pas un nombre"
    assert compared("boolean", "peut-être") == "valeur observée « peut-être » : ce n'est pas oui ou non"
    assert compared("integer", "2,5") == "valeur observée « 2,5 » : ce n'est pas un nombre entier"
    assert compared("date", "hier", "2026-12-05") == "valeur observée « hier » : ce n'est pas une date"
    assert compared("date", "hier") == "valeur attendue « 1 » : ce n'est pas une date"
    assert english("e-x : valeur observée « aucun » : ce n'est pas un nombre") == (
        "e-x: observed value “aucun” is not a number"
    )
    assert english("valeur attendue « x » : ce n'est pas une date") == "expected value “x” is not a date"
    assert english("valeur observée « x » n'est pas du type decimal") == "observed value “x” is not of type decimal"
