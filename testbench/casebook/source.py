"""Hardened reading of a casebook file: size limit, UTF-8 only, no DOCTYPE, depth limit.

Everything dangerous is refused *before* libxml2 sees the bytes (a DOCTYPE is where XXE and
"billion laughs" live), and the parser is configured so that nothing is fetched or expanded anyway.
Also maps lxml elements back to ``line:col`` (lxml only knows the line where a start tag ends).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from testbench.casebook.errors import Problem
from testbench.casebook.model import SourceRef

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_DEPTH = 32


@dataclass(frozen=True)
class LoadLimits:
    """Limits applied before and after parsing; both configurable per call."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH


def make_parser() -> etree.XMLParser:
    # A new parser per file: lxml parsers keep state and are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        collect_ids=False,
    )


_XML_DECL = re.compile(r"<\?xml\s[^>]*?\?>")
_ENCODING = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")


class SourceText:
    """The decoded text of a casebook and the line/column arithmetic over it."""

    def __init__(self, display: str, text: str) -> None:
        self.display = display
        self.text = text
        self._line_starts: list[int] | None = None
        self._offsets: dict[etree._Element, int] | None = None

    # -- positions ---------------------------------------------------------------------------
    def _starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            pos = find("\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self._line_starts = starts
        return self._line_starts

    def ref_at(self, offset: int) -> SourceRef:
        starts = self._starts()
        index = bisect.bisect_right(starts, offset) - 1
        return SourceRef(self.display, index + 1, offset - starts[index] + 1)

    def ref_line(self, line: int, col: int = 1) -> SourceRef:
        return SourceRef(self.display, max(line, 1), max(col, 1))

    def index_elements(self, root: etree._Element) -> None:
        """Find the offset of every start tag, in document order (one forward scan)."""
        offsets: dict[etree._Element, int] = {}
        text = self.text
        find = text.find
        cursor = 0
        for el in root.iter(etree.Element):
            qname = el.prefix + ":" + etree.QName(el).localname if el.prefix else etree.QName(el).localname
            needle = "<" + qname
            pos = find(needle, cursor)
            # Skip matches that are only a prefix of a longer name (<case vs <cases).
            while pos >= 0 and text[pos + len(needle) : pos + len(needle) + 1] not in (" ", "\t", "\n", "\r", "/", ">"):
                pos = find(needle, pos + 1)
            if pos < 0:
                break
            offsets[el] = pos
            cursor = pos + len(needle)
        self._offsets = offsets

    def element_ref(self, el: etree._Element, attribute: str | None = None) -> SourceRef:
        """``file:line:col`` of an element's start tag, or of one of its attributes."""
        if self._offsets is None:
            root = el.getroottree().getroot()
            self.index_elements(root)
        assert self._offsets is not None
        offset = self._offsets.get(el)
        if offset is None:
            return self.ref_line(el.sourceline or 1)
        if attribute:
            end = self.text.find(">", offset)
            match = re.compile(r"\s" + re.escape(attribute) + r"\s*=").search(
                self.text, offset, end if end >= 0 else None
            )
            if match:
                return self.ref_at(match.start() + 1)
        return self.ref_at(offset)


@dataclass
class ReadResult:
    display: str
    sha256: str = ""
    source: SourceText | None = None
    root: etree._Element | None = None
    problems: list[Problem] = field(default_factory=list)


def _problem(display: str, message: str, line: int = 1, col: int = 1) -> Problem:
    return Problem(SourceRef(display, line, col), message)


def _prolog_doctype(text: str) -> int:
    """Offset of a DOCTYPE declaration in the prolog, or -1. Comments and PIs are skipped."""
    pos = 0
    n = len(text)
    while pos < n:
        lt = text.find("<", pos)
        if lt < 0:
            return -1
        if text.startswith("<?", lt):
            end = text.find("?>", lt + 2)
            if end < 0:
                return -1
            pos = end + 2
        elif text.startswith("<!--", lt):
            end = text.find("-->", lt + 4)
            if end < 0:
                return -1
            pos = end + 3
        elif text.startswith("<!DOCTYPE", lt) or text.startswith("<!doctype", lt):
            return lt
        else:
            return -1
    return -1


def read_casebook_source(path: Path, limits: LoadLimits) -> ReadResult:
    """Read, check and parse one file. Never raises for bad input: problems are returned."""
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
            result.problems.append(
                _problem(
                    display,
                    f"fichier trop volumineux ({size} octets, limite {limits.max_bytes} octets)",
                )
            )
            return result
        data = path.read_bytes()
    except FileNotFoundError:
        result.problems.append(_problem(display, "fichier introuvable"))
        return result
    except PermissionError:
        result.problems.append(_problem(display, "lecture refusée (droits insuffisants)"))
        return result
    except OSError as exc:
        result.problems.append(_problem(display, f"lecture impossible : {exc.strerror or exc}"))
        return result
    if len(data) > limits.max_bytes:  # the file grew between stat() and read()
        result.problems.append(_problem(display, f"fichier trop volumineux (limite {limits.max_bytes} octets)"))
        return result
    result.sha256 = hashlib.sha256(data).hexdigest()
    if not data.strip():
        result.problems.append(_problem(display, "fichier vide"))
        return result
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        source = SourceText(display, data[: exc.start].decode("utf-8", "replace"))
        result.problems.append(
            Problem(source.ref_at(len(source.text)), "le fichier n'est pas encodé en UTF-8 (seul encodage accepté)")
        )
        return result
    source = SourceText(display, text)
    result.source = source
    decl = _XML_DECL.match(text)
    if decl:
        enc = _ENCODING.search(decl.group(0))
        if enc and enc.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
            result.problems.append(
                Problem(
                    source.ref_at(enc.start()),
                    f"encodage déclaré « {enc.group(1)} » refusé : un cahier de tests est en UTF-8",
                )
            )
            return result
    doctype = _prolog_doctype(text)
    if doctype >= 0:
        result.problems.append(
            Problem(
                source.ref_at(doctype),
                "déclaration DOCTYPE refusée : un cahier de tests ne doit contenir ni DTD ni entités "
                "(protection contre XXE et « billion laughs »)",
            )
        )
        return result
    parser = make_parser()
    try:
        root = etree.fromstring(data, parser, base_url=None)
    except etree.XMLSyntaxError as exc:
        # The parser's own log: exc.error_log is the thread's global log and holds older errors.
        entries = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
        if not entries:
            line, col = exc.position if exc.position else (1, 1)
            result.problems.append(Problem(source.ref_line(line, col), f"XML mal formé : {exc.msg}"))
        for entry in entries:
            result.problems.append(
                Problem(source.ref_line(entry.line, entry.column), f"XML mal formé : {entry.message}")
            )
        return result
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        result.problems.append(_problem(display, "déclaration DOCTYPE refusée"))
        return result
    too_deep = root.xpath("(/" + "/".join(["*"] * (limits.max_depth + 1)) + ")[1]")
    if too_deep:
        result.problems.append(
            Problem(
                source.element_ref(too_deep[0]),
                f"imbrication trop profonde (plus de {limits.max_depth} niveaux d'éléments)",
            )
        )
        return result
    result.root = root
    return result
