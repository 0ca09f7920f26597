"""An extractor's declaration (a ``[[extractors]]`` table of the application profile), checked once.

Every problem is a ``ValueError`` whose French message starts with ``where`` (the profile's file and
table), so the profile loader reports it as it reports its own; the catalogue reads it back in English.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from testbench.domain.vocabulary import ENGINE_CALLS, known_path
from testbench.fmt import REGEX_ERRORS, control_in, regex_reason
from testbench.tomlfile import KeyPath
from testbench.xmlsafe import from_bytes

KINDS = ("regex", "xpath", "fixed", "json")
FIELD_TYPES = ("text", "int", "decimal")
#: The one placeholder of an observation path: the rank of the value among those of the same path (docs/extractors.md).
RANK = "{n}"
_PATH = re.compile(r"[A-Za-z_][\w-]*(?:\[(?:\d+|\{n\})\])*(?:\.[A-Za-z_][\w-]*(?:\[(?:\d+|\{n\})\])*)*")


@dataclass(frozen=True, slots=True)
class FixedField:
    """One field of a fixed-width record: where it stands and how its text reads."""

    name: str
    start: int  # 1-based column of the first character
    length: int
    type: str = "text"  # text | int | decimal
    scale: int = 0  # decimal: implied decimals ("0016380" with scale 2 is 163.80)

    @property
    def columns(self) -> tuple[int, int]:
        return self.start, self.start + self.length - 1


@dataclass(frozen=True, slots=True)
class FixedRecord:
    """The layout of one record type of a fixed-width file (a B2 lot's records)."""

    type: str  # the record type code, read at the spec's ``record_type`` columns
    fields: tuple[FixedField, ...]
    label: str = ""


@dataclass(frozen=True)
class ExtractorSpec:
    """One extractor of a profile (``[[extractors]]`` of sut.toml): what it reads, where, into which paths."""

    name: str
    kind: str  # "regex" | "xpath" | "fixed" | "json"
    applies_to: tuple[str, ...]  # engine calls (domain.vocabulary.ENGINE_CALLS)
    channel: str | None = None  # regex: trace channel ("app" when not given)
    files: str | None = None  # xpath/fixed/json: output folder key of the profile ("fse", "lots") or a glob
    pattern: str | None = None  # regex with named groups
    fields: Mapping[str, str] = field(default_factory=dict)  # group / XPath / pointer / "TYPE.field" -> path
    records: tuple[FixedRecord, ...] = ()  # fixed: record layouts
    namespaces: Mapping[str, str] = field(default_factory=dict)  # xpath: prefix -> URI
    encoding: str | None = None  # fixed, json: the files' text encoding (None: fixed utf-8, JSON says it)
    record_type: tuple[int, int] = (1, 3)  # fixed: (start column, length) of the record type code
    record_length: int | None = None  # fixed: every record has exactly this many characters
    closing: str | None = None  # fixed: type of the closing record; a file is complete once it is seen
    group: str | None = None  # fixed: a record of this type restarts the {n} ranks (an invoice header)
    stable_for: float = 0.2  # seconds a file's size must stay unchanged before it is read

    def closing_bytes(self) -> bytes | None:
        """What the last line of a complete file starts with (when the type code starts the record)."""
        if self.closing is None or self.record_type[0] != 1 or "A".encode(self.encoding or "utf-8") != b"A":
            return None  # the type elsewhere in the record, or an encoding whose bytes are not ASCII's (UTF-16)
        return self.closing.encode(self.encoding or "utf-8")


_COMMON = {"name", "kind", "applies_to", "fields", "stable_for"}
_KEYS = {
    "regex": _COMMON | {"channel", "pattern"},
    "xpath": _COMMON | {"files", "namespaces"},
    "json": _COMMON | {"files", "encoding"},
    "fixed": _COMMON | {"files", "records", "encoding", "record_type", "record_length", "closing", "group"},
}
_RECORD_KEYS = {"type", "label", "fields"}
_FIELD_KEYS = {"name", "start", "length", "type", "scale"}


class SpecError(ValueError):
    """A problem of an extractor's declaration: its French message starts with ``where``. ``at`` is the
    path, in the extractor's table, of what it is about (``("kind",)``, ``("fields", "string(/FSE/@n)")``,
    ``("records", 0, "fields", 1, "scale")``; ``()``: the table itself), and ``on_key`` says the place is that
    key's, not its value's (an XPath, a group written as a key of ``fields``): the profile's reader names the
    line and column where it is written (:func:`testbench.tomlfile.place`)."""

    def __init__(self, message: str, at: KeyPath = (), *, on_key: bool = False) -> None:
        super().__init__(message)
        self.at, self.on_key = at, on_key


def _problem(template: str, at: KeyPath = (), *, on_key: bool = False, **parts: Any) -> SpecError:
    return SpecError(template.format(**parts), at, on_key=on_key)


def _text(table: Mapping[str, Any], key: str, where: str, *, required: bool = True, at: KeyPath = ()) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise _problem("{where} : clé obligatoire absente « {key} »", at, where=where, key=key)
        return None
    if not isinstance(value, str) or not value:
        raise _problem("{where} : « {key} » doit être un texte non vide", (*at, key), where=where, key=key)
    return value


def _count(
    table: Mapping[str, Any], key: str, where: str, default: int | None, minimum: int = 1, at: KeyPath = ()
) -> int | None:
    value = table.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _problem(
            "{where} : « {key} » doit être un entier ≥ {minimum}", (*at, key), where=where, key=key, minimum=minimum
        )
    return value


def _texts(table: Mapping[str, Any], key: str, where: str) -> Mapping[str, str]:
    value = table.get(key, {})
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise _problem("{where} : « {key} » doit être une table de textes", (key,), where=where, key=key)
    return dict(value)


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str, at: KeyPath = ()) -> None:
    for key in table:
        if key not in allowed:
            raise _problem("{where} : clé inconnue « {key} »", (*at, key), on_key=True, where=where, key=key)


