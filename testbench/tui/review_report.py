"""The review window and the HTML report, the two actions that write beside the session, and the check of
the session's integrity that tells the person when its records are no evidence (as ``testbench verify``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from testbench.fmt import os_reason
from testbench.report.owner import default_folder
from testbench.scope.plan import PlanError
from testbench.store.connection import SessionError
from testbench.tui.fault import fault_text
from testbench.tui.messages import ReportDone
from testbench.tui.render import ALTERED, INTEGRITY_UNCHECKED
from testbench.tui.review import add_review
from testbench.tui.screens import ReviewScreen

if TYPE_CHECKING:
    from testbench.report.build import BuildOptions


def report_options(lang: str, key_path: Path | None, plan: Path | None = None) -> tuple[BuildOptions, list[str]]:
    """``testbench report``'s options an engineer needs on exam day, chosen for them: signed with the
    reviewer's key when it exists (``--sign``), printed to PDF when Chromium is there (``--pdf``), its
    coverage page from ``plan`` (``--plan``; None: the plan the session recorded). The notes (French) say
    what the book lacks and why."""
    from testbench.report.build import BuildOptions
    from testbench.report.pdf import PdfError, find_chromium
    from testbench.signing import SigningKeyError, default_key_path, load_signer

    notes: list[str] = []
    signer = None
    path = key_path or default_key_path()
    if not path.exists():
        notes.append(
            f"rapport non signé : pas de clé de signature ({path}) ; créez-la (« Créer ma clé de signature » dans"
            " la fenêtre de revue, ou « Créer la clé » dans la palette), puis refaites g"
        )
    else:
        try:
            signer = load_signer(path)
        except SigningKeyError as exc:
            notes.append(f"rapport non signé : {exc}")
    try:
        find_chromium()
    except PdfError as exc:
        notes.append(f"report.pdf non imprimé : {exc}")
        return BuildOptions(lang=lang, signer=signer, plan=plan), notes
    return BuildOptions(lang=lang, signer=signer, pdf=True, plan=plan), notes


def _failure(out: Path, exc: Exception) -> str:
    """Why the report was not written, in French (shown through the workstation's lookup): the OS's reason for
    the folder, the store's words for the session; a defect is the bench's, with where its details were written
    for its report (never an exception's class name)."""
    if isinstance(exc, OSError):
        return f"{out}: {os_reason(exc)}"
    if isinstance(exc, SessionError):
        return str(exc)
    if isinstance(exc, PlanError):  # the plan chosen (or recorded) for the coverage page, in the plan check's words
        return " ; ".join(exc.lines("fr"))
    return fault_text(exc, "écriture du rapport")


class ReviewAndReport:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`."""

    def action_review(self) -> None:
        entry = self.current_entry()
        if entry is None:  # the filter shows no case: said, not a key that does nothing
            self.notify(self.t("Aucun cas sélectionné."), severity="warning")
            return
        if self.running:
            self.notify(self.t("Une exécution est en cours."), severity="warning")
            return

        def save(answer: dict[str, str]) -> None:
            """Called by the window; a ReviewError keeps it open with what was typed."""
            add_review(
                self.ws.session_path,
                casebook_sha=entry.casebook.sha256,
                case_id=entry.case.id,
                reviewer=answer["reviewer"],
                action=answer["action"],
                original=entry.original_verdict,
                reason=answer["reason"],
                verdict=answer["verdict"] or None,
                key_path=self.settings.signing_key,
            )

        def done(saved: bool | None) -> None:
            if saved:
                self.reload()
                self.show_view("review")

        self.push_screen(
            ReviewScreen(entry.case.id, entry.original_verdict, self.operator_name, self.t, self.verdict_label, save),
            done,
        )

    @work(thread=True, group="integrity", exit_on_error=False, description="vérification de la session")
    def check_integrity(self) -> None:
        """Verify the session as ``testbench verify`` does, off the UI thread (it reads the whole journal); a
        check that could not be made is said, never taken for a session verified."""
        try:
            altered = self.ws.check_integrity()
        except Exception as exc:  # a file the system refuses, a damaged session, a defect: the session is unverified
            self.call_from_thread(self._say_unchecked, self.ws.unchecked_reason(exc))
            return
        if altered:
            self.call_from_thread(self._say_altered, altered)

    def _say_unchecked(self, reason: str) -> None:
        """The integrity could not be checked: said at once (notice, run log) and kept in the overview."""
        self.ws.unchecked = reason
        said = self.t(INTEGRITY_UNCHECKED).format(reason=self.t(reason))
        self.notify(said, severity="warning", timeout=15)
        self.log_line(f"⚠ {said}")
        self.refresh_overview()

    def _say_altered(self, altered: list[str]) -> None:
        """A session altered after the fact: said at once (notice, run log) and kept in the overview."""
        self.ws.altered = altered
        self.notify(self.t(ALTERED), severity="error", timeout=15)
        self.log_line(f"⚠ {self.t(ALTERED)}")
        for line in altered:
            self.log_line(f"  ⚠ {self.t(line)}")
        self.refresh_overview()

    def action_report(self) -> None:
        # one folder whatever the language shown (F2 never makes a second book), named as the docs' « -o
        # exam-report »; its content in the language shown
        out = default_folder(self.ws.session_path)
        self.log_line(self.t(f"… rapport en cours : {out}"))
        # the coverage page of the plan the coverage window shows (``p``), else of ``ui --plan``, else the recorded one
        self._write_report(out, self.coverage_plan or self.campaign_options.plan)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False, description="rapport HTML")
    def _write_report(self, out: Path, plan: Path | None = None) -> None:
        """``testbench report``'s build (report.build.build_report), with the options of report_options."""
        try:
            from testbench.integrity.verify import altered_session_warning
            from testbench.report.build import build_report
            from testbench.report.owner import other_session_problem
            from testbench.store.read import recorded_session_id

            refused = other_session_problem(out, recorded_session_id(self.ws.session_path))
            if refused:  # another session's book (perhaps signed) is not replaced, as by the CLI
                self.post_message(ReportDone("", refused))
                return
            options, notes = report_options(self.lang, self.settings.signing_key, plan)
            result = build_report(self.ws.session_path, out, options)
            notes += altered_session_warning(result.folder)
            if result.pdf_missing:  # the rest of the book is whole, manifested (and signed)
                notes.append(result.pdf_missing)
            done = ReportDone(str(result.html), notes=tuple(notes), signed=result.signed, pdf=str(result.pdf or ""))
            self.post_message(done)
        except Exception as exc:  # a report failure is shown, never fatal to the exam
            self.post_message(ReportDone("", _failure(out, exc)))

    def on_report_done(self, message: ReportDone) -> None:
        if message.error:
            error = self.t(message.error)
            self.log_line(f"✘ {self.t('Rapport impossible')}{self.colon}{error}")
            self.notify(f"{self.t('Rapport impossible')}{self.colon}{error}", severity="error")
            return
        self.last_report = Path(message.path)
        written = f"{self.t('Rapport écrit')}{self.colon}{message.path}"
        if message.signed:
            written += f" ({self.t('signé')})"
        self.log_line(f"✔ {written}")
        if message.pdf:
            self.log_line(f"✔ {message.pdf}")
        self.notify(written, timeout=10)
        for note in message.notes:  # what the book lacks, and an altered session's book is no evidence
            self.log_line(f"⚠ {self.t(note)}")
            self.notify(self.t(note), severity="warning", timeout=15)
        self.refresh_overview()
