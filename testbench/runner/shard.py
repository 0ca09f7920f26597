"""CI shards: ``run --shard K/N`` takes a stable, balanced slice of the campaign's cases.

Every CI job computes the same partition from the same selection, without talking to the others:

1. each case gets a key, the SHA-256 of its casebook's plan id and its own id, so the slice a case
   lands in does not depend on the order of the files or on the machine;
2. cases are dealt greedily, the longest first (most steps; ties by key), each to the shard whose
   total of steps is the smallest so far (ties: the lowest shard number).

A shard runs its cases in the campaign's order. Its session records the whole campaign's selection
under the meta key ``shard`` (:func:`shard_record`), so ``testbench merge`` can check that every shard
of one campaign is there and give the merged session the order of a full run; the merged session records
the shards it holds (:data:`MERGED_SHARDS_META`), so it counts for them when merged again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from testbench.casebook.model import Case, Casebook
from testbench.i18n import _t

if TYPE_CHECKING:
    from testbench.store.read import SessionView

_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")

T = TypeVar("T", bound=tuple[Casebook, Case])
Key = tuple[str, str]  # a case: its casebook's SHA-256 and its id


class ShardSpecError(ValueError):
    """``--shard`` is not ``K/N`` with 1 ≤ K ≤ N; the message is French, for the person."""


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as a person and a CI matrix count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


#: far more CI jobs than any campaign has cases: a larger N is a typo (and a table that size, memory)
MAX_SHARDS = 10_000


def parse_shard(text: str) -> Shard:
    match = _SPEC.fullmatch(text)
    if match is None or not 1 <= int(match[1]) <= int(match[2]) <= MAX_SHARDS:
        raise ShardSpecError(f"--shard attend K/N avec 1 ≤ K ≤ N ≤ {MAX_SHARDS} (par exemple 2/4), pas « {text} »")
    return Shard(int(match[1]), int(match[2]))


def case_key(casebook: Casebook, case: Case) -> str:
    """The stable key that orders a case in the deal: the same on every machine and in every file order."""
    return _key(casebook.identity.plan_id, case.id)


def assign(selected: Sequence[tuple[Casebook, Case]], count: int) -> list[int]:
    """The shard (0-based) of each selected case, in the selection's order."""
    return _deal([len(case.steps) for _, case in selected], [case_key(cb, case) for cb, case in selected], count)


def _key(plan_id: str, case_id: str) -> str:
    return hashlib.sha256(f"{plan_id}\0{case_id}".encode()).hexdigest()


def _deal(steps: Sequence[int], keys: Sequence[str], count: int) -> list[int]:
    """The deal of cases by their number of ``steps`` and their :func:`case_key`: the shard (0-based) of each."""
    weights = [max(1, n) for n in steps]
    order = sorted(range(len(keys)), key=lambda i: (-weights[i], keys[i], i))
    loads = [0] * count
    shard_of = [0] * len(keys)
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


#: a merged session's meta: the shards of one campaign it holds (``testbench merge`` writes it, so the merged
#: session can be merged again with a later retry of one of its shards)
MERGED_SHARDS_META = "merged_shards"


def merged_record(count: int, campaign: Sequence[tuple[str, str]], indices: Sequence[int]) -> str:
    """The meta a merged session keeps: its campaign and the shards (1-based) it holds."""
    return json.dumps(
        {"count": count, "campaign": [list(k) for k in campaign], "indices": sorted(set(indices))},
        ensure_ascii=False,
    )


