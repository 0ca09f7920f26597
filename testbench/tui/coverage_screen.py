"""The exam plan's coverage in the workstation (key ``c``): the same text ``testbench coverage`` prints.

The plan is the one chosen in the workstation (key ``p``: a plan shipped with testbench, or the path of
one), else the one given to ``testbench ui --plan``, else the one a run recorded in the session. The
coverage is computed by :mod:`testbench.scope` and rendered by :func:`testbench.scope.text.coverage_text`;
this module only shows it (or, said the same way as the CLI, why it cannot: but a session without a plan
points to the plan key, not to ``--plan``). The plan chosen is read for
the coverage only: what a run records stays the plan of ``ui --plan``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from testbench.paths import CASEBOOKS_DIR
from testbench.scope.coverage import session_coverage
from testbench.scope.plan import NO_PLAN, PlanError, load_plan
from testbench.scope.text import coverage_text, readiness_text
from testbench.store.connection import SessionError
from testbench.tui.actions import display_key, effective_keys, reach
from testbench.tui.bench_view import BenchWindows
from testbench.tui.footer import WholeKeysFooter
from testbench.tui.screens import CLOSE, RECOVERED_CHOICE, KeptFormScreen, OneValue, ReadingWindow, T, workstation_keys
from testbench.tui.tools import unquoted
from testbench.tui.workstation import Draft

if TYPE_CHECKING:
    from testbench.tui.app import WorkstationApp

#: the exam plans shipped with testbench (``casebooks/plans``), offered first by the plan window
PLANS_DIR = CASEBOOKS_DIR / "plans"


def coverage_content(app: WorkstationApp) -> Text:
    """The window's text: the coverage, or what keeps it from being computed."""
    try:
        plan = app.coverage_plan or app.campaign_options.plan
        data = session_coverage(app.ws.session_path, plan).as_dict(detail=True)
    except SessionError as exc:
        return Text(app.t(str(exc)))
    except PlanError as exc:
        if [p.message for p in exc.problems] == [NO_PLAN]:  # the CLI's words name --plan: here, the plan key
            how = reach("coverage-plan", effective_keys(app.settings.keymap), app.t)
            return Text(
                app.t("{path} : aucun plan d'examen : choisissez-en un avec {action}").format(path=exc.name, action=how)
            )
        return Text("\n".join(exc.lines(app.lang)))
    text = Text(coverage_text(data, app.lang))
    flag = readiness_text(data, app.lang)
    start = text.plain.find(flag)
    text.stylize("bold green" if data["ready"] else "bold red", start, start + len(flag))
    return text


