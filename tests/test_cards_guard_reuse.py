"""The guard reads a card again only when it may have changed (issue 16 §1, §3; docs/cards.md §6).

A card the bay vouches has not left its reader since the guard accepted it (``presence``: the in-process
bay's own record; through pcscd the bay's record with pcscd's event counter and the ATR) is not read
again: the check is given again, marked ``reused`` with the case where the card was read and why it still
holds. A card removed, reinserted, changed, faulted, or one the bay cannot vouch for, is read again.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from testbench.cards.api import ApduExchange, CardMismatch
from testbench.cards.guard import CheckMemo, GuardReport, case_guard, check_cards
from testbench.cards.inprocess import KEPT_IN_MEMORY, Fault, InProcessBay
from testbench.cards.profile import load_profile
from testbench.cards.virtual import build_card
from testbench.paths import CARD_PROFILES_DIR as P
from testbench.paths import CASEBOOKS_DIR

STANDARD = P / "vitale2-adult-standard.xml"


def _guard() -> tuple[InProcessBay, list[ApduExchange], object]:
    seen: list[ApduExchange] = []
    bay = InProcessBay(apdu_sink=seen.append)
    fixtures = {"std": STANDARD, "c2s": P / "vitale2-c2s.xml"}
    casebook = SimpleNamespace(
        fixtures=SimpleNamespace(cards={k: SimpleNamespace(profile=v) for k, v in fixtures.items()})
    )
    guard = case_guard()

    def run(case_id: str, card: str = "std") -> GuardReport:
        seen.clear()
        case = SimpleNamespace(id=case_id, cards=[SimpleNamespace(slot="vitale", card=card)])
        return guard(bay, casebook, case)

    return bay, seen, run


def test_a_card_kept_in_its_reader_is_not_read_again_and_the_check_says_so() -> None:
    bay, seen, guard = _guard()
    bay.present("vitale", STANDARD)
    (first,) = guard("C-1").checks
    assert seen and first.reused is None and "reused" not in first.as_dict()
    bay.present("vitale", STANDARD)  # the next case: the same card, a fresh state, never out of its reader
    (again,) = guard("C-2").checks
    assert not seen  # nothing sent to the card
    assert again.reused == {"case": "C-1", "why": KEPT_IN_MEMORY}
    assert again.as_dict()["reused"] == again.reused
    same = {k: v for k, v in first.as_dict().items() if k != "duration_ms"}
    assert {k: v for k, v in again.as_dict().items() if k not in ("duration_ms", "reused")} == same
    bay.present("vitale", STANDARD)
    (third,) = guard("C-3").checks
    assert not seen and third.reused == {"case": "C-1", "why": KEPT_IN_MEMORY}  # still the check of C-1


def test_a_card_changed_removed_or_faulted_is_read_again() -> None:
    bay, seen, guard = _guard()
    bay.present("vitale", STANDARD)
    guard("C-1")
    bay.present("vitale", P / "vitale2-c2s.xml")
    bay.present("vitale", STANDARD)  # another card in between: the same profile, but read again
    (check,) = guard("C-2").checks
    assert seen and check.reused is None and check.ok
    bay.remove("vitale")
    bay.present("vitale", STANDARD)  # pulled and inserted again
    (check,) = guard("C-3").checks
    assert seen and check.reused is None
    bay.inject_fault("vitale", Fault("sw", sw=0x6F00, ins=0xB0))  # the card now fails its reads
    with pytest.raises(CardMismatch):
        guard("C-4")
    assert seen
    bay.insert_card("vitale", build_card(load_profile(STANDARD)))  # a card that is not the bay's own profile
    (check,) = guard("C-5").checks
    assert seen and check.reused is None and check.ok
    (check,) = guard("C-6").checks
    assert seen and check.reused is None  # the bay cannot vouch for it: read at every case


def test_a_refused_card_is_read_again_at_the_next_case() -> None:
    bay, seen, guard = _guard()
    bay.present("vitale", P / "vitale2-c2s.xml")
    for case in ("C-1", "C-2"):
        with pytest.raises(CardMismatch) as caught:
            guard(case)  # the case expects the standard card
        assert seen and caught.value.report.checks[0].reused is None  # type: ignore[attr-defined]


def test_a_check_is_reused_only_for_the_same_expectation_and_bay() -> None:
    bay, seen, guard = _guard()
    bay.present("vitale", STANDARD)
    guard("C-1")
    with pytest.raises(CardMismatch):
        guard("C-2", card="c2s")  # another card expected: read, and refused
    assert seen
    other = InProcessBay()
    profile = load_profile(STANDARD)
    other.present("vitale", profile)
    memo = CheckMemo()
    check_cards(other, [("vitale", profile)], memo=memo, case="C-1")
    (check,) = check_cards(other, [("vitale", profile)], memo=memo, case="C-2").checks
    assert check.reused is not None
    (check,) = check_cards(other, [("vitale", profile)], allow_real=True, memo=memo, case="C-3").checks
    assert check.reused is None  # another rule for real cards: read again
    (check,) = check_cards(bay, [("vitale", profile)], memo=memo, case="C-4").checks
    assert check.reused is None  # another bay's reader


def test_a_campaign_records_the_reused_checks_and_traces_them(tmp_path: Path) -> None:
    """The demo's first three cases keep the CPS card and change the Vitale card: the CPS is read at the
    first case only, each Vitale at its own case; the verdicts are the demo's."""
    from testbench.casebook.loader import load_casebook
    from testbench.runner.assemble import BenchOptions, assemble
    from testbench.runner.campaign import record_casebooks
    from testbench.runner.runner import Runner
    from testbench.runner.tracing import TraceRecorder
    from testbench.store.read import read_session
    from testbench.store.session import SessionStore

    casebook = load_casebook(CASEBOOKS_DIR / "demo.xml")
    cases = [casebook.case(f"DEMO-FSE-00{i}") for i in (1, 2, 3)]
    store = SessionStore.open(tmp_path / "s.tbsession")
    record_casebooks(store, [casebook])
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="inprocess", engine="inprocess"), recorder)
    try:
        runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard)
        summary = runner.run(store.begin_run([], {}, bench.description), [(casebook, c) for c in cases])
    finally:
        bench.close()
        store.close()
    assert [o.verdict.value for _, o in summary.outcomes] == ["pass", "pass", "pass"]
    with read_session(tmp_path / "s.tbsession") as view:
        reused, lines = [], []
        for case in view.cases:
            attempt = case.latest.id
            (guard,) = [e["data"] for e in view.events(attempt) if e["kind"] == "card-guard"]
            reused.append({c["slot"]: (c.get("reused") or {}).get("case") for c in guard["checks"]})
            lines.append(
                [t.text for t in view.trace_lines(attempt, "bench") if t.text.startswith("contrôle de la carte")]
            )
    assert reused == [
        {"cps": None, "vitale": None},
        {"cps": "DEMO-FSE-001", "vitale": None},
        {"cps": "DEMO-FSE-001", "vitale": None},
    ]
    assert lines[0] == [] and lines[1] == lines[2] == [
        f"contrôle de la carte cps repris du cas DEMO-FSE-001 ({KEPT_IN_MEMORY})"
    ]
    from testbench.report.build import BuildOptions, build_report

    build_report(tmp_path / "s.tbsession", tmp_path / "report", BuildOptions(lang="fr"))
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    texts = [[line.get("text") for line in c["trace"]["excerpt"]] for c in report["cases"]]
    assert [
        [t for t in case if str(t).startswith("contrôle de la carte")] for case in texts
    ] == lines  # the report says it


