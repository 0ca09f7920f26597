"""Modal screens: manual-step attestation, review of extracted values, verdict review, keyboard help."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.align import Align
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandInput, CommandList, CommandPalette
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import ModalScreen, ScreenResultType
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Select, Static
from textual.widgets.option_list import Option

from testbench import fmt
from testbench.casebook.model import Case, Casebook, Step
from testbench.domain.attestation import Attestation
from testbench.engines.operator.engine import path_label
from testbench.engines.operator.origin import origin_text, quoted
from testbench.engines.operator.values import decimal_path, keyed_value
from testbench.i18n import _t
from testbench.tui import actions as registry
from testbench.tui.actions import ActionSpec, display_key
from testbench.tui.exam import window_consigne
from testbench.tui.footer import WholeKeysFooter
from testbench.tui.keyed import expectations_on, expected_at, misread
from testbench.tui.operator_prompt import AttestationRequest, Corrections, ReviewRequest
from testbench.tui.patient import patient_words
from testbench.tui.review import COMMENT, ReviewError, create_signing_key, review_choices
from testbench.tui.workstation import Draft, Key, shown_value

if TYPE_CHECKING:
    from testbench.runner.resume import Continuation

T = Callable[[str], str]
#: Escape in the values-read window where a value was corrected or a reason written: said before it drops them
AS_READ_DROPS_TYPED = (
    "{escape} à nouveau pour abandonner vos corrections : les valeurs seront acceptées telles que lues ({enter}"
    " enregistre les corrections)"
)
#: what a manual step's screen should show, by observed path: (path, label, expected) in a language
Hints = Callable[[Case, Step, str | None], list[tuple[str, str, str]]]

# the quit key in a window holding what was typed and not confirmed: what quitting loses, said once before it does
# ({quit}: the key, as ``actions.display_key`` shows it)
#: a manual step's window, the case starting again at its first step in a new attempt, its engine replaying the
#: steps done (runner.resume; as the resume notice, run_handlers.RESTART, says it); {lost}: :data:`TYPED_LOST`
QUIT_LOSES_TYPED = _t(
    "{quit} encore pour quitter : {lost} ; l'étape reste en attente et le cas reprendra à sa première étape,"
    " dans une nouvelle tentative"
)
#: the same in operator mode, where the attempt continues at this step (runner.resume)
QUIT_KEEPS_DONE = _t(
    "{quit} encore pour quitter : {lost} ; l'étape reste en attente et le cas continuera à cette étape (les"
    " étapes déjà faites sont gardées)"
)
#: what a manual step's window would lose, by (values typed: 0, 1 or more; a note typed): only what was typed
TYPED_LOST = {
    (0, True): _t("la note tapée sera perdue"),
    (1, False): _t("la valeur tapée sera perdue"),
    (1, True): _t("la valeur et la note tapées seront perdues"),
    (2, False): _t("les valeurs tapées seront perdues"),
    (2, True): _t("les valeurs et la note tapées seront perdues"),
}
#: the window of the values read: quitting keeps the values as they were read
QUIT_DROPS_CORRECTIONS = (
    "{quit} encore pour quitter : vos corrections et leurs motifs seront perdus ; les valeurs seront gardées telles"
    " que lues"
)
#: the review window: nothing is signed nor recorded
QUIT_DROPS_REVIEW = "{quit} encore pour quitter : le motif tapé sera perdu ; l'annotation ne sera pas enregistrée"
#: any other window with fields (a tool's, the run options, the plan)
QUIT_DROPS_FIELDS = "{quit} encore pour quitter : ce qui est tapé dans cette fenêtre sera perdu"
#: Escape in the review window where a reason was typed
CANCEL_DROPS_REVIEW = (
    "{escape} à nouveau pour fermer sans enregistrer : le motif tapé sera perdu ({save} enregistre l'annotation)"
)
#: Escape in any other window with fields (a tool's, the run options, the plan) where something was typed
CANCEL_DROPS_FIELDS = "{escape} à nouveau pour fermer : ce qui est tapé dans cette fenêtre sera perdu"
#: Escape in a manual step's window: it closes only by an answer, or by stopping the run
ESCAPE_IN_MANUAL_STEP = (
    "{escape} ne ferme pas l'étape manuelle : {confirm} confirme, {reject} rejette (motif dans la note), {stop} arrête"
    " l'exécution (l'étape reste en attente)"
)

#: a manual step's window offering again the answer whose recording failed (a full disk)
KEPT_ANSWER = _t(
    "Saisie précédente reprise : elle n'a pas pu être enregistrée. Vérifiez-la à l'écran du logiciel puis {key}."
)
#: a manual step's window reopened with what was typed in it before the workstation closed (its draft)
RECOVERED_ANSWER = _t(
    "Valeurs récupérées : tapées dans cette étape avant la fermeture du poste d'examen, pas encore confirmées."
    " Vérifiez-les à l'écran du logiciel puis {key}."
)
#: the window of the values read reopened with the corrections typed in it before the workstation closed (its draft)
RECOVERED_CORRECTIONS = _t(
    "Corrections récupérées : tapées dans cette fenêtre avant la fermeture du poste d'examen, pas encore confirmées"
    " ni appliquées. Vérifiez-les à l'écran du logiciel puis {key} ; {escape} deux fois garde les valeurs telles que"
    " lues."
)
#: the review window reopened with what was typed in it before the workstation closed (its draft)
RECOVERED_REVIEW = _t(
    "Révision récupérée : tapée dans cette fenêtre avant la fermeture du poste d'examen, pas encore enregistrée."
    " Vérifiez-la puis {key}."
)
#: the same, the case's verdict having changed since it was typed (the case run again)
RECOVERED_REVIEW_OTHER_VERDICT = _t(
    "Elle a été tapée quand le verdict d'origine était {before} ; il est désormais {now}."
)
#: a recovered correction of a value this window no longer shows (not read this time): said, not applied
RECOVERED_NOT_SHOWN = _t("Correction récupérée d'une valeur qui n'est plus lue, non reprise : {typed}")
#: beside a value's heading, its field holding a recovered correction
RECOVERED_MARK = _t("correction récupérée, à confirmer")
#: a correction as a notice names it: its path, the value typed and its reason
CORRECTION_SAID = _t("{path} = {value} (motif : {reason})")
#: what an engine step's window names in assisted mode: the values the profile's extractors read for its call,
#: from the application's outputs once the step is done — none of them is a field of the window
READ_FROM_OUTPUTS = _t("Lu dans les sorties du logiciel, rien à taper")
#: the run options' or the plan's window reopened with what was typed in it before the workstation closed (its draft)
RECOVERED_CHOICE = _t(
    "Saisie récupérée : tapée dans cette fenêtre avant la fermeture du poste d'examen, pas encore appliquée."
    " Vérifiez-la puis {enter} ; {escape} deux fois la laisse."
)
#: how long typing pauses before what a manual step's window holds is kept (seconds)
DRAFT_DELAY_S = 0.3


def corrections_said(draft: Draft, t: T, paths: Iterable[str] | None = None) -> str:
    """The corrections of ``draft`` (of its ``paths`` only, when given), one after the other in ``t``'s words."""
    chosen = dict.fromkeys([*draft.values, *draft.reasons]) if paths is None else dict.fromkeys(paths)
    return " ; ".join(
        t(CORRECTION_SAID).format(path=path, value=draft.values.get(path, "—"), reason=draft.reasons.get(path) or "—")
        for path in chosen
    )


