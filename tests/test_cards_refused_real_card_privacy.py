"""A refused card that is not a test card leaves nothing of its holder in the session (card-reader audit, item 1).

The guard refuses a real (nature R) card where a case expects a test card. It must still say why — the check
recorded ``ok: false`` with its nature, the case inconclusive, the report's cover « refusée » with the reason —
but the card may be a real person's: its NIR, names and birth date must be nowhere in the session file (nor its
WAL), nor in the report built from it even without redaction — not in the check (``identity``, ``found_holder``,
``found_fr``, ``problems``, ``message``), not in the case's reason, not in the guard's APDU trace (its response
bytes are the holder's identity in hex). The card is a profile unknown to the catalogue, with a holder no other
file names, so that any match is this card's. The same card as a test card (nature T), refused as well since its
holder is not the one expected, is found by the same search: the search can see what it looks for.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_cards_crossed_port import spare_pair
from test_privacy_exports import _without_digests, exported_texts, leaks, needles, personal_values

from testbench.cards.messages import HOLDER_WITHHELD_FR
from testbench.cards.nir import nir_key
from testbench.cards.profile import load_profile
from testbench.casebook.loader import load_casebook
from testbench.i18n import translator
from testbench.paths import CARD_PROFILES_DIR, CASEBOOKS_DIR
from testbench.report.build import BuildOptions, build_report
from testbench.runner.assemble import BenchOptions, assemble
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.read import read_session
from testbench.store.session import SessionStore
from testbench.traces.bench_text import trace_text

CASE = "DEMO-FSE-001"  # a Vitale and a CPS, both test cards
BODY = "2610399999123"
REFUSED = "carte réelle refusée : seules les cartes de test sont admises"


def real_card(folder: Path, nature: str = "R") -> Path:
    """A real-nature Vitale 2 (or of ``nature``) whose holder no other file of the project names."""
    text = (CARD_PROFILES_DIR / "vitale2-real-nature.xml").read_text(encoding="utf-8")
    text = text.replace("<nature>R</nature>", f"<nature>{nature}</nature>")
    text = text.replace('id="vitale2-real-nature"', 'id="vitale2-someone-real"')
    text = text.replace("278059999900777", BODY + nir_key(BODY))
    text = text.replace('name="MODELE" first-name="ANNE" birth-date="1978-05-12"',
                        'name="QUARTZIANE" first-name="ZEPHYRINE" birth-date="1961-03-17"')  # fmt: skip
    path = folder / "vitale2-someone-real.xml"
    path.write_text(text, encoding="utf-8")
    return path


def run(session: Path, cards: str, nature: str = "R") -> dict[str, str]:
    """The demo's first case with the real card (or of ``nature``) in the Vitale reader; its personal values."""
    real = real_card(session.parent, nature)
    casebook = load_casebook(CASEBOOKS_DIR / "demo.xml")
    store = SessionStore.open(session)
    record_casebooks(store, [casebook])
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards=cards, engine="inprocess"), recorder)
    present = bench.bay.present

    def presenting(slot: str, profile: Path) -> None:
        present(slot, real if slot == "vitale" else profile)

    bench.bay.present = presenting  # type: ignore[method-assign]
    try:
        runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard)
        runner.run(store.begin_run([], {}, bench.description), [(casebook, casebook.case(CASE))])
    finally:
        bench.close()
        store.close()
    values = personal_values(load_profile(real))
    assert set(values) >= {"NIR du titulaire", "nom 1", "prénom 1", "date de naissance 1"}, values
    return values


def session_texts(session: Path) -> list[tuple[str, str]]:
    """The session file and whatever SQLite left beside it, as Latin-1 text (every byte one character)."""
    files = [session, *(session.with_name(session.name + tail) for tail in ("-wal", "-shm", "-journal"))]
    return [(str(p), _without_digests(p.read_bytes().decode("latin-1"))) for p in files if p.exists()]


def found(texts: list[tuple[str, str]], values: dict[str, str]) -> list[str]:
    return leaks(texts, [(what, needles(what, value)) for what, value in values.items()])


