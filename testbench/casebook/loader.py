"""Load casebooks: hardened read, XSD validation, model building and semantic checks.

``load_casebook`` raises :class:`CasebookError` carrying *every* problem (``file:line:col: message``);
it never lets an lxml or OS exception escape for bad input.
"""

from __future__ import annotations

import dataclasses
import gc
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from testbench.casebook import xsd
from testbench.casebook.act_codes import KnownCodes
from testbench.casebook.build import Builder
from testbench.casebook.errors import CasebookError, Problem, naming_invisible
from testbench.casebook.model import Case, Casebook, SourceRef
from testbench.casebook.selection import SelectionError, compile_keyword, select_cases
from testbench.casebook.source import (
    LoadLimits,
    ParseResult,
    SourceText,
    depth_problem,
    parse_tree,
    read_casebook_source,
)

__all__ = [
    "CaseIds",
    "CasebookError",
    "KnownCodes",
    "LoadLimits",
    "Problem",
    "SelectionError",
    "check_casebook",
    "check_casebook_cases",
    "compile_keyword",
    "load_casebook",
    "load_casebooks",
    "select_cases",
]


def check_casebook(path: str | Path, limits: LoadLimits | None = None) -> tuple[Casebook | None, list[Problem]]:
    """Load one casebook and return it (or None) with all problems found, without raising."""
    casebook, problems, _cases = check_casebook_cases(path, limits)
    return casebook, problems


def check_casebook_cases(
    path: str | Path,
    limits: LoadLimits | None = None,
    *,
    codes: KnownCodes | None = None,
    warnings: list[Problem] | None = None,
) -> tuple[Casebook | None, list[Problem], Sequence[Case]]:
    """:func:`check_casebook`, plus the cases that could be read even when the file is invalid (but
    well-formed): their ids still count against the other files' (:class:`CaseIds`).

    With ``codes`` and a ``warnings`` list, each invoice line billing, without a tariff of its own, a code
    ``codes`` lacks or does not price at its date is added to ``warnings`` (:mod:`testbench.casebook.act_codes`):
    the casebook stays valid.

    Two parsers read the same checked bytes at once: libxml2 in this thread (the XSD's tree, then
    the schema validation, both without the GIL), and expat in a worker thread, feeding the
    builder and the semantic rules. The expat pass is the longer of the two on a CNDA-sized
    casebook (``benchmarks/casebook_load.py --breakdown``).
    """
    path = Path(path)
    limits = limits or LoadLimits()
    read = read_casebook_source(path, limits)
    if read.source is None:
        return None, read.problems, ()
    source = read.source
    builder = Builder(source, path, codes if warnings is not None else None)
    outcome: dict[str, Any] = {}
    go = threading.Event()

    def build() -> None:
        go.wait()  # until this thread is about to parse: see below
        try:
            outcome["casebook"] = builder.build(read.sha256)
            # The young collection of what was just built (disabled below), paid in this thread:
            # hidden behind the validation when that finishes last, never left to the caller.
            gc.collect(0)
        except BaseException as exc:  # re-raised below
            outcome["exception"] = exc

    # Building creates many small objects that all live as long as the casebook: collecting them
    # mid-build is wasted work (measured ~10 % of the load time on a 700-case casebook).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    worker = threading.Thread(target=build, name="casebook-build", daemon=True)
    worker.start()
    try:
        # Released just before libxml2 starts: started earlier, the builder would hold the GIL
        # and this thread would wait a whole switch interval before it could even begin.
        go.set()
        parsed = parse_tree(source, limits)
        errors = None
        if parsed.root is not None and xsd.is_casebook_root(parsed.root):
            errors = xsd.run_schema(parsed.root)
    finally:
        go.set()
        worker.join()
        if gc_was_enabled:
            gc.enable()
    if "exception" in outcome:
        raise outcome["exception"]
    casebook, problems = _outcome(outcome["casebook"], builder, parsed, source, errors, limits)
    if warnings is not None and parsed.root is not None and builder.malformed is None:
        warnings.extend(sorted(builder.warnings, key=lambda w: (w.source.line, w.source.col)))
    if casebook is not None:
        return casebook, problems, casebook.cases
    readable = builder.readable()[0] if parsed.root is not None and builder.malformed is None else []
    return None, problems, readable


