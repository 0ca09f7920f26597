"""Schema v5: a step's observed values in one row, and the files of schema ≤ 4 (one row per path) that
keep reading, verifying, merging and reporting as they did."""

from __future__ import annotations

import gzip
import json
import math
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from test_report_build import campaign

from testbench.report.build import build_report
from testbench.store import chain
from testbench.store.merge import merge_sessions
from testbench.store.read import read_session
from testbench.store.schema import SCHEMA_VERSION
from testbench.store.session import SessionStore

DATA = Path(__file__).parent / "data" / "sessions"


def v4_file(tmp: Path, name: str = "v4.tbsession") -> Path:
    """The session file testbench at schema v4 wrote (see data/sessions/make_v4.py), copied to ``tmp``."""
    path = tmp / name
    with gzip.open(DATA / "v4.tbsession.gz", "rb") as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def legacy_rows(path: Path) -> list[tuple[Any, ...]]:
    """The per-path rows of schema ≤ 4, read straight from the table."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT attempt_id, step_id, path, value, source, provenance FROM observations ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def as_read(rows: list[tuple[Any, ...]], attempt: int) -> list[dict[str, Any]]:
    """What SessionView.observations gives for ``attempt``, decoded from raw per-path rows."""
    return [
        {
            "step_id": step,
            "path": p,
            "value": json.loads(v),
            "source": source,
            "provenance": None if prov is None else json.loads(prov),
        }
        for a, step, p, v, source, prov in rows
        if a == attempt
    ]


def observations(path: Path) -> dict[str, list[dict[str, Any]]]:
    with read_session(path) as view:
        return {c.case_id: [o for a in c.attempts for o in view.observations(a.id)] for c in view.cases}


def report_observations(session: Path, out: Path) -> dict[str, list[dict[str, Any]]]:
    report = json.loads((build_report(session, out).folder / "report.json").read_text(encoding="utf-8"))
    return {c["key"]["case_id"]: c["observations"] for c in report["cases"]}


def test_a_v4_file_reads_verifies_and_reports_as_the_v4_version_did(tmp_path: Path) -> None:
    path = v4_file(tmp_path)
    rows = legacy_rows(path)
    with read_session(path) as view:
        assert view.schema_version == 4  # read as it is: a reader never migrates
        assert [view.observations(i) for i in (1, 2)] == [as_read(rows, 1), as_read(rows, 2)]
        assert view.chain_report().ok
    golden = json.loads((DATA / "v4-report-observations.json").read_text(encoding="utf-8"))
    assert report_observations(path, tmp_path / "report") == golden  # redacted values and origins included


def test_a_v4_file_opened_for_writing_keeps_its_rows_and_adds_sets_after_them(tmp_path: Path) -> None:
    path = v4_file(tmp_path)
    rows = legacy_rows(path)
    with SessionStore.open(path) as store:  # a --resume or a review migrates the file to v5
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        store.end_step(2, "s-later", {"invoice.totals.amc": "0.00"}, "engine", {"status": "done"})
        assert chain.verify(store.conn).ok
    assert legacy_rows(path) == rows  # never rewritten
    later = {"step_id": "s-later", "path": "invoice.totals.amc", "value": "0.00", "source": "engine"}
    assert observations(path)["KO-1"] == [*as_read(rows, 2), {**later, "provenance": None}]


def replay_into_sets(rows: list[tuple[Any, ...]], path: Path) -> None:
    """The v4 rows written again through the v5 store, a step's consecutive rows in one call."""
    with SessionStore.open(path) as store:
        run_id = store.begin_run(["test"], {}, {})
        attempts = {a: store.start_attempt(run_id, "sha", f"C{a}") for a in sorted({r[0] for r in rows})}
        calls: list[tuple[int, str, dict[str, Any], dict[str, tuple[str, Any]]]] = []
        for a, step, p, v, source, prov in rows:
            if not calls or calls[-1][:2] != (a, step):
                calls.append((a, step, {}, {}))
            calls[-1][2][p] = json.loads(v)
            calls[-1][3][p] = (source, None if prov is None else json.loads(prov))
        for a, step, values, origins in calls:
            store.end_step(attempts[a], step, values, "ignored", {"status": "done"}, origins)


