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
