"""Coverage of an exam plan by a session: per requirement and per domain, what is covered, passed, open.

Built from the session's read model (:mod:`testbench.store.read`) only; the retained verdict of each
case is :mod:`testbench.store.verdicts`' (through ``CaseView``), the one rule every view applies. The
result is plain data (:meth:`Coverage.as_dict`, codes not words) that the CLI, the workstation and the
report render.

« Prêt pour le pré-examen » is on only when the session's journal chain verifies, every casebook of the plan
is in the session at the expected version and every case in scope has a retained verdict of pass
(:func:`case_status`): a review that accepts a failure confirms it, so the case stays one to redo. A case
counts once, by (plan-id, case id), however many files of its casebook the session holds
(:func:`_counted_cases`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testbench.domain.verdict import VERDICT_ORDER, Verdict
from testbench.scope.check import GivenCasebook, other_categories, strangers
from testbench.scope.plan import (
    NO_PLAN,
    SERVICE_DOMAINS,
    ExamPlan,
    PlanError,
    PlannedCasebook,
    PlanProblem,
    load_plan,
    recorded_plan,
)
from testbench.store.read import CasebookView, CaseView, SessionView, interrupted_runs, read_session

#: a case's standing for the exam: only passed makes it ready (accepted: a verdict other than pass, confirmed)
PASSED, ACCEPTED, OPEN, NOT_RUN = "passed", "accepted", "open", "not-run"
READY_STATUSES = frozenset({PASSED})
#: the gaps that keep « prêt pour le pré-examen » off by themselves
BLOCKING_GAPS = frozenset({"casebook-missing", "casebook-version", "casebook-evolution", "casebook-sha"})


def case_status(view: CaseView) -> str:
    """passed (retained pass), accepted (a valid review accepted a final verdict other than pass: confirmed, so
    still to redo, never ready), not-run (no attempt), or open (any other verdict, an attempt interrupted before
    its verdict too: it was run, it is to redo)."""
    if view.latest is None:
        return NOT_RUN
    if view.retained_verdict == Verdict.PASS:
        return PASSED
    review = view.deciding_review
    if review is not None and review.action == "accept" and Verdict(view.verdict).is_final:
        return ACCEPTED
    return OPEN


@dataclass(frozen=True)
class CaseCoverage:
    plan_id: str
    case_id: str
    domain: str
    requirements: tuple[str, ...]
    verdict: str  # retained ("none" when never run)
    status: str
    #: its latest attempt is under way now (no verdict yet, in the run that writes the session): « en cours », not
    #: cut; it is still not ready, so its status stays open
    running: bool = False

    def as_dict(self, *, detail: bool = False) -> dict[str, Any]:
        """``detail`` (the command and the workstation): ``running`` too; without it, report.json's shape."""
        said = {
            "plan_id": self.plan_id,
            "case_id": self.case_id,
            "domain": self.domain,
            "requirements": list(self.requirements),
            "verdict": self.verdict,
            "status": self.status,
        }
        return {**said, "running": self.running} if detail else said


@dataclass(frozen=True)
class Gap:
    """Something the scope asks for that the session does not show. ``kind`` is a stable code."""

    kind: str  # casebook-missing | casebook-version | casebook-evolution | casebook-sha | requirement-uncovered
    #          | service-uncovered | case-not-run | exclusion-unknown | outside-plan | ps-category
    subject: str
    expected: str = ""
    found: str = ""
    #: the session's file the gap is about (outside-plan: two files may share a plan-id and version)
    path: str = ""
    sha256: str = ""

    def as_dict(self, *, detail: bool = False) -> dict[str, str]:
        said = {"kind": self.kind, "subject": self.subject, "expected": self.expected, "found": self.found}
        return {**said, "path": self.path, "sha256": self.sha256} if detail else said


def _outside(cb: GivenCasebook) -> Gap:
    """A session's file outside the plan, named by its path and fingerprint (its version may be a planned one's)."""
    return Gap("outside-plan", cb.plan_id, found=cb.document_version, path=cb.path, sha256=cb.sha256)


@dataclass(frozen=True)
class RequirementCoverage:
    id: str
    title: str
    domain: str
    source: str
    in_catalogue: bool
    cases: tuple[CaseCoverage, ...]
    basis: str = ""  # testbench.scope.plan.BASES: the title is testbench's reading, or unverified

    @property
    def status(self) -> str:
        """uncovered (no case in scope), passed (every case passed), or open (an accepted failure included)."""
        if not self.cases:
            return "uncovered"
        return "passed" if all(c.status in READY_STATUSES for c in self.cases) else "open"

    def as_dict(self, *, detail: bool = False) -> dict[str, Any]:
        keys = ("plan_id", "case_id", "verdict", "status", *(("running",) if detail else ()))
        return {
            "id": self.id,
            "title": self.title,
            "domain": self.domain,
            "source": self.source,
            "in_catalogue": self.in_catalogue,
            "basis": self.basis,
            "status": self.status,
            "cases": [{k: v for k, v in c.as_dict(detail=detail).items() if k in keys} for c in self.cases],
        }


