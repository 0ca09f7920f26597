"""Loading casebooks: the demo, the model the runner reads, problem locations, limits, bad input."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import pickle
import shutil
from pathlib import Path

import pytest

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import LoadLimits, check_casebook, load_casebook, load_casebooks
from testbench.casebook.model import Case, Domain, ExpectationKind, Mode, StepKind

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "casebooks"
DEMO = ROOT / "casebooks" / "demo.xml"
DEMO_CARDS = (
    "vitale2-adult-standard.xml",
    "vitale2-ald.xml",
    "vitale2-alsace-moselle.xml",
    "vitale2-c2s.xml",
    "vitale2-maternity.xml",
    "vitale2-expired-rights.xml",
    "vitale2-real-nature.xml",
    "cps3-psad-lpp.xml",
    "cps4-nurse.xml",
    "cps3-pin-blocked.xml",
)


def place(tmp_path: Path, name: str, text: str | None = None, cards: tuple[str, ...] = ("cps", "vitale")) -> Path:
    """Copy a fixture (or write ``text``) into tmp_path with placeholder card profiles beside it."""
    (tmp_path / "cards").mkdir(exist_ok=True)
    for card in cards:
        target = tmp_path / "cards" / (card if card.endswith(".xml") else f"{card}.xml")
        target.write_text("<placeholder/>\n", encoding="utf-8")
    path = tmp_path / name
    if text is None:
        shutil.copyfile(DATA / name, path)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, limits: LoadLimits | None = None) -> list[str]:
    with pytest.raises(CasebookError) as info:
        load_casebook(path, limits)
    assert info.value.problems, "a CasebookError always carries at least one problem"
    return [str(p) for p in info.value.problems]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# -- the demo casebook -------------------------------------------------------------------------


def test_demo_loads_with_placeholder_cards(tmp_path: Path) -> None:
    path = tmp_path / "demo.xml"
    shutil.copyfile(DEMO, path)
    place(tmp_path, "unused.xml", "<x/>", cards=DEMO_CARDS)
    casebook = load_casebook(path)
    assert casebook.identity.plan_id == "PDT-DEMO-001"
    assert casebook.identity.cdc_version == "1.40"
    assert casebook.format_version == "1"
    assert casebook.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(casebook.cases) >= 12
    ids = [c.id for c in casebook.cases]
    assert len(ids) == len(set(ids))
    modes = {c.mode for c in casebook.cases}
    assert {Mode.SECURISE, Mode.DEGRADE, Mode.SESAM_SANS_VITALE} <= modes
    nomenclatures = {
        line["nomenclature"]
        for c in casebook.cases
        for s in c.steps
        if s.action == "invoice"
        for line in s.params["lines"]
    }
    assert nomenclatures == {"LPP", "NGAP"}
    assert any(e.kind is ExpectationKind.REFUSAL for c in casebook.cases for e in c.expectations)
    assert any(s.kind is StepKind.MANUAL for c in casebook.cases for s in c.steps)
    failing = [c for c in casebook.cases if "echec-volontaire" in c.tags]
    assert len(failing) == 1 and "volontairement faux" in failing[0].comment


def test_demo_loads_against_the_real_card_profiles() -> None:
    missing = [name for name in DEMO_CARDS if not (DEMO.parent / "cards" / name).is_file()]
    if missing:
        pytest.skip(f"card profiles not there yet: {missing}")
    casebook = load_casebook(DEMO)
    e1 = casebook.case("DEMO-FSE-001")
    assert e1.cards[0].slot == "cps" and casebook.fixtures.cards[e1.cards[0].card].profile.is_file()


def test_demo_expected_amounts_follow_the_worked_examples(tmp_path: Path) -> None:
    """E1: BR 56.00, AMO 33.60, patient 22.40 (computed by hand); E8 lines 1.89 + 0.81 + 1.65."""
    path = tmp_path / "demo.xml"
    shutil.copyfile(DEMO, path)
    place(tmp_path, "unused.xml", "<x/>", cards=DEMO_CARDS)
    casebook = load_casebook(path)
    e1 = {e.path: e.expected for e in casebook.case("DEMO-FSE-001").expectations if e.kind is ExpectationKind.VALUE}
    assert e1["invoice.totals.amo"] == "33.60" and e1["invoice.totals.patient"] == "22.40"
    e8 = casebook.case("DEMO-FSE-020")
    amounts = [e.expected for e in e8.expectations if e.path.startswith("invoice.lines[")]
    assert amounts == ["1.89", "0.81", "1.65"]
    assert "RG_VF670" in e8.comment


# -- the model the runner reads ------------------------------------------------------------------


def test_minimal_model_fields(tmp_path: Path) -> None:
    path = place(tmp_path, "minimal.xml")
    casebook = load_casebook(path)
    case = casebook.case("T-001")
    assert (case.domain, case.mode, case.tags) == (Domain.FSE, Mode.SECURISE, ("lpp", "e1"))
    assert [s.action for s in case.steps] == ["read-cps", "verify-pin", "read-vitale", "invoice", "secure", "manual"]
    invoice = case.steps[3]
    assert invoice.kind is StepKind.ACTION
    assert invoice.params["care-date"] == "2026-01-12"
    assert invoice.params["tiers-payant"] == "amo"
    (line,) = invoice.params["lines"]
    assert line == {
        "nomenclature": "LPP",
        "code": "1241763",
        "quantity": "4",
        "unit-price": "14.00",
        "tariff": "14.00",
        "plv": "14.00",
        "coefficient": "1",
        "ald": "false",
    }
    assert all(isinstance(v, str) for v in line.values())
    assert case.steps[1].params == {"slot": "cps"}  # verify-pin default written for the runner
    manual = case.steps[5]
    assert manual.kind is StepKind.MANUAL and manual.instruction == "Regardez l'écran."
    assert manual.observe[0].path == "manual.total"
    value = case.expectations[0]
    assert (value.kind, value.step, value.path, value.expected, value.value_type) == (
        ExpectationKind.VALUE,
        "s-invoice",
        "invoice.totals.amo",
        "33.60",
        "decimal",
    )
    trace = case.expectations[2]
    assert (trace.channel, trace.pattern, trace.normalize, trace.absent) == ("engine", "1241763", ("trim",), False)
    assert casebook.fixtures.patients["p-std"].card == "vitale-std"
    assert casebook.fixtures.prescriptions["rx-1"].attributes == {"date": "2026-01-05"}


def test_sources_point_at_the_start_tags(tmp_path: Path) -> None:
    path = place(tmp_path, "minimal.xml")
    case = load_casebook(path).case("T-001")
    invoice_line = line_of(path, '<invoice id="s-invoice"')
    assert case.steps[3].source is not None
    assert (case.steps[3].source.line, case.steps[3].source.col) == (invoice_line, 9)
    assert case.source is not None and case.source.line == line_of(path, '<case id="T-001"')
    assert case.expectations[1].source is not None and case.expectations[1].source.line == line_of(path, 'id="e-total"')
    vitale_line = line_of(path, 'slot="vitale"')
    assert str(case.cards[1].source) == f"{path}:{vitale_line}:9"


def test_lazy_case_is_a_plain_case_for_its_readers(tmp_path: Path) -> None:
    casebook = load_casebook(place(tmp_path, "minimal.xml"))
    case = casebook.cases[0]
    assert isinstance(case, Case)
    plain = pickle.loads(pickle.dumps(case))
    assert type(plain) is Case and plain == case and plain.steps == case.steps
    assert copy.deepcopy(case) == case
    assert dataclasses.replace(case, title="autre").steps == case.steps
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.steps = ()  # type: ignore[misc]


# -- problems and their locations ----------------------------------------------------------------


def test_misspelled_element_is_located(tmp_path: Path) -> None:
    path = place(tmp_path, "misspelled.xml", cards=("cps",))
    problems = problems_of(path)
    line = line_of(path, "<red-vitale")
    assert any(p.startswith(f"{path}:{line}:9: ") and "red-vitale" in p and "<read-vitale>" in p for p in problems), (
        problems
    )


def test_several_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = place(tmp_path, "several-problems.xml", cards=("cps",))
    problems = problems_of(path)
    expected = [
        (line_of(path, 'patient="p-ghost"'), "p-ghost"),
        (line_of(path, 'tiers-payant="sometimes"'), "sometimes"),
        (line_of(path, 'expected="33,60"'), "33,60"),
        (line_of(path, 'step="s-nowhere"'), "s-nowhere"),
        (line_of(path, '<case id="T-001" domain="cards"'), "T-001"),
        (line_of(path, '<read-vitale id="s-v"'), "vitale"),
    ]
    for line, word in expected:
        assert any(p.startswith(f"{path}:{line}:") and word in p for p in problems), (line, word, problems)
    assert len(problems) >= len(expected)


def test_problem_column_points_at_the_attribute(tmp_path: Path) -> None:
    path = place(tmp_path, "several-problems.xml", cards=("cps",))
    problems = problems_of(path)
    line = line_of(path, 'patient="p-ghost"')
    col = path.read_text(encoding="utf-8").splitlines()[line - 1].index('patient="p-ghost"') + 1
    assert any(p.startswith(f"{path}:{line}:{col}: ") for p in problems), problems


def test_positions_are_exact_over_several_lines_and_after_accents(tmp_path: Path) -> None:
    # A start tag over several lines: the problem is on the attribute's line. Accented text
    # before an attribute on its line: the column counts characters, not UTF-8 bytes.
    text = (
        (DATA / "minimal.xml")
        .read_text(encoding="utf-8")
        .replace('<invoice id="s-invoice" patient="p-std"', '<invoice id="s-invoice"\n\n        patient="p-ghost"')
        .replace(
            '<value id="e-amo" step="s-invoice" path="invoice.totals.amo"',
            '<value id="e-amo" comment="réglé à l\'écran" step="s-invoice" path="invoice.ghost"',
        )
    )
    path = place(tmp_path, "positions.xml", text)
    problems = problems_of(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for needle in ('patient="p-ghost"', 'path="invoice.ghost"'):
        line = line_of(path, needle)
        col = lines[line - 1].index(needle) + 1
        assert any(p.startswith(f"{path}:{line}:{col}: ") for p in problems), (needle, problems)


@pytest.mark.parametrize("spelling", ["UTF-8", "utf-8", "utf8", "UTF8"])
def test_every_accepted_spelling_of_utf8_loads(tmp_path: Path, spelling: str) -> None:
    text = (DATA / "minimal.xml").read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    text = text.replace('encoding="UTF-8"', f'encoding="{spelling}"', 1)
    casebook = load_casebook(place(tmp_path, "spelling.xml", text))
    assert casebook.case("T-001").title == "Lit médical"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_refused_as_not_utf8(tmp_path: Path, codec: str) -> None:
    text = (DATA / "minimal.xml").read_text(encoding="utf-8").replace('encoding="UTF-8"', f'encoding="{codec}"')
    path = place(tmp_path, "wide.xml", "")
    path.write_bytes(text.encode(codec))
    (problem,) = problems_of(path)
    assert "UTF-8" in problem


def test_a_valid_load_leaves_no_reference_cycle_behind(tmp_path: Path) -> None:
    """Freed by reference counting as soon as it is dropped: a cycle (builder, parser, handlers)
    would keep a whole casebook alive until the cyclic collector's next full pass."""
    import gc
    import weakref

    path = place(tmp_path, "minimal.xml")
    gc.collect()
    gc.disable()
    try:
        casebook = load_casebook(path)
        case = weakref.ref(casebook.cases[0])
        del casebook
        assert case() is None
    finally:
        gc.enable()