def test_the_same_values_written_as_sets_read_back_exactly_as_the_v4_rows(tmp_path: Path) -> None:
    """Order, sources, provenance, nested values (keys sorted as v4 encoded them), floats, Decimals."""
    old = v4_file(tmp_path)
    rows = legacy_rows(old)
    new = tmp_path / "v5.tbsession"
    replay_into_sets(rows, new)
    with read_session(old) as before, read_session(new) as after:
        assert after.schema_version == 5
        assert [after.observations(i) for i in (1, 2)] == [before.observations(i) for i in (1, 2)]
        assert sorted(map(repr, after.observation_values())) == sorted(map(repr, before.observation_values()))
        distinct = list(after.observation_values(distinct=True))
        assert sorted(map(repr, distinct)) == sorted(map(repr, before.observation_values(distinct=True)))
        assert after.chain_report().ok
    conn = sqlite3.connect(new)
    try:
        assert conn.execute("SELECT COUNT(*) FROM observations").fetchone() == (0,)
        sets = conn.execute("SELECT step_id, source FROM observation_sets ORDER BY id").fetchall()
    finally:
        conn.close()
    # one row per step; a step whose paths have their own sources is cut where the source changes
    assert sets == [
        ("s2", "engine"),
        ("s2", "engine"),
        ("s2", "engine"),
        ("s-extract", "extraction"),
        ("s-extract", "correction"),
        ("s-extract", "engine"),
        ("s-manual", "operator"),
    ]


def test_a_run_writes_one_row_per_step_and_reports_what_v4_reported(tmp_path: Path) -> None:
    session = campaign(tmp_path, hostile=False, case_ids=("OK-1", "OK-2", "KO-1"))
    conn = sqlite3.connect(session)
    try:
        steps = conn.execute("SELECT COUNT(*) FROM events WHERE kind = 'step-end'").fetchone()[0]
        assert conn.execute("SELECT COUNT(*) FROM observation_sets").fetchone()[0] == steps == 3
        assert conn.execute("SELECT COUNT(*) FROM observations").fetchone()[0] == 0
        assert {k for (k,) in conn.execute("SELECT kind FROM chain")} >= {"observation_sets"}
    finally:
        conn.close()
    golden = json.loads((DATA / "v4-report-observations.json").read_text(encoding="utf-8"))["KO-1"]
    got = report_observations(session, tmp_path / "report")["KO-1"]
    # the same fake engine's step, as the v4 version reported it (its invoice number is the run's own)
    assert [o for o in got if o["path"] != "invoice.invoice_id"] == [
        o for o in golden if o["step"] == "s2" and o["path"] != "invoice.invoice_id"
    ]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE observation_sets SET data = replace(data, '33.60', '0.00') WHERE id = 2",
            "jeux de valeurs observées, ligne 2",
        ),
        (
            "UPDATE observation_sets SET provenance = '{}' WHERE source = 'extraction'",
            "jeux de valeurs observées, lignes 4–6",
        ),
        ("UPDATE observation_sets SET source = 'operator' WHERE id = 1", "jeux de valeurs observées, ligne 1"),
        ("DELETE FROM observation_sets WHERE id = 3", "supprimée"),
        (
            "INSERT INTO observation_sets (attempt_id, step_id, source, data) VALUES (1, 's9', 'engine', '{}')",
            "hors chaîne",
        ),
    ],
)
def test_a_changed_observation_set_breaks_the_chain(tmp_path: Path, sql: str, expected: str) -> None:
    path = tmp_path / "v5.tbsession"
    replay_into_sets(legacy_rows(v4_file(tmp_path)), path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql)
    conn.close()
    with read_session(path) as view:
        problems = view.chain_report().problems
    assert any(expected in p for p in problems), problems


