"""Two hidden values that differ say how, never what (audit: « attendu ‹NIR›, observé ‹NIR› » was unreadable).

A failed comparison of two NIRs, two names or two birth dates, once redacted, read the same whether one digit was
mistyped or another person came back; so did the card guard's « NIR : ‹NIR› au lieu de ‹NIR› ». The exports now add
a note from the raw values — how many characters differ, which part of a date, how far apart two names are — in
the report's language, in the book, report.json (a field of its own) and the JUnit, and none of the values leaves:
plain, hex or base64. ``--no-redact`` shows the values and adds nothing.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from lxml import etree, html
from test_privacy_exports import (
    CASEBOOKS,
    PROFILE_BY_FILE,
    _casebook,
    cli,
    exported_texts,
    leaks,
    needles,
    personal_values,
)

from testbench.report.hidden_difference import difference
from testbench.report.jsonreport import schema

#: one xdist worker runs this module, so that its module fixture (the sessions and reports) is built once
pytestmark = pytest.mark.xdist_group("report_hidden_difference")

#: the values the casebook expects, each against what the card or the simulated ApCV gives
NIR_READ, NIR_EXPECTED = "180019999900168", "180019999900186"  # vitale2-adult-standard.xml: last two swapped
NAME_READ, NAME_TYPO = "ESSAI", "ESSAY"
APCV_NAME, APCV_OTHER = "PATIENT DEGRADE STANDARD", "MARTINE DURAND"  # psad-teleservices.xml's p-deg
BIRTH_READ, BIRTH_EXPECTED = "1952-01-10", "1953-01-10"
VALUES = (NIR_READ, NIR_EXPECTED, NAME_TYPO, APCV_NAME, APCV_OTHER, BIRTH_READ, BIRTH_EXPECTED)

CASES = f"""<cases>
<case id="HID-VITALE" domain="cards" mode="none"><title>Carte lue</title><objective>o</objective>
<cards><card slot="vitale" ref="vitale-std"/></cards><steps><read-vitale id="s-read" beneficiary="1"/></steps>
<expectations>
<value id="e-nir" step="s-read" path="vitale.nir" type="string" expected="{NIR_EXPECTED}"/>
<value id="e-name" step="s-read" path="vitale.beneficiaries[0].name" type="string" expected="{NAME_TYPO}"/>
</expectations></case>
<case id="HID-APCV" domain="apcv" mode="securise"><title>ApCV</title><objective>o</objective>
<cards><card slot="cps" ref="cps-psad"/></cards><steps><read-cps id="s-cps"/><verify-pin id="s-pin"/>
<apcv id="s-apcv" care-date="2026-02-02" scenario="contexte-valide" channel="nfc" patient="p-deg"/></steps>
<expectations>
<value id="e-name" step="s-apcv" path="apcv.name" type="string" expected="{APCV_OTHER}"/>
<value id="e-birth" step="s-apcv" path="apcv.birth_date" type="date" expected="{BIRTH_EXPECTED}"/>
</expectations></case>
</cases></casebook>
"""

#: (case, expectation) → its note, in French and in English
NOTES = {
    ("HID-VITALE", "e-nir"): ("2 caractères sur 15 diffèrent", "2 characters of 15 differ"),
    ("HID-VITALE", "e-name"): ("1 caractère d'écart", "1 character apart"),
    ("HID-APCV", "e-name"): ("autre nom", "another name"),
    ("HID-APCV", "e-birth"): ("partie différente : année", "differing part: year"),
}


@dataclass
class Exports:
    folder: Path

    def report(self, name: str) -> tuple[dict, str]:
        data = json.loads((self.folder / name / "report.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
        return data, (self.folder / name / "index.html").read_text(encoding="utf-8")

    def junit(self, name: str) -> dict[str, tuple[str, str]]:
        """Each failed testcase's (message, text)."""
        tree = etree.parse(str(self.folder / name))
        return {
            tc.get("name"): (tc.find("failure").get("message"), tc.find("failure").text)
            for tc in tree.iter("testcase")
            if tc.find("failure") is not None
        }


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Exports:
    folder = tmp_path_factory.mktemp("hidden")
    shutil.copytree(CASEBOOKS / "cards", folder / "cards")
    source = (CASEBOOKS / "psad-teleservices.xml").read_text(encoding="utf-8")
    (folder / "hidden.xml").write_text(source[: source.index("<cases>")] + CASES, encoding="utf-8")
    session = folder / "s.tbsession"
    run = cli("run", "hidden.xml", "--session", session, "--cards", "inprocess", "--report", "fr", "--junit",
              "fr.xml", cwd=folder)  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr  # both cases fail
    for name, extra in (("en", ("--lang", "en")), ("raw", ("--no-redact",))):
        done = cli("report", session, "-o", name, "--junit", f"{name}.xml", *extra, cwd=folder)
        assert done.returncode == 0, done.stderr
    return Exports(folder)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_failed_comparison_of_two_hidden_values_says_how_they_differ(exports: Exports, lang: str) -> None:
    data, page = exports.report(lang)
    found = {
        (case["key"]["case_id"], c["expectation_id"]): c
        for case in data["cases"]
        for c in case["comparisons"]
        if "redacted_difference" in c
    }
    assert set(found) == set(NOTES)
    for key, (fr, en) in NOTES.items():
        note = fr if lang == "fr" else en
        comparison = found[key]
        assert comparison["redacted_difference"] == note  # a field of its own: the values stay markers
        assert comparison["expected"].startswith("‹") and comparison["observed"].startswith("‹"), comparison
        assert note not in comparison["expected"] + comparison["observed"] + comparison["message"]
        assert f"{comparison['message']} ({note})" in html.fromstring(page).text_content()
    failures = exports.junit(f"{lang}.xml")
    for (case, expectation), (fr, en) in NOTES.items():
        note = fr if lang == "fr" else en
        text = failures[case][1]
        line = next(line for line in text.splitlines() if line.startswith((f"{expectation} : ", f"{expectation}: ")))
        assert line.endswith(f" ({note})"), line
    # the reason names the first deviation: its note follows it, before the count of the others
    message = failures["HID-VITALE"][0]
    assert message.startswith("e-nir") and f"({NOTES['HID-VITALE', 'e-nir'][lang == 'en']}) (" in message, message


