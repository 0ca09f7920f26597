"""The report's cost (issue 16 §1): a run's own report does not re-hash the journal it just wrote, the
personal-data scan tries each observation path once and decodes only personal values, and repeated
lines of produced files are redacted once."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report import personal, stream
from testbench.report.build import BuildOptions, build_report
from testbench.report.content import gather
from testbench.report.evidence import Evidence
from testbench.report.options import Options
from testbench.store import chain, codec
from testbench.store.read import chain_head, read_session
from testbench.store.session import SessionStore

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"


def _count_verify(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = chain.verify

    def counting(conn: sqlite3.Connection) -> chain.ChainReport:
        calls.append(1)
        return real(conn)

    monkeypatch.setattr(chain, "verify", counting)
    return calls


def _integrity(report: Path) -> dict[str, object]:
    return json.loads((report / "report.json").read_text(encoding="utf-8"))["integrity"]


def test_a_run_report_does_not_re_verify_the_chain_it_wrote_but_a_session_file_alone_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_verify(monkeypatch)
    session = tmp_path / "s.tbsession"
    args = ["run", str(DEMO), "--session", str(session), "-k", "DEMO-FSE-001", "--cards", "inprocess"]
    assert main([*args, "--engine", "inprocess", "--report", str(tmp_path / "run")]) in (0, 1)
    assert calls == []  # the rows were hashed as they were written, a moment ago, by this process
    from_run = _integrity(tmp_path / "run")
    assert from_run["chain_ok"] is True
    assert (from_run["chain_length"], from_run["chain_head"]) == chain_head(session)
    assert main(["report", str(session), "-o", str(tmp_path / "alone")]) == 0
    assert calls == [1]  # a session file handed over alone is verified in full
    assert _integrity(tmp_path / "alone") == from_run


def test_a_handed_head_that_does_not_match_gets_the_full_verification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = campaign(tmp_path, hostile=False)
    length, head = chain_head(session)
    with sqlite3.connect(session) as conn:  # a covered row changed: only re-hashing the rows shows it
        conn.execute("UPDATE attempts SET verdict = 'pass' WHERE verdict = 'fail'")
    calls = _count_verify(monkeypatch)
    build_report(session, tmp_path / "stale", BuildOptions(chain_head=(length - 1, head)))
    assert calls == [1]
    assert _integrity(tmp_path / "stale")["chain_ok"] is False
    with sqlite3.connect(session) as conn:  # an entry edited: its link no longer matches
        conn.execute("UPDATE chain SET digest = ? WHERE seq = 2", ("0" * 64,))
    build_report(session, tmp_path / "edited", BuildOptions(chain_head=(length, head)))
    assert calls == [1, 1]
    assert _integrity(tmp_path / "edited")["chain_ok"] is False


def _holder_in_every_case(tmp_path: Path) -> Path:
    """A 12-case session where every case observed the same card's holder."""
    session = campaign(tmp_path, hostile=False, case_ids=tuple(f"OK-{i}" for i in range(12)))
    with SessionStore.open(session) as store:
        for attempt in range(1, 13):
            store.add_observations(attempt, "s1", {"patient.name": "DURAND", "cps.rpps": "10009876543"}, "engine")
    return session


def test_the_personal_data_scan_tries_each_path_once_and_decodes_each_personal_value_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _holder_in_every_case(tmp_path)
    with sqlite3.connect(session) as conn:
        rows = list(conn.execute("SELECT j.key, json_quote(j.value) FROM observation_sets, json_each(data) j"))
    conn.close()
    with read_session(session) as view:
        paths = [path for path, _ in view.observation_values()]
        decoded: list[str] = []
        real = codec.loads
        monkeypatch.setattr(codec, "loads", lambda raw: decoded.append(raw) or real(raw))
        personal.path_kind.cache_clear()
        personal.known_values(view)
    assert len(paths) > len(set(paths))  # the same paths in every case
    assert personal.path_kind.cache_info().misses <= len(set(paths))
    personal_rows = [(p, raw) for p, raw in rows if personal.path_kind(p)]
    assert len(personal_rows) > len(set(personal_rows))  # the same card read in every case
    values = {raw for _, raw in rows}
    # each at most once: from a step's row (schema v5) SQLite's json_each hands them decoded
    assert len([raw for raw in decoded if raw in values]) <= len(set(personal_rows))


def test_repeated_lines_of_produced_files_are_redacted_once_and_counted_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scrub = personal.Scrubber(True, personal.KnownValues())
    seen: Counter[str] = Counter()
    records = scrub._records
    assert records is not None
    real = records.redact_with_report
    monkeypatch.setattr(records, "redact_with_report", lambda line: seen.update([line]) or real(line))
    line = "FSE;NIR 1 80 01 75 123 456 78;RPPS 10001234567"
    outs = [scrub.record(line) for _ in range(5)]
    assert seen[line] == 1
    assert len(set(outs)) == 1 and "123 456" not in outs[0]
    assert sum(scrub.counts.values()) == 5 * sum(Counter(real(line).counts).values())