def parse_extractor(table: Mapping[str, Any], where: str) -> ExtractorSpec:
    """The extractor a profile's ``[[extractors]]`` table declares; :class:`SpecError` (a ``ValueError``,
    « {where} : … ») if invalid. Its targets are observation paths a casebook can expect, once the rest of it
    reads."""
    spec = _declared(table, where)
    for key, path in spec.fields.items():
        if not known_path(path.replace("{n}", "0")):  # a typo (« invoice.totals.amoo ») no expectation reads
            raise _problem(
                "{where} : chemin d'observation inconnu « {path} » (docs/casebook-format.md, chemins d'observation)",
                ("fields", key),
                where=where,
                path=path,
            )
    return spec


def _declared(table: Mapping[str, Any], where: str) -> ExtractorSpec:
    if not isinstance(table, Mapping):
        raise _problem("{where} : un extracteur est une table", where=where)
    name = _text(table, "name", where)
    if name is not None and (char := control_in(name)) is not None:  # shown on every screen and report
        said = "{where} : caractère de contrôle {char} dans le nom : retapez-le"
        raise _problem(said, ("name",), where=where, char=char)
    kind = _text(table, "kind", where)
    if kind not in KINDS:
        raise _problem(
            "{where} : genre d'extracteur inconnu « {kind} » (attendu : regex, xpath, fixed, json)",
            ("kind",),
            where=where,
            kind=kind,
        )
    if kind == "xpath" and "encoding" in table:
        raise _problem(
            "{where} : « encoding » ne s'applique pas à un fichier XML : il déclare le sien "
            '(<?xml version="1.0" encoding="…"?>, utf-8 sinon)',
            ("encoding",),
            on_key=True,
            where=where,
        )
    _check_keys(table, _KEYS[kind], where)
    calls = table.get("applies_to")
    if calls is None:  # left out: said as every required key is, at the extractor's header
        raise _problem("{where} : clé obligatoire absente « {key} »", where=where, key="applies_to")
    if isinstance(calls, str):
        calls = [calls]
    if calls == []:  # a list, but of no call: the extractor would never read anything
        raise _problem(
            "{where} : « {key} » doit nommer au moins un appel moteur (attendu : {calls})",
            ("applies_to",),
            where=where,
            key="applies_to",
            calls=", ".join(ENGINE_CALLS),
        )
    if not isinstance(calls, list) or not all(isinstance(c, str) for c in calls):
        raise _problem(
            "{where} : « {key} » doit être une liste de textes", ("applies_to",), where=where, key="applies_to"
        )
    for rank, call in enumerate(calls):
        if call not in ENGINE_CALLS:
            raise _problem(
                "{where} : appel moteur inconnu « {call} » (attendu : {calls})",
                ("applies_to", rank) if isinstance(table.get("applies_to"), list) else ("applies_to",),
                where=where,
                call=call,
                calls=", ".join(ENGINE_CALLS),
            )
    fields = _texts(table, "fields", where)
    if not fields:
        raise _problem("{where} : clé obligatoire absente « {key} »", ("fields",), where=where, key="fields")
    for key, path in fields.items():
        if not _PATH.fullmatch(path):
            raise _problem(
                "{where} : chemin d'observation invalide « {path} »", ("fields", key), where=where, path=path
            )
    stable = table.get("stable_for", 0.2)
    if isinstance(stable, bool) or not isinstance(stable, int | float) or not 0 <= stable < math.inf:  # nan, inf too
        raise _problem(
            "{where} : « {key} » doit être un nombre de secondes ≥ 0", ("stable_for",), where=where, key="stable_for"
        )
    base: dict[str, Any] = {"name": name, "kind": kind, "applies_to": tuple(calls), "fields": fields}
    base["stable_for"] = float(stable)
    if kind == "regex":
        return ExtractorSpec(**base, **_regex(table, fields, where))
    base["files"] = _text(table, "files", where)
    if kind == "xpath":
        return ExtractorSpec(**base, **_xpath(table, fields, where))
    if kind == "json":
        for pointer in fields:
            if pointer and not pointer.startswith("/"):
                raise _problem(
                    "{where} : pointeur JSON invalide « {pointer} » (il commence par « / »)",
                    ("fields", pointer),
                    on_key=True,
                    where=where,
                    pointer=pointer,
                )
        return ExtractorSpec(**base, encoding=_encoding(table, where, None))
    return ExtractorSpec(**base, **_fixed(table, fields, where))


