"""A masked name must not tell how it starts: « d'ANNE EXEMPLE » redacted reads « de ‹NOM› », never « d'‹NOM› ».

The card layer writes French: « carte … de JEAN EXEMPLE », elided before a vowel (« d'ANNE EXEMPLE »). Kept
as it was written, the elision in front of the marker would tell the reader that the hidden name starts
with a vowel; the redaction writes the word whole before a masked name, in every export.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from testbench.cards.messages import describe_cps, describe_vitale
from testbench.casebook.loader import load_casebook
from testbench.i18n import translator
from testbench.paths import CARD_PROFILES_DIR, CASEBOOKS_DIR
from testbench.report.build import BuildOptions, build_report
from testbench.runner.assemble import BenchOptions, assemble
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.session import SessionStore
from testbench.traces.redact import Redactor

#: a CPS whose holder is ANNE EXEMPLE, put in the CPS reader instead of the PSAD's card: the guard refuses it
#: and names it, « carte CPE (CPS3) de test « cps3-unblock-blocked » d'ANNE EXEMPLE (…) »
VOWEL_HOLDER = CARD_PROFILES_DIR / "cps3-unblock-blocked.xml"
ELIDED = ("d'‹", "d’‹", "D'‹", "D’‹", "qu'‹", "qu’‹")
#: the same in any file of a report, its HTML escapes too (« d&#39;‹NOM› »)
ELIDED_IN_FILES = re.compile(r"(?i)(?<![^\W\d_])(?:d|qu)(?:'|’|&#39;|&#x27;|&rsquo;|&apos;)‹")


def test_the_unredacted_description_stays_correct_french() -> None:
    assert describe_vitale("Vitale 2", "T", None, ("ANNE", "MODELE"), ()) == "carte Vitale 2 de test d'ANNE MODELE"
    assert describe_vitale("Vitale 2", "T", None, ("JEAN", "EXEMPLE"), ()).endswith(" de JEAN EXEMPLE")
    assert Redactor(kinds={"pin"}).redact("la carte d'ANNE MODELE") == "la carte d'ANNE MODELE"  # names kept


def test_a_redacted_card_description_never_elides_before_the_mask() -> None:
    names = ["ANNE MODELE", "ANNE EXEMPLE"]
    vitale = describe_vitale("Vitale 2", "T", "vitale2-c2s", ("ANNE", "MODELE"), ("c2s",))
    cps = describe_cps("CPE", "CPS3", "T", "cps3-x", ("ANNE", "EXEMPLE", "PSAD"))
    for french in (vitale, cps):
        assert "d'ANNE" in french
        masked = Redactor(names=names).redact(french)  # a French export
        assert " de ‹NOM›" in masked and not any(e in masked for e in ELIDED), masked
        # an English export: translated then redacted (the cover), or redacted then translated
        for english in (
            Redactor(names=names, lang="en").redact(translator("en")(french)),
            translator("en")(Redactor(names=names, lang="en").redact(french)),
            translator("en")(masked),
        ):
            assert " of ‹NAME›" in english or " of ‹NOM›" in english, english
            assert "ANNE" not in english and not any(e in english for e in ELIDED), english


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("D'ANNE MODELE, rien", "De ‹NOM›, rien"),
        ("LA CARTE D'ANNE MODELE", "LA CARTE DE ‹NOM›"),
        ("la carte d’Anne Modèle", "la carte de ‹NOM›"),  # the typographic apostrophe, a name in any case
        ("ainsi qu'Anne Modèle", "ainsi que ‹NOM›"),
        ("lorsqu’ANNE MODELE signe", "lorsque ‹NOM› signe"),
        ("nom d'usage : ANNE", "nom d'usage : ‹NOM›"),  # an elision before a word that stays
        ("d'essai, d'Anne Modèle et de Jean", "d'essai, de ‹NOM› et de Jean"),
    ],
)
def test_free_text_elided_before_a_masked_name_is_written_whole(text: str, redacted: str) -> None:
    redactor = Redactor(names=["ANNE MODELE"])
    assert redactor.redact(text) == redacted
    assert redactor.redact(redacted) == redacted  # idempotent


def test_a_fixed_width_record_keeps_its_width() -> None:
    line = "200D'ANNE MODELE     0001"
    assert len(Redactor(names=["ANNE MODELE"], records=True).redact(line)) == len(line)


def _refused_vowel_holder_run(session: Path) -> None:
    casebook = load_casebook(CASEBOOKS_DIR / "demo.xml")
    store = SessionStore.open(session)
    record_casebooks(store, [casebook])
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="inprocess", engine="inprocess"), recorder)
    present = bench.bay.present

    def wrong_cps(slot: str, profile: Path) -> None:
        present(slot, VOWEL_HOLDER if slot == "cps" else profile)

    bench.bay.present = wrong_cps  # type: ignore[method-assign]
    try:
        runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard)
        runner.run(store.begin_run([], {}, bench.description), [(casebook, casebook.case("DEMO-FSE-001"))])
    finally:
        bench.close()
        store.close()


def test_the_report_of_a_card_whose_holder_starts_with_a_vowel_reads_de_mask(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    _refused_vowel_holder_run(session)
    for lang, marker, of in (("fr", "‹NOM›", "de"), ("en", "‹NAME›", "of")):
        out = build_report(session, tmp_path / lang, BuildOptions(lang=lang)).folder
        cover = json.loads((out / "report.json").read_text(encoding="utf-8"))["cover"]
        found = {c["slot"]: c for c in cover["cards"]}["cps"]["found"]
        assert f"« cps3-unblock-blocked » {of} {marker}" in found.replace("“", "« ").replace("”", " »"), found
        for path in out.rglob("*"):
            if path.suffix in (".html", ".json", ".xml", ".txt", ".md"):
                text = path.read_text(encoding="utf-8")
                assert "ANNE" not in text, path
                assert not ELIDED_IN_FILES.search(text), (path, ELIDED_IN_FILES.findall(text))
