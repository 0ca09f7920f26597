"""XPath extractors on XML outputs (FSE-like files), with a parser that fetches and expands nothing."""

from __future__ import annotations

import bisect
import codecs
import re
from pathlib import Path

from lxml import etree

from testbench.casebook.source import known_xml_detail
from testbench.extract.model import Extracted, ExtractError, Provenance, excerpt
from testbench.extract.spec import RANK, ExtractorSpec, xpath_reason
from testbench.extract.values import Ranks, normalise_decimal
from testbench.traces.logtext import HEAD_BYTES, utf16_order
from testbench.xmlsafe import from_bytes

#: ``string(X)``, ``normalize-space(X)``, ``number(X)``: X is evaluated again to find the line of the value.
_WRAPPED = re.compile(r"\s*(?:string|normalize-space|number)\((.+)\)\s*", re.DOTALL)


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


#: Where an XPath item was read: its element, and the attribute's name (None: the element itself).
Where = tuple[etree._Element, str | None]


def _items(result: object) -> list[tuple[str, Where | None]]:
    """(value, where) for each item an XPath result holds; an empty list when it selects nothing."""
    if isinstance(result, bool):
        return [("true" if result else "false", None)]
    if isinstance(result, float):
        return [] if result != result else [(_number(result), None)]  # NaN: number() of nothing
    if isinstance(result, str):
        parent = getattr(result, "getparent", lambda: None)()
        if parent is None:
            return [(str(result), None)]
        attribute = getattr(result, "attrname", None) if getattr(result, "is_attribute", False) else None
        return [(str(result), (parent, attribute))]
    if isinstance(result, list):
        out: list[tuple[str, Where | None]] = []
        for item in result:
            if isinstance(item, etree._Element):
                out.append(("".join(item.itertext()).strip(), (item, None)))
            else:
                out.extend(_items(item))
        return out
    return []


def _wrapped(doc: etree._Element, expression: str, namespaces: dict[str, str]) -> list[tuple[str, Where | None]] | None:
    """What X selects in a ``string(X)``-like expression: ``string()`` of nothing is the empty string, which must
    read as no value (a path or a namespace that matches nothing is not an empty field); None when the expression
    is not of that shape or X is not a path."""
    match = _WRAPPED.fullmatch(expression)
    if match is None:
        return None
    try:
        return _items(doc.xpath(match.group(1), namespaces=namespaces))
    except (etree.XPathError, TypeError, ValueError):
        return None


#: A start tag from its ``<``: name, attributes (quoted values may hold ``>``), ``>`` or ``/>``.
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")


def _utf16(data: bytes) -> tuple[str, int] | None:
    """An XML file in UTF-16 (a Windows application's FSE): its byte order and the length of its byte order
    mark; None for any other (UTF-8, ISO-8859-1…: ``<`` and the markup are ASCII bytes there)."""
    order = utf16_order(data[:HEAD_BYTES])
    if order is None:
        return None
    return order, 2 if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else 0


class _Locator:
    """Lines and byte offsets of elements and attribute values in the file's own bytes.

    lxml gives an element's ``sourceline`` (the line where its start tag ends) but no offset: the start
    tag is found by its written name searching back from that line's end, then an attribute's value
    inside it, or the element's text just after it. Elements of the same name on the same line are told
    apart by the siblings that follow them on that line.

    A file in UTF-16 is searched in UTF-8 (its markup is then ASCII bytes, as in any other file), its lines
    read as text, and each offset found given back in the file's own bytes (:meth:`original`).
    """

    def __init__(self, data: bytes) -> None:
        self.wide = _utf16(data)
        self._wide_starts: list[int] = []
        if self.wide is not None:
            order, bom = self.wide
            data = data[bom:].decode(order, "replace").encode("utf-8")
        self.data = data
        self.starts = [0, *(m.end() for m in re.finditer(b"\n", data))]
        if self.wide is not None:  # each line's start in the file's own bytes
            order, at = self.wide
            for start, end in zip(self.starts, [*self.starts[1:], len(data)], strict=True):
                self._wide_starts.append(at)
                at += len(data[start:end].decode("utf-8", "replace").encode(order))

    def original(self, offset: int) -> int:
        """An offset in :attr:`data` as an offset in the file's own bytes."""
        if self.wide is None:
            return offset
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return self._wide_starts[line] + len(self.data[start:offset].decode("utf-8", "replace").encode(self.wide[0]))

    def line_text(self, line: int) -> str | None:
        if not 1 <= line <= len(self.starts):
            return None
        end = self.starts[line] if line < len(self.starts) else len(self.data)
        return self.data[self.starts[line - 1] : end].decode("utf-8", "replace").strip()

    def offset(self, where: Where) -> int | None:
        found = self._offset(where)
        return None if found is None else self.original(found)

    def _offset(self, where: Where) -> int | None:
        element, attribute = where
        line = element.sourceline
        if not isinstance(element.tag, str) or line is None or not 1 <= line <= len(self.starts):
            return None
        qname = etree.QName(element)
        name = (f"{element.prefix}:{qname.localname}" if element.prefix else qname.localname).encode("utf-8")
        end = self.starts[line] if line < len(self.starts) else len(self.data)
        same_line_after = 0
        for sibling in element.itersiblings():
            if sibling.sourceline != line:
                break
            same_line_after += sibling.tag == element.tag
        start = end
        for _ in range(same_line_after + 1):
            start = self._tag_before(name, start)
            if start < 0:
                return None
        tag = _START_TAG.match(self.data, start)
        if tag is None:
            return start
        if attribute is None:
            return tag.end() if not tag.group().endswith(b"/>") else start
        local = re.escape(etree.QName(attribute).localname.encode("utf-8"))
        value = re.compile(rb"\s(?:[^\s=/>:]+:)?" + local + rb"\s*=\s*[\"']").search(self.data, start, tag.end())
        return value.end() if value else start

    def _tag_before(self, name: bytes, end: int) -> int:
        """The offset of the last ``<name`` start tag beginning before ``end``, or -1."""
        needle = b"<" + name
        found = self.data.rfind(needle, 0, end)
        while found >= 0:
            after = self.data[found + len(needle) : found + len(needle) + 1]
            if after in (b">", b"/", b"") or after.isspace():
                return found
            found = self.data.rfind(needle, 0, found)
        return -1


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


