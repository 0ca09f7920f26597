"""Case selection: pytest-like ``-k`` keyword expressions and ``--tag`` filters.

A tiny recursive-descent parser (no ``eval``)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | primary
    primary := "(" expr ")" | WORD

A WORD matches a case when it is a case-insensitive substring of the case id, its title, one of its
tags, its domain or its mode (pytest matches names the same way); the workstation's filter gives its own
words of a case (:func:`compile_keyword`'s ``haystack``), the grammar stays this one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from testbench.casebook.model import Case, Casebook

Matcher = Callable[[Case], bool]

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([^\s()]+))")
_KEYWORDS = ("and", "or", "not")


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
        needle = word.casefold()
        haystack = self.haystack
        return lambda case: any(needle in hay for hay in haystack(case))


def _haystack(case: Case) -> Iterable[str]:
    yield case.id.casefold()
    yield case.title.casefold()
    yield case.domain.value
    yield case.mode.value
    for tag in case.tags:
        yield tag.casefold()


def compile_keyword(expression: str, haystack: Callable[[Case], Iterable[str]] | None = None) -> Matcher:
    """Compile a ``-k`` expression into a predicate on cases; raise SelectionError when malformed. A word
    matches inside one of ``haystack(case)``'s texts (casefolded; default: id, title, domain, mode, tags)."""
    return _Parser(expression, haystack or _haystack).parse()


def is_expression(text: str) -> bool:
    """Whether ``text`` uses the grammar (``and``, ``or``, ``not``, parentheses) rather than plain words."""
    return any(word in _KEYWORDS or word in "()" for word, _column in _tokenize(text))


def select_cases(
    casebooks: Sequence[Casebook], keyword_expr: str | None = None, tags: Sequence[str] | None = None
) -> list[tuple[Casebook, Case]]:
    """Cases matching the keyword expression AND carrying at least one of ``tags`` (when given).

    Order is the casebooks' order, then the file order of the cases. Tags compare case-insensitively.
    """
    matcher = compile_keyword(keyword_expr) if keyword_expr and keyword_expr.strip() else None
    wanted = {t.casefold() for t in tags or () if t.strip()}
    selected: list[tuple[Casebook, Case]] = []
    for casebook in casebooks:
        for case in casebook.cases:
            if wanted and not wanted.intersection(t.casefold() for t in case.tags):
                continue
            if matcher is not None and not matcher(case):
                continue
            selected.append((casebook, case))
    return selected


__all__ = ["Problem", "SelectionError", "compile_keyword", "is_expression", "select_cases"]
