"""A file the application writes after its step's wait ended is never lost: the step during which the bench saw it
keeps it as evidence of the case, and its trace says it came outside what that step waits for.

The stand-in application logs its invoice at once but writes the FSE only after the wait (3 s) ended, while the
person performs the securing (A); or while the person looks at the values read, in the values window (B).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from test_assisted_outputs import FSE_EXTRACTOR, HEAD, LOG_EXTRACTORS, Application, campaign, fse, later, log

from testbench.report.build import BuildOptions, build_report
from testbench.store.read import read_session

PROFILE = HEAD + FSE_EXTRACTOR.format(files="fse") + LOG_EXTRACTORS
LATE = "écrit par le logiciel pendant l'étape sans être une de ses sorties attendues"


def _kept(session: Path) -> tuple[dict[str, tuple[str | None, bytes]], list[tuple[str | None, str]]]:
    """The case's files kept (name → step, bytes) and its trace (step, text)."""
    with read_session(session) as view:
        attempt = view.cases[0].latest
        files = {a["name"]: (a["step_id"], view.artifact_data(a["sha256"])) for a in view.artifacts(attempt.id)}
        lines = [(line.step_id, line.text) for line in view.trace_lines(attempt.id)]
    return files, lines


def _fse_written(root: Path) -> None:
    (root / "out" / "fse" / "FSE_F0001.xml").write_bytes(fse())


def test_an_fse_written_after_its_steps_wait_is_kept_by_the_step_during_which_it_came_and_said(
    tmp_path: Path,
) -> None:
    def invoice(root: Path) -> None:  # the log at once, the FSE 3,5 s later: after the wait of 3 s
        log(root, "Facture F0001 créée : total AMO 33,60 EUR")
        later((3.5, lambda: _fse_written(root)))

    def secured(root: Path) -> None:  # the person takes 1,5 s at the securing: the FSE comes meanwhile
        time.sleep(1.5)
        log(root, "Facture F0001 sécurisée (statut secured)")

    steps = {("LATE", "create_invoice"): invoice, ("LATE", "secure_invoice"): secured}
    session, result, _, _ = campaign(tmp_path, PROFILE, steps, "LATE")
    assert result.verdicts == {"LATE": "pass"}, result.verdicts
    files, lines = _kept(session)
    assert files.get("FSE_F0001.xml") == ("s-secure", fse()), files
    said = [text for step, text in lines if step == "s-secure" and LATE in text]
    assert len(said) == 1 and "FSE_F0001.xml" in said[0] and "gardé comme pièce du cas" in said[0], lines
    built = build_report(session, tmp_path / "book", BuildOptions(junit=False))
    report = json.loads((built.folder / "report.json").read_text(encoding="utf-8"))
    texts = [line["text"] for line in report["cases"][0]["trace"]["excerpt"]]
    assert any(LATE in text for text in texts), texts
    english = build_report(session, tmp_path / "book-en", BuildOptions(junit=False, lang="en"))
    report = json.loads((english.folder / "report.json").read_text(encoding="utf-8"))
    texts = [line["text"] for line in report["cases"][0]["trace"]["excerpt"]]
    assert any("written by the software during the step, none of its expected outputs" in text for text in texts), [
        t for t in texts if "FSE" in t
    ]


class _Reviewing(Application):
    """The person looks at the values read; meanwhile the application writes its FSE."""

    def review(
        self, case: Any, step: Any, extracted: list[Any], missing: list[Any], conflicts: Any = None
    ) -> dict[str, Any]:
        if step.id == "s-invoice":
            _fse_written(self.root)
        return super().review(case, step, extracted, missing, conflicts)


def test_an_fse_written_while_the_values_window_is_open_is_kept_and_said(
    tmp_path: Path, monkeypatch: Any
) -> None:
    import test_assisted_outputs

    monkeypatch.setattr(test_assisted_outputs, "Application", _Reviewing)
    invoice = lambda root: log(root, "Facture F0001 créée : total AMO 33,60 EUR")  # noqa: E731
    secured = lambda root: log(root, "Facture F0001 sécurisée (statut secured)")  # noqa: E731
    steps = {("LATE", "create_invoice"): invoice, ("LATE", "secure_invoice"): secured}
    session, result, _, _ = campaign(tmp_path, PROFILE, steps, "LATE")
    assert result.verdicts == {"LATE": "pass"}, result.verdicts
    files, lines = _kept(session)
    assert files.get("FSE_F0001.xml") == ("s-invoice", fse()), files
    own = "sortie de l'étape arrivée après la fin de son attente"  # the step's own kind of output, late
    assert [text for step, text in lines if own in text and step == "s-invoice"], lines