def _regex(table: Mapping[str, Any], fields: Mapping[str, str], where: str) -> dict[str, Any]:
    pattern = _text(table, "pattern", where)
    assert pattern is not None
    try:
        compiled = re.compile(pattern)
    except REGEX_ERRORS as exc:
        reason = regex_reason(exc)
        raise _problem(
            "{where} : expression régulière invalide : {reason}", ("pattern",), where=where, reason=reason
        ) from None
    for group in fields:
        if group not in compiled.groupindex:
            raise _problem(
                "{where} : le groupe « {group} » n'est pas dans l'expression régulière",
                ("fields", group),
                on_key=True,
                where=where,
                group=group,
            )
    return {"pattern": pattern, "channel": _text(table, "channel", where, required=False) or "app"}


def _xpath(table: Mapping[str, Any], fields: Mapping[str, str], where: str) -> dict[str, Any]:
    namespaces = _texts(table, "namespaces", where)
    for prefix, uri in namespaces.items():
        if not prefix:  # lxml: a TypeError, on the day
            raise _problem(
                "{where} : préfixe vide dans « namespaces » : XPath n'a pas d'espace de noms par défaut ; nommez-le"
                ' (f = "…") et écrivez ce préfixe dans les expressions (/f:FSE)',
                ("namespaces", prefix),
                on_key=True,
                where=where,
            )
        if not _NCNAME.fullmatch(prefix) or not uri:  # a prefix no expression can write, or no namespace at all
            raise _problem(
                "{where} : espace de noms « {prefix} » invalide : un préfixe sans « : » ni espace, pour une URI"
                " non vide",
                ("namespaces", prefix),
                on_key=True,
                where=where,
                prefix=prefix,
            )
    for expression in fields:
        reason = xpath_problem(expression, namespaces)
        if reason is not None:
            raise _problem(
                "{where} : expression XPath invalide « {expression} » : {reason}",
                ("fields", expression),
                on_key=True,
                where=where,
                expression=expression,
                reason=reason,
            )
    return {"namespaces": namespaces}


