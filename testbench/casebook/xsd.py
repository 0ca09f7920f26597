"""XSD validation against the schema shipped in the package, with located, readable messages."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterable
from importlib import resources

from lxml import etree

from testbench.casebook.errors import Problem, in_both
from testbench.casebook.source import STRAY_TEXT, SourceText
from testbench.casebook.vocabulary import NAMESPACE
from testbench.casebook.xsd_messages import ATTRIBUTE_DID_YOU_MEAN, DID_YOU_MEAN, describe
from testbench.xmlsafe import from_bytes

SCHEMA_RESOURCE = "casebook-1.xsd"


@functools.cache
def schema() -> etree.XMLSchema:
    """The compiled schema, built once per process (compiling costs more than validating)."""
    data = resources.files("testbench.casebook.schema").joinpath(SCHEMA_RESOURCE).read_bytes()
    return etree.XMLSchema(from_bytes(data))


@functools.cache
def element_names() -> tuple[str, ...]:
    """Every element name the schema declares, for "did you mean" hints."""
    return _declared("element")


@functools.cache
def attribute_names() -> tuple[str, ...]:
    """Every attribute name the schema declares, for "did you mean" hints."""
    return _declared("attribute")


@functools.cache
def attributes_as_written() -> frozenset[str]:
    """The attributes whose value the schema keeps as written (xs:string: ``expected``, ``pattern``, ``label``…);
    every other one is an xs:token, a number, a date or a boolean, whose surrounding spaces it drops."""
    data = resources.files("testbench.casebook.schema").joinpath(SCHEMA_RESOURCE).read_bytes()
    doc = from_bytes(data)
    names = doc.xpath(
        "//xs:attribute[@type='xs:string' or @type='NonEmpty']/@name",
        namespaces={"xs": "http://www.w3.org/2001/XMLSchema"},
    )
    return frozenset(str(n) for n in names)


def _declared(kind: str) -> tuple[str, ...]:
    data = resources.files("testbench.casebook.schema").joinpath(SCHEMA_RESOURCE).read_bytes()
    doc = from_bytes(data)
    names = doc.xpath(f"//xs:{kind}/@name", namespaces={"xs": "http://www.w3.org/2001/XMLSchema"})
    return tuple(sorted({str(n) for n in names}))


_NOT_EXPECTED = re.compile(r"^Element '(?:\{([^}]*)\})?([^']+)': This element is not expected")
_LEFT_OUT = "… et {count} autres éléments inconnus du format, non listés"
_LEFT_OUT_ONE = "… et 1 autre élément inconnu du format, non listé"
_LEFT_OUT_AT_LEAST = "… et au moins {count} autres éléments inconnus du format, non listés"
_MISSING = re.compile(r"^Element '[^']*': Missing child element")
_NOT_ALLOWED = re.compile(r"^Element '[^']*', attribute '(?:\{[^}]*\})?([^']+)': The attribute '[^']*' is not allowed")
_ATTRIBUTE = re.compile(r"^Element '[^']*', attribute '([^']+)'")
_ROOT_TAG = f"{{{NAMESPACE}}}casebook"
_WRONG_NAMESPACE = 'espace de noms « {found} » inconnu : un cahier de tests version 1 déclare xmlns="{namespace}"'
_NO_NAMESPACE = '<casebook> sans espace de noms : un cahier de tests version 1 déclare xmlns="{namespace}"'
_WRONG_ROOT = (
    'élément racine <{root}> : un cahier de tests commence par <casebook xmlns="{namespace}" format-version="1">'
)
_STEP = re.compile(r"(\*|[^\[\]/]+)(?:\[(\d+)\])?")


_VALIDATE_LOCK = threading.Lock()

#: One schema error as (line, column, XPath of the node, message), copied out of lxml's log.
RawError = tuple[int, int, str, str]
#: A child taken out of the tree for another validation: (parent, its index there, the child).
Aside = tuple[etree._Element, int, etree._Element]


def run_schema(
    root: etree._Element, compiled: etree.XMLSchema | None = None, known: tuple[str, ...] | None = None
) -> list[RawError]:
    """Validate against the schema (the casebook's, or ``compiled`` declaring the elements ``known``); return
    the raw errors. Safe to call from a worker thread.

    libxml2 validates without the GIL, so the loader runs this beside the (pure Python) builder.
    libxml2 stops checking a parent's children at the first one it did not expect: that child is
    set aside and the tree validated again (at most :data:`ROUNDS` times), so the errors it hid
    come out in the same run; the tree is put back as it was before returning.
    """
    compiled = compiled or schema()
    known = element_names() if known is None else known
    errors = _validate(root, compiled)
    if not any(_NOT_EXPECTED.match(message) for *_, message in errors):
        return errors
    seen = {(path, message) for _, _, path, message in errors}
    removed: list[list[Aside]] = []
    renamed: list[tuple[etree._Element, str]] = []
    later: list[tuple[int, int, etree._Element | None, str]] = []
    try:
        found = errors
        for _ in range(ROUNDS):
            was_renamed = len(renamed)
            aside = _set_aside(root, found, renamed)
            if not aside and len(renamed) == was_renamed:
                break
            removed.append(aside)
            again = _validate(root, compiled)
            elements = resolve_paths(root, [path for _, _, path, _ in again if path])
            parents = {id(parent) for parent, _, _ in aside}  # the proxies live on in ``aside``
            found = [error for error in again if not _cascade(elements.get(error[2]), error[3], parents, known)]
            later.extend((line, column, elements.get(path), message) for line, column, path, message in found)
    finally:
        for aside in reversed(removed):
            for parent, index, child in aside:
                parent.insert(index, child)
        for el, tag in renamed:
            el.tag = tag
    tree = root.getroottree()
    for line, column, el, message in later:
        path = tree.getpath(el) if el is not None else ""
        if (path, message) not in seen:
            seen.add((path, message))
            errors.append((line, column, path, message))
    return errors


#: at most this many more validations, each after setting aside the children libxml2 did not expect
ROUNDS = 8


def _validate(root: etree._Element, xsd: etree.XMLSchema) -> list[RawError]:
    """One validation: the compiled schema and its error log are shared, the lock keeps validate + read atomic."""
    with _VALIDATE_LOCK:
        if xsd.validate(root):
            return []
        return [(e.line, e.column, e.path or "", e.message) for e in xsd.error_log]


def _set_aside(root: etree._Element, errors: list[RawError], renamed: list[tuple[etree._Element, str]]) -> list[Aside]:
    """Take out each child libxml2 did not expect; return (parent, index, child) in document order.

    A misspelling of the one element expected there (<natur> for <nature>) is renamed instead, its old tag
    added to ``renamed``: its attributes and the siblings after it are then checked too."""
    paths = {path: message for _, _, path, message in errors if path and _NOT_EXPECTED.match(message)}
    aside = []
    for path, el in resolve_paths(root, paths).items():
        meant = _MEANT.search(paths[path])
        if meant is not None and _close(etree.QName(el).localname, etree.QName(meant[1]).localname):
            renamed.append((el, el.tag))
            el.tag = meant[1]
            continue
        parent = el.getparent()
        if parent is not None:
            aside.append((parent, parent.index(el), el))
    aside.sort(key=lambda item: item[1])
    for parent, _, el in reversed(aside):
        parent.remove(el)
    return aside


_MEANT = re.compile(r"Expected is \( ([^ ,()]+) \)\.$")


def _close(written: str, expected: str) -> bool:
    """A misspelling (not the right name in another namespace: its children would be each reported too)."""
    import difflib  # for a misspelt element only

    return written != expected and bool(difflib.get_close_matches(written, [expected], n=1, cutoff=0.6))


def _cascade(el: etree._Element | None, message: str, parents: set[int], known: tuple[str, ...]) -> bool:
    """A content error that only follows from a child set aside (``parents``: the ids of their parents): its
    parent now lacks it, or a known sibling now comes too early. A sibling the schema does not know is an
    error of its own."""
    if el is None:
        return False
    if _MISSING.match(message):
        return id(el) in parents
    if _NOT_EXPECTED.match(message):
        parent = el.getparent()
        return parent is not None and id(parent) in parents and etree.QName(el).localname in known
    return False


_EMPTY = re.compile(r".*\[facet 'minLength'\] The value(?: '')? has a length of '0'", re.S)
_NOT_BLANK = re.compile(r".*\[facet 'pattern'\] The value '.*' is not accepted by the pattern '\[\\s\\S\]\*\\S", re.S)


def without_redundant_empty(errors: list[RawError]) -> list[RawError]:
    """An empty text breaks both facets of a non-empty type (minimum length, pattern): one problem says it."""
    blank = {(line, path) for line, _, path, raw in errors if _NOT_BLANK.match(raw)}
    return [e for e in errors if not ((e[0], e[2]) in blank and _EMPTY.match(e[3]))]


_LIST_VALUE = re.compile(
    r"^Element '[^']*', attribute '([^']+)': '(.*,.*)' is not a valid value of the list type", re.S
)
_ITEM_VALUE = re.compile(r"^Element '[^']*', attribute '([^']+)': \[facet '[^']+'\] The value '(.*,.*)'", re.S)


def without_comma_items(errors: list[RawError]) -> list[RawError]:
    """A list written with commas (tags="lpp, e1"): the list's problem says so, its item « lpp, » is its echo."""
    lists = {(line, path, found[1]) for line, _, path, raw in errors if (found := _LIST_VALUE.match(raw))}
    return [
        e for e in errors if not ((found := _ITEM_VALUE.match(e[3])) and (e[0], e[2], found[1]) in lists)
    ]


#: libxml2's words for text where the schema allows none: placed at the text, not at its element's start tag
_STRAY_TEXT = re.compile(r"Character content (?:other than whitespace )?is not allowed")


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
            if _STRAY_TEXT.search(raw):  # placed at the text: what the author looks for
                placed.append((elements[path], STRAY_TEXT))
            else:
                placed.append((elements[path], attribute.group(1) if attribute else None))
    refs = iter(source.element_refs(placed))
    problems: list[Problem] = []
    for line, column, path, raw in errors:
        ref = next(refs) if path in elements else source.ref_line(line, column)
        hint, hint_template = _hint(raw)

        def render(t: Callable[[str], str], raw: str = raw, hint: str = hint, template: str = hint_template) -> str:
            return describe(raw, t) + (" " + t(template).format(name=hint) if hint else "")

        problems.append(Problem(ref, *in_both(render)))
    return problems


def left_out(
    errors: list[RawError], problems: list[Problem], unknown: int, exact: bool, outside_namespace: int = 0
) -> Problem | None:
    """How many of the ``unknown`` elements the format does not know the schema's errors leave out, said
    after the last one listed (libxml2 names one per parent per validation: :data:`ROUNDS` bound them).

    ``problems`` are :func:`schema_problems` of ``errors``; ``exact`` is False when ``unknown`` is a lower
    bound (the expat pass stopped counting). ``outside_namespace`` of the ``unknown`` are elements the format
    knows, written outside its namespace (:func:`outside_namespace`): not unknown, and said once already."""
    listed = [
        problem
        for (*_, raw), problem in zip(errors, problems, strict=True)
        if (found := _NOT_EXPECTED.match(raw)) and found.group(2) not in element_names()
    ]
    count = unknown - len(listed) - outside_namespace
    if not listed or count <= 0:
        return None
    last = max(listed, key=lambda problem: (problem.source.line, problem.source.col)).source
    if exact and count == 1:
        return Problem(last, _LEFT_OUT_ONE)
    return Problem.of(last, _LEFT_OUT if exact else _LEFT_OUT_AT_LEAST, count=count)


def outside_namespace(root: etree._Element, errors: list[RawError]) -> int:
    """Elements of the tree the format knows by name but written outside its namespace; 0 (no walk) when no
    error is about one."""
    if not any((found := _NOT_EXPECTED.match(raw)) and found.group(1) != NAMESPACE for *_, raw in errors):
        return 0
    names = set(element_names())
    return sum(
        1
        for el in root.iter(etree.Element)
        if (qname := etree.QName(el)).namespace != NAMESPACE and qname.localname in names
    )


def _hint(raw: str) -> tuple[str, str]:
    """The declared name closest to a misspelled element or attribute, with its template; ("", "") if none."""
    unexpected = _NOT_EXPECTED.match(raw)
    refused = None if unexpected else _NOT_ALLOWED.match(raw)
    if unexpected is None and refused is None:
        return "", ""
    import difflib  # for a hint on an error only

    # Attributes are matched among all the schema declares, not the element's own: only a close spelling
    # is a hint (unit-prise, benficiary), not a name that shares a few letters (x-care is not card).
    written, known, template, cutoff = (
        (unexpected.group(2), element_names(), DID_YOU_MEAN, 0.6)
        if unexpected
        else (refused.group(1), attribute_names(), ATTRIBUTE_DID_YOU_MEAN, 0.75)  # type: ignore[union-attr]
    )
    close = difflib.get_close_matches(written, known, n=1, cutoff=cutoff)
    if close and close[0] != written:
        return close[0], template
    return "", ""


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
        if not qname.namespace:
            return Problem.of(source.element_ref(root), _NO_NAMESPACE, namespace=NAMESPACE)
        return Problem.of(source.element_ref(root), _WRONG_NAMESPACE, found=qname.namespace, namespace=NAMESPACE)
    return Problem.of(source.element_ref(root), _WRONG_ROOT, root=qname.localname, namespace=NAMESPACE)
