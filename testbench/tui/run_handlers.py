"""Running cases from the workstation: start and stop a run, and the handlers of what the run posts.

Runs happen in a thread worker that only posts messages (``testbench.tui.messages``); the handlers
here, on the UI thread, own every state change. The run view is coalesced: a fast run posts hundreds
of events a second, so lines and reloads are flushed on a timer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from functools import partial

from rich.text import Text
from textual.widgets import Static
from textual.worker import Worker

from testbench import fmt
from testbench.casebook.instructions import describe_step
from testbench.casebook.model import CardRequirement, Case, Step
from testbench.domain.attestation import Attestation
from testbench.i18n import _t, tn
from testbench.runner.assemble import Bench
from testbench.runner.campaign import CampaignError
from testbench.runner.events import CaseFinished, CaseStarted, StepFinished, StepStarted, TracesCaptured
from testbench.runner.options import OPERATOR_ENGINE
from testbench.runner.reasons import INTERRUPTED
from testbench.store.connection import SessionError
from testbench.store.read import AttemptView
from testbench.tui import actions as registry
from testbench.tui.actions import display_key
from testbench.tui.execution import RunCut, RunOutcome, check_options, cut_run, run_cases
from testbench.tui.fault import fault_text
from testbench.tui.messages import AttestationAsked, OperatorNotice, RunDone, RunProgress
from testbench.tui.operator_prompt import AttestationRequest, Corrections, InteractiveOperator, ReviewRequest
from testbench.tui.render import MARKS, STEP_MARKS, STEP_WORDS, mark
from testbench.tui.run_log import Entry, RunLog
from testbench.tui.run_options import RunChoice, describe, in_the_window, read_choice, with_choice
from testbench.tui.run_options_screen import RunOptionsScreen
from testbench.tui.screens import AttestScreen, ContinueScreen, ExtractedScreen, corrections_said
from testbench.tui.session_watch import reads_session
from testbench.tui.traceview import TracePanes
from testbench.tui.workstation import CaseEntry, Draft, KeptCorrections, Key

#: the stop key in a manual step's window with a value or a note typed: what stopping loses, said once before it does
STOP_LOSES_TYPED = _t("{key} encore pour arrêter l'exécution : {lost} ; l'étape reste en attente")
#: the same in the window of the values read, where a value was corrected or a reason written
STOP_DROPS_CORRECTIONS = (
    "{key} encore pour arrêter l'exécution : vos corrections seront perdues ; les valeurs seront gardées telles"
    " que lues"
)
#: a manual step's answer that a failed run could not record (a full disk): kept for when the step is asked again
ANSWER_KEPT = _t(
    "{case} / {step} : la saisie de l'étape manuelle n'a pas été enregistrée ; elle est gardée et sera proposée"
    " de nouveau quand l'étape sera redemandée (après avoir libéré de l'espace disque s'il est plein)"
)

#: a case whose unfinished attempt is not continued: it starts again at step 1 (runner.resume); the engine replays
#: the steps already done, in operator mode the operator does them again in the application
RESTART = _t(
    "{case} : la tentative {number} est restée inachevée ({reason}) ; le cas reprend à sa première étape, dans une"
    " nouvelle tentative (la tentative {number} reste dans l'historique et le rapport, avec les valeurs données)"
)
#: the reason of the notices above for an attempt a stopped process left (runner.reasons.INTERRUPTED's own words)
PROCESS_STOPPED = _t("processus arrêté avant le verdict")
RESTART_IN_SOFTWARE = _t(
    "{case} : la tentative {number} est restée inachevée ({reason}) ; le cas reprend à sa première"
    " étape, dans une nouvelle tentative : les étapes déjà faites dans le logiciel sont à refaire"
    " (la tentative {number} reste dans l'historique et le rapport, avec les valeurs données)"
)


#: corrections typed in the window of the values read and never confirmed (the workstation killed while it was
#: shown), said as the session opens: kept for that window when the step is asked again…
CORRECTIONS_OFFERED = _t(
    "{case} · {step} : corrections tapées dans la fenêtre des valeurs lues avant la fermeture du poste d'examen,"
    " jamais confirmées : {typed} ; elles seront proposées de nouveau, à confirmer, quand l'étape montrera ses"
    " valeurs lues"
)
#: … or, the step not asked again (finished, or its case started again), said once and dropped: never applied
CORRECTIONS_DROPPED = _t(
    "{case} · {step} : corrections tapées dans la fenêtre des valeurs lues avant la fermeture du poste d'examen,"
    " jamais confirmées ni appliquées : {typed} ; l'étape ne les proposera plus (ses valeurs restent telles"
    " qu'enregistrées)"
)

#: a manual step's values and note typed and never confirmed, of a case no casebook open holds any more: said once
STEP_DRAFT_DROPPED = _t(
    "{case} · {step} : saisie tapée dans l'étape manuelle avant la fermeture du poste d'examen, jamais confirmée :"
    " {typed} (note : {note}) ; ce cas n'est plus dans les cahiers de tests ouverts : elle ne sera plus proposée"
)

#: a run cut as the workstation quit (its terminal closed, Ctrl+Q pressed again): its case stays without a verdict
RUN_CUT = _t("exécution coupée à la fermeture du poste d'examen : le cas en cours est resté interrompu")


class RunHandlers:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`; owns its run state (``operator``, ``running``)."""

    #: the thread running the cases now (None between runs), what :meth:`cut_run_now` stops, under ``_cut_lock``
    _run_thread_id: int | None = None
    _cut_lock = threading.Lock()
    #: the benches the run under way built: their engines are killed when it is cut
    _benches: list[Bench] = []  # noqa: RUF012 - replaced by each run's own list (start_run)
    #: the workstation has quit (``WorkstationApp.exit`` handed over to Textual)
    closed: bool = False

    def views_gone(self) -> bool:
        """Whether the workstation is closing: a run's messages still queued find its views gone (quit, or torn
        down while its run ends) and are left unread; the session holds what they say. Not running covers the whole
        teardown: Textual removes the views' widgets one by one after that, and the run panel's timer may fire in
        between (``#views`` still there, ``#run-log`` gone)."""
        return self.closed or not self.is_running or not self.screen_stack or not self.screen_stack[0].query("#views")

    def action_run_case(self) -> None:
        entry = self.current_entry()
        if entry is None:  # the filter shows no case: said, not a key that does nothing
            self.notify(self.t("Aucun cas sélectionné."), severity="warning")
            return
        resumed = None if self.running else self.ws.continuation(entry, self.campaign_options.bench.engine)
        if resumed is None or not resumed.offers_a_choice:  # with no step done, continuing is starting again
            self.start_run([entry])
            return

        def chosen(answer: str | None) -> None:  # continue (Enter), a new attempt (n), or nothing (Escape)
            if answer is not None:
                self.start_run([entry], restart={entry.key} if answer == "restart" else ())

        self.push_screen(ContinueScreen(entry.case, resumed, self.t), chosen)

    def action_run_selection(self) -> None:
        shown = self.visible_entries()
        kept = self.ws.in_shard(shown)
        if len(kept) < len(shown):  # a shard session runs only its own cases (testbench run --shard K/N)
            shard, count, total = self.ws.shard, len(kept), len(shown)
            self.log_line(
                lambda: tn(
                    "partition {shard} : {count} cas sur {total}",
                    "partition {shard} : {count} cas sur {total}",
                    count,
                    self.lang,
                    shard=shard,
                    total=total,
                )
            )
        self.start_run(kept)

    def action_run_rest(self) -> None:
        self.start_run(self.ws.remaining(invalid_too=True))  # an invalid casebook's are said, not run

    def action_run_failed(self) -> None:
        """``testbench run --failed`` (with the filter as its ``-k``): the shown cases that did not pass."""
        failed = self.ws.failed(self.visible_entries(), invalid_too=True)  # an invalid casebook's are said, not run
        if not failed:
            self.notify(
                self.t("Aucun cas affiché à relancer : aucun n'est en échec, en erreur, non concluant ou en attente."),
                severity="warning",
            )
            return
        self.start_run(failed)

    def action_stop_run(self) -> None:
        if not self.running:  # said, not a key that does nothing
            self.notify(self.t("Aucune exécution en cours."), severity="warning")
            return
        if self.operator is not None:
            screen = self.screen
            if isinstance(screen, (AttestScreen, ExtractedScreen)) and screen.typed():
                # what was typed in the window would be lost: the next press stops while this is in sight (as Ctrl+Q)
                key = display_key(registry.effective_keys(self.settings.keymap)["stop"], self.t)
                said = STOP_LOSES_TYPED if isinstance(screen, AttestScreen) else STOP_DROPS_CORRECTIONS
                lost = self.t(screen.lost()) if isinstance(screen, AttestScreen) else ""
                if not self.pressed_again(self.t(said).format(key=key, lost=lost)):
                    return
            self.operator.stop.set()
            if isinstance(self.screen, (AttestScreen, ExtractedScreen)):  # the step stays pending / values as read
                self.screen.dismiss(None)
            self.log_line(lambda: f"■ {self.t('arrêt demandé : fin après le cas en cours')}")

    # -- run options: parallel benches and a CI shard, as ``run --workers N`` and ``run --shard K/N`` ---------
    def run_choice(self) -> RunChoice:
        return RunChoice(self.campaign_options.workers, self.ws.shard)

    def action_run_options(self) -> None:
        if self.running:
            self.notify(self.t("Une exécution est en cours."), severity="warning")
            return
        choice = self.run_choice()

        def window(kept: Draft | None, keep: Callable[..., None]) -> RunOptionsScreen:
            return RunOptionsScreen(choice, self.t, self._check_run_choice, kept=kept, keep=keep)

        self.open_kept(RunOptionsScreen.draft_name, RunOptionsScreen.LABELS, window, self._apply_run_choice)

    def _check_run_choice(self, workers: str, shard: str) -> RunChoice | list[str]:
        """The choice typed, or the problems found in it: every field's, then the campaign's (by field, not flag)."""
        choice = read_choice(workers, shard)
        if not isinstance(choice, RunChoice):
            return choice  # every field's problem, each named by its field
        if choice.shard != self.ws.shard and self.ws.read_only:
            return ["Lecture seule : la session est ouverte en écriture par un autre processus."]
        options = with_choice(self.campaign_options, choice)
        return in_the_window(check_options(self.ws.session_path, self.ws.runnable_casebooks, options)) or choice

    def _apply_run_choice(self, choice: RunChoice | None) -> None:
        if choice is None:
            return
        if choice.shard != self.ws.shard:
            try:
                self.ws.set_shard(choice.shard)  # recorded in the session, as a CI shard's run records it
            except SessionError as exc:
                self.notify(self.t(str(exc)), severity="error")
                self.check_writer()  # another process writing the session: read-only until it ends
                return
            self.refresh_labels()
            self.refresh_case_views()
        self.campaign_options = with_choice(self.campaign_options, choice)
        self.refresh_overview()
        title = self.t("Options d'exécution")
        self.notify(f"{title}{self.colon}{describe(choice, self.t)}")

    def start_run(self, entries: list[CaseEntry], restart: Collection[Key] = ()) -> None:
        """Run ``entries``; an unfinished operator attempt goes on at its first unfinished step unless its
        case is in ``restart`` (``r``'s choice: a new attempt)."""
        t = self.t
        if self.running:
            self.notify(t("Une exécution est en cours."), severity="warning")
            return
        if self.ws.altered:  # as run --resume/--rerun/--failed, before « nothing to run » (a dropped chain
            # can hide what is left): no attempt chained onto an altered record
            self.notify(
                t(
                    "Exécution refusée : la session a été modifiée après coup (testbench verify le détaille) ; ses"
                    " résultats ne valent pas preuve : continuez dans une nouvelle session"
                ),
                severity="error",
            )
            return
        if not entries:  # ``s`` on a filter showing no case, ``x`` with nothing left to run
            self.notify(t("Aucun cas à exécuter."), severity="warning")
            return
        if self.ws.read_only:
            self.notify(
                t("Lecture seule : la session est ouverte en écriture par un autre processus."), severity="error"
            )
            return
        runnable = [e for e in entries if self.ws.runnable(e)]
        if len(runnable) < len(entries):  # an invalid casebook's cases are shown beside their problems, never run
            self.notify(
                tn(
                    "Cahier de tests invalide : {count} cas en lecture seule, non exécuté.",
                    "Cahier de tests invalide : {count} cas en lecture seule, non exécutés.",
                    len(entries) - len(runnable),
                    self.lang,
                ),
                severity="warning",
            )
        entries = runnable
        if not entries:
            return
        self._say_unfinished(entries, restart)
        self.running = True
        self._panel_timer = self.set_interval(0.1, self.flush_panel)
        self.operator = InteractiveOperator(
            ask=lambda request: self.post_message(AttestationAsked(request)),
            tell=lambda text: self.post_message(OperatorNotice(text)),
            performer=self.performer,
        )
        count = len(entries)
        self.show_status(
            lambda: Text(
                f"{self.t('en cours')}{self.colon}{tn('{count} cas', '{count} cas', count, self.lang)}", "bold"
            )
        )
        self.log_line(
            lambda: f"── {self.t('Exécution')}{self.colon}{tn('{count} cas', '{count} cas', count, self.lang)} ──"
        )
        if self.active_view not in ("traces", "compare", "exam"):  # the examiner may be watching live
            self.show_view("run")
        targets = [(e.casebook, e.case) for e in entries]
        self._benches = []
        self.run_worker(
            partial(self._run_thread, targets, self.operator, restart),
            thread=True,
            exclusive=True,
            group="run",
            exit_on_error=False,
            description=f"exécution de {len(targets)} cas",
        )

    def _say_unfinished(self, entries: list[CaseEntry], restart: Collection[Key]) -> None:
        """A case whose last attempt stopped midway: said before it runs, whether it goes on at its first
        unfinished step (an operator attempt: the steps done in the application are not asked again) or
        starts again at its first step, so that the operator knows what will be asked."""
        for entry in entries:
            attempt = entry.unfinished
            if attempt is None:
                continue
            resumed = None if entry.key in restart else self.ws.continuation(entry, self.campaign_options.bench.engine)
            if resumed is not None:
                said = partial(lambda notice: self.t(notice), resumed.notice(entry.case.id))
            else:
                operator = self.campaign_options.bench.engine == OPERATOR_ENGINE  # else the engine replays the steps
                said = partial(self._restart_said, RESTART_IN_SOFTWARE if operator else RESTART, entry.case.id, attempt)
            self.log_line(partial(lambda said: f"↻ {said()}", said))
            self.notify(said(), severity="warning" if resumed is None else "information", timeout=12)

    def _restart_said(self, template: str, case_id: str, attempt: AttemptView) -> str:
        """A case starting again at its first step, in the language shown; an attempt a stopped process left says
        why without saying « interrompue » twice in nested parentheses."""
        reason = PROCESS_STOPPED if attempt.reason == INTERRUPTED else attempt.reason
        return self.t(template).format(case=case_id, number=attempt.number, reason=self.t(reason))

    def cut_run_now(self) -> None:
        """Stop the run under way at once, as ^C stops ``testbench run`` (the workstation quits without waiting for
        its case: a closed terminal, Ctrl+Q pressed again): its case left « interrompue », its engine killed."""
        with self._cut_lock:
            cut_run(self._run_thread_id, list(self._benches))

    def _run_thread(self, targets: list, operator: InteractiveOperator, restart: Collection[Key] = ()) -> None:
        """Worker thread: runs the cases; talks to the UI only through posted messages. A cut (:meth:`cut_run_now`)
        lands anywhere in it, even as it ends: caught here, where no more of the run is left."""
        try:
            self._run_cuttable(targets, operator, restart)
        except RunCut:
            self.post_message(RunDone(None, RUN_CUT))

    def _run_cuttable(self, targets: list, operator: InteractiveOperator, restart: Collection[Key]) -> None:
        with self._cut_lock:
            self._run_thread_id = threading.get_ident()
        try:
            self._run_recorded(targets, operator, restart)
        finally:
            with self._cut_lock:  # from now on no cut is sent to this thread: it goes back to the pool
                self._run_thread_id = None

    def _run_recorded(self, targets: list, operator: InteractiveOperator, restart: Collection[Key]) -> None:
        try:
            outcome = run_cases(
                self.ws.session_path,
                self.ws.runnable_casebooks,
                targets,
                bench_factory=self.bench_factory,
                operator=operator,
                options=self.campaign_options,
                listener=lambda event: self.post_message(RunProgress(event)),
                stop=operator.stop,
                restart=restart,
                benches=self._benches,
            )
        except CampaignError as exc:  # the bench, the capture or the session could not start: said on screen
            self.post_message(RunDone(None, "\n".join(exc.lines)))
            return
        except Exception as exc:  # the bench or the session failed: said on screen, never a crash
            self.post_message(RunDone(None, fault_text(exc, "exécution des cas")))
            return
        self.post_message(RunDone(outcome))

    @reads_session
    def on_run_progress(self, message: RunProgress) -> None:
        if self.views_gone():
            return
        event = message.event
        self.exam_event(event)
        if isinstance(event, CaseStarted):
            self.run_case_id = event.case.id
            self.attempt_choice.pop(self._key_of(event.case) or ("", ""), None)
            self.running_attempt = event.attempt_id
            self.log_line(f"▶ {event.case.id} ({event.index + 1}/{event.total}) — {event.case.title}")
            where = f"{event.case.id} ({event.index + 1}/{event.total})"
            self.show_status(lambda: Text(f"{self.t('en cours')}{self.colon}{where}", style="bold"))
            self.show_prompt(partial(self._cards_to_insert, event.case))
            for req in event.case.cards:
                self.log_line(partial(self._card_line, req))
            # the tree and the case views follow the running case, at the pace of the reloads
            self._follow = self._key_of(event.case)
            if self._follow is not None:
                self._changed.add(self._follow)
            self.schedule_reload()
        elif isinstance(event, TracesCaptured):  # the application's lines, shown as they are written
            self._live_traces()
        elif isinstance(event, StepStarted):
            case_id, step_id = event.case.id, event.step.id
            self.show_status(
                lambda: Text(f"{self.t('en cours')}{self.colon}{case_id} — {self.t('étape')} {step_id}", style="bold")
            )
            self._live_traces()
        elif isinstance(event, StepFinished):
            self.log_line(partial(self._step_line, event))
            self.unrecorded.pop((event.case.id, event.step.id), None)  # an answer given to it is recorded
            # answered, whatever came of it (operator mode's engine steps end « done », « refused », failed…): what
            # was typed is recorded, its draft goes — left, a new attempt would offer it as « Valeurs récupérées »;
            # left pending (the window closed unanswered), its draft stays for the step asked again
            answered = event.status != "manual-pending"
            if answered and (done := self._key_of(event.case)) is not None:
                self.ws.drop_draft(done, event.step.id)
                self.ws.drop_read_draft(done, event.step.id)  # its values' corrections are recorded with it
            self._live_traces()
            key = self._key_of(event.case)  # the case view follows its steps and its cards (one pulled, checked)
            if key is not None:
                self._changed.add(key)
                self.schedule_reload()
        elif isinstance(event, CaseFinished):
            self.log_line(partial(self._verdict_line, event))
            statuses = self.ws.card_status_of(event.case, event.attempt_id, event.outcome.reason)
            if event.case.cards:
                self.log_line(partial(self._cards_after_lines, event.case, statuses))
            key = self._key_of(event.case)
            if key is not None:
                self._changed.add(key)
            self.schedule_reload()
            self.show_prompt(partial(self._cards_after, event.case, statuses))

    # the run log's lines, drawn in the language shown (F2 draws them again: run_log.RunLog.redraw)
    def _card_line(self, req: CardRequirement) -> str:
        return f"  ▣ {self.t('Carte à insérer')}{self.colon}{req.card} → {self.t('lecteur')} {req.slot}"

    def _step_line(self, event: StepFinished) -> str:
        symbol = STEP_MARKS.get(event.status, "·")
        detail = f" {self.t(event.detail)}" if event.detail else ""
        word = self.t(STEP_WORDS.get(event.status, event.status))
        what = describe_step(event.step, lang=self.lang)  # the case view's words, not the element's name
        if what.endswith(".") and not what.endswith(".."):  # an instruction's sentence: « … facturation : faite »
            what = what[:-1]
        return f"  {symbol} {event.step.id} — {what}{self.colon}{word}{detail}"

    def _verdict_line(self, event: CaseFinished) -> str:
        verdict = event.outcome.verdict.value
        symbol = MARKS.get(verdict, ("·", ""))[0]
        reason = f" — {self.t(event.outcome.reason)}" if event.outcome.reason else ""
        return f"■ {event.case.id}{self.colon}{symbol} {self.verdict_label(verdict)}{reason}"

    def _cards_after_lines(self, case: Case, statuses: dict[str, str]) -> str:
        return "\n".join(f"  {line.plain}" for line in self._cards_after(case, statuses).split())

    def _cards_to_insert(self, case: Case) -> Text:
        """The run view's card prompt before a case, in the language shown when it is drawn."""
        t, prompt = self.t, Text()
        for req in case.cards:
            prompt.append(
                f"▣ {t('Carte à insérer')}{self.colon}{req.card} → {t('lecteur')} {req.slot}\n", style="yellow"
            )
        return prompt

    def _cards_after(self, case: Case, statuses: dict[str, str]) -> Text:
        """The card guard's verdict per reader after a case, then « Retirez les cartes. » (a line each) — unless no
        card was checked (a stop asked before any was inserted: there is none to remove)."""
        t = self.t
        lines = []
        for req in case.cards:
            status = statuses.get(req.slot, "non vérifiée")
            line = f"▣ {t('lecteur')} {req.slot}{self.colon}{t('carte')} {req.card} — {t(status)}"
            lines.append(Text(line, style="red" if status.startswith("refusée") else "green"))
        if any(req.slot in statuses for req in case.cards):
            lines.append(Text(f"▣ {t('Retirez les cartes.')}", style="bold"))
        return Text("\n").join(lines)

    def _live_traces(self) -> None:
        """During a run, the traces view shows the running attempt as the recorder writes it.

        The recorder writes a step's lines when the next step starts (and at the end of the case); the
        application's captured lines as they come (``TracesCaptured``).
        """
        if self.active_view == "traces" and self.running_attempt is not None:
            self.query_one("#trace-panes", TracePanes).show_attempt(
                self.trace_source(), self.running_attempt, force=True, keep_position=True
            )

    def on_operator_notice(self, message: OperatorNotice) -> None:
        text = self.t(message.text)  # the bench's words, in the language shown
        self.log_line(lambda: f"⚠ {self.t(message.text)}")
        self.show_prompt(lambda: Text(f"⚠ {self.t(message.text)}", style="bold red"))
        self.notify(text, severity="warning", timeout=8)

    def on_attestation_asked(self, message: AttestationAsked) -> None:
        request = message.request
        if isinstance(request, ReviewRequest):  # assisted operator mode: the values read from the application
            self.flush_panel()
            key = self._key_of(request.case)
            # corrections typed before a kill -9 while these values were shown: offered back, never applied unasked
            kept = self.ws.read_draft(key, request.step.id) if key is not None else None
            keep = partial(self.ws.save_read_draft, key, request.step.id) if key is not None else None
            window = ExtractedScreen(request, self.t, kept=kept, keep=keep)
            self.push_screen(window, partial(self._reviewed, request))
            return
        self.log_line(lambda: f"  ✋ {request.step.id}{self.colon}{self.t(request.step.instruction)}")
        self.flush_panel()
        continues = self.campaign_options.bench.engine == OPERATOR_ENGINE  # a step left pending goes on (resume)
        kept = self.unrecorded.get((request.case.id, request.step.id))
        key = self._key_of(request.case)
        draft = self.ws.draft(key, request.step.id) if key is not None and kept is None else None
        if draft is not None:  # typed before the workstation closed (a closed terminal, a crash): offered back
            kept = Attestation(confirmed=False, operator=self.operator_name, note=draft.note, values=draft.values)
        keep = partial(self.ws.save_draft, key, request.step) if key is not None else None
        window = AttestScreen(
            request,
            self.operator_name,
            self.t,
            self.ws.observe_hints,
            continues=continues,
            kept=kept,
            recovered=draft is not None,
            keep=keep,
            casebook=entry.casebook if key is not None and (entry := self.ws.entry(key)) is not None else None,
            read=self._read_from_outputs(request.step),
        )
        self.push_screen(window, partial(self._attested, request))

    def _read_from_outputs(self, step: Step) -> tuple[str, ...]:
        """Assisted mode: the paths the SUT profile's extractors read for the engine call ``step`` stands for (the
        operator engine's window names it in its params), which the bench reads from the application's outputs once
        the step is done — none is asked, the window names them; empty for another step or without a profile."""
        call = step.params.get("engine_call") if isinstance(step.params, dict) else None
        profile = self.exam_profile() if isinstance(call, str) else None
        return profile.read_paths(call) if profile is not None and isinstance(call, str) else ()

    def _attested(self, request: AttestationRequest, answer: Attestation | None) -> None:
        """The person's answer goes to the run; kept until its step is recorded, so that a failed write (a full
        disk) loses nothing: the window offers it again when the step is asked again. Stopped without one (what
        it drops said first): its draft goes too."""
        if answer is not None:
            self.unrecorded[(request.case.id, request.step.id)] = answer
        elif (key := self._key_of(request.case)) is not None:
            self.ws.drop_draft(key, request.step.id)
        request.resolve(answer)

    def _reviewed(self, request: ReviewRequest, answer: Corrections | None) -> None:
        """The person's answer to the values read goes to the run. Corrections given: their draft stays until the
        step is recorded (a full disk loses nothing); the values accepted as read, or the run stopped (what that
        drops said first): it goes now."""
        if not answer and (key := self._key_of(request.case)) is not None:
            self.ws.drop_read_draft(key, request.step.id)
        request.resolve(answer)

    def say_kept_corrections(self) -> None:
        """As the session opens: the corrections a ``kill -9`` left typed and never confirmed in the window of the
        values read are said — kept for that window when the step is asked again, else dropped now, once said here
        (a notice and the run log), never lost unsaid."""
        for kept in self.ws.kept_corrections():
            entry = self.ws.entry(kept.key)
            case_id = entry.case.id if entry is not None else kept.key[1]
            said = partial(self._kept_corrections_said, kept, case_id)
            self.log_line(partial(lambda said: f"⚠ {said()}", said))
            self.notify(said(), severity="information" if kept.offered_again else "warning", timeout=15)
        for key, step_id, draft in self.ws.gone_step_drafts():  # its case removed: said once, never lost unsaid
            typed = ", ".join(f"{path} = {value}" for path, value in draft.values.items()) or "—"

            def gone(case: str = key[1], step: str = step_id, typed: str = typed, note: str = draft.note or "—") -> str:
                return self.t(STEP_DRAFT_DROPPED).format(case=case, step=step, typed=typed, note=note)  # F2

            self.log_line(partial(lambda said: f"⚠ {said()}", gone))
            self.notify(gone(), severity="warning", timeout=15)

    def _kept_corrections_said(self, kept: KeptCorrections, case_id: str) -> str:
        template = CORRECTIONS_OFFERED if kept.offered_again else CORRECTIONS_DROPPED
        typed = corrections_said(kept.draft, self.t)
        return self.t(template).format(case=case_id, step=kept.step_id, typed=typed)

    def _say_unrecorded(self) -> None:
        """After a run that failed: the answers it could not record are kept, and said so."""
        for case_id, step_id in self.unrecorded:
            text = self.t(ANSWER_KEPT).format(case=case_id, step=step_id)
            self.log_line(partial(lambda c, s: f"  ✋ {self.t(ANSWER_KEPT).format(case=c, step=s)}", case_id, step_id))
            self.notify(text, severity="warning", timeout=12)

    def on_run_done(self, message: RunDone) -> None:
        if self.views_gone():
            return
        t = self.t
        self.running = False
        if self._panel_timer is not None:
            self._panel_timer.stop()
            self._panel_timer = None
        self.flush_panel()
        self._follow = None
        if message.outcome is None:
            error = t(message.error)
            self.log_line(lambda: f"✘ {self.t('exécution impossible')}{self.colon}{self.t(message.error)}")
            self.show_status(
                lambda: Text(f"{self.t('exécution impossible')}{self.colon}{self.t(message.error)}", style="bold red")
            )
            self._say_unrecorded()
            self.check_writer()  # refused for another process writing the session: read-only until it ends
            self.reload()
            if self.ws.unreadable is None:
                self.notify(error, severity="error", timeout=10)
            else:  # refused for a session that reads no more: said once, by its notice (session_watch)
                self.say_unreadable(shown=True)
        else:
            self.unrecorded.clear()
            self.show_status(partial(self._run_summary, message.outcome, unbroken=True))
            outcome = message.outcome
            self.log_line(lambda: self._run_summary(outcome).plain)
            self.reload()
        # the watch resumes: no poll could tell another process's writes from the run's, so what the session holds
        # now is checked as the opening checked it (a file put in its place is said by the reload)
        self.resume_checks()
        self.apply_pending_casebooks()  # a save during the run is shown now (tui.casebook_reload)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A quit that waited for the case under way (``WorkstationApp.exit``) goes on once the run's thread has
        returned (at RunDone the quit would cancel its worker, still on its way out)."""
        leaving = getattr(self, "_leaving", None)
        if leaving is not None and event.worker.group == "run" and event.worker.is_finished:
            self.exit(*leaving)

    def _run_summary(self, outcome: RunOutcome, unbroken: bool = False) -> Text:
        """« exécution terminée : 3 cas ✔ réussi 2 ✘ échec 1 », in the language shown when it is drawn; ``unbroken``
        (the header, which Textual wraps): each verdict's mark, word and count joined by no-break spaces, so that
        a count never stands alone on the next row (the run log keeps them together its own way)."""
        t = self.t
        counts: dict[str, int] = {}
        for v in outcome.verdicts.values():
            counts[v] = counts.get(v, 0) + 1
        summary = Text(f"{t('exécution arrêtée') if outcome.stopped else t('exécution terminée')}{self.colon}")
        summary.append(tn("{count} cas", "{count} cas", outcome.ran, self.lang) + " ")
        for v, n in counts.items():
            summary.append_text(mark(v))
            unit = f" {self.verdict_label(v)} {n}"
            summary.append((unit.replace(" ", "\u00a0") if unbroken else unit) + "  ")
        return summary

    def show_idle_run_view(self) -> None:
        """The run view before any run since opening, never blank: its header says so, and its log the
        session's last run (when it started, its cases by verdict)."""
        self.show_status(self._idle_status)
        session = self.ws.session
        if session is not None and session.runs:
            from testbench.store.read import interrupted_runs  # the book's rule: no end, and nobody writes it now

            run = session.runs[-1]
            cut = run["id"] in interrupted_runs(session)
            live = run.get("ended_wall") is None and not cut  # no end, and its writer is at it now
            self.log_line(lambda: self._last_run_line(run, cut, live).plain.rstrip())

    def _idle_status(self) -> Text:
        session = self.ws.session
        none_yet = session is None or not session.runs
        said = _t("Aucune exécution dans cette session") if none_yet else _t("Aucune exécution depuis l'ouverture")
        return Text(self.t(said))

    def _last_run_line(self, run: dict[str, object], cut: bool = False, live: bool = False) -> Text:
        """« dernière exécution : 03/12/2026 23:40:07 UTC — 3 cas ✔ réussi 2 ✘ échec 1 »; ``cut``: a run stopped
        before its end (killed, ^C), said in the exam book's words (« exécution 4 interrompue … »); ``live``: a run
        another process is writing now, its attempt without a verdict yet « en cours », not cut."""
        from testbench.report.cover import interrupted_said
        from testbench.report.labels import CUT

        session = self.ws.session
        verdicts = [a.verdict for c in session.cases for a in c.attempts if a.run_id == run["id"]] if session else []
        started = run.get("started_wall")
        when = fmt.timestamp(fmt.iso(started if isinstance(started, float | int) else None), self.lang)
        line = Text(f"{self.t('dernière exécution')}{self.colon}{when}")
        if cut and isinstance(run["id"], int):
            line.append(" — " + interrupted_said([run["id"]], self.lang))
        if verdicts:
            line.append(" — " + tn("{count} cas", "{count} cas", len(verdicts), self.lang) + " ")
        for v in dict.fromkeys(verdicts):
            line.append_text(mark(v))
            # an attempt without one was cut (the book's word), or is under way when the run's writer is alive
            said = self.t("en cours" if live else CUT) if v == "none" else self.verdict_label(v)
            line.append(f" {said} {verdicts.count(v)}  ")
        return line

    # -- the run view, coalesced: a fast run posts hundreds of events a second ---------------------
    def log_line(self, line: Entry) -> None:
        """A line of the run log: a string as written, or drawn in the language shown (F2 draws it again)."""
        self._panel_lines.append(line)
        if self._panel_timer is None:
            self.flush_panel()

    def show_status(self, build: Callable[[], Text]) -> None:
        """The run view's header line; ``build`` draws it in the language shown (F2 draws it again)."""
        self._status_build = build
        self._panel_status = build()
        if self._panel_timer is None:
            self.flush_panel()

    def show_prompt(self, build: Callable[[], Text]) -> None:
        """The card prompt under the header; ``build`` draws it in the language shown (F2 draws it again)."""
        self._prompt_build = build
        self._panel_prompt = build()
        if self._panel_timer is None:
            self.flush_panel()

    def retranslate_run_view(self) -> None:
        """F2: the header, the card prompt and the log drawn again in the language now shown."""
        self.flush_panel()
        log = self.query_one("#run-log", RunLog)
        log.translate = self.t
        log.redraw()
        if self._status_build is not None:
            self._panel_status = self._status_build()
        if self._prompt_build is not None:
            self._panel_prompt = self._prompt_build()
        self.flush_panel()

    def flush_panel(self) -> None:
        if self.views_gone():
            return
        if self._panel_lines:
            log = self.query_one("#run-log", RunLog)
            log.translate = self.t  # its own lines (« lignes plus anciennes », « nouvelles lignes plus bas »)
            log.write_lines(self._panel_lines)
            self._panel_lines = []
        if self._panel_status is not None:
            self.query_one("#run-status", Static).update(self._panel_status)
            self._panel_status = None
        if self._panel_prompt is not None:
            self.query_one("#card-prompt", Static).update(self._panel_prompt)
            self._panel_prompt = None

    def schedule_reload(self) -> None:
        """Re-read the session at most every 0.3 s during a run (700 cases take ≈ 40 ms to re-read)."""
        if not self._reload_scheduled:
            self._reload_scheduled = True
            self.set_timer(0.3, self._scheduled_reload)

    @reads_session
    def _scheduled_reload(self) -> None:
        self._reload_scheduled = False
        if not self.is_running or self._closing:  # the timer may fire while the app quits
            return
        follow, self._follow = self._follow, None
        changed, self._changed = self._changed, set()
        if not self.running or not self.ws.refresh_entries(changed):
            self.reload()
            return
        # during a run: only the cases it touched (700 cases take ≈ 40 ms to re-read in full)
        for key in changed:
            node, entry = self.nodes.get(key), self.ws.entry(key)
            if node is not None and entry is not None:
                node.set_label(self._case_label(entry))
        # a filter the run's verdicts change (« [non exécuté] », « verdict:échec »): the cases it no longer shows
        # leave the tree now, not at the run's end; rebuilt only when the cases shown changed (counts otherwise)
        self.rebuild_tree(nearest=True)
        # a running case the filter hides is not followed: goto_case would clear the filter
        if follow is not None and follow != self.current and follow in self.nodes:
            self.goto_case(follow)  # refreshes the case views
        elif self.current in changed:
            self.refresh_case_views()
        self.refresh_overview()

    def _key_of(self, case: object) -> Key | None:
        return self._case_keys.get(id(case))

    @reads_session
    def reload(self) -> None:
        """Re-read the session and show it: a run or a review that changed which cases the filter shows (a case
        now passed under « verdict:échec ») rebuilds the tree, its selection moved off a case it hides."""
        with self.reading_session():  # what the session watch's next polls compare with
            self.ws.reload()
        self.rebuild_tree(nearest=True)
        self.refresh_labels()
        self.refresh_case_views()
        self.refresh_overview()
        if self.active_view == "traces":  # the same attempt read again: each pane stays on its line
            self.refresh_traces(force=True, keep_position=True)
