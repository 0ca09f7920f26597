"""Turn an XML tree into the model, reporting every problem found.

The builder is defensive: it also runs on trees that failed the schema, so one pass reports the
schema errors *and* the semantic ones. It never re-reports what the schema already reports
(a missing required attribute is skipped silently here).

Hot path: a CNDA-sized casebook has ~20 000 elements. Each case's raw data is read once (one
``items()`` call per element), checked (:mod:`testbench.casebook.checks`), and kept for
:class:`~testbench.casebook.lazy.LazyCase`, which builds the frozen objects on first access.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from lxml import etree

from testbench.casebook import checks
from testbench.casebook.errors import Problem
from testbench.casebook.lazy import CaseParts, LazyCase, Locator, lazy_case
from testbench.casebook.model import (
    CardFixture,
    Case,
    Casebook,
    ExpectationKind,
    Fixtures,
    Observe,
    Patient,
    PlanIdentity,
    Prescription,
    SourceRef,
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
_EXPECTATION_TAGS = {NS + kind.value: kind.value for kind in ExpectationKind}
_TITLE, _OBJECTIVE, _COMMENT = NS + "title", NS + "objective", NS + "comment"
_CARDS, _STEPS, _EXPECTATIONS = NS + "cards", NS + "steps", NS + "expectations"
_INSTRUCTION, _OBSERVE = NS + "instruction", NS + "observe"
_LINE_DEFAULT_ITEMS = tuple(LINE_DEFAULTS.items())


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


class Builder:
    def __init__(self, source: SourceText, path: Path) -> None:
        self.source = source
        self.path = path
        self.problems: list[Problem] = []
        self.locator = Locator(source.display, source.text)

    def ref(self, el: etree._Element) -> SourceRef:
        return self.locator.ref(el.sourceline or 1, str(el.tag).rpartition("}")[2])

    def report(self, el: etree._Element, message: str, attribute: str | None = None) -> None:
        """Record a problem at the exact position of the element (or of one of its attributes)."""
        self.problems.append(Problem(self.source.element_ref(el, attribute), message))

    def report_at(self, line: int, tag: str, message: str, attribute: str | None = None) -> None:
        """Record a problem found in raw data (see :mod:`testbench.casebook.lazy`)."""
        self.problems.append(Problem(self.locator.locate(line, tag, attribute), message))

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
                    first = self.source.element_ref(seen[cid])
                    self.report(child, f"identifiant de cas « {cid} » en double (déjà utilisé en {first})", "id")
                else:
                    seen[cid] = child
            case = self.case(child, fixtures)
            if case is not None:
                cases.append(case)
        return cases

    def case(self, el: etree._Element, fixtures: Fixtures) -> LazyCase | None:
        attrs = dict(el.items())
        cid = attrs.get("id")
        domain = DOMAINS.get(attrs.get("domain", ""))
        mode_raw = attrs.get("mode", "")
        mode = MODE_SPELLINGS.get(mode_raw)
        parts = CaseParts(el.sourceline or 1, mode_raw, self.locator)
        title = objective = comment = ""
        for child in el:
            tag = child.tag
            if tag == _STEPS:
                self.steps(child, parts)
            elif tag == _EXPECTATIONS:
                self.expectations(child, parts)
            elif tag == _TITLE:
                title = clean_text(child)
            elif tag == _OBJECTIVE:
                objective = clean_text(child)
            elif tag == _COMMENT:
                comment = clean_text(child)
            elif tag == _CARDS:
                self.requirements(child, parts, fixtures)
        if cid is None or domain is None or mode is None:
            return None
        checks.check_case(cid, domain, mode, parts, fixtures, self.report_at)
        tags = attrs.get("tags")
        return lazy_case(
            id=cid,
            title=title,
            domain=domain,
            mode=mode,
            objective=objective,
            tags=tuple(tags.split()) if tags else (),
            comment=comment,
            parts=parts,
        )

    def requirements(self, el: etree._Element, parts: CaseParts, fixtures: Fixtures) -> None:
        slots: set[str] = set()
        cards = fixtures.cards
        append = parts.requirements.append
        for child in el:
            slot, card = child.get("slot"), child.get("ref")
            if slot is None or card is None:
                continue
            if slot in slots:
                self.report(child, f"le lecteur « {slot} » est déjà exigé pour ce cas", "slot")
                continue
            slots.add(slot)
            if card not in cards:
                self.report(child, f"carte « {card} » absente des fixtures", "ref")
            append((slot, card, child.sourceline or 1))

    def steps(self, el: etree._Element, parts: CaseParts) -> None:
        seen: set[str] = set()
        append = parts.steps.append
        for child in el:
            tag = child.tag
            action = _ACTION_TAGS.get(tag)
            if action is not None:
                params: dict[str, Any] = dict(child.items())
                sid = params.pop("id", None)
                if sid is None:
                    continue
                if sid in seen:
                    self.report(child, f"identifiant d'étape « {sid} » en double dans ce cas", "id")
                    continue
                defaults = STEP_DEFAULTS.get(action)
                if defaults:
                    for key, value in defaults.items():
                        params.setdefault(key, value)
                line_numbers: tuple[int, ...] = ()
                if action == "invoice":
                    lines = []
                    numbers = []
                    for line in child:
                        if line.tag == _LINE_TAG:
                            values = dict(line.items())
                            for key, value in _LINE_DEFAULT_ITEMS:
                                if key not in values:
                                    values[key] = value
                            lines.append(values)
                            numbers.append(line.sourceline or 1)
                    params["lines"] = tuple(lines)
                    line_numbers = tuple(numbers)
                seen.add(sid)
                append((action, sid, params, child.sourceline or 1, line_numbers, "", ()))
            elif tag == _MANUAL_TAG:
                sid = child.get("id")
                if sid is None:
                    continue
                if sid in seen:
                    self.report(child, f"identifiant d'étape « {sid} » en double dans ce cas", "id")
                    continue
                instruction = ""
                observe: list[Observe] = []
                for sub in child:
                    if sub.tag == _INSTRUCTION:
                        instruction = clean_text(sub)
                    elif sub.tag == _OBSERVE and sub.get("path") and sub.get("label"):
                        observe.append(Observe(sub.get("path", ""), sub.get("label", ""), sub.get("hint", "")))
                seen.add(sid)
                append((MANUAL, sid, {}, child.sourceline or 1, (), instruction, tuple(observe)))

    def expectations(self, el: etree._Element, parts: CaseParts) -> None:
        seen: set[str] = set()
        append = parts.expectations.append
        kinds = _EXPECTATION_TAGS
        for child in el:
            kind = kinds.get(child.tag)  # type: ignore[call-overload]
            if kind is None:
                continue
            attrs = dict(child.items())
            eid = attrs.get("id")
            if eid is None:
                continue
            if eid in seen:
                self.report(child, f"identifiant d'attendu « {eid} » en double dans ce cas", "id")
                continue
            seen.add(eid)
            append((kind, eid, attrs, child.sourceline or 1))


__all__ = ["NS", "Builder", "clean_text"]
