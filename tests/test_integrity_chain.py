"""The journal's hash chain (written by the store, checked offline) and signed reviewer annotations."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report.build import build_report
from testbench.signing import init_key, load_signer
from testbench.store import chain, schema
from testbench.store.annotations import AnnotationError, add_annotation, read_annotations
from testbench.store.session import SessionStore


def problems(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return chain.verify(conn).problems
    finally:
        conn.close()


def tamper(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_a_run_leaves_an_intact_chain_covering_every_result_row(tmp_path: Path) -> None:
    session = campaign(tmp_path)
    assert problems(session) == []
    conn = sqlite3.connect(session)
    kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM chain")}
    conn.close()
    assert {"attempt-start", "attempt-finish", "events", "observation_sets", "comparisons"} <= kinds


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE attempts SET verdict = 'pass', reason = '' WHERE verdict = 'fail'", "heure de fin ou durée modifiés"),
        ("UPDATE comparisons SET data = replace(data, '99.99', '33.60')", "comparaisons, ligne"),
        (
            "UPDATE observation_sets SET data = replace(data, '33.60', '0.00') WHERE id = 1",
            "jeux de valeurs observées, ligne 1 ",
        ),
        ("DELETE FROM events WHERE id = 2", "supprimée"),
        ("INSERT INTO events (kind, mono_ns, wall, data) VALUES ('step-end', 1, 1, '{}')", "hors chaîne"),
        ("UPDATE chain SET digest = replace(digest, substr(digest, 1, 1), 'x') WHERE seq = 3", "modifiée"),
        ("DELETE FROM chain WHERE seq = 4", "chaîne : entrée 4 supprimée"),
        ("UPDATE artifacts SET data = CAST('<fse>retouchée</fse>' AS BLOB)", "ne correspond plus à son empreinte"),
    ],
)
def test_each_kind_of_tampering_is_named(tmp_path: Path, sql: str, expected: str) -> None:
    session = campaign(tmp_path)
    tamper(session, sql)
    found = problems(session)
    assert found and any(expected in p for p in found), found


def test_cli_verify_on_a_session(tmp_path: Path, capsys) -> None:
    session = campaign(tmp_path)
    assert main(["verify", str(session)]) == 0
    tamper(session, "UPDATE attempts SET verdict = 'pass' WHERE verdict = 'fail'")
    assert main(["verify", str(session)]) == 1
    assert "verdict, motif, heure de fin ou durée modifiés" in capsys.readouterr().out


def test_a_v1_session_is_migrated_and_its_rows_backfilled_into_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "old.tbsession"
    conn = sqlite3.connect(path, isolation_level=None)
    schema._v1(conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO runs VALUES (1, 1.0, 2.0, '[]', 'h', 1, '{}', '{}')")
    conn.execute("INSERT INTO attempts VALUES (1, 1, 'sha', 'C1', 1, 1.0, 1, 2.0, 5.0, 'fail', 'motif')")
    conn.execute("INSERT INTO events VALUES (1, 1, 1, 's1', 'step-end', 1, 1.0, '{}')")
    conn.close()
    SessionStore.open(path).close()  # migrates to the current schema
    assert problems(path) == []
    tamper(path, "UPDATE attempts SET verdict = 'pass'")
    assert any("tentative 1" in p for p in problems(path))


def test_reviews_are_signed_appended_and_keep_the_original_verdict(tmp_path: Path) -> None:
    session = campaign(tmp_path, hostile=False)
    key = tmp_path / "k.pem"
    init_key(key)
    args = ["review", str(session), "KO-1", "--override", "pass", "--reason", "écart d'arrondi accepté", "--key"]
    assert main([*args, str(key), "--reviewer", "M. Examinateur"]) == 0
    assert main(["review", str(session), "OK-1", "--accept", "--reason", "vu", "--key", str(key)]) == 0
    assert main(["review", str(session), "NOPE", "--accept", "--reason", "x", "--key", str(key)]) == 3
    assert problems(session) == []
    conn = sqlite3.connect(session)
    assert conn.execute("SELECT verdict FROM attempts WHERE case_id = 'KO-1'").fetchone()[0] == "fail"
    notes = read_annotations(conn)
    conn.close()
    assert all(a.valid for items in notes.values() for a in items)
    folder = build_report(session, tmp_path / "r").folder
    data = json.loads((folder / "report.json").read_bytes())
    ko = next(c for c in data["cases"] if c["key"]["case_id"] == "KO-1")
    assert ko["verdict"] == "fail" and ko["reviewed_verdict"] == "pass"
    assert ko["annotations"][0]["reviewer"] == "M. Examinateur" and ko["annotations"][0]["signature_valid"]
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "écart d&#39;arrondi accepté" in html and "verdict remplacé" in html
    # a forged change of the reason breaks the entry's signature and the chain
    tamper(session, "UPDATE annotations SET reason = 'autre motif' WHERE id = 1")
    assert main(["verify", str(session)]) == 1


def test_annotation_needs_a_reason_and_a_verdict_to_override(tmp_path: Path) -> None:
    session = campaign(tmp_path, hostile=False)
    key = tmp_path / "k.pem"
    init_key(key)
    with SessionStore.open(session) as store:
        with pytest.raises(AnnotationError):
            add_annotation(store, load_signer(key), "KO-1", "override", "motif", "r")
        with pytest.raises(AnnotationError):
            add_annotation(store, load_signer(key), "KO-1", "accept", "  ", "r")


def test_a_review_of_an_earlier_attempt_does_not_decide_a_rerun(tmp_path: Path) -> None:
    session = campaign(tmp_path, hostile=False)
    key = tmp_path / "k.pem"
    init_key(key)
    assert main(["review", str(session), "KO-1", "--override", "pass", "--reason", "ok", "--key", str(key)]) == 0
    with SessionStore.open(session) as store:  # the case is run again after the review
        sha = store.conn.execute("SELECT casebook_sha FROM cases WHERE case_id = 'KO-1'").fetchone()[0]
        attempt = store.start_attempt(store.begin_run([], {}, {}), sha, "KO-1")
        store.finish_attempt(attempt, "fail", "toujours faux")
    data = json.loads((build_report(session, tmp_path / "r").folder / "report.json").read_bytes())
    ko = next(c for c in data["cases"] if c["key"]["case_id"] == "KO-1")
    assert ko["reviewed_verdict"] is None
    assert [a["attempt_number"] for a in ko["annotations"]] == [1]
    assert problems(session) == []


def test_verification_reads_each_kind_of_row_in_one_scan(tmp_path: Path) -> None:
    """A campaign has ~15 chain entries a case: their rows are read kind by kind, not by a query per entry;
    an entry covering rows another one covers too is read on its own, and still checked."""
    session = campaign(tmp_path, case_ids=tuple(f"OK-{i}" for i in range(6)))
    conn = sqlite3.connect(session, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        chain.record(conn, "events", 2, 4)  # rows 2-4 chained a second time: overlapping entries
        conn.execute("COMMIT")
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        report = chain.verify(conn)
        conn.set_trace_callback(None)
        entries = len(chain.entries(conn))
        assert report.ok, report.problems
        scans = [s for s in statements if "WHERE id BETWEEN" in s]
        assert entries > 60 and len(scans) <= len(chain.COLUMNS) + 1, (entries, scans)
        conn.execute("UPDATE events SET data = '{}' WHERE id = 3")
        assert any("journal des événements, lignes 2–4" in p for p in chain.verify(conn).problems)
    finally:
        conn.close()