def test_a_changed_v4_row_still_breaks_the_chain(tmp_path: Path) -> None:
    path = v4_file(tmp_path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE observations SET provenance = '{}' WHERE source = 'correction'")
    conn.close()
    with read_session(path) as view:
        problems = view.chain_report().problems
    assert any("— valeurs observées, lignes 14–20" in p for p in problems), problems  # the step's provenances


def test_a_v4_file_and_a_v5_file_merge_into_one_that_reads_both(tmp_path: Path) -> None:
    old = v4_file(tmp_path)
    new = campaign(tmp_path, "v5.tbsession", hostile=False, case_ids=("OK-2",))
    merged = tmp_path / "merged.tbsession"
    merge_sessions([old, new], merged)
    got = observations(merged)
    assert got["OK-1"] == observations(old)["OK-1"] and got["KO-1"] == observations(old)["KO-1"]
    assert got["OK-2"] == observations(new)["OK-2"] and len(got["OK-2"]) == 5
    with read_session(merged) as view:
        assert view.chain_report().ok


def test_the_distinct_scan_spreads_sets_in_sqlite_and_reads_what_sqlite_cannot(tmp_path: Path) -> None:
    """json_each gives each (path, value) once; a set holding a NaN (JSON SQLite refuses) is read in Python."""
    path = tmp_path / "s.tbsession"
    with SessionStore.open(path) as store:
        run_id = store.begin_run(["test"], {}, {})
        values = {"nir": "180017512345622", "n": 2, "ok": True, "no": False, "none": None, "l": [1, {"b": 2}]}
        for case in ("C1", "C2"):
            attempt = store.start_attempt(run_id, "sha", case)
            store.end_step(attempt, "s1", values, "engine", {"status": "done"})
        store.end_step(attempt, "s2", {"ratio": math.nan, "nir": "180017512345622"}, "engine", {"status": "done"})
    with read_session(path) as view:
        pairs = list(view.observation_values(distinct=True))
        kept = list(view.observation_values(lambda p: p == "nir", distinct=True))
    assert sorted(map(repr, pairs[:6])) == sorted(map(repr, values.items()))  # each once, decoded
    assert [type(v) for _, v in pairs[:6] if isinstance(v, bool)] == [bool, bool]
    assert pairs[6][0] == "ratio" and math.isnan(pairs[6][1]) and pairs[7] == ("nir", "180017512345622")
    assert kept == [("nir", "180017512345622"), ("nir", "180017512345622")]  # once per set SQLite could not read


def test_a_set_recorded_in_many_cases_is_decoded_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same card read in every case records the same set: the views get its rows, decoded once."""
    from testbench.store import codec, read

    path = tmp_path / "s.tbsession"
    card = {"vitale.nir": "180017512345622", "vitale.name": "DURAND"}
    with SessionStore.open(path) as store:
        run_id = store.begin_run(["test"], {}, {})
        for case in range(4):
            attempt = store.start_attempt(run_id, "sha", f"C{case}")
            store.end_step(attempt, "s1", card, "engine", {"status": "done"})
            store.end_step(attempt, "s2", {"invoice.number": case}, "engine", {"status": "done"})
    read._expand.cache_clear()
    decoded: list[str] = []
    real = codec.loads
    with read_session(path) as view:
        monkeypatch.setattr(codec, "loads", lambda raw: decoded.append(raw) or real(raw))
        rows = view._observation_rows([1, 2, 3, 4])
    assert [len(rows[i]) for i in (1, 2, 3, 4)] == [3, 3, 3, 3]
    assert sorted(decoded) == sorted([codec.dumps_object(card), *(f'{{"invoice.number":{i}}}' for i in range(4))])
