"""The one place testbench builds an XML parser: whatever a file declares, nothing is fetched or blown up.

Every XML a person gives (a casebook, a card profile, a fixtures file, an FSE, a return file, an office document's
parts) is read by a parser from here: no entity expanded (no XXE, no billion laughs), no DTD loaded or validated,
no network, libxml2's size and depth limits kept (no ``huge_tree``). lxml's own default parser — the one
``etree.fromstring(data)`` uses without a parser — expands internal entities: it is never used
(``tests/test_xml_parsers_owned.py`` fails on any parser built, or parser-less call made, outside this module).

A new parser per document: lxml parsers keep state (their error log) and are not thread-safe.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from lxml import etree

#: libxml2's fixed limits, which ``huge_tree=False`` keeps (its remedy, XML_PARSE_HUGE, is no option of testbench);
#: a document past one is malformed, said in words (:func:`testbench.casebook.source.xml_detail`). Stated here for
#: the docs that promise them (docs/engine-protocol.md, « The documents an engine returns »): a libxml2 that moved one
#: fails ``tests/test_docs_promises_fse_limits.py``.
MAX_DEPTH = 256  # elements nested in one another
MAX_NAME = 50_000  # bytes (UTF-8) of one element's or attribute's name, or of its prefix
#: bytes of text in one piece (no element, comment or CDATA between); one attribute value, CDATA section, comment or
#: processing instruction is held to about as much (libxml2's look-ahead window: « Buffer size limit exceeded »,
#: some bytes short of it or past it, by what surrounds it)
MAX_TEXT = 10_000_000

#: What no caller may turn off. ``attribute_defaults`` reads a DTD too. ``collect_ids`` is left on (lxml's default):
#: off, libxml2 loads the document's external DTD subset from the disk (its « skip IDs » is a load-subset flag).
_HARDENED = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "huge_tree": False,
}


def parser(*, remove_comments: bool = False, remove_blank_text: bool = False, recover: bool = False) -> etree.XMLParser:
    """A new hardened parser; the options are the ones a caller may need (``recover`` reads what it can of a
    damaged file, its error log says where). Positions (``sourceline``, errors' line:column) are kept."""
    return etree.XMLParser(
        remove_comments=remove_comments,
        remove_blank_text=remove_blank_text,
        recover=recover,
        **_HARDENED,
    )


def pull_parser(**kwargs: object) -> etree.XMLPullParser:
    """A new hardened feed parser (``feed``/``close``), for a document read while it is still being written.
    ``kwargs``: ``events``, ``tag``."""
    return etree.XMLPullParser(**kwargs, **_HARDENED)


def iterparse(source: str | Path | IO[bytes], **kwargs: object) -> etree.iterparse:
    """Stream a large document (a spreadsheet's sheet part) with the same hardening. ``kwargs``: ``events``,
    ``tag``."""
    return etree.iterparse(source, **kwargs, **_HARDENED)


def from_bytes(
    data: bytes, *, remove_comments: bool = False, remove_blank_text: bool = False, recover: bool = False
) -> etree._Element:
    """The root element of ``data``; raises ``etree.XMLSyntaxError`` (with its line and column) when malformed."""
    hardened = parser(remove_comments=remove_comments, remove_blank_text=remove_blank_text, recover=recover)
    return etree.fromstring(data, hardened, base_url=None)


def parse_file(path: str | Path) -> etree._ElementTree:
    """The document in ``path`` (its name kept for the errors' ``file:line``); raises ``OSError`` or
    ``etree.XMLSyntaxError``."""
    return etree.parse(str(path), parser())
