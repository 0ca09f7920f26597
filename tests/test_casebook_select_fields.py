"""``-k`` reads a mode, a domain, a tag or a word the French way too (case and accents aside), and its exact
forms ``id:``, ``tag:``, ``domain:``, ``mode:`` select by that field alone (one grammar: ``casebook.selection``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.model import Case, Casebook, Domain, Fixtures, Mode, PlanIdentity
from testbench.casebook.selection import SelectionError, select_cases
from testbench.i18n import english


def _case(case_id: str, title: str, tags: tuple[str, ...], domain: Domain, mode: Mode) -> Case:
    return Case(id=case_id, title=title, domain=domain, mode=mode, objective="o", tags=tags)


BOOK = Casebook(
    Path("x.xml"),
    "0" * 64,
    "1",
    PlanIdentity("PDT-T-1", "EV1", "1", __import__("datetime").date(2026, 1, 1), "1.40", "8", "x"),
    Fixtures(),
    (
        _case("FSE-01", "Lit médical", ("lpp", "Tiers-Payant"), Domain.FSE, Mode.SECURISE),
        _case("FSE-010", "Visite en mode dégradé", ("ngap", "élève"), Domain.FSE, Mode.DEGRADE),
        _case("FSE-011", "Visite", ("ngap",), Domain.FSE, Mode.DEGRADE),
        _case("LOT-001", "Lot de FSE sécurisées", ("b2",), Domain.LOT, Mode.NONE),
        _case("CARDS-001", "Lecture FSE", ("pin",), Domain.CARDS, Mode.NONE),
    ),
)


def ids(expr: str | None, tags: list[str] | None = None) -> list[str]:
    return [c.id for _, c in select_cases([BOOK], expr, tags or [])]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("securise", ["FSE-01", "LOT-001"]),
        ("sécurisé", ["FSE-01", "LOT-001"]),  # the mode as the casebook format lets it be written
        ("SÉCURISÉ", ["FSE-01", "LOT-001"]),
        ("degrade", ["FSE-010", "FSE-011"]),
        ("dégradé", ["FSE-010", "FSE-011"]),
        ("medical", ["FSE-01"]),  # a word of a title, accents aside
        ("eleve", ["FSE-010"]),  # a tag, accents aside
        ("tiers-payant", ["FSE-01"]),
    ],
)
def test_k_ignores_accents_and_case(expr: str, expected: list[str]) -> None:
    assert ids(expr) == expected


def test_tag_option_ignores_accents_and_case() -> None:
    assert ids(None, ["ELEVE"]) == ["FSE-010"]
    assert ids(None, ["tiers-payant"]) == ["FSE-01"]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("fse", ["FSE-01", "FSE-010", "FSE-011", "LOT-001", "CARDS-001"]),  # a word: anywhere, as before
        ("domain:fse", ["FSE-01", "FSE-010", "FSE-011"]),  # the domain alone
        ("DOMAIN:FSE", ["FSE-01", "FSE-010", "FSE-011"]),
        ("domain:cartes", ["CARDS-001"]),  # the domain's French name
        ("mode:dégradé", ["FSE-010", "FSE-011"]),
        ("mode:securise or domain:cards", ["FSE-01", "CARDS-001"]),
        ("domain:fse and not mode:degrade", ["FSE-01"]),
        ("tag:ngap", ["FSE-010", "FSE-011"]),
        ("tag:élève", ["FSE-010"]),
        ("tag:tiers", []),  # a tag is matched whole
        ("FSE-01", ["FSE-01", "FSE-010", "FSE-011"]),  # a word stays a substring of the id (compatibility)
        ("id:FSE-01", ["FSE-01"]),  # the id exactly
        ("id:fse-01 or id:LOT-001", ["FSE-01", "LOT-001"]),
    ],
)
def test_exact_fields(expr: str, expected: list[str]) -> None:
    assert ids(expr) == expected


@pytest.mark.parametrize(
    ("expr", "said", "said_en"),
    [
        (
            "domain:fsee",
            "expression -k invalide (colonne 1) : domaine inconnu « fsee » — vouliez-vous dire « domain:fse » ?"
            " (domaines connus\u00a0: fse, dre, adri, apcv, insi, eprescription, lot, cards) — « domain:fsee »",
            "invalid -k expression (column 1): unknown domain “fsee” — did you mean “domain:fse”? (known domains: fse,"
            " dre, adri, apcv, insi, eprescription, lot, cards) — “domain:fsee”",
        ),
        (
            "lpp and mode:degrad",
            "expression -k invalide (colonne 9) : mode inconnu « degrad » — vouliez-vous dire « mode:degrade » ?"
            " (modes connus\u00a0: securise, degrade, sesam-sans-vitale, none) — « lpp and mode:degrad »",
            "invalid -k expression (column 9): unknown mode “degrad” — did you mean “mode:degrade”? (known modes:"
            " securise, degrade, sesam-sans-vitale, none) — “lpp and mode:degrad”",
        ),
        (
            "id:",
            "expression -k invalide (colonne 1) : valeur manquante après « id: » — « id: »",
            "invalid -k expression (column 1): missing value after “id:” — “id:”",
        ),
    ],
)
def test_an_unknown_domain_or_mode_or_a_missing_value_is_refused_in_words(expr: str, said: str, said_en: str) -> None:
    with pytest.raises(SelectionError) as info:
        ids(expr)
    assert str(info.value) == said
    assert english(str(info.value)) == said_en
