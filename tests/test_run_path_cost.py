"""The run path's cheap wins (issue 16 §1, docs/performance.md): work done once that was done per case."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from testbench.cards import tlv
from testbench.cards.guard import case_guard
from testbench.cards.inprocess import InProcessBay
from testbench.cards.profile import load_profile
from testbench.paths import CARD_PROFILES_DIR

VITALE = CARD_PROFILES_DIR / "vitale2-adult-standard.xml"


def test_a_profile_is_parsed_once_per_content(tmp_path: Path) -> None:
    path = tmp_path / "vitale.xml"
    path.write_bytes(VITALE.read_bytes())
    first = load_profile(path)
    assert load_profile(path) is first  # the same content: not parsed again
    path.write_text(VITALE.read_text(encoding="utf-8").replace("<label>", "<label>MODIFIÉ "), encoding="utf-8")
    edited = load_profile(path)
    assert edited is not first and edited.label.startswith("MODIFIÉ ")  # an edited profile is read anew


def test_a_tlv_record_is_parsed_once_for_all_its_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = tlv.iter_tlv

    def counting(data: bytes):  # type: ignore[no-untyped-def]
        calls.append(data)
        return real(data)

    monkeypatch.setattr(tlv, "iter_tlv", counting)
    record = tlv.Tlv(0x65, tlv.text(0x80, "MARTIN") + tlv.text(0x81, "PAUL") + tlv.text(0x82, "19800101"))
    assert (record.text(0x80), record.text(0x81), record.text(0x82)) == ("MARTIN", "PAUL", "19800101")
    assert [c.tag for c in record.children()] == [0x80, 0x81, 0x82]
    assert len(calls) == 1


def test_the_guard_builds_its_catalogue_once_per_casebook(monkeypatch: pytest.MonkeyPatch) -> None:
    listings = []
    real_glob = Path.glob

    def counting_glob(self: Path, pattern: str):  # type: ignore[no-untyped-def]
        listings.append(self)
        return real_glob(self, pattern)

    monkeypatch.setattr(Path, "glob", counting_glob)
    casebook = SimpleNamespace(fixtures=SimpleNamespace(cards={"v": SimpleNamespace(profile=str(VITALE))}))
    case = SimpleNamespace(id="C-1", cards=[SimpleNamespace(slot="vitale", card="v")])
    bay = InProcessBay()
    bay.present("vitale", VITALE)
    guard = case_guard()
    for _ in range(3):
        report = guard(bay, casebook, case)
        assert report.ok
    assert len(listings) == 1


def test_the_run_path_does_not_import_sqlite_utils() -> None:
    code = "import sys, testbench.runner.campaign; print('sqlite_utils' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_engine_tree_is_not_rebuilt_to_be_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    """``canonical`` expands path-like keys only: an engine's tree (plain names) is compared as it is."""
    from testbench.domain import observe

    rebuilt = []
    real = observe.unflatten
    monkeypatch.setattr(observe, "unflatten", lambda values: rebuilt.append(values) or real(values))
    tree = {"invoice": {"lines": [{"amo": "1", "tags": ()}, {"amo": "2"}], "totals": {"amo": "3"}, "refs": []}}
    assert observe.canonical(tree) == tree and not rebuilt
    for keyed, expanded in [
        ({"manual": {"lines[1]": {"amo": "2"}}}, {"manual": {"lines": [None, {"amo": "2"}]}}),
        ({"manual.total": "4"}, {"manual": {"total": "4"}}),
        ({"x": [{"a.b": 1}]}, {"x": [{"a": {"b": 1}}]}),  # a path-like key deep in a list
        ({"": "lost", "k": {1: "one"}}, {"k": {"1": "one"}}),  # what unflatten cannot address keeps its shape
    ]:
        assert observe.canonical(keyed) == expanded
    assert len(rebuilt) == 4


def test_flatten_writes_one_dict_for_the_whole_tree() -> None:
    """The same paths, in the same order, as the merge of one dict per node it replaced."""
    from collections import OrderedDict

    from testbench.domain.observe import flatten

    tree = {"a": OrderedDict(b=(1, {"c": None}), d={}), "e": [], "f": [[True, 2.5]], 3: "three"}
    assert list(flatten(tree).items()) == [
        ("a.b[0]", 1),
        ("a.b[1].c", None),
        ("a.d", {}),
        ("e", []),
        ("f[0][0]", True),
        ("f[0][1]", 2.5),
        ("3", "three"),
    ]
    assert flatten("scalar") == {"": "scalar"} and flatten({}) == {}


def test_a_case_snapshot_reaches_the_store_as_the_model(tmp_path: Path) -> None:
    """``record_casebooks`` hands the models to the store, which encodes them: not a plain copy that the
    store's encoder would walk again."""
    from fakes import invoice_step, make_case, make_casebook, value

    from testbench.runner.campaign import record_casebooks
    from testbench.store.codec import to_plain
    from testbench.store.read import read_session
    from testbench.store.session import SessionStore

    cb = make_casebook((make_case("C1", (invoice_step(),), (value("e1", "invoice.totals.amo", "1.00"),)),), tmp_path)
    store = SessionStore.open(tmp_path / "s.tbsession")
    given = []
    real = store.add_casebook
    store.add_casebook = lambda *args: given.append(args) or real(*args)  # type: ignore[method-assign]
    record_casebooks(store, [cb])
    assert given[0][3] is cb.identity and [row[4] for row in given[0][4]] == [cb.cases[0]]
    store.set_selection([(cb.sha256, "C1")])
    store.close()
    view = read_session(tmp_path / "s.tbsession")
    assert view.cases[0].definition == to_plain(cb.cases[0])  # the snapshot the report reads is unchanged


def test_the_guard_report_reaches_the_store_as_is(tmp_path: Path) -> None:
    """The runner hands the guard's report to the store, which encodes it: not a plain copy encoded again."""
    from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook

    from testbench.cards.guard import CardCheck, GuardReport
    from testbench.casebook.model import CardRequirement
    from testbench.runner.runner import Runner
    from testbench.runner.tracing import TraceRecorder
    from testbench.store.codec import to_plain
    from testbench.store.read import read_session
    from testbench.store.session import SessionStore

    check = CardCheck("vitale", "r0", "v1", "carte v1", "carte v1", None, "T", "1800175000000", True, atr="3B")
    report = GuardReport((check,), 1.5)
    case = make_case("C1", (invoice_step(),), cards=(CardRequirement("vitale", "v1"),))
    cb = make_casebook((case,), tmp_path)
    store = SessionStore.open(tmp_path / "s.tbsession")
    given = []
    real = store.add_event
    store.add_event = lambda kind, data=None, **kw: given.append(data) or real(kind, data, **kw)  # type: ignore[method-assign]
    bay = FakeBay()
    runner = Runner(store, FakeEngine(bay), bay, TraceRecorder(writer=store.add_trace_lines), guard=lambda *_: report)
    runner.run(store.begin_run(["test"], {}, {}), [(cb, case)])
    store.close()
    assert any(data is report for data in given)
    events = read_session(tmp_path / "s.tbsession").events(1)
    assert [e["data"] for e in events if e["kind"] == "card-guard"] == [to_plain(report)]
