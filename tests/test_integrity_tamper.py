"""Tampering with a session or a report folder: every row a report is built from is chained, a cut of
the journal is caught against the signed report, and odd entries in a report folder are named."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.i18n import english
from testbench.integrity.verify import verify_report, verify_session
from testbench.report.build import BuildOptions, build_report
from testbench.signing import init_key, load_signer
from testbench.store import chain, schema
from testbench.store.annotations import add_annotation
from testbench.store.session import SessionStore


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "signer.pem"
    init_key(path)
    return path


def tamper(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def with_interrupted_attempt(session: Path) -> None:
    """A second run that was killed in the middle of a case, closed as interrupted by the next open."""
    with SessionStore.open(session) as store:
        run_id = store.begin_run(["test"], {}, {})
        sha, case_id = store.selection()[0]
        store.start_attempt(run_id, sha, case_id)
    with SessionStore.open(session) as store:
        assert store.close_dangling_attempts("interrompue") == [case_id]  # the case named, for the notice


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE cases SET title = 'Titre retouché' WHERE case_id = 'KO-1'", "cas des cahiers : contenu modifié"),
        ("UPDATE cases SET definition = replace(definition, '99.99', '33.60')", "cas des cahiers : contenu modifié"),
        ("DELETE FROM cases WHERE case_id = 'KO-1'", "1 ligne au lieu de 2"),
        ("UPDATE casebooks SET identity = '{}'", "cahiers de la session : contenu modifié"),
        ("UPDATE casebooks SET path = '/ailleurs/cahier.xml'", "cahiers de la session : contenu modifié"),
        ("UPDATE runs SET host = 'autre-poste'", "lancements : contenu modifié"),
        ('UPDATE runs SET options = \'{"sut":{"name":"Autre"}}\'', "lancements : contenu modifié"),
        ("UPDATE meta SET value = 'autre' WHERE key = 'session_id'", "données de la session : contenu modifié"),
        ("INSERT INTO meta (key, value) VALUES ('merged_from', '[]')", "données de la session : contenu modifié"),
        ("DELETE FROM selection WHERE position = 1", "sélection des cas : contenu modifié"),
        ("UPDATE trace_lines SET text = 'ligne retouchée' WHERE id = 1", "lignes de trace, ligne"),
        (
            "INSERT INTO trace_lines (channel, mono_ns, wall, text) VALUES ('app', 1, 1.0, 'ajoutée')",
            "lignes de trace : 1 ligne hors chaîne (ajoutée après coup ?)",
        ),
        (
            "UPDATE attempts SET reason = 'motif retouché' WHERE reason = 'interrompue'",
            "verdict, motif, heure de fin ou durée modifiés",
        ),
    ],
)
def test_every_table_a_report_reads_is_chained(tmp_path: Path, sql: str, expected: str) -> None:
    session = campaign(tmp_path)
    with_interrupted_attempt(session)
    assert verify_session(session).ok
    tamper(session, sql)
    result = verify_session(session)
    assert not result.ok and any(expected in p for p in result.problems), result.problems
    said = " ".join(result.problems)  # in words a reviewer reads, not the session's SQL tables
    assert [t for t in (*chain.COLUMNS, *chain.STATES, "attempts") if re.search(rf"\b{t}\b", said)] == [], said
    english_said = " ".join(english(p) for p in result.problems)
    assert not re.search(r" : |\b(ligne|lignes|cas|contenu|tentative)\b", english_said), english_said


def test_cli_names_an_edited_case_title(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = campaign(tmp_path)
    tamper(session, "UPDATE cases SET title = 'Titre retouché' WHERE case_id = 'KO-1'")
    assert main(["verify", str(session)]) == 1
    captured = capsys.readouterr()
    assert "cas des cahiers : contenu modifié" in captured.out and "ALTÉRÉ" in captured.out


def cut_last_attempt(session: Path, *, careful: bool) -> None:
    """Delete the last attempt, its rows and every chain entry from its start on. ``careful``: also
    delete every row those entries covered and put back what the run's end changed, so that what is
    left is a consistent prefix of the journal."""
    conn = sqlite3.connect(session)
    (attempt_id,) = conn.execute("SELECT MAX(id) FROM attempts").fetchone()
    (seq,) = conn.execute(
        "SELECT seq FROM chain WHERE kind = 'attempt-start' AND first_id = ?", (attempt_id,)
    ).fetchone()
    for table in ("events", "observations", "observation_sets", "comparisons", "trace_lines", "artifact_links"):
        conn.execute(f"DELETE FROM {table} WHERE attempt_id = ?", (attempt_id,))
    conn.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))
    if careful:
        for kind, first, last in conn.execute(
            "SELECT kind, first_id, last_id FROM chain WHERE seq >= ?", (seq,)
        ).fetchall():
            if kind in ("events", "observations", "observation_sets", "comparisons", "trace_lines", "artifact_links"):
                conn.execute(f"DELETE FROM {kind} WHERE id BETWEEN ? AND ?", (first, last))
        conn.execute("UPDATE runs SET ended_wall = NULL")
    conn.execute("DELETE FROM chain WHERE seq >= ?", (seq,))
    conn.commit()
    conn.close()


def test_a_cut_journal_is_caught_against_the_signed_report(tmp_path: Path, key: Path) -> None:
    session = campaign(tmp_path)
    folder = build_report(session, tmp_path / "r", BuildOptions(signer=load_signer(key))).folder
    assert verify_report(folder, session=session).ok
    kept = tmp_path / "kept.tbsession"
    shutil.copyfile(session, kept)
    # a naive cut leaves the run's end unchained: the session alone shows it
    cut_last_attempt(session, careful=False)
    assert any("lancements : contenu modifié" in p for p in verify_session(session).problems)
    # a careful cut is a consistent prefix: only the anchor in the signed manifest shows it
    cut_last_attempt(kept, careful=True)
    assert verify_session(kept).ok
    result = verify_report(folder, session=kept)
    assert not result.ok and any("journal coupé" in p for p in result.problems), result.problems
    assert main(["verify", str(folder), "--session", str(kept)]) == 1


def test_a_journal_rewritten_under_a_review_is_caught_by_its_signature(tmp_path: Path, key: Path) -> None:
    session = campaign(tmp_path)
    with SessionStore.open(session) as store:
        add_annotation(store, load_signer(key), "KO-1", "accept", "écart vu", "Examinateur")
    assert verify_session(session).ok
    # rewrite the chain from its first entry with a retouched verdict: every hash recomputed, no key needed
    tamper(session, "UPDATE attempts SET verdict = 'pass', reason = '' WHERE verdict = 'fail'")
    conn = sqlite3.connect(session)
    prev = chain.GENESIS
    rows = conn.execute("SELECT seq, kind, first_id, last_id FROM chain ORDER BY seq").fetchall()
    for seq, kind, first, last in rows:
        digest = (
            chain.state_digest(conn, kind)[0] if kind in chain.STATES else chain.rows_digest(conn, kind, first, last)[0]
        )
        new = chain.link_hash(prev, kind, first, last, digest)
        conn.execute("UPDATE chain SET digest = ?, prev = ?, hash = ? WHERE seq = ?", (digest, prev, new, seq))
        prev = new
    conn.commit()
    conn.close()
    problems = verify_session(session).problems
    assert any("annotation 1 : signée sur une autre tête de chaîne" in p for p in problems), problems


def test_a_v2_session_is_migrated_and_its_tables_chained(tmp_path: Path) -> None:
    session = campaign(tmp_path)
    # make it a v2 file as the previous testbench wrote it: no state entries, trace lines unchained
    tamper(
        session,
        "DELETE FROM chain WHERE kind IN ('meta', 'selection', 'runs', 'casebooks', 'cases', 'trace_lines')",
        "PRAGMA user_version = 2",
    )
    conn = sqlite3.connect(session)
    items = chain.entries(conn)
    prev = chain.GENESIS
    for i, e in enumerate(items, start=1):
        new = chain.link_hash(prev, e["kind"], e["first_id"], e["last_id"], e["digest"])
        conn.execute("UPDATE chain SET seq = ?, prev = ?, hash = ? WHERE seq = ?", (i, prev, new, e["seq"]))
        prev = new
    conn.commit()
    conn.close()
    assert verify_session(session).ok  # v2: those tables are not required to be chained
    with SessionStore.open(session) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert verify_session(session).ok
    tamper(session, "UPDATE cases SET title = 'retouché'", "UPDATE trace_lines SET text = 'x' WHERE id = 1")
    problems = verify_session(session).problems
    assert any("cas des cahiers" in p for p in problems) and any("lignes de trace" in p for p in problems), problems


def test_an_empty_folder_or_a_link_in_a_report_is_named(tmp_path: Path, key: Path) -> None:
    session = campaign(tmp_path)
    folder = build_report(session, tmp_path / "r", BuildOptions(signer=load_signer(key))).folder
    assert verify_report(folder).ok
    (folder / "annexes" / "vide").mkdir(parents=True)
    result = verify_report(folder)
    assert not result.ok and result.added == ["annexes/vide/ (dossier vide)"]
    shutil.rmtree(folder / "annexes")
    target = tmp_path / "same-bytes.json"
    shutil.copyfile(folder / "report.json", target)
    (folder / "report.json").unlink()
    try:
        os.symlink(target, folder / "report.json")
    except OSError:  # pragma: no cover - no symlinks for this user (Windows without the privilege)
        pytest.skip("symbolic links not available")
    result = verify_report(folder)
    assert not result.ok and result.modified == ["report.json (lien symbolique)"], result


def test_a_signed_manifest_carries_the_chain_head(tmp_path: Path, key: Path) -> None:
    import json

    session = campaign(tmp_path)
    folder = build_report(session, tmp_path / "r", BuildOptions(signer=load_signer(key))).folder
    journal = json.loads((folder / "manifest.json").read_bytes())["journal"]
    conn = sqlite3.connect(session)
    length, head = chain.head(conn)
    conn.close()
    assert journal == {"chain_length": length, "chain_head": head}


@pytest.mark.parametrize("handed_over", [False, True], ids=["checked-in-full", "head-handed-over"])
def test_a_review_signed_while_the_report_is_written_stays_out_of_its_chain_copy(
    tmp_path: Path, key: Path, handed_over: bool
) -> None:
    """journal-chain.json is the chain the report checked: an annotation a reviewer adds to the session while
    the pages are being written (another process may) lands after it, and the folder still verifies."""
    session = campaign(tmp_path)
    head = None
    if handed_over:  # the run that just wrote the session hands its head over (run --report)
        entries = chain.entries(sqlite3.connect(session))
        head = (len(entries), entries[-1]["hash"])

    def annotate_midway(stage: str) -> None:
        if stage == "mise en page HTML":  # the cases are gathered and the chain checked, nothing written yet
            with SessionStore.open(session) as store:
                add_annotation(store, load_signer(key), "KO-1", "accept", "écart vu", "Examinateur")

    folder = tmp_path / "report"
    build_report(session, folder, BuildOptions(progress=annotate_midway, chain_head=head))
    copied = json.loads((folder / "journal-chain.json").read_text(encoding="utf-8"))["entries"]
    checked = json.loads((folder / "report.json").read_text(encoding="utf-8"))["integrity"]
    assert (len(copied), copied[-1]["hash"]) == (checked["chain_length"], checked["chain_head"])
    assert len(chain.entries(sqlite3.connect(session))) > len(copied)  # the annotation is in the session
    result = verify_report(folder)
    assert result.ok, result.problems
