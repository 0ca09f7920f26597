"""The content of a report, gathered from the session file: plain data the templates render.

Every output format (HTML now, PDF/JSON later) starts from :func:`gather`, so they never disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from testbench.runner.verdict import Verdict
from testbench.store.read import CaseView, SessionView

#: Failures first: the order a reviewer wants to read a campaign in.
VERDICT_ORDER = ("error", "fail", "inconclusive", "pending", "none", "skipped", "pass")


def wall_text(wall: float | None) -> str:
    if wall is None:
        return ""
    return datetime.fromtimestamp(wall, tz=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def clock_text(wall: float) -> str:
    return datetime.fromtimestamp(wall, tz=UTC).astimezone().strftime("%H:%M:%S.%f")[:-3]


@dataclass
class CaseContent:
    view: CaseView
    verdict: str
    reason: str
    attempts: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    comparisons: list[dict[str, Any]]
    observations: list[dict[str, Any]]
    traces: list[dict[str, Any]]
    artifacts: list[dict[str, Any]]


@dataclass
class ReportContent:
    session: SessionView
    title: str
    counts: dict[str, int]
    total: int
    cases: list[CaseContent]  # failures first, then casebook order
    environment: dict[str, Any] = field(default_factory=dict)


def _steps(view: CaseView, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_step: dict[str, list[dict[str, Any]]] = {}
    for ev in events:
        if ev["step_id"]:
            by_step.setdefault(ev["step_id"], []).append(ev)
    steps = []
    for step in view.definition.get("steps", []):
        evs = by_step.get(step["id"], [])
        status = "non exécutée"
        attestation = None
        for ev in evs:
            kind = ev["kind"]
            if kind == "step-end":
                status = "faite"
            elif kind == "step-refused":
                status = f"refusée ({ev['data'].get('code')})"
            elif kind == "step-failed":
                status = f"en défaut : {ev['data'].get('reason')}"
            elif kind == "manual-pending":
                status = "en attente de l'opérateur"
            elif kind == "manual-attested":
                attestation = ev["data"]
                status = "confirmée" if ev["data"].get("confirmed") else "rejetée"
        steps.append({**step, "status": status, "attestation": attestation})
    return steps


def _case_content(session: SessionView, view: CaseView) -> CaseContent:
    latest = view.latest
    attempts = [
        {
            "number": a.number,
            "verdict": a.verdict,
            "reason": a.reason,
            "started": wall_text(a.started_wall),
            "duration_ms": a.duration_ms,
        }
        for a in view.attempts
    ]
    if latest is None:
        return CaseContent(view, "none", "", attempts, _steps(view, []), [], [], [], [])
    traces = [
        {
            "time": clock_text(t.wall),
            "channel": t.channel,
            "step": t.step_id or "",
            "text": t.text,
            "source": t.source,
        }
        for t in session.trace_lines(latest.id)
    ]
    return CaseContent(
        view=view,
        verdict=latest.verdict,
        reason=latest.reason,
        attempts=attempts,
        steps=_steps(view, session.events(latest.id)),
        comparisons=session.comparisons(latest.id),
        observations=session.observations(latest.id),
        traces=traces,
        artifacts=session.artifacts(latest.id),
    )


def gather(session: SessionView) -> ReportContent:
    cases = [_case_content(session, v) for v in session.cases]
    rank = {v: i for i, v in enumerate(VERDICT_ORDER)}
    cases.sort(key=lambda c: (rank.get(c.verdict, 0), c.view.casebook_sha, c.view.position))
    counts = Counter(c.verdict for c in cases)
    plans = ", ".join(cb.plan_id for cb in session.casebooks)
    environment = session.runs[-1]["environment"] if session.runs else {}
    return ReportContent(
        session=session,
        title=plans or session.path.name,
        counts={v: counts.get(v, 0) for v in VERDICT_ORDER if counts.get(v)},
        total=len(cases),
        cases=cases,
        environment=environment,
    )


def verdict_label(verdict: str) -> str:
    try:
        return Verdict(verdict).label_fr
    except ValueError:
        return verdict
