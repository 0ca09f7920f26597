"""The bench seen from the workstation: its readers and their cards (key ``l``), and the integrity of the
open session (key ``i``) — what ``testbench cards list`` and ``testbench verify SESSION`` print, from the
same core functions (:mod:`testbench.cards.inventory`, :func:`testbench.runner.assemble.card_stack`,
:func:`testbench.integrity.verify.verify_session` and ``verdict_lines``).

Both read outside the UI thread (pcscd may be slow to answer, a long session's chain takes a while): the
window opens at once and says « … », then shows the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from testbench.runner.options import OPERATOR_ENGINE
from testbench.tui.fault import fault_text
from testbench.tui.screens import CLOSE, ReadingWindow, workstation_keys

if TYPE_CHECKING:
    from testbench.tui.app import WorkstationApp

T = Callable[[str], str]


def readers_content(cards: str, t: T, lang: str, *, operated: bool = False) -> Text:
    """Which cards the bench uses (``cards``: ``--cards`` as the bench resolves it now, said in words; ``operated``:
    operator mode, where no in-memory card stands in), then every reader pcscd lists with its card, as
    ``testbench cards list`` prints them, or why PC/SC cannot."""
    from testbench.cards.api import CardUnavailable
    from testbench.cards.inventory import reader_states
    from testbench.cards.pcsc_errors import no_reader_message
    from testbench.runner.assemble import card_stack

    stack, problem = card_stack(cards, operated=operated)
    # the mode in words, never ``--cards``: the bench's cards chosen by it (auto) or as asked
    bench = t("Cartes du banc (choix automatique)") if cards == "auto" else t("Cartes du banc")
    if stack == "pcsc":
        head = t("{cards} : lecteurs PC/SC (pcscd)")
    elif stack == "refused":
        head = t("{cards} : aucune, pile PC/SC indisponible ({problem})")
    elif problem:
        head = t("{cards} : lecteur virtuel en mémoire, pile PC/SC indisponible ({problem})")
    else:
        head = t("{cards} : lecteur virtuel en mémoire")
    text = Text(head.format(cards=bench, problem=t(problem) if problem else ""), style="bold")
    text.append(f"\n\n{t('Lecteurs PC/SC')}\n", style="underline")
    try:
        rows = reader_states()
    except CardUnavailable as exc:
        text.append(t(str(exc)), style="red")
        return text
    text.append("\n".join(row.text(lang) for row in rows) if rows else no_reader_message(lang))
    return text


def integrity_content(app: WorkstationApp) -> Text:
    """What ``testbench verify`` says of the open session, its verdict last (green when whole, red when not)."""
    from testbench.integrity.verify import VerifyUsageError, verdict_lines, verify_session

    path = app.ws.session_path
    text = Text(f"{app.t('Intégrité de la session')}{app.colon}{path}\n\n", style="bold")
    try:
        result = verify_session(path)
    except VerifyUsageError as exc:
        text.append(exc.render(app.t), style="red")
        return text
    *lines, verdict = verdict_lines(result, app.t, app.lang)
    text.append("".join(f"{line}\n" for line in lines))
    text.append(verdict, style="bold red" if result.altered else "bold green")
    return text


class BenchScreen(ReadingWindow[None]):
    """A read-only window (readers, integrity) filled once its answer is read; Escape or q closes it, F2 reads
    it again in the other language."""

    DEFAULT_CSS = """
    BenchScreen { align: center middle; }
    BenchScreen > VerticalScroll { width: 95%; max-width: 140; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", CLOSE),
        *workstation_keys("help", "quit"),  # its footer: this window's keys, not the main screen's
    ]

    def __init__(self, waiting: str, refill: Callable[[BenchScreen], None] | None = None) -> None:
        super().__init__()
        self.waiting = waiting
        self.filled = False
        self.refill = refill  # reads the answer again, in the language shown (F2)
        self.reading = 0  # which reading the window waits for: an answer to an earlier one (F2 twice) is dropped

    async def retranslate(self) -> None:
        if self.refill is not None:
            self.filled = False
            self.refill(self)

    def content_widgets(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(self.waiting, style="dim"), id="bench-text")

    def wait(self, waiting: str) -> int:
        """« … » again while the answer is read anew; the reading to give to :meth:`show`."""
        self.waiting = waiting
        self.reading += 1
        if self.is_mounted:
            self.query_one("#bench-text", Static).update(Text(waiting, style="dim"))
        return self.reading

    def show(self, content: Text, reading: int | None = None) -> None:
        if reading not in (None, self.reading):  # an earlier reading, in the language shown before F2
            return
        if self.is_attached:  # not closed before the answer came
            self.query_one("#bench-text", Static).update(content)
            self.filled = True

    def action_close(self) -> None:
        self.dismiss(None)


class BenchWindows:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`: the ``readers`` and ``integrity`` actions."""

    def action_readers(self: WorkstationApp) -> None:  # type: ignore[misc]
        def fill(screen: BenchScreen) -> None:  # when the window opens, and again in the language F2 chose
            reading = screen.wait(self.t("… lecture des lecteurs PC/SC"))
            bench = self.campaign_options.bench
            self._fill_readers(screen, bench.cards, bench.engine == OPERATOR_ENGINE, self.t, self.lang, reading)

        screen = BenchScreen(self.t("… lecture des lecteurs PC/SC"), refill=fill)
        self.push_screen(screen)
        fill(screen)

    def action_integrity(self: WorkstationApp) -> None:  # type: ignore[misc]
        def fill(screen: BenchScreen) -> None:
            self._fill_integrity(screen, screen.wait(self.t("… vérification de la chaîne du journal")))

        screen = BenchScreen(self.t("… vérification de la chaîne du journal"), refill=fill)
        self.push_screen(screen)
        fill(screen)

    @work(thread=True, group="bench", exit_on_error=False, description="lecteurs PC/SC")
    def _fill_readers(  # type: ignore[misc]
        self: WorkstationApp, screen: BenchScreen, cards: str, operated: bool, t: T, lang: str, reading: int
    ) -> None:
        content = _answer(lambda: readers_content(cards, t, lang, operated=operated), t, "lecteurs PC/SC")
        self.call_from_thread(screen.show, content, reading)

    @work(thread=True, group="bench", exit_on_error=False, description="intégrité de la session")
    def _fill_integrity(self: WorkstationApp, screen: BenchScreen, reading: int) -> None:  # type: ignore[misc]
        content = _answer(lambda: integrity_content(self), self.t, "intégrité de la session")
        self.call_from_thread(screen.show, content, reading)


def _answer(content: Callable[[], Text], t: T, doing: str) -> Text:
    """The window's content; a defect is said in it as the bench's, with where its details were written (the
    window never stays at « … », and shows no exception's class name)."""
    try:
        return content()
    except Exception as exc:
        return Text(t(fault_text(exc, doing)), style="red")
