"""Hardened reading of a casebook file (size limit, UTF-8 only, no DOCTYPE) and source positions.

Everything dangerous is refused *before* any parser sees the bytes (a DOCTYPE is where XXE and
"billion laughs" live), and both parsers are configured so that nothing is fetched or expanded
anyway. :class:`SourceText` turns byte offsets (what expat reports) and lxml elements (lxml only
knows the line where a start tag *ends*) into ``file:line:col``.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import unicodedata
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from testbench.casebook.errors import Problem, in_both
from testbench.casebook.model import SourceRef
from testbench.fmt import os_reason
from testbench.xmlsafe import parser as xml_parser

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_DEPTH = 32


@dataclass(frozen=True)
class LoadLimits:
    """Limits applied before and after parsing; both configurable per call."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    #: The option that raises ``max_bytes`` for the command reading (``validate --max-size``), said when a file
    #: is too big; none (``run``, the workstation): the limit is fixed, the file has to be split.
    size_option: str = ""


_XML_DECL = re.compile(rb"<\?xml\s[^>]*?\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
_TAG_NAME = re.compile(rb"<[^\s/>]+")
_ATTRIBUTE = re.compile(rb"""\s+([^\s=/>]+)\s*=\s*(?:"[^"]*"|'[^']*')""")
_BLOCK = 4096
_CONTINUATION = bytes(range(0x80, 0xC0))
#: Up to this many elements to place, an XPath count each beats one walk of the whole tree.
_COUNT_EACH = 3
_RANK = "count(ancestor::*) + count(preceding::*)"
#: What a raw "<" opens besides a tag, and what closes it (the last one: any other declaration).
_NOT_TAGS = ((b"<?", b"?>"), (b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<!", b">"))
_TOO_DEEP = "imbrication trop profonde (plus de {limit} niveaux d'éléments)"
_NOT_UTF8 = "le fichier n'est pas encodé en UTF-8 (seul encodage accepté)"
#: a SQLite database's first bytes: a session file, not a casebook
_SQLITE = b"SQLite format 3\x00"
_A_SESSION = "fichier de session (base SQLite), pas un cahier de tests : donnez-le à --session"
#: a ZIP archive's first bytes: an XLSX, ODS or DOCX document (the CSV and TOML an import reads are told by name)
_ZIP = b"PK\x03\x04"
#: the documents ``testbench import`` converts into a casebook, by the extension it reads them by
_OFFICE = frozenset({".xlsx", ".ods", ".docx", ".csv"})
_AN_OFFICE_DOCUMENT = (
    "document bureautique ({kind}), pas un cahier de tests : importez-le d'abord avec testbench import --mapping"
    " CORRESPONDANCE -o CAHIER.xml"
)
_A_MAPPING = "fichier de correspondance (TOML), pas un cahier de tests : donnez-le à testbench import --mapping"


def _chars(data: bytes) -> int:
    """Characters in UTF-8 bytes: the bytes that do not continue a character (so counts add up
    over any split of the bytes, even one inside a character)."""
    return len(data.translate(None, _CONTINUATION))


class SourceText:
    """The bytes of a casebook (UTF-8, without BOM) and the ``line:col`` arithmetic over them.

    Positions are byte offsets until a message needs them: converting costs a bisect and the
    counting of one line's prefix, and a valid casebook converts almost none of them. Every
    conversion is bounded whatever the file looks like (one line of 20 MB, 40 000 attributes on
    one tag, millions of siblings), so locating *n* problems costs O(file + n), never O(file × n).
    """

    def __init__(self, display: str, data: bytes) -> None:
        self.display = display
        self.data = data
        #: Byte offset of every start tag, in document order: recorded by the expat pass that
        #: builds the model (:class:`~testbench.casebook.build.Builder`), read to place lxml
        #: elements (libxml2 only knows the line where a start tag *ends*).
        self.tag_offsets: array[int] = array("q")
        #: Where the expat pass stopped recording (it gives up on a file full of unknown
        #: elements): the start tags from there on are found by :meth:`_scan_tags` when needed.
        self.unrecorded_from: int | None = None
        self._line_starts: list[int] | None = None
        self._counted = 0
        self._blocks: dict[int, list[int]] = {}
        self._attributes: dict[int, dict[str, int]] = {}

    # -- positions ---------------------------------------------------------------------------
    def _starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            find = self.data.find
            pos = find(b"\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = find(b"\n", pos + 1)
            self._line_starts = starts
        return self._line_starts

    def ref_at(self, offset: int) -> SourceRef:
        """``file:line:col`` of a byte offset; the column counts characters, as editors do.

        The first few conversions count newlines directly (microseconds near the top of the file,
        where fixtures are); the line table (milliseconds) is built once many are asked for.
        """
        if self._line_starts is None and self._counted < 16:
            self._counted += 1
            line = self.data.count(b"\n", 0, offset) + 1
            start = self.data.rfind(b"\n", 0, offset) + 1
        else:
            starts = self._starts()
            index = bisect.bisect_right(starts, offset) - 1
            line, start = index + 1, starts[index]
        return SourceRef(self.display, line, self._column(start, offset))

    def _column(self, start: int, offset: int) -> int:
        """Column of ``offset`` on the line beginning at ``start``: at most one block counted.

        A long line gets a table of character counts at each block boundary, extended as far as
        asked, so thousands of positions on one 0.4 MB line do not each count the line again.
        """
        if offset - start <= _BLOCK:
            return _chars(self.data[start:offset]) + 1
        counts = self._blocks.setdefault(start, [0])
        whole = (offset - start) // _BLOCK
        while len(counts) <= whole:
            begin = start + (len(counts) - 1) * _BLOCK
            counts.append(counts[-1] + _chars(self.data[begin : begin + _BLOCK]))
        return counts[whole] + _chars(self.data[start + whole * _BLOCK : offset]) + 1

    def ref_line(self, line: int, col: int = 1) -> SourceRef:
        return SourceRef(self.display, max(line, 1), max(col, 1))

    def line_text(self, line: int) -> str:
        """The text of ``line`` (1-based; empty past the end), to find a token on it."""
        starts = self._starts()
        if not 0 < line <= len(starts):
            return ""
        end = starts[line] - 1 if line < len(starts) else len(self.data)
        return self.data[starts[line - 1] : end].decode("utf-8", "replace")

    def locate(self, offset: int, attribute: str | None = None) -> SourceRef:
        """Where the start tag at ``offset`` begins, or where ``attribute`` is written inside it."""
        if attribute:
            written = self._attribute_offsets(offset)
            pos = written.get(attribute)
            if pos is None and attribute.startswith("{"):  # libxml2 writes {namespace}local
                suffix = ":" + attribute.rpartition("}")[2]
                pos = next((at for name, at in written.items() if name.endswith(suffix)), None)
            if pos is not None:
                return self.ref_at(pos)
        return self.ref_at(offset)

    def _attribute_offsets(self, offset: int) -> dict[str, int]:
        """Where each attribute of the start tag at ``offset`` is written: the tag is read once."""
        found = self._attributes.get(offset)
        if found is None:
            found = {}
            data = self.data
            name = _TAG_NAME.match(data, offset)
            pos = name.end() if name else offset
            match = _ATTRIBUTE.match(data, pos)
            while match is not None:
                found.setdefault(match.group(1).decode("utf-8", "replace"), match.start(1))
                match = _ATTRIBUTE.match(data, match.end())
            self._attributes[offset] = found
        return found

    def element_refs(self, wanted: Sequence[tuple[etree._Element, str | None]]) -> list[SourceRef]:
        """``file:line:col`` of lxml elements' start tags (or of one of their attributes; :data:`STRAY_TEXT`, of
        their next non-blank text written directly inside: one per time the element is wanted so).

        An element's rank in document order indexes :attr:`tag_offsets`. A few elements are
        ranked by an XPath count each (C speed, one pass over what precedes them); more are
        ranked together by one walk of the tree, so the cost never grows with their product.
        """
        elements = list(dict.fromkeys(el for el, _ in wanted))
        ranks: dict[etree._Element, int] = {}
        if len(elements) <= _COUNT_EACH:
            for el in elements:
                ranks[el] = int(el.xpath(_RANK))
        else:
            pending = set(elements)
            for rank, el in enumerate(elements[0].getroottree().getroot().iter(etree.Element)):
                if el in pending:
                    ranks[el] = rank
                    pending.discard(el)
                    if not pending:
                        break
        if ranks and self.unrecorded_from is not None:
            self._scan_tags(max(ranks.values()))
        offsets = self.tag_offsets
        refs = []
        texts: dict[etree._Element, Iterator[int]] = {}  # each element's stray texts, read once
        for el, attribute in wanted:
            rank = ranks.get(el, len(offsets))
            if rank < len(offsets) and attribute == STRAY_TEXT:
                found = next(texts.setdefault(el, _direct_texts(self.data, offsets[rank])), offsets[rank])
                refs.append(self.ref_at(found))
            elif rank < len(offsets):
                refs.append(self.locate(offsets[rank], attribute))
            else:  # no start tag recorded for it (never with well-formed XML): the line libxml2 gives
                refs.append(self.ref_line(el.sourceline or 1))
        return refs

    def _scan_tags(self, rank: int) -> None:
        """Record start tags from :attr:`unrecorded_from` on until ``rank`` is known.

        Exact for well-formed XML (libxml2 has parsed the file): a raw ``<`` opens a tag, a
        comment, a CDATA section or a processing instruction, and never sits in a value.
        """
        data, offsets = self.data, self.tag_offsets
        find = data.find
        pos = self.unrecorded_from or 0
        while len(offsets) <= rank:
            lt = find(b"<", pos)
            if lt < 0:
                pos = len(data)
                break
            after = data[lt + 1 : lt + 2]
            if after == b"/":
                pos = lt + 2
            elif after in (b"?", b"!"):
                opening, close = next(pair for pair in _NOT_TAGS if data.startswith(pair[0], lt))
                end = find(close, lt + len(opening))
                pos = len(data) if end < 0 else end + len(close)
            else:
                offsets.append(lt)
                pos = lt + 1
        self.unrecorded_from = pos

    def element_ref(self, el: etree._Element, attribute: str | None = None) -> SourceRef:
        """``file:line:col`` of one lxml element's start tag, or of one of its attributes."""
        return self.element_refs([(el, attribute)])[0]


#: As the attribute wanted of an element: where the next non-blank text written directly inside it starts. The schema
#: refuses text in an element made of elements (a word typed between two steps) at the element, once per text; the
#: author looks for the text, possibly many lines below the start tag.
STRAY_TEXT = "#text"
_BLANK = b" \t\r\n"
_TAG_END = re.compile(rb"""(?:[^>"']|"[^"]*"|'[^']*')*>""")


def _direct_texts(data: bytes, offset: int) -> Iterator[int]:
    """Offsets where non-blank character data starts directly inside the element whose start tag is at ``offset``
    (its children's text is theirs). Linear in the element's size; well-formed XML assumed."""
    tag = _TAG_END.match(data, offset)
    if tag is None or data[tag.end() - 2 : tag.end() - 1] == b"/":
        return
    pos, depth, find = tag.end(), 0, data.find
    while pos < len(data):
        lt = find(b"<", pos)
        run = data[pos : len(data) if lt < 0 else lt]
        if depth == 0 and run.strip(_BLANK):
            yield pos + len(run) - len(run.lstrip(_BLANK))
        if lt < 0:
            return
        if data.startswith(b"<![CDATA[", lt):
            end = find(b"]]>", lt)
            if depth == 0 and data[lt + 9 : end].strip(_BLANK):
                yield lt
            pos = end + 3
        elif data.startswith(b"<!--", lt):
            pos = find(b"-->", lt + 4) + 3
        elif data.startswith(b"<?", lt):
            pos = find(b"?>", lt + 2) + 2
        elif data.startswith(b"</", lt):
            if depth == 0:
                return
            depth -= 1
            pos = find(b">", lt) + 1
        else:  # a start tag
            inner = _TAG_END.match(data, lt)
            if inner is None:
                return
            pos = inner.end()
            if data[pos - 2 : pos - 1] != b"/":
                depth += 1
        if pos <= lt:  # a section left open: never in a file libxml2 parsed, and no endless loop if it were
            return


@dataclass
class ReadResult:
    """The checked bytes of one file, or the problems that stopped reading it."""

    display: str
    sha256: str = ""
    source: SourceText | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ParseResult:
    """The lxml tree of a casebook (for the XSD), or the problems that stopped parsing it.

    ``too_deep`` is the first element nested beyond the limit: placing it needs the offsets the
    expat pass records, so the loader words that problem once that pass is over (:func:`depth_problem`).
    """

    root: etree._Element | None = None
    problems: list[Problem] = field(default_factory=list)
    too_deep: etree._Element | None = None


def _problem(display: str, message: str, **fields: object) -> Problem:
    """A problem about the whole file (at 1:1); with fields, ``message`` is a template."""
    where = SourceRef(display, 1, 1)
    return Problem.of(where, message, **fields) if fields else Problem(where, message)


#: The XML libraries' words (libxml2, then expat), each shape with its French template (English in
#: testbench.i18n); names and numbers are kept as written. Each shape is matched at the start of the message's
#: first line (libxml2 appends a few lines of the file to some, and its wording moves between versions); a
#: message of no listed shape is said in general words (:data:`_UNKNOWN`), never in the library's English.
#: Compiled at their first use (``re``'s cache), not at import: a well-formed casebook never needs them.
_XML_DETAILS: tuple[tuple[str, str], ...] = (
    (
        r"Premature end of data in tag (?P<tag>\S+) line (?P<line>\d+)",
        "fin du fichier avant la fermeture de <{tag}> (ouvert ligne {line})",
    ),
    (
        r"Opening and ending tag mismatch: (?P<open>\S+) line (?P<line>\d+) and (?P<close>\S+)",
        "balise fermante </{close}> alors que <{open}> (ligne {line}) est ouvert",
    ),
    (
        r"Couldn't find end of Start Tag (?P<tag>\S+) line (?P<line>\d+)",
        "balise ouvrante <{tag}> non terminée (ligne {line})",
    ),
    (r"expected '>'", "« > » attendu : balise non terminée (fichier coupé ?)"),
    (r"EndTag: '</' not found", "balise fermante absente (fichier coupé ?)"),
    (r"Attribute (?P<name>\S+) redefined", "attribut « {name} » en double"),
    (r"Entity '(?P<name>[^']+)' not defined", "entité « {name} » non définie"),
    (
        r"Extra content at the end of the document|junk after document element",
        "contenu après la fin de l'élément racine",
    ),
    (r"StartTag: invalid element name", "nom d'élément invalide"),
    (r"error parsing attribute name", "nom d'attribut invalide"),
    (r"AttValue: \" or ' expected", "valeur d'attribut sans guillemets"),
    (r"AttValue: [\"'] expected", "valeur d'attribut non terminée (guillemet fermant absent)"),  # libxml2 2.14
    (r"attributes construct error", "attributs mal écrits"),
    (r"Specification mandates value for attribute (?P<name>\S+)", "attribut « {name} » sans valeur"),
    (r"Unescaped '<' not allowed in attributes values", "« < » non échappé dans une valeur d'attribut"),
    (r"invalid character in attribute value", "caractère interdit dans une valeur d'attribut"),
    (r"Comment not terminated", "commentaire non terminé"),
    (r"Comment too big found", "commentaire trop long"),
    (r"Double hyphen within comment|Comment must not contain '--'", "« -- » dans un commentaire"),  # 2.14
    (r"CData section not finished|unclosed CDATA section", "section CDATA non terminée"),
    (r"Sequence '\]\]>' not allowed in content", "« ]]> » interdit dans le texte : écrivez ]]&gt;"),
    (r"EntityRef: expecting ';'|xmlParseEntityRef: no name", "« & » seul : écrivez &amp;"),
    (r"xmlParseCharRef: invalid xmlChar value (?P<code>\d+)", "référence de caractère interdite (&#{code};)"),
    (
        r"xmlParseCharRef: character reference out of bounds|CharRef: invalid (?:decimal|hexadecimal) value"
        r"|reference to invalid character number",
        "référence de caractère invalide",
    ),
    (r"Start tag expected, '<' not found|Document is empty", "aucun élément XML"),
    (
        r"Invalid bytes in character encoding|Input is not proper UTF-8|partial character",
        "octets invalides : le fichier n'est pas encodé en UTF-8",
    ),
    (
        r"Namespace prefix (?P<prefix>\S+) on (?P<name>\S+) is not defined",
        "préfixe d'espace de noms « {prefix} » non déclaré (élément <{name}>)",
    ),
    (
        r"Namespace prefix (?P<prefix>\S+) for (?P<attribute>\S+) on (?P<name>\S+) is not defined",
        "préfixe d'espace de noms « {prefix} » non déclaré (attribut {prefix}:{attribute} de <{name}>)",
    ),
    (r"unbound prefix", "préfixe d'espace de noms non déclaré"),
    (
        r"XML declaration allowed only at the start of the document|XML or text declaration not at start of entity",
        "déclaration <?xml …?> ailleurs qu'au début du fichier",
    ),
    (
        r"parsing XML declaration: '\?>' expected|XML declaration not well-formed|Blank needed here"
        r"|Unsupported version|standalone accepts only|String not closed",
        "déclaration <?xml …?> mal écrite",
    ),
    (
        r"ParsePI: PI .* never end|xmlParsePI : no target name|ParsePI: PI \S+ space expected",
        "instruction de traitement <?…?> mal écrite",
    ),
    (r"not well-formed \(invalid token\)", "caractère ou balise invalide"),
    (r"mismatched tag", "balise fermante qui ne correspond pas à la balise ouverte"),
    (r"unclosed token", "balise ou texte non terminé"),
    (r"no element found", "aucun élément (fichier vide ou coupé)"),
    (r"undefined entity", "entité non définie"),
    (r"duplicate attribute", "attribut en double"),
    (r"Excessive depth in document: (?P<limit>\d+), use XML_PARSE_HUGE option", _TOO_DEEP),  # not the remedy it names
    # libxml2's fixed limits (10 Mo of text in one node…), whose remedy, XML_PARSE_HUGE, is no option of testbench
    (
        r"Resource limit exceeded: Text node too long",
        "texte trop long pour l'analyseur XML (plus de 10 Mo d'un seul tenant)",
    ),
    (r"Resource limit exceeded:", "valeur trop longue pour l'analyseur XML"),
    (r"Name too long", "nom trop long pour l'analyseur XML (plus de 50 000 octets)"),
)
#: What an XML library's message of no known shape says: its English (and the lines of the file libxml2 quotes in
#: some) would be the only English of a French line; the place (file:line:col) says where to look.
_UNKNOWN = "erreur de syntaxe à cet endroit"


_POSITION = re.compile(r", line \d+, column \d+$")


def known_xml_detail(detail: str) -> str | None:
    """The XML library's detail in French if its shape is known (its English in testbench.i18n), else None."""
    parts = _known_parts(detail)
    return parts[0].format(**parts[1]) if parts is not None else None


def _known_parts(detail: str) -> tuple[str, dict[str, str]] | None:
    """The French template of the XML library's detail and its fields (names and numbers as written), if its
    shape is known."""
    detail = _POSITION.sub("", detail.strip())  # lxml's own « , line 8, column 16 »: the place is said already
    first = detail.split("\n", 1)[0].strip()  # libxml2 may quote a few lines of the file after its words
    for pattern, french in _XML_DETAILS:
        if found := re.match(rf"(?:{pattern})(?!\w)", first):  # at the start: a quote of the file may follow
            return french, found.groupdict()
    return None


def xml_detail(detail: str) -> str:
    """The XML library's detail in French: in its own words where its shape is known, else in general words.

    A detail already said in words is kept (a card profile's problem is read again to be put on one line).
    """
    known = known_xml_detail(detail)
    if known is not None:
        return known
    return detail if _said_already().fullmatch(detail.strip()) else _UNKNOWN


@functools.cache
def _said_already() -> re.Pattern[str]:
    """Any French detail :func:`xml_detail` gives, its ``{name}`` parts as any text."""
    said = [re.sub(r"\\\{\w+\\\}", ".*?", re.escape(french)) for _, french in _XML_DETAILS]
    return re.compile("|".join([*said, re.escape(_UNKNOWN)]), re.S)


def malformed(where: SourceRef, detail: str) -> Problem:
    """« XML mal formé : … » in French and in English, never the XML library's English in a French line. A known
    shape is worded from its template, its names kept as written: an element named like a word of the catalogue
    (``<cahier>``) is no word to translate."""
    parts = _known_parts(detail)
    if parts is not None:
        template, fields = parts
        return Problem.of(where, "XML mal formé : {detail}", detail=lambda t: t(template).format(**fields))
    french = xml_detail(detail)
    return Problem(where, *in_both(lambda t: t("XML mal formé : {detail}").format(detail=t(french))))


def _prolog_doctype(data: bytes) -> int:
    """Offset of a DOCTYPE declaration in the prolog, or -1. Comments and PIs are skipped."""
    pos = 0
    n = len(data)
    while pos < n:
        lt = data.find(b"<", pos)
        if lt < 0:
            return -1
        if data.startswith(b"<?", lt):
            end = data.find(b"?>", lt + 2)
            if end < 0:
                return -1
            pos = end + 2
        elif data.startswith(b"<!--", lt):
            end = data.find(b"-->", lt + 4)
            if end < 0:
                return -1
            pos = end + 3
        elif data.startswith(b"<!DOCTYPE", lt) or data.startswith(b"<!doctype", lt):
            return lt
        else:
            return -1
    return -1


_TOO_BIG = "fichier trop volumineux ({size} octets, limite {limit} octets) : scindez le cahier en plusieurs fichiers"
_TOO_BIG_OPTION = "fichier trop volumineux ({size} octets, limite {limit} octets) : {option} MO relève la limite"


def _too_big(display: str, size: int, limits: LoadLimits) -> Problem:
    """The size refusal, with what raises the limit for the command reading, or that it is fixed."""
    if limits.size_option:
        return _problem(display, _TOO_BIG_OPTION, size=size, limit=limits.max_bytes, option=limits.size_option)
    return _problem(display, _TOO_BIG, size=size, limit=limits.max_bytes)


def read_casebook_source(path: Path, limits: LoadLimits) -> ReadResult:
    """Read and check one file before any parser sees it. Never raises for bad input."""
    display = str(path)
    result = ReadResult(display)
    try:
        if path.is_dir():
            result.problems.append(_problem(display, "est un dossier, pas un fichier de cahier de tests"))
            return result
        if path.exists() and not path.is_file():  # a FIFO or a device would block or never end
            result.problems.append(_problem(display, "n'est pas un fichier ordinaire"))
            return result
        size = path.stat().st_size
        if size > limits.max_bytes:
            result.problems.append(_too_big(display, size, limits))
            return result
        data = path.read_bytes()
    except FileNotFoundError:
        result.problems.append(_problem(display, "fichier introuvable"))
        return result
    except PermissionError:
        result.problems.append(_problem(display, "lecture refusée (droits insuffisants)"))
        return result
    except (OSError, ValueError) as exc:  # a name too long, a NUL in the name…
        message, english = in_both(lambda t, e=exc: t("lecture impossible : {reason}").format(reason=os_reason(e, t)))
        result.problems.append(Problem(SourceRef(display, 1, 1), message, english))
        return result
    if len(data) > limits.max_bytes:  # the file grew between stat() and read()
        result.problems.append(
            _problem(display, "fichier trop volumineux (limite {limit} octets)", limit=limits.max_bytes)
        )
        return result
    result.sha256 = hashlib.sha256(data).hexdigest()
    if not data or data.isspace():  # isspace() scans in place; strip() would copy the file
        result.problems.append(_problem(display, "fichier vide"))
        return result
    if data.startswith(_SQLITE):  # a session given where a casebook goes (« ui session.tbsession »)
        result.problems.append(_problem(display, _A_SESSION))
        return result
    not_xml = _import_input(path, data)
    if not_xml is not None:
        result.problems.append(not_xml)
        return result
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r" in data and b"\n" not in data:  # classic Mac line ends: the parsers count no line in them (XML reads
        data = data.replace(b"\r", b"\n")  # a CR as a line feed anyway), and every problem was at line 1
    source = SourceText(display, data)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        # UTF-16/32 (with or without a byte order mark): libxml2 would read it, expat would not,
        # and positions assume UTF-8. Other non-UTF-8 bytes are caught when the parsers meet them.
        result.problems.append(_problem(display, _NOT_UTF8))
        return result
    decl = _XML_DECL.match(data)
    if decl:
        enc = _ENCODING.search(decl.group(0))
        if enc and enc.group(1).decode().lower().replace("_", "-") not in ("utf-8", "utf8"):
            result.problems.append(
                Problem.of(
                    source.ref_at(enc.start()),
                    "encodage déclaré « {encoding} » refusé : un cahier de tests est en UTF-8",
                    encoding=enc.group(1).decode(),
                )
            )
            return result
    doctype = _prolog_doctype(data)
    if doctype >= 0:
        result.problems.append(
            Problem(
                source.ref_at(doctype),
                "déclaration DOCTYPE refusée : un cahier de tests ne doit contenir ni DTD ni entités "
                "(protection contre XXE et « billion laughs »)",
            )
        )
        return result
    result.source = source
    return result


def _import_input(path: Path, data: bytes) -> Problem | None:
    """What ``testbench import`` reads, given where a casebook goes: said so, with where it goes (it was « not
    UTF-8 » for a workbook, « no XML element » for a mapping). A file that starts like XML is read as XML."""
    suffix = path.suffix.lower()
    if data.startswith(_ZIP) and suffix in _OFFICE:
        return _problem(str(path), _AN_OFFICE_DOCUMENT, kind=suffix[1:].upper())
    if data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):  # the head only: no copy of the file
        return None
    if suffix == ".csv":
        return _problem(str(path), _AN_OFFICE_DOCUMENT, kind="CSV")
    if suffix == ".toml":
        return _problem(str(path), _A_MAPPING)
    return None


def _utf8_problem(source: SourceText) -> Problem | None:
    try:
        source.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem(source.ref_at(exc.start), _NOT_UTF8)
    return None


def has_doctype(root: etree._Element) -> bool:
    """Whether a parsed document declared a DOCTYPE (where XXE and entities live): refused in every XML file a
    person gives — a casebook, a card profile, a fixtures file."""
    docinfo = root.getroottree().docinfo
    return docinfo.internalDTD is not None or docinfo.externalDTD is not None or bool(docinfo.doctype)


def parse_tree(source: SourceText, limits: LoadLimits) -> ParseResult:
    """Parse checked bytes with the hardened lxml parser. Never raises for bad input.

    libxml2 parses without the GIL: the loader runs this in a worker thread.
    """
    result = ParseResult()
    parser = xml_parser()
    try:
        root = etree.fromstring(source.data, parser, base_url=None)
    except etree.XMLSyntaxError as exc:
        not_utf8 = _utf8_problem(source)  # checked here, not up front: decoding copies the file
        if not_utf8 is not None:
            result.problems.append(not_utf8)
            return result
        # The parser's own log: exc.error_log is the thread's global log and holds older errors.
        entries = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
        deep = next((e for e in entries if e.message.startswith("Excessive depth in document")), None)
        if deep is not None:  # libxml2's own limit, far above ours: said as ours is, what follows is its echo
            result.problems.append(
                Problem.of(source.ref_line(deep.line, deep.column), _TOO_DEEP, limit=limits.max_depth)
            )
            return result
        if not entries:
            line, col = exc.position if exc.position else (1, 1)
            result.problems.append(malformed(source.ref_line(line, col), exc.msg))
        said: set[tuple[int, str]] = set()
        for entry in without_cascade(entries):
            problem = entry_problem(source, entry)
            if (problem.source.line, problem.message) not in said:  # libxml2 says one slip twice (an echo)
                said.add((problem.source.line, problem.message))
                result.problems.append(problem)
        return result
    if has_doctype(root):
        result.problems.append(_problem(source.display, "déclaration DOCTYPE refusée"))
        return result
    too_deep = root.xpath("(/" + "/".join(["*"] * (limits.max_depth + 1)) + ")[1]")
    if too_deep:
        result.too_deep = too_deep[0]
        return result
    result.root = root
    return result


#: libxml2's errors about the nesting of tags: after the first one its idea of what is open is off, and the
#: ones that follow are mostly its echoes (one missing « / » gave a mismatch at every closing tag after it).
_STRUCTURE_ERRORS = frozenset(
    {
        "ERR_TAG_NAME_MISMATCH",
        "ERR_TAG_NOT_FINISHED",
        "ERR_GT_REQUIRED",
        "ERR_LTSLASH_REQUIRED",
        "ERR_SPACE_REQUIRED",
        "ERR_ATTRIBUTE_NOT_STARTED",
        "ERR_ATTRIBUTE_NOT_FINISHED",  # « AttValue: ' expected »: a quote not closed, the start tag with it
        "ERR_DOCUMENT_END",
    }
)


def without_cascade(entries: Sequence[etree._LogEntry]) -> list[etree._LogEntry]:
    """libxml2's errors without the structure errors that follow a first one (its poor recovery)."""
    kept: list[etree._LogEntry] = []
    structure = False
    for entry in entries:
        if entry.type_name in _STRUCTURE_ERRORS:
            if structure:
                continue
            structure = True
        kept.append(entry)
    return kept


#: What libxml2 complains about, by its words: the token whose start a person looks for (libxml2 gives the
#: column just after it). Found by scanning back on the line; not found, libxml2's column stays.
_TOKENS: tuple[tuple[str, str], ...] = (
    (r"Opening and ending tag mismatch: \S+ line \d+ and (?P<name>\S+)", r"</{name}"),
    (r"Entity '(?P<name>[^']+)' not defined", r"&{name}"),
    (r"xmlParseEntityRef: no name|EntityRef: expecting ';'", r"&"),
    (r"xmlParseCharRef: .*|CharRef: invalid (?:decimal|hexadecimal) value", r"&#"),
    (
        r"Namespace prefix (?P<prefix>\S+) for (?P<attribute>\S+) on \S+ is not defined",
        r"(?<![\w.:-]){prefix}:{attribute}\s*=",
    ),
    (r"Namespace prefix (?P<prefix>\S+) on (?P<name>\S+) is not defined", r"<{prefix}:{name}(?![\w.:-])"),
    (r"Attribute (?P<name>\S+) redefined", r"(?<![\w.:-]){name}\s*="),
    (r"XML declaration allowed only at the start of the document", r"<\?xml"),
    (r"Specification mandates value for attribute (?P<name>\S+)", r"(?<![\w.:-]){name}"),
    (r"Unescaped '<' not allowed in attributes values", r"<"),
    (r"Comment too big found", r"<!--"),
    (r"ParsePI: PI \S+ space expected", r"<\?"),
)


#: What libxml2 reports at the end of the file when a section is left open: the opening, and what closes it.
_LEFT_OPEN = {
    "ERR_CDATA_NOT_FINISHED": (b"<![CDATA[", b"]]>"),
    "ERR_PI_NOT_FINISHED": (b"<?", b"?>"),
    "ERR_COMMENT_NOT_FINISHED": (b"<!--", b"-->"),
}
#: A character XML 1.0 refuses anywhere in a document, even written as a reference.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CHAR_VALUE = re.compile(r"(?:Char|xmlChar) value (?P<dec>\d+)|Char 0x(?P<hex>[0-9A-Fa-f]+) out of allowed range")
_CHAR_REF = re.compile(r"&#(?:x(?P<hex>[0-9A-Fa-f]+)|(?P<dec>[0-9]+))?[^;<&\s]*;?")
_FORBIDDEN = "caractère U+{code} interdit en XML"
_FORBIDDEN_CONTROL = "caractère de contrôle U+{code} interdit en XML"
_FORBIDDEN_REF = "référence de caractère {written} interdite : caractère U+{code} interdit en XML"
_FORBIDDEN_CONTROL_REF = "référence de caractère {written} interdite : caractère de contrôle U+{code} interdit en XML"
_INVALID_REF = "référence de caractère {written} invalide"
#: libxml2 names an element by its local name where it says which one is open (« p:title » is « title »)
_OPEN_NAME = re.compile(
    r"(?P<head>Opening and ending tag mismatch: |Premature end of data in tag |Couldn't find end of Start Tag )"
    r"(?P<name>\S+)(?P<tail> line (?P<line>\d+).*)",
    re.S,
)


def entry_problem(source: SourceText, entry: etree._LogEntry) -> Problem:
    """One libxml2 error as a problem, placed at what it is about and worded from the file where libxml2's words
    fall short: the forbidden character named, a character reference quoted as written, a section left open placed
    where it opens (libxml2 gives the end of the file), an open element with its prefix."""
    named = _character_problem(source, entry)
    if named is not None:
        return named
    opened = _opening(source, entry)
    if opened is not None:
        return malformed(source.ref_at(opened), entry.message)
    where = source.ref_line(entry.line, token_column(source, entry.line, entry.column, entry.message))
    return malformed(where, _qualified(source, entry.message))


def _malformed_of(where: SourceRef, template: str, **fields: object) -> Problem:
    """« XML mal formé : … » worded from one of this module's templates and its fields, in both languages."""
    return Problem(
        where,
        *in_both(lambda t: t("XML mal formé : {detail}").format(detail=t(template).format(**fields))),
    )


def _character_problem(source: SourceText, entry: etree._LogEntry) -> Problem | None:
    """A character XML refuses, named (« caractère de contrôle U+0001 »), or a character reference quoted as it is
    written (libxml2 quotes the value it read: « &#0; » for « &#xZZ; »); None if the file does not show it."""
    message = entry.message.strip()
    text = source.line_text(entry.line)
    if "CharRef" in message:
        column = token_column(source, entry.line, entry.column, message)
        ref = _CHAR_REF.match(text, column - 1)
        if ref is None:
            return None
        where, written = source.ref_line(entry.line, column), ref.group(0)
        digits = ref.group("hex") or ref.group("dec")
        value = int(digits, 16 if ref.group("hex") else 10) if digits else -1
        if not written.endswith(";") or f"{digits};" not in written or not 0 <= value <= 0x10FFFF:
            return _malformed_of(where, _INVALID_REF, written=written)
        control = unicodedata.category(chr(value)) == "Cc"
        template = _FORBIDDEN_CONTROL_REF if control else _FORBIDDEN_REF
        return _malformed_of(where, template, written=written, code=f"{value:04X}")
    if entry.type_name != "ERR_INVALID_CHAR":
        return None
    found = _CHAR_VALUE.search(message)
    wanted = None
    if found is not None:
        wanted = int(found.group("dec")) if found.group("dec") else int(found.group("hex"), 16)
    at = [m.start() for m in _NOT_XML_CHAR.finditer(text) if wanted is None or ord(m.group()) == wanted]
    if not at and wanted is None:
        return None
    before = [index for index in at if index < entry.column]
    column = (before[-1] if before else at[0]) + 1 if at else entry.column
    value = ord(text[column - 1]) if at else (wanted or 0)
    template = _FORBIDDEN_CONTROL if unicodedata.category(chr(value)) == "Cc" else _FORBIDDEN
    return _malformed_of(source.ref_line(entry.line, column), template, code=f"{value:04X}")


def _opening(source: SourceText, entry: etree._LogEntry) -> int | None:
    """Where a CDATA section, a processing instruction or a comment left open begins, when libxml2 reports it at
    the end of the file: the first opening after the last closing (what follows an opening is its content)."""
    pair = _LEFT_OPEN.get(entry.type_name)
    if pair is None or entry.line < len(source._starts()):
        return None
    opening, closing = pair
    closed = source.data.rfind(closing)
    found = source.data.find(opening, closed + len(closing) if closed >= 0 else 0)
    return found if found >= 0 else None


def _qualified(source: SourceText, message: str) -> str:
    """libxml2's ``message`` with the open element named as written: it gives the local name, so a mismatch of
    « <p:title> » with « </title> » read « </title> alors que <title> est ouvert »."""
    found = _OPEN_NAME.match(message.strip())
    if found is None or ":" in found.group("name"):
        return message
    name = re.escape(found.group("name"))
    written = {
        m.group(1) for m in re.finditer(rf"<((?:[\w.-]+:)?{name})(?=[\s/>]|$)", source.line_text(int(found["line"])))
    }
    if len(written) != 1 or ":" not in (qualified := written.pop()):
        return message
    return f"{found['head']}{qualified}{found['tail']}"


def token_column(source: SourceText, line: int, column: int, message: str) -> int:
    """Where the token libxml2's ``message`` is about starts on ``line``, up to its ``column`` (1-based)."""
    for shape, token in _TOKENS:
        found = re.fullmatch(shape, message.strip())
        if found is None:
            continue
        names = {key: re.escape(value) for key, value in found.groupdict().items()}
        before = source.line_text(line)[: max(column, 0)]  # column included: libxml2 points at a refused « < »
        starts = [match.start() for match in re.finditer(token.format(**names), before)]
        return starts[-1] + 1 if starts else column
    return column


def depth_problem(source: SourceText, element: etree._Element, limits: LoadLimits) -> Problem:
    """The problem of an element nested beyond ``limits.max_depth``, at its start tag."""
    return Problem.of(source.element_ref(element), _TOO_DEEP, limit=limits.max_depth)
