"""XML parsing has one owner (``testbench/xmlsafe.py``): no other module builds a parser or parses without one.

lxml's default parser — the one ``etree.fromstring(data)`` uses when given none — expands internal entities;
a parser built elsewhere could forget an option. Read from the source with ``ast``, so a new call is caught
before any hostile file meets it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "testbench"
OWNER = PACKAGE / "xmlsafe.py"

#: lxml's parser classes and streaming readers: built by the owner only
BUILDERS = {"XMLParser", "XMLPullParser", "ETCompatXMLParser", "HTMLParser", "HTMLPullParser", "iterparse"}
#: lxml's readers that take a parser: with none, lxml's default one reads
READERS = {"fromstring", "parse", "XML", "fromstringlist", "XMLID", "XMLDTDID", "parseid", "HTML"}
#: validators that read their own file (``file=``) with the default parser
FILE_READERS = {"XMLSchema", "RelaxNG", "DTD", "XSLT", "Schematron"}
#: other XML parsers: the standard library's (``xml.sax.saxutils``' escaping reads nothing), objectify, html
FOREIGN = ("xml.etree", "xml.dom", "xml.sax", "xml.parsers", "lxml.objectify", "lxml.html", "defusedxml", "xmlschema")


def _etree_call(node: ast.Call) -> str | None:
    """The name called when the call is ``etree.NAME(…)`` (``lxml.etree.NAME``, ``ET.NAME`` alike), else None."""
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name | ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else func.value.attr
        if owner in ("etree", "ET", "ElementTree", "objectify"):
            return func.attr
    return None


def offences(source: str) -> list[str]:
    """Each XML parse the module's source makes outside the owner, as ``line: what``."""
    found: list[str] = []
    lxml_names: set[str] = set()  # names imported from lxml.etree (``from lxml.etree import fromstring``)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(FOREIGN) and node.module != "xml.sax.saxutils":
                found.append(f"{node.lineno}: from {node.module} import …")
            if node.module == "lxml.etree":
                lxml_names.update(alias.asname or alias.name for alias in node.names)
                found.extend(
                    f"{node.lineno}: from lxml.etree import {alias.name}"
                    for alias in node.names
                    if alias.name in BUILDERS | READERS
                )
            if node.module == "lxml":
                found.extend(
                    f"{node.lineno}: from lxml import {alias.name}"
                    for alias in node.names
                    if alias.name in ("objectify", "html")
                )
        elif isinstance(node, ast.Import):
            found.extend(
                f"{node.lineno}: import {alias.name}" for alias in node.names if alias.name.startswith(FOREIGN)
            )
        elif isinstance(node, ast.Call):
            name = _etree_call(node)
            if name in BUILDERS:
                found.append(f"{node.lineno}: etree.{name}(…) built outside the owner")
            elif name in READERS and len(node.args) < 2 and not any(k.arg == "parser" for k in node.keywords):
                found.append(f"{node.lineno}: etree.{name}(…) without a parser")
            elif name in FILE_READERS and any(k.arg == "file" for k in node.keywords):
                found.append(f"{node.lineno}: etree.{name}(file=…) reads with the default parser")
    return found


def test_no_module_but_the_owner_builds_a_parser_or_parses_without_one() -> None:
    modules = [path for path in sorted(PACKAGE.rglob("*.py")) if path != OWNER]
    assert len(modules) > 100  # the package itself, not an empty folder
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{offence}"
        for path in modules
        for offence in offences(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "parse XML through testbench.xmlsafe:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "from lxml import etree\nroot = etree.fromstring(data)",
        "from lxml import etree\nroot = etree.parse(path)",
        "from lxml import etree\nroot = etree.XML(text)",
        "import lxml.etree\nroot = lxml.etree.fromstring(data)",
        "from lxml import etree\np = etree.XMLParser(resolve_entities=False)",
        "from lxml import etree\np = etree.XMLPullParser()",
        "from lxml import etree\nfor e in etree.iterparse(f): pass",
        "from lxml.etree import fromstring\nroot = fromstring(data)",
        "from lxml import objectify\nroot = objectify.fromstring(data)",
        "import xml.etree.ElementTree as ET\nroot = ET.fromstring(data)",
        "from xml.dom import minidom",
        "import defusedxml.ElementTree",
        "from lxml import etree\nschema = etree.XMLSchema(file='a.xsd')",
    ],
)
def test_each_way_around_the_owner_is_caught(source: str) -> None:
    assert offences(source)


@pytest.mark.parametrize(
    "source",
    [
        "from testbench.xmlsafe import from_bytes\nroot = from_bytes(data)",
        "from lxml import etree\nroot = etree.fromstring(data, hardened, base_url=None)",
        "from lxml import etree\nroot = etree.fromstring(data, parser=hardened)",
        "from lxml import etree\nschema = etree.XMLSchema(from_bytes(xsd))",
        "from xml.sax.saxutils import escape",
        "from lxml import etree\ntext = etree.tostring(root)",
    ],
)
def test_the_owners_calls_and_other_uses_of_lxml_pass(source: str) -> None:
    assert offences(source) == []