#: a manual step's own actions, by id (their labels come from the registry, as the workstation's)
STEP_ACTIONS = {spec.id: spec for spec in registry.MANUAL_STEP_ACTIONS}
#: which of several toasts moved to a window's notice line gives the line its colour
SEVERITY_RANK = {"information": 0, "warning": 1, "error": 2}

#: « ? » in a window: a modal hides the app's bindings, F1 only (priority) acts in it. On a button, a list or a
#: text shown it opens the help, as on the main screen; a field being typed in takes it as a character.
HELP_CHARACTER = Binding("question_mark", "app.help", show=False)


def workstation_keys(*ids: str) -> list[Binding]:
    """The workstation's actions ``ids`` as a window's bindings: a modal hides the app's, so that its footer shows
    those that act in it (stopping the run, the help, quitting) beside its own (labelled by ``label_keys``)."""
    specs = (registry.BY_ID[i] for i in ids)
    return [Binding(spec.key.split(",")[0], f"app.{spec.action}", spec.label, id=spec.id) for spec in specs]


#: the label of the key that closes a reading window or a tool's window
CLOSE = _t("Fermer")


def label_window_keys(window: ModalScreen[Any], t: T) -> None:
    """A window's footer labels in the language of ``t``: the workstation's actions and a manual step's from the
    registry, by id; the window's own from their French, through ``t`` (an empty one stays empty: gettext's "" is
    the catalogue's header)."""
    lang = getattr(window.app, "lang", "fr")

    def label(binding: Binding) -> str:
        spec = registry.BY_ID.get(binding.id or "") or STEP_ACTIONS.get(binding.id or "")
        if spec is not None:
            return registry.label(spec, lang)
        return t(binding.description) if binding.description else ""

    french = type(window)._merged_bindings
    keys = window._bindings.key_to_bindings
    for key, bindings in (french.key_to_bindings if french else {}).items():
        keys[key] = [replace(b, description=label(b)) for b in bindings]
    window.refresh_bindings()


class OneLine(Input):
    """A field of a window, which remembers what it opened with: what was typed since is what closing the
    window, stopping the run or quitting would lose (:meth:`FormScreen.typed`)."""

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(value, **kwargs)
        self.opened_with = value

    def typed(self) -> bool:
        return self.value.strip() != self.opened_with.strip()

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """The keys this field types: « / » too, for which Textual finds no character — the footer kept « / Filtrer »
        in the filter and the trace query box, where the key types a slash."""
        return super().check_consume_key(key, character or registry.KEY_CHARACTERS.get(key))

    def _paste_lines(self, text: str) -> list[str]:
        """The lines of a paste that hold something (a value copied with its line end is one line)."""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def _insert(self, text: str) -> None:
        """``text`` where the cursor is, over the selection if any (what Textual's paste does with one line)."""
        if not text:
            return
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)


class FreeText(OneLine):
    """A note, a reason, the main screen's filter (words): a paste of several lines keeps its whole text, each
    line end read as a space (a field holds one line; Textual kept the first line of a paste and dropped the
    others without a word)."""

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # not Input's paste too, which would add the first line again
        event.stop()
        self._insert(" ".join(self._paste_lines(event.text)))


class OneValue(OneLine):
    """A value (an amount, a path, a number, the trace search, matched in one trace line): a paste of several
    lines is refused, and the window says why on its notice line (:class:`PasteRefused`; on the main screen,
    the workstation says it); one line (with its line end) is pasted as it is."""

    class PasteRefused(Message):
        """A paste of ``lines`` lines refused in ``field``."""

        def __init__(self, field: OneValue, lines: int) -> None:
            super().__init__()
            self.field = field
            self.lines = lines

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()
        event.stop()
        lines = self._paste_lines(event.text)
        if len(lines) > 1:
            self.post_message(self.PasteRefused(self, len(lines)))
            return
        self._insert(lines[0] if lines else "")


class FormScreen(ModalScreen[ScreenResultType]):
    """A window with fields: what the bench says while it is open is shown in it, on its notice line.

    A toast would cover the fields at 80×24 (the window fills the screen); the app sends its
    notifications here while such a window is on top (``WorkstationApp.notify``).
    """

    DEFAULT_CSS = """
    FormScreen Vertical > Label { width: 100%; }  /* a long title or label wraps: at 80 columns it was cut */
    FormScreen .notice { display: none; height: auto; }
    FormScreen .notice.-shown { display: block; }
    FormScreen .notice.-warning { color: $warning; }
    FormScreen .notice.-error { color: $error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # a modal hides the app's bindings: F2 switches the workstation and this window from here too
        Binding("f2", "switch_language", show=False, id="language"),
        HELP_CHARACTER,
    ]
    t: T

    async def action_switch_language(self) -> None:
        """F2: the workstation changes language, then this window is composed again in it.

        What was typed (fields, choices) and the focused field are kept; the notice line, said in
        the other language, is cleared, and with it the warning of a key pressed once (« Ctrl+Q encore pour
        quitter… »): that key warns again, in the new language, before it drops what was typed.
        """
        await self.app.run_action("toggle_language")
        typed = {w.id: (w.value, w.selection) for w in self.query(Input) if w.id}
        chosen = {w.id: w.value for w in self.query(Select) if w.id}
        focused = self.focused.id if self.focused is not None else None
        self.t = self.app.t  # type: ignore[attr-defined]  # the workstation's translator, just switched
        await self.recompose()  # the notice line cleared: a key pressed once warns again (``in_sight``)
        for select in self.query(Select):
            if select.id in chosen:
                select.value = chosen[select.id]
        for field in self.query(Input):
            if field.id in typed:
                field.value, field.selection = typed[field.id]
        if focused is not None:
            for widget in self.query(f"#{focused}"):
                if isinstance(widget, Input):  # the cursor stays where it was: no select-all on this focus
                    widget.select_on_focus = False
                widget.focus()

    @on(events.DescendantBlur)
    def _select_on_focus_again(self, event: events.DescendantBlur) -> None:
        """A field refocused by the switch of language selects all again on its next focus, as the others."""
        if isinstance(event.widget, Input):
            event.widget.select_on_focus = True

    def notice_line(self) -> Static:
        return Static("", id="notice", classes="notice")

    def typed(self) -> bool:
        """Whether the window holds text typed and not yet confirmed: a field changed since the window opened.

        The one rule of the keys that would drop it (``ctrl+q``, ``ctrl+t``, Escape where it closes without
        saving): a window that holds some says what would be lost at the first press, and acts at the next while
        that warning is in sight (:meth:`pressed_again`).
        """
        return any(field.typed() for field in self.query(OneLine))

    def quit_loses(self) -> str:
        """What the first quit key says in this window when it holds typed text (French, for ``t``; ``{quit}``
        names the key)."""
        return QUIT_DROPS_FIELDS

    def quit_said(self, key: str, t: Callable[[str], str]) -> str:
        """:meth:`quit_loses` in ``t``'s language, ``key`` the quit key."""
        return t(self.quit_loses()).format(quit=key)

    @on(OneValue.PasteRefused)
    def _paste_refused(self, event: OneValue.PasteRefused) -> None:
        event.stop()  # said here, on the window's notice line: not by the workstation too
        said = self.t("Collage refusé : {count} lignes dans un champ qui attend une seule valeur ; collez-la seule.")
        self.show_notice(said.format(count=event.lines), "error")
        event.field.focus()

    def key(self, keys: str) -> str:
        """``keys`` (Textual's names) as this window shows them, in its language (``actions.display_key``)."""
        return display_key(keys, self.t)

    def close_unless_typed(self, result: ScreenResultType) -> None:
        """Escape in a window with fields: closed at once when nothing was typed; else the first press says that
        what was typed would be lost, and the next closes while that warning is in sight (nothing dropped unsaid:
        a refusal or a tool's run in its place on the notice line, the warning is said again). A field only
        emptied loses nothing: the window opens again with its default."""
        kept = any(field.typed() and field.value.strip() for field in self.query(OneLine))
        said = self.t(CANCEL_DROPS_FIELDS).format(escape=self.key("escape"))
        if kept and self.typed() and not self.pressed_again(said):
            return
        self.dismiss(result)

    def in_sight(self, said: str) -> bool:
        """Whether ``said`` is on this window's notice line now, alone or among the lines it shows (toasts taken
        as the window came back): the one test of a key that acts at its second press (:meth:`pressed_again`,
        ``WorkstationApp.pressed_again``)."""
        notice = self.query_one("#notice", Static)
        return notice.has_class("-shown") and f"\n{said}\n" in f"\n{notice.content}\n"

    def pressed_again(self, said: str) -> bool:
        """A key that would drop what was typed acts only while its warning ``said`` is in sight: True then;
        else (its first press, or the warning replaced by another notice, or cleared by F2) it is said now on the
        notice line, and False — nothing is dropped under a warning nobody sees."""
        if self.in_sight(said):
            return True
        self.show_notice(said, "warning")
        return False

    def show_notice(self, text: str, severity: str = "information") -> None:
        notice = self.query_one("#notice", Static)
        notice.set_classes(f"notice -shown -{severity}")
        notice.update(Text(text))

    @on(events.ScreenResume)
    def _take_toasts(self) -> None:
        """The toasts still shown as this window opens (or comes back from the help) would cover its fields:
        their text moves to its notice line, after what the line already said (a run's first notice is posted
        just before its manual step's window opens)."""
        take = getattr(self.app, "take_toasts", None)  # the workstation's (it records the toasts it shows)
        toasts = take() if take is not None else []
        if not toasts:
            return
        notice = self.query_one("#notice", Static)
        lines = [str(notice.content)] if notice.has_class("-shown") else []
        lines += [message for message, _severity in toasts]
        worst = max((severity for _message, severity in toasts), key=lambda severity: SEVERITY_RANK.get(severity, 0))
        self.show_notice("\n".join(lines), worst)

    def label_keys(self) -> None:
        """The footer's labels in the language shown (F2 composes the window again)."""
        label_window_keys(self, self.t)