@dataclass
class ShardSet:
    """What the shard records of a merge's inputs say: the campaign's order and what is wrong."""

    campaign: list[tuple[str, str]] | None = None  # None: no input is a shard
    missing: list[str] = field(default_factory=list)  # "2/4", … : shards of the campaign not among the inputs
    problems: list[str] = field(default_factory=list)  # shards of different campaigns: no merge
    count: int = 0  # the campaign's number of shards
    indices: list[int] = field(default_factory=list)  # the shards (1-based) the inputs hold
    #: why a missing shard is missing though an input is it: its bench never started (:data:`NOT_STARTED`)
    not_started: list[str] = field(default_factory=list)
    #: inputs that are not shards (a whole campaign run, a rerun) → the shards whose every case they hold with the
    #: others: no shard input holds these shards, the cases are there all the same
    by_cases: dict[str, list[int]] = field(default_factory=dict)
    #: why such inputs do not complete a missing shard: they hold some of its cases, not all (:data:`PART_HELD`),
    #: or their last run's bench could not start (:data:`WHOLE_NOT_STARTED`)
    not_held: list[str] = field(default_factory=list)

    def merged_record(self) -> str | None:
        """The merged session's :data:`MERGED_SHARDS_META`, None when no input is a shard."""
        return None if self.campaign is None else merged_record(self.count, self.campaign, self.indices)


@dataclass(frozen=True)
class _Holds:
    """What one input holds of a campaign: one shard, or the shards of a merged session."""

    path: str
    count: int
    campaign: list[tuple[str, str]]
    indices: frozenset[int]
    merged: bool

    @property
    def same_campaign(self) -> tuple[int, tuple[tuple[str, str], ...]]:
        # the deal does not depend on the casebooks' order (case_key): neither does the campaign
        return self.count, tuple(sorted(self.campaign))


def _holds(path: str, value: str | None) -> _Holds | None:
    """What the input ``path`` holds by its meta ``value``; None when it is not a shard nor a merge of shards (a
    rerun), or when the value is not one any run writes (edited: the merge's chain check then says so)."""
    record = read_record(value)
    try:
        if record is not None:
            campaign = [(str(sha), str(cid)) for sha, cid in record["campaign"]]
            held = _Holds(path, int(record["count"]), campaign, frozenset({int(record["index"])}), merged=False)
        else:
            merged = json.loads(value or "")
            campaign = [(str(sha), str(cid)) for sha, cid in merged["campaign"]]
            held = _Holds(path, int(merged["count"]), campaign, frozenset(map(int, merged["indices"])), merged=True)
    except (ValueError, TypeError, KeyError):
        return None
    if not 1 <= held.count <= MAX_SHARDS or not all(1 <= index <= held.count for index in held.indices):
        return None
    return held


def _other_bytes(h: _Holds, reference: _Holds) -> list[str]:
    """The casebooks (SHA-256, in ``h``'s order) of ``h`` that the reference does not have, though it has their
    cases: the same casebooks in other bytes (line endings a checkout changed, another version)."""
    known = {sha for sha, _ in reference.campaign}
    cases = {case for _, case in reference.campaign}
    other = {sha for sha, case in h.campaign if sha not in known and case in cases}
    return list(dict.fromkeys(sha for sha, _ in h.campaign if sha in other))


def _other_bytes_said(head: str, casebooks: list[str]) -> str:
    """A shard of another campaign whose ``casebooks`` (their names) hold the campaign's cases in other bytes."""
    named = list(dict.fromkeys(casebooks))
    names = ", ".join(named)
    if len(named) == 1:
        return (
            f"{head} : le cahier {names} n'a pas les mêmes octets que dans les autres partitions"
            " (fins de ligne changées par le checkout, core.autocrlf d'un runner Windows ? autre version ?)"
        )
    return (
        f"{head} : les cahiers {names} n'ont pas les mêmes octets que dans les autres partitions"
        " (fins de ligne changées par le checkout, core.autocrlf d'un runner Windows ? autre version ?)"
    )


#: a shard input whose bench could not start: it ran none of its cases, so it does not hold its shard
NOT_STARTED = _t("{path} : partition {shard} sans aucun cas exécuté, son banc n'a pas démarré (relancez-la) : {reason}")
#: a shard input that ran some of its cases (then was killed) and whose last run's bench could not start (``--resume``
#: on a broken bench): its cases left are not run, so it does not hold its shard either
NOT_FINISHED = _t(
    "{path} : partition {shard} inachevée, le banc de sa dernière exécution n'a pas démarré (cas non exécutés :"
    " {count} ; relancez-la) : {reason}"
)


