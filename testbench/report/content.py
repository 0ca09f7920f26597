"""The content of a report, gathered from the session file: plain JSON-ready data every view renders.

HTML, PDF and the JSON report all start from :func:`gather`, so they never disagree. Personal data
is redacted here, once, before any view sees it (unless the caller opts out, which the report says).
Large things — full traces, produced files — are written to the evidence folder through
:class:`~testbench.report.evidence.Evidence` and referenced by path and SHA-256.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from testbench import __version__
from testbench.domain.verdict import VERDICT_ORDER
from testbench.report.cases import gather_case
from testbench.report.cover import gather_cover
from testbench.report.evidence import Evidence
from testbench.report.options import Options
from testbench.report.personal import Scrubber
from testbench.store import chain
from testbench.store.read import SessionView
from testbench.store.schema import SCHEMA_VERSION
from testbench.store.verdicts import count_verdicts

FORMAT_VERSION = "1.3"


@dataclass
class ReportContent:
    """``data`` is the JSON report; the HTML template reads the same dictionary."""

    data: dict[str, Any]
    redaction_counts: Counter[str] = field(default_factory=Counter)
    scrub: Scrubber | None = None  # the redaction the content went through, for the other exports (JUnit)


def _count(cases: list[dict[str, Any]], key: str) -> dict[str, dict[str, int]]:
    out: dict[str, Counter[str]] = {}
    for c in cases:
        out.setdefault(c[key], Counter())[c["verdict"]] += 1
    return {k: {v: n[v] for v in VERDICT_ORDER if n.get(v)} for k, n in sorted(out.items())}


def _chain_report(session: SessionView, written: tuple[int, str] | None) -> chain.ChainReport:
    """The chain's state: verified in full, unless the same process just wrote it and handed its head over.

    Re-hashing every row the writer hashed a moment ago proves nothing more; the entries' links are
    still checked, and a head other than the one handed over gets the full verification.
    """
    if written is not None:
        report = chain.verify_links(session.chain_entries())
        if report.ok and report.length and (report.length, report.head) == tuple(written):
            return report
    return session.chain_report()


def gather(session: SessionView, options: Options | None = None, evidence: Evidence | None = None) -> ReportContent:
    options = options or Options()
    evidence = evidence or Evidence(None)
    scrub = Scrubber.for_sessions(session, enabled=options.redact, lang=options.lang)
    plans = {cb.sha256: cb.plan_id for cb in session.casebooks}
    all_events: dict[int, list[dict[str, Any]]] = {}
    cases = []
    for view in session.cases:
        events = session.events(view.latest.id) if view.latest else []
        if view.latest:
            all_events[view.latest.id] = events
        cases.append(gather_case(session, view, plans.get(view.casebook_sha, ""), events, options, evidence, scrub))
    rank = {v: i for i, v in enumerate(VERDICT_ORDER)}
    position = {(c.casebook_sha, c.case_id): i for i, c in enumerate(session.cases)}
    cases.sort(key=lambda c: (rank.get(c["verdict"], 0), position[(c["key"]["casebook_sha"], c["key"]["case_id"])]))
    verdicts = count_verdicts((c["verdict"], c["retained_verdict"]) for c in cases)
    chain_report = _chain_report(session, options.chain_head)
    environment = session.runs[-1]["environment"] if session.runs else {}
    data: dict[str, Any] = {
        "format": "testbench-report",
        "format_version": FORMAT_VERSION,
        "generator": {"name": "testbench", "version": __version__},
        "title": ", ".join(cb.plan_id for cb in session.casebooks) or session.path.name,
        "session": {
            "id": session.meta.get("session_id", ""),
            "file": session.path.name,
            "created_by": session.meta.get("created_by", ""),
            "schema_version": SCHEMA_VERSION,
        },
        "redaction": {"enabled": options.redact, "counts": {}},
        "signer": options.signer,
        "integrity": {
            "chain_length": chain_report.length,
            "chain_head": chain_report.head,
            "chain_ok": chain_report.ok,
            "chain_problems": chain_report.problems,
        },
        "cover": gather_cover(session, all_events, scrub, options.lang),
        "summary": {
            "total": len(cases),
            "by_verdict": verdicts.recorded,
            "verdicts": verdicts.as_dict(),
            "by_plan": _count(cases, "plan_id"),
            "by_domain": _count(cases, "domain"),
        },
        "cases": cases,
        "environment": {str(k): scrub.value(v) for k, v in sorted((environment or {}).items())},
    }
    data["redaction"]["counts"] = dict(sorted(scrub.counts.items()))
    return ReportContent(data, scrub.counts, scrub)