class KeptFormScreen(FormScreen[ScreenResultType]):
    """A window whose typing is kept beside the session a short pause after each change (``keep``, given
    :meth:`typed_now`): a closed terminal, a crash or ``kill -9`` loses nothing of it."""

    _keep: Callable[..., None] | None = None
    _keep_timer: Timer | None = None
    #: the name of its draft when it is kept one per window (a tool's, the run options', the plan's:
    #: ``Workstation.save_tool_draft``); None for a case's window, kept by case and step
    draft_name: str | None = None

    def typed_now(self) -> tuple[Any, ...]:
        """What ``keep`` is given: what the window holds typed now."""
        raise NotImplementedError

    @on(Input.Changed)
    @on(Select.Changed)
    def _typed_changed(self) -> None:
        if self._keep is None:
            return
        if self._keep_timer is not None:
            self._keep_timer.stop()
        self._keep_timer = self.set_timer(DRAFT_DELAY_S, self._keep_now)

    def _keep_now(self) -> None:
        self._keep_timer = None
        if self._keep is not None and self in self.app.screen_stack:  # not once answered or stopped (dismissed)
            with contextlib.suppress(NoMatches):  # recomposed (F2) at that moment: its next change keeps it
                self._keep(*self.typed_now())

    def say_recovered(self, said: str) -> None:
        """The window opened with what was typed in it before the workstation closed: said on its notice line
        (``said``, French, naming the keys ``{enter}`` and ``{escape}``)."""
        self.show_notice(self.t(said).format(enter=self.key("enter"), escape=self.key("escape")), "warning")

    def stop_keeping(self) -> None:
        """What is typed from now on is not kept: the person quits, told that it is lost (``quit_said``)."""
        self._keep = None
        self.on_unmount()

    def on_unmount(self) -> None:
        if self._keep_timer is not None:  # closed: answered (recorded next), or stopped (what it drops was said)
            self._keep_timer.stop()
            self._keep_timer = None