#: a missing shard some of whose cases inputs that are not shards hold, not all: it stays missing
PART_HELD = _t(
    "partition {shard} : les sessions non partitionnées ({files}) n'en contiennent que {held} cas sur {count} ;"
    " donnez aussi la session de cette partition"
)

#: an input that is not a shard whose last run's bench could not start: it holds no shard's cases
WHOLE_NOT_STARTED = _t(
    "{path} : session non partitionnée comptée pour aucune partition, le banc de sa dernière exécution n'a pas"
    " démarré (relancez-la) : {reason}"
)

#: an input that is not a shard whose cases are the campaign's in casebooks of other bytes: it holds none of them
WHOLE_OTHER_BYTES = _t(
    "{path} : session non partitionnée dont les cahiers n'ont pas les mêmes octets que dans les partitions ({names} :"
    " fins de ligne changées par le checkout, core.autocrlf d'un runner Windows ? autre version ?) : ses cas de ces"
    " cahiers ne comptent pas"
)


def check_shards(
    records: Sequence[tuple[str, str | None]],
    casebooks: Callable[[str], Mapping[str, str]] | None = None,
    not_started: Callable[[str], tuple[str, int, int] | None] | None = None,
    selected: Callable[[str], Collection[Key]] | None = None,
    deal: Callable[[str, Sequence[Key], int], Sequence[int] | None] | None = None,
) -> ShardSet:
    """Check the shards among ``(input file, its shard meta)``: one campaign, every shard present.

    The meta is a shard's (:func:`shard_record`) or a merged session's (:func:`merged_record`: it holds
    its shards). Inputs that are neither (a rerun) may join; duplicates of one shard (a CI retry) are
    allowed, the merge keeps both attempts. When inputs disagree, the campaign most of them share (the
    most shards, then the most inputs, then the first given) is the reference and the others are named;
    ``casebooks`` (an input's casebooks: SHA-256 → name, read only for such an input) names the casebook
    whose bytes differ when its cases are the reference's (a checkout with CRLF line endings).
    ``not_started`` (an input's last run whose bench could not start: why, its cases run before, its cases left to
    run; or None) leaves out of the shards held an input whose last run exited 2, « banc indisponible », with cases
    left to run: none ran at all, or a shard killed then resumed on a broken bench. Its shard is missing unless a
    retry holds it, and :attr:`ShardSet.not_started` says why.
    A shard no shard input holds is held all the same when inputs that are not shards — a whole campaign run,
    reruns — hold every one of its cases (``selected``: an input's selected cases; ``deal``: the shard, 0-based,
    of each case of a campaign as ``run --shard`` deals it from an input's casebooks): the merge counts cases, not
    shards (:attr:`ShardSet.by_cases` says which input holds which shard).
    """
    result = ShardSet()
    held = [h for path, value in records if (h := _holds(path, value)) is not None]
    if not held:
        return result
    groups: dict[tuple[int, tuple[tuple[str, str], ...]], list[_Holds]] = {}
    for h in held:
        groups.setdefault(h.same_campaign, []).append(h)
    reference = max(groups.values(), key=lambda g: (len(frozenset().union(*(h.indices for h in g))), len(g)))
    for h in held:
        if h.same_campaign == reference[0].same_campaign:
            continue
        differ = _other_bytes(h, reference[0]) if casebooks is not None else []
        if h.merged and len(h.indices) == 1:  # a merge of one shard (--allow-missing-shards)
            (index,) = h.indices
            head = f"{h.path} : fusion de la partition {index}/{h.count} d'une autre campagne"
            said = (
                f"{h.path} : fusion de la partition {index}/{h.count} d'une autre campagne"
                " (autres cahiers, autre sélection ou autre nombre de partitions)"
            )
        elif h.merged:
            shards = ", ".join(f"{k}/{h.count}" for k in sorted(h.indices))
            head = f"{h.path} : fusion des partitions {shards} d'une autre campagne"
            said = (
                f"{h.path} : fusion des partitions {shards} d'une autre campagne"
                " (autres cahiers, autre sélection ou autre nombre de partitions)"
            )
        else:
            (index,) = h.indices
            head = f"{h.path} : partition {index}/{h.count} d'une autre campagne"
            said = (
                f"{h.path} : partition {index}/{h.count} d'une autre campagne"
                " (autres cahiers, autre sélection ou autre nombre de partitions)"
            )
        if differ and casebooks is not None:  # its cases are the campaign's: the same casebooks, in other bytes
            said = _other_bytes_said(head, [casebooks(h.path).get(sha) or sha[:12] for sha in differ])
        result.problems.append(said)
    unstarted = {h.path: why for h in reference if not h.merged and not_started and (why := not_started(h.path))}
    seen = frozenset().union(*(h.indices for h in reference if h.path not in unstarted))
    result.count = reference[0].count
    result.campaign = reference[0].campaign
    if selected is not None and deal is not None:  # a whole campaign run beside a shard's retry: its cases are there
        seen |= _held_by_others(result, records, seen, (reference[0].path, selected, deal), not_started, casebooks)
    result.indices = sorted(seen)
    result.missing = [f"{k}/{result.count}" for k in range(1, result.count + 1) if k not in seen]
    result.not_started = [
        _not_started_said(h.path, f"{index}/{h.count}", *unstarted[h.path])
        for h in reference
        if h.path in unstarted
        for index in h.indices
        if index not in seen
    ]
    return result


