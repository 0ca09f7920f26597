"""Observations: the values a step produced, addressed by dotted paths such as ``invoice.lines[0].amo``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_MISSING = object()
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten nested objects into ``{path: scalar}``; lists use ``[i]`` indexes."""
    out: dict[str, Any] = {}
    if isinstance(value, Mapping):
        if not value and prefix:
            out[prefix] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list | tuple):
        if not value and prefix:
            out[prefix] = []
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{i}]"))
    else:
        out[prefix] = value
    return out


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
            i = int(index)
            if not isinstance(node, list | tuple) or i >= len(node):
                raise KeyError(f"{walked}[{i}]")
            node = node[i]
            walked = f"{walked}[{i}]"
    return node


def unflatten(values: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`flatten` for what a person keys in: ``{"totals.amo": "1"}`` → nested objects."""
    root: dict[str, Any] = {}
    for path, value in values.items():
        tokens = _TOKEN.findall(path)
        node: Any = root
        for i, (name, index) in enumerate(tokens):
            last = i == len(tokens) - 1
            nxt_is_index = not last and bool(tokens[i + 1][1])
            key: Any = name if name else int(index)
            if isinstance(node, list):
                while len(node) <= key:
                    node.append(None)
            if last:
                node[key] = value
                break
            child = (
                node[key]
                if (isinstance(node, dict) and key in node) or (isinstance(node, list) and node[key] is not None)
                else None
            )
            if child is None:
                child = [] if nxt_is_index else {}
                node[key] = child
            node = child
    return root