class AttestScreen(KeptFormScreen[Attestation | None]):
    """A manual step: the instruction, what the screen should show, what the operator keys in.

    Each value is checked as the comparison will read it (:func:`testbench.tui.keyed.misread`: the case's
    expectation on its path decides its type, else the path's own, expected or optional alike): a value its type
    cannot read (« o » for a boolean, « cinq
    euros » for an amount) is refused on the window's notice line, the field focused, everything typed kept.
    A value the case expects left empty is asked about once (ctrl+s again confirms it absent); one it does not
    expect may stay empty. Escape says how the window
    closes; it never drops what was typed.
    """

    DEFAULT_CSS = """
    AttestScreen { align: center middle; }
    AttestScreen > Vertical { width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2; overflow-y: auto; }
    AttestScreen.-short > Vertical { width: 100%; max-height: 100%; padding: 0 1; }
    AttestScreen .observe { height: 3; }
    AttestScreen .hint { color: $success; width: 40%; padding: 1 1 0 0; }
    AttestScreen .observe Input { width: 1fr; }
    AttestScreen Horizontal { height: auto; }
    AttestScreen #instruction-box { height: auto; max-height: 10; }
    """
    AUTO_FOCUS = "Input"  # the first value (or the note), not the instruction's box before it
    # a modal hides the app's bindings: the workstation's that act here (stopping the run, the help, quitting)
    # are the window's too, so that its footer shows them beside its own (``actions.IN_MANUAL_STEP``)
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(spec.key, spec.action, spec.label, id=spec.id) for spec in registry.MANUAL_STEP_ACTIONS),
        # F2 is every window's own (FormScreen): it composes the window again in the other language
        *workstation_keys(*(i for i in registry.IN_MANUAL_STEP if i != "language")),
        Binding("q,ctrl+c", "app.quit_hint", show=False),  # off a field, or no text selected: how to quit
        Binding("escape", "escape", show=False),
    ]

    def __init__(
        self,
        request: AttestationRequest,
        operator: str,
        t: T,
        hints: Hints,
        *,
        continues: bool = False,
        kept: Attestation | None = None,
        recovered: bool = False,
        keep: Callable[[dict[str, str], str], None] | None = None,
        casebook: Casebook | None = None,
        read: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.request = request
        #: assisted mode: the paths the profile's extractors read for this step's call (named, never asked)
        self.read = tuple(read)
        self.casebook = casebook  # the case's: its fixtures name the patient the step bills
        self.kept = kept  # this step's answer given before, whose recording failed (a full disk): offered again
        self.recovered = recovered  # ``kept`` is what was typed before the workstation closed (its draft)
        self._keep = keep  # given the values and the note as typed, a pause after each change: kept on disk
        self.operator = operator
        self.t = t
        self._hints = hints
        self.hints: list[tuple[str, str, str]] = []
        self.continues = continues  # operator mode: a step left pending is where the attempt goes on

    def compose(self) -> ComposeResult:
        t, step, case = self.t, self.request.step, self.request.case
        # written again at each composition: F2 recomposes, and an amount reads as the new language writes it
        self.hints = self._hints(case, step, getattr(self.app, "lang", "fr"))
        self.label_keys()
        with Vertical():
            yield Label(Text(f"{t('Étape manuelle')} {case.id} / {step.id}", style="bold"))
            yield self.notice_line()
            # what to key in (the case's lines, dates, tiers payant: the exam view's « Consigne »), then the
            # bench's instruction; scrolled on its own when long, the fields staying in sight
            with VerticalScroll(id="instruction-box"):
                consigne = window_consigne(case, step, getattr(self.app, "lang", None))
                if consigne:
                    said = Text.assemble((f"{t('Consigne')}{t(' : ')}", "dim"), (consigne, "bold yellow"))
                    yield Static(said, id="consigne")
                own = next((s for s in case.steps if s.id == step.id), None)
                patient = patient_words(self.casebook, own, t, getattr(self.app, "lang", None))
                if patient:  # who to find or create in the application: the consigne names the fixture's id only
                    yield Static(Text.assemble((f"{t('Patient')}{t(' : ')}", "dim"), (patient, "bold")), id="patient")
                # operator mode's instruction and labels are the bench's French (a casebook's read as written)
                yield Static(Text(t(step.instruction) if step.instruction else "—"), id="instruction")
            if self.read:  # what the bench reads itself once the step is done: not typed here
                named = ", ".join(_missing_name(path, t) for path in self.read)
                said = Text.assemble((f"{t(READ_FROM_OUTPUTS)}{t(' : ')}", "dim"), (named, "green"))
                yield Static(said, id="read-from-outputs")
            for n, (path, label, hint) in enumerate(self.hints):
                yield Label(Text(f"{t(label)} ({path})", style="bold"))
                with Horizontal(classes="observe"):
                    if hint or expectations_on(case, path):
                        shown = t("Valeur attendue à l'écran") + t(" : ") + (t(hint) if hint else "—")
                    else:  # nobody compares it: keyed if the operator wishes, never asked about
                        shown = t("Facultatif : le cas n'attend pas cette valeur")
                    yield Label(Text(shown), classes="hint")
                    given = self.kept.values.get(path, "") if self.kept else ""
                    yield OneValue(given, placeholder=t("Valeur affichée par le logiciel"), id=f"value-{n}")
            yield FreeText(self.kept.note if self.kept else "", placeholder=t("Note"), id="note")
            with Horizontal():
                yield Button(f"{t('Confirmer')} ({self.key('ctrl+s')})", id="confirm", variant="success")
                yield Button(f"{t('Rejeter')} ({self.key('ctrl+r')})", id="reject", variant="error")
        yield WholeKeysFooter()  # this window's keys only: the workstation's are typed text here

    def on_mount(self) -> None:
        if self.kept is not None:
            said = RECOVERED_ANSWER if self.recovered else KEPT_ANSWER
            self.show_notice(self.t(said).format(key=self.key("ctrl+s")), "warning")

    def typed_now(self) -> tuple[Any, ...]:
        """The values keyed and the note."""
        return self._keyed(), self.query_one("#note", Input).value.strip()

    def _keyed(self) -> dict[str, str]:
        """Each value keyed, by path (empty when left empty)."""
        return {path: self.query_one(f"#value-{n}", Input).value.strip() for n, (path, _, _) in enumerate(self.hints)}

    def _answer(self, confirmed: bool) -> Attestation:
        return Attestation(
            confirmed=confirmed,
            operator=self.operator,
            note=self.query_one("#note", Input).value.strip(),
            values={k: v for k, v in self._keyed().items() if v},
        )

    def _refuse(self, said: str, field: int | str, severity: str = "error") -> None:
        self.show_notice(said, severity)
        self.query_one(f"#value-{field}" if isinstance(field, int) else f"#{field}", Input).focus()

    def _misread(self) -> bool:
        """Whether a value keyed is one its type cannot read: then said, its field focused."""
        for n, (path, label, _) in enumerate(self.hints):
            value = self.query_one(f"#value-{n}", Input).value.strip()
            said = misread(self.request.case, path, value) if value else None
            if said is not None:
                self._refuse(self.t(said).format(field=f"{self.t(label)} ({path})", value=value), n)
                return True
        return False

    def quit_loses(self) -> str:
        return QUIT_KEEPS_DONE if self.continues else QUIT_LOSES_TYPED

    def quit_said(self, key: str, t: Callable[[str], str]) -> str:
        return t(self.quit_loses()).format(quit=key, lost=t(self.lost()))

    def _holds(self, field: OneLine) -> bool:
        """Whether ``field`` holds what stopping or quitting would lose: typed here, or recovered from the draft
        (which either key deletes) and not emptied since."""
        return field.typed() or (self.recovered and bool(field.value.strip()))

    def typed(self) -> bool:
        """As any window's, a recovered value counting as typed: it was, before the workstation closed."""
        return any(self._holds(field) for field in self.query(OneLine))

    def lost(self) -> str:
        """What quitting or stopping would lose here (French, for ``t``): the values and the note typed (or
        recovered), only those."""
        values = sum(1 for field in self.query(OneValue) if self._holds(field))
        note = self._holds(self.query_one("#note", OneLine))
        return TYPED_LOST.get((min(values, 2), note), TYPED_LOST[(2, True)])

    def action_confirm(self) -> None:
        """Confirms, once every value keyed reads as its type; values left empty are asked about once (an
        operator may truly have nothing to key: ctrl+s again confirms them absent)."""
        if self._misread():
            return
        case = self.request.case  # a value the case does not expect may stay empty: never asked about
        keyed = self._keyed().items()
        empty = [n for n, (path, value) in enumerate(keyed) if not value and expectations_on(case, path)]
        if empty:  # confirmed absent by the next ctrl+s while this question is in sight, naming the same fields
            named = ", ".join(f"{self.t(self.hints[n][1])} ({self.hints[n][0]})" for n in empty)
            said = self.t("Champ vide : {fields} — {key} encore pour confirmer quand même (valeur absente).")
            said = said.format(fields=named, key=self.key("ctrl+s"))
            if not self.in_sight(said):
                self._refuse(said, empty[0], "warning")
                return
        self.dismiss(self._answer(True))

    def action_reject(self) -> None:
        """A rejection says why (the report reads « rejetée par l'opérateur : MOTIF »): without a note the
        window stays, with what was typed, and says so (domain.attestation.attest asks a file-fed operator)."""
        if self._misread():
            return
        answer = self._answer(False)
        if not answer.note:
            self._refuse(self.t("Motif obligatoire pour rejeter l'étape : écrivez-le dans la note."), "note")
            return
        self.dismiss(answer)

    def action_escape(self) -> None:
        """Escape closes nothing here (the run waits for an answer): it says which keys do."""
        keymap = getattr(getattr(self.app, "settings", None), "keymap", {})  # the workstation's [keymap]
        stop = registry.effective_keys(dict(keymap))["stop"]
        said = self.t(ESCAPE_IN_MANUAL_STEP).format(
            escape=self.key("escape"), confirm=self.key("ctrl+s"), reject=self.key("ctrl+r"), stop=self.key(stop)
        )
        self.show_notice(said, "warning")

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#reject")
    def _reject(self) -> None:
        self.action_reject()


def _missing_name(path: str, t: T) -> str:
    """A value no extractor found, for the operator: its words and its path (« Part AMO (invoice.totals.amo) »);
    an extractor's line target (``invoice.lines[{n}].base``) in words alone, its ``{n}`` no path a person reads."""
    label = path_label(path)
    if label == path:
        return path
    return t(label) if "{n}" in path else f"{t(label)} ({path})"  # {n}: testbench.extract.spec.RANK


def read_heading(case: Case, step_id: str, path: str, value: str, t: T, lang: str | None) -> Text:
    """A value read, headed as the operator decides on it: its words and path (« Part AMO (invoice.totals.amo) »),
    then what the case expects of it at this step, marked as the comparison will find it (« ✔ attendu 33,60 € »,
    « ≠ attendu 54,00 € »): accepting or correcting it is done knowing what the case wants, not only the path."""
    heading = Text(_missing_name(path, t), style="bold")
    for exp, same in expected_at(case, step_id, path, value):
        expected = shown_value(path, exp.value_type, exp.expected, lang)
        heading.append(f"   {'✔' if same else '≠'} {t('attendu')} {expected}", style="green" if same else "bold red")
    return heading


class ExtractedScreen(KeptFormScreen[Corrections | None]):
    """The values the bench read from the application for a step: accept them, or correct some with a reason.

    Each value shows where it was read (the report's sentence). Enter (or Ctrl+S) accepts; refused here, on the window's
    notice line, with everything typed kept and the field in question focused: a value changed without a
    reason, a value its type cannot read (:func:`testbench.tui.keyed.misread`, as the comparison reads it), a
    value emptied (a correction is a value), a reason beside a value left as read. Escape accepts the values
    as they were read, once it has said what it drops when something was typed (a value changed, a reason):
    the first Escape only says so, the second drops it. The answer: the corrected values, each with its
    reason, by path.
    """

    DEFAULT_CSS = """
    ExtractedScreen { align: center middle; }
    ExtractedScreen > Vertical { width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $success; background: $surface; padding: 1 2; overflow-y: auto; }
    ExtractedScreen.-short > Vertical { width: 100%; max-height: 100%; padding: 0 1; }
    ExtractedScreen .where { color: $text-muted; }
    ExtractedScreen .value { height: 3; }
    ExtractedScreen .value Input { width: 1fr; }
    ExtractedScreen Horizontal { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # Ctrl+S, which confirms the manual step just before, accepts too (the operator's habit key did nothing)
        Binding("ctrl+s", "accept", "Accepter"),
        Binding("enter", "accept", show=False),  # no value read: nothing focused, Enter still accepts
        Binding("escape", "accept_as_read", "Accepter tel que lu"),
        *workstation_keys("stop", "help", "quit"),  # its footer: this window's keys, not the main screen's
    ]
    AUTO_FOCUS = "#value-0"

    def __init__(
        self,
        request: ReviewRequest,
        t: T,
        *,
        kept: Draft | None = None,
        keep: Callable[[dict[str, tuple[str, str]]], None] | None = None,
    ) -> None:
        super().__init__()
        self.request = request
        self.t = t
        #: the corrections typed in this window before the workstation closed (``kill -9``), offered back unapplied
        self.kept = kept
        self._keep = keep  # given what the window holds typed (:meth:`unconfirmed`), a pause after each change
        shown = {item.path for item in request.extracted}
        draft = kept or Draft({}, "")
        typed = dict.fromkeys([*draft.values, *draft.reasons])
        #: the recovered corrections of values this window shows, by path: pre-filled, marked, to be confirmed
        self.recovered = {path for path in typed if path in shown}
        #: those of values no longer read: said, and kept in the draft until the values are answered
        self.elsewhere = {
            path: (draft.values.get(path, ""), draft.reasons.get(path, "")) for path in typed if path not in shown
        }

    def compose(self) -> ComposeResult:
        t, step, case = self.t, self.request.step, self.request.case
        self.label_keys()
        with Vertical():
            yield Label(Text(f"{t('Valeurs lues dans le logiciel')} {case.id} / {step.id}", style="bold"))
            yield Label(
                t("{enter} : accepter ; une valeur corrigée demande son motif.").format(enter=self.key("enter"))
            )
            yield self.notice_line()
            for n, item in enumerate(self.request.extracted):
                lang = getattr(self.app, "lang", "fr")
                heading = read_heading(case, step.id, item.path, item.value, t, lang)
                if item.path in self.recovered:
                    heading.append(f"   ({t(RECOVERED_MARK)})", style="bold yellow")
                yield Label(heading, classes="heading")
                quote = partial(quoted, item.path, lang=lang)
                provenance = item.provenance.to_dict()
                if item.path in self.request.conflicts:  # the other values read, as the record will say them
                    provenance["conflict"] = self.request.conflicts[item.path]
                yield Static(Text(origin_text(quote(item.value), provenance, t, quote=quote)), classes="where")
                value, reason = self.prefill(item.path, item.value), ""
                if self.kept is not None and item.path in self.recovered:
                    value = self.kept.values.get(item.path, value)
                    reason = self.kept.reasons.get(item.path, "")
                with Horizontal(classes="value"):
                    yield OneValue(value, id=f"value-{n}")
                    yield FreeText(reason, placeholder=t("Motif de la correction"), id=f"reason-{n}")
            if self.request.missing:  # which extractor found nothing, and where it looked: where to look now
                yield Label(Text(t("Valeurs non trouvées"), style="bold underline"))
            for missing in self.request.missing:
                named = ", ".join(_missing_name(path, t) for path in missing.paths)
                yield Label(Text(named, style="bold"), classes="missing")
                yield Static(Text(missing.describe(t)), classes="where")
            with Horizontal():
                yield Button(f"{t('Accepter')} ({self.key('enter')})", id="accept", variant="success")
                yield Button(f"{t('Accepter tel que lu')} ({self.key('escape')})", id="as-read")
        yield WholeKeysFooter()

    def on_mount(self) -> None:
        if self.kept is None or not (self.recovered or self.elsewhere):
            return
        lines = []
        if self.recovered:
            lines.append(self.t(RECOVERED_CORRECTIONS).format(key=self.key("enter"), escape=self.key("escape")))
        if self.elsewhere:
            said = corrections_said(self.kept, self.t, self.elsewhere)
            lines.append(self.t(RECOVERED_NOT_SHOWN).format(typed=said))
        self.show_notice("\n".join(lines), "warning")

    def typed_now(self) -> tuple[Any, ...]:
        """The corrections held (offered back, unapplied, when the step's values are shown again), those of values
        no longer read kept as they came."""
        return (self.elsewhere | self.unconfirmed(),)

    def typed(self) -> bool:
        """As any window's; recovered corrections still held count as typed: they were, before the workstation
        closed, and Escape, Ctrl+T and Ctrl+Q say that they would be dropped."""
        typed = super().typed()
        if typed or not self.recovered:
            return typed
        with contextlib.suppress(NoMatches):  # recomposed (F2) at that moment: its fields are on their way
            return bool(self.unconfirmed())
        return True

    def prefill(self, path: str, value: str) -> str:
        """A value read, in its field as the language in use writes it: a decimal with a comma in French
        (« 33,60 »), a dot in English. Confirmed as it is, it is the value read (:meth:`_same`): recorded as read,
        never a correction. An engine's known status word in the person's words (« sécurisée » for ``secured``), as
        the heading and the exam view say it: confirmed, it is the word read (:func:`keyed_value` reads it back)."""
        lang = getattr(self.app, "lang", "fr")
        word = fmt.status_word(path, value, lang)
        if word is not None:
            return word
        if not decimal_path(self.request.case, path):
            return value
        return fmt.number(value, lang)

    def corrections(self) -> Corrections | None:
        """The changed values with their reasons; None (said, and the field in question focused) when one is
        refused: emptied, unreadable as its type, without its reason, or a reason beside an unchanged value."""
        out: Corrections = {}
        for n, item in enumerate(self.request.extracted):
            value = self.query_one(f"#value-{n}", Input).value.strip()
            reason = self.query_one(f"#reason-{n}", Input).value.strip()
            if self._same(item.path, value, item.value.strip()):  # « 33,60 » retyped over « 33.60 »: no correction
                if reason:  # a reason alone would be dropped: said, not ignored
                    said = self.t("Motif sans correction pour {path} : corrigez la valeur, ou effacez le motif.")
                    self._refuse(said.format(path=item.path), f"reason-{n}")
                    return None
                continue
            if not value:
                said = self.t(
                    "Valeur vide pour {path} : tapez la valeur affichée par le logiciel (valeur lue : « {read} »)."
                )
                self._refuse(said.format(path=item.path, read=self.prefill(item.path, item.value)), f"value-{n}")
                return None
            unreadable = misread(self.request.case, item.path, value)
            if unreadable is not None:
                self._refuse(self.t(unreadable).format(field=item.path, value=value), f"value-{n}")
                return None
            if not reason:
                said = self.t("Motif obligatoire pour la valeur corrigée de {path}.")
                self._refuse(said.format(path=item.path), f"reason-{n}")
                return None
            out[item.path] = (value, reason)
        return out

    def unconfirmed(self) -> dict[str, tuple[str, str]]:
        """What the window holds typed and not confirmed, unchecked, by path (value, reason): a value changed or a
        reason written — said with the step when the workstation stops unasked (:class:`~testbench.domain.
        attestation.Unreviewed`)."""
        out: dict[str, tuple[str, str]] = {}
        for n, item in enumerate(self.request.extracted):
            value = self.query_one(f"#value-{n}", Input).value.strip()
            reason = self.query_one(f"#reason-{n}", Input).value.strip()
            if reason or not self._same(item.path, value, item.value.strip()):
                out[item.path] = (value, reason)
        return out

    def _same(self, path: str, typed: str, read: str) -> bool:
        """Whether ``typed`` is the value read, perhaps written another way (« 33,60 », "€33.60", « oui »): the
        session would record both alike (:func:`keyed_value`), so no correction, no reason asked."""
        case = self.request.case
        return typed == read or (bool(typed) and keyed_value(case, path, typed) == keyed_value(case, path, read))

    def _refuse(self, said: str, field: str) -> None:
        self.show_notice(said, "error")
        self.query_one(f"#{field}", Input).focus()

    def quit_loses(self) -> str:
        return QUIT_DROPS_CORRECTIONS

    def action_accept(self) -> None:
        answer = self.corrections()
        if answer is not None:
            self.dismiss(answer)

    def action_accept_as_read(self) -> None:
        said = self.t(AS_READ_DROPS_TYPED).format(escape=self.key("escape"), enter=self.key("enter"))
        if self.typed() and not self.pressed_again(said):  # the next Escape, warning in sight, drops the corrections
            return
        self.dismiss({})

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_accept()

    @on(Button.Pressed, "#accept")
    def _accept(self) -> None:
        self.action_accept()

    @on(Button.Pressed, "#as-read")
    def _as_read(self) -> None:
        self.action_accept_as_read()


#: what the application wrote while the bench was closed goes to the step it was closed on (the operator gap capture,
#: docs/exam-day.md « An interrupted attempt »): a later step done in the application meanwhile is not seen as done
CLOSED_MEANWHILE = _t(
    "Ce que le logiciel a écrit pendant que le banc était fermé est rattaché à l'étape {step} ; un fichier créé"
    " entre-temps qu'elle ne lit pas (un lot constitué) va à l'étape suivante du cas qui le lit."
)
#: the same at the case's last step: no later step to pass a file on to (the lot step reads the lot itself)
CLOSED_MEANWHILE_LAST = _t(
    "Ce que le logiciel a écrit pendant que le banc était fermé est rattaché à l'étape {step}, la dernière du cas."
)


class ContinueScreen(FormScreen[str | None]):
    """``r`` on a case whose operator attempt stopped midway: continue it at its first unfinished step
    (Enter, the default: the steps done in the application are kept) or start a new attempt at step 1 (n);
    Escape runs nothing. The answer: ``continue``, ``restart`` or None. What continues is the campaign's
    decision (``runner.resume``); this window only offers it."""

    DEFAULT_CSS = """
    ContinueScreen { align: center middle; }
    ContinueScreen > Vertical { width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2; overflow-y: auto; }
    ContinueScreen.-short > Vertical { width: 100%; max-height: 100%; padding: 0 1; }
    ContinueScreen #choices { height: auto; }  /* one above the other: side by side, 80 columns cut the last two */
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "restart", show=False),
        Binding("escape", "cancel", "Annuler"),
        *workstation_keys("help", "quit"),  # its footer: this window's keys, not the main screen's
    ]
    AUTO_FOCUS = "#continue"

    def __init__(self, case: Case, resumed: Continuation, t: T) -> None:
        super().__init__()
        self.case = case
        self.resumed = resumed
        self.t = t

    def compose(self) -> ComposeResult:
        t, case, resumed = self.t, self.case, self.resumed
        # the reason in its own words after a dash: it often ends in parentheses (« … (mode opérateur) »)
        stopped = t("La tentative {number} s'est arrêtée avant son verdict — {reason} ; étapes déjà faites : {done}.")
        go_on = t("Continuer à l'étape {position} ({step})").format(position=resumed.position, step=resumed.following)
        if resumed.step is None:  # stopped after its last step, before its verdict: no step is left to continue at
            go_on = t("Conclure la tentative (toutes ses étapes sont faites)")
        again = t("Nouvelle tentative depuis l'étape 1")
        done = ", ".join(resumed.done) or "—"
        self.label_keys()
        with Vertical():
            yield Label(Text(f"{t('Tentative inachevée')} {case.id}", style="bold"))
            yield self.notice_line()  # what the bench says while the window is open (``WorkstationApp.notify``)
            yield Static(Text(stopped.format(number=resumed.number, reason=t(resumed.reason), done=done)))
            if resumed.step is not None:  # the engineer may have gone on in the application while the bench was closed
                last = bool(case.steps) and case.steps[-1].id == resumed.step
                meanwhile = t(CLOSED_MEANWHILE_LAST if last else CLOSED_MEANWHILE).format(step=resumed.step)
                yield Static(Text(meanwhile, style="yellow"), id="meanwhile")
            with Vertical(id="choices"):
                yield Button(f"{go_on} ({self.key('enter')})", id="continue", variant="success")
                yield Button(f"{again} ({self.key('n')})", id="restart", variant="warning")
                yield Button(f"{t('Annuler')} ({self.key('escape')})", id="cancel")
        yield WholeKeysFooter()

    def action_restart(self) -> None:
        self.dismiss("restart")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss({"continue": "continue", "restart": "restart"}.get(event.button.id or ""))


