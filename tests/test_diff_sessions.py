"""`testbench diff`: verdict, amount and normalised trace changes between two campaigns; CI exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report.diff import diff_sessions, normalise_line


def sessions(tmp_path: Path, **b_kw) -> tuple[Path, Path]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = campaign(tmp_path / "a", hostile=False)
    b = campaign(tmp_path / "b", hostile=False, **b_kw)
    return a, b


def test_rerun_of_the_same_release_shows_no_change_after_normalisation(tmp_path: Path, capsys) -> None:
    a, b = sessions(tmp_path)
    result = diff_sessions(a, b)
    assert [c.kind for c in result.cases] == ["same", "same"]  # invoice refs and times differ, normalised away
    assert main(["diff", str(a), str(b)]) == 0
    assert "aucune régression" in capsys.readouterr().out


def test_regression_comes_first_with_amount_and_trace_changes(tmp_path: Path, capsys) -> None:
    a, b = sessions(tmp_path, unit_price="15.00")  # the new release computes another AMO
    result = diff_sessions(a, b)
    first = result.cases[0]
    assert (first.case_id, first.kind, first.before, first.after) == ("OK-1", "regression", "pass", "fail")
    assert [v.before for v in first.values] == ["33.60"] and [v.after for v in first.values] == ["36.00"]
    assert first.values[0].is_amount
    ko = result.cases[1]
    assert ko.case_id == "KO-1" and ko.kind == "details"  # still failing, but its amount moved
    assert any(line.startswith("+") for line in first.trace_diff)
    html, js = tmp_path / "diff.html", tmp_path / "diff.json"
    assert main(["diff", str(a), str(b), "--html", str(html), "--json", str(js)]) == 1
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["regressions"] == 1 and data["cases"][0]["values"][0]["after"] == "36.00"
    out = capsys.readouterr().out
    assert out.index("[RÉGRESSION]") < out.index("KO-1")
    assert "montant e1 invoice.totals.amo : 33.60 → 36.00" in out
    doc = etree.HTML(html.read_text(encoding="utf-8"))
    assert doc.xpath("//tr[@class='k-regression']//strong/text()") == ["OK-1", "36.00"]


def test_fixed_case_is_not_a_regression(tmp_path: Path) -> None:
    a, b = sessions(tmp_path, unit_price="15.00")
    result = diff_sessions(b, a)  # going back: OK-1 fail → pass
    assert result.cases[0].kind == "fixed"
    assert not result.regressions
    assert main(["diff", str(b), str(a)]) == 0


def test_new_failing_case_counts_and_unreadable_session_is_usage(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = campaign(tmp_path / "a", hostile=False, case_ids=("OK-1",))
    b = campaign(tmp_path / "b", hostile=False, case_ids=("OK-1", "KO-1"))
    result = diff_sessions(a, b)
    assert (result.cases[0].case_id, result.cases[0].kind) == ("KO-1", "new-failure")
    assert main(["diff", str(a), str(b)]) == 1
    assert main(["diff", str(a), str(tmp_path / "missing.tbsession")]) == 3


def test_normalisation_rules_keep_amounts_and_codes() -> None:
    line = "2026-01-15T10:00:01.123Z create_invoice 1a2b3c4d-17 montant 33.60 (12.40 ms) handle 0x7ffd1234"
    assert normalise_line(line) == "‹T› create_invoice ‹REF› montant 33.60 (‹durée›) handle ‹0x›"