def _held_by_others(
    result: ShardSet,
    records: Sequence[tuple[str, str | None]],
    seen: frozenset[int],
    dealing: tuple[str, Callable[[str], Collection[Key]], Callable[[str, Sequence[Key], int], Sequence[int] | None]],
    not_started: Callable[[str], tuple[str, int, int] | None] | None,
    casebooks: Callable[[str], Mapping[str, str]] | None,
) -> frozenset[int]:
    """The shards no shard input holds (not in ``seen``) whose every case the inputs that are not shards hold
    together (``dealing``: the input whose casebooks deal the campaign, an input's selected cases, the deal). Such
    an input whose last run's bench could not start holds none: :attr:`ShardSet.not_held` says so."""
    missing = [k for k in range(1, result.count + 1) if k not in seen]
    others = [path for path, value in records if _holds(path, value) is None]
    if not missing or not others:
        return frozenset()
    unstarted = {path: why for path in others if not_started and (why := not_started(path))}
    for path, (reason, *_) in unstarted.items():
        result.not_held.append(WHOLE_NOT_STARTED.format(path=path, reason=reason))
    reference, selected, deal = dealing
    shard_of = deal(reference, result.campaign or [], result.count)  # None: its casebooks could not be read
    if shard_of is None:
        return frozenset()
    chosen = {path: set(selected(path)) for path in others if path not in unstarted}
    _say_other_bytes(result, chosen, casebooks)
    return _held_by_cases(result, missing, chosen, shard_of)


def _say_other_bytes(
    result: ShardSet, chosen: Mapping[str, set[Key]], casebooks: Callable[[str], Mapping[str, str]] | None
) -> None:
    """Name the inputs that are not shards holding the campaign's cases in casebooks of other bytes (a whole run
    on a runner whose checkout changed the line endings): they hold none of its cases, as a shard's would not."""
    campaign = set(result.campaign or [])
    ids = {case for _, case in campaign}
    for path, keys in chosen.items():
        other = list(dict.fromkeys(sha for sha, case in keys if (sha, case) not in campaign and case in ids))
        if other:
            names = casebooks(path) if casebooks is not None else {}
            said = ", ".join(dict.fromkeys(names.get(sha) or sha[:12] for sha in other))
            result.not_held.append(WHOLE_OTHER_BYTES.format(path=path, names=said))


