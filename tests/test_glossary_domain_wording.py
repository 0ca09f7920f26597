"""The glossary says no more than billing-rules.md (audit s22-domain, findings 4 and 6): AT/MP and maternity are
at 100 % through the nature d'assurance with exo code 0; only contrats responsables may not cover the PF; a
prescription is not only a doctor's; no refusal rule for the accord préalable."""

from __future__ import annotations

from testbench.domain.glossary import Term, glossary


def term(key: str) -> Term:
    return next(t for t in glossary() if t.key == key)


def test_exoneration_gives_at_mp_and_maternity_exo_code_0() -> None:
    exo = term("exoneration")
    assert "code exo est 0" in exo.definition["fr"] and "exo code is 0" in exo.definition["en"]
    assert "AT/MP, maternité…). La facture en porte" not in exo.definition["fr"]


def test_only_contrats_responsables_cannot_cover_the_pf() -> None:
    pf = term("PF")
    assert "contrat complémentaire responsable" in pf.definition["fr"] and "contrat responsable" in pf.definition["en"]
    assert "l'AMC ne peut pas" not in pf.definition["fr"]


def test_a_prescription_is_not_only_a_doctors_and_prior_approval_states_no_refusal() -> None:
    prescription, prior = term("prescription"), term("accord-prealable")
    assert "d'un médecin (le prescripteur)" not in prescription.definition["fr"]
    assert "a doctor's order" not in prescription.definition["en"]
    assert "refus" not in prior.definition["fr"] and "refused" not in prior.definition["en"]