def test_a_failing_build_is_never_taken_for_a_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from testbench.casebook import checks

    def broken(*args: object) -> None:
        raise RuntimeError("rule exploded")

    monkeypatch.setattr(checks, "check_case", broken)
    with pytest.raises(RuntimeError, match="rule exploded"):
        load_casebook(place(tmp_path, "minimal.xml"))


def test_load_casebooks_collects_across_files(tmp_path: Path) -> None:
    good = place(tmp_path, "minimal.xml")
    bad = place(tmp_path, "misspelled.xml", cards=("cps",))
    with pytest.raises(CasebookError) as info:
        load_casebooks([good, bad, tmp_path / "absent.xml"])
    files = {p.source.file for p in info.value.problems}
    assert files == {str(bad), str(tmp_path / "absent.xml")}


def test_load_casebooks_refuses_a_case_id_used_twice(tmp_path: Path) -> None:
    first = place(tmp_path, "minimal.xml")
    second = tmp_path / "copy.xml"
    second.write_text(first.read_text(encoding="utf-8").replace("PDT-TEST-001", "PDT-TEST-009"), encoding="utf-8")
    with pytest.raises(CasebookError) as info:
        load_casebooks([first, second])
    (problem,) = info.value.problems
    assert problem.source.file == str(second) and "T-001" in problem.message and str(first) in problem.message
    assert [c.identity.plan_id for c in load_casebooks([first, first])] == ["PDT-TEST-001"]