# --- XPath: what lxml says, in French, and what it only says on the day -----------------------------

#: What libxml2 says of an XPath expression it cannot compile or evaluate (its words are English), in French:
#: the catalogue gives them back in English. Any other message reads « expression invalide ».
XPATH_REASONS = {
    "Undefined namespace prefix": "préfixe d'espace de noms non déclaré (déclarez-le dans « namespaces »)",
    "Unregistered function": "fonction inconnue",
    "Invalid expression": "expression invalide",
    "Invalid predicate": "prédicat invalide (un crochet [ jamais fermé ?)",
    "Unfinished literal": "chaîne de caractères jamais fermée",
    "Start of literal": "chaîne de caractères attendue",
    "Invalid number of arguments": "nombre d'arguments invalide",
    "Undefined variable": "variable non définie (un extracteur n'en a aucune)",
    "Invalid type": "type invalide",
    "Invalid operand": "opérande invalide",
    "Number encoding": "nombre mal écrit",
    "Expected $ for variable reference": "« $ » attendu avant le nom d'une variable",
    "Missing closing curly brace": "accolade fermante manquante",
    "Syntax error": "erreur de syntaxe",
    "Invalid context size": "last() n'a de sens que dans un prédicat [ … ]",
    "Invalid context position": "position() n'a de sens que dans un prédicat [ … ]",
    "Char out of XML range": "caractère interdit en XML",
    "Encoding error": "erreur d'encodage",
    "Forbidden variable": "variable interdite",
    "Operation limit exceeded": "expression trop coûteuse",
    "Recursion limit exceeded": "expression trop imbriquée",
}
_XPATH_INVALID = "expression invalide"
#: what :func:`xpath_problem` finds reading an expression itself, before lxml evaluates it
XPATH_UNDECLARED = "préfixe d'espace de noms « {prefix} » non déclaré (déclarez-le dans « namespaces »)"
XPATH_UNKNOWN_FUNCTION = "fonction XPath inconnue « {name}() »"
XPATH_ARITY = "nombre d'arguments invalide pour {name}() : {given} au lieu de {expected}"
XPATH_VARIABLE = "variable « {name} » non définie (un extracteur n'en a aucune)"


XPATH_UNCLOSED = "« {opening} » jamais fermé par « {closing} »"
XPATH_UNOPENED = "« {closing} » sans « {opening} » avant lui"
_PAIRS = {"(": ")", "[": "]"}
_LITERALS = re.compile(r""""[^"]*"|'[^']*'""")


def _unbalanced(expression: str) -> str | None:
    """Which bracket of ``expression`` is never closed or never opened (its literals aside), in French; None when
    they pair. lxml says only « Invalid expression » for ``string(//totaux/@amo``: the person should see which."""
    stack: list[str] = []
    for char in _LITERALS.sub("", expression):
        if char in _PAIRS:
            stack.append(char)
        elif char in _PAIRS.values():
            opening = next(o for o, c in _PAIRS.items() if c == char)
            if not stack or stack[-1] != opening:
                if stack:  # « [( ] »: the one open is the one not closed
                    return XPATH_UNCLOSED.format(opening=stack[-1], closing=_PAIRS[stack[-1]])
                return XPATH_UNOPENED.format(opening=opening, closing=char)
            stack.pop()
    return XPATH_UNCLOSED.format(opening=stack[-1], closing=_PAIRS[stack[-1]]) if stack else None


def xpath_reason(exc: BaseException) -> str:
    """Why lxml refused an XPath expression (``etree.XPathError``…), in French (:data:`XPATH_REASONS`)."""
    message = str(exc).strip()
    return XPATH_REASONS.get(message, next((fr for en, fr in XPATH_REASONS.items() if en in message), _XPATH_INVALID))


