"""Case selection: pytest-like ``-k`` keyword expressions and ``--tag`` filters.

A tiny recursive-descent parser (no ``eval``)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | primary
    primary := "(" expr ")" | WORD

A WORD matches a case when it is a substring of the case id, its title, one of its tags, its domain or
its mode (pytest matches names the same way), case and accents aside (« dégradé » is ``degrade``); the
workstation's filter gives its own words of a case (:func:`compile_keyword`'s ``haystack``), the grammar
stays this one. A WORD ``FIELD:VALUE`` (:data:`FIELDS`: ``id:``, ``tag:``, ``domain:``, ``mode:``) matches
that field exactly instead, case and accents aside too; a domain or mode it does not know is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from testbench import fmt
from testbench.casebook.model import Case, Casebook, Domain, Mode
from testbench.i18n import _t

Matcher = Callable[[Case], bool]

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([^\s()]+))")
_KEYWORDS = ("and", "or", "not")
#: the exact forms of a WORD, ``FIELD:VALUE``
FIELDS = ("id", "tag", "domain", "mode")
#: ``-k verdict:échec``: a word of the workstation's filter (it keeps cases by their verdict in a session); a run
#: selects cases of casebooks, and ``--failed`` reruns the session's cases that did not pass
VERDICT_NOT_A_FIELD = _t(
    "« verdict: » est un mot du filtre du poste de travail, pas de -k (--failed relance les cas d'une session"
    " qui n'ont pas réussi)"
)


def fold(text: str) -> str:
    """Case and accents do not matter: « Dégradé » is ``degrade`` (as ``review`` reads a verdict's name)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _spellings(labels: dict[str, str], code: str) -> set[str]:
    """A domain's or mode's code and its names in French and English, folded (« sécurisé », "cards")."""
    return {fold(code), *(fold(fmt.label(labels, code, lang)) for lang in ("fr", "en"))}


def _vocabulary(field: str) -> tuple[dict[str, str], list[Domain] | list[Mode]]:
    """The names and codes of the domains (``field`` ``domain``) or of the modes."""
    return (fmt.DOMAIN_LABELS, list(Domain)) if field == "domain" else (fmt.MODE_LABELS, list(Mode))


def codes_named(field: str, value: str) -> list[str]:
    """The codes of the domains (``field`` ``domain``) or modes (``mode``) that ``value`` names: a code or its
    name in French or English, case and accents aside (« dégradé », "cards", « Cartes »). The one rule of
    ``-k domain:``/``mode:`` and of the exam plan's exclusions."""
    labels, codes = _vocabulary(field)
    wanted = fold(value)
    return [code.value for code in codes if wanted in _spellings(labels, code.value)]


def nearest_code(field: str, value: str) -> str | None:
    """The code of the domain or mode whose spelling (:func:`codes_named`'s) is closest to a mistyped ``value``
    (« degraded » → degrade, "secured" → securise), None when none is close."""
    import difflib  # for a hint on an error only

    labels, codes = _vocabulary(field)
    spellings = {spelling: code.value for code in codes for spelling in _spellings(labels, code.value)}
    near = difflib.get_close_matches(fold(value), list(spellings), n=1)
    return spellings[near[0]] if near else None


def field_of(word: str) -> str | None:
    """The field a ``FIELD:VALUE`` word names (``domain``), None for a plain word."""
    name, colon, _value = word.partition(":")
    return name.casefold() if colon and name.casefold() in FIELDS else None


class SelectionError(ValueError):
    """The ``-k`` expression is malformed; the message says where (in French, for the operator), and
    :attr:`problem` the parts, for the workstation's filter (:meth:`Problem.said` with ``in_filter=True``)."""

    def __init__(self, message: str, problem: Problem) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True)
class Problem:
    """What is wrong (French), the column it is at (1-based; None: the whole expression), the expression."""

    message: str
    column: int | None
    expression: str

    def said(self, *, in_filter: bool = False) -> str:
        """The problem in a sentence (French), naming the expression as it was typed: ``-k`` on the command
        line, the workstation's filter (``in_filter``)."""
        message, column, expression = self.message, self.column, self.expression
        if in_filter:
            if column is None:
                return f"filtre invalide : {message} — « {expression} »"
            return f"filtre invalide (colonne {column}) : {message} — « {expression} »"
        if column is None:
            return f"expression -k invalide : {message} — « {expression} »"
        return f"expression -k invalide (colonne {column}) : {message} — « {expression} »"


def _tokenize(expression: str) -> list[tuple[str, int]]:
    tokens: list[tuple[str, int]] = []
    pos = 0
    while pos < len(expression):
        match = _TOKEN.match(expression, pos)
        if match is None or match.end() == pos:
            break
        word = match.group(1) or match.group(2) or match.group(3)
        if word:
            tokens.append((word, match.start(match.lastindex or 0) + 1))
        pos = match.end()
    return tokens


#: the deepest nesting of ``not`` and parentheses an expression may have (a person writes a few)
MAX_DEPTH = 50