@dataclass(frozen=True)
class DomainCoverage:
    domain: str
    total: int
    ready: int
    verdicts: dict[str, int]  # retained, failures first; "none": never run

    def as_dict(self) -> dict[str, Any]:
        return {"domain": self.domain, "total": self.total, "ready": self.ready, "verdicts": self.verdicts}


@dataclass(frozen=True)
class Coverage:
    plan: ExamPlan
    cases: tuple[CaseCoverage, ...]  # in scope, in session order
    out_of_scope: tuple[tuple[CaseCoverage, str, str], ...]  # (case, why: "excluded"|"service", reason)
    requirements: tuple[RequirementCoverage, ...]
    domains: tuple[DomainCoverage, ...]
    gaps: tuple[Gap, ...]
    loaded: frozenset[str] = frozenset()  # plan ids of the plan's casebooks found in the session
    #: why the session's journal chain does not verify (French), as ``report`` and ``diff`` check it: its verdicts
    #: may be forged, so « prêt » stays off
    chain_problems: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(c.status for c in self.cases)
        return {s: found.get(s, 0) for s in (PASSED, ACCEPTED, OPEN, NOT_RUN)}

    @property
    def blocking_casebooks(self) -> tuple[Gap, ...]:
        """A planned casebook missing or otherwise than planned (a file outside the plan blocks nothing)."""
        return tuple(g for g in self.gaps if g.kind in BLOCKING_GAPS)

    @property
    def ready(self) -> bool:
        """Every case in scope passed, every casebook of the plan there as planned, and the session not altered."""
        return (
            bool(self.cases)
            and not self.blocking_casebooks
            and not self.chain_problems
            and all(c.status in READY_STATUSES for c in self.cases)
        )

    def as_dict(self, *, detail: bool = False) -> dict[str, Any]:
        """Codes, not words. ``detail`` (the command and the workstation): the session's integrity and each gap's
        file too; without it, the shape of report.json's ``coverage`` section (its published schema: the book
        has its own integrity section and banner)."""
        plan = self.plan
        integrity = {"chain_ok": not self.chain_problems, "chain_problems": list(self.chain_problems)}
        return {
            "plan": {
                "name": plan.name,
                "sha256": plan.sha256,
                "product": plan.product,
                "version": plan.version,
                "ps_category": plan.ps_category,
                "services": list(plan.services),
                "casebooks": [
                    {
                        "plan_id": c.plan_id,
                        "document_version": c.document_version,
                        "sha256": c.sha256,
                        "loaded": c.plan_id in self.loaded,
                    }
                    for c in plan.casebooks
                ],
            },
            "ready": self.ready,
            **({"integrity": integrity} if detail else {}),
            "total": len(self.cases),
            "counts": self.counts,
            "cases": [c.as_dict(detail=detail) for c in self.cases],
            "out_of_scope": [
                {**c.as_dict(detail=detail), "why": why, "reason": reason} for c, why, reason in self.out_of_scope
            ],
            "requirements": [r.as_dict(detail=detail) for r in self.requirements],
            "domains": [d.as_dict() for d in self.domains],
            "gaps": [g.as_dict(detail=detail) for g in self.gaps],
        }


def _differences(planned: PlannedCasebook, cb: CasebookView) -> list[Gap]:
    """How a session's file of a planned plan-id differs from the plan (the sha256 only when the rest agrees)."""
    version, evolution = (str(cb.identity.get(k, "")) for k in ("document_version", "evolution"))
    gaps = []
    if planned.document_version and version != planned.document_version:
        gaps.append(Gap("casebook-version", planned.plan_id, planned.document_version, version))
    if planned.evolution and evolution != planned.evolution:
        gaps.append(Gap("casebook-evolution", planned.plan_id, planned.evolution, evolution))
    if not gaps and planned.sha256 and cb.sha256 != planned.sha256:
        gaps.append(Gap("casebook-sha", planned.plan_id, planned.sha256, cb.sha256))
    return gaps


