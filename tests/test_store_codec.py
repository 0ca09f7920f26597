"""The session's JSON encoding: a lone scalar takes a fast path that writes the very text of the general one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, IntEnum, StrEnum
from pathlib import PurePosixPath
from typing import Any

import pytest

from testbench.store import codec


class Mode(StrEnum):
    AUTO = "auto"


class Level(IntEnum):
    TWO = 2


class Kind(Enum):
    PAIR = ("a", 1)


@dataclass
class Line:
    code: str
    amount: Decimal
    when: date


SCALARS: list[Any] = [
    'é " \\ \n \x00 \u2028 😀',
    "",
    0,
    -7,
    10**40,
    True,
    False,
    None,
    1.5,
    -0.0,
    1e300,
    float("nan"),
    float("inf"),
    float("-inf"),
    Decimal("12.30"),
    Decimal("-0"),
    Decimal("NaN"),
    Mode.AUTO,
    Level.TWO,
]
STRUCTURES: list[Any] = [
    Kind.PAIR,
    {"b": 1, "a": [1, (2, Decimal("3.0"))], 3: "key made text"},
    [Mode.AUTO, Level.TWO, None],
    (1,),
    {5},
    frozenset({"x"}),
    b"\x01\xff",
    PurePosixPath("a/b.xml"),
    datetime(2026, 1, 2, 3, 4, 5),
    Line("LPP", Decimal("1.10"), date(2026, 1, 2)),
    {"line": Line("LPP", Decimal("0"), date(2026, 1, 2)), "items": {"z": 1, "y": [True, 1.25]}},
]


def reference(value: Any) -> str:
    """The general path: the plain copy, then :mod:`json` with the session's settings."""
    return json.dumps(codec.to_plain(value), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@pytest.mark.parametrize("value", SCALARS + STRUCTURES, ids=repr)
def test_dumps_writes_the_text_of_the_general_path(value: Any) -> None:
    assert codec.dumps(value) == reference(value)


def test_a_lone_scalar_is_encoded_without_a_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Observations are scalars (87 a case in the peer job): each used to pay a to_plain walk."""
    walks: list[Any] = []
    real = codec.to_plain
    monkeypatch.setattr(codec, "to_plain", lambda v: walks.append(v) or real(v))
    for value in ("1.10", 3, 2.5, True, None, Decimal("4.20")):
        codec.dumps(value)
    assert walks == []
    codec.dumps({"a": 1})
    assert walks == [{"a": 1}]


def test_exact_types_first_keep_the_general_rules() -> None:
    """A subclass is not taken for its base: the Enum gives its value, the mapping-like its items."""

    class Items:
        def items(self) -> list[tuple[Any, Any]]:
            return [(1, Mode.AUTO)]

    assert codec.to_plain({"m": Mode.AUTO, "t": (Level.TWO,), "i": Items()}) == {
        "m": "auto",
        "t": [2],
        "i": {"1": "auto"},
    }
    assert codec.loads(codec.dumps(Line("A", Decimal("1.10"), date(2026, 1, 2)))) == {
        "amount": "1.10",
        "code": "A",
        "when": "2026-01-02",
    }


def test_the_c_encoder_is_built_once_and_writes_json_s_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """JSONEncoder.encode built a C encoder on every call (half the cost of a chain entry's digest):
    the store's encodings reuse one, with the very text of json.dumps."""
    import json.encoder

    from testbench.store import chain

    rows = [(1, 'é " \\ \n', 1.5, float("nan"), None, True, 10**20), (2, "", -0.0, float("inf"), "x", False, 0)]
    expected = [json.dumps(rows, ensure_ascii=False, separators=(",", ":"))] + [reference(v) for v in STRUCTURES]
    built: list[object] = []
    real = json.encoder.c_make_encoder
    monkeypatch.setattr(json.encoder, "c_make_encoder", lambda *a: built.append(a) or real(*a))
    assert [chain._rows_json(rows)] + [codec.dumps(v) for v in STRUCTURES] == expected
    monkeypatch.undo()
    assert built == []
    assert chain.digest_of(rows) == chain.digest_of([list(row) for row in rows])


@pytest.mark.parametrize("values", [dict(enumerate(SCALARS)), dict(enumerate(SCALARS + STRUCTURES)), {}], ids=repr)
def test_a_step_s_values_are_one_object_in_their_order_each_value_as_dumps_writes_it(values: dict[Any, Any]) -> None:
    """Schema v5 keeps a step's values in one JSON object: the paths in the step's order, not sorted, and
    each value (a nested object's keys sorted) the very text :func:`codec.dumps` gives it alone."""
    values = {f"p{len(values) - i}": v for i, v in enumerate(values.values())}  # keys against sorted order
    expected = "{" + ",".join(f"{json.dumps(k)}:{codec.dumps(v)}" for k, v in values.items()) + "}"
    assert codec.dumps_object(values) == expected


def test_scalar_items_are_copied_without_a_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """A case definition or an event is mostly scalars: the walk calls itself only for what is not one."""
    calls: list[Any] = []
    real = codec._plain
    monkeypatch.setattr(codec, "_plain", lambda v: calls.append(v) or real(v))
    value = {"line": Line("LPP", Decimal("1.10"), date(2026, 1, 2)), "n": [1, "a", None, (2.5, True)]}
    assert codec.to_plain(value) == {
        "line": {"code": "LPP", "amount": "1.10", "when": "2026-01-02"},
        "n": [1, "a", None, [2.5, True]],
    }
    assert [type(v).__name__ for v in calls] == ["dict", "Line", "Decimal", "date", "list", "tuple"]
