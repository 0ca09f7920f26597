"""Regex extractors on the application's log lines, per channel, within a step's time window."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from testbench.extract.model import Extracted, Provenance, excerpt
from testbench.extract.spec import ExtractorSpec
from testbench.extract.values import Ranks, normalise_decimal
from testbench.traces.logtext import split_lines
from testbench.traces.model import TraceLine


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def extract_lines(
    spec: ExtractorSpec,
    lines: Iterable[TraceLine],
    *,
    since: int | None = None,
    until: int | None = None,
    ranks: Ranks | None = None,
    stamps: list[int] | None = None,
    captured: bool = True,
) -> list[Extracted]:
    """The values ``spec`` (a regex extractor) reads in ``lines`` of its channel.

    ``since``/``until``: the step's window on the bench clock the lines carry (``TraceLine.mono_ns``,
    both ends included); a line outside it is not read. Each named group of ``spec.fields`` that took
    part in a match gives one value (« 163,80 » normalised to « 163.80 »); its columns are the group's.
    ``ranks``: the ``{n}`` counters to go on with, when the lines come in batches (a step being watched).
    ``stamps``: given, each value's line's time on the bench clock is appended to it, in the values' order
    (which line came last, when two give one path).
    ``captured``: the lines were captured by the bench (the time each value's provenance gives is then the line's
    capture time on the bench's clock, in UTC, beside the log's own as written); False for lines read from a file
    as it is (``sut check``), which have only the log's own.
    """
    pattern = _compiled(spec.pattern or "")
    channel = spec.channel or "app"
    groups = [(group, path, pattern.groupindex[group]) for group, path in spec.fields.items()]
    ranks = Ranks() if ranks is None else ranks
    out: list[Extracted] = []
    for line in lines:
        if line.channel != channel:
            continue
        if (since is not None and line.mono_ns < since) or (until is not None and line.mono_ns > until):
            continue
        for text in _lines_in(line.text):
            match = pattern.search(text)
            if match is None:
                continue
            for _group, path, index in groups:
                value = match.group(index)
                if value is None:
                    continue
                start, end = match.span(index)
                provenance = Provenance(
                    source=line.source or line.channel,
                    kind="log",
                    columns=(start + 1, max(start + 1, end)),
                    excerpt=excerpt(text),
                    locator=line.source_ts or "",  # the log's own time, as written: a person finds the line by it
                    wall=line.wall if captured else None,
                )
                out.append(Extracted(ranks.path(path), normalise_decimal(value), provenance))
                if stamps is not None:
                    stamps.append(line.mono_ns)
    return out


def _lines_in(text: str) -> list[str]:
    """The lines a captured line holds: one, unless a carriage return is left in it (a syslog message, a line
    recorded before the capture ended lines at a lone CR, docs/traces.md): each part is read as its own line, as the
    capture reads a log's lines now, so that ``^`` and ``$`` anchor at them and columns count in them."""
    return split_lines(text) if "\r" in text else [text]
