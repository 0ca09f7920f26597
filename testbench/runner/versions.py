"""A casebook that changed since a session recorded it: which given file is its new version, and the session's
selection moved onto it (the workstation follows a save seen while open and a change between openings; ``run
--resume`` names the change and the way forward). Verdicts stay with the version they were recorded on."""

from __future__ import annotations

import contextlib
from pathlib import Path

from testbench.casebook.model import Casebook

Key = tuple[str, str]  # (casebook sha256, case id)


def new_version(path: str, plan: str, casebooks: list[Casebook]) -> Casebook | None:
    """Of ``casebooks``, the one read from the file a session recorded as ``path`` (as given then), else the one of
    its plan ``plan``: the new version of a casebook that changed since, or None."""
    with contextlib.suppress(OSError):
        same = [cb for cb in casebooks if cb.path.resolve() == Path(path).resolve()]
        if same:
            return same[0]
    return next((cb for cb in casebooks if cb.identity.plan_id == plan), None)


def follow_selection(
    selection: list[Key], replaced: dict[str, Casebook], added: list[Casebook], *, new_cases: bool = True
) -> list[Key]:
    """The session's selection after casebooks changed: a case of a replaced version becomes the same case
    of its new version (dropped when the new version no longer has it), the new cases of a changed or
    added casebook come after (unless not ``new_cases``: a CI shard's selection is its slice); the other
    casebooks' cases stay as they were."""
    out: list[Key] = []
    for sha, case_id in selection:
        new = replaced.get(sha)
        if new is None:
            out.append((sha, case_id))
        elif any(c.id == case_id for c in new.cases):
            out.append((new.sha256, case_id))
    if not new_cases:
        return out
    seen = set(out)
    fresh = [(cb.sha256, c.id) for cb in (*replaced.values(), *added) for c in cb.cases]
    return out + [key for key in fresh if key not in seen]
