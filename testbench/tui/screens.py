"""Modal screens: manual-step attestation, verdict review, keyboard help."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from testbench.runner.operator import Attestation
from testbench.runner.verdict import Verdict
from testbench.tui.actions import ActionSpec
from testbench.tui.operator import AttestationRequest

T = Callable[[str], str]


class AttestScreen(ModalScreen[Attestation | None]):
    """A manual step: the instruction, what the screen should show, what the operator keys in."""

    DEFAULT_CSS = """
    AttestScreen { align: center middle; }
    AttestScreen > Vertical { width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2; }
    AttestScreen .observe { height: 3; }
    AttestScreen .hint { color: $success; width: 40%; padding: 1 1 0 0; }
    AttestScreen .observe Input { width: 1fr; }
    AttestScreen Horizontal { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Confirmer"),
        Binding("ctrl+r", "reject", "Rejeter"),
        # a modal hides the app's bindings: stopping the run must still be possible from here
        Binding("ctrl+t", "app.stop_run", "Arrêter", id="stop"),
    ]

    def __init__(self, request: AttestationRequest, operator: str, t: T) -> None:
        super().__init__()
        self.request = request
        self.operator = operator
        self.t = t

    def compose(self) -> ComposeResult:
        t, step, case = self.t, self.request.step, self.request.case
        with Vertical():
            yield Label(Text(f"{t('Étape manuelle')} {case.id} / {step.id}", style="bold"))
            yield Static(Text(step.instruction or "—"), id="instruction")
            for n, (path, label, hint) in enumerate(self.request.hints):
                yield Label(Text(f"{label} ({path})", style="bold"))
                with Horizontal(classes="observe"):
                    shown = t("Valeur attendue à l'écran")
                    yield Label(Text(f"{shown} : {hint or '—'}"), classes="hint")
                    yield Input(placeholder=t("Valeur saisie"), id=f"value-{n}")
            yield Input(placeholder=t("Note"), id="note")
            with Horizontal():
                yield Button(f"{t('Confirmer')} (ctrl+s)", id="confirm", variant="success")
                yield Button(f"{t('Rejeter')} (ctrl+r)", id="reject", variant="error")

    def _answer(self, confirmed: bool) -> Attestation:
        values = {
            path: self.query_one(f"#value-{n}", Input).value.strip()
            for n, (path, _, _) in enumerate(self.request.hints)
        }
        return Attestation(
            confirmed=confirmed,
            operator=self.operator,
            note=self.query_one("#note", Input).value.strip(),
            values={k: v for k, v in values.items() if v},
        )

    def action_confirm(self) -> None:
        self.dismiss(self._answer(True))

    def action_reject(self) -> None:
        self.dismiss(self._answer(False))

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#reject")
    def _reject(self) -> None:
        self.action_reject()


class ReviewScreen(ModalScreen[dict[str, str] | None]):
    """Accept, override or comment a verdict; the reason is mandatory; the entry is signed."""

    DEFAULT_CSS = """
    ReviewScreen { align: center middle; }
    ReviewScreen > Vertical { width: 90%; max-width: 100; height: auto; border: thick $primary;
        background: $surface; padding: 1 2; }
    ReviewScreen Input, ReviewScreen Select { margin-bottom: 1; }
    ReviewScreen #review-error { color: $error; }
    ReviewScreen Horizontal { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Enregistrer"),
        Binding("escape", "cancel", "Annuler"),
    ]

    def __init__(self, case_id: str, original: str, reviewer: str, t: T, label: Callable[[str], str]) -> None:
        super().__init__()
        self.case_id = case_id
        self.original = original
        self.reviewer = reviewer
        self.t = t
        self.label = label

    def compose(self) -> ComposeResult:
        t = self.t
        options = [(t("Accepter le verdict"), "accept")]
        options += [
            (f"{t('Remplacer par')} {self.label(v.value)}", v.value)
            for v in (Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, Verdict.ERROR)
            if v.value != self.original
        ]
        options.append((t("Commentaire seulement"), "comment"))
        with Vertical():
            yield Label(Text(f"{t('Réviser le verdict')} — {self.case_id}", style="bold"))
            original = t("Verdict d'origine")
            yield Label(Text(f"{original} : {self.label(self.original)}"))
            yield Select(options, value="accept", allow_blank=False, id="decision")
            yield Input(value=self.reviewer, placeholder=t("Réviseur"), id="reviewer")
            yield Input(placeholder=t("Motif (obligatoire)"), id="reason")
            yield Label(t("Annotation signée avec votre clé (testbench keys init)."), classes="dim")
            yield Label("", id="review-error")
            with Horizontal():
                yield Button(f"{t('Enregistrer')} (ctrl+s)", id="save", variant="primary")
                yield Button(f"{t('Annuler')} (échap)", id="cancel")

    def action_save(self) -> None:
        decision = str(self.query_one("#decision", Select).value)
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#review-error", Label).update(self.t("Un motif est obligatoire."))
            self.query_one("#reason", Input).focus()
            return
        action = decision if decision in ("accept", "comment") else "override"
        self.dismiss(
            {
                "action": action,
                "verdict": decision if action == "override" else "",
                "reviewer": self.query_one("#reviewer", Input).value.strip(),
                "reason": reason,
            }
        )

    def show_error(self, text: str) -> None:
        self.query_one("#review-error", Label).update(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()


class HelpScreen(ModalScreen[None]):
    """F1: every action of the registry with its current key, grouped."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "close", "Fermer")]

    def __init__(
        self, actions: list[tuple[ActionSpec, str]], t: T, describe: Callable[[ActionSpec], str], extra: str = ""
    ) -> None:
        super().__init__()
        self.describe = describe
        self.actions = actions
        self.t = t
        self.extra = extra

    def compose(self) -> ComposeResult:
        t = self.t
        table = Table(title=t("Touches"), expand=True, show_lines=False)
        table.add_column(t("Touche"), no_wrap=True, style="bold cyan")
        table.add_column(t("Action"))
        table.add_column("id", style="dim", no_wrap=True)
        group = None
        for spec, key in self.actions:
            if spec.group != group:
                group = spec.group
                table.add_row(Text(t(group), style="bold underline"), "", "")
            table.add_row(key, self.describe(spec), spec.id)
        with VerticalScroll():
            yield Static(table)
            if self.extra:
                yield Static(Text(self.extra, style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