def test_a_card_file_read_in_every_case_is_decoded_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = tmp_path / "s.tbsession"
    args = ["run", str(DEMO), "--session", str(session), "-k", "DEMO-FSE-001", "--cards", "inprocess"]
    assert main([*args, "--engine", "inprocess"]) in (0, 1)
    assert main([*args, "--engine", "inprocess", "--rerun"]) in (0, 1)  # the same card files read again
    decoded: list[bytes] = []
    real = personal.KnownValues.add_card_file
    monkeypatch.setattr(
        personal.KnownValues, "add_card_file", lambda self, data: decoded.append(data) or real(self, data)
    )
    with read_session(session) as view:
        personal.known_values(view)
        responses = [r for text in view.trace_texts("apdu") for r in personal.apdu_responses(text)]
    assert decoded and len(responses) > len(set(responses))
    assert sorted(decoded) == sorted(set(responses))


def test_an_observation_repeated_in_every_case_is_redacted_once_and_counted_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _holder_in_every_case(tmp_path)
    calls: Counter[str] = Counter()
    real = personal.Scrubber.at_path

    def counting(self: personal.Scrubber, path: str, value: object) -> object:
        calls[path] += 1
        return real(self, path, value)

    monkeypatch.setattr(personal.Scrubber, "at_path", counting)
    once = build_report(session, tmp_path / "once")
    assert calls["patient.name"] == calls["cps.rpps"] == 1
    # every entry made again, as the report did before
    monkeypatch.setattr(personal.Scrubber, "once", lambda self, key, build, *args: build(*args))
    each = build_report(session, tmp_path / "each")
    assert calls["patient.name"] == 1 + 12
    assert once.redaction_counts == each.redaction_counts and once.redaction_counts["rpps"] >= 12
    assert (tmp_path / "once" / "report.json").read_bytes() == (tmp_path / "each" / "report.json").read_bytes()


def test_observed_values_read_in_every_case_are_decoded_once_but_no_row_shares_a_dict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = campaign(tmp_path, hostile=False, case_ids=tuple(f"OK-{i}" for i in range(3)))
    with SessionStore.open(session) as store:
        for attempt in range(1, 4):
            store.add_observations(attempt, "s1", {"ref.code": "X-77", "ref.lines": {"a": [1, 2]}}, "engine")
    decoded: list[str] = []
    real = codec.loads
    monkeypatch.setattr(codec, "loads", lambda raw: decoded.append(raw) or real(raw))
    with read_session(session) as view:
        rows = [o for i in range(1, 4) for o in view.observations(i) if o["path"].startswith("ref.")]
    assert decoded.count('"X-77"') <= 1 and decoded.count('{"a":[1,2]}') == 3
    lines = [o["value"] for o in rows if o["path"] == "ref.lines"]
    assert lines == [{"a": [1, 2]}] * 3 and len({id(v) for v in lines}) == 3


def test_an_observation_shared_by_cases_is_encoded_once_into_the_same_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = campaign(tmp_path, hostile=False, case_ids=tuple(f"OK-{i}" for i in range(6)))
    with SessionStore.open(session) as store:  # the same values observed in every case
        for attempt in range(1, 7):
            store.add_observations(attempt, "s1", {"patient.name": "DURAND", "ref.code": "X-77"}, "engine")
    encoded: list[object] = []
    real = stream.json_text
    monkeypatch.setattr(stream, "json_text", lambda value: encoded.append(value) or real(value))
    build_report(session, tmp_path / "r")
    alone = [v for v in encoded if isinstance(v, dict) and v.get("path") == "ref.code"]
    assert len(alone) == 1  # one entry, shared by the six cases: encoded once, not once per case
    with read_session(session) as view:  # the whole document at once, as the report was first written
        whole = gather(view, Options(), Evidence(None))
    assert (tmp_path / "r" / "report.json").read_text(encoding="utf-8") == real(whole.data) + "\n"


def test_a_produced_xml_file_names_its_personal_fields_with_or_without_a_namespace(tmp_path: Path) -> None:
    # the local names are read without etree.QName (700 FSE files a campaign): the same fields found
    session = campaign(tmp_path, hostile=False)
    fse = (
        b'<fse xmlns="urn:testbench:fse:1" xmlns:p="urn:p"><beneficiaire p:nir="180019999900168" '
        b'dateNaissance="1980-01-15"/><p:nom>DUPONTEL</p:nom><prenom>Ana</prenom><code>1241763</code></fse>'
    )
    with SessionStore.open(session) as store:
        store.add_artifact(fse, "application/xml", "fse.xml", attempt_id=1, step_id="s1")
    with read_session(session) as view:
        known = personal.known_values(view)
    assert "180019999900168" in known.numbers["nir"] and "1241763" not in str(known.numbers)
    assert {"DUPONTEL", "Ana"} <= set(known.names) and known.birth_dates
