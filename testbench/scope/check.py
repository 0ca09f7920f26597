"""An exam plan read against the casebooks a run is given, before any case runs (``run --plan``, ``ui --plan``).

Each difference is a *warning*, never a refusal (docs/exam-plan.md, « What run --plan checks »): the
session's verdicts do not depend on the plan, which a later ``--plan`` (or ``coverage --plan``, ``report
--plan``) replaces, and a campaign split in several runs (shards, one casebook at a time, merged later)
legitimately runs part of the plan. ``testbench coverage`` counts the same differences against the session
(a missing casebook or another version switches « prêt pour le pré-examen » off).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from testbench.i18n import _t
from testbench.scope.plan import ExamPlan, PlanProblem
from testbench.tomlfile import KeyPath, place


@dataclass(frozen=True)
class GivenCasebook:
    """What the check reads of a casebook given to the run."""

    path: str
    plan_id: str
    document_version: str
    evolution: str
    ps_category: str
    sha256: str
    case_ids: frozenset[str]


def plan_warnings(plan: ExamPlan, paths: Sequence[Path]) -> list[PlanProblem]:
    """The warnings for the casebooks at ``paths``; one that does not load is left to the run, which says why."""
    from testbench.casebook.loader import check_casebook

    given = []
    for path in paths:
        casebook, _problems = check_casebook(path)
        if casebook is not None:
            ident = casebook.identity
            ids = frozenset(case.id for case in casebook.cases)
            given.append(
                GivenCasebook(
                    str(path),
                    ident.plan_id,
                    ident.document_version,
                    ident.evolution,
                    ident.ps_category,
                    casebook.sha256,
                    ids,
                )
            )
    return compare(plan, given)


def compare(plan: ExamPlan, given: Sequence[GivenCasebook]) -> list[PlanProblem]:
    """What differs between the plan and the casebooks given, each at the plan's line it concerns."""
    warnings: list[PlanProblem] = []

    def warn(where: KeyPath | None, message: str, /, **params: object) -> None:
        found = place(plan.text, where) if where else None
        line, col = found if found is not None else (None, None)
        warnings.append(PlanProblem(line, message, params, col, warning=True))

    by_id = {cb.plan_id: cb for cb in given}
    planned_ids = {p.plan_id for p in plan.casebooks}
    outside = strangers(plan, given)
    hints = _misspelt([p.plan_id for p in plan.casebooks if p.plan_id not in by_id], outside)
    for i, planned in enumerate(plan.casebooks):
        at: KeyPath = ("casebooks", i)
        cb = by_id.get(planned.plan_id)
        if cb is None:
            found = hints.get(planned.plan_id)
            if found is not None:
                said = _t(
                    "cahier de tests « {plan_id} » du plan absent de cette exécution ; plan-id mal saisi ? {path} a"
                    " pour plan-id « {found} »"
                )
                warn((*at, "plan-id"), said, plan_id=planned.plan_id, path=found.path, found=found.plan_id)
            else:
                said = _t("cahier de tests « {plan_id} » du plan absent de cette exécution (couverture : manquant)")
                warn((*at, "plan-id"), said, plan_id=planned.plan_id)
            continue
        if planned.document_version and cb.document_version != planned.document_version:
            said = _t(
                "cahier de tests « {plan_id} » : le plan attend la version {expected}, {path} est en version {found}"
            )
            warn(
                (*at, "document-version"),
                said,
                plan_id=cb.plan_id,
                expected=planned.document_version,
                path=cb.path,
                found=cb.document_version,
            )
        if planned.evolution and cb.evolution != planned.evolution:
            said = _t("cahier de tests « {plan_id} » : le plan attend l'évolution {expected}, {path} est en {found}")
            warn(
                (*at, "evolution"),
                said,
                plan_id=cb.plan_id,
                expected=planned.evolution,
                path=cb.path,
                found=cb.evolution,
            )
        if planned.sha256 and cb.sha256 != planned.sha256:
            said = _t("cahier de tests « {plan_id} » : {path} n'est pas le fichier que le plan désigne (sha256)")
            warn((*at, "sha256"), said, plan_id=cb.plan_id, path=cb.path)
    for cb in outside:
        said = _t("{path} (plan-id « {plan_id} ») n'est pas dans le plan : ses cas seront hors périmètre")
        warn(None, said, path=cb.path, plan_id=cb.plan_id)
    for category, books in other_categories(plan, given).items():
        said = _t("catégorie de PS « {expected} » dans le plan, « {found} » dans {paths} (<ps-category>)")
        paths = ", ".join(cb.path for cb in books)
        warn(("ps-category",), said, expected=plan.ps_category, found=category, paths=paths)
    ran = {cb.plan_id: cb for cb in given if cb.plan_id in planned_ids}
    for i, ex in enumerate(plan.excluded):
        books = [ran[ex.casebook]] if ex.casebook in ran else ([] if ex.casebook else list(ran.values()))
        if ex.case and books and not any(ex.case in cb.case_ids for cb in books):
            said = _t("exclusion de « {case} » : aucun cas de ce nom dans les cahiers de tests du plan exécutés")
            warn(("excluded", i, "case"), said, case=ex.case)
    return warnings


def strangers(plan: ExamPlan, given: Sequence[GivenCasebook]) -> list[GivenCasebook]:
    """The casebooks whose plan-id the plan does not name: their cases are out of scope."""
    planned_ids = {p.plan_id for p in plan.casebooks}
    return [cb for cb in given if cb.plan_id not in planned_ids]


def other_categories(plan: ExamPlan, given: Sequence[GivenCasebook]) -> dict[str, list[GivenCasebook]]:
    """The plan's casebooks by their ``<ps-category>``, for each category other than the plan's (when it names one)."""
    planned_ids = {p.plan_id for p in plan.casebooks}
    found: dict[str, list[GivenCasebook]] = {}
    for cb in given:
        if plan.ps_category and cb.plan_id in planned_ids and cb.ps_category != plan.ps_category:
            found.setdefault(cb.ps_category, []).append(cb)
    return dict(sorted(found.items()))


def _misspelt(missing: Sequence[str], outside: Sequence[GivenCasebook]) -> dict[str, GivenCasebook]:
    """A missing planned plan-id → the stranger file whose plan-id is close to it: each file proposed at most
    once, for the planned plan-id closest to its own (one file cannot be two casebooks of the plan)."""
    pairs = sorted(
        (
            (difflib.SequenceMatcher(None, planned, cb.plan_id).ratio(), planned, rank)
            for planned in missing
            for rank, cb in enumerate(outside)
        ),
        key=lambda pair: -pair[0],
    )
    hints: dict[str, GivenCasebook] = {}
    used: set[int] = set()
    for ratio, planned, rank in pairs:
        if ratio >= 0.8 and planned not in hints and rank not in used:
            hints[planned] = outside[rank]
            used.add(rank)
    return hints