# -- limits and bad input ------------------------------------------------------------------------


def test_size_limit(tmp_path: Path) -> None:
    path = place(tmp_path, "minimal.xml")
    (problem,) = problems_of(path, LoadLimits(max_bytes=200))
    assert problem.startswith(f"{path}:1:1: ") and "volumineux" in problem


def test_depth_limit(tmp_path: Path) -> None:
    path = place(tmp_path, "minimal.xml")
    (problem,) = problems_of(path, LoadLimits(max_depth=4))
    assert "imbrication" in problem
    assert load_casebook(path, LoadLimits(max_depth=8)).cases  # the real depth of a casebook is 7


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.xml", "vide"),
        ("not-xml.txt", "XML mal formé"),
        ("truncated.xml", "XML mal formé"),
        ("wrong-root.xml", "<testplan>"),
        ("wrong-namespace.xml", "espace de noms"),
        ("latin1.xml", "UTF-8"),
    ],
)
def test_bad_input_is_a_problem_not_a_crash(tmp_path: Path, name: str, words: str) -> None:
    path = place(tmp_path, name)
    problems = problems_of(path)
    assert all(p.startswith(f"{path}:") for p in problems)
    assert any(words in p for p in problems), problems


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.xml") == [f"{tmp_path / 'nope.xml'}:1:1: fichier introuvable"]
    (problem,) = problems_of(tmp_path)
    assert "dossier" in problem


