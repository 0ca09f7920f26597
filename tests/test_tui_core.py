"""The workstation's model, without Textual: filters, tree, counts, overview, hints, state, paging, runs."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_tui_helpers import big_trace_session, fake_bench, sample_casebook

from testbench.domain.attestation import Attestation
from testbench.locale import CONTEXT, entries
from testbench.runner.events import CaseFinished
from testbench.store.traceindex import PAGE, TraceIndex, TraceSource
from testbench.tui import actions
from testbench.tui.config import UiState, load_settings
from testbench.tui.execution import run_cases
from testbench.tui.operator_prompt import InteractiveOperator
from testbench.tui.workstation import Workstation, mark_differences, parse_filter


class Yes:
    def perform(self, case, step):
        return Attestation(True, "test", values={"manual.amo": "33.60"})

    def notify(self, message: str) -> None:
        pass


def workstation(tmp_path: Path) -> Workstation:
    ws = Workstation([sample_casebook(tmp_path)], tmp_path / "s.tbsession")
    ws.prepare()
    return ws


def run_all(ws: Workstation, operator=None, **kw) -> None:
    targets = [(e.casebook, e.case) for e in ws.entries]
    run_cases(ws.session_path, ws.casebooks, targets, bench_factory=fake_bench, operator=operator or Yes(), **kw)
    ws.reload()


def test_parse_filter_words_tags_and_french_or_english_verdicts() -> None:
    flt = parse_filter("Lit TAG:LPP verdict:échec verdict:passed ald")
    assert flt.words == ("lit", "ald") and flt.tags == ("lpp",) and flt.verdicts == ("fail", "pass")
    assert parse_filter("").empty


def test_mark_differences_marks_only_what_differs() -> None:
    left, right = mark_differences("33.61", "33.60")
    assert left == (("33.6", False), ("1", True)) and right == (("33.6", False), ("0", True))
    left, right = mark_differences("56.00", "56.00")
    assert all(not d for _, d in left + right)


def test_tree_groups_by_plan_domain_mode_and_filters_count(tmp_path: Path) -> None:
    ws = workstation(tmp_path)
    tree = ws.tree(ws.entries)
    ((plan, domains),) = tree.items()
    assert plan.startswith("PDT-TEST-001")
    assert {d: {m: [e.case.id for e in es] for m, es in modes.items()} for d, modes in domains.items()} == {
        "fse": {"degrade": ["TC-OK-001", "TC-KO-002"], "securise": ["TC-MAN-003"]},
        "lot": {"degrade": ["TC-LOT-004"]},
    }
    assert [e.case.id for e in ws.filtered(parse_filter("tag:plv"))] == ["TC-LOT-004"]
    assert [e.case.id for e in ws.filtered(parse_filter("ko"))] == ["TC-KO-002"]
    assert ws.counts(ws.entries) == {"none": 4}
    run_all(ws)
    assert ws.counts(ws.entries) == {"fail": 1, "pass": 3}
    assert [e.case.id for e in ws.filtered(parse_filter("verdict:échec"))] == ["TC-KO-002"]
    ws.close()


def test_overview_progress_domains_time_and_remaining(tmp_path: Path) -> None:
    ws = workstation(tmp_path)
    first = ws.entries[:2]
    run_cases(
        ws.session_path, ws.casebooks, [(e.casebook, e.case) for e in first], bench_factory=fake_bench, operator=Yes()
    )
    ws.reload()
    ov = ws.overview()
    assert (ov.total, ov.final, ov.attempts) == (4, 2, 2)
    assert ov.by_domain == {"fse": {"pass": 1, "fail": 1, "none": 1}, "lot": {"none": 1}}
    assert ov.remaining == ["TC-MAN-003", "TC-LOT-004"]
    assert ov.time_spent_ms > 0
    ws.close()


def test_observe_hints_join_the_step_hint_and_the_value_expectation(tmp_path: Path) -> None:
    cb = sample_casebook(tmp_path)
    case = cb.case("TC-MAN-003")
    step = case.steps[1]
    assert Workstation.observe_hints(case, step) == [("manual.amo", "Montant AMO à l'écran", "33,60\u00a0€")]  # money


def test_run_cases_renumbers_events_and_stops_between_cases(tmp_path: Path) -> None:
    ws = workstation(tmp_path)
    seen: list = []
    stop = threading.Event()

    def listener(event) -> None:
        seen.append(event)
        if isinstance(event, CaseFinished) and event.index == 1:
            stop.set()

    targets = [(e.casebook, e.case) for e in ws.entries]
    outcome = run_cases(
        ws.session_path, ws.casebooks, targets, bench_factory=fake_bench, operator=Yes(), listener=listener, stop=stop
    )
    assert outcome.stopped and outcome.ran == 2
    finished = [(e.index, e.total) for e in seen if isinstance(e, CaseFinished)]
    assert finished == [(0, 4), (1, 4)]
    ws.reload()
    assert [len(e.view.attempts) if e.view else 0 for e in ws.entries] == [1, 1, 0, 0]
    ws.close()


def test_interactive_operator_blocks_until_answered_or_stopped(tmp_path: Path) -> None:
    cb = sample_casebook(tmp_path)
    case = cb.case("TC-MAN-003")
    asked = []
    op = InteractiveOperator(ask=asked.append, tell=lambda m: None)
    result: list = []
    worker = threading.Thread(target=lambda: result.append(op.perform(case, case.steps[1])))
    worker.start()
    for _ in range(100):
        if asked:
            break
        threading.Event().wait(0.01)
    assert asked and asked[0].step.id == case.steps[1].id
    assert worker.is_alive()  # waiting for the person
    asked[0].resolve(Attestation(True, "moi"))
    worker.join(2)
    assert result[0].operator == "moi"
    # stopping releases a waiting step with no answer (it stays pending)
    worker = threading.Thread(target=lambda: result.append(op.perform(case, case.steps[1])))
    worker.start()
    op.stop.set()
    worker.join(2)
    assert not worker.is_alive() and result[1] is None


def test_trace_index_pages_and_time_lookup(tmp_path: Path) -> None:
    session, attempt = big_trace_session(tmp_path / "t.tbsession", 5_000)
    conn = TraceSource.open(session)
    index = TraceIndex(conn, attempt, "engine").load()
    expected = [i for i in range(5_000) if i % 10 and i % 4 == 1]
    assert len(index) == len(expected)
    assert index.row(len(index) - 1).text.startswith(f"{expected[-1]:06d}")
    assert len(index._pages) == 1  # only the page holding that line was read
    # first line at or after a time; search positions; head-only loading
    assert index.index_at_time(1_000_000 + expected[10] * 1000) == 10
    assert index.matches(f"{expected[3]:06d}") == [3]
    head = TraceIndex(conn, attempt, "engine").load(PAGE)
    assert len(head) == PAGE and not head.complete
    filtered = TraceIndex(conn, attempt, "engine", contains=f"{expected[5]:06d}").load()
    assert len(filtered) == 1
    conn.close()


def test_state_file_remembers_last_session_and_position(tmp_path: Path) -> None:
    state = UiState(tmp_path / "cfg")
    state.remember_last(tmp_path / "a.tbsession", [tmp_path / "cb.xml"])
    state.set_position(tmp_path / "a.tbsession", case="sha/TC-1", view="traces")
    again = UiState(tmp_path / "cfg")
    assert again.last() == ((tmp_path / "a.tbsession").resolve(), [(tmp_path / "cb.xml").resolve()])
    assert again.position(tmp_path / "a.tbsession") == {"case": "sha/TC-1", "view": "traces"}
    (tmp_path / "cfg" / "ui-state.json").write_text("{not json", encoding="utf-8")
    assert UiState(tmp_path / "cfg").last() is None  # a damaged state file only loses the position


def test_settings_keymap_and_language_from_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TESTBENCH_LANG", raising=False)
    (tmp_path / "tui.toml").write_text('lang = "en"\noperator = "Alice"\n[keymap]\nrun-case = "f5"\n', "utf-8")
    settings = load_settings(tmp_path)
    assert (settings.lang, settings.operator, settings.keymap) == ("en", "Alice", {"run-case": "f5"})
    assert actions.effective_keys(settings.keymap)["run-case"] == "f5"
    (tmp_path / "tui.toml").write_text("lang = [", "utf-8")
    assert load_settings(tmp_path).problems


def test_a_windows_path_in_double_quotes_in_tui_toml_is_refused_with_how_to_write_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``signing_key = "C:\\tmp\\fse.pem"`` reads a tab and a form feed: refused with the hint, never used as a
    path; a backslash TOML refuses (``\\U``) is a syntax error said with the same hint, as sut/profile.py says it."""
    from testbench.i18n import english
    from testbench.tomlfile import WINDOWS_PATH_HINT

    monkeypatch.delenv("TESTBENCH_LANG", raising=False)
    file = tmp_path / "tui.toml"
    file.write_text('operator = "Alice"\nsigning_key = "C:\\tmp\\fse.pem"\n', "utf-8")
    settings = load_settings(tmp_path)
    assert settings.signing_key is None and settings.operator == "Alice"
    assert settings.problems == [f"{file} : signing_key : caractère de contrôle dans le chemin ; {WINDOWS_PATH_HINT}"]
    assert english(settings.problems[0]) == (
        f"{file}: signing_key: control character in the path; Windows path between double quotes: write it"
        " between single quotes ('C:\\…') or with /"
    )
    file.write_text("signing_key = 'C:\\tmp\\k.pem'\n", "utf-8")  # between single quotes: as written
    settings = load_settings(tmp_path)
    assert (settings.signing_key, settings.problems) == (Path("C:\\tmp\\k.pem"), [])
    file.write_text('lang = "fr"\nsigning_key = "C:\\Users\\k.pem"\n', "utf-8")  # \\U: not TOML
    (problem,) = load_settings(tmp_path).problems
    assert problem == f"{file}:2:20: syntaxe TOML invalide ; {WINDOWS_PATH_HINT}"
    assert english(problem).startswith(f"{file}:2:20: invalid TOML syntax; Windows path between double quotes")


