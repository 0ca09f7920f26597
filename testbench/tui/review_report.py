"""The review window and the HTML report, the two actions that write beside the session, and the check of
the session's integrity that tells the person when its records are no evidence (as ``testbench verify``)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from textual import work

from testbench.i18n import _t, semicolon
from testbench.report.owner import default_folder
from testbench.store.annotations import review_refusal
from testbench.tui.actions import display_key, effective_keys
from testbench.tui.fault import fault_text
from testbench.tui.messages import ReportDone
from testbench.tui.render import ALTERED, INTEGRITY_UNCHECKED
from testbench.tui.review import add_review
from testbench.tui.screens import ReviewScreen


def report_choices(key_path: Path | None) -> tuple[Path | None, bool, list[str]]:
    """The options of ``testbench report`` an engineer needs on exam day, chosen for them: the reviewer's key
    when it exists and loads (``--key``), the PDF when Chromium is there (``--pdf``). The notes (French) say
    what the book lacks and why."""
    from testbench.report.pdf import PdfError, find_chromium
    from testbench.signing import SigningKeyError, default_key_path, load_signer

    notes: list[str] = []
    key: Path | None = key_path or default_key_path()
    if not key.exists():
        notes.append(
            f"rapport non signé : pas de clé de signature ({key}) ; créez-la (« Créer ma clé de signature » dans"
            " la fenêtre de revue, ou « Créer la clé » dans la palette), puis refaites g"
        )
        key = None
    else:
        try:
            load_signer(key)
        except SigningKeyError as exc:  # an unreadable key leaves the book unsigned, not unwritten
            notes.append(f"rapport non signé : {exc}")
            key = None
    try:
        find_chromium()
    except PdfError as exc:
        notes.append(f"report.pdf non imprimé : {exc}")
        return key, False, notes
    return key, True, notes


#: as the session opens: a review typed and never saved (a closed terminal, a ``kill -9``), offered back by ``a``
KEPT_REVIEW = _t(
    "{case} : révision tapée avant la fermeture du poste d'examen, pas encore enregistrée (motif : {reason}) ;"
    " Réviser ({key}) sur ce cas la reprend"
)

#: … or, its case in no casebook open any more, said once and dropped: no window would offer it again
REVIEW_DROPPED = _t(
    "{case} : révision tapée avant la fermeture du poste d'examen, jamais enregistrée (motif : {reason}) ; ce cas"
    " n'est plus dans les cahiers de tests ouverts : elle ne sera plus proposée"
)


class ReviewAndReport:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`."""

    def say_kept_reviews(self) -> None:
        """As the session opens: each review window's draft is said (a notice, the run log), with the key that
        offers it back, so that a reason typed before the workstation closed is never forgotten unsaid."""
        review = effective_keys(self.settings.keymap)["review"]
        for kept in self.ws.kept_reviews():
            template = KEPT_REVIEW if kept.offered_again else REVIEW_DROPPED

            def said(template: str = template, case: str = kept.key[1], reason: str = kept.draft.note or "—") -> str:
                return self.t(template).format(case=case, reason=reason, key=display_key(review, self.t))  # F2

            self.log_line(partial(lambda said: f"✎ {said()}", said))
            self.notify(said(), severity="warning", timeout=15)

    def action_review(self) -> None:
        entry = self.current_entry()
        if entry is None:  # the filter shows no case: said, not a key that does nothing
            self.notify(self.t("Aucun cas sélectionné."), severity="warning")
            return
        if self.running:
            self.notify(self.t("Une exécution est en cours."), severity="warning")
            return

        # the rule of ``testbench review``: a case never run, or whose latest attempt has no verdict, takes a
        # comment only; the window says so at once (the core still refuses an accept or an override on save),
        # naming the key that goes on with a pending attempt here, not the command (it has no one at the keyboard)
        resume = display_key(effective_keys(self.settings.keymap)["run-case"], self.t)

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
                resume=resume,
            )

        def done(saved: bool | None) -> None:
            self.ws.drop_review_draft(entry.key)  # saved, or closed told what it drops: nothing left to offer back
            if saved:
                self.reload()
                self.show_view("review")

        latest = entry.latest
        refusal = review_refusal(entry.case.id, latest.verdict if latest is not None else None, resume=resume)
        window = ReviewScreen(
            entry.case.id,
            entry.original_verdict,
            self.operator_name,
            self.t,
            self.verdict_label,
            save,
            refusal,
            case_key=entry.key,
            kept=self.ws.review_draft(entry.key),  # typed before the workstation closed (a closed terminal, a crash)
            keep=partial(self.ws.save_review_draft, entry.key),
        )
        self.push_screen(window, done)

    @work(thread=True, group="integrity", exit_on_error=False, description="vérification de la session")
    def check_integrity(self) -> None:
        """Verify the session as ``testbench verify`` does, off the UI thread (it reads the whole journal); a
        check that could not be made is said, never taken for a session verified."""
        try:
            altered = self.ws.check_integrity()
        except Exception as exc:  # a file the system refuses, a damaged session, a defect: the session is unverified
            self.call_from_thread(self._say_unchecked, self.ws.unchecked_reason(exc))
            return
        self.call_from_thread(self._say_altered, altered)

    def _say_unchecked(self, reason: str) -> None:
        """The integrity could not be checked: said at once (notice, run log) and kept in the overview — once per
        reason: the check made again at each change of the session says a reason already said no more."""
        if reason == self.ws.unchecked:
            return
        self.ws.unchecked = reason
        said = self.t(INTEGRITY_UNCHECKED).format(reason=self.t(reason))
        self.notify(said, severity="warning", timeout=15)
        self.log_line(lambda: f"⚠ {self.t(INTEGRITY_UNCHECKED).format(reason=self.t(reason))}")
        self.refresh_overview()

    def _say_altered(self, altered: list[str]) -> None:
        """A session altered after the fact: said at once (notice, run log) and kept in the overview — once per
        alteration: the check made again at each change of the session (a poll, a run's end) says the same
        problems no more; an intact session (the check made, nothing found) is said so by the overview alone."""
        if altered == self.ws.altered and self.ws.unchecked is None:
            return
        self.ws.altered, self.ws.unchecked = altered, None
        if not altered:
            self.refresh_overview()
            return
        self.notify(self.t(ALTERED), severity="error", timeout=15)
        self.log_line(lambda: f"⚠ {self.t(ALTERED)}")
        for line in altered:
            self.log_line(partial(lambda line: f"  ⚠ {self.t(line)}", line))
        self.refresh_overview()

    def action_report(self) -> None:
        if self.running:  # as ``report`` refuses a session a run still writes: its running case is no verdict yet
            said = self.t("Une exécution est en cours : le rapport se construit une fois terminée.")
            self.notify(said, severity="warning")
            return
        # one folder whatever the language shown (F2 never makes a second book), named as the docs' « -o
        # exam-report »; its content in the language shown
        out = default_folder(self.ws.session_path)
        self.log_line(lambda: self.t(f"… rapport en cours : {out}"))
        # the coverage page of the plan the coverage window shows (``p``), else of ``ui --plan``, else the recorded one
        self._write_report(out, self.coverage_plan or self.campaign_options.plan)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False, description="rapport HTML")
    def _write_report(self, out: Path, plan: Path | None = None) -> None:
        """``testbench report`` (tools.report: its checks, its build, what it says after), with the options
        :func:`report_choices` picks; its lines in the language shown."""
        try:
            from testbench.tools.report import report_tool

            key, pdf, notes = report_choices(self.settings.signing_key)
            result = report_tool(self.ws.session_path, out, lang=self.lang, pdf=pdf, key=key, plan=plan)
            written = tuple(str(path) for path in result.written)
            said = partial(lambda lang, result: tuple(result.texts(lang)), result=result)
            self.post_message(ReportDone(said=said, written=written, notes=tuple(notes)))
        except Exception as exc:  # the tool says every failure it knows; a defect is shown, never fatal to the exam
            self.post_message(ReportDone(error=fault_text(exc, "écriture du rapport")))

    def on_report_done(self, message: ReportDone) -> None:
        """The report's lines in the run log, each drawn in the language shown (F2 draws them again), and said
        once as notifications."""

        def failed() -> str:
            said = semicolon(self.lang).join(text for text, _ in message.said(self.lang))
            error = self.t(message.error) if message.error else said
            return f"{self.t('Rapport impossible')}{self.colon}{error}"

        if message.error or not message.written:  # refused or failed: nothing was written
            self.log_line(lambda: f"✘ {failed()}")
            self.notify(failed(), severity="error")
            return
        self.last_report = Path(message.written[0])

        def files() -> list[str]:  # index.html (signé), then report.pdf
            return [text for text, warning in message.said(self.lang) if not warning] or [message.written[0]]

        def warnings() -> list[str]:  # what the book lacks, and an altered session's book is no evidence
            return [text for text, warning in message.said(self.lang) if warning] + [self.t(n) for n in message.notes]

        self.log_line(lambda: f"✔ {self.t('Rapport écrit')}{self.colon}{files()[0]}")
        for index in range(1, len(files())):
            self.log_line(lambda index=index: f"✔ {files()[index]}")
        self.notify(f"{self.t('Rapport écrit')}{self.colon}{files()[0]}", timeout=10)
        for index, text in enumerate(warnings()):
            self.log_line(lambda index=index: f"⚠ {warnings()[index]}")
            self.notify(text, severity="warning", timeout=15)
        self.refresh_overview()