def test_no_hidden_value_leaves_in_any_export(exports: Exports) -> None:
    texts = [t for name in ("fr", "fr.xml", "en", "en.xml") for t in exported_texts([exports.folder / name])]
    found = leaks(texts, [(value, needles("valeur", value)) for value in VALUES])
    assert not found, "\n".join(found[:20])


def test_with_no_redact_the_values_are_shown_and_no_note_is_added(exports: Exports) -> None:
    data, page = exports.report("raw")
    comparisons = [c for case in data["cases"] for c in case["comparisons"]]
    assert not any("redacted_difference" in c for c in comparisons)
    assert {NIR_EXPECTED, NIR_READ, APCV_OTHER, APCV_NAME} <= {c["expected"] for c in comparisons} | {
        c["observed"] for c in comparisons
    }
    junit = (exports.folder / "raw.xml").read_text(encoding="utf-8")
    for fr, _ in NOTES.values():
        assert fr not in page and fr not in junit


def test_the_card_guards_differences_say_how_the_hidden_values_differ(tmp_path: Path) -> None:
    """A wrong Vitale card: the refusal's « NIR du bénéficiaire 1 : ‹NIR› au lieu de ‹NIR› » says by how many
    characters, and the holders' names that they are other names; neither card's holder leaves."""
    from testbench.casebook.loader import load_casebook
    from testbench.runner.assemble import BenchOptions, assemble
    from testbench.runner.campaign import record_casebooks
    from testbench.runner.runner import Runner
    from testbench.runner.tracing import TraceRecorder
    from testbench.store.session import SessionStore

    expected, wrong = PROFILE_BY_FILE["vitale2-adult-standard.xml"], PROFILE_BY_FILE["vitale2-c2s.xml"]
    shutil.copytree(CASEBOOKS / "cards", tmp_path / "cards")
    path = tmp_path / "wrong.xml"
    path.write_text(_casebook([("HID-WRONG", "vitale2-adult-standard.xml", None)]), encoding="utf-8")
    casebook = load_casebook(path)
    session = tmp_path / "wrong.tbsession"
    store = SessionStore.open(session)
    record_casebooks(store, [casebook])
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="inprocess", engine="inprocess"), recorder)
    present = bench.bay.present
    bench.bay.present = lambda slot, _: present(slot, CASEBOOKS / "cards" / "vitale2-c2s.xml")  # type: ignore[method-assign]
    try:
        runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard)
        runner.run(store.begin_run([], {}, bench.description), [(casebook, casebook.cases[0])])
    finally:
        bench.close()
        store.close()
    nirs = expected.beneficiaries[0].nir, wrong.beneficiaries[0].nir
    fr, en = difference("nir", *nirs, "fr"), difference("nir", *nirs, "en")
    assert fr.endswith(("diffèrent", "diffère")) and en.endswith(("differ", "differs")), (fr, en)
    for lang, said in (
        ("fr", f"NIR du bénéficiaire 1 : ‹NIR› au lieu de ‹NIR› ({fr}) ; bénéficiaire 1 : ‹NOM› au lieu de"),
        ("en", f"NIR of beneficiary 1: ‹NIR› instead of ‹NIR› ({en}); beneficiary 1: ‹NAME› instead of"),
    ):
        done = cli("report", session, "-o", tmp_path / lang, "--junit", tmp_path / f"{lang}.xml", "--lang", lang,
                   cwd=tmp_path)  # fmt: skip
        assert done.returncode == 0, done.stderr
        data = json.loads((tmp_path / lang / "report.json").read_text(encoding="utf-8"))
        refused = [c for c in data["cover"]["cards"] if c["guard_reason"] and "‹NIR›" in c["guard_reason"]]
        assert refused and said in refused[0]["guard_reason"], data["cover"]["cards"]
        assert said in data["cases"][0]["reason"]
        assert said in etree.parse(str(tmp_path / f"{lang}.xml")).find(".//error").get("message")
    texts = [t for name in ("fr", "fr.xml", "en", "en.xml") for t in exported_texts([tmp_path / name])]
    needle_sets = [(f"{p.id} {w}", needles(w, v)) for p in (expected, wrong) for w, v in personal_values(p).items()]
    found = leaks(texts, needle_sets)
    assert not found, "\n".join(found[:20])


@pytest.mark.parametrize(
    ("kind", "expected", "observed", "fr", "en"),
    [
        ("rpps", "10000000001", "1000000001", "longueurs différentes : 11 et 10 caractères",
         "different lengths: 11 and 10 characters"),
        ("finess", "750000001", "750000002", "1 caractère sur 9 diffère", "1 character of 9 differs"),
        ("birth_date", "1980-01-15", "15/01/1980", "même date, écrite autrement", "same date, written differently"),
        ("birth_date", "1980-01-15", "19800216", "parties différentes : jour, mois", "differing parts: day, month"),
        ("name", "Lefèvre", "LEFEVRE", "même nom aux majuscules, accents ou espaces près",
         "same name but for case, accents or spaces"),
        ("name", "DUPONT", "DUPOND", "1 caractère d'écart", "1 character apart"),
        ("name", "DUPONT", "MARTIN", "autre nom", "another name"),
        ("nir", "180019999900168", "180019999900168", "", ""),
    ],
)  # fmt: skip
def test_the_note_names_counts_and_parts_never_a_character(
    kind: str, expected: str, observed: str, fr: str, en: str
) -> None:
    assert difference(kind, expected, observed, "fr") == fr
    assert difference(kind, expected, observed, "en") == en
