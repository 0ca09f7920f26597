"""An element the format knows, written outside its namespace, is said so, once (audit s21, 4)."""

from __future__ import annotations

from pathlib import Path

from testbench.casebook.loader import check_casebook

MINIMAL = (Path(__file__).resolve().parent / "data" / "casebooks" / "minimal.xml").read_text(encoding="utf-8")


def _messages(tmp_path: Path, old: str, new: str, lang: str = "fr") -> list[str]:
    (tmp_path / "cards").mkdir(exist_ok=True)
    for card in ("cps", "vitale"):
        (tmp_path / "cards" / f"{card}.xml").write_text("<placeholder/>\n", encoding="utf-8")
    path = tmp_path / "c.xml"
    path.write_text(MINIMAL.replace(old, new, 1), encoding="utf-8")
    return [p.text(lang) for p in check_casebook(path)[1]]


def test_a_case_in_no_namespace(tmp_path: Path) -> None:
    said = _messages(tmp_path, '<case id="T-001"', '<case xmlns="" id="T-001"')
    assert said == [
        f"{tmp_path / 'c.xml'}:21:5: non conforme au schéma : <case> n'est pas dans l'espace de noms "
        'urn:testbench:casebook:1 (xmlns="")'
    ]
    (english,) = _messages(tmp_path, '<case id="T-001"', '<case xmlns="" id="T-001"', "en")
    assert english.endswith('<case> is not in the namespace urn:testbench:casebook:1 (xmlns="")')


def test_a_root_in_no_namespace_quotes_nothing_twice(tmp_path: Path) -> None:
    (said,) = _messages(tmp_path, ' xmlns="urn:testbench:casebook:1"', "")
    assert "« aucun" not in said
    expected = '<casebook> sans espace de noms : un cahier de tests version 1 déclare xmlns="urn:testbench:casebook:1"'
    assert said.endswith(expected)
