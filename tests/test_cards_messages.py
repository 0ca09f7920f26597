"""What the card layer tells a person, one language at a time: the guard's verdicts, the bay's failures.

The bench records French; ``testbench.i18n`` reads the card layer's sentences back in English where
they are shown (command line, workstation after F2, report --lang en).
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from testbench.cards.api import CardMismatch, CardUnavailable
from testbench.cards.emulator_control import ThreadCard
from testbench.cards.guard import check_cards, mismatch_message
from testbench.cards.inprocess import InProcessBay
from testbench.cards.pcsc_errors import vpcd_message
from testbench.cards.profile import load_profile
from testbench.cards.reader_pools import ReaderSpec
from testbench.cards.record import ReplayCard
from testbench.i18n import colon, translator
from testbench.paths import CARD_PROFILES_DIR as P

CATALOG = [load_profile(p) for p in sorted(P.glob("*.xml"))]
FRENCH = {
    "le", "la", "une", "lecteur", "contient", "carte", "cartes", "attend", "cas", "différences", "lieu",
    "famille", "bénéficiaire", "porteur", "refusée", "seules", "sont", "admises", "inconnue", "réelle",
    "lecture", "impossible", "instruction", "supportée", "insérez", "dans", "ne", "répond", "pas", "port",
    "connexion", "virtuel",
}  # fmt: skip
ENGLISH = {
    "reader", "holds", "the", "an", "card", "cards", "case", "expects", "differences", "instead", "of",
    "family", "beneficiary", "holder", "refused", "only", "allowed", "unknown", "real", "cannot", "read",
    "insert", "in", "does", "not", "answer", "on", "connection", "virtual",
}  # fmt: skip
#: names and identifiers that are data, whatever the language (the in-process bay's reader names, professions)
DATA = re.compile(r"« [^»]* »|“[^”]*”|\([^()]*(?:\([^()]*\))?[^()]*\)|\b[A-ZÉ]{2,}(?: [A-ZÉ]{2,})*\b")


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-zàâçéèêëîïôûù]+", DATA.sub(" ", text).lower()))


def assert_one_language(french: str, english: str) -> None:
    assert words(french) & ENGLISH == set(), (words(french) & ENGLISH, french)
    assert words(english) & FRENCH == set(), (words(english) & FRENCH, english)
    assert "«" not in english and "»" not in english, english


def refused(bay: InProcessBay, slot: str, expected: str) -> CardMismatch:
    with pytest.raises(CardMismatch) as info:
        check_cards(bay, [(slot, load_profile(P / f"{expected}.xml"))], catalog=CATALOG)
    return info.value


def holding(slot: str, name: str) -> InProcessBay:
    bay = InProcessBay()
    bay.present(slot, P / f"{name}.xml")
    return bay


def unknown_card() -> InProcessBay:
    bay = InProcessBay()
    bay.insert_card("vitale", ReplayCard(bytes.fromhex("3B021480"), []))
    return bay


def mute_vitale() -> InProcessBay:
    """A card with a Vitale 2 ATR that answers nothing the guard asks (read impossible)."""
    bay = InProcessBay()
    bay.insert_card("vitale", ReplayCard(bytes.fromhex("3B751300004409EA9000"), []))
    return bay


def physical(bay: InProcessBay) -> InProcessBay:
    bay.emulated = lambda slot: False  # type: ignore[attr-defined]  # as with a physical reader
    return bay


#: one case per kind of refusal: (bay, slot, expected profile, how the found card is named)
VERDICTS = {
    "another card of the family": (lambda: holding("vitale", "vitale2-c2s"), "vitale", "vitale2-ald", "vitale2-c2s"),
    "another family": (lambda: holding("vitale", "cps4-nurse"), "vitale", "vitale2-c2s", "cps4-nurse"),
    "another professional": (lambda: holding("cps", "cps4-nurse"), "cps", "cps3-psad-lpp", "cps4-nurse"),
    "an unknown card": (unknown_card, "vitale", "vitale2-c2s", "ATR 3B 02 14 80"),
    "a card that cannot be read": (mute_vitale, "vitale", "vitale2-ald", "ATR 3B 75 13"),
    "a real card instead of a test card": (
        lambda: holding("vitale", "vitale2-real-nature"), "vitale", "vitale2-c2s", "vitale2-real-nature"
    ),
    "the expected card, of real nature": (
        lambda: physical(holding("vitale", "vitale2-real-nature")), "vitale", "vitale2-real-nature",
        "vitale2-real-nature",
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(VERDICTS))
def test_each_guard_refusal_reads_in_one_language_and_names_both_cards(kind: str) -> None:
    make, slot, expected, found = VERDICTS[kind]
    exc = refused(make(), slot, expected)
    (check,) = exc.report.checks  # type: ignore[attr-defined]
    french, english = mismatch_message(check, "fr"), mismatch_message(check, "en")
    assert str(exc) == french  # the record is French
    assert_one_language(french, english)
    for text in (french, english):
        assert expected in text and found in text, text
    assert english.startswith(f"Reader “{check.reader}” ({slot}) holds ") and english.endswith(".")
    assert translator("en")(french) == english  # what the workstation and the report do with the record


def test_the_cards_descriptions_and_the_prompt_read_in_english() -> None:
    en = translator("en")
    for profile in CATALOG:
        french = profile.describe_fr()
        english = en(french)
        assert_one_language(french, english)
        assert f"“{profile.id}”" in english and english.split(" “")[0].endswith(" card" if profile.is_vitale else ")")
    prompts: list[str] = []
    bay = InProcessBay()
    bay.wait_card = lambda slot, timeout: bay.present(slot, P / "cps4-nurse.xml")  # type: ignore[attr-defined]
    check_cards(bay, [("cps", load_profile(P / "cps4-nurse.xml"))], prompt=prompts.append)
    (prompt,) = prompts
    card = "test CPS card (CPS4) “cps4-nurse” of JULIE FICTIF (Infirmier)"
    assert en(prompt) == f"Insert the {card} in reader “inprocess-cps”."


def test_redacted_names_leave_both_cards_named_in_english() -> None:
    """The report redacts the holders' names after translating: the cards stay named by profile and family."""
    from testbench.traces.known import KnownValues
    from testbench.traces.redact import Redactor

    exc = refused(holding("vitale", "vitale2-c2s"), "vitale", "vitale2-ald")
    known = KnownValues()
    for profile in CATALOG:
        for b in profile.beneficiaries:
            known.add("name", f"{b.first_name} {b.name}")
    english = Redactor(known=known, lang="en").redact_with_report(translator("en")(str(exc))).text
    assert "SARAH" not in english and "JEAN" not in english and "MODELE" not in english
    assert "test Vitale 2 card “vitale2-c2s”" in english and "test Vitale 2 card “vitale2-ald”" in english
    assert_one_language(str(exc), english)


