"""XSD validation against the schema shipped in the package, with located, readable messages."""

from __future__ import annotations

import difflib
import functools
import re
import threading
from importlib import resources

from lxml import etree

from testbench.casebook.errors import Problem
from testbench.casebook.source import SourceText, make_parser
from testbench.casebook.vocabulary import NAMESPACE

SCHEMA_RESOURCE = "casebook-1.xsd"


@functools.cache
def schema() -> etree.XMLSchema:
    """The compiled schema, built once per process (compiling costs more than validating)."""
    data = resources.files("testbench.casebook.schema").joinpath(SCHEMA_RESOURCE).read_bytes()
    return etree.XMLSchema(etree.fromstring(data, make_parser()))


@functools.cache
def element_names() -> tuple[str, ...]:
    """Every element name the schema declares, for "did you mean" hints."""
    data = resources.files("testbench.casebook.schema").joinpath(SCHEMA_RESOURCE).read_bytes()
    doc = etree.fromstring(data, make_parser())
    names = doc.xpath("//xs:element/@name", namespaces={"xs": "http://www.w3.org/2001/XMLSchema"})
    return tuple(sorted({str(n) for n in names}))


_NOT_EXPECTED = re.compile(r"^Element '(?:\{[^}]*\})?([^']+)': This element is not expected")
_NS_BRACES = re.compile(r"\{" + re.escape(NAMESPACE) + r"\}")
_ATTRIBUTE = re.compile(r"^Element '[^']*', attribute '([^']+)'")


def _readable(message: str) -> str:
    return _NS_BRACES.sub("", message).strip()


_VALIDATE_LOCK = threading.Lock()

#: One schema error as (line, column, XPath of the node, message), copied out of lxml's log.
RawError = tuple[int, int, str, str]


def run_schema(root: etree._Element) -> list[RawError]:
    """Validate against the schema; return the raw errors. Safe to call from a worker thread.

    libxml2 validates without the GIL, so the loader runs this beside the (pure Python) builder.
    The compiled schema and its error log are shared: the lock keeps validate + log read atomic.
    """
    xsd = schema()
    with _VALIDATE_LOCK:
        if xsd.validate(root):
            return []
        return [(e.line, e.column, e.path or "", e.message) for e in xsd.error_log]


def schema_problems(root: etree._Element, source: SourceText, errors: list[RawError]) -> list[Problem]:
    """Turn raw schema errors into problems located at the element (or attribute) concerned."""
    problems: list[Problem] = []
    tree = root.getroottree()
    for line, column, path, raw in errors:
        ref = source.ref_line(line, column)
        try:
            nodes = tree.xpath(path) if path else []
        except etree.XPathError:
            nodes = []
        if nodes and isinstance(nodes[0], etree._Element):
            attribute = _ATTRIBUTE.match(raw)
            ref = source.element_ref(nodes[0], attribute.group(1) if attribute else None)
        message = f"non conforme au schéma : {_readable(raw)}"
        unexpected = _NOT_EXPECTED.match(raw)
        if unexpected:
            close = difflib.get_close_matches(unexpected.group(1), element_names(), n=1)
            if close and close[0] != unexpected.group(1):
                message += f" Vouliez-vous dire <{close[0]}> ?"
        problems.append(Problem(ref, message))
    return problems


def validate(root: etree._Element, source: SourceText) -> list[Problem]:
    """Every schema error, located at the element (or attribute) it is about."""
    return schema_problems(root, source, run_schema(root))


def root_problem(root: etree._Element, source: SourceText) -> Problem | None:
    """A clear message for the most common mistake: not a casebook at all."""
    expected = f"{{{NAMESPACE}}}casebook"
    if root.tag == expected:
        return None
    qname = etree.QName(root)
    if qname.localname == "casebook":
        found = qname.namespace or "aucun espace de noms"
        return Problem(
            source.element_ref(root),
            f'espace de noms « {found} » inconnu : un cahier de tests version 1 déclare xmlns="{NAMESPACE}"',
        )
    return Problem(
        source.element_ref(root),
        f"élément racine <{qname.localname}> : un cahier de tests commence par "
        f'<casebook xmlns="{NAMESPACE}" format-version="1">',
    )
