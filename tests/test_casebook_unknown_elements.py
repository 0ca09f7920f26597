"""Elements the format does not know: no follow-on rule problems, a count of those not listed, the other cases
still checked past the cap."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook import build
from testbench.casebook.loader import check_casebook
from testbench.casebook.source import xml_detail

DATA = Path(__file__).resolve().parent / "data" / "casebooks"
MINIMAL = (DATA / "minimal.xml").read_text(encoding="utf-8")
CASE = MINIMAL[MINIMAL.index("    <case ") : MINIMAL.index("  </cases>")]
#: a second case with a problem of its own: an LPP code of 6 digits
OTHER = CASE.replace('id="T-001"', 'id="T-002"').replace('code="1241763" quantity', 'code="124176" quantity')


def _write(tmp_path: Path, first_case: str) -> Path:
    (tmp_path / "cards").mkdir(exist_ok=True)
    for card in ("cps", "vitale"):
        (tmp_path / "cards" / f"{card}.xml").write_text("<placeholder/>\n", encoding="utf-8")
    path = tmp_path / "casebook.xml"
    path.write_text(MINIMAL.replace(CASE, first_case + OTHER), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text.count("\n", 0, text.index(needle)) + 1


def test_a_misspelt_step_brings_no_follow_on_rule_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, CASE.replace("<read-vitale ", "<red-vitale "))
    problems = check_casebook(path)[1]
    messages = [p.message for p in problems]
    assert messages == [
        "non conforme au schéma : <red-vitale> : élément inattendu ici — vouliez-vous dire <read-vitale> ?",
        "code LPP « 124176 » invalide : 7 chiffres attendus",  # the other case is checked
    ]
    assert problems[1].source.line == _line_of(path, 'code="124176"')


def test_a_misspelt_line_brings_no_empty_invoice_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, CASE.replace('<line nomenclature="LPP"', '<lnie nomenclature="LPP"'))
    messages = [p.message for p in check_casebook(path)[1]]
    assert not any("aucune ligne" in m for m in messages)
    assert any("<lnie>" in m and "vouliez-vous dire <line> ?" in m for m in messages)


def test_past_the_cap_the_other_cases_are_checked_and_the_unlisted_counted(tmp_path: Path) -> None:
    noise = "".join(f"<z{i}/>" for i in range(1500))
    path = _write(tmp_path, CASE.replace('<verify-pin id="s-pin"/>', '<verify-pin id="s-pin"/>' + noise))
    problems = check_casebook(path)[1]
    listed = [p for p in problems if p.message.endswith("élément inattendu ici")]
    (left_out,) = [p for p in problems if "non listés" in p.message]
    assert left_out.message == f"… et {1500 - len(listed)} autres éléments inconnus du format, non listés"
    assert left_out.text("en").endswith(f"… and {1500 - len(listed)} more elements unknown to the format, not listed")
    assert problems.index(left_out) == problems.index(listed[-1]) + 1
    assert left_out.source == listed[-1].source
    assert not any("plus de 1000" in p.message for p in problems)
    (lpp,) = [p for p in problems if "code LPP" in p.message]
    assert lpp.source.line == _line_of(path, 'code="124176"')


def test_a_skimmed_case_keeps_the_pass_in_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Known elements after the cap, inside the case, do not unbalance what follows."""
    monkeypatch.setattr(build, "UNKNOWN_LIMIT", 3)
    noise = "<zz><read-cps id='x'/><y/></zz>" * 3
    path = _write(tmp_path, CASE.replace('<verify-pin id="s-pin"/>', noise + '<verify-pin id="s-pin"/>'))
    text = path.read_text(encoding="utf-8").replace('<secure id="s-secure"/>', '<secure id="s-secure" bad="1"/>', 2)
    path.write_text(text, encoding="utf-8")
    problems = check_casebook(path)[1]
    bad = [p for p in problems if "« bad »" in p.message]
    second = text.index('bad="1"', text.index('bad="1"') + 1)
    assert [p.source.line for p in bad] == [_line_of(path, 'bad="1"'), text.count("\n", 0, second) + 1]
    assert any("code LPP « 124176 »" in p.message for p in problems)


def test_past_the_skim_limit_the_pass_stops_and_says_at_least(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "UNKNOWN_LIMIT", 3)
    monkeypatch.setattr(build, "SKIM_LIMIT", 10)
    path = _write(tmp_path, CASE.replace('<verify-pin id="s-pin"/>', "<z/>" * 20 + '<verify-pin id="s-pin"/>'))
    messages = [p.message for p in check_casebook(path)[1]]
    assert "plus de 10 éléments inconnus du format : les règles ne sont plus vérifiées au-delà" in messages
    assert any(m.startswith("… et au moins ") for m in messages)
    assert not any("code LPP" in m for m in messages)  # the pass stopped before the other case


def test_a_cut_end_tag_is_worded() -> None:
    assert "expected" not in xml_detail("expected '>'")
    assert "expected" not in xml_detail("EndTag: '</' not found")
