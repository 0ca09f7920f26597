"""The exam plan's coverage in the workstation (key ``c``): the same text ``testbench coverage`` prints.

The plan is the one given to ``testbench ui --plan``, else the one a run recorded in the session. The
coverage is computed by :mod:`testbench.scope` and rendered by :func:`testbench.scope.text.coverage_text`;
this module only shows it (or, said the same way as the CLI, why it cannot).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from testbench.scope.coverage import session_coverage
from testbench.scope.plan import PlanError
from testbench.scope.text import coverage_text, readiness_text
from testbench.store.connection import SessionError

if TYPE_CHECKING:
    from testbench.tui.app import WorkstationApp


def coverage_content(app: WorkstationApp) -> Text:
    """The window's text: the coverage, or what keeps it from being computed."""
    try:
        data = session_coverage(app.ws.session_path, app.campaign_options.plan).as_dict()
    except SessionError as exc:
        return Text(app.t(str(exc)))
    except PlanError as exc:
        return Text("\n".join(exc.lines(app.lang)))
    text = Text(coverage_text(data, app.lang))
    flag = readiness_text(data, app.lang)
    start = text.plain.find(flag)
    text.stylize("bold green" if data["ready"] else "bold red", start, start + len(flag))
    return text


class CoverageScreen(ModalScreen[None]):
    """The coverage text; Escape, c or q closes it."""

    DEFAULT_CSS = """
    CoverageScreen { align: center middle; }
    CoverageScreen > VerticalScroll { width: 95%; max-width: 140; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,c,q", "close", "Fermer")]

    def __init__(self, content: Text) -> None:
        super().__init__()
        self.content = content

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.content, id="coverage-text")

    def action_close(self) -> None:
        self.dismiss(None)


class CoverageWindow:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`: the ``coverage`` action."""

    def action_coverage(self: WorkstationApp) -> None:  # type: ignore[misc]
        self.push_screen(CoverageScreen(coverage_content(self)))
