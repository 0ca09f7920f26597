"""A glossary term inside a hyphenated identifier is no term: the book showed « Bill p-<exo> » (the patient p-exo,
its « exo » linked to « Exemption »), « <vitale>-ald in reader … », « <ARL>-001 », « scenario “<ordonnance>-lpp” »."""

from __future__ import annotations

from testbench.domain.glossary import find_terms
from testbench.report.glossary import linker


def test_a_term_glued_to_a_hyphenated_identifier_is_not_found() -> None:
    glued = ("Bill p-exo, care", "card vitale-ald in reader", "case ARL-001.", "scenario “ordonnance-lpp”")
    for text in (*glued, "p-regime-11", "DEMO-FSE-001", "SESAM-Vitale"):
        assert find_terms(text) == [], text


def test_the_same_terms_standing_alone_are_still_found() -> None:
    text = "exo 4, carte Vitale, l'ARL, une ordonnance, la FSE ; e-prescription et tiers-payant"
    found = [text[s:e] for s, e, _t in find_terms(text)]
    assert found == ["exo", "carte Vitale", "ARL", "ordonnance", "FSE", "e-prescription", "tiers-payant"]


def test_the_report_links_no_term_inside_a_patient_id() -> None:
    linked = str(linker("en")("Bill p-degrade, care on 2026-01-12, on prescription rx-nurse"))
    assert linked.startswith("Bill p-degrade, care on 2026-01-12, on <a class=\"term\""), linked
    assert linked.count('class="term"') == 1  # « prescription » alone
