"""What the exam view shows, computed without Textual: the case in progress on the application under test.

On exam day the product is the editor's application; the examiner follows one case at a time: its
instruction and objective, the step in progress, each expected value as its observation arrives (with
where it was read, when the read model says so), the files the application writes into the watched
folders, and how long the attempt has taken. The widgets of ``tui.exam_view`` only display this.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.containers import Lines
from rich.table import Table
from rich.text import Text

from testbench.casebook.instructions import describe_step
from testbench.casebook.model import Case, Casebook, ExpectationKind, Step, StepKind
from testbench.domain.observe import unflatten
from testbench.domain.verdict import Verdict
from testbench.domain.vocabulary import STEP_ACTIONS
from testbench.engines.operator.origin import keyed, origin_text, quoted
from testbench.i18n import tn
from testbench.runner.compare import compare_value
from testbench.sut.filenames import partial as being_written
from testbench.sut.filenames import readable_name
from testbench.tui.patient import patient_words
from testbench.tui.render import MARKS, PathText
from testbench.tui.workstation import shown_value

if TYPE_CHECKING:
    from testbench.engines.operator.assisted import OutputsAwaited

Translate = Callable[[str], str]


@dataclass(frozen=True)
class FolderFile:
    """A file in a watched folder: its name, size, and whether it appeared during the attempt."""

    folder: str
    name: str
    size: int
    new: bool


class FolderWatch:
    """A light poll of the folders where the application writes (FSE, lots, returns).

    ``start()`` notes what is there when the attempt begins; ``files()`` lists every file with the
    ones that appeared or changed since marked new, never one still being written under a temporary name
    (:mod:`testbench.sut.filenames`, the rule of what is captured). One ``os.scandir`` per folder: no recursion.
    """

    def __init__(self, folders: Iterable[Path]) -> None:
        self.folders = tuple(dict.fromkeys(Path(f) for f in folders))
        self._before: dict[Path, tuple[int, int]] = {}

    def _scan(self) -> dict[Path, tuple[int, int]]:
        seen: dict[Path, tuple[int, int]] = {}
        for folder in self.folders:
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:  # never a file being written (« FSE.xml.tmp »): what is captured
                        if entry.is_file() and not being_written(entry.name):
                            info = entry.stat()
                            seen[Path(entry.path)] = (info.st_size, info.st_mtime_ns)
            except OSError:  # not there yet, or unreadable: nothing to show from it
                continue
        return seen

    def start(self, written: Iterable[Path] = ()) -> None:
        """What is there now is not new, but the files ``written`` for the step while the bench was closed (a
        continued step reads them: they are its own)."""
        gap = set(written)
        self._before = {path: sig for path, sig in self._scan().items() if path not in gap}

    def files(self) -> list[FolderFile]:
        """New files first (newest first), then the ones that were already there."""
        rows = []
        for path, (size, mtime) in self._scan().items():
            new = self._before.get(path) != (size, mtime)
            # named as a person reads it, and as the session keeps the evidence (cp1252 bytes read as such)
            rows.append((mtime, FolderFile(readable_name(path.parent.name), readable_name(path.name), size, new)))
        rows.sort(key=lambda r: (not r[1].new, -r[0]))
        return [row for _, row in rows]


@dataclass(frozen=True)
class ExpectedValue:
    """One value expectation of the case, filled in once its observation arrives.

    The values read as a person reads them in the language asked: as recorded, a boolean's yes/no and an
    engine's known status word aside (workstation.shown_value).
    """

    path: str
    expected: str
    observed: str | None = None
    source: str = ""  # engine | operator | extraction | correction | bench
    provenance: str = ""  # « observé 163.80 — 000015.b2, enregistrement 3, colonnes 45–52 », when read by an extractor
    # waiting | observed | differs (the runner's own comparison, as a glance before the verdict) | missing
    # (the attempt ended without it)
    state: str = "waiting"


@dataclass(frozen=True)
class AttemptEnd:
    """How an attempt ended, as the runner said it: its verdict and reason (an extraction error, a step
    refused…), and how long it took when known."""

    verdict: str
    reason: str = ""
    duration: float | None = None
    continues: bool = False  # an operator-mode attempt cut short (the bench closed): a run takes it up again

    @property
    def over(self) -> bool:
        """The attempt will not go on (a final verdict, or interrupted for good): what it did not observe, it
        never will. A step left pending, or an operator-mode attempt the next run continues, is taken up again:
        the values of its steps not reached are not due yet."""
        return self.verdict != Verdict.PENDING.value and not self.continues


@dataclass
class ExamProgress:
    """The attempt in progress as the run's events tell it (set by the UI thread's handlers)."""

    case: Case
    attempt_id: int
    started: float = field(default_factory=time.monotonic)
    step: Step | None = None
    finished: float | None = None
    end: AttemptEnd | None = None  # the outcome of the case, from its last event
    awaiting: OutputsAwaited | None = None  # the step done, the application's outputs waited for (assisted mode)

    def elapsed(self, now: float | None = None) -> float:
        end = self.finished if self.finished is not None else (time.monotonic() if now is None else now)
        return max(0.0, end - self.started)


def format_elapsed(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def expected_values(
    case: Case, observations: Iterable[Mapping[str, Any]], t: Translate, lang: str = "fr", ended: bool = False
) -> list[ExpectedValue]:
    """The case's value expectations, each with its latest observation (a correction overrides a reading),
    in ``lang`` (``t``'s language): a boolean reads oui/non (yes/no), never « true ». Once the attempt has
    ``ended``, a value still without observation is marked missing, no longer awaited."""
    latest: dict[str, Mapping[str, Any]] = {}
    for obs in observations:
        latest[str(obs.get("path"))] = obs
    rows = []
    for exp in case.expectations:
        if exp.kind is not ExpectationKind.VALUE:
            continue
        obs = latest.get(exp.path)
        # an amount reads as money, a decimal the language's way, an engine's status word in words, as elsewhere
        expected = shown_value(exp.path, exp.value_type, exp.expected, lang)
        if obs is None:
            rows.append(ExpectedValue(exp.path, expected, state="missing" if ended else "waiting"))
            continue
        raw = obs.get("value")
        value = shown_value(exp.path, exp.value_type, raw, lang)
        same = compare_value(exp, unflatten({exp.path: raw})).outcome is Verdict.PASS
        quote = partial(quoted, exp.path, lang=lang, value_type=exp.value_type)
        said = keyed(exp.path, raw, str(obs.get("source") or ""))
        where = origin_text(quote(raw), obs.get("provenance"), t, quote=quote, keyed=said)  # the report's sentence
        rows.append(
            ExpectedValue(
                exp.path, expected, value, str(obs.get("source") or ""), where, "observed" if same else "differs"
            )
        )
    return rows


def step_instruction(step: Step | None, guidance: Mapping[str, Any] | None = None, lang: str | None = None) -> str:
    """What the examiner does in the application for this step: the casebook's words, or the step as one
    plain instruction in ``lang`` (the case view's, never the action's element name) and how this product
    performs its engine call (the SUT profile's guidance: menu path, note)."""
    if step is None:
        return ""
    if step.kind is StepKind.MANUAL or step.instruction:
        return step.instruction
    call = next((a.call for a in STEP_ACTIONS if a.name == step.action), None)
    how = (guidance or {}).get(call or "")
    parts = [getattr(how, "menu", ""), getattr(how, "note", "")]
    return " — ".join(p for p in (describe_step(step, lang=lang), *parts) if p)


def window_consigne(case: Case, step: Step, lang: str | None = None) -> str:
    """The case's own step in plain words for the manual-step window (the exam view's « Consigne », without the
    profile's guidance, which the bench's instruction already gives): in operator mode the window asks for an
    engine step (an invoice) by its name only, while what to key in (lines, dates, tiers payant) is the case's.
    Empty for a step the casebook writes as manual: its instruction is the window's."""
    own = next((s for s in case.steps if s.id == step.id), None)
    if own is None or own.kind is StepKind.MANUAL:
        return ""
    return own.instruction or describe_step(own, lang=lang)


SOURCES = {"engine": "moteur", "operator": "saisi", "extraction": "extrait", "correction": "corrigé", "bench": "banc"}
STATE_STYLES = {
    "waiting": ("…", "dim"),
    "observed": ("✔", "green"),
    "differs": ("≠", "bold red"),
    "missing": ("✘", "bold red"),
}


#: the most rows the exam view's band gives a case's title, and its objective: the values keep the room
TITLE_LINES = 3


@dataclass(frozen=True)
class Clamped:
    """``text`` wrapped to the width it is drawn at, at most ``lines`` rows, the last ending in « … » when cut."""

    text: Text
    lines: int

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, 2)
        rows = self.text.wrap(console, width)
        if len(rows) > self.lines:
            rows = Lines(rows[: self.lines])
            last = rows[-1]
            last.rstrip()
            last.truncate(width - 1)
            last.append("…")
        yield Text("\n").join(rows)


def header(
    case: Case,
    progress: ExamProgress | None,
    t: Translate,
    guidance: Mapping[str, Any] | None = None,
    lang: str | None = None,
) -> RenderableType:
    """The case in large type: a reversed band with its id and title, its objective, the instruction now."""
    band = Text(f" {case.id} ", style="bold reverse")
    band.append(f"  {case.title}", style="bold")
    objective = Text.assemble((f"{t('Objectif')}{t(' : ')}", "dim"), (case.objective, "bold"))
    lines: list[RenderableType] = [Clamped(band, TITLE_LINES), Clamped(objective, TITLE_LINES)]
    instruction = step_instruction(progress.step if progress else None, guidance, lang)
    if instruction:
        lines.append(Text.assemble((f"{t('Consigne')}{t(' : ')}", "dim"), (instruction, "bold yellow")))
    return Group(*lines)


def ahead(
    progress: ExamProgress | None,
    t: Translate,
    guidance: Mapping[str, Any] | None = None,
    lang: str | None = None,
    casebook: Casebook | None = None,
    upcoming: Step | None = None,
) -> RenderableType | None:
    """Under the header, where the view has the rows: the patient the step under way bills as ``casebook``'s fixture
    writes it (what the operator keys into the application; the instruction names the fixture's id only), and with
    no step under way ``upcoming`` (the first step of a case never run) as « Première étape », so that the patient
    can be looked up in the application before ``r``. None when there is nothing to say."""
    lines: list[RenderableType] = []
    step = progress.step if progress else upcoming
    instruction = "" if progress else step_instruction(upcoming, guidance, lang)
    if instruction:
        lines.append(Text.assemble((f"{t('Première étape')}{t(' : ')}", "dim"), (instruction, "bold yellow")))
    patient = patient_words(casebook, step, t, lang)
    if patient:
        lines.append(Clamped(Text.assemble((f"{t('Patient')}{t(' : ')}", "dim"), (patient, "bold")), 2))
    return Group(*lines) if lines else None


def step_line(
    case: Case, progress: ExamProgress | None, t: Translate, now: float | None = None, end: AttemptEnd | None = None
) -> Text:
    """« étape s2 (2/4)   durée 01:23 »: the step in progress (the header says what it does) and the attempt's
    timer; once the attempt has ended (``end``, or the progress's own), how: « tentative terminée : ✘ échec —
    reason »."""
    if progress is not None and progress.case.id != case.id:
        progress = None
    end = end or (progress.end if progress is not None else None)
    if end is not None:
        return end_line(end, t, progress.elapsed(now) if progress is not None else end.duration)
    if progress is None:
        return Text(t("pas de tentative en cours"), style="dim")
    text = Text()
    if progress.finished is not None:
        text.append(t("tentative terminée"), style="bold")
    elif progress.step is not None:
        ids = [s.id for s in case.steps]
        position = f" ({ids.index(progress.step.id) + 1}/{len(ids)})" if progress.step.id in ids else ""
        text.append(f"{t('étape')} {progress.step.id}{position}", style="bold cyan")
    else:
        text.append(t("préparation des cartes"), style="bold")
    text.append(f"   {t('durée')} {format_elapsed(progress.elapsed(now))}", style="bold")
    waiting = waiting_text(progress, t, now)
    if waiting:
        text.append(f"\n{waiting}", style="yellow")
    return text


def waiting_text(progress: ExamProgress, t: Translate, now: float | None = None) -> str:
    """« en attente des sorties du logiciel : fse (*.xml), journal — 12 s au plus » while the bench waits for
    the application's outputs of the step in progress (the operator said it done); "" otherwise."""
    awaiting = progress.awaiting
    if awaiting is None or not awaiting.awaited or progress.step is None or awaiting.step_id != progress.step.id:
        return ""
    left = math.ceil(awaiting.until - (time.monotonic() if now is None else now))
    if left <= 0 or progress.finished is not None:
        return ""
    return t("en attente des sorties du logiciel : {awaited} — {seconds} s au plus").format(
        awaited=", ".join(awaiting.awaited), seconds=left
    )


def end_line(end: AttemptEnd, t: Translate, elapsed: float | None = None) -> Text:
    """How the attempt ended, in the run log's words: « tentative terminée : ! erreur — extraction impossible … »."""
    try:
        verdict = Verdict(end.verdict)
    except ValueError:
        verdict = Verdict.NONE
    mark, style = MARKS.get(verdict.value, ("·", "dim"))
    text = Text(f"{t('tentative terminée') if verdict.is_final else t('tentative inachevée')}{t(' : ')}", style="bold")
    text.append(f"{mark} {t(verdict.label_fr)}", style=f"bold {style}")
    if end.reason:
        text.append(f" — {t(end.reason)}", style=style)
    if elapsed is not None:
        text.append(f"   {t('durée')} {format_elapsed(elapsed)}", style="bold")
    return text


def values_table(rows: list[ExpectedValue], t: Translate) -> Table:
    table = Table(expand=True, box=None, pad_edge=False, show_edge=False)
    for title in ("", "Chemin", "Attendu", "Observé", "Source"):
        # a value too long for its column folds onto the next line: never « … » in place of a value
        fixed = title in ("", "Chemin")
        table.add_column(t(title) if title else "", no_wrap=fixed, overflow="ellipsis" if fixed else "fold")
    for row in rows:
        symbol, style = STATE_STYLES[row.state]
        if row.observed is not None:
            observed = Text(row.observed, style=style)
        else:
            observed = Text(t("non observée") if row.state == "missing" else "…", style=style)
        where = row.provenance or (t(SOURCES.get(row.source, row.source)) if row.source else "")
        # where it was read (« … string(/f:fse/f:totaux/@amo) ») breaks after a « / », never inside a name
        table.add_row(Text(symbol, style=style), row.path, row.expected, observed, PathText(where, style="dim"))
    if not rows:
        table.add_row("", Text(t("aucune valeur attendue"), style="dim"), "", "", "")
    return table


def files_text(
    recorded: Iterable[Mapping[str, Any]], polled: Iterable[FolderFile], t: Translate, lang: str | None = None
) -> Text:
    """The evidence, one row per file: the watched folders' files (new in the current step first), each said
    « pièce enregistrée » once the session holds it (by its name), else « nouveau » when the step wrote it; then
    the files the session recorded for the attempt that are no longer in the folders (moved away)."""
    text = Text()
    kept = {str(item.get("name", "")): item for item in recorded}
    polled = list(polled)
    for file in polled:
        text.append("✚ " if file.new else "▣ " if file.name in kept else "  ", style="bold green")
        text.append(f"{file.folder}/{file.name}", style="bold" if file.new or file.name in kept else "dim")
        text.append(f"  {tn('{count} octet', '{count} octets', file.size, lang)}", style="dim")
        if file.name in kept:
            text.append(f"  {t('pièce enregistrée')}", style="dim")
        elif file.new:
            text.append(f"  {t('nouveau')}", style="green")
        text.append("\n")
    shown = {file.name for file in polled}
    gone = [item for name, item in kept.items() if name not in shown]
    for item in gone:
        text.append("▣ ", style="green")
        text.append(str(item.get("name", "")), style="bold")
        size = tn("{count} octet", "{count} octets", int(item.get("size") or 0), lang)
        text.append(f"  {size}  {t('pièce enregistrée')}\n", style="dim")
    if not kept and not polled:
        text.append(t("aucun fichier dans les dossiers surveillés"), style="dim")
    return text