class _Parser:
    def __init__(self, expression: str, haystack: Callable[[Case], Iterable[str]]) -> None:
        self.expression = expression
        self.haystack = haystack
        self.tokens = _tokenize(expression)
        self.index = 0
        self.depth = 0

    def error(self, message: str, column: int | None = None) -> SelectionError:
        problem = Problem(message, column, self.expression)
        return SelectionError(problem.said(), problem)

    def peek(self) -> str | None:
        return self.tokens[self.index][0] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, int]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Matcher:
        if not self.tokens:
            raise self.error("expression vide")
        matcher = self.parse_or()
        if self.index < len(self.tokens):
            word, column = self.tokens[self.index]
            raise self.error(f"« {word} » inattendu", column)
        return matcher

    def parse_or(self) -> Matcher:
        parts = [self.parse_and()]
        while self.peek() == "or":
            self.take()
            parts.append(self.parse_and())
        if len(parts) == 1:
            return parts[0]
        return lambda case: any(p(case) for p in parts)

    def parse_and(self) -> Matcher:
        parts = [self.parse_not()]
        while self.peek() == "and":
            self.take()
            parts.append(self.parse_not())
        if len(parts) == 1:
            return parts[0]
        return lambda case: all(p(case) for p in parts)

    def parse_not(self) -> Matcher:
        if self.peek() == "not":
            _, column = self.take()
            with self.nested(column):
                inner = self.parse_not()
            return lambda case: not inner(case)
        return self.parse_primary()

    @contextmanager
    def nested(self, column: int) -> Iterator[None]:
        """One level deeper (a ``not``, a parenthesis): refused past :data:`MAX_DEPTH`, so that neither the
        parse nor the match of a pasted expression runs out of Python's stack."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression trop imbriquée (plus de {MAX_DEPTH} niveaux)", column)
        try:
            yield
        finally:
            self.depth -= 1

    def parse_primary(self) -> Matcher:
        if self.index >= len(self.tokens):
            raise self.error("l'expression se termine trop tôt")
        word, column = self.take()
        if word == "(":
            with self.nested(column):
                inner = self.parse_or()
            if self.peek() != ")":
                raise self.error("parenthèse fermante manquante", column)
            self.take()
            return inner
        if word == ")" or word in _KEYWORDS:
            raise self.error(f"« {word} » inattendu", column)
        if field_of(word) is not None:
            return self.field_matcher(word, column)
        name, colon, value = word.partition(":")
        if colon and value and name.casefold() == "verdict":  # the workstation's filter takes it off before
            raise self.error(VERDICT_NOT_A_FIELD, column)
        needle = fold(word)
        haystack = self.haystack
        return lambda case: any(needle in fold(hay) for hay in haystack(case))

    def field_matcher(self, word: str, column: int) -> Matcher:
        """``id:``, ``tag:``, ``domain:``, ``mode:``: that field of a case, exactly (case and accents aside)."""
        name, _colon, value = word.partition(":")
        field, wanted = name.casefold(), fold(value)
        if not wanted:
            raise self.error(_t("valeur manquante après « {field} »").format(field=f"{name}:"), column)
        if field == "id":
            return lambda case: fold(case.id) == wanted
        if field == "tag":
            return lambda case: any(fold(tag) == wanted for tag in case.tags)
        domain = field == "domain"
        codes = list(Domain) if domain else list(Mode)
        found = set(codes_named(field, value))
        if not found:
            known = ", ".join(c.value for c in codes)
            # a no-break space before « : », as French typography wants it: the sentence is read back in English
            # inside « expression -k invalide (colonne N) : … — « … » », whose inner part holds no « : » spaced
            near = nearest_code(field, value)
            if near is not None:  # « mode:degraded »: English keeps the French terms, the code is near
                unknown = (
                    _t("domaine inconnu « {value} » — vouliez-vous dire « {near} » ? (domaines connus : {known})")
                    if domain
                    else _t("mode inconnu « {value} » — vouliez-vous dire « {near} » ? (modes connus : {known})")
                )
                raise self.error(unknown.format(value=value, near=f"{name}:{near}", known=known), column)
            unknown = (
                _t("domaine inconnu « {value} » (domaines connus : {known})")
                if domain
                else _t("mode inconnu « {value} » (modes connus : {known})")
            )
            raise self.error(unknown.format(value=value, known=known), column)
        if domain:
            return lambda case: case.domain.value in found
        return lambda case: case.mode.value in found


def _haystack(case: Case) -> Iterable[str]:
    yield case.id
    yield case.title
    yield case.domain.value
    yield case.mode.value
    yield from case.tags


def compile_keyword(expression: str, haystack: Callable[[Case], Iterable[str]] | None = None) -> Matcher:
    """Compile a ``-k`` expression into a predicate on cases; raise SelectionError when malformed. A word
    matches inside one of ``haystack(case)``'s texts (case and accents aside; default: id, title, domain, mode,
    tags); a ``FIELD:VALUE`` word matches that field of the case exactly."""
    return _Parser(expression, haystack or _haystack).parse()


def is_expression(text: str) -> bool:
    """Whether ``text`` uses the grammar (``and``, ``or``, ``not``, parentheses) rather than plain words."""
    return any(word in _KEYWORDS or word in "()" for word, _column in _tokenize(text))


def select_cases(
    casebooks: Sequence[Casebook], keyword_expr: str | None = None, tags: Sequence[str] | None = None
) -> list[tuple[Casebook, Case]]:
    """Cases matching the keyword expression AND carrying at least one of ``tags`` (when given).

    Order is the casebooks' order, then the file order of the cases. Tags compare case and accents aside.
    """
    matcher = compile_keyword(keyword_expr) if keyword_expr and keyword_expr.strip() else None
    wanted = {fold(t) for t in tags or () if t.strip()}
    selected: list[tuple[Casebook, Case]] = []
    for casebook in casebooks:
        for case in casebook.cases:
            if wanted and not wanted.intersection(fold(t) for t in case.tags):
                continue
            if matcher is not None and not matcher(case):
                continue
            selected.append((casebook, case))
    return selected


__all__ = [
    "FIELDS",
    "Problem",
    "SelectionError",
    "codes_named",
    "compile_keyword",
    "field_of",
    "fold",
    "is_expression",
    "nearest_code",
    "select_cases",
]
