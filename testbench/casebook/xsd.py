"""XSD validation against the schema shipped in the package, with located, readable messages."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterable
from importlib import resources

from lxml import etree

from testbench.casebook.errors import Problem, in_both
from testbench.casebook.source import SourceText, make_parser
from testbench.casebook.vocabulary import NAMESPACE
from testbench.casebook.xsd_messages import DID_YOU_MEAN, describe

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
_ATTRIBUTE = re.compile(r"^Element '[^']*', attribute '([^']+)'")
_ROOT_TAG = f"{{{NAMESPACE}}}casebook"
_WRONG_NAMESPACE = 'espace de noms « {found} » inconnu : un cahier de tests version 1 déclare xmlns="{namespace}"'
_WRONG_ROOT = (
    'élément racine <{root}> : un cahier de tests commence par <casebook xmlns="{namespace}" format-version="1">'
)
_STEP = re.compile(r"(\*|[^\[\]/]+)(?:\[(\d+)\])?")


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
    """Turn raw schema errors into problems located at the element (or attribute) concerned.

    Worded in French and in English (:mod:`testbench.casebook.xsd_messages`). Locating costs
    O(tree + errors): the paths are resolved together (:func:`resolve_paths`), the elements
    placed together (:meth:`SourceText.element_refs`), each start tag's attributes read once.
    """
    elements = resolve_paths(root, [path for _, _, path, _ in errors if path])
    placed: list[tuple[etree._Element, str | None]] = []
    for _, _, path, raw in errors:
        if path in elements:
            attribute = _ATTRIBUTE.match(raw)
            placed.append((elements[path], attribute.group(1) if attribute else None))
    refs = iter(source.element_refs(placed))
    problems: list[Problem] = []
    for line, column, path, raw in errors:
        ref = next(refs) if path in elements else source.ref_line(line, column)
        hint = ""
        unexpected = _NOT_EXPECTED.match(raw)
        if unexpected:
            import difflib  # for a hint on an error only

            close = difflib.get_close_matches(unexpected.group(1), element_names(), n=1)
            if close and close[0] != unexpected.group(1):
                hint = close[0]

        def render(t: Callable[[str], str], raw: str = raw, hint: str = hint) -> str:
            return describe(raw, t) + (" " + t(DID_YOU_MEAN).format(name=hint) if hint else "")

        problems.append(Problem(ref, *in_both(render)))
    return problems


def resolve_paths(root: etree._Element, paths: Iterable[str]) -> dict[str, etree._Element]:
    """libxml2's node paths (``/*/*[3]/*/x:y[2]``) to the elements they name, in O(tree + paths).

    Evaluating each path alone counts a parent's children from the first one every time: 40 000
    errors under one parent would cost 40 000 × 40 000 steps. Sorted, the paths under one parent
    come in increasing positions, and each continues from the sibling found before it.
    """
    compiled: dict[str, etree.XPath] = {}

    def nth(context: etree._Element, axis: str, name: str, position: int) -> list[etree._Element]:
        # The position is written out, not passed as a variable: libxml2 stops at the n-th node
        # of a literal [n] but builds the whole node set (3 million siblings) for a variable.
        if name == "*":  # libxml2's * is an element of the default namespace, counted among all
            test = "*"
        elif ":" in name:
            test = f"*[name() = '{name}']"
        else:
            test = f"*[local-name() = '{name}' and namespace-uri() = '']"
        query = f"{axis}{test}[{position}]"
        if query not in compiled:
            compiled[query] = etree.XPath(query)
        return compiled[query](context)  # type: ignore[return-value]

    steps_of = {path: steps for path in set(paths) if (steps := _steps(path))}
    root_name = f"{root.prefix}:{etree.QName(root).localname}" if root.prefix else etree.QName(root).localname
    found: dict[tuple[tuple[str, int], ...], etree._Element] = {}
    last: dict[tuple[tuple[tuple[str, int], ...], str], tuple[int, etree._Element]] = {}
    resolved: dict[str, etree._Element] = {}
    for path, steps in sorted(steps_of.items(), key=lambda item: item[1]):
        if steps[0] not in (("*", 1), (root_name, 1)):
            continue
        el: etree._Element | None = root
        key: tuple[tuple[str, int], ...] = steps[:1]
        for name, position in steps[1:]:
            parent, key = key, (*key, (name, position))
            hit = found.get(key)
            if hit is None:
                before = last.get((parent, name))
                if before is not None and before[0] < position:
                    nodes = nth(before[1], "following-sibling::", name, position - before[0])
                else:
                    nodes = nth(el, "", name, position)
                if not nodes:
                    el = None
                    break
                hit = found[key] = nodes[0]
                last[(parent, name)] = (position, hit)
            el = hit
        if el is not None:
            resolved[path] = el
    return resolved


def _steps(path: str) -> tuple[tuple[str, int], ...] | None:
    """``/*/*[3]/x:y`` as ((``*``, 1), (``*``, 3), (``x:y``, 1)); None for anything else."""
    if not path.startswith("/"):
        return None
    steps = []
    for part in path[1:].split("/"):
        match = _STEP.fullmatch(part)
        if match is None:
            return None
        steps.append((match.group(1), int(match.group(2) or 1)))
    return tuple(steps)


def is_casebook_root(root: etree._Element) -> bool:
    return bool(root.tag == _ROOT_TAG)


def root_problem(root: etree._Element, source: SourceText) -> Problem | None:
    """A clear message for the most common mistake: not a casebook at all."""
    if is_casebook_root(root):
        return None
    qname = etree.QName(root)
    if qname.localname == "casebook":
        found = qname.namespace
        return Problem(
            source.element_ref(root),
            *in_both(
                lambda t: t(_WRONG_NAMESPACE).format(found=found or t("aucun espace de noms"), namespace=NAMESPACE)
            ),
        )
    return Problem.of(source.element_ref(root), _WRONG_ROOT, root=qname.localname, namespace=NAMESPACE)