def check_refusal_recorded(session: Path, tmp: Path) -> None:
    """The refusal is there and says why: the check, the case's reason, the trace, the report's cover."""
    with read_session(session) as view:
        (attempt,) = view.cases[0].attempts
        events = view.events(attempt.id)
    assert attempt.verdict == "inconclusive" and REFUSED in attempt.reason, attempt
    (guard,) = [e["data"] for e in events if e["kind"] == "card-guard"]
    checks = {c["slot"]: c for c in guard["checks"]}
    vitale = checks["vitale"]
    assert vitale["ok"] is False and vitale["withheld"] is True and vitale["nature"] == "R", vitale
    assert vitale["identity"] == "" and vitale["found_holder"] == {}, vitale
    assert vitale["found_fr"] == "carte Vitale 2 réelle" and vitale["atr"], vitale
    assert vitale["problems"][0] == HOLDER_WITHHELD_FR and REFUSED in vitale["problems"], vitale
    assert checks["cps"]["ok"] is True and checks["cps"]["found_holder"], checks["cps"]  # a test card: as before
    conn = sqlite3.connect(session)
    try:
        rows = conn.execute("SELECT channel, text FROM trace_lines ORDER BY mono_ns, id").fetchall()
    finally:
        conn.close()
    apdus = [text for channel, text in rows if channel == "apdu"]
    assert any("[cps@" in text for text in apdus), apdus  # the CPS card's check is traced as before
    assert not any("[vitale@" in text for text in apdus), apdus
    said = [text for channel, text in rows if channel == "bench" and "échanges APDU du contrôle" in text]
    assert len(said) == 1 and said[0].startswith("lecteur vitale : "), said
    english = trace_text("bench", said[0], translator("en"))
    assert english.startswith("reader vitale: ") and "APDU exchanges of the card check not kept" in english, english
    for lang, refused, why in (("fr", "refusée", REFUSED), ("en", "refused", "real card refused: only test")):
        folder = build_report(session, tmp / f"report-{lang}", BuildOptions(lang=lang, junit=False)).folder
        cover = json.loads((folder / "report.json").read_text(encoding="utf-8"))["cover"]
        card = next(c for c in cover["cards"] if c["slot"] == "vitale")
        assert card["guard"] == refused and why in card["guard_reason"], card


#: through pcscd the test takes the vpcd readers (``vpcd_lock``, asked for below): the vpcd tests' xdist group
PCSC = pytest.param("pcsc", marks=[pytest.mark.integration, pytest.mark.xdist_group("vpcd")])


@pytest.mark.parametrize("cards", ["inprocess", PCSC])
def test_a_refused_real_card_leaves_no_personal_data_in_the_session(
    cards: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    if cards == "pcsc":  # pcscd + vpcd, readers for this test alone: one real emulator process per slot
        vitale, cps = spare_pair(request.getfixturevalue("vpcd_lock"))
        monkeypatch.setenv("TESTBENCH_CARD_READERS", f"vitale={vitale.name}@{vitale.port},cps={cps.name}@{cps.port}")
    session = tmp_path / "s.tbsession"
    values = run(session, cards)
    check_refusal_recorded(session, tmp_path)
    texts = session_texts(session)
    # the report too, built without redaction: nothing to redact, since nothing was recorded
    raw = build_report(session, tmp_path / "raw", BuildOptions(redact=False, junit=False)).folder
    texts += list(exported_texts([raw]))
    leaked = found(texts, values)
    assert not leaked, f"{len(leaked)} fuite(s) :\n" + "\n".join(leaked[:40])


def test_the_search_finds_the_holder_of_a_refused_test_card(tmp_path: Path) -> None:
    """The same card as a test card: refused too (not the holder expected), its holder is fictitious and recorded
    as before — in the guard's check and in the APDU trace, in clear and in hex — and the search finds it."""
    session = tmp_path / "s.tbsession"
    values = run(session, "inprocess", nature="T")
    leaked = found(session_texts(session), values)
    for what in ("NIR du titulaire", "nom 1", "prénom 1", "date de naissance 1"):
        assert any(line.startswith(f"{what} — ") and "hexadécimal" in line for line in leaked), (what, leaked)
        assert any(line.startswith(f"{what} — ") and "en clair" in line for line in leaked), (what, leaked)