def test_registry_ids_are_unique_and_every_action_has_english() -> None:
    ids = [a.id for a in actions.ACTIONS]
    assert len(ids) == len(set(ids))
    assert actions.unknown_ids({"run-case": "f5", "nope": "x"}) == ["nope"]
    # the labels and help lines read their English from the one catalogue (its ``tui`` context first)
    english = entries("testbench", "en")
    texts = [text for spec in actions.ACTIONS for text in (spec.label, spec.help)]
    assert [text for text in texts if text not in english and f"tui{CONTEXT}{text}" not in english] == []
    run, tree, overview = (actions.BY_ID[i] for i in ("run-case", "tree", "view-overview"))
    assert actions.describe(run, "en") == "Run the selected case (a new attempt, or the rest of an unfinished one)"
    assert actions.describe(run, "fr") == (
        "Exécuter le cas sélectionné (nouvelle tentative, ou suite d'une tentative inachevée)"
    )
    assert (actions.label(tree, "en"), actions.label(overview, "en")) == ("Case tree", "Overview")


def test_model_modules_import_without_textual() -> None:
    code = (
        "import sys; sys.modules['textual'] = None\n"
        "import testbench.tui.workstation, testbench.tui.execution, testbench.tui.operator_prompt\n"
        "import testbench.store.traceindex, testbench.tui.config, testbench.tui.actions, testbench.tui.review\n"
        "import testbench.cli.ui_cmd\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_docs_list_every_action_with_its_default_key() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "tui.md").read_text(encoding="utf-8")
    for spec in actions.ACTIONS:
        assert f"`{spec.id}`" in doc, spec.id


def test_refresh_entries_rereads_only_the_touched_cases(tmp_path: Path) -> None:
    ws = workstation(tmp_path)
    first, second = ws.entries[0], ws.entries[1]
    run_cases(ws.session_path, ws.casebooks, [(first.casebook, first.case)], bench_factory=fake_bench, operator=Yes())
    assert first.view is not None and first.view.attempts == ()  # not re-read yet
    assert ws.refresh_entries({first.key})
    assert [a.verdict for a in ws.entry(first.key).view.attempts] == ["pass"]
    assert ws.entry(second.key).view.attempts == ()
    assert not ws.refresh_entries({("unknown", "X")})  # asks for a full reload
    ws.close()
