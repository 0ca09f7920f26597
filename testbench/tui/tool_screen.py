"""The one tool window (group « Outils »): the tool's fields with their defaults, Enter runs it in a worker,
its lines below, in the language shown (F2 draws them again without running the tool twice).

Which fields, defaults and core function each tool has is :mod:`testbench.tui.tools`; the work is the CLI's
(:mod:`testbench.tools`). A field left empty that the tool needs is said on the window's notice line; a
refusal is the tool's own sentence, in red; a defect is shown by name, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from testbench.i18n import _t
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE
from testbench.tools.result import ToolResult
from testbench.tui.actions import BY_ID, effective_keys, reach
from testbench.tui.fault import fault_text
from testbench.tui.footer import WholeKeysFooter
from testbench.tui.screens import CLOSE, KeptFormScreen, OneValue, T, workstation_keys
from testbench.tui.tools import TOOLS, Field, Tool, ToolContext, Values, defaults
from testbench.tui.workstation import Draft

if TYPE_CHECKING:
    from testbench.tui.app import WorkstationApp


def outcome(code: int, t: T) -> tuple[str, str]:
    """What a tool's exit code means to the person (the CLI's documented exit codes), and its colour."""
    if code == EXIT_OK:
        return f"✔ {t('terminé')}", "green"
    if code == EXIT_ENVIRONMENT:
        return f"? {t('banc ou environnement indisponible')}", "yellow"
    if code == EXIT_USAGE:
        return f"✘ {t('entrée invalide')}", "red"
    return f"✘ {t('échec')}", "red"


def result_text(result: ToolResult, t: T, lang: str) -> Text:
    """The tool's lines in ``lang`` (errors in red), the files it wrote, then what its exit code means."""
    text = Text()
    for line, error in result.texts(lang):
        text.append(line + "\n", style="red" if error else "")
    text.append_text(written_text(result, t))
    said, style = outcome(result.code, t)
    text.append(f"{said} (code {result.code})", style=f"bold {style}")
    return text


def written_text(result: ToolResult, t: T) -> Text:
    return Text("".join(t("écrit : {path}").format(path=path) + "\n" for path in result.written), style="dim")


def closed_notice(tool: Tool, result: ToolResult, t: T) -> str:
    """What a tool whose window was closed before it ended did: its title, outcome and the files it wrote."""
    said, _ = outcome(result.code, t)
    return f"{t(tool.title)}{t(' : ')}{said} (code {result.code})\n{written_text(result, t).plain}".rstrip()


#: a tool's window reopened with what was typed in it before the workstation closed (its draft)
RECOVERED_FIELDS = _t(
    "Saisie récupérée : tapée dans cette fenêtre avant la fermeture du poste d'examen, pas encore lancée."
    " Vérifiez-la puis {enter} ; {escape} deux fois la laisse."
)
#: as the session opens: a tool's window left with fields typed and not run (a closed terminal, a ``kill -9``)
KEPT_TOOL = _t(
    "{tool} : saisie tapée avant la fermeture du poste d'examen, pas encore lancée ; {action} la reprend"
)
#: the same for a window of a choice (the run options, the plan) kept as a tool's is (:meth:`ToolWindows.open_kept`)
KEPT_CHOICE = _t(
    "{tool} : saisie tapée avant la fermeture du poste d'examen, pas encore appliquée ; {action} la reprend"
)
#: those windows, by their action's id: the name of their draft
KEPT_WINDOWS = {"run-options": KEPT_CHOICE, "coverage-plan": KEPT_CHOICE}

Result = TypeVar("Result")


