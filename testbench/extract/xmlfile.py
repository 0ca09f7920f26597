"""XPath extractors on XML outputs (FSE-like files), with a parser that fetches and expands nothing."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from testbench.extract.model import Extracted, ExtractError, Provenance, excerpt
from testbench.extract.spec import RANK, ExtractorSpec
from testbench.extract.values import Ranks, normalise_decimal

#: ``string(X)``, ``normalize-space(X)``, ``number(X)``: X is evaluated again to find the line of the value.
_WRAPPED = re.compile(r"\s*(?:string|normalize-space|number)\((.+)\)\s*", re.DOTALL)


def _parser() -> etree.XMLParser:
    # The same hardening as the casebook loader and the reference engine's FSE: a new parser per file
    # (lxml parsers keep state), no DTD, no entity expansion, no network, no huge trees.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _items(result: object) -> list[tuple[str, int | None]]:
    """(value, line) for each item an XPath result holds; an empty list when it selects nothing."""
    if isinstance(result, bool):
        return [("true" if result else "false", None)]
    if isinstance(result, float):
        return [] if result != result else [(_number(result), None)]  # NaN: number() of nothing
    if isinstance(result, str):
        parent = getattr(result, "getparent", lambda: None)()
        return [(str(result), parent.sourceline if parent is not None else None)]
    if isinstance(result, list):
        out = []
        for item in result:
            if isinstance(item, etree._Element):
                out.append(("".join(item.itertext()).strip(), item.sourceline))
            else:
                out.extend(_items(item))
        return out
    return []


def _line_of(doc: etree._Element, expression: str, namespaces: dict[str, str]) -> int | None:
    """The line of the node a ``string(X)``-like expression read, when X selects one."""
    match = _WRAPPED.fullmatch(expression)
    if match is None:
        return None
    try:
        found = _items(doc.xpath(match.group(1), namespaces=namespaces))
    except etree.XPathError:
        return None
    return found[0][1] if found else None


def _entity_declaration(data: bytes) -> int:
    """Offset of an entity declared in the document's internal DTD subset, or -1.

    libxml2 substitutes internal entities in attribute values whatever the parser's options, so a
    declaration is refused before parsing (as the casebook loader refuses a DOCTYPE): an application's
    output has no use for one, and an expanded entity would be a value the file does not show.
    """
    doctype = data.find(b"<!DOCTYPE")
    if doctype < 0:
        return -1
    end = data.find(b"]>", doctype)
    found = data.find(b"<!ENTITY", doctype, end if end >= 0 else len(data))
    return found


def extract_xml(spec: ExtractorSpec, path: Path, data: bytes) -> list[Extracted]:
    source = str(path)
    entity = _entity_declaration(data)
    if entity >= 0:
        reason = "déclaration d'entité refusée (le banc ne développe aucune entité)"
        raise ExtractError(source, reason, offset=entity)
    try:
        doc = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        offset = _offset(data, line, column)
        raise ExtractError(source, f"XML invalide : {exc.msg}", offset=offset) from None
    namespaces = dict(spec.namespaces)
    lines = data.splitlines()
    ranks = Ranks()
    out: list[Extracted] = []
    for expression, template in spec.fields.items():
        try:
            found = _items(doc.xpath(expression, namespaces=namespaces))
        except etree.XPathError as exc:
            raise ExtractError(source, f"{source} : expression XPath « {expression} » inapplicable ({exc})") from None
        if RANK not in template:
            found = found[:1]
        fallback = _line_of(doc, expression, namespaces) if found and found[0][1] is None else None
        for value, line in found:
            line = line if line is not None else fallback
            text = lines[line - 1].decode("utf-8", "replace").strip() if line and line <= len(lines) else value
            provenance = Provenance(source=source, kind="xml", line=line, excerpt=excerpt(text), locator=expression)
            out.append(Extracted(ranks.path(template), normalise_decimal(value), provenance))
    return out


def _offset(data: bytes, line: int, column: int) -> int:
    """Byte offset of a 1-based line and column (lxml reports positions as line:column)."""
    start = 0
    for _ in range(max(0, line - 1)):
        found = data.find(b"\n", start)
        if found < 0:
            break
        start = found + 1
    return start + max(0, column - 1)
