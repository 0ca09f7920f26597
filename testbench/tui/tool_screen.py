"""The one tool window (group « Outils »): the tool's fields with their defaults, Enter runs it in a worker,
its lines below, in the language shown (F2 draws them again without running the tool twice).

Which fields, defaults and core function each tool has is :mod:`testbench.tui.tools`; the work is the CLI's
(:mod:`testbench.tools`). A field left empty that the tool needs is said on the window's notice line; a
refusal is the tool's own sentence, in red; a defect is shown by name, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE
from testbench.tools.result import ToolResult
from testbench.tui.fault import fault_text
from testbench.tui.footer import WholeKeysFooter
from testbench.tui.screens import CLOSE, FormScreen, OneValue, T, workstation_keys
from testbench.tui.tools import TOOLS, Field, Tool, ToolContext, Values, defaults

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


class ToolScreen(FormScreen[None]):
    """A tool's fields (Enter runs it, Tab goes to the next field, Escape closes) and its result below."""

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

    def __init__(self, tool: Tool, defaults: Values, t: T, run: Callable[[ToolScreen, Values], None]) -> None:
        super().__init__()
        self.tool = tool
        self.defaults = defaults
        self.t = t
        self.start = run
        self.outcome: ToolResult | None = None
        self.running = False
        self.ran_with: Values | None = None  # the fields the tool last ran with: typed, and confirmed by Enter

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
        value = self.defaults.get(field.id, "")
        if field.choices is None:
            return OneValue(value, id=f"field-{field.id}")
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
        self.push_screen(
            ToolScreen(tool, defaults(tool, ctx), self.t, lambda screen, values: self._run_tool(screen, values))
        )

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
