"""Parallel benches and a CI shard for the workstation's runs: ``run --workers N`` and ``run --shard K/N``.

The choice lives where ``testbench run`` keeps it, in the app's
:class:`~testbench.runner.options.CampaignOptions` (``workers``, ``selection.shard``), so the campaign
runs it and records it as it does the command line's; the text is read by the runner's own parser
(:func:`testbench.runner.shard.parse_shard`) and the campaign's own check
(:func:`testbench.tui.execution.check_options`), and a problem is said by the window's field, not by
``run``'s flag. No Textual.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from testbench.i18n import _t
from testbench.runner.options import CampaignOptions
from testbench.runner.shard import MAX_SHARDS, Shard, ShardSpecError, parse_shard

if TYPE_CHECKING:
    from testbench.tui.execution import Refusal


@dataclass(frozen=True)
class RunChoice:
    """How many benches run the cases, and which shard of the campaign the session is (None: all of it)."""

    workers: int = 1
    shard: Shard | None = None


#: a refusal of a ``run`` option the window asks for, named by its field (« Bancs en parallèle »)
FIELDS = {"--workers": _t("Bancs en parallèle : {reason}"), "--shard": _t("Partition CI : {reason}")}


def read_choice(workers: str, shard: str) -> RunChoice | list[str]:
    """The choice typed in the window, or every field's problem at once (French, for the person), each
    named by its field's label (« Bancs en parallèle », « Partition CI »), never by a CLI flag; the shard is
    read by the runner's own parser."""
    problems: list[str] = []
    text = workers.strip() or "1"
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        problems.append(f"Bancs en parallèle : un nombre de bancs ≥ 1, pas « {text} »")
    slice_: Shard | None = None
    if shard.strip():
        try:
            slice_ = parse_shard(shard)
        except ShardSpecError:  # its words name --shard: the window names its field
            typed = shard.strip()
            problems.append(f"Partition CI : K/N avec 1 ≤ K ≤ N ≤ {MAX_SHARDS} (par exemple 2/4), pas « {typed} »")
    return problems or RunChoice(count, slice_)


def in_the_window(refusals: list[Refusal]) -> list[str]:
    """The campaign's refusals of a choice (:func:`testbench.tui.execution.check_options`), each naming the
    window's field rather than ``run``'s flag (French; each part read in the language shown by the window)."""
    return [FIELDS[r.option].format(reason=r.why) if r.option in FIELDS else r.line for r in refusals]


def with_choice(options: CampaignOptions, choice: RunChoice) -> CampaignOptions:
    """``options`` with ``choice`` (a copy: the app's options change only once the campaign accepted it)."""
    selection = dataclasses.replace(options.selection, shard=str(choice.shard) if choice.shard else None)
    return dataclasses.replace(options, workers=choice.workers, selection=selection)


def describe(choice: RunChoice, t: Callable[[str], str]) -> str:
    """« 2 bancs en parallèle · partition 1/3 », in the language shown."""
    one = choice.workers == 1
    benches = t("un banc") if one else t("{count} bancs en parallèle").format(count=choice.workers)
    if choice.shard is None:
        return benches
    return f"{benches} · " + t("partition {shard}").format(shard=choice.shard)
