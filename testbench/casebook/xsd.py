"""XSD validation against the schema shipped in the package, with located, readable messages."""

from __future__ import annotations

import functools
import re
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


_NS_BRACES = re.compile(r"\{" + re.escape(NAMESPACE) + r"\}")
_ATTRIBUTE = re.compile(r"^Element '[^']*', attribute '([^']+)'")


def _readable(message: str) -> str:
    return _NS_BRACES.sub("", message).strip()


def validate(root: etree._Element, source: SourceText) -> list[Problem]:
    """Every schema error, located at the element (or attribute) it is about."""
    xsd = schema()
    if xsd.validate(root):
        return []
    problems: list[Problem] = []
    tree = root.getroottree()
    for entry in xsd.error_log:
        ref = source.ref_line(entry.line, entry.column)
        try:
            nodes = tree.xpath(entry.path) if entry.path else []
        except etree.XPathError:
            nodes = []
        if nodes and isinstance(nodes[0], etree._Element):
            attribute = _ATTRIBUTE.match(entry.message)
            ref = source.element_ref(nodes[0], attribute.group(1) if attribute else None)
        problems.append(Problem(ref, f"non conforme au schéma : {_readable(entry.message)}"))
    return problems


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
