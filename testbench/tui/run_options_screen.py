"""The run options window: parallel benches and a CI shard, as ``run --workers N`` and ``run --shard K/N``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from testbench.tui.footer import WholeKeysFooter
from testbench.tui.run_options import RunChoice
from testbench.tui.screens import RECOVERED_CHOICE, KeptFormScreen, OneValue, workstation_keys
from testbench.tui.workstation import Draft

T = Callable[[str], str]


class RunOptionsScreen(KeptFormScreen[RunChoice | None]):
    """Two fields, each with what it means; Enter or ctrl+s applies, Escape leaves things as they were.

    ``check`` reads the fields into a choice, or gives the problems, every field's at once, each named by the
    field's label: the window stays open with what was typed and says them on its notice line, one a line.
    What is typed and not applied is kept beside the session as it is typed (``keep``), and offered back (``kept``,
    said recovered, counted as typed) after a closed terminal, a crash or ``kill -9``.
    """

    DEFAULT_CSS = """
    RunOptionsScreen { align: center middle; }
    RunOptionsScreen > Vertical { width: 90%; max-width: 100; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 1 2; overflow-y: auto; scrollbar-gutter: stable; }
    RunOptionsScreen.-short > Vertical { width: 100%; padding: 0 1; border: tall $primary; }
    RunOptionsScreen .meaning { color: $text-muted; }
    RunOptionsScreen Input { margin-bottom: 1; }
    RunOptionsScreen.-short Input { margin-bottom: 0; border: none; height: 1; }
    RunOptionsScreen.-short Input:focus { background: $boost; text-style: bold; }
    RunOptionsScreen.-short #buttons { display: none; }
    RunOptionsScreen Horizontal { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Appliquer"),
        Binding("escape", "cancel", "Annuler"),
        *workstation_keys("help", "quit"),  # its footer: this window's keys, not the main screen's
    ]
    AUTO_FOCUS = "#workers"
    draft_name = "run-options"
    #: the fields kept, with their labels (a PIN typed in one is never written: ``Workstation.save_tool_draft``)
    LABELS: ClassVar[dict[str, str]] = {"workers": "Bancs en parallèle", "shard": "Partition CI"}

    def __init__(
        self,
        current: RunChoice,
        t: T,
        check: Callable[[str, str], RunChoice | list[str]],
        *,
        kept: Draft | None = None,
        keep: Callable[..., None] | None = None,
    ) -> None:
        super().__init__()
        self.current = current
        self.t = t
        self.check = check
        self.kept = kept.values if kept is not None else {}  # typed before the workstation closed: offered back
        self._keep = keep  # given :meth:`typed_now`, a pause after each change: kept on disk

    def on_mount(self) -> None:
        if self.kept:
            self.say_recovered(RECOVERED_CHOICE)

    def opened_with(self) -> dict[str, str]:
        """The fields as the current choice fills them."""
        return {"workers": str(self.current.workers), "shard": str(self.current.shard or "")}

    def typed_now(self) -> tuple[Any, ...]:
        """The fields that differ from the current choice."""
        opened = self.opened_with()
        return ({name: value for name in opened if (value := self.query_one(f"#{name}", Input).value) != opened[name]},)

    def _field(self, name: str, **options: Any) -> OneValue:
        """The field ``name``, with what was typed in it before the workstation closed, if anything: typed still."""
        opened = self.opened_with()[name]
        field = OneValue(self.kept.get(name, opened), id=name, **options)
        field.opened_with = opened
        return field

    def compose(self) -> ComposeResult:
        t = self.t
        self.label_keys()
        with Vertical():
            title = Text(t("Options d'exécution"), style="bold")  # the keys too: 80×24 has no room for the buttons
            keys = t("{enter} : appliquer · {escape} : annuler").format(
                enter=self.key("enter"), escape=self.key("escape")
            )
            title.append(f" — {keys}", style="dim")
            yield Label(title)
            yield self.notice_line()
            yield Label(Text(t("Bancs en parallèle"), style="bold"))
            yield Static(
                t(
                    "N bancs exécutent les cas en même temps, chacun sur sa paire de lecteurs Vitale + CPS ; "
                    "un seul processus écrit la session, verdicts et rapport sont ceux d'une exécution en série "
                    "(testbench run --workers N). 1 : un seul banc."
                ),
                classes="meaning",
            )
            yield self._field("workers", type="integer")
            yield Label(Text(t("Partition CI"), style="bold"))
            yield Static(
                t(
                    "K/N : la tranche K sur N de la campagne, stable et équilibrée, celle qu'un job de CI exécute "
                    "(testbench run --shard K/N) ; la sélection et le reste n'exécutent que ses cas, testbench merge "
                    "réunit les sessions des partitions. Vide : toute la campagne."
                ),
                classes="meaning",
            )
            yield self._field("shard", placeholder="K/N")
            with Horizontal(id="buttons"):
                yield Button(f"{t('Appliquer')} ({self.key('ctrl+s')})", id="apply", variant="primary")
                yield Button(f"{t('Annuler')} ({self.key('escape')})", id="cancel")
        yield WholeKeysFooter()

    def action_apply(self) -> None:
        answer = self.check(self.query_one("#workers", Input).value, self.query_one("#shard", Input).value)
        if isinstance(answer, RunChoice):
            self.dismiss(answer)
        else:  # nothing typed is lost: the window stays, with the reason why
            self.show_notice("\n".join(self.t(line) for line in answer), "error")  # one line per problem

    def action_cancel(self) -> None:
        self.close_unless_typed(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()