def test_check_casebook_never_raises(tmp_path: Path) -> None:
    path = place(tmp_path, "truncated.xml")
    casebook, problems = check_casebook(path)
    assert casebook is None and problems


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "casebook-format.md").read_text(encoding="utf-8")
    example = text[text.index("```xml\n<?xml") + len("```xml\n") :]
    example = example[: example.index("```")]
    path = place(tmp_path, "example.xml", example, cards=("cps3-psad-lpp", "vitale2-adult-standard"))
    casebook = load_casebook(path)
    assert [c.id for c in casebook.cases] == ["DEMO-FSE-001", "DEMO-FSE-008"]


def test_loading_and_selecting_do_not_build_the_case_objects(tmp_path: Path) -> None:
    from testbench.casebook.loader import select_cases

    casebooks = load_casebooks([place(tmp_path, "minimal.xml")])
    assert select_cases(casebooks, "lpp", ["e1"])
    case = casebooks[0].cases[0]
    assert "steps" not in vars(case)  # still lazy: nothing built yet
    assert case.steps and "steps" in vars(case)


def test_a_failing_schema_run_is_never_taken_for_a_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from testbench.casebook import xsd

    def broken(root: object) -> list[object]:
        raise RuntimeError("libxml2 exploded")

    monkeypatch.setattr(xsd, "run_schema", broken)
    with pytest.raises(RuntimeError, match="exploded"):
        load_casebook(place(tmp_path, "minimal.xml"))


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)
    (problem,) = problems_of(fifo)
    assert "fichier ordinaire" in problem


def test_an_instruction_and_an_objective_wrapped_in_the_xml_read_as_sentences(tmp_path: Path) -> None:
    """The author wraps a long instruction to fit the file; the operator's window must not break it
    mid-sentence (« comparez-la à⏎l'écran »); a new paragraph and a list keep their lines."""
    from testbench.casebook.build import reflowed
    from testbench.casebook.loader import load_casebooks
    from testbench.paths import CASEBOOKS_DIR

    (casebook,) = load_casebooks([CASEBOOKS_DIR / "demo.xml"])
    paper = next(s for c in casebook.cases for s in c.steps if s.id == "m-paper")
    assert paper.instruction == (
        "Dans le logiciel testé, éditez la feuille de soins papier de cette facture dégradée et comparez-la à"
        " l'écran de facturation."
    )
    assert reflowed("Ouvrez la facture\net validez-la.\n\nPuis :\n- imprimez\n- signez\n1. lisez") == (
        "Ouvrez la facture et validez-la.\n\nPuis :\n- imprimez\n- signez\n1. lisez"
    )
