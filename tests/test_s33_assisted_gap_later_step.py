"""What the application wrote while the bench was closed, for a step later than the one the bench continues at.

Assisted operator mode on a stand-in application (real files, a log written by a separate process, the real capture
and session file). The case's invoice is done; the bench is closed on its securing step (nobody answers it). With the
bench closed, the operator goes on in the application: the securing, then the lot — the application writes its lot
file and logs « Lot n°000002 télétransmis ». The bench reopens and continues the case at the securing step, whose
extractors read neither: the lot file (created since that step began) and the log line are offered to the lot step,
the first later step whose extractors read them, which takes them as its own — the lot need not be built again.

A file that existed when the step began and was only rewritten with the bench closed (an earlier output written
again) is offered to no later step: it stays with the step the bench continues at, as before. A file offered on stays
offered when the bench is closed again on a step between them.
"""

from __future__ import annotations

import json
from pathlib import Path

from testbench.i18n import translator
from testbench.store.read import read_session
from testbench.traces.bench_text import bench_text
from tests.test_operator_gap_capture import ANSWERS, LINE, _application, _attestations, _bench, _campaign

#: the case's securing and lot steps left: the bench is closed on the securing step
INVOICE_ONLY = {k: v for k, v in ANSWERS.items() if k in ("operator", "G-1/s-invoice")}


def _run(app: Path, book: Path, session: Path, tmp_path: Path, answers: dict) -> dict:
    campaign, targets = _campaign(app, book, session, _attestations(tmp_path, answers))
    return campaign.run(targets).verdicts


def _attempt(session: Path) -> tuple[str, dict, list[tuple[str | None, str]], list[str]]:
    """The case's only attempt: its verdict, its observations by path, its trace (step, text), its artifacts."""
    with read_session(session) as view:
        (case,) = view.cases
        (attempt,) = case.attempts
        observed = {o["path"]: o for o in view.observations(attempt.id)}
        lines = [(line.step_id, line.text) for line in view.trace_lines(attempt.id)]
        artifacts = [a["name"] for a in view.artifacts(attempt.id)]
    return attempt.verdict, observed, lines, artifacts


def _closed_on_the_securing_step(tmp_path: Path) -> tuple[Path, Path, Path]:
    app, book, session = _bench(tmp_path)
    assert _run(app, book, session, tmp_path, INVOICE_ONLY) == {"G-1": "pending"}
    return app, book, session


def test_the_lot_built_while_the_bench_was_closed_is_read_by_the_lot_step_not_built_again(tmp_path: Path) -> None:
    app, book, session = _closed_on_the_securing_step(tmp_path)
    _application(app, "000002")  # the bench closed: the operator secures and builds the lot in the application
    assert _run(app, book, session, tmp_path, ANSWERS) == {"G-1": "pass"}
    verdict, observed, lines, artifacts = _attempt(session)
    assert verdict == "pass"
    for path in ("lot.number", "lot.invoice_count", "lot.files[0]"):
        assert (observed[path]["step_id"], observed[path]["source"]) == ("s-lot", "extraction"), observed[path]
    assert observed["lot.number"]["value"] == "000002"
    assert Path(observed["lot.number"]["provenance"]["source"]).name == "B2_000002.lot"
    assert observed["lot.invoice_count"]["provenance"]["excerpt"] == LINE
    # said in the trace, with each step: the one that left them, the one that read them
    lot = str(app / "out" / "lots" / "B2_000002.lot")
    assert (
        "s-secure",
        f"étape s-secure : fichier {lot} créé depuis le début de l'étape, banc fermé entre-temps : aucun extracteur de"
        " cette étape ne le lit, il est laissé à l'étape s-lot, la première du cas dont un extracteur le lit",
    ) in lines, lines
    assert (
        "s-lot",
        f"étape s-lot : fichier {lot} créé pendant que le banc était fermé, laissé par l'étape s-secure : lu par cette"
        " étape-ci, la première du cas après elle dont un extracteur le lit",
    ) in lines, lines
    assert (
        "s-lot",
        "étape s-lot : valeurs lues par cette étape-ci dans des lignes du journal écrites pendant que le banc était"
        " fermé, laissées par l'étape s-secure : 1",
    ) in lines, lines
    english = [bench_text(text, translator("en")) for step, text in lines if step == "s-lot"]
    assert f"step s-lot: file {lot} created while the bench was closed, left by step s-secure: read by this step," \
        " the first of the case after it with an extractor that reads it" in english, english
    # kept once, as the lot step's evidence, not also as a late file of the securing step
    assert [name for name in artifacts if name.endswith("B2_000002.lot")] == ["B2_000002.lot"], artifacts
    assert not any("sans être une de ses sorties attendues" in text for _step, text in lines), lines


