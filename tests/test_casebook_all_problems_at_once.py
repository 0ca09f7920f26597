"""One `validate` run says every problem of a casebook: none hides behind another (audit findings 4, 8, 9).

libxml2 stops checking a parent's children at the first it did not expect; an id used twice used to
skip the rules on its element. Impossible dates say why, misspelled attributes and step references get
a hint like misspelled elements, a date is reported once, an amount finer than the cent is refused.
"""

from __future__ import annotations

from pathlib import Path

from testbench.casebook.errors import Problem
from testbench.casebook.loader import check_casebook

MINIMAL = (Path(__file__).resolve().parent / "data" / "casebooks" / "minimal.xml").read_text(encoding="utf-8")
INVOICE = '<invoice id="s-invoice" patient="p-std" prescription="rx-1" care-date="2026-01-12" tiers-payant="amo">'
LINE = '<line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00" tariff="14.00" plv="14.00"/>'


def _check(tmp_path: Path, *changes: tuple[str, str]) -> tuple[Path, list[Problem]]:
    (tmp_path / "cards").mkdir(exist_ok=True)
    for card in ("cps", "vitale"):
        (tmp_path / "cards" / f"{card}.xml").write_text("<placeholder/>\n", encoding="utf-8")
    text = MINIMAL
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "casebook.xml"
    path.write_text(text, encoding="utf-8")
    casebook, problems = check_casebook(path)
    assert casebook is None or not problems
    return path, problems


def _where(path: Path, needle: str) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8")
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _at(problems: list[Problem]) -> list[tuple[int, int, str]]:
    return [(p.source.line, p.source.col, p.message) for p in problems]


def test_an_unexpected_element_hides_nothing_after_it(tmp_path: Path) -> None:
    path, problems = _check(
        tmp_path,
        ('<read-cps id="s-cps"/>', '<read-cpss id="s-cps"/>'),
        ('care-date="2026-01-12"', 'care-date="2026-02-30" x-care="2026-01-12"'),
        ('quantity="4"', 'quantity="x"'),
    )
    found = _at(problems)
    assert [(line, col) for line, col, _ in found] == [
        _where(path, "<read-cpss"),
        _where(path, 'care-date="2026-02-30"'),
        _where(path, "x-care="),
        _where(path, 'quantity="x"'),
    ]
    assert "<read-cpss> : élément inattendu ici" in found[0][2] and "vouliez-vous dire <read-cps> ?" in found[0][2]
    assert "attribut non autorisé" in found[2][2] and "vouliez-vous dire" not in found[2][2]  # x-care is not card
    assert "il faut un nombre entier" in found[3][2]


def test_two_unexpected_children_of_one_parent_are_both_reported(tmp_path: Path) -> None:
    path, problems = _check(
        tmp_path,
        ('<read-vitale id="s-vitale"', '<red-vitale id="s-vitale"'),
        ('<secure id="s-secure"/>', '<secur id="s-secure"/>'),
        ('unit-price="14.00"', 'unit-price="56.0O"'),
    )
    schema = [(line, col) for line, col, message in _at(problems) if message.startswith("non conforme")]
    assert schema == [_where(path, "<red-vitale"), _where(path, 'unit-price="56.0O"'), _where(path, "<secur ")]


def test_a_misspelled_required_element_is_one_problem_not_a_cascade(tmp_path: Path) -> None:
    path, problems = _check(tmp_path, ("<evolution>EV001</evolution>", "<evolutoin>EV001</evolutoin>"))
    (problem,) = [p for p in problems if p.message.startswith("non conforme")]
    assert (problem.source.line, problem.source.col) == _where(path, "<evolutoin>")
    assert "vouliez-vous dire <evolution> ?" in problem.message


def test_the_tree_is_put_back_so_later_errors_stay_placed(tmp_path: Path) -> None:
    """Children set aside for another validation go back: errors after them are placed in the file as written."""
    path, problems = _check(
        tmp_path,
        ('<read-cps id="s-cps"/>', '<read-cpss id="s-cps"/><read-cpss id="s-cps2"/>'),
        ('<card slot="cps" ref="cps-psad"/>', '<card slot="cps" ref="cps-psad" bad="1"/>'),
        ('expected="56.00"', 'expected="56.00" tolerance="-1"'),
    )
    expected = [_where(path, needle) for needle in ('bad="1"', "<read-cpss", '<read-cpss id="s-cps2"', "tolerance=")]
    assert [(line, col) for line, col, _ in _at(problems)] == sorted(expected)


