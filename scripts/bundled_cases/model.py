"""Cases as data and their layout as casebook XML (format version 1, docs/casebook-format.md).

Nothing here computes an amount: every expected value is a literal written in the book's module, next to
the comment that derives it.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class Line:
    code: str
    quantity: int | str
    price: str
    attrs: tuple[tuple[str, str], ...] = ()

    def xml(self) -> str:
        nomenclature = "LPP" if self.code.isdigit() else "NGAP"
        parts = [("nomenclature", nomenclature), ("code", self.code), ("quantity", str(self.quantity))]
        extra = dict(self.attrs)
        if "coefficient" in extra:
            parts.append(("coefficient", extra.pop("coefficient")))
        parts.append(("unit-price", self.price))
        parts.extend(extra.items())
        return "<line " + " ".join(f"{k}={quoteattr(v)}" for k, v in parts) + "/>"


def L(code: str, quantity: int | str, price: str, **attrs: str) -> Line:
    """One invoice line; keyword attributes use underscores for dashes (``rental_start`` → ``rental-start``)."""
    return Line(code, quantity, price, tuple((k.replace("_", "-"), v) for k, v in attrs.items()))


@dataclass(frozen=True)
class Step:
    xml: str  # one element, possibly with children, without indentation


def el(name: str, sid: str, children: list[str] | None = None, **attrs: str) -> Step:
    """A step element ``<name id=sid …/>``; keyword attributes use underscores for dashes."""
    text = f"<{name} id={quoteattr(sid)}"
    for key, value in attrs.items():
        text += f" {key.replace('_', '-')}={quoteattr(value)}"
    if not children:
        return Step(text + "/>")
    return Step(text + ">\n" + "\n".join("  " + c for c in children) + f"\n</{name}>")


def invoice(
    patient: str,
    care_date: str,
    lines: list[Line],
    sid: str = "s-invoice",
    tiers_payant: str = "amo",
    **attrs: str,
) -> Step:
    return el(
        "invoice",
        sid,
        [line.xml() for line in lines],
        patient=patient,
        care_date=care_date,
        tiers_payant=tiers_payant,
        **attrs,
    )


def read_cps() -> list[Step]:
    return [el("read-cps", "s-cps"), el("verify-pin", "s-pin")]


def read_vitale(rank: int = 1, sid: str = "s-vitale") -> Step:
    return el("read-vitale", sid, beneficiary=str(rank))


def secure(sid: str = "s-secure") -> Step:
    return el("secure", sid)


@dataclass(frozen=True)
class Expect:
    xml: str


#: Observation roots other than ``invoice``: ``invoice.adri.marking`` keeps its prefix beside ``adri.marking``.
_ROOTS = {"adri", "apcv", "insi", "eprescription", "lot", "returns", "secure", "cps", "vitale", "pin", "cards"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _type(path: str, expected: str) -> str:
    if path.endswith(("count", "tries_left", "rank")):
        return "integer"
    if expected in ("true", "false"):
        return "boolean"
    if re.fullmatch(r"-?\d+\.\d+", expected) or (path.endswith(".rate") and expected.isdigit()):
        return "decimal"
    return "string"


def V(
    path: str, expected: str, step: str | None = "s-invoice", type_: str | None = None, eid: str | None = None
) -> Expect:
    """A value expectation; the type follows the value (decimal, integer for counts, string otherwise)."""
    short = path.removeprefix("invoice.")
    eid = eid or "e-" + _slug(path if short.split(".")[0] in _ROOTS else short)
    attrs = [("id", eid)]
    if step:
        attrs.append(("step", step))
    attrs += [("path", path), ("type", type_ or _type(path, expected)), ("expected", expected)]
    return Expect("<value " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs) + "/>")


def refusal(code: str, step: str = "s-invoice", eid: str = "r-refus") -> Expect:
    return Expect(f"<refusal id={quoteattr(eid)} step={quoteattr(step)} code={quoteattr(code)}/>")


def trace(channel: str, pattern: str, step: str | None = None, eid: str = "t-trace") -> Expect:
    attrs = [("id", eid)]
    if step:
        attrs.append(("step", step))
    attrs += [("channel", channel), ("pattern", pattern)]
    return Expect("<trace " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs) + "/>")


@dataclass(frozen=True)
class Case:
    id: str
    domain: str
    mode: str
    tags: str
    title: str
    objective: str
    comment: str
    cards: list[tuple[str, str]]
    steps: list[Step]
    expect: list[Expect]
    requirements: str = ""


@dataclass
class Book:
    filename: str
    plan_id: str
    title: str
    ps_category: str
    header: str  # the file's leading XML comment, French
    fixtures: str  # the <fixtures> children, as written
    cases: list[Case] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)  # first case id of a section -> its heading


def _indent(text: str, depth: int) -> str:
    pad = "  " * depth
    return "\n".join(pad + line if line else line for line in text.splitlines())


def _case(case: Case) -> str:
    attrs = [("id", case.id), ("domain", case.domain), ("mode", case.mode), ("tags", case.tags)]
    if case.requirements:
        attrs.append(("requirements", case.requirements))
    out = ["<case " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs) + ">"]
    out.append(f"  <title>{escape(case.title)}</title>")
    out.append(f"  <objective>{escape(case.objective)}</objective>")
    out.append(f"  <comment>{escape(case.comment)}</comment>")
    if case.cards:
        out.append("  <cards>")
        out += [f"    <card slot={quoteattr(slot)} ref={quoteattr(ref)}/>" for slot, ref in case.cards]
        out.append("  </cards>")
    out.append("  <steps>")
    out += [_indent(step.xml, 2) for step in case.steps]
    out.append("  </steps>")
    out.append("  <expectations>")
    out += ["    " + exp.xml for exp in case.expect]
    out.append("  </expectations>")
    out.append("</case>")
    return "\n".join(out)


def render(book: Book) -> str:
    ids = [c.id for c in book.cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{book.filename}: duplicate case ids {duplicates}")
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!--",
        _indent(book.header.strip(), 1),
        "",
        "  Fichier écrit par scripts/make_bundled_casebooks.py à partir de scripts/bundled_cases/ : modifiez",
        "  les données là-bas, puis relancez le script (ne retouchez pas ce fichier à la main).",
        "-->",
        '<casebook xmlns="urn:testbench:casebook:1" format-version="1">',
        "  <identity>",
        f"    <plan-id>{book.plan_id}</plan-id>",
        "    <evolution>EV000</evolution>",
        "    <document-version>01.00</document-version>",
        "    <effective-date>2026-01-01</effective-date>",
        "    <cdc-version>1.40</cdc-version>",
        "    <addendum>8</addendum>",
        f"    <ps-category>{book.ps_category}</ps-category>",
        f"    <title>{escape(book.title)}</title>",
        "  </identity>",
        "",
        "  <fixtures>",
        _indent(textwrap.dedent(book.fixtures).strip("\n"), 2),
        "  </fixtures>",
        "",
        "  <cases>",
    ]
    for case in book.cases:
        heading = book.sections.get(case.id)
        if heading:
            parts.append(f"    <!-- ============ {escape(heading)} ============ -->")
        parts.append(_indent(_case(case), 2))
        parts.append("")
    parts += ["  </cases>", "</casebook>", ""]
    return "\n".join(parts)
