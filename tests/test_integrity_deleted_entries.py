"""A chain entry deleted is said once, where it was (« chaîne : entrée 4 supprimée »), not once per entry after it;
an attempt whose row was deleted is named by its case, attempt and row id, said as one (« tentatives, ligne 2 »),
once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_report_build import campaign

from testbench.store import chain


def problems(path: Path, *statements: str) -> list[str]:
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    try:
        return chain.verify(conn).problems
    finally:
        conn.close()


def test_one_deleted_entry_is_one_line(tmp_path: Path) -> None:
    session = campaign(tmp_path, hostile=False)
    found = problems(session, "DELETE FROM chain WHERE seq = 4")
    chained = [p for p in found if p.startswith("chaîne")]
    assert chained == ["chaîne : entrée 4 supprimée"], found


def test_a_run_of_deleted_entries_is_one_line(tmp_path: Path) -> None:
    session = campaign(tmp_path, hostile=False)
    found = problems(session, "DELETE FROM chain WHERE seq BETWEEN 4 AND 6")
    chained = [p for p in found if p.startswith("chaîne")]
    assert chained == ["chaîne : 3 entrées supprimées (4–6)"], found


def test_entries_renumbered_are_said_once(tmp_path: Path) -> None:
    session = campaign(tmp_path, hostile=False)
    found = problems(session, "UPDATE chain SET seq = seq + 1000 WHERE seq >= 4")
    assert found == ["chaîne : entrée n° 1004 à la place 4 (entrée supprimée ou déplacée)"], found


def test_links_out_of_order_name_the_entries_out_of_place() -> None:
    items, prev = [], chain.GENESIS
    for seq in range(1, 6):
        digest = f"{seq:064x}"
        h = chain.link_hash(prev, "events", seq, seq, digest)
        entry = {"seq": seq, "kind": "events", "first_id": seq, "last_id": seq, "digest": digest}
        items.append({**entry, "prev": prev, "hash": h})
        prev = h
    swapped = [items[0], items[1], items[3], items[2], items[4]]
    found = chain.verify_links(swapped).problems
    assert "chaîne : entrée n° 3 à la place 4 (entrée supprimée ou déplacée)" in found, found
    assert not any("à la place 5" in p for p in found), found


def test_a_deleted_attempt_is_named_by_its_row_once(tmp_path: Path) -> None:
    session = campaign(tmp_path, hostile=False)
    found = problems(session, "DELETE FROM attempts WHERE id = 2")
    attempts = [p for p in found if "ligne 2 " in p or "tentative 2 " in p]
    assert len(attempts) == 1, found
    assert attempts[0].startswith("cas KO-1, tentative 1 — tentatives, ligne 2 : "), found  # named by its trace
    assert attempts[0].endswith(", ligne supprimée"), found