#: XPath 1.0's own functions (§4), each with its fewest and most arguments (None: any number), the only ones
#: an expression calls without a prefix; node tests look like calls too
XPATH_FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "last": (0, 0), "position": (0, 0), "count": (1, 1), "id": (1, 1), "local-name": (0, 1),
    "namespace-uri": (0, 1), "name": (0, 1), "string": (0, 1), "concat": (2, None), "starts-with": (2, 2),
    "contains": (2, 2), "substring-before": (2, 2), "substring-after": (2, 2), "substring": (2, 3),
    "string-length": (0, 1), "normalize-space": (0, 1), "translate": (3, 3), "boolean": (1, 1), "not": (1, 1),
    "true": (0, 0), "false": (0, 0), "lang": (1, 1), "number": (0, 1), "sum": (1, 1), "floor": (1, 1),
    "ceiling": (1, 1), "round": (1, 1),
}  # fmt: skip
_NODE_TYPES = {"node", "text", "comment", "processing-instruction"}
_AXES = {
    "ancestor", "ancestor-or-self", "attribute", "child", "descendant", "descendant-or-self", "following",
    "following-sibling", "namespace", "parent", "preceding", "preceding-sibling", "self",
}  # fmt: skip
_NCNAME_TEXT = r"[^\W\d][\w.\-]*"
_NCNAME = re.compile(_NCNAME_TEXT)
_XPATH_TOKEN = re.compile(
    rf"""\s*(?:
      (?P<literal>"[^"]*"|'[^']*')
    | (?P<number>\d+(?:\.\d*)?|\.\d+)
    | (?P<dots>\.\.?)
    | (?P<var>\$(?:{_NCNAME_TEXT}:)?{_NCNAME_TEXT})
    | (?P<name>(?:{_NCNAME_TEXT}:)?(?:{_NCNAME_TEXT}|\*)|\*)
    | (?P<axis>::)
    | (?P<op>//|/|\||\+|-|!=|<=|>=|=|<|>|@|,|\(|\)|\[|\])
    )""",
    re.VERBOSE,
)
_OPERATOR_NAMES = {"and", "or", "mod", "div"}
#: after these (or an operator) a name is a node test or a call, and « * » any element; after anything else, an
#: operator (XPath 1.0, §3.7)
_OPENING = {"@", "::", "(", "[", ","}
_OPERATORS = {"//", "/", "|", "+", "-", "!=", "<=", ">=", "=", "<", ">"}


def xpath_problem(expression: str, namespaces: Mapping[str, str]) -> str | None:
    """Why ``expression`` would read nothing on the exam day, in French; None when it reads.

    lxml compiles an expression without resolving its prefixes, its functions or its variables: those fail when
    it is evaluated, and only where the evaluation goes (a predicate on no element is never evaluated). So the
    expression is compiled, read for what it names (each prefix declared in ``namespaces``, each function one of
    XPath's own with as many arguments as it takes, no variable), then evaluated once on an empty document."""
    try:
        compiled = etree.XPath(expression, namespaces=dict(namespaces))
    except (etree.XPathError, TypeError, ValueError) as exc:
        reason = xpath_reason(exc)
        return (_unbalanced(expression) or reason) if reason == _XPATH_INVALID else reason
    named = _names_problem(expression, namespaces)
    if named is not None:
        return named
    try:
        compiled(from_bytes(b"<x/>"))
    except (etree.XPathError, TypeError, ValueError) as exc:
        return xpath_reason(exc)
    return None


def _tokens(expression: str) -> list[tuple[str, str]] | None:
    """(kind, text) of each token of ``expression`` (XPath 1.0, §3.7); None when it has one this does not read."""
    out, at = [], 0
    while at < len(expression):
        if not expression[at:].strip():
            break
        found = _XPATH_TOKEN.match(expression, at)
        if found is None or found.end() == at:
            return None
        kind = found.lastgroup or ""
        out.append((kind, found.group(kind)))
        at = found.end()
    return out


