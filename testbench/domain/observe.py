"""Observations: the values a step produced, addressed by dotted paths such as ``invoice.lines[0].amo``."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from itertools import pairwise
from typing import Any

_MISSING = object()
#: The largest list index an observation path may name: an invoice holds 999 lines at most (B2's limit, the
#: reference engine's TOO_MANY_LINES), and no list a person attests is longer.
MAX_INDEX = 999
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
#: The values observations are mostly made of: known leaves, without an ``isinstance`` against an ABC.
_LEAVES = frozenset({str, int, float, bool, type(None)})


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten nested objects into ``{path: scalar}``; lists use ``[i]`` indexes."""
    out: dict[str, Any] = {}
    _flatten_into(out, value, prefix)
    return out


def _flatten_into(out: dict[str, Any], value: Any, prefix: str) -> None:
    """Write every path of ``value`` into ``out`` (a dict per node merged upwards copied each path per level).

    A leaf child is written here, not through a call of its own: most nodes of an observation are leaves.
    """
    kind = type(value)
    if kind in _LEAVES:
        out[prefix] = value
    elif kind is dict or isinstance(value, Mapping):
        if not value and prefix:
            out[prefix] = {}
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if type(item) in _LEAVES:
                out[path] = item
            else:
                _flatten_into(out, item, path)
    elif kind is list or kind is tuple or isinstance(value, list | tuple):
        if not value and prefix:
            out[prefix] = []
        for i, item in enumerate(value):
            if type(item) in _LEAVES:
                out[f"{prefix}[{i}]"] = item
            else:
                _flatten_into(out, item, f"{prefix}[{i}]")
    else:
        out[prefix] = value


def lookup(tree: Mapping[str, Any], path: str) -> Any:
    """Return the value at ``path`` in nested objects, or raise KeyError naming the missing part."""
    node: Any = tree
    walked = ""
    for name, index in _TOKEN.findall(path):
        if name:
            if not isinstance(node, Mapping) or name not in node:
                raise KeyError(f"{walked + '.' if walked else ''}{name}")
            node = node[name]
            walked = f"{walked}.{name}" if walked else name
        else:
            i = _index(index)
            if not isinstance(node, list | tuple) or i >= len(node):
                raise KeyError(f"{walked}[{index.lstrip('0') or 0}]")
            node = node[i]
            walked = f"{walked}[{i}]"
    return node


def unflatten(values: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`flatten`: ``{"manual.lines[0].amo": "1"}`` → nested objects and lists.

    Paths are merged into one tree; where two paths disagree on a node's shape (a value at ``a`` and
    another at ``a.b``), the later path wins rather than failing. A path whose index would pad a list past
    :data:`MAX_INDEX` (``lines[99999999999999999999]``) is kept whole, under its own name at the top: no
    expectation finds it there, and no list of that many empty slots is made.
    """
    root: dict[str, Any] = {}
    for path, value in values.items():
        keys: list[str | int] = [name or _index(index) for name, index in _TOKEN.findall(path)]
        if not keys:
            continue
        try:
            _place(root, keys, value)
        except _TooFar:
            root[path] = value
    return root


class _TooFar(Exception):
    """An index past :data:`MAX_INDEX` that is not the next slot of a list already that long."""


def _place(root: dict[str, Any], keys: list[str | int], value: Any) -> None:
    """``value`` at ``keys`` in ``root``, the nodes on the way made as the keys say (a list before an index)."""
    node: Any = root
    for key, nxt in pairwise(keys):
        shape = list if isinstance(nxt, int) else dict
        child = _get(node, key)
        if not isinstance(child, shape):
            child = shape()
            _put(node, key, child)
        node = child
    _put(node, keys[-1], value)


def canonical(tree: Mapping[str, Any]) -> dict[str, Any]:
    """The same observations with every path-like key (``"lines[0]"``, ``"totals.amo"``) expanded into nodes.

    Observations come from several producers (engine results, attested values keyed by path); an
    expectation's path must find a value whatever shape its producer gave it. A tree whose keys are all
    plain names (an engine's result) is already in that shape: it is returned as it is, not rebuilt.
    """
    if _plain_names(tree):
        return tree if isinstance(tree, dict) else dict(tree)
    return unflatten(flatten(tree))


def _plain_names(tree: Mapping[str, Any]) -> bool:
    """Whether every key in ``tree`` is a name :func:`unflatten` would give back unchanged."""
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if type(node) is dict or isinstance(node, Mapping):  # the exact type first: an ABC check costs more
            for key, item in node.items():
                if type(key) is not str or not key or "." in key or "[" in key or "]" in key:
                    return False
                if type(item) not in _LEAVES:
                    stack.append(item)
        elif type(node) is list or isinstance(node, list | tuple):
            stack += [item for item in node if type(item) not in _LEAVES]
    return True


def _index(digits: str) -> int:
    """An index's digits as a number; one of more digits than any list's length as the largest (Python refuses
    to read an integer of thousands of digits)."""
    return int(digits) if len(digits.lstrip("0")) < 19 else sys.maxsize


def _get(node: Any, key: str | int) -> Any:
    if isinstance(node, list):
        return node[key] if isinstance(key, int) and key < len(node) else None
    return node.get(key)


def _put(node: Any, key: str | int, value: Any) -> None:
    """``node[key] = value``, a list padded up to ``key``; raises _TooFar rather than pad past MAX_INDEX (a long
    list flattened and rebuilt grows one slot at a time, and may)."""
    if isinstance(node, list):
        assert isinstance(key, int)  # a list is only created when the next key is an index
        if key > max(len(node), MAX_INDEX):
            raise _TooFar(key)
        node.extend([None] * (key + 1 - len(node)))
    node[key] = value