class ReviewScreen(KeptFormScreen[bool]):
    """Accept, override or comment a verdict; the reason is mandatory; the entry is signed.

    ``save`` signs and appends the annotation (``testbench.tui.review.add_review`` bound to the case);
    when it fails the window stays open with everything typed, says why, and, when the signing key
    does not exist yet, offers to create it (``create_signing_key``, what ``testbench keys init`` does).
    Escape with a reason typed says first that it would drop it; the second Escape closes the window.
    What it holds is kept as typed (``keep``, :meth:`typed_now`) and offered back (``kept``, said recovered) when
    it opens again for the case after a closed terminal, a crash or ``kill -9``.

    ``refusal`` is why the case's verdict cannot be accepted nor overridden (never run, no verdict: the rule
    of ``testbench review``, ``store.annotations.review_refusal``), None when it can: the window then says so
    at once and offers the comment only (``tui.review.review_choices``).
    """

    DEFAULT_CSS = """
    ReviewScreen { align: center middle; }
    ReviewScreen > Vertical { width: 90%; max-width: 100; height: auto; max-height: 100%; border: thick $primary;
        background: $surface; padding: 1 2; overflow-y: auto; }
    ReviewScreen Input, ReviewScreen Select { margin-bottom: 1; }
    ReviewScreen.-short > Vertical { width: 100%; padding: 0 1; border: tall $primary; }
    ReviewScreen.-short Input, ReviewScreen.-short Select { margin-bottom: 0; }
    ReviewScreen #review-error { color: $error; height: auto; }
    ReviewScreen #only-comment { color: $warning; }
    ReviewScreen Horizontal { height: auto; }
    ReviewScreen #create-key { display: none; }
    ReviewScreen.-missing-key #create-key { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Enregistrer"),
        Binding("escape", "cancel", "Annuler"),
        *workstation_keys("help", "quit"),  # its footer: this window's keys, not the main screen's
    ]
    AUTO_FOCUS = "#reason"

    def __init__(
        self,
        case_id: str,
        original: str,
        reviewer: str,
        t: T,
        label: Callable[[str], str],
        save: Callable[[dict[str, str]], None],
        refusal: str | None = None,
        *,
        case_key: Key | None = None,
        kept: Draft | None = None,
        keep: Callable[[dict[str, str]], None] | None = None,
    ) -> None:
        super().__init__()
        self.case_id = case_id
        self.case_key = case_key  # the case reviewed: its draft's name (``Workstation.save_review_draft``)
        self.original = original
        self.reviewer = reviewer
        self.t = t
        self.label = label
        self.save = save
        self.refusal = refusal
        self.missing_key: Path | None = None
        self.kept = kept  # what was typed here before the workstation closed (its draft): offered back
        self._keep = keep  # given :meth:`typed_now`, a pause after each change: kept on disk
        self.choices = review_choices(self.original, self.refusal)  # a case with no verdict: the comment only

    def compose(self) -> ComposeResult:
        t, kept = self.t, self.kept.values if self.kept else {}
        named = {"accept": t("Accepter le verdict"), COMMENT: t("Commentaire seulement")}
        options = [(named.get(c) or f"{t('Remplacer par')} {self.label(c)}", c) for c in self.choices]
        decision = kept.get("decision") if kept.get("decision") in self.choices else self.choices[0]
        self.label_keys()
        with Vertical():
            yield Label(Text(f"{t('Réviser le verdict')} — {self.case_id}", style="bold"))
            original = t("Verdict d'origine")
            yield Label(Text(f"{original}{t(' : ')}{self.label(self.original)}"))
            if self.refusal is not None:  # said at once, in the window's language: no verdict to accept or replace
                yield Label(Text(self.only_comment()), id="only-comment")
            yield self.notice_line()
            yield Select(options, value=decision, allow_blank=False, id="decision")
            reviewer = OneValue(kept.get("reviewer", self.reviewer), placeholder=t("Réviseur"), id="reviewer")
            reviewer.border_title = t("Réviseur")  # filled (the operator): no placeholder shows, the border names it
            yield reviewer
            yield FreeText(self.kept.note if self.kept else "", placeholder=t("Motif (obligatoire)"), id="reason")
            # the window's own way to the key, never the CLI's command: without one, Ctrl+S offers « Créer ma clé »
            signed = t("Annotation signée avec votre clé ; sans clé, {key} propose de la créer.")
            yield Label(signed.format(key=self.key("ctrl+s")), classes="dim")
            yield Label("", id="review-error")
            with Horizontal():
                yield Button(f"{t('Enregistrer')} ({self.key('ctrl+s')})", id="save", variant="primary")
                yield Button(t("Créer ma clé de signature"), id="create-key", variant="warning")
                yield Button(f"{t('Annuler')} ({self.key('escape')})", id="cancel")
        yield WholeKeysFooter()

    def on_mount(self) -> None:
        if self.kept is None:
            return
        said = self.t(RECOVERED_REVIEW).format(key=self.key("ctrl+s"))
        before = self.kept.values.get("original", self.original)
        if before != self.original:  # the case run again since: the reason may be about the verdict it replaced
            labels = {"before": self.label(before), "now": self.label(self.original)}
            said = f"{said}\n{self.t(RECOVERED_REVIEW_OTHER_VERDICT).format(**labels)}"
        self.show_notice(said, "warning")

    def typed_now(self) -> tuple[Any, ...]:
        """What the window holds that was not there as it first opened (a reason, another decision or reviewer),
        with the verdict it reviews; empty when nothing: the draft goes."""
        decision = str(self.query_one("#decision", Select).value)
        reviewer = self.query_one("#reviewer", Input).value.strip()
        reason = self.query_one("#reason", Input).value.strip()
        if not reason and decision == self.choices[0] and reviewer == self.reviewer.strip():
            return ({},)
        return ({"decision": decision, "reviewer": reviewer, "original": self.original, "reason": reason},)

    def typed(self) -> bool:
        """As any window's, a recovered reason counting as typed: it was, before the workstation closed."""
        reason = self.query("#reason").results(Input)  # none while F2 composes the window again
        recovered = self.kept is not None and any(field.value.strip() for field in reason)
        return recovered or super().typed()

    def only_comment(self) -> str:
        """Why only a comment can be saved for this case, in the window's language."""
        return self.t("{why} — seul un commentaire peut être enregistré.").format(why=self.t(self.refusal or ""))

    def answer(self) -> dict[str, str]:
        decision = str(self.query_one("#decision", Select).value)
        action = decision if decision in ("accept", COMMENT) else "override"
        return {
            "action": action,
            "verdict": decision if action == "override" else "",
            "reviewer": self.query_one("#reviewer", Input).value.strip(),
            "reason": self.query_one("#reason", Input).value.strip(),
        }

    def action_save(self) -> None:
        answer = self.answer()
        if not answer["reason"]:
            self.show_error(self.t("Un motif est obligatoire."))
            self.query_one("#reason", Input).focus()
            return
        try:
            self.save(answer)
        except ReviewError as exc:  # nothing typed is lost: the window stays, with the reason why
            self.missing_key = exc.missing_key
            self.set_class(exc.missing_key is not None, "-missing-key")
            said = self.t(str(exc))
            if exc.missing_key is not None:  # the button is focused: said how to press it, Tab would leave it
                said += " — " + self.t("{enter} : créer ma clé de signature").format(enter=self.key("enter"))
                self.query_one("#create-key", Button).focus()
            self.show_error(said)
            return
        self.dismiss(True)

    def action_create_key(self) -> None:
        if self.missing_key is None:
            return
        try:
            fingerprint = create_signing_key(self.missing_key, self.t)
        except ReviewError as exc:
            self.show_error(self.t(str(exc)))
            return
        self.remove_class("-missing-key")
        self.missing_key = None
        created = self.t("Clé de signature créée")
        saving = self.t("{key} pour enregistrer l'annotation").format(key=self.key("ctrl+s"))
        self.show_error(Text(f"{created} ({fingerprint}) — {saving}", style="green"))
        self.query_one("#save", Button).focus()

    def show_error(self, text: str | Text) -> None:
        self.query_one("#review-error", Label).update(text if isinstance(text, Text) else Text(text))

    def quit_loses(self) -> str:
        return QUIT_DROPS_REVIEW

    def action_cancel(self) -> None:
        said = self.t(CANCEL_DROPS_REVIEW).format(escape=self.key("escape"), save=self.key("ctrl+s"))
        if self.typed() and not self.pressed_again(said):  # the next Escape, warning in sight, drops what was typed
            return
        self.dismiss(False)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#create-key")
    def _create_key(self) -> None:
        self.action_create_key()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()