def test_a_file_only_rewritten_while_the_bench_was_closed_is_offered_to_no_later_step(tmp_path: Path) -> None:
    app, book, session = _closed_on_the_securing_step(tmp_path)
    old = app / "out" / "lots" / "B2_000001.lot"  # there before the case: an earlier output, written again
    old.write_text("100000002\n190000002\n999\n", encoding="ascii")
    assert _run(app, book, session, tmp_path, ANSWERS) == {"G-1": "fail"}
    _verdict, observed, lines, artifacts = _attempt(session)
    assert "lot.number" not in observed  # not read by the lot step as its own
    said = f"étape s-secure : fichier {old} écrit par le logiciel pendant l'étape sans être une de ses sorties"
    assert any(text.startswith(said) for _step, text in lines), lines  # kept with the step continued, as before
    assert any(name.endswith("B2_000001.lot") for name in artifacts), artifacts
    assert not any("laissé à l'étape" in text for _step, text in lines), lines


def test_a_file_offered_on_stays_offered_when_the_bench_is_closed_again_before_the_later_step(tmp_path: Path) -> None:
    """Closed on the invoice step; the lot written meanwhile is offered to the lot step; the bench is closed again on
    the securing step, between them: when it goes on, the lot is still new to it, and offered to the lot step again."""
    app, book, session = _bench(tmp_path)
    assert _run(app, book, session, tmp_path, {"operator": "Camille"}) == {"G-1": "pending"}  # on s-invoice
    _application(app, "000002")
    assert _run(app, book, session, tmp_path, INVOICE_ONLY) == {"G-1": "pending"}  # closed again, on s-secure
    _run(app, book, session, tmp_path, ANSWERS)
    _verdict, observed, _lines, _artifacts = _attempt(session)
    assert (observed["lot.number"]["step_id"], observed["lot.number"]["value"]) == ("s-lot", "000002")
    assert Path(observed["lot.number"]["provenance"]["source"]).name == "B2_000002.lot"


def test_the_gap_record_lists_the_files_created_apart(tmp_path: Path) -> None:
    """``written_since`` names, beside every file changed since the step began, those created since (a control
    character as key: no extractor's name holds one)."""
    from testbench.engines.operator.assisted import NEW_WHILE_CLOSED, AssistedOperatorEngine, snapshot_from
    from testbench.sut.profile import load_profile

    app, _book, _session = _bench(tmp_path)
    engine = AssistedOperatorEngine(load_profile(app / "sut.toml"))
    listing = json.loads(json.dumps({"": [[str(p), *sig[:2]] for p, sig in engine._listing().items()]}))
    (app / "out" / "lots" / "B2_000001.lot").write_text("100000009\n190000009\n999\n", encoding="ascii")
    _application(app, "000002")
    written = engine.written_since(listing)
    assert {p.name for p in snapshot_from(written[""])} == {"B2_000001.lot", "B2_000002.lot"}
    assert {p.name for p in snapshot_from(written[NEW_WHILE_CLOSED])} == {"B2_000002.lot"}