#: Above this size an XML file is not parsed to learn whether it is whole: its size must stay stable.
WHOLE_MAX_BYTES = 1 << 20


def xml_whole(path: Path) -> bool:
    """Whether ``path`` holds a whole XML document now, so it may be read without waiting for its size to
    stay stable: once the root element is closed no value can follow (only whitespace, comments or
    processing instructions may), while a document cut anywhere earlier does not parse. A file that will
    never parse (malformed) is left to the stability wait, then its extraction names the error.
    """
    try:
        if not 0 < path.stat().st_size <= WHOLE_MAX_BYTES:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    if _entity_declaration(_Locator(data).data) >= 0:
        return False
    try:
        from_bytes(data)
    except etree.XMLSyntaxError:
        return False
    return True


#: The largest XML file read (16 MiB): an FSE is a few kilobytes, a return file (NOEMIE, RSP) a few megabytes at
#: most, while lxml's tree takes some twenty times the file's size in memory (a 69 MB file: 1.3 GB).
XML_MAX_BYTES = 16 << 20

#: lxml's « , line 8, column 16 » at the end of its message: the place is said in front of it
_LXML_POSITION = re.compile(r", line \d+, column \d+$")


def _malformed(source: str, exc: etree.XMLSyntaxError) -> ExtractError:
    """« file:line:col : XML mal formé : … » in French, the casebook loader's words for libxml2's (an unknown
    message of libxml2 is not shown: its English would be the only English of a French line)."""
    line, column = exc.position
    place = f"{source}:{line}:{column}"
    english = _LXML_POSITION.sub("", exc.msg or "").strip()  # stripped last: « …, line 2, column 8 » leaves a space
    detail = known_xml_detail(english)
    if detail is None:
        return ExtractError(source, f"{place} : XML mal formé à cet endroit")
    return ExtractError(source, f"{place} : XML mal formé : {detail}")


def _parse(source: str, data: bytes) -> tuple[etree._Element, _Locator]:
    """The document's root element and its locator, or the reason it is not read: too large (checked first, before
    any copy of the file is made), an entity declared, malformed."""
    if len(data) > XML_MAX_BYTES:
        said = f"{source} : fichier trop volumineux ({len(data)} octets, limite {XML_MAX_BYTES} octets)"
        raise ExtractError(source, said)
    locator = _Locator(data)
    entity = _entity_declaration(locator.data)  # a UTF-16 file's declaration is looked for in its text
    if entity >= 0:
        reason = "déclaration d'entité refusée (le banc ne développe aucune entité)"
        raise ExtractError(source, reason, offset=locator.original(entity))
    try:
        return from_bytes(data), locator
    except etree.XMLSyntaxError as exc:
        raise _malformed(source, exc) from None


def _foreign_root(source: str, doc: etree._Element, namespaces: dict[str, str]) -> ExtractError | None:
    """The error for a document nothing was read in whose root element is in none of the namespaces the profile
    declares (another version of the format, another document): said, rather than values silently absent."""
    declared = sorted(set(namespaces.values()))
    root = etree.QName(doc).namespace
    if not declared or root in declared:
        return None
    ns = ", ".join(declared)
    if root is None:
        reason = f"{source} : aucune valeur lue : la racine n'est dans aucun espace de noms, le profil déclare {ns}"
    else:
        reason = f"{source} : aucune valeur lue : la racine est dans l'espace de noms {root}, le profil déclare {ns}"
    return ExtractError(source, reason)


def extract_xml(spec: ExtractorSpec, path: Path, data: bytes) -> list[Extracted]:
    source = str(path)
    doc, locator = _parse(source, data)
    namespaces = dict(spec.namespaces)
    ranks = Ranks()
    out: list[Extracted] = []
    for expression, template in spec.fields.items():
        try:
            found = _items(doc.xpath(expression, namespaces=namespaces))
        except (etree.XPathError, TypeError, ValueError) as exc:  # lxml's words are English: said in French
            said = f"{source} : expression XPath « {expression} » inapplicable ({xpath_reason(exc)})"
            raise ExtractError(source, said) from None
        inner = _wrapped(doc, expression, namespaces) if found and found[0][1] is None else None
        if inner == []:
            found = []
        if RANK not in template:
            found = found[:1]
        fallback = inner[0][1] if inner else None
        for value, where in found:
            where = where if where is not None else fallback
            line = where[0].sourceline if where is not None else None
            offset = locator.offset(where) if where is not None else None
            text = (locator.line_text(line) if line else None) or value
            provenance = Provenance(
                source=source, kind="xml", offset=offset, line=line, excerpt=excerpt(text), locator=expression
            )
            out.append(Extracted(ranks.path(template), normalise_decimal(value), provenance))
    if not out and (foreign := _foreign_root(source, doc, namespaces)) is not None:
        raise foreign
    return out