@pytest.mark.integration
def test_through_pcscd_a_card_swapped_by_hand_is_read_again_and_a_real_card_refused(
    vpcd_lock: list[str], tmp_path: Path
) -> None:
    """A physical reader (``emulate=False``): the test plays the person, with its own emulator in the reader.
    The card kept between two cases is not read again (pcscd's event counter and the ATR unchanged); swapped
    by hand for a card with the same holder and ATR but of nature « réelle », it is read again and refused."""
    from testbench.cards.bay import KEPT_PHYSICAL, PcscBay
    from testbench.cards.emulator_control import ThreadCard
    from testbench.cards.pcsc import wait_for
    from testbench.cards.reader_pools import DEFAULT_READERS

    spec = DEFAULT_READERS["vitale"]
    standard = load_profile(STANDARD)
    real_file = tmp_path / "vitale2-adult-standard-real.xml"
    real_file.write_text(STANDARD.read_text(encoding="utf-8").replace("<nature>T</nature>", "<nature>R</nature>"))
    real = load_profile(real_file)
    assert real.nature == "R" and real.atr == standard.atr and real.beneficiary(1) == standard.beneficiary(1)
    person = ThreadCard(standard, spec, "vitale", None)  # the card the person put in the reader
    seen: list[ApduExchange] = []
    try:
        person.wait_inserted(2.0)
        wait_for(spec.name, True, 2.0)
        with PcscBay(readers={"vitale": spec}, emulate=False, apdu_sink=seen.append) as bay:
            memo = CheckMemo()
            bay.present("vitale", standard)
            (check,) = check_cards(bay, [("vitale", standard)], memo=memo, case="C-1").checks
            assert check.ok and check.reused is None and seen
            seen.clear()
            bay.present("vitale", standard)
            (check,) = check_cards(bay, [("vitale", standard)], memo=memo, case="C-2").checks
            assert check.reused == {"case": "C-1", "why": KEPT_PHYSICAL} and not seen
            person.eject()  # the person swaps the card between two cases
            wait_for(spec.name, False, 2.0)
            person.insert(real, 2.0)
            wait_for(spec.name, True, 2.0)
            bay.present("vitale", standard)  # a physical reader keeps the card it holds
            with pytest.raises(CardMismatch, match="réelle") as caught:
                check_cards(bay, [("vitale", standard)], memo=memo, case="C-3")
            (check,) = caught.value.report.checks  # type: ignore[attr-defined]
            assert seen and check.reused is None and not check.ok
    finally:
        person.stop()
        wait_for(spec.name, False, 2.0)  # the reader empty again for the next test


