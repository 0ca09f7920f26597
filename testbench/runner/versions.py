"""A casebook that changed since a session recorded it: which given file is its new version, and the session's
selection moved onto it (the workstation follows a save seen while open and a change between openings, ``run
--resume``, ``--rerun`` and ``--failed`` follow a change given to them, all saying :data:`FOLLOWED`). Verdicts stay
with the version they were recorded on; an earlier version the selection left is history, not counted
(:func:`~testbench.store.read.read_session`)."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from testbench.casebook.model import Casebook
from testbench.i18n import _t

Key = tuple[str, str]  # (casebook sha256, case id)

#: said once per file whose cases followed its new version (the workstation and ``run`` alike)
FOLLOWED = _t(
    "{file} a changé depuis le début de la session : ses cas suivent sa nouvelle version, sans verdict"
    " (ceux de l'ancienne version restent dans la session)"
)


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


def takes_new_cases(
    selection: Iterable[Key], replaced: Iterable[str], recorded: Mapping[str, int], shard: bool
) -> bool:
    """Whether a new version's new cases join the selection: only when it held every case of each old version
    (``recorded``: sha → its recorded case count) and the session is no CI shard (a shard keeps its slice, ``-k``
    its cases) — one rule for ``run`` and the workstation."""
    held = Counter(sha for sha, _ in selection)
    return not shard and all(held[sha] == recorded.get(sha) for sha in replaced)


def changed_versions(
    shas: Iterable[str],
    recorded: Mapping[str, tuple[str, str]],
    casebooks: list[Casebook],
    current: Collection[str] = (),
) -> dict[str, Casebook]:
    """Of the session's casebooks ``shas`` (``recorded``: sha → path as given, plan id), each one not given (neither
    among ``casebooks`` nor ``current``) whose new version is among ``casebooks``: its sha → that new version."""
    given = {cb.sha256 for cb in casebooks} | set(current)
    out: dict[str, Casebook] = {}
    for sha in dict.fromkeys(shas):
        if sha in given or sha not in recorded:
            continue
        new = new_version(*recorded[sha], casebooks)
        if new is not None:
            out[sha] = new
    return out


#: said instead when the version followed is one the session already ran (the file was put back as it was)
RETURNED = _t("{file} est revenu à une version que la session contient déjà : ses cas y retrouvent leurs verdicts")


def followed_notices(replaced: Mapping[str, Casebook], ran: Collection[str] = ()) -> list[str]:
    """:data:`FOLLOWED` for each file of ``replaced``, :data:`RETURNED` for one whose version the session already
    ran (``ran``: casebook versions with attempts) — French, read in the person's language."""
    said = {cb.path.name: (RETURNED if cb.sha256 in ran else FOLLOWED) for cb in replaced.values()}
    return [template.format(file=name) for name, template in said.items()]
