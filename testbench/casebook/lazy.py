"""Lazily materialised cases: a loaded casebook checks everything up front, but builds each case's
``cards``, ``steps`` and ``expectations`` objects only when first read.

Why: building ~12 000 frozen objects for a CNDA-sized casebook (700 cases) costs more than parsing
and validating the XML; ``validate``, ``-k`` selection and listings never read them. A
:class:`LazyCase` *is* a :class:`~testbench.casebook.model.Case` (same fields, same behaviour); the
first access to one of the three fields builds all three from data kept at load time. Pickling or
copying yields a plain ``Case``.
"""

from __future__ import annotations

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
    Step,
    StepKind,
)
from testbench.casebook.source import SourceText

_LOCK = threading.Lock()

#: (action, id, params, offset, offsets of its <line> children, instruction, observe).
#: ``action`` is "manual" for manual steps; ``params`` is the final ``Step.params`` dict.
#: Offsets are the byte offsets of start tags in the file (:class:`SourceText` turns them into
#: ``line:col`` when a message or a ``source`` needs one).
RawStep = tuple[str, str, dict[str, Any], int, tuple[int, ...], str, tuple[Observe, ...]]
#: (kind: "value" | "refusal" | "trace", id, attributes, offset)
RawExpectation = tuple[str, str, dict[str, str], int]
#: (slot, card id, offset)
RawRequirement = tuple[str, str, int]


class CaseParts:
    """What a case was loaded from: enough to build its objects later, and to check it now."""

    __slots__ = ("actions", "expectations", "mode", "offset", "requirements", "source", "steps")

    def __init__(self, offset: int, mode: str, source: SourceText) -> None:
        self.offset = offset  # of the <case> start tag
        self.mode = mode  # as written (may be the accented spelling)
        self.source = source
        self.requirements: list[RawRequirement] = []
        self.steps: list[RawStep] = []
        self.actions: dict[str, str] = {}  # step id -> action ("manual" for manual steps)
        self.expectations: list[RawExpectation] = []

    def materialize(self) -> tuple[tuple[CardRequirement, ...], tuple[Step, ...], tuple[Expectation, ...]]:
        ref = self.source.ref_at
        cards = tuple(
            CardRequirement(slot=slot, card=card, source=ref(offset)) for slot, card, offset in self.requirements
        )
        steps = []
        for action, sid, params, offset, _lines, instruction, observe in self.steps:
            if action == "manual":
                steps.append(
                    Step(
                        id=sid,
                        kind=StepKind.MANUAL,
                        action=action,
                        instruction=instruction,
                        observe=observe,
                        source=ref(offset),
                    )
                )
            else:
                steps.append(Step(id=sid, kind=StepKind.ACTION, action=action, params=params, source=ref(offset)))
        expectations = []
        for kind, eid, attrs, offset in self.expectations:
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
                    source=ref(offset),
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
                state["source"] = parts.source.ref_at(parts.offset)
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
    requirements: tuple[str, ...] = (),
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
            "requirements": requirements,
            "comment": comment,
            "_parts": parts,
        },
    )
    return case