class ReadingWindow(ModalScreen[ScreenResultType]):
    """A window that only shows something (the help, the definitions, the coverage, the readers, the integrity):
    F2 switches the workstation's language, then the window draws its content again in it (``retranslate``).

    A modal hides the app's bindings: without its own F2, the key did nothing in these windows; nor did « ? »
    (F1 did: it acts everywhere), which opens the help here as in the windows with fields.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "switch_language", show=False, id="language"),
        HELP_CHARACTER,
    ]

    async def action_switch_language(self) -> None:
        await self.app.run_action("toggle_language")
        await self.retranslate()
        label_window_keys(self, self.app.t)  # type: ignore[attr-defined]  # the workstation's, just switched

    async def retranslate(self) -> None:
        """Draw the content again in the language now shown (each window knows how)."""

    def compose(self) -> ComposeResult:
        """The window's content, then its own footer: the keys that act in it (the main screen's footer, seen
        under the window, listed keys that do nothing here)."""
        label_window_keys(self, self.app.t)  # type: ignore[attr-defined]
        yield from self.content_widgets()
        yield WholeKeysFooter()

    def content_widgets(self) -> ComposeResult:
        """What the window shows (each window composes its own)."""
        return iter(())


#: what the F1 window lists: (action, key) pairs, the translator, each action's help, the keymap's line
HelpContents = tuple[list[tuple[ActionSpec, str]], T, Callable[[ActionSpec], str], str]


class HelpScreen(ReadingWindow[None]):
    """F1 (or ?): every action of the registry with its current key, grouped; F1 again, ?, escape or q closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "close", show=False),  # before: its footer names Escape, not « ? »
        Binding("escape,f1,q", "close", CLOSE),
        *workstation_keys("quit"),
    ]

    def __init__(
        self,
        actions: list[tuple[ActionSpec, str]],
        t: T,
        describe: Callable[[ActionSpec], str],
        extra: str = "",
        again: Callable[[], HelpContents] | None = None,
    ) -> None:
        super().__init__()
        self.describe = describe
        self.actions = actions
        self.t = t
        self.extra = extra
        self.again = again  # the contents in the language shown (F2)

    async def retranslate(self) -> None:
        if self.again is not None:
            self.actions, self.t, self.describe, self.extra = self.again()
            await self.recompose()

    def content_widgets(self) -> ComposeResult:
        t = self.t
        table = Table(title=t("Touches"), expand=True, show_lines=False)
        table.add_column(t("Touche"), no_wrap=True, style="bold cyan")
        table.add_column(t("Action"))
        table.add_column("id", style="dim", no_wrap=True)
        groups: dict[str, list[tuple[ActionSpec, str]]] = {}
        for spec, key in self.actions:  # each group once, in the order it first appears
            groups.setdefault(spec.group, []).append((spec, key))
        # an action without a key is run from the palette: said where its key would be (« — » said nothing), on two
        # lines, so that the key column stays narrow at 80 columns
        palette = next((key for spec, key in self.actions if spec.id == "palette" and key.strip()), "")
        no_key = f"{t('palette')}\n({display_key(palette, t)})" if palette else "—"
        for group, rows in groups.items():
            table.add_row(Text(t(group), style="bold underline"), "", "")
            for spec, key in rows:
                table.add_row(display_key(key, t) if key.strip() else no_key, self.describe(spec), spec.id)
        with VerticalScroll():
            yield Static(table)
            if self.extra:
                yield Static(Text(self.extra, style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)


class WorkstationPalette(CommandPalette):
    """Textual's command palette in the workstation's language: its placeholder, and what it says when
    nothing matches (Textual writes "No matches found" in its countdown, rewritten here: textual is pinned).
    F2 switches the workstation's language and searches again: the actions listed in the new one."""

    # the list measures each entry's height as it comes, at the width it has then: its scroll bar appearing later
    # narrowed it, and an entry wrapped onto a second line showed its first only (« … unfinished one) » without
    # its key « (r) », after F2 at 80 columns). Its room kept for the bar, the width never changes
    DEFAULT_CSS = """
    WorkstationPalette CommandList { scrollbar-gutter: stable; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "switch_language", show=False, id="language"),
        Binding("escape", "escape", CLOSE),  # Textual's label is English only
        *workstation_keys("help", "quit"),  # its footer: this window's keys, not the main screen's
    ]

    def __init__(self, t: Callable[[str], str]) -> None:
        super().__init__(placeholder=t("Chercher une commande ou un cas…"), id="--command-palette")
        self._no_matches_text = t("Aucune correspondance")

    def compose(self) -> ComposeResult:
        label_window_keys(self, self.app.t)  # type: ignore[attr-defined]
        yield from super().compose()
        yield WholeKeysFooter()

    async def action_switch_language(self) -> None:
        await self.app.run_action("toggle_language")
        t: T = self.app.t  # type: ignore[attr-defined]  # the workstation's translator, just switched
        label_window_keys(self, t)
        self._no_matches_text = t("Aucune correspondance")
        search = self.query_one(CommandInput)
        search.placeholder = t("Chercher une commande ou un cas…")
        self._cancel_gather_commands()
        self._stop_no_matches_countdown()
        self._gather_commands(search.value.strip())

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:  # an empty search is the discovery list: nothing to say when it is empty
                text = Align.center(Text(self._no_matches_text, style="not bold"))
                self.query_one(CommandList).add_option(Option(text, disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
