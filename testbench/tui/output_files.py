"""The files an attempt kept (the application's outputs the bench read, in assisted mode), for the traces view.

Nothing is recorded for this pane: the session already keeps each file of an attempt (its name, its step and its
size: ``artifact_links``), each value read with where it was read (an observation's provenance names its file) and
each step's moments (its events). In assisted mode the operator says a step done (``manual-attested``), the bench
then reads the step's files, and the step ends (``step-end``; ``step-failed`` when a file cannot be read): a file was
read between those two moments, the only ones recorded. A file kept at a step without that (an engine's document)
is said kept at the step's end. :class:`OutputIndex` gives these lines to a trace pane as a channel's index does.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from testbench.domain.events import EventKind
from testbench.engines.operator.origin import quoted
from testbench.extract.model import Provenance
from testbench.i18n import tn
from testbench.report.labels import clock_text
from testbench.store.read import SessionView
from testbench.store.traceindex import Row
from testbench.sut.filenames import readable_name

#: the events that end a step: its files were read (and kept) by then
STEP_ENDS = (EventKind.STEP_END.value, EventKind.STEP_FAILED.value, EventKind.STEP_REFUSED.value)
#: an observation path that lists a step's files (``invoice.files[0]``, ``….files_sha256[0]``): not a value read
FILE_LISTS = (".files[", ".files_sha256[")


@dataclass(frozen=True, slots=True)
class ValueRead:
    """A value read in a file: its path, the value as read, where (the provenance's words) and the operator's own
    when they corrected it."""

    path: str
    value: Any
    provenance: Mapping[str, Any]
    corrected: Any = None


@dataclass(frozen=True, slots=True)
class OutputFile:
    """A file the attempt kept at ``step_id``: read after ``after`` (the operator said the step done; None when no one
    did) and by ``by`` (the step's end; None while the step runs), on the bench's clock (POSIX seconds).
    ``mono_ns``: the moment the traces link it to (the step's end, else its last event)."""

    name: str
    step_id: str
    size: int
    after: float | None
    by: float | None
    mono_ns: int
    values: tuple[ValueRead, ...]


def read_outputs(session: SessionView, attempt_id: int) -> list[OutputFile]:
    """The files attempt ``attempt_id`` kept, in the order of their steps' ends, each with the values read in it."""
    links = session.artifacts(attempt_id)
    observations = session.observations(attempt_id) if links else []
    return outputs(links, session.events(attempt_id), observations)


class OutputReader:
    """:func:`read_outputs` again only when the session holds other files or other moments for the attempt: a live run
    shows its traces again at each batch of lines, and an attempt's observations (a lot's hundreds of thousands of
    values) are read once per change of its files or events, not each time (its values come with its step's end)."""

    def __init__(self) -> None:
        self._session: SessionView | None = None
        self._seen: tuple[Any, ...] = ()
        self.files: list[OutputFile] = []

    def read(self, session: SessionView, attempt_id: int) -> list[OutputFile]:
        links = session.artifacts(attempt_id)
        events = session.events(attempt_id)
        files = tuple((f["sha256"], f["step_id"], f["name"]) for f in links)
        seen = (attempt_id, files, tuple(e["id"] for e in events))
        if session is not self._session or seen != self._seen:
            observations = session.observations(attempt_id) if links else []
            self.files = outputs(links, events, observations)
            self._session, self._seen = session, seen
        return self.files


def outputs(
    links: Sequence[Mapping[str, Any]], events: Sequence[Mapping[str, Any]], observations: Sequence[Mapping[str, Any]]
) -> list[OutputFile]:
    """The files of ``links`` (an attempt's artifacts) with their steps' moments (``events``) and the ``observations``
    read in each."""
    moments: dict[str, dict[str, Any]] = {}
    for event in events:
        step, kind, mono = event.get("step_id"), event["kind"], int(event.get("mono_ns") or 0)
        if not step:
            continue
        seen = moments.get(step)
        if seen is None or kind == EventKind.STEP_START.value:  # a step continued (or run again): its moments anew
            seen = moments[step] = {"after": None, "by": None, "mono": mono}
        if kind == EventKind.MANUAL_ATTESTED.value:
            seen["after"] = event.get("wall")
        elif kind in STEP_ENDS:
            seen.update(by=event.get("wall"), mono=mono)
        elif seen["by"] is None:  # a step under way: its latest moment
            seen["mono"] = mono
    values: dict[tuple[str, str], list[ValueRead]] = {}
    for item in observations:
        provenance = item.get("provenance")
        if not isinstance(provenance, Mapping) or not provenance.get("source") or provenance.get("kind") == "file":
            continue
        if any(part in item["path"] for part in FILE_LISTS):
            continue
        correction = provenance.get("correction")
        read, corrected = item["value"], None
        if isinstance(correction, Mapping):
            read, corrected = correction.get("extracted", ""), item["value"]
        name = readable_name(PurePath(str(provenance["source"])).name)
        values.setdefault((item.get("step_id") or "", name), []).append(
            ValueRead(item["path"], read, provenance, corrected)
        )
    files = []
    for link in links:
        step = link.get("step_id") or ""
        name = str(link.get("name", ""))
        seen = moments.get(step, {"after": None, "by": None, "mono": 0})
        read = tuple(values.get((step, name), ()))
        files.append(OutputFile(name, step, int(link.get("size") or 0), seen["after"], seen["by"], seen["mono"], read))
    return sorted(files, key=lambda f: f.mono_ns)  # stable: a step's files in the order it kept them


def file_line(file: OutputFile, lang: str, t: Callable[[str], str]) -> str:
    """« FSE_0001.xml — 86 octets — 5 valeurs lues »: the file, its size, how many values were read in it."""
    size = tn("{count} octet", "{count} octets", file.size, lang)
    count = len(file.values)
    read = tn("{count} valeur lue", "{count} valeurs lues", count, lang) if count else t("aucune valeur lue")
    return f"{file.name} — {size} — {read}"


def when_line(file: OutputFile, t: Callable[[str], str], clock: Callable[[float], str] = clock_text) -> str:
    """« lu entre 12:04:45.635 et 12:04:45.941 UTC »: the moments recorded around the reading, on the bench's clock;
    a file kept at a step no one said done (an engine's document), when the step ended."""
    if file.by is None:
        return "  " + t("étape en cours")
    if file.after is not None:
        return "  " + t("lu entre {after} et {by} UTC").format(after=clock(file.after), by=clock(file.by))
    return "  " + t("gardé à {by} UTC").format(by=clock(file.by))


def value_line(value: ValueRead, t: Callable[[str], str], lang: str) -> str:
    """« invoice.totals.amo = 33,00 € — corrigé par l'opérateur : 33,60 € — ligne 1, octet 61,
    string(/fse/totaux/@amo) »: the value as read, the operator's correction right after it (past the place in the
    file, 80 columns cut it off the pane), then where in the file (its name aside: the line above says it)."""
    where = Provenance.from_dict(value.provenance).describe(t)
    name = PurePath(str(value.provenance.get("source", ""))).name
    where = where[len(name) + 2 :] if where.startswith(f"{name}, ") else where
    line = f"  {value.path} = {quoted(value.path, value.value, lang)}"
    if value.corrected is not None:
        line += " — " + t("corrigé par l'opérateur : {value}").format(value=quoted(value.path, value.corrected, lang))
    return line + (f" — {where}" if where else "")


#: the values of each file whose lines set how far the pane scrolls sideways (their lines are alike: a lot's
#: hundreds of thousands of values are not all written out to open the pane)
WIDTH_SAMPLE = 256


class OutputIndex:
    """The files' lines as a trace pane reads a channel's index (``store.traceindex.TraceIndex``): each file, when it
    was read, then each value read in it, at its step's end on the bench's clock; ``contains``: only the lines holding
    it; ``clock``: how a moment is written (the panes' own, HH:MM:SS.mmm UTC). A line is written when it is first
    drawn or searched, not before (a lot's 100,000 values took 1.8 s written out at once)."""

    complete = True

    def __init__(
        self,
        files: Sequence[OutputFile],
        t: Callable[[str], str],
        lang: str,
        contains: str = "",
        clock: Callable[[float], str] = clock_text,
    ) -> None:
        self._files, self._t, self._lang, self._clock = files, t, lang, clock
        self._texts: dict[tuple[int, int], str] = {}
        # (which file, which line of it): -2 the file, -1 when it was read, then each value read in it
        lines = [(number, k) for number, file in enumerate(files) for k in range(-2, len(file.values))]
        if contains:
            needle = contains.lower()
            lines = [line for line in lines if needle in self._text(line).lower()]
        self._lines = lines
        self.mono = array("q", [files[number].mono_ns for number, _k in lines])
        self.files = len({number for number, _k in lines})  # the files with a line shown
        self.width = max((len(self._text(line)) for line in lines if line[1] < WIDTH_SAMPLE), default=0)

    def _text(self, line: tuple[int, int]) -> str:
        text = self._texts.get(line)
        if text is None:
            number, k = line
            file = self._files[number]
            if k == -2:
                text = file_line(file, self._lang, self._t)
            elif k == -1:
                text = when_line(file, self._t, self._clock)
            else:
                text = value_line(file.values[k], self._t, self._lang)
            self._texts[line] = text
        return text

    def __len__(self) -> int:
        return len(self._lines)

    def row(self, index: int) -> Row:
        line = self._lines[index]
        file = self._files[line[0]]
        return Row(self._text(line), file.step_id, None, file.by or 0.0)

    def index_at_time(self, mono_ns: int) -> int:
        """The first line at or after ``mono_ns`` (clamped to the last line), as a channel's index says it."""
        if not self._lines:
            return 0
        return min(bisect.bisect_left(self.mono, mono_ns), len(self._lines) - 1)

    def matches(self, needle: str) -> list[int]:
        """Positions of the lines holding ``needle`` (case-insensitive), in order."""
        if not needle:
            return []
        low = needle.lower()
        return [i for i, line in enumerate(self._lines) if low in self._text(line).lower()]
