"""``-k`` keyword expressions and ``--tag`` filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.model import Case, Casebook, Domain, Fixtures, Mode, PlanIdentity
from testbench.casebook.selection import SelectionError, compile_keyword, select_cases


def _case(
    case_id: str, title: str, tags: tuple[str, ...], domain: Domain = Domain.FSE, mode: Mode = Mode.SECURISE
) -> Case:
    return Case(id=case_id, title=title, domain=domain, mode=mode, objective="o", tags=tags)


def _casebook(*cases: Case) -> Casebook:
    identity = PlanIdentity("PDT-T-1", "EV1", "1", __import__("datetime").date(2026, 1, 1), "1.40", "8", "x")
    return Casebook(Path("x.xml"), "0" * 64, "1", identity, Fixtures(), cases)


BOOK = _casebook(
    _case("FSE-001", "Lit médical", ("lpp", "e1")),
    _case("FSE-002", "Lit médical ALD", ("lpp", "ald")),
    _case("FSE-010", "Visite infirmière", ("ngap",), mode=Mode.DEGRADE),
    _case("CARDS-001", "CPS bloquée", ("pin", "refus"), domain=Domain.CARDS, mode=Mode.NONE),
)


def ids(expr: str | None, tags: list[str] | None = None) -> list[str]:
    return [c.id for _, c in select_cases([BOOK], expr, tags or [])]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (None, ["FSE-001", "FSE-002", "FSE-010", "CARDS-001"]),
        ("", ["FSE-001", "FSE-002", "FSE-010", "CARDS-001"]),
        ("lpp", ["FSE-001", "FSE-002"]),
        ("LPP", ["FSE-001", "FSE-002"]),  # case-insensitive
        ("médical and not ald", ["FSE-001"]),
        ("ngap or pin", ["FSE-010", "CARDS-001"]),
        ("not (lpp or ngap)", ["CARDS-001"]),
        ("fse and (ald or degrade)", ["FSE-002", "FSE-010"]),
        ("FSE-00", ["FSE-001", "FSE-002"]),  # substring of the id
        ("not not e1", ["FSE-001"]),
        ("cards", ["CARDS-001"]),  # the domain matches too
        ("nothing-matches", []),
        ("lpp or ngap and not degrade", ["FSE-001", "FSE-002"]),  # and binds tighter than or
    ],
)
def test_keyword_expressions(expr: str | None, expected: list[str]) -> None:
    assert ids(expr) == expected


@pytest.mark.parametrize("expr", ["and", "lpp and", "(lpp", "lpp)", "not", "lpp or or ngap", "()", "a b"])
def test_malformed_expressions_are_refused(expr: str) -> None:
    with pytest.raises(SelectionError) as info:
        compile_keyword(expr)
    assert "expression -k invalide" in str(info.value)


def test_no_eval() -> None:
    # Python code is only words (or a malformed expression) here: nothing is evaluated.
    assert ids("os.system") == []
    with pytest.raises(SelectionError):
        compile_keyword("__import__('os')")


def test_tags_are_any_of_and_combine_with_k() -> None:
    assert ids(None, ["ald", "pin"]) == ["FSE-002", "CARDS-001"]
    assert ids(None, ["ALD"]) == ["FSE-002"]
    assert ids("fse", ["lpp"]) == ["FSE-001", "FSE-002"]
    assert ids("not ald", ["lpp"]) == ["FSE-001"]


def test_order_follows_casebooks_then_cases() -> None:
    other = _casebook(_case("Z-001", "Lit", ("lpp",)))
    assert [c.id for _, c in select_cases([other, BOOK], "lpp", [])] == ["Z-001", "FSE-001", "FSE-002"]


@pytest.mark.parametrize("expr", ["not " * 1000 + "lpp", "(" * 1000 + "lpp" + ")" * 1000])
def test_an_expression_nested_too_deeply_is_refused_at_its_place_not_a_crash(expr: str) -> None:
    """A pasted or generated expression a thousand levels deep is a placed usage error (exit 3), not an internal
    error of Python's stack; fifty levels still work."""
    from testbench.i18n import english

    with pytest.raises(SelectionError) as caught:
        compile_keyword(expr)
    said = str(caught.value)
    assert "expression trop imbriquée (plus de 50 niveaux)" in said and "(colonne " in said
    assert "expression nested too deeply (more than 50 levels)" in english(said)
    assert compile_keyword("not " * 50 + "lpp") is not None and compile_keyword("(" * 50 + "x" + ")" * 50)
