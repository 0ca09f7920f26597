"""The documents an engine answers with, read as a caisse would read them first: the FSE and the B2 lot.

A result can conform to its JSON Schema and still carry an FSE that is not XML, or a lot no caisse could read.
``testbench run`` (:mod:`testbench.runner.actions`, after storing the document as evidence) and the ``fse`` and
``lot`` checks of ``testbench engine check`` read each document here, so both accept and refuse the same ones
(docs/engine-protocol.md, « The documents an engine returns »):

- the FSE (``create_invoice``'s ``fse``): well-formed XML read by the hardened parser (:mod:`testbench.xmlsafe`), no
  DOCTYPE; valid against our XSD when it is our format (root ``fse`` in ``urn:testbench:fse:1``);
- the lot (``build_lot``'s ``b2``): one record per line (``\\n`` or ``\\r\\n``), each of 128 characters of printable
  ASCII, the B2 conventions the bench documents; when its first record says it is our format (``000``, norme
  ``TB-B2-LIKE``), every record also follows our layout (``data/b2_layout.json``): a known type, digits where a
  number is, a date AAMMJJ, the last record ``999`` counting the records.

Each problem is the first one met, placed (line and column, record and columns), the engine's text cut short and
its control characters made visible (:func:`testbench.fmt.shown`); a French sentence whose English is in the
catalogue. The cost is small (a parse, a schema check, a pass over the records): this is every case's path.
"""

from __future__ import annotations

import re
import threading
from datetime import date
from typing import TYPE_CHECKING

from lxml import etree

from testbench.casebook.source import has_doctype, xml_detail
from testbench.engines.api import EngineProtocolError
from testbench.fmt import shown
from testbench.i18n import _t, tn
from testbench.xmlsafe import from_bytes

if TYPE_CHECKING:
    from testbench.engines.reference.b2 import Field

#: the namespace of our FSE-like format (testbench/engines/reference/data/fse.xsd)
FSE_NS = "urn:testbench:fse:1"
FSE_ROOT = f"{{{FSE_NS}}}fse"
#: what the first record of our B2-like lot says in its ``norme`` field (testbench/engines/reference/b2.py)
B2_NORME = "TB-B2-LIKE"
RECORD_LENGTH = 128

FSE_MALFORMED = _t("FSE mal formée, ligne {line}, colonne {column} : {detail} ; près de « {excerpt} »")
FSE_INVALID = _t("FSE (XSD testbench), ligne {line}, élément {path} : {detail}")
B2_EMPTY = _t("lot B2 vide")
B2_CHARACTER = _t("lot B2, enregistrement {record}, colonne {column} : caractère {char} hors de l'ASCII imprimable")
B2_TYPE = _t("lot B2, enregistrement {record} : type « {type} » inconnu du format testbench")
B2_NUMBER = _t(
    "lot B2, enregistrement {record}, colonnes {first}–{last} : champ {field} : « {text} » n'est pas un nombre"
)
B2_DATE = _t(
    "lot B2, enregistrement {record}, colonnes {first}–{last} : champ {field} : « {text} » n'est pas une date AAMMJJ"
)
B2_LAST = _t(
    "lot B2, enregistrement {record} : dernier enregistrement de type « {type} » au lieu de 999 (lot tronqué ?)"
)
B2_COUNT = _t("lot B2, enregistrement {record} : l'enregistrement 999 en compte {said}, le lot en a {count}")

#: result key → the method whose result carries it (the sentence names the call, as every engine fault does)
METHODS = {"fse": "create_invoice", "b2": "build_lot"}

_EXCERPT = 40
_LONG_QUOTE = re.compile(r"'([^']{80,})'")  # a value libxml2 quotes whole (it may be megabytes long)
_SCHEMA_LOCK = threading.Lock()  # one compiled schema, its error log shared: validate + read together
#: the encoding an FSE's XML declaration names, after its version (XML 1.0, « EncodingDecl »)
_DECLARED_ENCODING = re.compile(
    r"\A(\ufeff?<\?xml\s+version\s*=\s*([\"'])[^\"']*\2)(\s+encoding\s*=\s*([\"'])[A-Za-z][A-Za-z0-9._-]*\4)"
)


def fse_root(text: str) -> etree._Element:
    """The FSE ``text``'s root element; raises ``etree.XMLSyntaxError`` (line and column) when it is malformed.

    The engine answers characters (a JSON string), already decoded: the encoding its XML declaration names says
    how a file of it would be written, not how to read them. .NET writes « encoding="utf-16" » in every XML it
    serialises to a string, which read as UTF-8 bytes was refused as malformed (a valid FSE failing the engine);
    a declared ISO-8859-1 read the accents wrong. The declaration's encoding is left out, in place (spaces), so
    that every line and column the parser gives is still the document's."""
    declared = _DECLARED_ENCODING.match(text)
    if declared is not None:
        blank = re.sub(r"[^\r\n]", " ", declared[3])
        text = declared[1] + blank + text[declared.end() :]
    return from_bytes(text.encode("utf-8"))