def test_a_duplicate_expectation_id_is_still_checked(tmp_path: Path) -> None:
    path, problems = _check(tmp_path, ('<value id="e-total" step="m-check"', '<value id="e-amo" step="s-nowhere"'))
    assert _at(problems) == [
        (*_where(path, 'id="e-amo" step="s-nowhere"'), "identifiant d'attendu « e-amo » en double dans ce cas"),
        (*_where(path, 'step="s-nowhere"'), "l'étape « s-nowhere » n'existe pas dans le cas T-001"),
    ]


def test_an_impossible_date_says_why_once(tmp_path: Path) -> None:
    path, problems = _check(
        tmp_path,
        ("<effective-date>2026-01-01<", "<effective-date>2026-13-01<"),
        ('care-date="2026-01-12"', 'care-date="2026-02-30"'),
        ('date="2026-01-05"', 'date="2026-04-00"'),
    )
    assert [(p.source.line, p.source.col, p.message, p.text("en").partition(": ")[2]) for p in problems] == [
        (
            *_where(path, "<effective-date>"),
            "non conforme au schéma : <effective-date> : « 2026-13-01 » n'est pas une date du calendrier : "
            "il n'y a pas de mois 13",
            'not valid against the schema: <effective-date>: “2026-13-01” is not a calendar date: there is no month 13',
        ),
        (
            *_where(path, 'date="2026-04-00"'),
            "non conforme au schéma : <prescription>, attribut « date » : « 2026-04-00 » n'est pas une date du "
            "calendrier : il n'y a pas de jour 00",
            'not valid against the schema: <prescription>, attribute “date”: “2026-04-00” is not a calendar date: '
            "there is no day 00",
        ),
        (
            *_where(path, 'care-date="2026-02-30"'),
            "non conforme au schéma : <invoice>, attribut « care-date » : « 2026-02-30 » n'est pas une date du "
            "calendrier : le mois 02/2026 n'a que 28 jours",
            'not valid against the schema: <invoice>, attribute “care-date”: “2026-02-30” is not a calendar date: '
            "month 02/2026 has only 28 days",
        ),
    ]


def test_a_misspelled_attribute_gets_a_hint(tmp_path: Path) -> None:
    path, problems = _check(tmp_path, ('unit-price="14.00"', 'unit-prise="14.00"'))
    hinted = [p for p in problems if "unit-prise" in p.message]
    assert [(p.source.line, p.source.col) for p in hinted] == [_where(path, "unit-prise")]
    assert hinted[0].message.endswith("attribut non autorisé — vouliez-vous dire « unit-price » ?")
    assert hinted[0].text("en").endswith('— did you mean “unit-price”?')


def test_a_misspelled_step_reference_gets_a_hint(tmp_path: Path) -> None:
    path, problems = _check(
        tmp_path, ('step="s-invoice" path="invoice.totals.amo"', 'step="S-Invoic" path="invoice.totals.amo"')
    )
    (problem,) = problems
    assert (problem.source.line, problem.source.col) == _where(path, 'step="S-Invoic"')
    assert problem.message == (
        "l'étape « S-Invoic » n'existe pas dans le cas T-001 — vouliez-vous dire « s-invoice » ?"
    )
    assert problem.text("en").endswith('step “S-Invoic” does not exist in case T-001 — did you mean “s-invoice”?')


def test_an_amount_finer_than_the_cent_is_refused_at_its_place(tmp_path: Path) -> None:
    path, problems = _check(tmp_path, ('unit-price="14.00" tariff="14.00"', 'unit-price="1234.567" tariff="14.000"'))
    (cent,) = [p for p in problems if "centime" in p.message]
    assert (cent.source.line, cent.source.col) == _where(path, 'unit-price="1234.567"')
    assert cent.message == "montant « 1234.567 » au-delà du centime : deux décimales au plus"
    assert cent.text("en").endswith('amount “1234.567” goes beyond the cent: two decimals at most')


def test_trailing_zeros_and_a_fine_tolerance_stay_valid(tmp_path: Path) -> None:
    _, problems = _check(
        tmp_path,
        ('unit-price="14.00" tariff="14.00" plv="14.00"', 'unit-price="14.000" tariff="14.0" plv="14"'),
        ('expected="33.60"', 'expected="33.60" tolerance="0.005"'),
    )
    assert problems == []
