"""The content of a report, gathered from the session file: plain JSON-ready data every view renders.

HTML, PDF and the JSON report all start from :func:`gather`, so they never disagree. Personal data
is redacted here, once, before any view sees it (unless the caller opts out, which the report says).
Large things — full traces, produced files — are written to the evidence folder through
:class:`~testbench.report.evidence.Evidence` and referenced by path and SHA-256.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from testbench import __version__
from testbench.domain.verdict import VERDICT_ORDER
from testbench.i18n import translator
from testbench.report.cases import gather_case
from testbench.report.cover import gather_cover
from testbench.report.evidence import Evidence
from testbench.report.options import Options
from testbench.report.personal import Scrubber
from testbench.store import chain
from testbench.store.read import CaseView, SessionView
from testbench.store.schema import SCHEMA_VERSION
from testbench.store.verdicts import count_verdicts

FORMAT_VERSION = "1.16"  # 1.16: cases[].annotations[].deciding


@dataclass
class ReportContent:
    """``data`` is the JSON report; the HTML template reads the same dictionary. Gathered with ``each``
    (a streaming build), its ``cases`` are each case's :func:`row`: the full cases went to ``each``."""

    data: dict[str, Any]
    redaction_counts: Counter[str] = field(default_factory=Counter)
    scrub: Scrubber | None = None  # the redaction the content went through, for the other exports (JUnit)


def _count(cases: list[dict[str, Any]], key: str) -> dict[str, dict[str, int]]:
    out: dict[str, Counter[str]] = {}
    for c in cases:
        out.setdefault(c[key], Counter())[c["verdict"]] += 1
    return {k: {v: n[v] for v in VERDICT_ORDER if n.get(v)} for k, n in sorted(out.items())}


def chain_report_of(session: SessionView, written: tuple[int, str] | None) -> chain.ChainReport:
    """The chain's state: verified in full, unless the same process just wrote it and handed its head over.

    Re-hashing every row the writer hashed a moment ago proves nothing more; the entries' links are
    still checked, and a head other than the one handed over gets the full verification.
    """
    if written is not None:
        report = chain.verify_links(session.chain_entries())
        if report.ok and report.length and (report.length, report.head) == tuple(written):
            return report
    return session.chain_report()


def _environment(recorded: dict[str, Any] | None, scrub: Scrubber, lang: str) -> dict[str, Any]:
    """The last run's environment for the appendix: its code keys, redacted, and in ``lang`` the words the bench
    recorded in French (its card bay's description, its notes, the name and socle of an engine it ships)."""
    t = translator(lang)
    env = {str(k): scrub.value(v) for k, v in sorted((recorded or {}).items())}
    if isinstance(env.get("cards"), str):
        env["cards"] = t(env["cards"])
    if isinstance(env.get("notes"), list):
        env["notes"] = [t(str(note)) for note in env["notes"]]
    if isinstance(engine := env.get("engine"), dict):
        words = ("name", "socle_version")
        env["engine"] = {k: t(v) if k in words and isinstance(v, str) else v for k, v in engine.items()}
    return env


#: cases whose attempts are read together (one query per table): a batch is in memory at once
BATCH = 50


def _place(view: CaseView, index: int, rank: dict[str, int]) -> tuple[int, bool, int]:
    """A case's place in the report: by the verdict retained (a review's override decides: a case a reviewer
    failed comes with the failures), but a case whose recorded verdict a review bettered right after the cases
    retained with that recorded verdict (a failure a reviewer passed stays beside the failures); then in the
    session's order."""
    retained, recorded = rank.get(view.retained_verdict, 0), rank.get(view.verdict, 0)
    return (recorded, True, index) if recorded < retained else (retained, False, index)


def gather_cases(
    session: SessionView, options: Options, evidence: Evidence, scrub: Scrubber
) -> Iterator[dict[str, Any]]:
    """Each case's content in the report's order (failures first, :func:`_place`), read by batches."""
    plans = {cb.sha256: cb.plan_id for cb in session.casebooks}
    rank = {v: i for i, v in enumerate(VERDICT_ORDER)}
    views = [v for _, v in sorted(enumerate(session.cases), key=lambda p: _place(p[1], p[0], rank))]
    for start in range(0, len(views), BATCH):
        batch = views[start : start + BATCH]
        details = session.details([v.latest.id for v in batch if v.latest])
        for view in batch:
            found = details[view.latest.id] if view.latest else None
            yield gather_case(session, view, plans.get(view.casebook_sha, ""), found, options, evidence, scrub)


#: what the page around the sections needs of a case (index, summary, timeline, coverage page)
ROW_KEYS = (
    "key",
    "anchor",
    "plan_id",
    "title",
    "domain",
    "mode",
    "verdict",
    "reason",
    "attempts",
    "reviewed_verdict",
    "retained_verdict",
    "annotations",  # the index gives an override's reason (the deciding review's)
)


def row(case: dict[str, Any], *, whole_trace: bool = False) -> dict[str, Any]:
    """What the report keeps of a case once its content is written; ``whole_trace`` keeps the excerpt
    that is the case's whole trace (no evidence file), which the PDF attaches."""
    trace = case["trace"]
    excerpt = trace["excerpt"] if whole_trace and not trace["file"] else []
    return {k: case[k] for k in ROW_KEYS} | {"trace": {"file": trace["file"], "excerpt": excerpt}}


def gather(
    session: SessionView,
    options: Options | None = None,
    evidence: Evidence | None = None,
    each: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> ReportContent:
    """The report's content. With ``each``, every case's content is handed to it as it is gathered and the
    content keeps what ``each`` returns, the case's :func:`row` (a streaming build: memory bounded by a
    batch, not the campaign)."""
    options = options or Options()
    evidence = evidence or Evidence(None)
    scrub = Scrubber.for_sessions(session, enabled=options.redact, lang=options.lang)
    cases = []
    for case in gather_cases(session, options, evidence, scrub):
        cases.append(case if each is None else each(case))
    verdicts = count_verdicts((c["verdict"], c["retained_verdict"]) for c in cases)
    chain_report = chain_report_of(session, options.chain_head)
    environment = session.runs[-1]["environment"] if session.runs else {}
    data: dict[str, Any] = {
        "format": "testbench-report",
        "format_version": FORMAT_VERSION,
        "generator": {"name": "testbench", "version": __version__},
        "title": ", ".join(cb.plan_id for cb in session.casebooks) or scrub(session.path.name),
        "session": {
            "id": session.meta.get("session_id", ""),
            "file": scrub(session.path.name),  # a rehearsal may be named after its patient, as produced files are
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
        "cover": gather_cover(session, scrub, options.lang),
        "summary": {
            "total": len(cases),
            "by_verdict": verdicts.recorded,
            "verdicts": verdicts.as_dict(),
            "by_plan": _count(cases, "plan_id"),
            "by_domain": _count(cases, "domain"),
            # cases recorded on an earlier version of a casebook the session moved on from: kept, not counted
            **({"superseded_cases": session.history} if session.history else {}),
        },
        "cases": cases,
        "environment": _environment(environment, scrub, options.lang),
    }
    data["redaction"]["counts"] = dict(sorted(scrub.counts.items()))
    return ReportContent(data, scrub.counts, scrub)
