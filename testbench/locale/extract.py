"""Babel extraction method for testbench's Python sources (named in ``babel.cfg``).

Babel's own ``python`` method reads tokens: it joins the two strings of ``t("oui" if ok else "non")``
into one message « ouinon », and takes ``t["billed"]`` (a dict named ``t``) for a call. This one
reads the syntax tree: a call to a translator (:data:`KEYWORDS`: ``t(…)``, ``self.t(…)``) whose first
argument is a literal, or a conditional between literals, is one message per literal; a call to
``tn(singular, plural, count)`` with two literals is one plural message (``msgid_plural``). Sentences
composed at run time (f-strings) are not extracted: they are read back by the catalogue's ``{name}``
templates (``testbench.i18n.english``). Used only at development time; nothing imports Babel here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import IO, Any

#: the names the code calls its translators by (``t = translator(lang)``, ``self.t = make_translator(lang)``),
#: with Babel's keyword spec: ``tn`` (testbench.i18n.tn) takes a singular and a plural
KEYWORDS: dict[str, tuple[int, ...] | None] = {"t": None, "_t": None, "english": None, "tn": (1, 2)}
PLURAL = "tn"


def python(
    fileobj: IO[bytes], keywords: Iterable[str], comment_tags: Iterable[str], options: dict[str, Any]
) -> Iterator[tuple[int, str, str | tuple[str, str], list[str]]]:
    """Babel's extraction interface: (line, function name, message, comments) for each literal message."""
    names = set(keywords) | set(KEYWORDS)
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == PLURAL and len(node.args) >= 2:
            forms = [arg for arg in node.args[:2] if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            if len(forms) == 2:
                yield node.lineno, PLURAL, (forms[0].value, forms[1].value), []
        elif isinstance(node, ast.Call) and node.args and _name(node.func) in names:
            for literal in _literals(node.args[0]):
                yield literal.lineno, _name(node.func), literal.value, []


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _literals(arg: ast.expr) -> list[ast.Constant]:
    """The string literals an argument can be: itself, or each branch of a conditional."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg]
    if isinstance(arg, ast.IfExp):
        return _literals(arg.body) + _literals(arg.orelse)
    return []
