"""Lazily materialised cases: a loaded casebook checks everything up front, but builds each case's
``cards``, ``steps`` and ``expectations`` objects only when first read.

Why: building ~12 000 frozen objects for a CNDA-sized casebook (700 cases) costs more than parsing
and validating the XML; ``validate``, ``-k`` selection and listings never read them. A
:class:`LazyCase` *is* a :class:`~testbench.casebook.model.Case` (same fields, same behaviour); the
first access to one of the three fields builds all three from data kept at load time. Pickling or
copying yields a plain ``Case``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import fields
from decimal import Decimal, InvalidOperation
from typing import Any

from testbench.casebook.model import (
    CardRequirement,
    Case,
    Expectation,
    ExpectationKind,
    Observe,
    SourceRef,
    Step,
    StepKind,
)

_LOCK = threading.Lock()

#: (action, id, params, line, line numbers of its <line> children, instruction, observe).
#: ``action`` is "manual" for manual steps; ``params`` is the final ``Step.params`` dict.
#: Raw data keeps line numbers, not lxml elements: elements are GC-tracked proxies that would
#: keep the whole tree alive and slow every later garbage collection.
RawStep = tuple[str, str, dict[str, Any], int, tuple[int, ...], str, tuple[Observe, ...]]
#: (kind: "value" | "refusal" | "trace", id, attributes, line)
RawExpectation = tuple[str, str, dict[str, str], int]
#: (slot, card id, line)
RawRequirement = tuple[str, str, int]


class Locator:
    """``file:line:col`` from a start tag's line, found in the text when needed.

    lxml only knows the line where a start tag *ends*: the tag is looked for on that line, then a
    few lines up for a tag written over several lines; an attribute is looked for after the tag.
    """

    def __init__(self, display: str, text: str) -> None:
        self.display = display
        self._text = text
        self._lines: list[str] | None = None

    def _all_lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self._text.split("\n")
        return self._lines

    def ref(self, line: int, tag: str) -> SourceRef:
        """Where the start tag ``<tag`` that ends on ``line`` begins."""
        lines = self._all_lines()
        needle = "<" + tag
        col = lines[line - 1].rfind(needle) if 0 < line <= len(lines) else -1
        if col < 0:
            for number in range(line - 1, max(line - 8, 0), -1):
                col = lines[number - 1].rfind(needle)
                if col >= 0:
                    line = number
                    break
        return SourceRef(self.display, max(line, 1), col + 1 if col >= 0 else 1)

    def locate(self, line: int, tag: str, attribute: str | None = None) -> SourceRef:
        """Like :meth:`ref`, or the position of ``attribute`` inside that start tag."""
        start = self.ref(line, tag)
        if not attribute:
            return start
        lines = self._all_lines()
        pattern = re.compile(r"(?:^|\s)(" + re.escape(attribute) + r")\s*=")
        col = start.col - 1
        for number in range(start.line, min(start.line + 20, len(lines)) + 1):
            text = lines[number - 1]
            end = text.find(">", col)
            match = pattern.search(text, col, end if end >= 0 else len(text))
            if match:
                return SourceRef(self.display, number, match.start(1) + 1)
            if end >= 0:
                break
            col = 0
        return start


class CaseParts:
    """What a case was loaded from: enough to build its objects later, and to check it now."""

    __slots__ = ("expectations", "line", "locator", "mode", "requirements", "steps")

    def __init__(self, line: int, mode: str, locator: Locator) -> None:
        self.line = line  # line of the <case> start tag
        self.mode = mode  # as written (may be the accented spelling)
        self.locator = locator
        self.requirements: list[RawRequirement] = []
        self.steps: list[RawStep] = []
        self.expectations: list[RawExpectation] = []

    def materialize(self) -> tuple[tuple[CardRequirement, ...], tuple[Step, ...], tuple[Expectation, ...]]:
        ref = self.locator.ref
        cards = tuple(
            CardRequirement(slot=slot, card=card, source=ref(line, "card")) for slot, card, line in self.requirements
        )
        steps = []
        for action, sid, params, line, _lines, instruction, observe in self.steps:
            if action == "manual":
                steps.append(
                    Step(
                        id=sid,
                        kind=StepKind.MANUAL,
                        action=action,
                        instruction=instruction,
                        observe=observe,
                        source=ref(line, action),
                    )
                )
            else:
                steps.append(Step(id=sid, kind=StepKind.ACTION, action=action, params=params, source=ref(line, action)))
        expectations = []
        for kind, eid, attrs, line in self.expectations:
            get = attrs.get
            tolerance = None
            raw_tolerance = get("tolerance")
            if raw_tolerance is not None:
                try:
                    tolerance = Decimal(raw_tolerance)
                except InvalidOperation:  # pragma: no cover - refused at load
                    tolerance = None
            normalize = get("normalize")
            expectations.append(
                Expectation(
                    id=eid,
                    kind=ExpectationKind(kind),
                    step=get("step"),
                    path=get("path", ""),
                    expected=get("expected", ""),
                    value_type=get("type", "string"),
                    tolerance=tolerance,
                    code=get("code", ""),
                    channel=get("channel", ""),
                    pattern=get("pattern", ""),
                    absent=get("absent") in ("true", "1"),
                    normalize=tuple(normalize.split()) if normalize else (),
                    comment=(get("comment") or "").strip(),
                    source=ref(line, kind),
                )
            )
        return cards, tuple(steps), tuple(expectations)


def _lazy_field(name: str) -> property:
    def get(self: LazyCase) -> Any:
        state = self.__dict__
        value = state.get(name, _MISSING)
        if value is _MISSING:
            self._materialize()
            value = state[name]
        return value

    def set_(self: LazyCase, value: Any) -> None:  # only reachable through object.__setattr__
        self.__dict__[name] = value

    return property(get, set_, doc=f"Built on first access (see {__name__}).")


_MISSING = object()


class LazyCase(Case):
    """A :class:`Case` whose cards, steps, expectations (and source) are built on first access.

    They are properties here because the dataclass defaults (``()``, ``None``) live on the class
    and would otherwise shadow a lazy lookup. ``source`` is lazy too: locating it needs the file's
    lines, which nothing else at load time needs.
    """

    cards = _lazy_field("cards")  # type: ignore[assignment]
    steps = _lazy_field("steps")  # type: ignore[assignment]
    expectations = _lazy_field("expectations")  # type: ignore[assignment]
    source = _lazy_field("source")  # type: ignore[assignment]

    def _materialize(self) -> None:
        state = self.__dict__
        with _LOCK:
            parts = state.get("_parts")
            if parts is not None:
                cards, steps, expectations = parts.materialize()
                state["cards"] = cards
                state["steps"] = steps
                state["expectations"] = expectations
                state["source"] = parts.locator.ref(parts.line, "case")
                del state["_parts"]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Case):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(Case))

    __hash__ = Case.__hash__

    def __reduce__(self) -> tuple[Any, ...]:
        return (_plain_case, (tuple(getattr(self, f.name) for f in fields(Case)),))

    def __copy__(self) -> Case:
        return _plain_case(tuple(getattr(self, f.name) for f in fields(Case)))

    def __deepcopy__(self, memo: dict[int, Any]) -> Case:
        return self.__copy__()


def _plain_case(values: tuple[Any, ...]) -> Case:
    return Case(*values)


def lazy_case(
    *,
    id: str,
    title: str,
    domain: Any,
    mode: Any,
    objective: str,
    tags: tuple[str, ...],
    comment: str,
    parts: CaseParts,
) -> LazyCase:
    case = object.__new__(LazyCase)
    # Frozen dataclass: write the instance dict directly; the lazy fields stay absent.
    object.__setattr__(
        case,
        "__dict__",
        {
            "id": id,
            "title": title,
            "domain": domain,
            "mode": mode,
            "objective": objective,
            "tags": tags,
            "comment": comment,
            "_parts": parts,
        },
    )
    return case
