"""Some members of a large JSON document (a report's ``report.json``), read without holding the whole of it.

A 754-case ``report.json`` is tens of megabytes; read whole by :func:`json.loads` it took about 300 MB of memory,
while ``verify`` or the check of whose report a folder holds need a few small members and a field or two of each
case. :func:`read_members` reads the document as a stream of parse events (ijson, over its C parser) and builds
only what it is asked for, each element of a long list on its own: memory stays that of the largest element.
The parts not asked for are still parsed, so a damaged document is refused as :func:`json.loads` refuses it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ijson

_OPENS = ("start_map", "start_array")


def read_members(
    path: Path, names: Collection[str], each: Mapping[str, Callable[[Any], Any]] | None = None
) -> dict[str, Any]:
    """The members ``names`` of the JSON object in ``path`` (those it has). A member named in ``each`` whose value
    is an array is read one element at a time, each kept as its function returns it (a case cut to the fields a
    reader uses).

    Raises ``OSError`` when the file cannot be read, ``ValueError`` when it is no JSON object (as ``json.loads``).
    """
    import ijson  # here: a run that checks whose report a folder holds only when it has one needs no parser

    each = each or {}
    found: dict[str, Any] = {}
    name: str | None = None
    building: tuple[str, ijson.ObjectBuilder] | None = None  # where the value under way starts, and its builder
    try:
        with path.open("rb") as stream:
            events = ijson.parse(stream, use_float=True)
            if next(events, (None, None, None))[:2] != ("", "start_map"):
                raise ValueError("JSON : objet attendu")
            for prefix, event, value in events:
                if prefix == "":  # the document's end, or the name of its next member
                    name = value if event == "map_key" else None
                    continue
                if name not in names:
                    continue
                if building is None:
                    listed = name in each and isinstance(found.get(name), list)
                    if name in each and prefix == name and event in ("start_array", "end_array"):
                        found.setdefault(name, [])  # its elements are built one at a time, below
                        continue
                    building = (f"{name}.item" if listed else name, ijson.ObjectBuilder())
                start, builder = building
                builder.event(event, value)
                if prefix == start and event != "map_key" and event not in _OPENS:  # a value, or the end of one
                    building = None
                    if start == name:
                        found[name] = builder.value
                    else:
                        found[name].append(each[name](builder.value))
    except ijson.JSONError as exc:  # damaged, cut short, not UTF-8, data after the document
        raise ValueError(f"JSON : {exc}") from None
    return found
