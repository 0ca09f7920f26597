"""A session tampered with in its attempts (rows edited with sqlite3) says which case and attempt each problem is about.

An attempt row deleted still has its trace lines, comparisons and chain entries pointing at it: ``verify`` names its
case (from the bench's « début du cas » line) and its number, like every other problem (« cas X, tentative N — … »).
A verdict without its chain entry is said once, named, in the number it agrees with; an attempt row added outside
the chain is said once (its verdict with it), not once more as a verdict without an entry."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value

from testbench.cli.main import main
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.session import SessionStore


def session(tmp: Path, *runs: tuple[str, ...]) -> Path:
    """A session run through the real Runner: one run per tuple of case ids (``KO-1`` fails)."""
    cases = tuple(
        make_case(cid, (invoice_step(),), (value("e1", "invoice.totals.amo", "99.99" if "KO" in cid else "33.60"),))
        for cid in ("OK-1", "KO-1", "OK-2")
    )
    cb = make_casebook(cases, tmp)
    path = tmp / "s.tbsession"
    with SessionStore.open(path) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, c.id) for c in cb.cases])
        for ids in runs:
            bay = FakeBay()
            recorder = TraceRecorder(writer=store.add_trace_lines)
            runner = Runner(store, FakeEngine(bay, trace=recorder.engine_sink), bay, recorder)
            run_id = store.begin_run(["test"], {}, {})
            runner.run(run_id, [(cb, c) for c in cb.cases if c.id in ids])
            store.end_run(run_id)
    return path


def tamper(path: Path, *statements: str) -> None:
    """What a person with the sqlite3 shell does: statements on the file, committed."""
    conn = sqlite3.connect(path)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def entry(path: Path, kind: str, row: int) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT seq FROM chain WHERE kind = ? AND first_id = ?", (kind, row)).fetchone()[0])
    finally:
        conn.close()


def verify(path: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """``testbench verify SESSION``'s problem lines (its limit, head and verdict left out); exit 1 (altered)."""
    capsys.readouterr()
    assert main(["verify", str(path), "--lang", lang]) == 1
    out = capsys.readouterr().out.splitlines()
    return [line for line in out if "tentative" in line or "attempt" in line or "chaîne" in line or "chain:" in line]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "cas KO-1, tentative 1 — tentatives, ligne 2 : contenu différent de celui enregistré dans la chaîne"
            " (entrée {seq}), ligne supprimée",
        ),
        (
            "en",
            "case KO-1, attempt 1 — attempts, line 2: content differs from what the chain recorded (entry {seq}),"
            " line deleted",
        ),
    ],
)
def test_a_deleted_attempt_names_its_case_and_attempt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    path = session(tmp_path, ("OK-1", "KO-1", "OK-2"))
    seq = entry(path, "attempt-start", 2)
    tamper(path, "DELETE FROM attempts WHERE id = 2")
    assert verify(path, lang, capsys) == [said.format(seq=seq)]


def test_a_later_attempt_deleted_has_its_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """KO-1 run three times (rows 2, 4, 5): the second one deleted is « tentative 2 », the third keeps its own."""
    path = session(tmp_path, ("OK-1", "KO-1", "OK-2"), ("KO-1",), ("KO-1",))
    seq = entry(path, "attempt-start", 4)
    tamper(path, "DELETE FROM attempts WHERE id = 4")
    assert verify(path, "fr", capsys) == [
        "cas KO-1, tentative 2 — tentatives, ligne 4 : contenu différent de celui enregistré dans la chaîne"
        f" (entrée {seq}), ligne supprimée"
    ]


def test_a_deleted_attempt_without_its_start_entry_is_named_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The row and its start entry deleted together: the finish entry left says it, named, once."""
    path = session(tmp_path, ("OK-1", "KO-1", "OK-2"))
    start, finish = entry(path, "attempt-start", 2), entry(path, "attempt-finish", 2)
    tamper(path, "DELETE FROM attempts WHERE id = 2", f"DELETE FROM chain WHERE seq = {start}")
    found = verify(path, "fr", capsys)
    assert found == [
        f"chaîne : entrée {start} supprimée",
        "cas KO-1, tentative 1 — tentatives, ligne 2 : contenu différent de celui enregistré dans la chaîne"
        f" (entrée {finish}), ligne supprimée",
    ]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "cas KO-1, tentative 1 — tentatives : 1 verdict sans entrée de chaîne (ligne 2)"),
        ("en", "case KO-1, attempt 1 — attempts: 1 verdict without a chain entry (line 2)"),
    ],
)
def test_a_verdict_without_its_entry_is_named_in_the_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    path = session(tmp_path, ("OK-1", "KO-1", "OK-2"))
    finish = entry(path, "attempt-finish", 2)
    tamper(path, f"DELETE FROM chain WHERE seq = {finish}")
    deleted = {"fr": f"chaîne : entrée {finish} supprimée", "en": f"chain: entry {finish} deleted"}[lang]
    assert verify(path, lang, capsys) == [deleted, said]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "cas KO-1, OK-2, tentative 1 de chacun — tentatives : 2 verdicts sans entrée de chaîne (lignes 2, 3)"),
        ("en", "cases KO-1, OK-2, attempt 1 of each — attempts: 2 verdicts without a chain entry (lines 2, 3)"),
    ],
)
def test_verdicts_without_their_entries_are_one_line_in_the_plural(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    path = session(tmp_path, ("OK-1", "KO-1", "OK-2"))
    seqs = entry(path, "attempt-finish", 2), entry(path, "attempt-finish", 3)
    tamper(path, f"DELETE FROM chain WHERE seq IN {seqs}")
    assert verify(path, lang, capsys)[-1] == said


def test_an_attempt_added_outside_the_chain_is_said_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A forged second attempt of KO-1, « réussi »: its row outside the chain says it all."""
    path = session(tmp_path, ("OK-1", "KO-1", "OK-2"))
    tamper(
        path,
        "INSERT INTO attempts (run_id, casebook_sha, case_id, number, started_wall, started_mono_ns, ended_wall,"
        " duration_ms, verdict, reason) SELECT run_id, casebook_sha, case_id, 2, started_wall + 10,"
        " started_mono_ns + 10, ended_wall + 10, duration_ms, 'pass', '' FROM attempts WHERE id = 2",
    )
    said = "cas KO-1, tentative 2 — tentatives : 1 ligne hors chaîne (ajoutée après coup ?) : 4"
    assert verify(path, "fr", capsys) == [said]
