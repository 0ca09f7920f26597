"""Parallel benches and a CI shard for the workstation's runs: ``run --workers N`` and ``run --shard K/N``.

The choice lives where ``testbench run`` keeps it, in the app's
:class:`~testbench.runner.options.CampaignOptions` (``workers``, ``selection.shard``), so the campaign
runs it and records it as it does the command line's; the text is read by the runner's own parser
(:func:`testbench.runner.shard.parse_shard`) and the campaign's own check
(:func:`testbench.tui.execution.check_options`). No Textual.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from testbench.runner.options import CampaignOptions
from testbench.runner.shard import Shard, parse_shard


@dataclass(frozen=True)
class RunChoice:
    """How many benches run the cases, and which shard of the campaign the session is (None: all of it)."""

    workers: int = 1
    shard: Shard | None = None


def read_choice(workers: str, shard: str) -> RunChoice:
    """The choice typed in the window; :class:`ValueError` (French, for the person) when it is not one."""
    text = workers.strip() or "1"
    try:
        count = int(text)
    except ValueError:
        raise ValueError(f"--workers attend un nombre de bancs ≥ 1, pas {text}") from None
    return RunChoice(count, parse_shard(shard) if shard.strip() else None)  # ShardSpecError is a ValueError


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
