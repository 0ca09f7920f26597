"""Load casebooks: hardened read, XSD validation, model building and semantic checks.

``load_casebook`` raises :class:`CasebookError` carrying *every* problem (``file:line:col: message``);
it never lets an lxml or OS exception escape for bad input.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from testbench.casebook import xsd
from testbench.casebook.build import Builder
from testbench.casebook.errors import CasebookError, Problem
from testbench.casebook.model import Case, Casebook, SourceRef
from testbench.casebook.selection import SelectionError, compile_keyword, select_cases
from testbench.casebook.source import LoadLimits, read_casebook_source

__all__ = [
    "CaseIds",
    "CasebookError",
    "LoadLimits",
    "Problem",
    "SelectionError",
    "check_casebook",
    "compile_keyword",
    "load_casebook",
    "load_casebooks",
    "select_cases",
]


def check_casebook(path: str | Path, limits: LoadLimits | None = None) -> tuple[Casebook | None, list[Problem]]:
    """Load one casebook and return it (or None) with all problems found, without raising."""
    path = Path(path)
    read = read_casebook_source(path, limits or LoadLimits())
    if read.root is None or read.source is None:
        return None, read.problems
    root, source = read.root, read.source
    wrong_root = xsd.root_problem(root, source)
    if wrong_root is not None:
        return None, [wrong_root]
    # XSD validation (libxml2, without the GIL) runs in a worker thread while this thread builds
    # the model and runs the semantic checks: both only read the tree.
    outcome: dict[str, Any] = {}

    def validate_schema() -> None:
        try:
            outcome["errors"] = xsd.run_schema(root)
        except BaseException as exc:  # re-raised below: a schema run that failed is not a pass
            outcome["exception"] = exc

    worker = threading.Thread(target=validate_schema, name="casebook-xsd", daemon=True)
    worker.start()
    builder = Builder(source, path)
    # Building creates many small objects that all live as long as the casebook: collecting them
    # mid-build is wasted work (measured ~10 % of the load time on a 700-case casebook).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        casebook = builder.build(root, read.sha256)
    finally:
        if gc_was_enabled:
            gc.enable()
        worker.join()
    if "exception" in outcome:
        raise outcome["exception"]
    problems = xsd.schema_problems(root, source, outcome["errors"])
    problems.extend(builder.problems)
    if problems:
        problems.sort(key=lambda p: (p.source.line, p.source.col))
        return None, problems
    return casebook, []


def load_casebook(path: str | Path, limits: LoadLimits | None = None) -> Casebook:
    """Load and validate one casebook; raise CasebookError with every problem found."""
    casebook, problems = check_casebook(path, limits)
    if problems or casebook is None:
        raise CasebookError(problems)
    return casebook


def load_casebooks(paths: Iterable[str | Path], limits: LoadLimits | None = None) -> list[Casebook]:
    """Load several casebooks, collecting problems across all files (and duplicate case ids)."""
    casebooks: list[Casebook] = []
    problems: list[Problem] = []
    seen_files: set[Path] = set()
    case_ids = CaseIds()
    for raw in paths:
        path = Path(raw)
        try:
            key = path.resolve()
        except OSError:
            key = path
        if key in seen_files:
            continue
        seen_files.add(key)
        casebook, found = check_casebook(path, limits)
        problems.extend(found)
        if casebook is None:
            continue
        casebooks.append(casebook)
        problems.extend(case_ids.add(casebook))
    if problems:
        raise CasebookError(problems)
    return casebooks


class CaseIds:
    """Case ids seen across the casebooks loaded together: an id must name one case only.

    Only the cases involved in a duplicate are located (reading ``case.source`` builds a lazy case).
    """

    def __init__(self) -> None:
        self._first: dict[str, tuple[Case, Casebook]] = {}

    def add(self, casebook: Casebook) -> list[Problem]:
        problems: list[Problem] = []
        same_file = _resolved(casebook.path)
        for case in casebook.cases:
            first = self._first.get(case.id)
            if first is None:
                self._first[case.id] = (case, casebook)
                continue
            if _resolved(first[1].path) == same_file:
                continue  # the same file given twice
            where = case.source or SourceRef(str(casebook.path), 1)
            before = first[0].source or SourceRef(str(first[1].path), 1)
            problems.append(Problem(where, f"identifiant de cas « {case.id} » déjà utilisé en {before}"))
        return problems


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path
