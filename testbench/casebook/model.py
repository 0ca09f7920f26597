"""The in-memory casebook: what the loader produces and the runner, TUI and reports read.

Format version 1 is our own (the CNDA's layout is not public); ``docs/casebook-format.md``
documents the XML. Objects are frozen: a loaded casebook never changes during a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any


class Domain(StrEnum):
    FSE = "fse"
    DRE = "dre"
    ADRI = "adri"
    APCV = "apcv"
    INSI = "insi"
    EPRESCRIPTION = "eprescription"
    LOT = "lot"
    CARDS = "cards"


class Mode(StrEnum):
    SECURISE = "securise"
    DEGRADE = "degrade"
    SESAM_SANS_VITALE = "sesam-sans-vitale"
    NONE = "none"  # domains where the FSE mode does not apply (cards, returns…)


class StepKind(StrEnum):
    ACTION = "action"  # performed by the bench through the engine or the card layer
    MANUAL = "manual"  # performed by the operator, then attested


class ExpectationKind(StrEnum):
    VALUE = "value"  # a value observed at a path, with an optional tolerance
    REFUSAL = "refusal"  # a step must be refused with a given code
    TRACE = "trace"  # a line matching a pattern appears (or never appears) in a channel


@dataclass(frozen=True)
class SourceRef:
    """Where an element came from, so every message can name file:line:col."""

    file: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class PlanIdentity:
    """The casebook's identity: which test plan, version and PS category it is (the report's cover)."""

    plan_id: str  # e.g. PDT-CDC-087
    evolution: str  # e.g. EV112
    document_version: str  # e.g. 02.13
    effective_date: date
    cdc_version: str  # e.g. 1.40
    addendum: str  # e.g. 8
    ps_category: str  # e.g. fournisseur-lpp, infirmier
    title: str = ""
    #: the language its texts are written in (titles, objectives, instructions, comments): its root's standard
    #: ``xml:lang``, French without it; a report in another language marks them with it for a screen reader
    lang: str = "fr"


@dataclass(frozen=True)
class CardFixture:
    """A test card the casebook uses, by reference to a card profile file."""

    id: str
    profile: Path  # resolved against the casebook's folder
    source: SourceRef | None = None


@dataclass(frozen=True)
class Patient:
    """A beneficiary and its rights, for modes where they do not come from a card."""

    id: str
    card: str | None = None  # CardFixture id
    rank: int = 1
    rights: Mapping[str, str] = field(default_factory=dict)
    source: SourceRef | None = None


@dataclass(frozen=True)
class Prescription:
    """A prescription an invoice step may name, its attributes as written."""

    id: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    source: SourceRef | None = None


@dataclass(frozen=True)
class Fixtures:
    """The cards, patients and prescriptions the cases refer to by id."""

    cards: Mapping[str, CardFixture] = field(default_factory=dict)
    patients: Mapping[str, Patient] = field(default_factory=dict)
    prescriptions: Mapping[str, Prescription] = field(default_factory=dict)


@dataclass(frozen=True)
class CardRequirement:
    """The card a case needs in a reader slot before it may start."""

    slot: str  # logical slot: "vitale", "cps" (mapped to physical readers by the card layer)
    card: str  # CardFixture id
    source: SourceRef | None = None


@dataclass(frozen=True)
class Observe:
    """A value the operator reads on screen during a manual step and keys in."""

    path: str
    label: str
    expected_hint: str = ""


@dataclass(frozen=True)
class Step:
    """One step of a case: an action the bench performs, or a manual one the operator attests."""

    id: str
    kind: StepKind
    action: str = ""  # for ACTION steps: read-cps, read-vitale, adri, invoice, secure, build-lot, …
    params: Mapping[str, Any] = field(default_factory=dict)  # action parameters; invoice lines under "lines"
    instruction: str = ""  # for MANUAL steps: what the operator does
    observe: tuple[Observe, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class Expectation:
    """What a case expects: a value at a path, a refusal code, or a trace line (see its kind)."""

    id: str
    kind: ExpectationKind
    step: str | None = None  # the step it is about, when it is about one
    path: str = ""  # VALUE: dotted path into the observations, e.g. invoice.totals.amo
    expected: str = ""  # VALUE: expected value as written in the casebook
    value_type: str = "string"  # VALUE: string | decimal | integer | date | boolean
    tolerance: Decimal | None = None  # VALUE (decimal): |observed - expected| <= tolerance
    code: str = ""  # REFUSAL: the stable refusal code
    channel: str = ""  # TRACE: apdu | engine | app | bench
    pattern: str = ""  # TRACE: regular expression
    absent: bool = False  # TRACE: the pattern must never appear
    normalize: tuple[str, ...] = ()  # names of normalisation rules applied before comparing
    comment: str = ""  # how the expected value was derived (rule ids)
    source: SourceRef | None = None


@dataclass(frozen=True)
class Case:
    """One test case: its cards, its steps in order and what they must produce."""

    id: str
    title: str
    domain: Domain
    mode: Mode
    objective: str
    tags: tuple[str, ...] = ()
    cards: tuple[CardRequirement, ...] = ()
    steps: tuple[Step, ...] = ()
    expectations: tuple[Expectation, ...] = ()
    comment: str = ""
    source: SourceRef | None = None
    #: Requirements the case covers (spec or rule identifiers, addenda), as written, in order.
    requirements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Casebook:
    """A loaded casebook file: its identity, fixtures and cases; ``sha256`` ties a session to its bytes."""

    path: Path
    sha256: str
    format_version: str
    identity: PlanIdentity
    fixtures: Fixtures
    cases: tuple[Case, ...]

    def case(self, case_id: str) -> Case:
        for case in self.cases:
            if case.id == case_id:
                return case
        raise KeyError(case_id)
