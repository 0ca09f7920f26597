"""CI shards: ``run --shard K/N`` takes a stable, balanced slice of the campaign's cases.

Every CI job computes the same partition from the same selection, without talking to the others:

1. each case gets a key, the SHA-256 of its casebook's plan id and its own id, so the slice a case
   lands in does not depend on the order of the files or on the machine;
2. cases are dealt greedily, the longest first (most steps; ties by key), each to the shard whose
   total of steps is the smallest so far (ties: the lowest shard number).

A shard runs its cases in the campaign's order. Its session records the whole campaign's selection
under the meta key ``shard`` (:func:`shard_record`), so ``testbench merge`` can check that every shard
of one campaign is there and give the merged session the order of a full run.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from testbench.casebook.model import Case, Casebook

_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")

T = TypeVar("T", bound=tuple[Casebook, Case])


class ShardSpecError(ValueError):
    """``--shard`` is not ``K/N`` with 1 ≤ K ≤ N; the message is French, for the person."""


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as a person and a CI matrix count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    match = _SPEC.fullmatch(text)
    if match is None or not 1 <= int(match[1]) <= int(match[2]):
        raise ShardSpecError(f"--shard attend K/N avec 1 ≤ K ≤ N (par exemple 2/4), pas « {text} »")
    return Shard(int(match[1]), int(match[2]))


def case_key(casebook: Casebook, case: Case) -> str:
    """The stable key that orders a case in the deal: the same on every machine and in every file order."""
    return hashlib.sha256(f"{casebook.identity.plan_id}\0{case.id}".encode()).hexdigest()


def assign(selected: Sequence[tuple[Casebook, Case]], count: int) -> list[int]:
    """The shard (0-based) of each selected case, in the selection's order."""
    weights = [max(1, len(case.steps)) for _, case in selected]
    keys = [case_key(cb, case) for cb, case in selected]
    order = sorted(range(len(selected)), key=lambda i: (-weights[i], keys[i], i))
    loads = [0] * count
    shard_of = [0] * len(selected)
    for i in order:
        target = min(range(count), key=lambda s: (loads[s], s))
        shard_of[i] = target
        loads[target] += weights[i]
    return shard_of


def shard_slice(selected: Sequence[T], shard: Shard) -> list[T]:
    """The cases of ``shard``, in the campaign's order."""
    shard_of = assign(selected, shard.count)
    return [item for item, s in zip(selected, shard_of, strict=True) if s == shard.index - 1]


def shard_record(shard: Shard, selected: Sequence[tuple[Casebook, Case]]) -> str:
    """The meta a shard's session keeps: its place and the whole campaign's selection, in order."""
    return json.dumps(
        {
            "index": shard.index,
            "count": shard.count,
            "campaign": [[cb.sha256, case.id] for cb, case in selected],
        },
        ensure_ascii=False,
    )


def read_record(value: str | None) -> dict[str, Any] | None:
    """A session's shard meta, or None when it is not a shard (or the value is not one)."""
    if not value:
        return None
    try:
        record = json.loads(value)
    except ValueError:
        return None
    if not isinstance(record, dict) or not {"index", "count", "campaign"} <= record.keys():
        return None
    return record


@dataclass
class ShardSet:
    """What the shard records of a merge's inputs say: the campaign's order and what is wrong."""

    campaign: list[tuple[str, str]] | None = None  # None: no input is a shard
    missing: list[str] = field(default_factory=list)  # "2/4", … : shards of the campaign not among the inputs
    problems: list[str] = field(default_factory=list)  # shards of different campaigns: no merge


def check_shards(records: Sequence[tuple[str, str | None]]) -> ShardSet:
    """Check the shards among ``(input file, its shard meta)``: one campaign, every shard present.

    Inputs that are not shards (a rerun) may join; duplicates of one shard (a CI retry) are allowed,
    the merge keeps both attempts.
    """
    result = ShardSet()
    seen: set[int] = set()
    reference: tuple[int, list[Any]] | None = None
    for path, value in records:
        record = read_record(value)
        if record is None:
            continue
        this = (int(record["count"]), record["campaign"])
        if reference is None:
            reference = this
        elif this != reference:
            result.problems.append(
                f"{path}: partition {record['index']}/{record['count']} d'une autre campagne"
                " (autres cahiers, autre sélection ou autre nombre de partitions)"
            )
            continue
        seen.add(int(record["index"]))
    if reference is not None:
        count, campaign = reference
        result.campaign = [(str(sha), str(cid)) for sha, cid in campaign]
        result.missing = [f"{k}/{count}" for k in range(1, count + 1) if k not in seen]
    return result