class CoverageScreen(ReadingWindow[bool]):
    """The coverage text; Escape, c or q closes it, the plan key (``p``) closes it to choose another plan, F2
    shows it in the other language."""

    DEFAULT_CSS = """
    CoverageScreen { align: center middle; }
    CoverageScreen > VerticalScroll { width: 95%; max-width: 140; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    CoverageScreen #coverage-hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,c,q", "close", CLOSE),
        *workstation_keys("help", "quit"),  # its footer: this window's keys, not the main screen's
    ]

    def __init__(
        self, content: Text, plan_key: str = "p", hint: str = "", again: Callable[[], tuple[Text, str]] | None = None
    ) -> None:
        super().__init__()
        self.content = content
        self.hint = hint
        self.again = again  # the content and the hint in the language shown (F2)
        self._bindings.bind(plan_key, "choose_plan", show=False)

    async def retranslate(self) -> None:
        if self.again is not None:
            self.content, self.hint = self.again()
            await self.recompose()

    def content_widgets(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.content, id="coverage-text")
            if self.hint:
                yield Static(Text(self.hint), id="coverage-hint")

    def action_close(self) -> None:
        self.dismiss(False)

    def action_choose_plan(self) -> None:
        self.dismiss(True)


class PlanScreen(KeptFormScreen[Path | None]):
    """Choose the exam plan of the coverage: one shipped with testbench (a list), or a path typed.

    A plan that cannot be read or checked is refused on the window's notice line, in the plan check's
    words (file:line), with what was typed kept; Escape leaves the plan as it was. The path typed and not chosen
    is kept beside the session as it is typed (``keep``), and offered back (``kept``, said recovered, counted as
    typed) after a closed terminal, a crash or ``kill -9``.
    """

    DEFAULT_CSS = """
    PlanScreen { align: center middle; }
    PlanScreen > Vertical { width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2; }
    PlanScreen.-short > Vertical { width: 100%; max-height: 100%; padding: 0 1; }
    PlanScreen OptionList { height: auto; max-height: 8; }
    PlanScreen .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler"),
        *workstation_keys("help", "quit"),  # its footer: this window's keys, not the main screen's
    ]

    draft_name = "coverage-plan"
    #: the field kept, with its label (a PIN typed in it is never written: ``Workstation.save_tool_draft``)
    LABELS: ClassVar[dict[str, str]] = {"path": "ou le chemin d'un plan (TOML)"}

    def __init__(
        self,
        plans: list[Path],
        t: T,
        current: Path | None,
        *,
        kept: Draft | None = None,
        keep: Callable[..., None] | None = None,
    ) -> None:
        super().__init__()
        self.plans = plans
        self.t = t
        self.current = current
        self.kept = kept.values.get("path", "") if kept is not None else ""  # typed before the workstation closed
        self._keep = keep  # given :meth:`typed_now`, a pause after each change: kept on disk

    def typed_now(self) -> tuple[Any, ...]:
        """The path typed, if any."""
        typed = self.query_one("#plan-path", Input).value
        return ({"path": typed} if typed.strip() else {},)

    def compose(self) -> ComposeResult:
        t = self.t
        self.label_keys()
        with Vertical():
            yield Label(Text(t("Plan d'examen de la couverture"), style="bold"))
            yield self.notice_line()
            if self.current is not None:
                yield Static(Text(f"{t('Plan actuel')}{t(' : ')}{self.current}"), classes="hint")
            yield Label(t("Plans fournis avec testbench"))
            yield OptionList(*(Option(plan.name, id=str(n)) for n, plan in enumerate(self.plans)), id="plans")
            yield Label(t("ou le chemin d'un plan (TOML)"))
            enter, tab, escape = self.key("enter"), self.key("tab"), self.key("escape")
            placeholder = t("chemin du plan, puis {enter}").format(enter=enter)
            path = OneValue(self.kept, placeholder=placeholder, id="plan-path")
            path.opened_with = ""  # a path recovered counts as typed: Escape and Ctrl+Q warn before dropping it
            yield path
            hint = t("{enter} : choisir · {tab} : liste ou chemin · {escape} : annuler")
            yield Static(hint.format(enter=enter, tab=tab, escape=escape), classes="hint")
        yield WholeKeysFooter()

    def on_mount(self) -> None:
        self.query_one("#plans" if self.plans and not self.kept else "#plan-path").focus()
        if self.kept:
            self.say_recovered(RECOVERED_CHOICE)

    @on(OptionList.OptionSelected, "#plans")
    def _listed(self, event: OptionList.OptionSelected) -> None:
        self._choose(self.plans[int(event.option.id or 0)])

    @on(Input.Submitted, "#plan-path")
    def _typed(self, event: Input.Submitted) -> None:
        typed = unquoted(event.value)  # « Copier en tant que chemin d'accès » pastes it between quotes
        if not typed:
            self.show_notice(self.t("Donnez le chemin d'un plan d'examen (TOML)."), "warning")
            return
        self._choose(Path(typed).expanduser())

    def _choose(self, path: Path) -> None:
        try:
            load_plan(path)  # the check ``coverage --plan`` makes: a plan refused is said here, nothing lost
        except PlanError as exc:
            self.show_notice("\n".join(exc.lines(self.app.lang)), "error")  # type: ignore[attr-defined]
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.close_unless_typed(None)


class CoverageWindow(BenchWindows):
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`: the ``coverage`` and ``coverage-plan`` actions.

    The bench's windows (:class:`~testbench.tui.bench_view.BenchWindows`: readers, integrity) come with it:
    the exam-day checks of the CLI, one slot in the app's bases.
    """

    #: the plan chosen in the workstation (``coverage-plan``); None: the plan of ``ui --plan`` or the session's
    coverage_plan: Path | None = None

    def action_coverage(self: WorkstationApp) -> None:  # type: ignore[misc]
        key = {spec.id: key for spec, key in self.action_keys()}["coverage-plan"]

        def contents() -> tuple[Text, str]:  # in the language shown, when the window opens and after F2
            hint = self.t("{key} : choisir le plan d'examen (fourni avec testbench, ou un chemin)")
            return coverage_content(self), hint.format(key=display_key(key, self.t))

        def done(choose: bool | None) -> None:
            if choose:
                self.action_coverage_plan()

        content, hint = contents()
        self.push_screen(CoverageScreen(content, key, hint, again=contents), done)

    def action_coverage_plan(self: WorkstationApp) -> None:  # type: ignore[misc]
        def done(path: Path | None) -> None:
            if path is not None:
                self.coverage_plan = path
                self.action_coverage()

        plans = sorted(PLANS_DIR.glob("*.toml"))
        current = self.coverage_plan or self.campaign_options.plan

        def window(kept: Draft | None, keep: Callable[..., None]) -> PlanScreen:
            return PlanScreen(plans, self.t, current, kept=kept, keep=keep)

        self.open_kept(PlanScreen.draft_name, PlanScreen.LABELS, window, done)