def _given(cb: CasebookView) -> GivenCasebook:
    """A session's casebook as :mod:`testbench.scope.check` compares it with the plan."""
    ident = {k: str(cb.identity.get(k, "")) for k in ("document_version", "evolution", "ps_category")}
    return GivenCasebook(
        cb.path, cb.plan_id, ident["document_version"], ident["evolution"], ident["ps_category"], cb.sha256, frozenset()
    )


def _casebook_gaps(plan: ExamPlan, session: SessionView) -> tuple[dict[str, CasebookView], list[Gap]]:
    """The session's files counted for each planned casebook, and what differs from the plan.

    Every file a session holds for a planned plan-id counts (a --rerun of an edited copy, a merge): those as
    the plan says when there are some, the others then outside the plan; else all of them, each difference
    said (« prêt » off). A pending case of one file is never hidden by another file of the same plan-id.
    """
    found: dict[str, CasebookView] = {}
    gaps: list[Gap] = []
    for planned in plan.casebooks:
        files = [cb for cb in session.casebooks if cb.plan_id == planned.plan_id]
        if not files:
            gaps.append(Gap("casebook-missing", planned.plan_id, planned.document_version))
            continue
        as_planned = [cb for cb in files if not _differences(planned, cb)]
        for cb in files:
            if as_planned and cb not in as_planned:
                gaps.append(_outside(_given(cb)))
                continue
            gaps += _differences(planned, cb)
            found[cb.sha256] = cb
    given = [_given(cb) for cb in session.casebooks]
    gaps += [_outside(cb) for cb in strangers(plan, given)]
    for category in other_categories(plan, [_given(cb) for cb in found.values()]):
        gaps.append(Gap("ps-category", category, plan.ps_category, category))
    return found, list(dict.fromkeys(gaps))


Counted = tuple[CasebookView, str, str, dict[str, Any], CaseView | None]  # file, case id, domain, definition, view


def _started(view: CaseView | None) -> float | None:
    """When the case's latest attempt started (None: never run)."""
    return view.latest.started_wall if view is not None and view.latest is not None else None


def _later(view: CaseView | None, than: CaseView | None) -> bool:
    """Whether ``view``'s latest attempt started after ``than``'s (an attempt beats none)."""
    started, earlier = _started(view), _started(than)
    return started is not None and (earlier is None or started > earlier)


def _counted_cases(session: SessionView, planned: dict[str, CasebookView]) -> list[Counted]:
    """Each case of the counted files once, by (plan-id, case id), at its first place (the plan's casebook
    order, then each file's own): two files of one plan-id (a --rerun of an edited copy, a merge) hold the
    same case twice. The copy counted is the one of the latest attempt across those files (a run one beats
    a never-run one), so a case whose latest attempt is not passed keeps « prêt » off."""
    views = {view.key: view for view in session.cases}
    order = {sha: i for i, sha in enumerate(planned)}
    counted: dict[tuple[str, str], Counted] = {}
    for sha, case_id, domain, definition in sorted(session.recorded_cases(), key=lambda r: order.get(r[0], -1)):
        cb = planned.get(sha)
        if cb is None:
            continue
        row = (cb, case_id, domain, definition, views.get((sha, case_id)))
        before = counted.get((cb.plan_id, case_id))
        if before is None or _later(row[4], before[4]):
            counted[(cb.plan_id, case_id)] = row  # a key replaced keeps its first place
    return list(counted.values())


def live_run(session: SessionView) -> int | None:
    """The run writing the session now — the last one, without an end, its lock held (the book's rule,
    :func:`testbench.store.read.interrupted_runs`) —, else None: its attempts without a verdict are under way,
    not cut."""
    if not session.runs or session.runs[-1]["ended_wall"] is not None:
        return None
    last = session.runs[-1]["id"]
    return None if last in interrupted_runs(session) else int(last)


def _running(view: CaseView | None, live: int | None) -> bool:
    """Whether the case's latest attempt is under way: no verdict yet, in the run ``live`` that writes now."""
    latest = view.latest if view is not None else None
    return live is not None and latest is not None and latest.run_id == live and latest.verdict == Verdict.NONE


