"""JSON encoding of the bench's values: Decimals, dates, paths and dataclasses stay exact.

Hot path: every observation, event and comparison a run records is encoded here. The plain JSON
types are therefore recognised by their exact type first (a dict lookup), and a lone scalar is
encoded without a walk or a call into :mod:`json`'s machinery; subclasses (an ``Enum`` mixed with
``str``, a ``bool``…) take the general path, so the text is the same either way.
"""

from __future__ import annotations

import dataclasses
import json
import json.encoder
import sqlite3
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # the C string encoder
from pathlib import PurePath
from typing import Any

#: types that are already JSON values (exact types: a subclass such as an Enum is not)
SCALARS = frozenset({str, int, float, bool, type(None)})


def to_plain(value: Any) -> Any:
    """Turn dataclasses, mappings, sequences and scalar types into JSON-ready values."""
    return _plain(value)


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in SCALARS:
        return value
    # below, a scalar item is taken as it is without a call: most items of a case or an event are
    if kind is dict:
        return {k if type(k) is str else str(k): v if type(v) in SCALARS else _plain(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [v if type(v) in SCALARS else _plain(v) for v in value]
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = _field_names(kind)
    if names:  # a dataclass instance
        return {name: v if type(v := getattr(value, name)) in SCALARS else _plain(v) for name in names}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, bytes):
        return value.hex()
    return value


#: the field names of each dataclass met (empty for any other type): fields() costs more than the walk
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else ()


def _float(value: float) -> str:
    text = float.__repr__(value)
    return text if value == value and text not in ("inf", "-inf") else json.dumps(value)  # NaN, ±Infinity


#: a lone scalar's JSON text, by exact type; the same text ``json.dumps`` gives
_SCALAR_TEXT = {
    str: encode_basestring,
    int: int.__repr__,
    bool: lambda v: "true" if v else "false",
    type(None): lambda _v: "null",
    float: _float,
    Decimal: lambda v: encode_basestring(str(v)),
}


def compact_encoder(*, sort_keys: bool) -> Callable[[Any], str]:
    """Compact JSON text (``ensure_ascii`` off) of plain values, by one C encoder built once.

    ``JSONEncoder.encode`` builds its C encoder, and a dict of markers against cycles, on every call:
    about half the cost of encoding a chain entry's row. Same text; plain values have no cycles.
    """
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # an interpreter without json's C accelerator
        return encoder.encode
    one_shot = make(None, encoder.default, encode_basestring, None, ":", ",", sort_keys, False, True)
    join = "".join
    return lambda value: join(one_shot(value, 0))


_encode = compact_encoder(sort_keys=True)


def dumps(value: Any) -> str:
    text = _SCALAR_TEXT.get(type(value))
    if text is not None:
        return text(value)
    return _encode(to_plain(value))


_encode_in_order = compact_encoder(sort_keys=False)


def dumps_object(mapping: Mapping[str, Any]) -> str:
    """A JSON object of ``mapping``'s items in their own order, each value encoded as :func:`dumps`
    encodes it (a nested object's keys sorted): a step's observed values, path → value, in one text."""
    if set(map(type, mapping.values())) <= SCALARS:  # the common case: one call into the C encoder
        return _encode_in_order(mapping if type(mapping) is dict else dict(mapping))
    return "{" + ",".join(f"{encode_basestring(str(k))}:{dumps(v)}" for k, v in mapping.items()) + "}"


class DamagedValue(sqlite3.DatabaseError):
    """A value the session file holds that is no JSON: a page damaged on disk whose bytes still read as text.
    A database error, so that every reader says it as a damaged session (``connection.damage_reason``)."""


def loads(text: str | None) -> Any:
    """The value recorded as ``text``; :class:`DamagedValue` when the file no longer holds JSON there."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:  # JSONDecodeError: never a value the bench wrote (dumps)
        raise DamagedValue("damaged value: not JSON") from None