def _outcome(
    casebook: Casebook | None,
    builder: Builder,
    parsed: ParseResult,
    source: SourceText,
    errors: list[xsd.RawError] | None,
    limits: LoadLimits,
) -> tuple[Casebook | None, list[Problem]]:
    """The casebook (None when invalid) and every problem, once both parsers are done."""
    # Problems at lxml elements are worded from here on: placing an element reads the offsets of
    # the start tags that the expat pass has now finished recording.
    if parsed.too_deep is not None:
        return None, [depth_problem(source, parsed.too_deep, limits)]
    if parsed.root is None:
        return None, parsed.problems
    wrong_root = xsd.root_problem(parsed.root, source)
    if wrong_root is not None:
        return None, [wrong_root]
    if builder.malformed is not None:  # the two parsers disagree: expat's word is all we have
        return None, [builder.malformed]
    errors = xsd.without_comma_items(xsd.without_redundant_empty(errors or []))
    problems = xsd.schema_problems(parsed.root, source, errors)
    foreign = xsd.outside_namespace(parsed.root, errors)
    left_out = xsd.left_out(errors, problems, builder.unknown, not builder.gave_up, foreign)
    if left_out is not None:
        problems.append(left_out)
    problems.extend(builder.problems)
    lang, wrong_lang = _language(parsed.root, source)
    if wrong_lang is not None:
        problems.append(wrong_lang)
    if problems:
        problems.sort(key=lambda p: (p.source.line, p.source.col))
        return None, [naming_invisible(problem) for problem in problems]
    if casebook is not None and lang != casebook.identity.lang:
        casebook = dataclasses.replace(casebook, identity=dataclasses.replace(casebook.identity, lang=lang))
    return casebook, []


#: the standard attribute that says a document's language (the casebook's root may carry it)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: a language tag as BCP 47 writes it: a language, then subtags (region, script…): ``fr``, ``en``, ``fr-FR``
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*\Z")
_BAD_LANG = (
    "xml:lang « {lang} » : étiquette de langue mal formée ; écrivez la langue des textes du cahier (fr, en, fr-FR…)"
    " ou retirez l'attribut (français par défaut)"
)


def _language(root: Any, source: SourceText) -> tuple[str, Problem | None]:
    """The language of the casebook's texts: its root's ``xml:lang``, French without one."""
    written = root.get(XML_LANG)
    if written is None:
        return "fr", None
    if _LANGUAGE_TAG.match(written):
        return written, None
    return "fr", Problem.of(source.element_ref(root, "xml:lang"), _BAD_LANG, lang=written)


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
        casebook, found, cases = check_casebook_cases(path, limits)
        problems.extend(found)
        problems.extend(case_ids.add_cases(path, cases))
        if casebook is not None:
            casebooks.append(casebook)
    if problems:
        raise CasebookError(problems)
    return casebooks


class CaseIds:
    """Case ids seen across the casebooks loaded together: an id must name one case only.

    Only the cases involved in a duplicate are located (reading ``case.source`` builds a lazy case).
    """

    def __init__(self) -> None:
        self._first: dict[str, tuple[Case, Path]] = {}

    def add(self, casebook: Casebook) -> list[Problem]:
        return self.add_cases(casebook.path, casebook.cases)

    def add_cases(self, path: str | Path, cases: Iterable[Case]) -> list[Problem]:
        """The cases of the file at ``path`` (an invalid file's readable ones too): each id used before."""
        problems: list[Problem] = []
        path = Path(path)
        same_file = _resolved(path)
        said: set[str] = set()
        for case in cases:
            first = self._first.get(case.id)
            if first is None:
                self._first[case.id] = (case, path)
                continue
            if _resolved(first[1]) == same_file or case.id in said:
                continue  # the same file given twice, or an id used twice in it (the file's own problem)
            said.add(case.id)
            where = case.source or SourceRef(str(path), 1)
            before = first[0].source or SourceRef(str(first[1]), 1)
            problems.append(
                Problem.of(where, "identifiant de cas « {case} » déjà utilisé en {where}", case=case.id, where=before)
            )
        return problems


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path
