"""Turn a schema-checked XML tree into the frozen model, reporting every problem found.

The builder is defensive: it also runs on trees that failed the schema, so one pass reports the
schema errors *and* the semantic ones. It never re-reports what the schema already reports
(a missing required attribute is skipped silently here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath, PureWindowsPath

from lxml import etree

from testbench.casebook import checks
from testbench.casebook.errors import Problem
from testbench.casebook.model import (
    CardFixture,
    CardRequirement,
    Case,
    Casebook,
    Domain,
    Expectation,
    ExpectationKind,
    Fixtures,
    Mode,
    Observe,
    Patient,
    PlanIdentity,
    Prescription,
    SourceRef,
    Step,
    StepKind,
)
from testbench.casebook.source import SourceText
from testbench.casebook.vocabulary import (
    ACTIONS,
    DOMAINS,
    FORMAT_VERSION,
    LINE_DEFAULTS,
    MANUAL,
    MODE_SPELLINGS,
    NAMESPACE,
    STEP_DEFAULTS,
)

NS = "{" + NAMESPACE + "}"
_ACTION_TAGS = {NS + a: a for a in ACTIONS}
_MANUAL_TAG = NS + MANUAL
_LINE_TAG = NS + "line"
_EXPECTATION_TAGS = {
    NS + "value": ExpectationKind.VALUE,
    NS + "refusal": ExpectationKind.REFUSAL,
    NS + "trace": ExpectationKind.TRACE,
}

Report = Callable[[etree._Element, str, str | None], None]


def clean_text(el: etree._Element | None) -> str:
    """Element text with the XML indentation removed (each line stripped, blank edges dropped)."""
    if el is None:
        return ""
    raw = el.text or ""
    if "\n" not in raw:
        return raw.strip()
    lines = [line.strip() for line in raw.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(value.split()) if value else ()


@dataclass
class CaseElements:
    """Where each part of a case came from, so checks can point at the exact attribute."""

    case: etree._Element
    steps: dict[str, etree._Element] = field(default_factory=dict)
    expectations: dict[str, etree._Element] = field(default_factory=dict)
    lines: dict[str, list[etree._Element]] = field(default_factory=dict)
    mode: str = ""


class Builder:
    def __init__(self, source: SourceText, path: Path) -> None:
        self.source = source
        self.path = path
        self.problems: list[Problem] = []

    # -- reporting -------------------------------------------------------------------------
    def report(self, el: etree._Element, message: str, attribute: str | None = None) -> None:
        self.problems.append(Problem(self.source.element_ref(el, attribute), message))

    def ref(self, el: etree._Element) -> SourceRef:
        return self.source.element_ref(el)

    # -- casebook --------------------------------------------------------------------------
    def build(self, root: etree._Element, sha256: str) -> Casebook | None:
        identity: PlanIdentity | None = None
        fixtures = Fixtures()
        cases: list[Case] = []
        version = root.get("format-version")
        if version is not None and version != FORMAT_VERSION:
            return None  # the schema reported it; nothing below would be meaningful
        for child in root:
            tag = child.tag
            if tag == NS + "identity":
                identity = self.identity(child)
            elif tag == NS + "fixtures":
                fixtures = self.fixtures(child)
            elif tag == NS + "cases":
                cases = self.cases(child, fixtures)
        if identity is None or self.problems:
            return None
        return Casebook(
            path=self.path,
            sha256=sha256,
            format_version=FORMAT_VERSION,
            identity=identity,
            fixtures=fixtures,
            cases=tuple(cases),
        )

    def identity(self, el: etree._Element) -> PlanIdentity | None:
        values: dict[str, str] = {}
        effective: date | None = None
        for child in el:
            if not isinstance(child.tag, str):
                continue
            name = child.tag[len(NS) :]
            text = clean_text(child)
            values[name] = text
            if name == "effective-date" and text:
                try:
                    effective = date.fromisoformat(text)
                except ValueError:
                    self.report(child, f"date d'effet « {text} » invalide : attendu AAAA-MM-JJ sans fuseau")
        required = ("plan-id", "evolution", "document-version", "cdc-version", "addendum", "ps-category")
        if effective is None or any(k not in values for k in required):
            return None
        return PlanIdentity(
            plan_id=values["plan-id"],
            evolution=values["evolution"],
            document_version=values["document-version"],
            effective_date=effective,
            cdc_version=values["cdc-version"],
            addendum=values["addendum"],
            ps_category=values["ps-category"],
            title=values.get("title", ""),
        )

    # -- fixtures --------------------------------------------------------------------------
    def fixtures(self, el: etree._Element) -> Fixtures:
        cards: dict[str, CardFixture] = {}
        patients: dict[str, Patient] = {}
        prescriptions: dict[str, Prescription] = {}
        patient_elements: list[etree._Element] = []
        for child in el:
            tag = child.tag
            fid = child.get("id")
            if fid is None:
                continue
            if tag == NS + "card":
                if fid in cards:
                    self.report(child, f"carte « {fid} » déjà déclarée dans les fixtures", "id")
                    continue
                profile = self.card_profile(child)
                if profile is not None:
                    cards[fid] = CardFixture(id=fid, profile=profile, source=self.ref(child))
            elif tag == NS + "patient":
                if fid in patients:
                    self.report(child, f"patient « {fid} » déjà déclaré dans les fixtures", "id")
                    continue
                patient_elements.append(child)
                rights = {r.get("name", ""): r.get("value", "") for r in child if r.tag == NS + "right"}
                rank = child.get("rank", "1")
                patients[fid] = Patient(
                    id=fid,
                    card=child.get("card"),
                    rank=int(rank) if rank.isdigit() else 1,
                    rights=rights,
                    source=self.ref(child),
                )
            elif tag == NS + "prescription":
                if fid in prescriptions:
                    self.report(child, f"prescription « {fid} » déjà déclarée dans les fixtures", "id")
                    continue
                attributes = {k: v for k, v in child.attrib.items() if k != "id"}
                for f in child:
                    if f.tag == NS + "field":
                        attributes[f.get("name", "")] = f.get("value", "")
                prescriptions[fid] = Prescription(id=fid, attributes=attributes, source=self.ref(child))
        for child in patient_elements:
            card = child.get("card")
            if card is not None and card not in cards:
                self.report(child, f"le patient référence la carte « {card} », absente des fixtures", "card")
        return Fixtures(cards=cards, patients=patients, prescriptions=prescriptions)

    def card_profile(self, el: etree._Element) -> Path | None:
        raw = el.get("profile", "")
        if not raw:
            return None
        posix, windows = PurePosixPath(raw), PureWindowsPath(raw)
        if (
            posix.is_absolute()
            or windows.is_absolute()
            or windows.drive
            or ".." in posix.parts
            or ".." in windows.parts
        ):
            self.report(
                el,
                f"profil de carte « {raw} » refusé : chemin relatif au dossier du cahier, sans « .. »",
                "profile",
            )
            return None
        resolved = self.path.parent / raw
        if not resolved.is_file():
            self.report(el, f"profil de carte introuvable : {resolved}", "profile")
        return resolved

    # -- cases -----------------------------------------------------------------------------
    def cases(self, el: etree._Element, fixtures: Fixtures) -> list[Case]:
        cases: list[Case] = []
        seen: dict[str, etree._Element] = {}
        for child in el:
            if child.tag != NS + "case":
                continue
            cid = child.get("id")
            if cid is not None:
                if cid in seen:
                    first = self.ref(seen[cid])
                    self.report(child, f"identifiant de cas « {cid} » en double (déjà utilisé en {first})", "id")
                else:
                    seen[cid] = child
            case = self.case(child, fixtures)
            if case is not None:
                cases.append(case)
        return cases

    def case(self, el: etree._Element, fixtures: Fixtures) -> Case | None:
        cid = el.get("id")
        domain = DOMAINS.get(el.get("domain", ""))
        mode_raw = el.get("mode", "")
        mode = MODE_SPELLINGS.get(mode_raw)
        elements = CaseElements(case=el, mode=mode_raw)
        title = objective = comment = ""
        requirements: list[CardRequirement] = []
        steps: list[Step] = []
        expectations: list[Expectation] = []
        for child in el:
            tag = child.tag
            if tag == NS + "title":
                title = clean_text(child)
            elif tag == NS + "objective":
                objective = clean_text(child)
            elif tag == NS + "comment":
                comment = clean_text(child)
            elif tag == NS + "cards":
                requirements = self.requirements(child, fixtures)
            elif tag == NS + "steps":
                steps = self.steps(child, elements)
            elif tag == NS + "expectations":
                expectations = self.expectations(child, elements)
        if cid is None or domain is None or mode is None:
            return None
        case = Case(
            id=cid,
            title=title,
            domain=domain,
            mode=mode,
            objective=objective,
            tags=_split(el.get("tags")),
            cards=tuple(requirements),
            steps=tuple(steps),
            expectations=tuple(expectations),
            comment=comment,
            source=self.ref(el),
        )
        checks.check_case(case, elements, fixtures, self.report)
        return case

    def requirements(self, el: etree._Element, fixtures: Fixtures) -> list[CardRequirement]:
        result: list[CardRequirement] = []
        slots: set[str] = set()
        for child in el:
            slot, card = child.get("slot"), child.get("ref")
            if slot is None or card is None or not isinstance(child.tag, str):
                continue
            if slot in slots:
                self.report(child, f"le lecteur « {slot} » est déjà exigé pour ce cas", "slot")
                continue
            slots.add(slot)
            if card not in fixtures.cards:
                self.report(child, f"carte « {card} » absente des fixtures", "ref")
            result.append(CardRequirement(slot=slot, card=card, source=self.ref(child)))
        return result

    def steps(self, el: etree._Element, elements: CaseElements) -> list[Step]:
        steps: list[Step] = []
        for child in el:
            tag = child.tag
            sid = child.get("id")
            if sid is None or not isinstance(tag, str):
                continue
            if sid in elements.steps:
                self.report(child, f"identifiant d'étape « {sid} » en double dans ce cas", "id")
                continue
            action = _ACTION_TAGS.get(tag)
            if action is not None:
                params: dict[str, object] = dict(STEP_DEFAULTS.get(action, ()))
                params.update(child.attrib)
                del params["id"]
                if action == "invoice":
                    lines = []
                    line_elements = []
                    for line in child:
                        if line.tag == _LINE_TAG:
                            values = dict(LINE_DEFAULTS)
                            values.update(line.attrib)
                            lines.append(values)
                            line_elements.append(line)
                    params["lines"] = tuple(lines)
                    elements.lines[sid] = line_elements
                step = Step(id=sid, kind=StepKind.ACTION, action=action, params=params, source=self.ref(child))
            elif tag == _MANUAL_TAG:
                instruction = ""
                observe: list[Observe] = []
                for sub in child:
                    if sub.tag == NS + "instruction":
                        instruction = clean_text(sub)
                    elif sub.tag == NS + "observe" and sub.get("path") and sub.get("label"):
                        observe.append(Observe(sub.get("path", ""), sub.get("label", ""), sub.get("hint", "")))
                step = Step(
                    id=sid,
                    kind=StepKind.MANUAL,
                    action=MANUAL,
                    instruction=instruction,
                    observe=tuple(observe),
                    source=self.ref(child),
                )
            else:
                continue  # unknown element: the schema reported it
            elements.steps[sid] = child
            steps.append(step)
        return steps

    def expectations(self, el: etree._Element, elements: CaseElements) -> list[Expectation]:
        result: list[Expectation] = []
        for child in el:
            kind = _EXPECTATION_TAGS.get(child.tag)  # type: ignore[arg-type]
            eid = child.get("id")
            if kind is None or eid is None:
                continue
            if eid in elements.expectations:
                self.report(child, f"identifiant d'attendu « {eid} » en double dans ce cas", "id")
                continue
            elements.expectations[eid] = child
            get = child.get
            tolerance: Decimal | None = None
            raw_tolerance = get("tolerance")
            if raw_tolerance is not None:
                try:
                    tolerance = Decimal(raw_tolerance)
                except InvalidOperation:
                    tolerance = None  # the schema reported it
            result.append(
                Expectation(
                    id=eid,
                    kind=kind,
                    step=get("step"),
                    path=get("path", ""),
                    expected=get("expected", ""),
                    value_type=get("type", "string"),
                    tolerance=tolerance,
                    code=get("code", ""),
                    channel=get("channel", ""),
                    pattern=get("pattern", ""),
                    absent=get("absent", "false") in ("true", "1"),
                    normalize=_split(get("normalize")),
                    comment=get("comment", "").strip(),
                    source=self.ref(child),
                )
            )
        return result


__all__ = ["Builder", "CaseElements", "Domain", "Mode", "clean_text"]
