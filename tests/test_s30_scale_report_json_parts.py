"""A report's ``report.json`` is read in parts (scale audit s30): a 754-case book's 45 MB document read whole by
``json.loads`` took about 300 MB of memory in ``verify`` and in every rebuild of a report (``report``, ``run
--report``: whose report the folder holds), which need a few small members and a field or two of each case."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from fakes import invoice_step, make_case, make_casebook, value
from test_verify_added_attempts import run_cases

from testbench.cli.main import main
from testbench.integrity import jsonparts
from testbench.integrity.jsonparts import read_members
from testbench.report.owner import other_session_problem, read_report

DOCUMENT = {
    "cases": [
        {"key": {"case_id": f"C-{i}"}, "anchor": f"c-{i}", "text": "é‹›\"\\\n" * i, "n": 10**i, "f": 1.5e-7}
        for i in range(12)
    ],
    "empty": [],
    "nested": [[1, [2, {"a": [3]}]], {"b": None}],
    "session": {"id": "abc", "file": "s.tbsession"},
    "flag": True,
    "number": 12345678901234567890,
    "nothing": None,
}


@pytest.mark.parametrize("chunk", [1, 3, 7, 1 << 20])
def test_the_members_asked_for_are_those_json_loads_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Whatever the chunk's end cuts (a string, an escape, a number, a literal), each member is read whole."""
    monkeypatch.setattr(jsonparts, "_CHUNK", chunk)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(DOCUMENT, ensure_ascii=False, indent=1), encoding="utf-8")
    names = ("cases", "empty", "nested", "session", "flag", "number", "nothing", "absent")
    assert read_members(path, names) == {k: v for k, v in DOCUMENT.items() if k in names}
    cut = read_members(path, ("cases", "session"), {"cases": lambda c: c["anchor"]})
    assert cut == {"cases": [f"c-{i}" for i in range(12)], "session": DOCUMENT["session"]}
    assert read_members(path, ("flag",)) == {"flag": True}  # the arrays before it walked, not kept


@pytest.mark.parametrize(
    "text",
    [
        '{"cases":[{"a":1},],"session":{}}',  # a trailing comma in the array
        '{"cases":[{"a":1}]"session":{}}',  # a comma missing between members
        '{"cases":[{"a":1}],"session":{}',  # cut short
        '{"cases":[{"a":1}]} {}',  # data after the document
        '{"cases":[{"a":tru}]}',  # a broken literal in a part not asked for
        '{1:"a"}',  # a member's name that is no string
        "",
    ],
)
def test_a_document_json_loads_refuses_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    path = tmp_path / "report.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError):
        read_members(path, ("session",))


@pytest.mark.parametrize("data", [b'{"session":{"id":"\xff"}}', b'[{"session":{}}]'])
def test_undecodable_bytes_or_no_object_are_refused(tmp_path: Path, data: bytes) -> None:
    """Its readers take a report.json that is no object as unreadable."""
    path = tmp_path / "report.json"
    path.write_bytes(data)
    with pytest.raises(ValueError):
        read_members(path, ("session",))


def test_memory_is_that_of_an_element_not_of_the_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """8 MB of cases, 2 KB each: reading their keys holds a chunk and a case, never the document."""
    monkeypatch.setattr(jsonparts, "_CHUNK", 64 * 1024)
    path = tmp_path / "report.json"
    cases = [{"key": {"case_id": f"C-{i}"}, "observations": ["x" * 100] * 20} for i in range(4000)]
    path.write_text(json.dumps({"cases": cases, "session": {"id": "s"}}), encoding="utf-8")
    assert path.stat().st_size > 8_000_000
    del cases
    tracemalloc.start()
    try:
        data = read_members(path, ("cases", "session"), {"cases": lambda c: c["key"]["case_id"]})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(data["cases"]) == 4000 and data["session"] == {"id": "s"}
    assert peak < 1_500_000, peak  # json.loads of the same file: over 8 MB for its text alone


def test_a_report_folder_is_read_for_what_its_readers_use(tmp_path: Path) -> None:
    """Whose report a folder holds, the chain it was built from, and each case's key and anchor (an export's
    links); another session's report is still refused, a rebuild of the same session's still allowed."""
    cases = tuple(
        make_case(cid, (invoice_step(),), (value("e1", "invoice.totals.amo", amo),))
        for cid, amo in (("OK-1", "33.60"), ("KO-1", "99.99"))
    )
    casebook = make_casebook(cases, tmp_path)
    session, other = tmp_path / "s.tbsession", tmp_path / "o.tbsession"
    run_cases(session, casebook, ("OK-1", "KO-1"))
    run_cases(other, casebook, ("OK-1",))
    folder = tmp_path / "r"
    assert main(["report", str(session), "-o", str(folder)]) == 0
    whole = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    data = read_report(folder)
    assert data["session"] == whole["session"] and data["integrity"] == whole["integrity"]
    assert data["cases"] == [{"key": c["key"], "anchor": c["anchor"]} for c in whole["cases"]]
    assert other_session_problem(folder, whole["session"]["id"]) is None
    assert "une autre session" in (other_session_problem(folder, "another-id") or "")
    assert main(["report", str(other), "-o", str(folder)]) != 0  # refused: the folder is the other session's
    assert main(["report", str(session), "-o", str(folder)]) == 0
    assert main(["verify", str(folder), "--session", str(session)]) == 0
