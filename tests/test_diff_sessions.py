"""`testbench diff`: verdict, amount and normalised trace changes between two campaigns; CI exit codes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from lxml import etree
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report.diff import diff_sessions, normalise_line
from testbench.report.diff_bench import bench_normaliser
from testbench.store.read import read_session


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
    assert data["format"] == "testbench-diff/1"  # the documented format id (docs/reports.md)
    assert data["regressions"] == 1 and data["cases"][0]["values"][0]["after"] == "36.00"
    out = capsys.readouterr().out
    assert out.index("[RÉGRESSION]") < out.index("KO-1")
    assert "montant e1 invoice.totals.amo : 33,60\u00a0€ → 36,00\u00a0€" in out  # an amount reads as money
    doc = etree.HTML(html.read_text(encoding="utf-8"))
    assert doc.xpath("//tr[@class='k-regression']//strong/text()") == ["OK-1", "36,00\u00a0€"]


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


# -- two benches, one product ------------------------------------------------------------------------

DEMO_PICK = "DEMO-FSE-001 or DEMO-FSE-012 or DEMO-CARDS-001"  # a sale, a refusal, a card reading


def _demo_run(session: Path, cards: str) -> Path:
    from testbench.paths import CASEBOOKS_DIR
    from testbench.runner.campaign import RunRequest, run_campaign
    from testbench.runner.options import BenchOptions, CampaignOptions, Selection

    options = CampaignOptions(bench=BenchOptions(cards=cards, engine="inprocess"), selection=Selection(DEMO_PICK))
    request = RunRequest(casebooks=[CASEBOOKS_DIR / "demo.xml"], session=session, options=options)
    run_campaign(request)
    return session


def test_why_a_kept_card_still_holds_its_check_is_the_bench_s_words_not_the_product_s(tmp_path: Path) -> None:
    # the in-memory bay and pcscd word it differently for the same card (testbench.cards: KEPT_*)
    session = _demo_run(tmp_path / "memory.tbsession", "inprocess")
    with read_session(session) as view:
        reused = [line.text for line in view.iter_trace_lines() if "repris du cas" in line.text]
        shown = bench_normaliser(view)
    assert reused  # the demo's cases keep the CPS in its reader
    assert all(shown(line).endswith("(‹carte gardée›)") for line in reused), shown(reused[0])


@pytest.mark.integration
def test_same_product_on_pcscd_and_in_memory_cards_shows_no_difference(
    vpcd_lock: list[str], tmp_path: Path, capsys
) -> None:
    """Reader names (Virtual PCD 00 01 / inprocess-cps) and card modes differ: nothing else does."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _demo_run(tmp_path / "a" / "memory.tbsession", "inprocess")
    b = _demo_run(tmp_path / "b" / "pcscd.tbsession", "pcsc")
    with read_session(b) as view:
        assert "pcscd" in view.runs[-1]["environment"]["cards"]  # really two different benches
        assert any("Virtual PCD" in line.text for line in view.iter_trace_lines())
    result = diff_sessions(a, b)
    assert {c.case_id: c.kind for c in result.cases} == dict.fromkeys(
        ("DEMO-FSE-001", "DEMO-FSE-012", "DEMO-CARDS-001"), "same"
    ), [(c.case_id, c.kind, c.trace_diff[:4]) for c in result.cases]
    assert result.product == [] and "cartes" in result.bench
    assert main(["diff", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "environnement du produit : identique" in out and "aucune régression" in out
    assert "différences du banc, sans effet sur la comparaison : cartes" in out


def _another_bench(session: Path, *, engine_version: str | None = None) -> None:
    """Rewrite a recorded session as another bench would have written it (readers, host, paths)."""
    conn = sqlite3.connect(session)
    with conn:
        for table, column in (("trace_lines", "text"), ("events", "data")):
            conn.execute(f"UPDATE {table} SET {column} = replace({column}, 'inprocess-', 'Lecteur USB atelier 2 ')")
        for run_id, environment in conn.execute("SELECT id, environment FROM runs").fetchall():
            env = json.loads(environment)
            env["host"], env["cards"] = "poste-examen-2", "cartes émulées via pcscd + vpcd (vitale=Lecteur USB 2)"
            if engine_version is not None:
                env.setdefault("engine", {})["version"] = engine_version
            conn.execute(
                "UPDATE runs SET environment = ?, host = ? WHERE id = ?", (json.dumps(env), "poste-examen-2", run_id)
            )
    conn.close()


def test_other_reader_names_and_host_are_normalised_and_the_engine_version_still_shows(tmp_path: Path, capsys) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _demo_run(tmp_path / "a" / "s.tbsession", "inprocess")
    b = _demo_run(tmp_path / "b" / "s.tbsession", "inprocess")
    _another_bench(b)
    with read_session(b) as view:
        assert any("Lecteur USB atelier 2" in line.text for line in view.iter_trace_lines())
    same = diff_sessions(a, b)
    assert {c.kind for c in same.cases} == {"same"}, [(c.case_id, c.trace_diff[:4]) for c in same.cases]
    assert same.product == [] and {"cartes", "poste"} <= set(same.bench)

    _another_bench(b, engine_version="9.9.9")  # a new engine release: the product changed
    changed = diff_sessions(a, b)
    assert [(e.key, e.after) for e in changed.product] == [("moteur", changed.product[0].before[:-5] + "9.9.9")]
    # not a case regression; B was edited in place to stand for another bench: its chain does not verify (exit 2)
    assert main(["diff", str(a), str(b), "--json", str(tmp_path / "d.json")]) == 2
    out = capsys.readouterr().out
    assert "environnement du produit : différent" in out and "  moteur : " in out and "→" in out
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert data["environment"]["product"][0]["key"] == "moteur" and "poste" in data["environment"]["bench_normalised"]


def test_a_value_missing_on_one_side_reads_as_a_dash(tmp_path: Path, capsys) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = campaign(tmp_path / "a", hostile=False)
    b = campaign(tmp_path / "b", hostile=False)
    conn = sqlite3.connect(b)
    with conn:  # the other side never observed the amount (the step did not run)
        rows = conn.execute("SELECT id, data FROM comparisons").fetchall()
        for row_id, data in rows:
            value = json.loads(data)
            value["observed"] = None
            conn.execute("UPDATE comparisons SET data = ? WHERE id = ?", (json.dumps(value), row_id))
    conn.close()
    main(["diff", str(a), str(b), "--all"])
    out = capsys.readouterr().out
    assert "33,60\u00a0€ → — (attendu 33,60\u00a0€)" in out and "None" not in out  # an amount reads as money


def test_only_a_decimal_at_an_amounts_path_is_called_an_amount() -> None:
    """« montant » for an amount (shown as money), « valeur » for a rate or a casebook's own manual value."""
    from testbench.i18n import translator
    from testbench.report.diff import ValueChange, _label, _shown

    def change(path: str) -> ValueChange:
        return ValueChange("e1", path, "decimal", "5.90", "5.90", None)

    t = translator("fr")
    assert _label(change("invoice.totals.amo"), t) == "montant"
    assert _shown(change("invoice.totals.amo"), "5.90", "fr") == "5,90\u00a0€"
    # an operator's value named as an amount reads as one; a rate or a flag does not
    assert _shown(change("manual.paper_total"), "5.90", "fr") == "5,90\u00a0€"
    for path in ("invoice.lines[0].rate", "manual.paper_printed", "manual.totally"):
        assert _label(change(path), t) == "valeur" and _shown(change(path), "5.90", "fr") == "5,90"


def test_the_trace_rules_are_named_in_one_language() -> None:
    from testbench.i18n import translator
    from testbench.report.diff import TRACE_RULES, _rules

    names = [name for name, _ in TRACE_RULES]
    assert _rules(translator("fr"), names) == "horodatage, durée, uuid, référence-facture, adresse-hexa, espaces"
    assert _rules(translator("en"), names) == "timestamp, duration, uuid, invoice-reference, hex-address, whitespace"
