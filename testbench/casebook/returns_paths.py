"""The amounts of a returns read: only an RSP (the payment return) gives them, never an ARL.

``returns.due``, ``returns.paid``, ``returns.unpaid`` and the per-invoice ``amount_due`` / ``amount_paid`` are
« RSP only » (docs/casebook-format.md, « Observation paths »): expected from a ``read-returns`` whose scenario
is an ARL (the receipt of the lot), the value is never observed and the case fails at run time, though the path
is known and the action produces ``returns.*``. The loader says so at the path.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from testbench.casebook.lazy import CaseParts
from testbench.i18n import _t

Report = Callable[..., None]
_RSP_ONLY = re.compile(r"returns\.(?:due|paid|unpaid|details\[[0-9]+\]\.amount_(?:due|paid))")
_AT_STEP = _t(
    "« {path} » n'est donné que par un retour RSP (scénario rsp-…) : l'étape « {step} » lit un ARL ({scenario})"
)
_IN_CASE = _t("« {path} » n'est donné que par un retour RSP (scénario rsp-…) : le cas ne lit que des ARL ({scenarios})")


def check_returns_paths(parts: CaseParts, report: Report) -> None:
    """Each expected RSP-only value against the scenario of the returns it reads (its step's, else the case's)."""
    steps = parts.steps
    scenarios = {sid: params.get("scenario", "") for action, sid, params, *_rest in steps if action == "read-returns"}
    if not scenarios or "" in scenarios.values():
        return  # no returns read (the path rules say so), or a scenario missing (the schema says so)
    refused = {attrs.get("step") for kind, _id, attrs, _at in parts.expectations if kind == "refusal"}
    for kind, _id, attrs, at in parts.expectations:
        path = attrs.get("path", "")
        if kind != "value" or not _RSP_ONLY.fullmatch(path):
            continue
        step = attrs.get("step")
        if step is not None:
            scenario = scenarios.get(step)
            if scenario is not None and step not in refused and scenario.startswith("arl"):
                report(at, _AT_STEP, "path", path=path, step=step, scenario=scenario)
        elif all(scenario.startswith("arl") for scenario in scenarios.values()):
            report(at, _IN_CASE, "path", path=path, scenarios=", ".join(sorted(set(scenarios.values()))))


__all__ = ["check_returns_paths"]
