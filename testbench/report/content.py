"""The content of a report, gathered from the session file: plain JSON-ready data every view renders.

HTML, PDF and the JSON report all start from :func:`gather`, so they never disagree. Personal data
is redacted here, once, before any view sees it (unless the caller opts out, which the report says).
Large things — full traces, produced files — are written to the evidence folder through
:class:`~testbench.report.evidence.Evidence` and referenced by path and SHA-256.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from testbench import __version__, fmt
from testbench.domain.events import EventKind
from testbench.domain.verdict import VERDICT_ORDER, Verdict
from testbench.i18n import colon, translator
from testbench.report.evidence import Evidence
from testbench.report.personal import Scrubber
from testbench.store.model import StepState
from testbench.store.read import CaseView, SessionView
from testbench.store.schema import SCHEMA_VERSION
from testbench.store.verdicts import count_verdicts

NOT_RECORDED = "non renseigné"
FORMAT_VERSION = "1.1"

#: inline trace lines per case; the full trace goes to the evidence folder beyond that
DEFAULT_EXCERPT = 40
_TEXT_MEDIA = re.compile(r"^(text/|application/(xml|json|[\w.+-]*\+(xml|json))$)")


def wall_text(wall: float | None) -> str:
    """Local time with its offset: what the engineer saw on the bench's clock."""
    if wall is None:
        return ""
    return datetime.fromtimestamp(wall, tz=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def iso(wall: float | None) -> str | None:
    if wall is None:
        return None
    return datetime.fromtimestamp(wall, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


_CLOCK_MEMO: dict[int, str] = {}


def clock_text(wall: float) -> str:
    """Local HH:MM:SS.mmm; memoised by second (a report formats 100,000 of them)."""
    second = int(wall // 1)
    head = _CLOCK_MEMO.get(second)
    if head is None:
        head = datetime.fromtimestamp(second, tz=UTC).astimezone().strftime("%H:%M:%S")
        if len(_CLOCK_MEMO) > 100_000:
            _CLOCK_MEMO.clear()
        _CLOCK_MEMO[second] = head
    return f"{head}.{int((wall - second) * 1000):03d}"


def verdict_label(verdict: str) -> str:
    try:
        return Verdict(verdict).label_fr
    except ValueError:
        return verdict


def ordinal_fr(n: int) -> str:
    return "1re" if n == 1 else f"{n}e"


def _ordinal(n: int, lang: str) -> str:
    if lang != "en":
        return ordinal_fr(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass
class Options:
    redact: bool = True
    excerpt: int = DEFAULT_EXCERPT
    lang: str = "fr"  # the words written into the content (value texts, labels); the JSON keeps codes
    signer: dict[str, str] | None = None  # {"public_key", "fingerprint"} when the report will be signed


@dataclass
class ReportContent:
    """``data`` is the JSON report; the HTML template reads the same dictionary."""

    data: dict[str, Any]
    redaction_counts: Counter[str] = field(default_factory=Counter)
    scrub: Scrubber | None = None  # the redaction the content went through, for the other exports (JUnit)


# ------------------------------------------------------------------------------------------ cover


def _first(sources: list[dict[str, Any]], *keys: str) -> Any:
    for source in sources:
        for key in keys:
            value = source.get(key)
            if value not in (None, "", [], {}):
                return value
    return None


def _cover(
    session: SessionView, case_events: dict[int, list[dict[str, Any]]], scrub: Scrubber, lang: str = "fr"
) -> dict[str, Any]:
    runs = session.runs
    envs = [r["environment"] or {} for r in reversed(runs)]
    opts = [r["options"] or {} for r in reversed(runs)]
    meta = session.meta
    sources = [*opts, *envs, meta]
    sut = _first(sources, "sut", "software")
    sut_name = sut.get("name") if isinstance(sut, dict) else sut
    sut_version = (sut.get("version") if isinstance(sut, dict) else None) or _first(sources, "sut_version")
    engine = _first(envs, "engine") or {}
    if not isinstance(engine, dict):
        engine = {"name": str(engine)}
    readers: list[str] = []
    cards: dict[tuple[str, str], dict[str, Any]] = {}
    accepted_cards: set[tuple[str, str]] = set()  # the guard let them through at least once
    operators: set[str] = set()
    for view in session.cases:
        events = case_events.get(view.latest.id) if view.latest else None
        if events is None:
            continue
        for ev in events:
            data = ev["data"] or {}
            if ev["kind"] == EventKind.CARD_PRESENT:
                _add_reader(readers, data.get("reader"))
            elif ev["kind"] == EventKind.CARD_GUARD:
                for check in data.get("checks", []):
                    _add_reader(readers, check.get("reader"))
            elif ev["kind"] == EventKind.MANUAL_ATTESTED and data.get("operator"):
                operators.add(str(data["operator"]))
        # the card states of the read model, as the workstation shows them (testbench.store.model)
        for state in session.cards(view, events=events).values():
            if state.card is None:  # the guard checked a slot no card was presented in
                continue
            key = (state.slot, state.card)
            entry = cards.setdefault(
                key,
                {
                    "slot": state.slot,
                    "card": state.card,
                    "profile": state.present.get("profile"),
                    "reader": state.present.get("reader"),
                    "family": None,
                    "nature": None,
                    "found": None,
                    "atr": None,
                    "guard": None,
                },
            )
            accepted = state.status == "accepted"
            # the first check of that card, or its first acceptance after a refusal (the card was swapped)
            decided = state.check or state.status != "inserted"  # a refusal may name no check (see store.model)
            if decided and (entry["nature"] is None or (accepted and key not in accepted_cards)):
                check = state.check
                entry.update(
                    reader=check.get("reader") or entry.get("reader"),
                    family=check.get("family"),
                    nature=check.get("nature"),
                    found=scrub(translator(lang)(str(check.get("found_fr") or ""))),  # recorded French
                    atr=check.get("atr"),
                    guard=_guard_word(state.status, lang),
                )
                if accepted:
                    accepted_cards.add(key)
    # every reader mode the session used, in run order (a rerun on another bench is part of the record)
    described = (str(r["environment"]["cards"]) for r in runs if (r["environment"] or {}).get("cards"))
    bays = [translator(lang)(b) for b in dict.fromkeys(described)]  # the bay describes itself in French
    operator = _first(sources, "operator")
    if operator:
        operators.add(str(operator))
    started = min((r["started_wall"] for r in runs), default=None)
    ended = max((r["ended_wall"] for r in runs if r["ended_wall"]), default=None)
    missing = translator(lang)(NOT_RECORDED)  # what the JSON and the HTML say of a missing value
    return {
        "sut": {"name": sut_name or missing, "version": sut_version or missing},
        "agrement": _first(sources, "agrement", "agrement_number", "test_number") or missing,
        "engine": {
            "name": engine.get("name") or missing,
            "version": engine.get("version") or missing,
            "agrement": engine.get("agrement") or missing,
            "socle_version": engine.get("socle_version") or missing,
        },
        "casebooks": [
            {
                "plan_id": cb.plan_id,
                "evolution": cb.identity.get("evolution", ""),
                "document_version": cb.identity.get("document_version", ""),
                "effective_date": cb.identity.get("effective_date", ""),
                "cdc_version": cb.identity.get("cdc_version", ""),
                "addendum": cb.identity.get("addendum", ""),
                "ps_category": cb.identity.get("ps_category", ""),
                "title": cb.identity.get("title", ""),
                "sha256": cb.sha256,
            }
            for cb in session.casebooks
        ],
        "bay": " ; ".join(bays) or missing,
        "bays": bays,
        "readers": readers,
        "cards": [
            {k: (v if v not in (None, "") else missing) for k, v in c.items()}
            | {"atr": c.get("atr") or missing, "reader": c.get("reader") or missing}
            for _, c in sorted(cards.items())
        ],
        "operators": sorted(operators) or [missing],
        "host": _first(envs, "host") or missing,
        "started": iso(started),
        "ended": iso(ended),
        "runs": [
            {
                "id": r["id"],
                "started": iso(r["started_wall"]),
                "ended": iso(r["ended_wall"]),
                "host": r["host"],
                "argv": [str(a) for a in (r["argv"] or [])],
                "cards": str((r["environment"] or {}).get("cards") or ""),
            }
            for r in runs
        ],
    }


def _guard_word(status: str, lang: str) -> str | None:
    """The card guard's verdict on a card; none when the record does not say (never « accepted » by default)."""
    word = {"accepted": "acceptée", "refused": "refusée"}.get(status)
    return translator(lang)(word) if word else None


def _add_reader(readers: list[str], reader: object) -> None:
    if reader and reader not in readers:
        readers.append(str(reader))


# ------------------------------------------------------------------------------------------ cases


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:80] or "cas"


def _steps(view: CaseView, states: list[StepState], scrub: Scrubber, lang: str) -> list[dict[str, Any]]:
    """The case's steps with the status the read model derived (testbench.store.model), in words."""
    steps = []
    t = translator(lang)  # the bench's words (and the in-process engine's, card refusals) are recorded in French
    for step, state in zip(view.definition.get("steps", []), states, strict=True):
        detail, attestation = "", None
        if state.status == "refused":
            parts = (state.data.get("code"), state.data.get("message"))
            detail = scrub(" ".join(t(str(p)) for p in parts if p not in (None, "")))
        elif state.status == "failed":
            detail = scrub(t(str(state.data.get("reason", ""))))
        if state.attestation is not None:
            data = state.attestation
            attestation = {
                "operator": str(data.get("operator", "")),
                "confirmed": bool(data.get("confirmed")),
                "note": scrub(str(data.get("note") or "")),
                "values": {k: fmt.value(scrub.at_path(k, v), lang) for k, v in (data.get("values") or {}).items()},
                "at": iso(state.attested_wall),
            }
        steps.append(
            {
                "id": step["id"],
                "kind": step.get("kind", ""),
                "action": step.get("action", ""),
                "instruction": step.get("instruction", ""),
                "observe": [o.get("label", o.get("path", "")) for o in step.get("observe", [])],
                "status": state.status,
                "detail": detail,
                "attestation": attestation,
            }
        )
    return steps


def _trace(
    session: SessionView, attempt_id: int, slug: str, number: int, options: Options, evidence: Evidence, scrub: Any
) -> dict[str, Any]:
    # raw tuples rather than TraceLine objects or dicts: this loop sees every trace line of the campaign
    rows = [
        (clock_text(wall), channel, step or "", scrub(text))
        for wall, channel, step, text in session.trace_rows(attempt_id)
    ]

    def as_dict(row: tuple[str, str, str, str]) -> dict[str, Any]:
        return {"time": row[0], "channel": row[1], "step": row[2], "text": row[3]}

    limit = max(options.excerpt, 0)
    if len(rows) <= limit:
        return {"count": len(rows), "excerpt": [as_dict(r) for r in rows], "omitted": 0, "file": None}
    head, tail = limit - limit // 2, limit // 2
    body = "".join(f"{t}\t{c}\t{st}\t{x}\n" for t, c, st, x in rows)
    ref = evidence.add(f"traces/{slug}-t{number}.txt", body.encode("utf-8"), "text/plain")
    excerpt = [as_dict(r) for r in rows[:head]]
    if head or tail:
        excerpt.append({"gap": len(rows) - head - tail})
    excerpt += [as_dict(r) for r in (rows[-tail:] if tail else [])]
    return {"count": len(rows), "excerpt": excerpt, "omitted": len(rows) - head - tail, "file": ref}


def _artifacts(
    session: SessionView, attempt_id: int, slug: str, number: int, options: Options, evidence: Evidence, scrub: Any
) -> list[dict[str, Any]]:
    out = []
    for i, a in enumerate(session.artifacts(attempt_id), start=1):
        entry = {
            "name": a["name"],
            "step": a["step_id"] or "",
            "media_type": a["media_type"],
            "size": a["size"],
            "sha256_session": a["sha256"],
            "file": None,
            "note": "",
        }
        data = session.artifact_data(a["sha256"])
        target = f"files/{slug}-t{number}-{i}-{_slug(a['name'])}"
        if _TEXT_MEDIA.match(a["media_type"]):
            text = data.decode("utf-8", errors="replace")
            exported = "\n".join(scrub(line) for line in text.split("\n")).encode("utf-8")
            entry["file"] = evidence.add(target, exported, a["media_type"])
            if exported != data:
                entry["note"] = "anonymisé" if options.redact else "code PIN masqué"
        elif options.redact:
            entry["note"] = "non exporté : fichier binaire, anonymisation impossible (--no-redact pour l'inclure)"
        else:
            entry["file"] = evidence.add(target, data, a["media_type"])
        out.append(entry)
    return out


def _expected(comparison: dict[str, Any], scrub: Scrubber, t: Callable[[str], str], lang: str) -> str:
    """The expected value as recorded, or, for a trace expectation, the bench's sentence in ``lang``."""
    expected = comparison.get("expected")
    if comparison.get("kind") == "trace" and isinstance(expected, str):
        return scrub(t(expected))  # « présent /motif/ sur app »: the bench's words around the casebook's
    return fmt.value(scrub.at_path(comparison.get("path", ""), expected), lang)


def final_label(attempts: list[dict[str, Any]], lang: str = "fr") -> str:
    """« réussi à la 2e tentative — 1re : échec (motif) »: attempts are history, not overwrites."""
    t = translator(lang)
    if not attempts:
        return t(verdict_label("none"))
    last = attempts[-1]
    label = t(verdict_label(last["verdict"]))
    if len(attempts) == 1:
        return label
    earlier = "; ".join(
        f"{_ordinal(a['number'], lang)}{colon(lang)}{t(verdict_label(a['verdict']))}"
        + (f" ({a['reason']})" if a["reason"] else "")
        for a in attempts[:-1]
    )
    if lang == "en":
        return f"{label} at the {_ordinal(last['number'], lang)} attempt — {earlier}"
    return f"{label} à la {_ordinal(last['number'], lang)} tentative — {earlier}"


def _expected_text(e: dict[str, Any]) -> str:
    """What an expectation expects, as text (a value, a refusal code, a trace pattern). A casebook may
    expect a card's name or NIR: the caller redacts it like the observed value it is compared with."""
    return str(e.get("expected") or e.get("code") or e.get("pattern") or "")


def _case(
    session: SessionView,
    view: CaseView,
    plan_id: str,
    events: list[dict[str, Any]],
    options: Options,
    evidence: Evidence,
    scrub: Scrubber,
) -> dict[str, Any]:
    latest = view.latest
    slug = f"{_slug(view.case_id)}-{view.casebook_sha[:8]}"
    t = translator(options.lang)  # reasons are recorded in French
    attempts = [
        {
            "number": a.number,
            "run_id": a.run_id,
            "verdict": a.verdict,
            "reason": scrub(t(a.reason)),
            "started": iso(a.started_wall),
            "ended": iso(a.ended_wall),
            "started_wall": a.started_wall,
            "duration_ms": None if a.duration_ms is None else round(a.duration_ms, 3),
        }
        for a in view.attempts
    ]
    d = view.definition
    case: dict[str, Any] = {
        "key": {"casebook_sha": view.casebook_sha, "case_id": view.case_id},
        "anchor": slug,
        "plan_id": plan_id,
        "title": view.title,
        "domain": view.domain,
        "mode": view.mode,
        "objective": d.get("objective", ""),
        "comment": d.get("comment", ""),
        "tags": list(d.get("tags", [])),
        "cards": [{"slot": c.get("slot"), "card": c.get("card")} for c in d.get("cards", [])],
        "verdict": view.verdict,
        "reason": scrub(t(latest.reason)) if latest else "",
        "final_label": final_label(attempts, options.lang),
        "attempts": attempts,
        "steps": _steps(view, session.steps(view, events=events), scrub, options.lang),
        "comparisons": [],
        "expectations": [
            {
                "id": e.get("id", ""),
                "kind": e.get("kind", ""),
                "step": e.get("step"),
                "expected": str(scrub.at_path(e.get("path") or "", _expected_text(e))),
                "path": e.get("path") or e.get("channel") or "",
            }
            for e in d.get("expectations", [])
        ],
        "observations": [],
        "trace": {"count": 0, "excerpt": [], "omitted": 0, "file": None},
        "evidence": [],
        "annotations": [a.as_dict() | {"at": iso(a.wall)} for a in view.annotations],
        # one rule with the workstation (testbench.store.verdicts): the last validly signed accept/override
        # made on the latest attempt; a review of an earlier attempt or with a bad signature decides nothing
        "reviewed_verdict": view.retained_verdict if view.deciding_review is not None else None,
        "retained_verdict": view.retained_verdict,
    }
    if latest is None:
        return case
    case["comparisons"] = [
        {
            "expectation_id": c.get("expectation_id", ""),
            "kind": c.get("kind", ""),
            "outcome": c.get("outcome", ""),
            "message": scrub(t(str(c.get("message", "")))),  # recorded in French
            "path": c.get("path", ""),
            "step": c.get("step"),
            "expected": _expected(c, scrub, t, options.lang),
            "observed": None
            if c.get("observed") is None
            else fmt.value(scrub.at_path(c.get("path", ""), c["observed"]), options.lang),
            "tolerance": c.get("tolerance"),
            "value_type": c.get("value_type", ""),
            "rules": list(c.get("rules", [])),
            "evidence": [scrub(str(e)) for e in c.get("evidence", [])],
        }
        for c in session.comparisons(latest.id)
    ]
    case["observations"] = [
        {
            "step": o["step_id"] or "",
            "path": o["path"],
            "value": scrub.at_path(o["path"], o["value"]),
            "source": o["source"],
        }
        for o in session.observations(latest.id)
    ]
    case["trace"] = _trace(session, latest.id, slug, latest.number, options, evidence, scrub)
    case["evidence"] = _artifacts(session, latest.id, slug, latest.number, options, evidence, scrub)
    return case


def _count(cases: list[dict[str, Any]], key: str) -> dict[str, dict[str, int]]:
    out: dict[str, Counter[str]] = {}
    for c in cases:
        out.setdefault(c[key], Counter())[c["verdict"]] += 1
    return {k: {v: n[v] for v in VERDICT_ORDER if n.get(v)} for k, n in sorted(out.items())}


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
        cases.append(_case(session, view, plans.get(view.casebook_sha, ""), events, options, evidence, scrub))
    rank = {v: i for i, v in enumerate(VERDICT_ORDER)}
    position = {(c.casebook_sha, c.case_id): i for i, c in enumerate(session.cases)}
    cases.sort(key=lambda c: (rank.get(c["verdict"], 0), position[(c["key"]["casebook_sha"], c["key"]["case_id"])]))
    verdicts = count_verdicts((c["verdict"], c["retained_verdict"]) for c in cases)
    chain_report = session.chain_report()
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
        "cover": _cover(session, all_events, scrub, options.lang),
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