def _refused_port() -> int:
    """A loopback port nobody listens on (bound then closed: the kernel refuses connections to it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_vpcd_port_is_a_sentence_in_both_languages() -> None:
    port = _refused_port()
    card = ThreadCard(load_profile(P / "vitale2-c2s.xml"), ReaderSpec("Virtual PCD 00 00", port), "vitale", None)
    with pytest.raises(CardUnavailable) as info:
        card.wait_inserted(0.2)
    french = str(info.value)
    assert french == f"le lecteur virtuel vpcd ne répond pas sur le port {port} (connexion refusée)"
    english = translator("en")(f"carte indisponible : {french}")  # as the runner records it
    assert english == f"card unavailable: the virtual reader vpcd does not answer on port {port} (connection refused)"
    for text in (french, english, vpcd_message(port, TimeoutError(), "en")):
        assert "Errno" not in text and "[" not in text, text


def test_the_emulator_process_says_why_vpcd_refused_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    port = _refused_port()
    emulator = [sys.executable, "-m", "testbench.cards.emulator", str(P / "vitale2-c2s.xml")]
    run = subprocess.run(
        [*emulator, "--port", str(port), "--insert-timeout", "0.2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.strip() == f"le lecteur virtuel vpcd ne répond pas sur le port {port} (connexion refusée)"


def test_a_refused_card_reads_in_english_in_the_report_and_the_workstation(tmp_path: Path) -> None:
    """The record is French; ``report --lang en`` and the workstation after F2 show the guard in English."""
    import json

    from testbench.casebook.loader import load_casebook
    from testbench.paths import CASEBOOKS_DIR
    from testbench.report.build import BuildOptions, build_report
    from testbench.runner.assemble import BenchOptions, assemble
    from testbench.runner.campaign import record_casebooks
    from testbench.runner.runner import Runner
    from testbench.runner.tracing import TraceRecorder
    from testbench.store.session import SessionStore
    from testbench.tui.texts import make_translator
    from testbench.tui.workstation import Workstation

    casebook = load_casebook(CASEBOOKS_DIR / "demo.xml")
    cases = [casebook.case(c) for c in ("DEMO-FSE-001", "DEMO-FSE-002", "DEMO-CARDS-001")]
    session = tmp_path / "s.tbsession"
    store = SessionStore.open(session)
    record_casebooks(store, [casebook])
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="inprocess", engine="inprocess"), recorder)
    present, swapped = bench.bay.present, []

    def wrong_card_first(slot: str, profile: Path) -> None:  # the operator puts the wrong card in, once
        if slot == "vitale" and not swapped:
            swapped.append(profile)
            profile = P / "vitale2-c2s.xml"
        present(slot, profile)

    bench.bay.present = wrong_card_first  # type: ignore[method-assign]
    try:
        runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard)
        summary = runner.run(store.begin_run([], {}, bench.description), [(casebook, c) for c in cases])
    finally:
        bench.close()
        store.close()
    (_, refused_outcome), *_ = summary.outcomes
    french = refused_outcome.reason
    assert french.startswith("carte refusée, le cas n'a pas démarré : Le lecteur « ")  # recorded in French
    expected = swapped[0].stem

    out = build_report(session, tmp_path / "en", BuildOptions(lang="en")).folder
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    case = next(c for c in data["cases"] if c["key"]["case_id"] == "DEMO-FSE-001")
    english = case["reason"]
    assert english.startswith("card refused, the case did not start: Reader “"), english
    assert_one_language(french, english)
    assert "“vitale2-c2s”" in english and f"“{expected}”" in english  # both cards named
    assert "SARAH" not in english  # and their holders redacted, as the report does
    found = [c["found"] for c in data["cover"]["cards"] if c["found"] != "not recorded"]  # read by the guard
    assert len(found) == 4 and all(f.startswith(("test Vitale", "test CPE", "test CPS")) for f in found), found
    assert sorted(c["guard"] for c in data["cover"]["cards"]) == ["accepted"] * 3 + ["refused"]  # the wrong card too
    assert not any(words(f) & FRENCH for f in found), found
    assert [b.split(" (")[0] for b in data["cover"]["bays"]] == ["in-memory virtual cards"]  # how the cards were served
    pin = next(c for c in data["cases"] if c["key"]["case_id"] == "DEMO-CARDS-001")
    assert [s["detail"] for s in pin["steps"] if s["id"] == "s-pin"] == ["PIN_BLOCKED PIN blocked: not presented"]

    ws = Workstation([casebook], session)
    ws.reload()
    try:
        t = make_translator("en")
        accepted, refused = "accepted by the guard (", "refused: Reader “"  # only the wrong card is refused
        for case_id, starts in (
            ("DEMO-FSE-001", {"vitale": refused, "cps": accepted}),
            ("DEMO-FSE-002", {"vitale": accepted, "cps": accepted}),
        ):
            entry = ws.find(case_id)
            assert entry is not None
            statuses = ws.card_status(entry)
            assert set(statuses) == set(starts), statuses
            for slot, status in statuses.items():
                assert_one_language(status, t(status))
                assert t(status).startswith(starts[slot]), t(status)
    finally:
        ws.close()


def test_pin_refusals_read_in_english() -> None:
    from testbench.cards.pin import verify_test_pin
    from testbench.domain.refusal import EngineRefusal

    bay = holding("cps", "cps3-pin-blocked")
    with pytest.raises(EngineRefusal) as info:
        verify_test_pin(bay, "cps")
    assert info.value.message == "code porteur bloqué : non présenté"
    assert translator("en")(info.value.message) == "PIN blocked: not presented"
    assert translator("en")("code porteur refusé : code porteur non vérifié ou faux, 2 essai(s) restant(s)") == (
        "PIN refused: PIN not verified or wrong, 2 tries left"
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_recording_that_cannot_be_used_is_a_sentence(tmp_path: Path, lang: str) -> None:
    import os
    import subprocess
    import sys

    bad = tmp_path / "r.jsonl"
    bad.write_text('{"format": "testbench-apdu-recording"}\n[1, 2]\n{"command": "00A4"}\n', encoding="utf-8")
    absent = tmp_path / "absent.jsonl"
    env = {**os.environ, "TESTBENCH_LANG": lang}
    said = []
    for path in (bad, absent):
        run = subprocess.run(
            [sys.executable, "-m", "testbench", "cards", "replay", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert run.returncode == 3
        said.append(run.stderr.strip())
    expected = {
        "fr": [f"{bad}:2: ligne qui n'est pas un objet JSON", f"{absent} : fichier illisible (introuvable)"],
        "en": [f"{bad}:2: line that is not a JSON object", f"{absent}: file cannot be read (not found)"],
    }[lang]
    assert said == [f"testbench cards{colon(lang)}{e}" for e in expected]  # « prog: », as argparse and every command
    assert not any("Errno" in text or "Traceback" in text for text in said)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_cards_probe_decodes_a_card_in_one_language(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    from testbench.cards.read import read_cps, read_vitale
    from testbench.cli.cards_cmd import print_cps, print_vitale
    from testbench.i18n import use_language

    with use_language(lang):
        print_vitale(read_vitale(holding("vitale", "vitale2-maternity"), "vitale"))
        print_cps(read_cps(holding("cps", "cps4-nurse"), "cps"))
    out = capsys.readouterr().out
    # the Vitale rights' line keeps its domain terms (régime, caisse, centre, code gestion), in both languages
    text = "\n".join(line for line in out.splitlines() if not line.startswith("  Régime "))
    if lang == "fr":
        assert "Carte Vitale 2 de test (nature T)" in out and "  Bénéficiaire 1 : LUCIE PROTO" in out
        assert not words(text) & ENGLISH - {"test"}, out
    else:
        assert "Test Vitale 2 card (nature T)" in out and "  Beneficiary 1: LUCIE PROTO" in out and "maternity" in out
        assert "Test CPS card (CPS4)" in out and "  Holder: JULIE FICTIF" in out
        assert not words(text.replace("qualité", "")) & FRENCH, out
