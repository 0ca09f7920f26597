"""A casebook's problems beside the case they belong to, and the cases of an invalid casebook that can be read.

While a casebook is being written it is often invalid; refusing all of it hides the ninety cases that are
fine behind the one that is not. The workstation shows the cases that parse, read-only (an invalid
casebook cannot run), each with its problems, and the problems outside any case (identity, fixtures) on
their own. A problem belongs to the case whose element spans its line.
"""

from __future__ import annotations

import pyexpat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from testbench.casebook.build import Builder
from testbench.casebook.errors import Problem
from testbench.casebook.frames import NS
from testbench.casebook.loader import CaseIds, check_casebook, check_casebook_cases
from testbench.casebook.model import CardFixture, Casebook, PlanIdentity
from testbench.casebook.source import LoadLimits, read_casebook_source
from testbench.casebook.vocabulary import FORMAT_VERSION

_CASE = NS + "case"

#: Problems by case id; None gathers those outside any case (identity, fixtures, the file itself).
ProblemsByCase = dict[str | None, list[Problem]]


def case_spans(data: bytes) -> list[tuple[str, int, int]]:
    """(case id, first line, last line) of each ``<case>`` element, in file order.

    One expat pass that records lines only. A file that is not well-formed gives the spans read up
    to the error, the case still open at the error ending there (the error is its problem).
    """
    spans: list[tuple[str, int, int]] = []
    open_case: list[tuple[str, int]] = []
    parser = pyexpat.ParserCreate(namespace_separator="}")

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == _CASE:
            cid = attrs.get("id", "").strip(" \t\r\n")  # as the builder reads it
            open_case.append((cid, parser.CurrentLineNumber))

    def end(name: str) -> None:
        if name == _CASE and open_case:
            cid, first = open_case.pop()
            spans.append((cid, first, parser.CurrentLineNumber))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except pyexpat.ExpatError as exc:
        spans.extend((cid, first, exc.lineno) for cid, first in open_case)
    return spans


def group_by_case(problems: list[Problem], spans: list[tuple[str, int, int]]) -> ProblemsByCase:
    """Each problem under the case whose lines hold it (None when no case does), in line order."""
    grouped: ProblemsByCase = {}
    for problem in sorted(problems, key=lambda p: (p.source.line, p.source.col)):
        line = problem.source.line
        owner = next((cid for cid, first, last in spans if first <= line <= last and cid), None)
        grouped.setdefault(owner, []).append(problem)
    return grouped


def problems_by_case(path: str | Path, limits: LoadLimits | None = None) -> ProblemsByCase:
    """Every problem of the casebook at ``path``, placed by line inside a case's span (None: outside any)."""
    _casebook, problems = check_casebook(path, limits)
    return group_by_case(problems, _spans_of(Path(path)))


def _spans_of(path: Path) -> list[tuple[str, int, int]]:
    try:
        return case_spans(path.read_bytes())
    except OSError:
        return []


@dataclass(frozen=True)
class CasebookState:
    """One casebook file as the workstation opens it: valid, or the cases that could be read and the problems."""

    path: Path
    casebook: Casebook | None  # the casebook; for an invalid file, only the cases that could be read (or None)
    problems: ProblemsByCase = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems and self.casebook is not None

    def all_problems(self) -> list[Problem]:
        return [p for found in self.problems.values() for p in found]


def read_casebooks(paths: list[Path], limits: LoadLimits | None = None) -> list[CasebookState]:
    """Each casebook checked as ``load_casebooks`` checks them (a case id used twice across files is a
    problem of the later file), never raising: an invalid one keeps the cases that could be read."""
    states: list[CasebookState] = []
    ids = CaseIds()
    for path in paths:
        casebook, problems, cases = check_casebook_cases(path, limits)
        problems = [*problems, *ids.add_cases(path, cases)]  # an invalid file's readable ids count too
        if casebook is None:
            casebook = readable_cases(path, limits)
        grouped = group_by_case(problems, _spans_of(Path(path))) if problems else {}
        states.append(CasebookState(Path(path), casebook, grouped))
    return states


def readable_cases(path: Path, limits: LoadLimits | None = None) -> Casebook | None:
    """The cases of an invalid casebook that could be read, in a casebook of their own (never run).

    Its identity is the file's when it could be read, else one named after the file; its sha256 is the
    file's, so a session keeps telling it from the valid casebook it becomes once corrected.
    """
    read = read_casebook_source(path, limits or LoadLimits())
    if read.source is None:
        return None
    builder = Builder(read.source, path)
    builder.build(read.sha256)
    cases, identity = builder.readable()
    if not cases:
        return None
    fallback = PlanIdentity(path.stem, "?", "?", date(1970, 1, 1), "?", "?", "?", path.name)
    return Casebook(path, read.sha256, FORMAT_VERSION, identity or fallback, builder.fixtures, tuple(cases))


def declared_cards(path: Path, limits: LoadLimits | None = None) -> list[CardFixture]:
    """The card fixtures of a well-formed casebook the loader refused, as far as they could be read: ``validate``
    checks their profiles too, so a broken profile is not said only once the casebook's own problems are fixed."""
    read = read_casebook_source(path, limits or LoadLimits())
    if read.source is None:
        return []
    builder = Builder(read.source, path)
    builder.build(read.sha256)
    if builder.malformed is not None:
        return []
    return [card for card in builder.fixtures.cards.values() if _is_file(card.profile)]


def _is_file(path: Path) -> bool:
    """Whether a profile is there to read: one missing, or a path the system refuses, is the casebook's problem."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False