def fse_problem(text: str) -> str | None:
    """Why ``text`` is no FSE a caisse would read (its first problem, placed), or None."""
    try:
        root = fse_root(text)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        detail = shown(xml_detail(exc.msg), 200)
        return FSE_MALFORMED.format(line=line, column=column, detail=detail, excerpt=_near(text, line, column))
    if has_doctype(root):  # its entities would stop the schema check; a caisse refuses it
        from testbench.engines.reference.fse import FSE_DOCTYPE

        return FSE_DOCTYPE
    if root.tag != FSE_ROOT:
        return None  # an FSE of another format: well-formed is what the bench can say of it
    from testbench.engines.reference.fse import fse_schema

    schema = fse_schema()
    with _SCHEMA_LOCK:
        if schema.validate(root):
            return None
        first = schema.error_log[0]
        line, where, raw = first.line, first.path, first.message
    # libxml2 gives a schema error no column: the element's path places it in a one-line FSE
    return FSE_INVALID.format(line=line, path=_element_path(root, where), detail=_schema_words(raw))


def _element_path(root: etree._Element, where: str | None) -> str:
    """libxml2's ``/*/*[4]/*`` as the names a person reads, ``/fse/lignes/ligne[1]`` (a rank among namesakes)."""
    try:
        found = root.getroottree().xpath(where) if where else []
    except etree.XPathError:  # a path libxml2 wrote and cannot read back: the root places it still
        found = []
    element = found[0] if found and isinstance(found[0], etree._Element) else root
    steps = []
    while element is not None:
        name = etree.QName(element).localname
        parent = element.getparent()
        namesakes = [e for e in parent if e.tag == element.tag] if parent is not None else [element]
        steps.append(f"{name}[{namesakes.index(element) + 1}]" if len(namesakes) > 1 else name)
        element = parent
    return shown("/" + "/".join(reversed(steps)), 120)


def _schema_words(raw: str) -> str:
    """libxml2's schema error in the casebook loader's French words, our namespace left out, a long value cut."""
    from testbench.casebook.xsd_messages import describe

    raw = _LONG_QUOTE.sub(lambda found: "'" + shown(found[1], 60) + "'", raw.replace(f"{{{FSE_NS}}}", ""))
    return describe(raw, lambda french: french)


def _near(text: str, line: int, column: int) -> str:
    """The document's text around ``line``:``column``, cut short and its control characters made visible."""
    lines = text.split("\n", line)
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    start = max(0, column - 1 - _EXCERPT // 2)
    return shown(here[start:], _EXCERPT)


def b2_problem(text: str) -> str | None:
    """Why ``text`` is no lot a caisse would read (its first problem, placed), or None."""
    records = text.split("\n")
    while records and records[-1] in ("", "\r"):
        records.pop()  # the line end after the last record
    if not records:
        return B2_EMPTY
    records = [record.removesuffix("\r") for record in records]
    for number, record in enumerate(records, 1):
        if len(record) != RECORD_LENGTH:
            return tn(
                "lot B2, enregistrement {record} : {count} caractère au lieu de {expected} : « {excerpt} »",
                "lot B2, enregistrement {record} : {count} caractères au lieu de {expected} : « {excerpt} »",
                len(record),
                "fr",  # recorded in French, read back in English (testbench.i18n.english)
                record=number,
                expected=RECORD_LENGTH,
                excerpt=shown(record, _EXCERPT),
            )
        if not record.isascii() or not record.isprintable():
            column, char = next((i, c) for i, c in enumerate(record, 1) if not (c.isascii() and c.isprintable()))
            return B2_CHARACTER.format(record=number, column=column, char=f"U+{ord(char):04X}")
    if records[0][:3] == "000" and records[0][3:15].rstrip() == B2_NORME:
        return _layout_problem(records)
    return None


def _layout_problem(records: list[str]) -> str | None:
    """The first record of our B2-like lot that does not follow our layout, or the lot's end that is wrong."""
    from testbench.engines.reference.b2 import layout

    fields = layout()
    for number, record in enumerate(records, 1):
        rtype = record[:3]
        if rtype not in fields:
            return B2_TYPE.format(record=number, type=rtype)
        for field in fields[rtype]:
            if (problem := _field_problem(field, record, number)) is not None:
                return problem
    last = records[-1]
    if last[:3] != "999":
        return B2_LAST.format(record=len(records), type=last[:3])
    said = int(_raw(next(f for f in fields["999"] if f.name == "nombre_enregistrements"), last))
    if said != len(records):
        return B2_COUNT.format(record=len(records), said=said, count=len(records))
    return None


def _raw(field: Field, record: str) -> str:
    return record[field.start - 1 : field.start - 1 + field.length]


def _field_problem(field: Field, record: str, number: int) -> str | None:
    raw = _raw(field, record)
    place = {"record": number, "first": field.start, "last": field.start + field.length - 1, "field": field.name}
    if field.kind in ("num", "amount") and not (raw.isascii() and raw.isdigit()):
        return B2_NUMBER.format(**place, text=raw)
    if field.kind == "signed" and not (raw[:1] in "+-" and raw[1:].isascii() and raw[1:].isdigit()):
        return B2_NUMBER.format(**place, text=raw)
    if field.kind == "date" and raw != "000000" and not _is_date(raw):
        return B2_DATE.format(**place, text=raw)
    return None


def _is_date(raw: str) -> bool:
    if not (raw.isascii() and raw.isdigit()):
        return False
    try:
        date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:6]))
    except ValueError:
        return False
    return True


#: result key → the reader of that document
_READERS = {"fse": fse_problem, "b2": b2_problem}


def document_fault(key: str, text: str) -> EngineProtocolError | None:
    """The engine's fault for the document ``text`` it answered under ``key`` (``fse``, ``b2``), or None: a
    document the bench does not read (``noemie``) or one that reads well."""
    reader = _READERS.get(key)
    problem = reader(text) if reader is not None else None
    return EngineProtocolError(f"{METHODS[key]} : {problem}") if problem is not None else None