@pytest.mark.integration
def test_through_pcscd_a_card_changed_inside_its_reader_is_read_again(vpcd_lock: list[str], tmp_path: Path) -> None:
    """One reader per slot: a change of card inside the reader moves no event counter (docs/cards.md §4.2),
    so the bay's own record says the card changed; the same card presented again is not read again."""
    from testbench.cards.bay import KEPT_EMULATED, PcscBay
    from testbench.cards.pcsc import Context
    from testbench.cards.reader_pools import DEFAULT_READERS

    spec = DEFAULT_READERS["vitale"]
    standard, c2s = load_profile(STANDARD), load_profile(P / "vitale2-c2s.xml")
    seen: list[ApduExchange] = []
    with PcscBay(readers={"vitale": spec}, emulator="thread", trace_dir=tmp_path, apdu_sink=seen.append) as bay:
        memo = CheckMemo()
        bay.present("vitale", standard)
        check_cards(bay, [("vitale", standard)], memo=memo, case="C-1")
        seen.clear()
        bay.present("vitale", standard)  # the next case, the same card: reloaded in place
        (check,) = check_cards(bay, [("vitale", standard)], memo=memo, case="C-2").checks
        assert check.reused == {"case": "C-1", "why": KEPT_EMULATED} and not seen
        with Context() as ctx:
            events = ctx.status([spec.name])[spec.name][0] >> 16
        bay.present("vitale", c2s)
        bay.present("vitale", standard)  # changed twice inside the reader
        with Context() as ctx:
            assert ctx.status([spec.name])[spec.name][0] >> 16 == events  # pcscd saw no removal
        (check,) = check_cards(bay, [("vitale", standard)], memo=memo, case="C-3").checks
        assert check.ok and check.reused is None and seen
        seen.clear()
        bay.inject_fault("vitale", Fault("sw", sw=0x6F00, ins=0xB0))
        with pytest.raises(CardMismatch):
            check_cards(bay, [("vitale", standard)], memo=memo, case="C-4")
        assert seen
