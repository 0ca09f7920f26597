"""What docs/glossary.md promises and the earlier tests left open: the doc's list of terms is the glossary's,
a key is letters, digits and dashes, each step instruction of the doc's table reads as written (French and
English), ``q`` closes the workstation's glossary window, the report's Glossaire shows a term by its first
name whatever spelling the case used, and every trace channel has its words.

Held elsewhere: tests/test_glossary.py (matching, both languages, public references, the wheel),
tests/test_instructions.py, tests/test_tui_glossary.py, tests/test_report_glossary*.py and
tests/test_report_explain.py (refusal codes, steps and trace expectations in the report and report.json).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import inspect
import re
from pathlib import Path

import pytest
from demo_books import case_section, demo_books, demo_session, page  # noqa: F401 (fixtures)
from test_tui_app import select
from test_tui_reload import app_on, write_casebook
from textual.widgets import Tree

from testbench.casebook.instructions import describe_step
from testbench.casebook.model import Step, StepKind
from testbench.domain.glossary import find_terms, glossary, read_glossary
from testbench.domain.vocabulary import ACTIONS
from testbench.report.glossary import CHANNEL_WORDS
from testbench.traces.model import Channel
from testbench.tui.glossary_screen import GlossaryScreen

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "glossary.md").read_text(encoding="utf-8")
DATA = REPO / "testbench" / "domain" / "glossary.toml"
NBSP = "\u00a0"


def test_the_docs_list_of_terms_is_the_glossary() -> None:
    found = re.search(r"The terms today \((\d+)\): (.+?)\.\n\n", DOC, re.S)
    assert found, "docs/glossary.md: « The terms today (N): … » not found"
    count, listed = int(found.group(1)), " ".join(found.group(2).split())
    items = [re.sub(r"\s*\(.*?\)", "", item).strip() for item in re.split(r",\s*(?![^()]*\))", listed)]
    keys = []
    for item in items:
        matches = find_terms(item)
        assert matches and matches[0][0] == 0, item  # the doc's spelling is a name of the glossary
        keys.append(matches[0][2].key)
    assert len(keys) == len(set(keys)) == count == len(glossary())
    assert set(keys) == {t.key for t in glossary()}


def test_the_files_format_and_the_docs_example_term() -> None:
    text = DATA.read_text(encoding="utf-8")
    assert re.search(r'^format = "testbench-glossary/1"$', text, re.M)
    plv = {t.key: t for t in glossary()}["PLV"]
    assert plv.names[:2] == ("PLV", "prix limite de vente") and plv.name == "PLV"
    assert set(plv.definition) == {"fr", "en"} and plv.text("en") != plv.text("fr")


@pytest.mark.parametrize("key", ["F_S_E", "Exonération", "-FSE", "FSE#1"])
def test_a_key_is_letters_digits_and_dashes(key: str) -> None:
    good = DATA.read_text(encoding="utf-8")
    assert read_glossary(good.replace('key = "AT-MP"', 'key = "AT-MP2"'))  # dashes and digits are fine
    with pytest.raises(ValueError, match="anchor-safe"):
        read_glossary(good.replace('key = "FSE"', f'key = "{key}"'))


def step(action: str, **params: object) -> Step:
    return Step(id="s", kind=StepKind.ACTION, action=action, params=params)


#: the doc's table, row by row: (action, parameters, French, English)
TABLE = [
    ("read-cps", {}, "Lire la CPS", "Read the CPS"),
    ("read-vitale", {"beneficiary": "1"}, "Lire la carte Vitale, bénéficiaire 1",
     "Read the Vitale card, beneficiary 1"),
    ("verify-pin", {}, "Saisir le code porteur de la CPS (code de test du profil)", None),
    ("adri", {"patient": "p-ssv", "query": "cible", "care-date": "2026-01-12"},
     "Interroger les droits de p-ssv en ligne (ADRi), requête ciblée, soins du 12/01/2026", None),
    ("adri", {"patient": "p-ssv", "care-date": "2026-01-12", "scenario": "droits-ouverts", "fault": "timeout"},
     "Interroger les droits de p-ssv en ligne (ADRi), soins du 12/01/2026, scénario « droits-ouverts », "
     "panne simulée « timeout »", None),
    ("secure", {}, "Sécuriser (signer) la facture", None),
    ("build-lot", {}, "Constituer le lot des factures sécurisées", None),
    ("read-returns", {"scenario": "arl-positive"}, "Lire l'ARL du lot : accepté (ARL positif)", None),
    ("read-returns", {"scenario": "arl-negative"}, "Lire l'ARL du lot : rejeté (ARL négatif)", None),
    ("read-returns", {"scenario": "rsp-paid"}, "Lire le retour NOEMIE (RSP) : facture payée", None),
    ("read-returns", {"scenario": "rsp-rejected", "code": "0250 050"},
     "Lire le retour NOEMIE (RSP) : facture rejetée, code 0250 050", None),
    ("insert-card", {"slot": "vitale", "card": "vitale-ald"},
     "Insérer la carte vitale-ald dans le lecteur vitale", None),
    ("remove-card", {"slot": "vitale"}, "Retirer la carte du lecteur vitale", None),
    ("apcv", {}, "Lire l'appli carte Vitale (ApCV)", None),
    ("apcv", {"channel": "qr"}, "Lire l'appli carte Vitale (ApCV) par QR code", None),
    ("apcv", {"channel": "nfc", "scenario": "x", "fault": "timeout"},
     "Lire l'appli carte Vitale (ApCV) par NFC, scénario « x », panne simulée « timeout »", None),
    ("insi", {"patient": "p-std"}, "Chercher l'identité nationale de santé de p-std (INSi)", None),
    ("eprescription", {"number": "EP-0001"}, "Consulter l'e-prescription n° EP-0001", None),
    ("change-pin", {}, "Changer le code porteur de la CPS (nouveau code de test du profil)", None),
    ("unblock-pin", {}, "Débloquer le code porteur de la CPS avec le code de déblocage du profil", None),
    ("invoice", {"patient": "p-std", "care-date": "2026-01-12", "tiers-payant": "amo",
                 "lines": ({"nomenclature": "LPP", "code": "1241763", "quantity": "4", "unit-price": "14.00"},)},
     f"Facturer à p-std, soins du 12/01/2026 : LPP 1241763 × 4 à 14,00{NBSP}€, tiers payant AMO",
     "Bill p-std, care on 2026-01-12: LPP 1241763 × 4 at €14.00, "),
]  # fmt: skip


@pytest.mark.parametrize(("action", "params", "french", "english"), TABLE, ids=[r[0] for r in TABLE])
def test_each_action_reads_as_the_docs_table_says(
    action: str, params: dict[str, object], french: str, english: str | None
) -> None:
    assert describe_step(step(action, **params), lang="fr") == french
    if english is not None:
        assert describe_step(step(action, **params), lang="en").startswith(english)
    # the doc shows the same words (its brackets mark the optional parts)
    doc_words = re.split(r" : |, | par ", french)[0]
    assert doc_words in DOC, doc_words


def test_the_docs_table_has_a_row_for_every_action_of_the_vocabulary() -> None:
    table = DOC.split("## Step instructions", 1)[1].split("\n\n", 3)[2]
    rows = {name for cell in re.findall(r"^\| (`[^|]+`) \|", table, re.M) for name in re.findall(r"`([\w-]+)`", cell)}
    assert rows == set(ACTIONS)
    assert list(inspect.signature(describe_step).parameters) == ["step", "casebook", "lang"]


def test_an_invoice_line_adds_its_own_date_ald_and_exoneration() -> None:
    line = {"nomenclature": "LPP", "code": "1241763", "quantity": "4", "unit-price": "14.00", "date": "2026-01-05",
            "ald": "true", "exo": "4"}  # fmt: skip
    same_day = {**line, "date": "2026-01-12"}
    text = describe_step(step("invoice", patient="p-std", **{"care-date": "2026-01-12"}, lines=(line,)), lang="fr")
    assert ", le 05/01/2026, en rapport avec l'ALD, exonération 4" in text
    text = describe_step(step("invoice", patient="p-std", **{"care-date": "2026-01-12"}, lines=(same_day,)), lang="fr")
    assert "le 12/01/2026," not in text  # the care date is not said twice


def test_q_closes_the_glossary_window(tmp_path: Path) -> None:
    path = write_casebook(tmp_path)

    async def scenario() -> None:
        app = app_on(path, tmp_path)
        async with app.run_test(size=(130, 40)) as pilot:
            await pilot.pause()
            await select(app, pilot, "RL-002")
            app.query_one("#tree", Tree).focus()
            for close in ("q", "d", "escape"):
                await pilot.press("d")
                await pilot.pause()
                assert isinstance(app.screen, GlossaryScreen)
                await pilot.press(close)
                await pilot.pause()
                assert not isinstance(app.screen, GlossaryScreen), close
            assert app.is_running  # « q » closed the window, not the workstation

    asyncio.run(scenario())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_report_shows_a_term_by_its_first_name_whatever_spelling_the_case_used(
    demo_books: dict[str, Path],  # noqa: F811
    lang: str,
) -> None:
    dom = page(demo_books[lang])
    # DEMO-FSE-004's objective says « TM », a second name of « ticket modérateur »
    links = case_section(dom, "DEMO-FSE-004").xpath(".//a[@class='term'][.='TM']/@href")
    assert links and set(links) == {"#glossaire-ticket-moderateur"}
    (entry,) = dom.xpath("//section[@id='glossaire']//dt[@id='glossaire-ticket-moderateur']")
    assert "".join(entry.itertext()) == "ticket modérateur"
    heading = {"fr": "Glossaire", "en": "Glossary"}[lang]
    assert dom.xpath("//section[@id='glossaire']/h2/text()") == [heading]


def test_every_trace_channel_has_its_words() -> None:
    assert set(CHANNEL_WORDS) == {channel.value for channel in Channel}