def _names_problem(expression: str, namespaces: Mapping[str, str]) -> str | None:
    """The first prefix not declared, function unknown or called with too few or too many arguments, or
    variable that ``expression`` names, in French; None when there is none (or it has a token not read here:
    lxml, which compiled it, is then left to say)."""
    tokens = _tokens(expression)
    if tokens is None:
        return None
    previous = ""  # what the previous token was, for the rule of §3.7
    for i, (kind, text) in enumerate(tokens):
        after = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        opening = not previous or previous in _OPENING or previous == "operator"
        if kind == "var":
            return XPATH_VARIABLE.format(name=text)
        if kind == "name" and not opening:  # « and », « div », « * »: an operator
            previous = "operator"
            continue
        if kind == "name" and after == "::":
            previous = "axis"
            continue
        if kind == "name":
            prefix, _, local = text.rpartition(":")
            if prefix and prefix not in namespaces:
                return XPATH_UNDECLARED.format(prefix=prefix)
            if after == "(" and not prefix and local not in _NODE_TYPES:
                problem = _call_problem(local, tokens, i + 1)
                if problem is not None:
                    return problem
            previous = "name"
            continue
        previous = "operator" if kind == "op" and text in _OPERATORS else text if kind in ("op", "axis") else kind
    return None


def _call_problem(name: str, tokens: list[tuple[str, str]], opening: int) -> str | None:
    """Whether ``name`` is one of XPath's own functions, called (its ``(`` at ``opening``) with as many arguments
    as it takes."""
    if name not in XPATH_FUNCTIONS:
        return XPATH_UNKNOWN_FUNCTION.format(name=name)
    depth, count = 0, 0
    for kind, text in tokens[opening:]:
        if kind == "op" and text in "([":
            depth += 1
            count = max(count, 1) if depth > 1 else count
        elif kind == "op" and text in ")]":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1 and kind == "op" and text == ",":
            count += 1
        elif depth == 1:
            count = max(count, 1)
    fewest, most = XPATH_FUNCTIONS[name]
    if count < fewest or (most is not None and count > most):
        expected = f"≥ {fewest}" if most is None else str(fewest) if fewest == most else f"{fewest}–{most}"
        return XPATH_ARITY.format(name=name, given=count, expected=expected)
    return None


def _encoding(table: Mapping[str, Any], where: str, default: str | None) -> str | None:
    encoding = _text(table, "encoding", where, required=False) or default
    if encoding is None:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        said = "{where} : encodage inconnu « {encoding} »"
        raise _problem(said, ("encoding",), where=where, encoding=encoding) from None


def _fixed(table: Mapping[str, Any], fields: Mapping[str, str], where: str) -> dict[str, Any]:
    encoding = _encoding(table, where, "utf-8")
    type_cols = table.get("record_type", [1, 3])
    if (
        not isinstance(type_cols, list)
        or len(type_cols) != 2
        or not all(isinstance(c, int) and not isinstance(c, bool) and c >= 1 for c in type_cols)
    ):
        raise _problem(
            "{where} : « {key} » doit être [colonne, longueur] (entiers ≥ 1)",
            ("record_type",),
            where=where,
            key="record_type",
        )
    raw_records = table.get("records")
    if not isinstance(raw_records, list) or not raw_records:
        raise _problem("{where} : clé obligatoire absente « {key} »", ("records",), where=where, key="records")
    # the message counts from 1, as « [extractors][2] » and docs do; ``at`` stays the list's own index
    records = tuple(_record(r, f"{where}.records[{i + 1}]", ("records", i)) for i, r in enumerate(raw_records))
    _once(records, where)
    known = {f"{r.type}.{f.name}" for r in records for f in r.fields}
    for key in fields:
        if key not in known:
            raise _problem(
                "{where} : champ inconnu « {field} » (attendu : TYPE.nom d'un champ déclaré dans records)",
                ("fields", key),
                on_key=True,
                where=where,
                field=key,
            )
    record_length = _count(table, "record_length", where, None)
    for i, record in enumerate(records):
        for j, f in enumerate(record.fields):
            if record_length is not None and f.columns[1] > record_length:  # it would read nothing, every time
                raise _problem(
                    "{where} : le champ {field} (colonnes {first}–{last}) dépasse la longueur des enregistrements"
                    " ({length})",
                    ("records", i, "fields", j, "start"),
                    where=where,
                    field=f"{record.type}.{f.name}",
                    first=f.columns[0],
                    last=f.columns[1],
                    length=record_length,
                )
    closing, group = _text(table, "closing", where, required=False), _text(table, "group", where, required=False)
    codes: list[tuple[str | None, KeyPath]] = [(closing, ("closing",)), (group, ("group",))]
    codes += [(record.type, ("records", i, "type")) for i, record in enumerate(records)]
    for code, at in codes:
        if code is not None and len(code) > type_cols[1]:  # the code read is never that long: never that record
            raise _problem(
                "{where} : le type « {code} » est plus long que les {length} caractères que « record_type » lit "
                "(colonnes {first}–{last}) : aucun enregistrement ne l'aura",
                at,
                where=where,
                code=code,
                length=type_cols[1],
                first=type_cols[0],
                last=type_cols[0] + type_cols[1] - 1,
            )
    return {
        "records": records,
        "encoding": encoding,
        "record_type": (type_cols[0], type_cols[1]),
        "record_length": record_length,
        "closing": closing,
        "group": group,
    }


