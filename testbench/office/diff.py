"""What a re-import changed, per case id: added, modified (with the fields that changed), removed.

Compares the casebook already at the output path with the new one, field by field, so a team re-importing
its edited exam book sees exactly the rows it touched — and nothing for a row that only moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from testbench.casebook.source import has_doctype
from testbench.xmlsafe import from_bytes

NS = "urn:testbench:casebook:1"
#: Fields compared, in the order they are reported: attributes of <case>, then its children.
ATTRIBUTES = ("domain", "mode", "tags", "requirements")
CHILDREN = ("title", "objective", "comment", "cards", "steps", "expectations")
#: Field -> the French word a person reads (English in the catalogue).
FIELD_WORDS = {
    "domain": "domaine",
    "mode": "mode",
    "tags": "mots-clés",
    "requirements": "exigences",
    "title": "titre",
    "objective": "objectif",
    "comment": "commentaire",
    "cards": "cartes",
    "steps": "étapes",
    "expectations": "résultats attendus",
    "identity": "identité",
    "fixtures": "fixtures",
}
_BETWEEN_TAGS = re.compile(rb">\s+<")


@dataclass(frozen=True)
class Change:
    case: str | None  # None: the casebook's identity or fixtures
    kind: str  # "added" | "modified" | "removed"
    fields: tuple[str, ...] = ()  # keys of FIELD_WORDS, for "modified"


def read_cases(xml: bytes) -> tuple[dict[str, bytes], dict[str, etree._Element]] | None:
    """(``identity``/``fixtures`` -> canonical bytes, case id -> element), or None when not a casebook."""
    try:
        root = from_bytes(xml, remove_comments=True)
    except etree.XMLSyntaxError:
        return None
    if root.tag != f"{{{NS}}}casebook" or has_doctype(root):  # the loader refuses a DOCTYPE: its entities
        return None  # would stop the comparison (C14N fails on an entity reference)
    top = {name: _canonical(root.find(f"{{{NS}}}{name}")) for name in ("identity", "fixtures")}
    cases = {el.get("id", ""): el for el in root.iter(f"{{{NS}}}case")}
    return top, cases


def diff_casebooks(old: bytes, new: bytes) -> list[Change] | None:
    """The changes from ``old`` to ``new`` in ``new``'s order (removed cases last); None if ``old`` does not read."""
    before, after = read_cases(old), read_cases(new)
    if before is None or after is None:
        return None
    changes: list[Change] = []
    top = tuple(name for name in ("identity", "fixtures") if before[0][name] != after[0][name])
    if top:
        changes.append(Change(None, "modified", top))
    old_cases, new_cases = before[1], after[1]
    for case_id, element in new_cases.items():
        previous = old_cases.get(case_id)
        if previous is None:
            changes.append(Change(case_id, "added"))
            continue
        fields = tuple(name for name in ATTRIBUTES if previous.get(name) != element.get(name))
        fields += tuple(
            name
            for name in CHILDREN
            if _canonical(previous.find(f"{{{NS}}}{name}")) != _canonical(element.find(f"{{{NS}}}{name}"))
        )
        if fields:
            changes.append(Change(case_id, "modified", fields))
    changes.extend(Change(case_id, "removed") for case_id in old_cases if case_id not in new_cases)
    return changes


def _canonical(element: etree._Element | None) -> bytes:
    """An element's content, indentation and attribute order aside."""
    if element is None:
        return b""
    text = etree.tostring(element, method="c14n")
    return _BETWEEN_TAGS.sub(b"><", text).strip()


#: Fields that change what a case runs or what it compares: one changed since the run withholds the case's
#: verdict (the export); the others (title, objective, comment, tags, requirements) leave it standing.
EXECUTED = frozenset({"domain", "mode", "cards", "steps", "expectations"})


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    """The fields (keys of :data:`FIELD_WORDS`) in which two cases, as a session records them (``Case``
    encoded), differ; where each was read (its ``source``: file, line) aside, since a case read from another
    file at another line is the same case. Expected values are compared by meaning (:func:`_same_value`), and
    an expectation's comment (how its value was derived) counts as the case's comment. A field ``old`` does
    not hold (a session recorded before it existed) cannot have changed."""
    changed = {name for name in (*ATTRIBUTES, *CHILDREN) if name in old and _differ(name, old, new)}
    if "expectations" in old and _comments(old["expectations"]) != _comments(new.get("expectations")):
        changed.add("comment")
    return tuple(name for name in (*ATTRIBUTES, *CHILDREN) if name in changed)


def _differ(name: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    if name == "expectations":
        return not _same_expectations(old[name] or [], new.get(name) or [])
    return _placeless(old[name]) != _placeless(new.get(name))


def _placeless(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _placeless(item) for key, item in value.items() if key != "source"}
    if isinstance(value, list):
        return [_placeless(item) for item in value]
    return value


def _comments(expectations: list[dict[str, Any]] | None) -> list[str]:
    return [expectation.get("comment", "") for expectation in expectations or []]


def _same_expectations(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> bool:
    """Whether two expectation lists compare the same things: their places and comments aside, each expected
    value by meaning."""
    return len(old) == len(new) and all(_same_expectation(a, b) for a, b in zip(old, new, strict=True))


def _same_expectation(old: dict[str, Any], new: dict[str, Any]) -> bool:
    aside = ("source", "comment", "expected", "value_type")
    rest = [{key: _placeless(value) for key, value in item.items() if key not in aside} for item in (old, new)]
    return rest[0] == rest[1] and _same_value(old, new)


def _same_value(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether two expected values mean the same, read as the comparison reads them under either one's type:
    the decimal ``180019999900168.00`` an earlier import wrote is the text ``180019999900168`` a later one
    writes, and a run's verdict on one stands for the other."""
    from testbench.runner.compare import reading

    pairs = (old.get("expected", ""), new.get("expected", ""))
    if old.get("value_type") == new.get("value_type") and pairs[0] == pairs[1]:
        return True
    rules = tuple(old.get("normalize") or ())
    for value_type in dict.fromkeys((old.get("value_type", "string"), new.get("value_type", "string"))):
        try:
            before, after = (reading(value_type, text, rules) for text in pairs)
        except ValueError:
            continue
        if before == after:
            return True
    return False