class ToolScreen(KeptFormScreen[None]):
    """A tool's fields (Enter runs it, Tab goes to the next field, Escape closes) and its result below.

    The fields changed from their defaults and not run successfully are kept beside the session as they are typed
    (``keep``, :meth:`typed_now`), and offered back (``kept``, said recovered, counted as typed) when the tool's
    window opens again after a closed terminal, a crash or ``kill -9``.
    """

    DEFAULT_CSS = """
    ToolScreen { align: center middle; }
    ToolScreen > Vertical { width: 95%; max-width: 140; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    ToolScreen.-short > Vertical { width: 100%; height: 100%; border: tall $primary; }
    ToolScreen.-short Input { height: 1; border: none; padding: 0 1; }
    /* a yes/no list on one line too: at 80×24 the report's seven fields left its result one line */
    ToolScreen.-short Select > SelectCurrent { border: none !important; padding: 0 1; }
    ToolScreen.-short Select:focus > SelectCurrent { background: $boost; text-style: bold; }
    ToolScreen .hint { color: $text-muted; }
    ToolScreen #tool-output { height: 1fr; border-top: solid $primary; }
    /* at 80×24 the window covers the main screen's footer, its hint line says its keys: the room is its result's */
    ToolScreen.-short WholeKeysFooter { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", CLOSE),
        *workstation_keys("help", "quit"),  # its footer: this window's keys, not the main screen's
    ]

    def __init__(
        self,
        tool: Tool,
        defaults: Values,
        t: T,
        run: Callable[[ToolScreen, Values], None],
        *,
        kept: Draft | None = None,
        keep: Callable[[Values], None] | None = None,
    ) -> None:
        super().__init__()
        self.tool = tool
        self.defaults = defaults
        self.t = t
        self.start = run
        self.outcome: ToolResult | None = None
        self.running = False
        self.ran_with: Values | None = None  # the fields the tool last ran with: typed, and confirmed by Enter
        self.kept = kept.values if kept is not None else {}  # typed before the workstation closed: offered back
        self._keep = keep  # given :meth:`typed_now`, a pause after each change: kept on disk
        self.draft_name = tool.id

    def on_mount(self) -> None:
        if self.kept:
            self.say_recovered(RECOVERED_FIELDS)

    def typed_now(self) -> tuple[Any, ...]:
        """The fields that differ from their defaults; none once the tool ran with them and ended well (done: the
        draft goes)."""
        values = self.values()
        if self.outcome is not None and self.outcome.code == EXIT_OK and values == self.ran_with:
            return ({},)
        return ({k: v for k, v in values.items() if v != self.defaults.get(k, "")},)

    def compose(self) -> ComposeResult:
        t = self.t
        self.label_keys()
        with Vertical():
            yield Label(Text(t(self.tool.title), style="bold"))
            yield self.notice_line()
            for field in self.tool.fields:
                yield Label(t(field.label))
                yield self._widget(field)
            hint = t("{enter} : lancer · {tab} : champ suivant · {escape} : fermer")
            yield Static(
                hint.format(enter=self.key("enter"), tab=self.key("tab"), escape=self.key("escape")), classes="hint"
            )
            with VerticalScroll(id="tool-output"):
                yield Static(self._output(), id="tool-result")
        yield WholeKeysFooter()

    def _widget(self, field: Field) -> Input | Select[str]:
        """A text to type, or a list to choose from (in the language shown; its default, else the first)."""
        default = self.defaults.get(field.id, "")
        value = self.kept.get(field.id, default)
        if field.choices is None:
            typed = OneValue(value, id=f"field-{field.id}")
            typed.opened_with = default  # a value recovered counts as typed: Escape and Ctrl+Q warn before dropping it
            return typed
        options = field.choices(self.app.lang)  # type: ignore[attr-defined]
        chosen = value if value in {v for _, v in options} else options[0][1]
        return Select(options, value=chosen, allow_blank=False, id=f"field-{field.id}")

    def _output(self) -> Text:
        if self.running:
            return Text(self.t(self.tool.waiting), style="dim")
        if self.outcome is None:
            return Text("")
        return result_text(self.outcome, self.t, self.app.lang)  # type: ignore[attr-defined]

    def values(self) -> Values:
        return {field.id: str(self.query_one(f"#field-{field.id}").value) for field in self.tool.fields}  # type: ignore[attr-defined]

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.running:
            return
        values = self.values()
        for field in self.tool.fields:
            if field.required and not values[field.id].strip():
                self.show_notice(self.t("« {field} » est à remplir.").format(field=self.t(field.label)), "warning")
                self.query_one(f"#field-{field.id}").focus()
                return
        self.query_one("#notice", Static).set_classes("notice")
        self.running, self.outcome, self.ran_with = True, None, values
        self.query_one("#tool-result", Static).update(self._output())
        self.start(self, values)

    def typed(self) -> bool:
        """A field changed since the window opened, and not run since (Enter ran the tool with what was typed)."""
        return super().typed() and self.values() != self.ran_with

    def show_result(self, result: ToolResult) -> None:
        """In the window; when it was closed before the answer came, in a toast: the outcome is not lost."""
        self.running, self.outcome = False, result
        if self.is_attached:
            self.query_one("#tool-result", Static).update(self._output())
            self._typed_changed()  # ended well: its draft goes
            return
        app: WorkstationApp = self.app  # type: ignore[assignment]
        said = closed_notice(self.tool, result, app.t)
        app.notify(said, severity="information" if result.code == EXIT_OK else "warning", markup=False)

    def action_close(self) -> None:
        self.close_unless_typed(None)


class ToolWindows:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`: the « Outils » actions (``tool('diff')``…)."""

    def tool_context(self: WorkstationApp) -> ToolContext:  # type: ignore[misc]
        entry = self.current_entry()
        bench = self.campaign_options.bench
        return ToolContext(
            session=self.ws.session_path,
            casebooks=tuple(cb.path for cb in self.ws.casebooks),
            casebook=entry.casebook.path if entry is not None else None,
            signing_key=self.settings.signing_key,
            engine=bench.engine,
            sut_profile=bench.sut_profile,
            lang=self.lang,
            engine_cards=bench.engine_cards,
            engine_timeout=bench.engine_timeout,
            keymap=dict(self.settings.keymap),
        )

    def action_tool(self: WorkstationApp, tool_id: str) -> None:  # type: ignore[misc]
        tool = TOOLS[tool_id]
        ctx = self.tool_context()

        def window(kept: Draft | None, keep: Callable[..., None]) -> ToolScreen:
            return ToolScreen(tool, defaults(tool, ctx), self.t, self._run_tool, kept=kept, keep=keep)

        self.open_kept(tool_id, {field.id: field.label for field in tool.fields}, window)

    def open_kept(  # type: ignore[misc]
        self: WorkstationApp,
        name: str,
        labels: dict[str, str],
        window: Callable[[Draft | None, Callable[..., None]], KeptFormScreen[Result]],
        done: Callable[[Result], None] | None = None,
    ) -> None:
        """Open a window kept one per window under ``name`` (a tool's, the run options', the plan's), given what
        was typed in it before the workstation closed (a closed terminal, a crash, ``kill -9``) and what keeps its
        fields as they are typed (those ``labels`` read as a PIN never written); closed on purpose — answered, or
        Escape told what it drops — nothing is left to offer back, then ``done`` has its answer."""
        self._withdraw(self.kept_tool_said(name))  # the window says it now, on its own line

        def closed(result: Result) -> None:
            self.ws.drop_tool_draft(name)
            if done is not None:
                done(result)

        self.push_screen(window(self.ws.tool_draft(name), partial(self.ws.save_tool_draft, name, labels)), closed)

    def say_kept_tools(self: WorkstationApp) -> None:  # type: ignore[misc]
        """As the session opens: each tool window's draft is said (a notice, the run log), with how to open it
        again, so that fields typed before the workstation closed are never forgotten unsaid."""
        for tool_id in self.ws.kept_tools():
            if tool_id not in TOOLS and tool_id not in KEPT_WINDOWS:  # another version's tool: nothing opens it
                self.ws.drop_tool_draft(tool_id)
                continue
            self.log_line(partial(self.kept_tool_line, tool_id))  # in the language shown (F2)
            self.notify(self.kept_tool_said(tool_id), severity="warning", timeout=15)

    def kept_tool_line(self: WorkstationApp, tool_id: str) -> str:  # type: ignore[misc]
        """The run log's line of :meth:`kept_tool_said`."""
        return f"✎ {self.kept_tool_said(tool_id)}"

    def kept_tool_said(self: WorkstationApp, tool_id: str) -> str:  # type: ignore[misc]
        """That tool ``tool_id``'s window (or the run options', the plan's) holds a draft, and how to open it again,
        in the language shown."""
        action = reach(tool_id, effective_keys(self.settings.keymap), self.t)
        said = KEPT_WINDOWS.get(tool_id, KEPT_TOOL)
        return self.t(said).format(tool=self.t(BY_ID[tool_id].label), action=action)

    def _run_tool(self: WorkstationApp, screen: ToolScreen, values: Values) -> None:  # type: ignore[misc]
        self._tool_worker(screen, values, self.tool_context())

    @work(thread=True, group="tool", exit_on_error=False, description="outil")
    def _tool_worker(self: WorkstationApp, screen: ToolScreen, values: Values, ctx: ToolContext) -> None:  # type: ignore[misc]
        try:
            result = screen.tool.run(values, ctx)
        except Exception as exc:  # a defect of the bench: a sentence and where its details are, never a traceback
            said = fault_text(exc, f"outil {screen.tool.id}")
            result = ToolResult().fail(EXIT_ENVIRONMENT, lambda t, _lang: t(said))
        self.call_from_thread(screen.show_result, result)