def _held_by_cases(
    result: ShardSet, missing: Sequence[int], chosen: Mapping[str, set[Key]], shard_of: Sequence[int]
) -> frozenset[int]:
    """The ``missing`` shards whose every case the inputs that are not shards (``chosen``: each one's selected
    cases) hold together; :attr:`ShardSet.by_cases` and :attr:`ShardSet.not_held` say which and why not."""
    held: set[int] = set()
    for index in missing:
        cases = [key for key, s in zip(result.campaign, shard_of, strict=True) if s == index - 1]
        holders = [path for path, keys in chosen.items() if not keys.isdisjoint(cases)]
        there = [key for key in cases if any(key in keys for keys in chosen.values())]
        if len(there) == len(cases):
            held.add(index)
            for path in holders:
                result.by_cases.setdefault(path, []).append(index)
        elif there:
            result.not_held.append(
                PART_HELD.format(
                    shard=f"{index}/{result.count}", files=", ".join(holders), held=len(there), count=len(cases)
                )
            )
    return frozenset(held)


def _not_started_said(path: str, shard: str, reason: str, ran: int, unrun: int) -> str:
    """Why an input does not hold its shard: it ran none of its cases, or its last run left ``unrun`` of them."""
    if not ran:
        return NOT_STARTED.format(path=path, shard=shard, reason=reason)
    return NOT_FINISHED.format(path=path, shard=shard, count=unrun, reason=reason)


#: why a case of a merged session has no verdict: its shard was not among the merge's inputs
#: (``merge --allow-missing-shards``); the report and the JUnit give it beside « non exécuté »
ABSENT_SHARD = _t("partition {shard} absente de la fusion")

#: the cases of absent shards by merged record (its campaign's casebooks, by SHA-256, fix their cases and steps)
_ABSENT: dict[str, dict[tuple[str, str], str]] = {}


def absent_reason(session: SessionView, key: tuple[str, str]) -> str:
    """Why the case ``key`` (casebook SHA-256, case id) of ``session`` has no attempt when it belongs to a shard
    its merge did not hold (:data:`ABSENT_SHARD`, French, as recorded reasons are), else "". The shard is dealt
    again from the merged session's :data:`MERGED_SHARDS_META` as ``run --shard`` dealt it."""
    record = session.meta.get(MERGED_SHARDS_META)
    if not record:
        return ""
    if record not in _ABSENT:
        if len(_ABSENT) >= 8:
            _ABSENT.clear()
        _ABSENT[record] = _absent_cases(record, session)
    return _ABSENT[record].get(key, "")


def _absent_cases(record: str, session: SessionView) -> dict[tuple[str, str], str]:
    """Each case of a shard the merged ``record`` does not hold, with its reason; {} when it holds them all."""
    try:
        merged = json.loads(record)
        count = int(merged["count"])
        campaign = [(str(sha), str(cid)) for sha, cid in merged["campaign"]]
        held = {int(index) for index in merged["indices"]}
    except (ValueError, TypeError, KeyError):
        return {}
    if count < 1 or held >= set(range(1, count + 1)):
        return {}
    dealt = deal_recorded(session, campaign, count)
    return {
        key: ABSENT_SHARD.format(shard=f"{index + 1}/{count}")
        for key, index in zip(campaign, dealt, strict=True)
        if index + 1 not in held
    }


def deal_recorded(session: SessionView, campaign: Sequence[Key], count: int) -> list[int]:
    """The shard (0-based) of each case of ``campaign``, dealt as ``run --shard`` dealt it, from the casebooks and
    cases ``session`` records (every shard and merge records the whole campaign's)."""
    plans = {book.sha256: book.plan_id for book in session.casebooks}
    steps = {
        (sha, cid): len(data.get("steps") or ()) if isinstance(data, dict) else 1
        for sha, cid, _, data in session.recorded_cases()
    }
    keys = [_key(plans.get(sha, ""), cid) for sha, cid in campaign]
    return _deal([steps.get(key, 1) for key in campaign], keys, count)