def _once(records: tuple[FixedRecord, ...], where: str) -> None:
    """Each record type described once, each of its fields once: a layout copied twice read each record twice, and
    every rank ``{n}`` after the first line was another line's (two lines gave four)."""
    first: dict[str, int] = {}
    for i, record in enumerate(records):
        if record.type in first:
            raise _problem(
                "{where} : le type « {code} » est déjà décrit par records[{first}] : un type, une description",
                ("records", i, "type"),
                where=f"{where}.records[{i + 1}]",
                code=record.type,
                first=first[record.type] + 1,
            )
        first[record.type] = i
        names = [f.name for f in record.fields]
        for j, name in enumerate(names):
            if name in names[:j]:
                raise _problem(
                    "{where} : le champ « {field} » est déjà décrit par fields[{first}] de cet enregistrement",
                    ("records", i, "fields", j, "name"),
                    where=f"{where}.records[{i + 1}].fields[{j + 1}]",
                    field=name,
                    first=names.index(name) + 1,
                )


def _record(table: Any, where: str, at: KeyPath) -> FixedRecord:
    if not isinstance(table, Mapping):
        raise _problem("{where} : un enregistrement est une table", at, where=where)
    _check_keys(table, _RECORD_KEYS, where, at)
    rtype = _text(table, "type", where, at=at)
    assert rtype is not None
    raw_fields = table.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise _problem("{where} : clé obligatoire absente « {key} »", (*at, "fields"), where=where, key="fields")
    out = []
    for i, f in enumerate(raw_fields):
        here, there = f"{where}.fields[{i + 1}]", (*at, "fields", i)  # counted from 1 for a person
        if not isinstance(f, Mapping):
            raise _problem("{where} : un champ est une table", there, where=here)
        _check_keys(f, _FIELD_KEYS, here, there)
        ftype = f.get("type", "text")
        if ftype not in FIELD_TYPES:
            raise _problem(
                "{where} : type de champ inconnu « {type} » (attendu : text, int, decimal)",
                (*there, "type"),
                where=here,
                type=ftype,
            )
        start, length = _count(f, "start", here, None, at=there), _count(f, "length", here, None, at=there)
        if start is None or length is None:
            raise _problem(
                "{where} : clé obligatoire absente « {key} »",
                there,
                where=here,
                key="start" if start is None else "length",
            )
        scale = _count(f, "scale", here, 0, minimum=0, at=there)
        assert scale is not None
        if scale > length:  # implied decimals among the field's own digits (99999999 wrote 100 MB of zeros)
            raise _problem(
                "{where} : « {key} » doit être un entier de 0 à {length} (la longueur du champ)",
                (*there, "scale"),
                where=here,
                key="scale",
                length=length,
            )
        out.append(FixedField(_text(f, "name", here, at=there) or "", start, length, ftype, scale))
    return FixedRecord(rtype, tuple(out), _text(table, "label", where, required=False, at=at) or "")
