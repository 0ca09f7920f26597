"""``verify`` keeps of a chain its entries' hashes, not the entries (scale audit s30): a 754-case session run three
times has 115,000 entries; the report's ``journal-chain.json`` and the session's chain, each held whole as dicts,
weighed some 90 MB and took ``verify REPORT --session`` to 227 MB."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from fakes import invoice_step, make_case, make_casebook, value
from test_verify_added_attempts import run_cases

from testbench.integrity import jsonparts
from testbench.integrity.verify import Verdict, _report_chain
from testbench.store import chain
from testbench.store.read import read_integrity


def _entries(count: int) -> list[dict[str, object]]:
    out, prev = [], chain.GENESIS
    for seq in range(1, count + 1):
        digest = f"{seq:064x}"
        link = chain.link_hash(prev, "events", seq, seq, digest)
        out.append({"seq": seq, "kind": "events", "first_id": seq, "last_id": seq, "digest": digest, "prev": prev,
                    "hash": link})  # fmt: skip
        prev = link
    return out


def _folder(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "journal-chain.json").write_text(json.dumps({"entries": entries}), encoding="utf-8")
    return folder


def test_the_copy_is_checked_as_it_is_read_and_its_hashes_kept(tmp_path: Path) -> None:
    entries = _entries(50)
    entries[20]["digest"] = "f" * 64  # an entry edited: its hash no longer matches
    result = Verdict()
    head, copy = _report_chain(_folder(tmp_path, entries), {"integrity": {"chain_head": "h"}}, result)
    assert head == "h" and copy is not None and not result.problems
    links, hashes = copy
    assert links.problems == chain.verify_links(entries).problems
    assert links.problems == ["chaîne : l'entrée 21 (journal des événements) a été modifiée"]
    assert (links.length, links.head) == (50, entries[-1]["hash"])
    assert hashes == [e["hash"] for e in entries]


@pytest.mark.parametrize("broken", ["misshapen", "not a list", "cut"])
def test_an_unreadable_copy_is_said_so(tmp_path: Path, broken: str) -> None:
    entries = _entries(5)
    folder = _folder(tmp_path, entries)
    path = folder / "journal-chain.json"
    if broken == "misshapen":
        del entries[3]["prev"]
        path.write_text(json.dumps({"entries": entries}), encoding="utf-8")
    elif broken == "not a list":
        path.write_text(json.dumps({"entries": {"1": entries[0]}}), encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    result = Verdict()
    assert _report_chain(folder, None, result) == (None, None)
    assert result.problems == ["journal-chain.json illisible ou incomplet"]


def test_memory_holds_the_hashes_not_the_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonparts, "_CHUNK", 64 * 1024)
    entries = _entries(20_000)
    folder = _folder(tmp_path, entries)
    del entries
    tracemalloc.start()
    try:
        _head, copy = _report_chain(folder, None, Verdict())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert copy is not None and copy[0].ok and copy[0].length == 20_000
    assert peak < 5_000_000, peak  # the entries as dicts: some 15 MB


def test_the_session_gives_every_hash_and_the_entries_after_the_report(tmp_path: Path) -> None:
    cases = tuple(
        make_case(cid, (invoice_step(),), (value("e1", "invoice.totals.amo", "33.60"),)) for cid in ("A-1", "B-1")
    )
    casebook = make_casebook(cases, tmp_path)
    session = tmp_path / "s.tbsession"
    run_cases(session, casebook, ("A-1", "B-1"))
    with sqlite3.connect(session) as conn:
        entries = chain.entries(conn)
    assert len(entries) > 4
    record = read_integrity(session)
    assert record.chain.ok and record.hashes == [e["hash"] for e in entries] and record.added == []
    assert read_integrity(session, 3).added == entries[3:]
    assert read_integrity(session, len(entries)).added == []
