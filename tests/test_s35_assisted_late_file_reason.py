"""An FSE that comes after its step's wait: the reason of the value it would have given says so, not « none came ».

Assisted operator mode on a stand-in application (real files, the real capture, session and report). The person
performs the invoice; the application writes its FSE only while the person looks at the values window, after the wait
(3 s) ended. The bench keeps the file as the step's evidence, its values not read (« sortie de l'étape arrivée après la
fin de son attente »); the absent amount's reason then says the file came after the wait — not « aucun fichier nouveau
ou modifié … pendant l'étape », which would send the operator looking for a file that is there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_assisted_outputs import FSE_EXTRACTOR, HEAD, LOT_EXTRACTOR, Application, campaign, fse, log

from testbench.report.build import BuildOptions, build_report
from testbench.store.read import read_session

#: the FSE read for the amount; the invoice's log line never comes, the securing's does
PROFILE = (
    HEAD
    + FSE_EXTRACTOR.format(files="fse")
    + LOT_EXTRACTOR
    + """
[[extractors]]
name = "journal sécurisation"
kind = "regex"
applies_to = ["secure_invoice"]
pattern = 'Facture F\\d+ sécurisée \\(statut (?P<status>\\w+)\\)'
fields = { status = "secure.status" }
"""
)


class _WhileShown(Application):
    """The person looks at the invoice's values; meanwhile the application writes ``files`` (folder, name, bytes)."""

    files: tuple[tuple[str, str, bytes], ...] = ()

    def review(
        self, case: Any, step: Any, extracted: list[Any], missing: list[Any], conflicts: Any = None
    ) -> dict[str, Any]:
        if step.id == "s-invoice":
            for folder, name, data in self.files:
                (self.root / "out" / folder / name).write_bytes(data)
        return super().review(case, step, extracted, missing, conflicts)


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *files: tuple[str, str, bytes]) -> tuple[Path, Path]:
    import test_assisted_outputs

    monkeypatch.setattr(_WhileShown, "files", files)
    monkeypatch.setattr(test_assisted_outputs, "Application", _WhileShown)
    secured = lambda root: log(root, "Facture F0001 sécurisée (statut secured)")  # noqa: E731
    session, result, operator, app = campaign(tmp_path, PROFILE, {("LATE", "secure_invoice"): secured}, "LATE")
    assert result.verdicts == {"LATE": "fail"}, result.verdicts
    (_extracted, missing) = operator.reviewed[("LATE", "s-invoice")]  # shown before it came: none during the step
    assert [item.cause for item in missing] == ["file"], missing
    return session, app


def _said(session: Path) -> tuple[str, str, list[tuple[str | None, str]]]:
    """The case's reason, why its amount is absent as the invoice step recorded it, and its trace (step, text)."""
    with read_session(session) as view:
        attempt = view.cases[0].latest
        ended = next(e for e in view.events(attempt.id) if e["kind"] == "step-end" and e["step_id"] == "s-invoice")
        lines = [(line.step_id, line.text) for line in view.trace_lines(attempt.id)]
        return attempt.reason, ended["data"]["not_found"]["invoice.totals.amo"], lines


def test_the_reason_says_the_fse_came_after_the_wait_kept_its_values_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, app = _run(tmp_path, monkeypatch, ("fse", "FSE_F0001.xml", fse()))
    reason, why, lines = _said(session)
    watched = f"{app / 'out' / 'fse'} (*.xml)"
    expected = (
        f"extracteur « FSE XML » : aucun fichier nouveau ou modifié dans {watched} pendant l'attente de l'étape (3 s) ;"
        " FSE_F0001.xml est arrivé après : gardé comme pièce, ses valeurs ne sont pas lues"
    )
    assert why == expected
    assert reason == f"e-amo : valeur absente : invoice.totals.amo — {expected}"
    assert "pendant l'étape" not in reason
    own = "sortie de l'étape arrivée après la fin de son attente"  # the trace's saying, as before
    assert [text for step, text in lines if step == "s-invoice" and own in text and "FSE_F0001.xml" in text], lines
    built = build_report(session, tmp_path / "book-en", BuildOptions(junit=False, lang="en"))
    report = (built.folder / "report.json").read_text(encoding="utf-8")
    assert (
        f"extractor “FSE XML”: no new or changed file in {watched} during the step's wait (3 s); FSE_F0001.xml came"
        " after it: kept as evidence, its values are not read"
    ) in json.loads(report)["cases"][0]["reason"]


def test_two_fses_after_the_wait_are_both_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session, _app = _run(tmp_path, monkeypatch, ("fse", "FSE_F0001.xml", fse()), ("fse", "FSE_F0002.xml", fse()))
    _reason, why, _lines = _said(session)
    assert why.endswith(
        " ; FSE_F0001.xml, FSE_F0002.xml sont arrivés après : gardés comme pièces, leurs valeurs ne sont pas lues"
    ), why


def test_a_late_file_the_extractor_does_not_read_leaves_its_reason_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lot written while the invoice's values are shown is kept with the invoice step, but the FSE extractor does
    not read lots: no file of its came, during the step or after."""
    lot = b"100GESTTEST         \r\n999FIN              \r\n"
    session, app = _run(tmp_path, monkeypatch, ("lots", "B2_000001.lot", lot))
    _reason, why, lines = _said(session)
    assert why == (
        f"extracteur « FSE XML » : aucun fichier nouveau ou modifié dans {app / 'out' / 'fse'} (*.xml) pendant l'étape"
    )
    assert [text for step, text in lines if step == "s-invoice" and "B2_000001.lot" in text], lines