def compute_coverage(
    session: SessionView, plan: ExamPlan, chain_problems: Sequence[str] | None = None, live: int | None = None
) -> Coverage:
    """The plan's scope read against the session (see the module's docstring for the flag's rule);
    ``chain_problems``: the session's chain as the caller already checked it (the report), else checked here;
    ``live``: the run writing the session now (:func:`live_run`), whose attempts without a verdict are running."""
    planned, gaps = _casebook_gaps(plan, session)
    chosen = set(plan.services)
    in_scope: list[CaseCoverage] = []
    out: list[tuple[CaseCoverage, str, str]] = []
    tags_of: dict[tuple[str, str], set[str]] = {}
    seen: set[tuple[str, str]] = set()
    for cb, case_id, domain, definition, view in _counted_cases(session, planned):
        case = CaseCoverage(
            cb.plan_id,
            case_id,
            domain,
            tuple(str(r) for r in definition.get("requirements", ()) or ()),
            view.retained_verdict if view is not None else Verdict.NONE.value,
            case_status(view) if view is not None else NOT_RUN,
            _running(view, live),
        )
        seen.add((cb.plan_id, case_id))
        reason = plan.excluded_reason(cb.plan_id, case_id, str(definition.get("mode", "")), domain)
        if reason is not None:
            out.append((case, "excluded", reason))
        elif domain in SERVICE_DOMAINS and domain not in chosen:
            out.append((case, "service", domain))
        else:
            in_scope.append(case)
            tags_of[(cb.plan_id, case_id)] = {domain, *(str(t) for t in definition.get("tags", ()) or ())}
    for case in in_scope:
        if case.status == NOT_RUN:
            gaps.append(Gap("case-not-run", case.case_id, found=case.plan_id))
    loaded = {cb.plan_id for cb in planned.values()}
    for ex in plan.excluded:  # an exclusion by mode or domain that matches no case is no mistake
        if (
            ex.case
            and ex.casebook in ("", *loaded)
            and not any(cid == ex.case and (not ex.casebook or pid == ex.casebook) for pid, cid in seen)
        ):
            gaps.append(Gap("exclusion-unknown", ex.case, found=ex.casebook))
    for service in plan.services:
        if not any(service in tags for tags in tags_of.values()):
            gaps.append(Gap("service-uncovered", service))
    requirements = _requirements(plan, in_scope)
    gaps += [Gap("requirement-uncovered", r.id) for r in requirements if r.in_catalogue and not r.cases]
    return Coverage(
        plan,
        tuple(in_scope),
        tuple(out),
        requirements,
        _domains(in_scope),
        tuple(gaps),
        frozenset(cb.plan_id for cb in planned.values()),
        tuple(session.chain_problems() if chain_problems is None else chain_problems),
    )


def _requirements(plan: ExamPlan, cases: list[CaseCoverage]) -> tuple[RequirementCoverage, ...]:
    """The catalogue's requirements in scope (their service chosen), then, sorted, those only cases name and
    those of a service not chosen that cases in scope name anyway (both « hors catalogue »: not lost)."""
    chosen = set(plan.services)
    by_id: dict[str, list[CaseCoverage]] = {}
    for case in cases:
        for rid in case.requirements:
            by_id.setdefault(rid, []).append(case)
    rows = [
        RequirementCoverage(r.id, r.title, r.domain, r.source, True, tuple(by_id.pop(r.id, ())), r.basis)
        for r in plan.requirements
        if not r.service or r.service in chosen
    ]
    catalogue = {r.id: r for r in plan.requirements}
    for rid in sorted(by_id):
        r = catalogue.get(rid)
        if r is None:
            rows.append(RequirementCoverage(rid, "", "", "", False, tuple(by_id[rid])))
        else:
            rows.append(RequirementCoverage(rid, r.title, r.domain, r.source, False, tuple(by_id[rid]), r.basis))
    return tuple(rows)


def _domains(cases: list[CaseCoverage]) -> tuple[DomainCoverage, ...]:
    by_domain: dict[str, list[CaseCoverage]] = {}
    for case in cases:
        by_domain.setdefault(case.domain, []).append(case)
    rows = []
    for domain, group in sorted(by_domain.items()):
        counted = Counter(c.verdict for c in group)
        verdicts = {v: counted[v] for v in VERDICT_ORDER if counted.get(v)}
        verdicts |= {v: n for v, n in sorted(counted.items()) if v not in verdicts}
        rows.append(DomainCoverage(domain, len(group), sum(c.status in READY_STATUSES for c in group), verdicts))
    return tuple(rows)


def session_plan(session: SessionView, plan_path: Path | None = None) -> ExamPlan | None:
    """The plan given (a file), else the one a run recorded in the session, else None."""
    return load_plan(plan_path) if plan_path is not None else recorded_plan(session.meta)


def session_coverage(session_path: Path, plan_path: Path | None = None) -> Coverage:
    """Read the session and its plan (given or recorded) and compute the coverage: the CLI's and the
    workstation's one entry. Raises ``SessionError`` (unreadable session) or :class:`PlanError`."""
    with read_session(session_path) as session:
        plan = session_plan(session, plan_path)
        if plan is None:
            raise PlanError(str(session_path), [PlanProblem(None, NO_PLAN)])
        return compute_coverage(session, plan, live=live_run(session))
