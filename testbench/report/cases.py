"""One case of the report: attempts, steps, comparisons, observations, trace excerpt and produced files.

Full traces and produced files go to the evidence folder (:class:`~testbench.report.evidence.Evidence`),
redacted line by line first; the case keeps an excerpt and the reference.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from operator import itemgetter
from pathlib import PurePath
from typing import Any

from testbench import fmt
from testbench.casebook.instructions import describe_step
from testbench.casebook.model import Step, StepKind
from testbench.domain.events import EventKind
from testbench.engines.operator.origin import keyed, origin_text, quoted
from testbench.fmt import iso
from testbench.i18n import translator
from testbench.report.attachments import trace_header
from testbench.report.attachments import trace_text as trace_file
from testbench.report.evidence import Evidence
from testbench.report.labels import clock_text, final_label, operator_name
from testbench.report.options import Options
from testbench.report.personal import Scrubber
from testbench.report.recorded import recorded_words
from testbench.runner.shard import absent_reason
from testbench.store.model import StepState
from testbench.store.read import AttemptDetails, AttemptView, CaseView, ObservationRow, SessionView, observation
from testbench.traces.bench_text import trace_text
from testbench.traces.logtext import utf16_order

_TEXT_MEDIA = re.compile(r"^(text/|application/(xml|json|[\w.+-]*\+(xml|json))$)")


def _slug(text: str) -> str:
    """``text`` as part of a file name: letters, digits, ``.``, ``_`` and ``-``; never ending with a dot, which
    Windows drops from a file name (the file would not be the one the report names)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:80].rstrip(".") or "cas"


def _steps(view: CaseView, states: list[StepState], scrub: Scrubber, lang: str) -> list[dict[str, Any]]:
    """The case's steps with the status the read model derived (testbench.store.model), in words."""
    steps = []
    t = translator(lang)  # the bench's words (and the in-process engine's, card refusals) are recorded in French
    # a value keyed in an attestation reads as its expectation's type says (« oui », « 5,90 »), not as typed
    types = {e["path"]: e.get("value_type") or "" for e in view.definition.get("expectations", []) if e.get("path")}
    for step, state in zip(view.definition.get("steps", []), states, strict=True):
        detail, attestation, code = "", None, {}
        if state.status == "refused":
            parts = (state.data.get("code"), state.data.get("message"))
            detail = scrub(" ".join(t(str(p)) for p in parts if p not in (None, "")))
            if state.data.get("code") not in (None, ""):
                code = {"code": str(state.data["code"])}  # the book explains it (testbench.report.glossary)
        elif state.status in ("failed", "error", "inconclusive"):
            detail = scrub(t(str(state.data.get("reason", ""))))
        if state.attestation is not None:
            data = state.attestation
            attestation = {
                # the bench's own ones in words, a person's as their declared name (Scrubber.person)
                "operator": scrub.person(operator_name(str(data.get("operator", "")), lang)),
                "confirmed": bool(data.get("confirmed")),
                "note": scrub(str(data.get("note") or "")),
                "values": {
                    k: fmt.typed(types.get(k, ""), scrub.at_path(k, v), lang, amount=False)  # as keyed, not as money
                    for k, v in (data.get("values") or {}).items()
                },
                "at": iso(state.attested_wall),
            }
        steps.append(
            {
                "id": step["id"],
                "kind": step.get("kind", ""),
                "action": step.get("action", ""),
                "instruction": scrub.wording(step.get("instruction", "")),
                "sentence": scrub.wording(describe_step(_step(step), None, lang)),  # the step as one plain instruction
                "observe": [o.get("label", o.get("path", "")) for o in step.get("observe", [])],
                "status": state.status,
                "detail": detail,
                "attestation": attestation,
            }
            | code
        )
    return steps


def _step(recorded: dict[str, Any]) -> Step:
    """A step as the session recorded its definition (``runner.campaign.to_plain``)."""
    manual = recorded.get("kind") == StepKind.MANUAL.value
    return Step(
        id=str(recorded.get("id", "")),
        kind=StepKind.MANUAL if manual else StepKind.ACTION,
        action=str(recorded.get("action", "")),
        params=recorded.get("params") or {},
        instruction=str(recorded.get("instruction", "")),
    )


def _trace(
    lines: list[tuple[float, str, str | None, str]],
    slug: str,
    attempt: AttemptView,
    about: tuple[str, str],
    options: Options,
    evidence: Evidence,
    scrub: Any,
) -> dict[str, Any]:
    """The attempt's trace: its excerpt, and the whole in an evidence file when longer (``about``: the case's id and
    its casebook's plan id, which the file's header names)."""
    # raw tuples rather than TraceLine objects: these loops see every trace line of the campaign
    t = translator(options.lang)
    # redacted together: a value a dump's line break cut is masked on both lines (Scrubber.trace_lines); then the
    # bench's words in the report's language (recorded in French), the rest as recorded
    said = scrub.trace_lines([(channel, text) for _, channel, _, text in lines])

    limit = max(options.excerpt, 0)
    if len(lines) <= limit:  # the whole trace is the excerpt (most cases): its rows made at once
        excerpt = [
            {"time": clock_text(wall), "channel": channel, "step": step or "", "text": trace_text(channel, text, t)}
            for (wall, channel, step, _), text in zip(lines, said, strict=True)
        ]
        return {"count": len(excerpt), "excerpt": excerpt, "omitted": 0, "file": None}
    rows = [
        (clock_text(wall), channel, step or "", trace_text(channel, text, t))
        for (wall, channel, step, _), text in zip(lines, said, strict=True)
    ]

    def as_dict(row: tuple[str, str, str, str]) -> dict[str, Any]:
        return {"time": row[0], "channel": row[1], "step": row[2], "text": row[3]}

    head, tail = limit - limit // 2, limit // 2
    channels = dict.fromkeys(map(itemgetter(1), lines))  # in their order, for the file's header
    header = trace_header(*about, attempt.number, iso(attempt.started_wall), channels, options.redact, options.lang)
    ref = evidence.add(f"traces/{slug}-t{attempt.number}.txt", trace_file(rows, header).encode("utf-8"), "text/plain")
    excerpt = [as_dict(r) for r in rows[:head]]
    if head or tail:
        excerpt.append({"gap": len(rows) - head - tail})
    excerpt += [as_dict(r) for r in (rows[-tail:] if tail else [])]
    return {"count": len(rows), "excerpt": excerpt, "omitted": len(rows) - head - tail, "file": ref}


#: the encodings an application's text file comes in when it is not UTF-8: a BOM says UTF-16/32; else the
#: Windows code page French billing software writes (a B2 lot, a log). Tried in this order, strictly.
_LEGACY_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                (codecs.BOM_UTF16_BE, "utf-16"))  # fmt: skip
_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def legacy_text_encoding(data: bytes) -> str | None:
    """The encoding of ``data`` when it is text in another encoding than UTF-8 (a cp1252 lot, a UTF-16 FSE),
    else None (binary: an image, a PDF, an archive hold control bytes). Such a file is evidence the
    report must carry, redacted like any text, not leave out."""
    for bom, encoding in _LEGACY_BOMS:
        if data.startswith(bom):
            return encoding
    utf16 = utf16_order(data)  # without a byte order mark: a NUL byte beside each character
    if utf16 is not None:
        return utf16
    if _CONTROLS.search(data):
        return None
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return "cp1252"


#: (step, file name) → the SHA-256 of each file of that name the step produced whose copy in the report may have its
#: bytes elsewhere than the file as written (redaction put a marker, or a mask of another length, on one of its lines)
Moved = dict[tuple[str, str], list[str]]


def _artifacts(
    session: SessionView,
    links: list[dict[str, Any]],
    slug: str,
    number: int,
    options: Options,
    evidence: Evidence,
    scrub: Any,
) -> tuple[list[dict[str, Any]], Moved]:
    """The files the attempt produced, exported to the evidence folder; and those whose exported copy may not keep
    the original's byte offsets and columns (a value's provenance counts them in the file as written)."""
    out, t = [], translator(options.lang)  # the notes in the report's language, as the rest of report.json
    moved: Moved = {}
    for i, a in enumerate(links, start=1):
        entry = {
            "name": scrub(a["name"]),  # the application may name a file after its patient
            "step": a["step_id"] or "",
            "media_type": a["media_type"],
            "size": a["size"],
            "sha256_session": a["sha256"],
            "file": None,
            "note": "",
        }
        data = session.artifact_data(a["sha256"])
        target = f"files/{slug}-t{number}-{i}-{_slug(entry['name'])}"
        # UTF-16 without a byte order mark reads as UTF-8 too (its Latin text, a NUL byte beside each character)
        text = _TEXT_MEDIA.match(a["media_type"])
        encoding = (utf16_order(data) or "utf-8") if text else legacy_text_encoding(data)
        if encoding is not None:  # redacted line by line, written back in the file's own encoding
            lines = data.decode(encoding, errors="replace").split("\n")
            masked = [scrub.record(line) for line in lines]
            exported = "\n".join(masked).encode(encoding, errors="replace")
            entry["file"] = evidence.add(target, exported, a["media_type"])
            if exported != data:
                entry["note"] = t("anonymisé" if options.redact else "code PIN masqué")
                if len(exported) != len(data) or _bytes_moved(lines, masked, encoding):
                    moved.setdefault((a["step_id"] or "", str(a["name"])), []).append(a["sha256"])
        elif options.redact:
            entry["note"] = t("non exporté : fichier binaire, anonymisation impossible (--no-redact pour l'inclure)")
        else:
            entry["file"] = evidence.add(target, data, a["media_type"])
        out.append(entry)
    return out, moved


def _bytes_moved(lines: list[str], masked: list[str], encoding: str) -> bool:
    """A line redaction changed other than in place: a marker (« ‹NIR masqué› ») or another length in bytes moves
    the bytes after it. A fixed-width record is masked in place, each field at its own width with 0 and X
    (testbench.report.personal), so that a lot's columns and offsets hold in its copy."""
    return any(
        a != b and ("‹" in b or len(a.encode(encoding, "replace")) != len(b.encode(encoding, "replace")))
        for a, b in zip(lines, masked, strict=True)
    )


def _expected(comparison: dict[str, Any], scrub: Scrubber, t: Callable[[str], str], lang: str) -> str:
    """The expected value as recorded, or, for a trace expectation, the bench's sentence in ``lang``."""
    expected = comparison.get("expected")
    if comparison.get("kind") == "trace" and isinstance(expected, str):
        return scrub(str(recorded_words("trace", expected, t)))  # « présent /motif/ sur app »: the bench's words
    return _typed(comparison, scrub.at_path(comparison.get("path", ""), expected), lang)


def _observed(comparison: dict[str, Any], scrub: Scrubber, t: Callable[[str], str], lang: str) -> str | None:
    """The observed value as recorded, or, for a refusal expected and a step accepted, the bench's « accepté » in
    ``lang`` (report.json is read in the report's language, as the book)."""
    observed = comparison.get("observed")
    if observed is None:
        return None
    observed = recorded_words(comparison.get("kind", ""), observed, t)
    return _typed(comparison, scrub.at_path(comparison.get("path", ""), observed), lang)


def _typed(comparison: dict[str, Any], value: Any, lang: str) -> str:
    """A compared value as the book prints it: oui/non, an engine's known status word in the book's language
    (« vérifié » for ``verified``), a date as the book writes dates, else as recorded."""
    word = fmt.status_word(comparison.get("path", ""), value, lang)
    if word is None and comparison.get("value_type") == "date" and isinstance(value, str):
        word = fmt.day(value, lang)  # « 02/02/2026 » as the French book writes every date (ISO in English)
    return word if word is not None else fmt.typed(comparison.get("value_type") or "", value, lang)


def _dated(comparison: dict[str, Any], message: str, lang: str) -> str:
    """A date expectation's message with its dates as the book writes them: the comparator records them ISO
    (« attendu 2026-02-02, observé … »), the cell beside it and the step above say « 02/02/2026 » in French."""
    if comparison.get("value_type") != "date":
        return message
    return _ISO_DAY.sub(lambda found: fmt.day(found.group(), lang), message)


def _provenance(
    provenance: dict[str, Any] | None, scrub: Scrubber, lang: str, path: str | None = None
) -> dict[str, Any] | None:
    """Where an extracted value was read, as recorded; its file's path, excerpt and locator redacted like the traces
    (:meth:`Scrubber.provenance`), the bench's own operator who corrected it named in ``lang``. ``path``: the value's
    observation path, to redact the value a correction replaced as the value itself (:func:`_origin` quotes it)."""
    out = scrub.provenance(provenance, path)
    if out is None:
        return None
    correction = out.get("correction")
    if isinstance(correction, dict) and "operator" in correction:
        correction["operator"] = operator_name(str(correction["operator"]), lang)  # redacted: a declared name
    return out


def _origin(
    path: str,
    value: Any,
    provenance: dict[str, Any] | None,
    scrub: Scrubber,
    t: Callable[[str], str],
    lang: str,
    written: str = "",
    source: str = "",
) -> str:
    """« observé 163,80 € — lot.b2, enregistrement 3, colonnes 45–52 », or the correction; without provenance
    « saisi par l'opérateur : 33,60 € » for a value of ``source`` ``operator`` (the book says where each observed
    value comes from: :func:`keyed`), else "". ``written``: the SHA-256 of the file as the software wrote it, when
    the report's copy of it may have its bytes elsewhere (:func:`_written`)."""

    def quote(read: Any) -> str:
        return quoted(path, scrub.at_path(path, read), lang)

    by_hand = keyed(path, value, source)
    if not provenance and not by_hand:
        return ""  # nothing to say: the value is not scrubbed a second time (a report redacts each value once)
    shown = _provenance(provenance, scrub, lang) if provenance else None
    return origin_text(quote(value), shown, t, quote=quote, written=written, redacted=scrub.enabled, keyed=by_hand)


def _written(step: str, provenance: dict[str, Any] | None, moved: Moved) -> str:
    """The SHA-256 of the file a value was read in, as the software wrote it, when the value's provenance counts
    bytes or columns (a byte offset, a record's columns) and the report's copy of that file may have them elsewhere;
    "" otherwise (lines, records, XPath and JSON pointers hold in the copy: it is redacted line by line)."""
    if not provenance or not moved:
        return ""
    if provenance.get("columns") is None and (provenance.get("offset") is None or provenance.get("kind") == "fixed"):
        return ""  # what the provenance says (Provenance.describe) counts no byte nor column
    return ", ".join(moved.get((step, PurePath(str(provenance.get("source") or "")).name), ()))


def _observation(
    row: ObservationRow, scrub: Scrubber, t: Callable[[str], str], lang: str, moved: Moved | None = None
) -> dict[str, Any]:
    """An observation as the report shows it (``moved``: the attempt's files whose copy moved their bytes)."""
    o = observation(row)
    step, path, value = o["step_id"] or "", o["path"], o["value"]
    operator = (path == "operator" or path.endswith(".operator")) and isinstance(value, str)
    if operator:  # who performed the step in operator mode: the bench's own in words, a person's declared name
        value = operator_name(value, lang)
    written = _written(step, o["provenance"], moved or {})
    return {
        "step": step,
        "path": path,
        "value": scrub.person(value) if operator else scrub.at_path(path, value),
        "source": o["source"],
        "provenance": _provenance(o["provenance"], scrub, lang, path),
        "origin": _origin(path, value, o["provenance"], scrub, t, lang, written, o["source"]),
    }


def _observations(
    rows: list[ObservationRow], scrub: Scrubber, t: Callable[[str], str], lang: str, moved: Moved
) -> list[Any]:
    """The attempt's observations. One without provenance depends on its recorded step, path, value and
    source alone, which a campaign repeats in every case (the same card read, the same amounts): made once."""
    return [
        _observation(row, scrub, t, lang, moved)
        if row[4] is not None
        else scrub.once(row, _observation, row, scrub, t, lang)
        for row in rows
    ]


_TRACE_SENTENCE = re.compile(r"(présent|absent) /(.*)/ sur (.*)", re.DOTALL)
#: a calendar date as the comparator records it (ISO), in a date expectation's message
_ISO_DAY = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")


def _trace_pattern(e: dict[str, Any] | None, comparison: dict[str, Any], scrub: Scrubber) -> dict[str, Any]:
    """A trace expectation's pattern (redacted like the sentence that quotes it) and whether no line may match it:
    ``{"pattern", "absent"}``, from the casebook's definition ``e``, else read back from the bench's sentence."""
    if e is not None and e.get("pattern"):
        return {"pattern": scrub(str(e["pattern"])), "absent": bool(e.get("absent"))}
    found = _TRACE_SENTENCE.fullmatch(str(comparison.get("expected") or ""))
    if found is None:
        return {}
    return {"pattern": scrub(found.group(2)), "absent": found.group(1) == "absent"}


def _comment(e: dict[str, Any] | None, scrub: Scrubber) -> dict[str, str]:
    """An expectation's comment in its casebook (how its value was derived, what it wants), as its author wrote it
    and redacted like any free text (an author may name a patient): ``{"comment"}``, or nothing when it has none,
    so that a report of a casebook without comments keeps its bytes. The scrubber's memo makes each distinct
    comment once (a casebook repeats « RG_VF670, taux 60 % »)."""
    comment = str((e or {}).get("comment") or "").strip()
    return {"comment": scrub.wording(comment)} if comment else {}


def _difference(comparison: dict[str, Any], scrub: Scrubber) -> dict[str, str]:
    """How two values the redaction hid differ (:meth:`Scrubber.difference`): ``{"redacted_difference"}``, or
    nothing, so that a report with no such failure keeps its bytes."""
    note = scrub.difference(comparison)
    return {"redacted_difference": note} if note else {}


def _expected_text(e: dict[str, Any]) -> str:
    """What an expectation expects, as text (a value, a refusal code, a trace pattern). A casebook may
    expect a card's name or NIR: the caller redacts it like the observed value it is compared with."""
    return str(e.get("expected") or e.get("code") or e.get("pattern") or "")


def _given(
    session: SessionView,
    attempt: AttemptView,
    latest: AttemptView | None,
    scrub: Scrubber,
    t: Callable[[str], str],
    lang: str,
) -> dict[str, Any]:
    """What the operator keyed or corrected in an earlier attempt (one left unfinished, whose case was run
    again from its start, or one run again): ``{"given": [...]}``, kept in the exam book with each
    correction's reason; the latest attempt's are its observations."""
    if latest is None or attempt.id == latest.id:
        return {}
    keyed = [  # what the person keyed, as attested (an operator engine's own results are not theirs)
        (e["step_id"] or "", path, value, "operator", None)
        for e in session.events_of([attempt.id], [EventKind.MANUAL_ATTESTED])[attempt.id]
        for path, value in (e["data"].get("values") or {}).items()
    ]
    corrected = [
        (o["step_id"] or "", o["path"], o["value"], "correction", o["provenance"])
        for o in session.observations(attempt.id)
        if o["source"] == "correction"
    ]
    given = [
        {
            "step": step,
            "path": path,
            "value": scrub.at_path(path, value),
            "source": source,
            "origin": _origin(path, value, provenance, scrub, t, lang),
        }
        for step, path, value, source, provenance in keyed + corrected
    ]
    return {"given": given} if given else {}


def _annotations(view: CaseView, scrub: Scrubber) -> list[dict[str, Any]]:
    """The case's reviews, the declared reviewer's name redacted as every person's (:meth:`Scrubber.person`);
    ``deciding`` marks the one that decides the retained verdict (the book gives its reason beside the verdict)."""
    deciding = view.deciding_review
    return [
        a.as_dict()
        | {
            "reason": scrub(a.reason),
            "reviewer": scrub.person(a.reviewer),
            "at": iso(a.wall),
            "deciding": deciding is not None and a.id == deciding.id,
        }
        for a in view.annotations
    ]


def gather_case(
    session: SessionView,
    view: CaseView,
    plan_id: str,
    details: AttemptDetails | None,
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
            "reason": scrub.noted(a.reason, t),  # a card guard's differences say how they differ
            "started": iso(a.started_wall),
            "ended": iso(a.ended_wall),
            "started_wall": a.started_wall,
            "duration_ms": None if a.duration_ms is None else round(a.duration_ms, 3),
        }
        | _given(session, a, latest, scrub, t, options.lang)
        for a in view.attempts
    ]
    d = view.definition
    case: dict[str, Any] = {
        "key": {"casebook_sha": view.casebook_sha, "case_id": view.case_id},
        "anchor": slug,
        "plan_id": plan_id,
        # the casebook's own text may name a patient or give a NIR (« NIR 1150… lu ») as a person wrote it
        "title": scrub.wording(view.title),
        "domain": view.domain,
        "mode": view.mode,
        "objective": scrub.wording(d.get("objective", "")),
        "comment": scrub.wording(d.get("comment", "")),
        "tags": list(d.get("tags", [])),
        "requirements": list(d.get("requirements", [])),  # what the case covers (docs/exam-plan.md)
        "cards": [{"slot": c.get("slot"), "card": c.get("card")} for c in d.get("cards", [])],
        "verdict": view.verdict,
        # a deviation or a card guard's difference between two hidden values says how they differ
        "reason": scrub.noted(latest.reason, t, details.comparisons if details else ())
        if latest
        else scrub(t(session.not_run_reason or absent_reason(session, view.key))),  # a merge's absent shard too
        "final_label": final_label(attempts, options.lang),
        "attempts": attempts,
        "steps": _steps(view, session.steps(view, events=details.events if details else []), scrub, options.lang),
        "comparisons": [],
        "expectations": [
            {
                "id": e.get("id", ""),
                "kind": e.get("kind", ""),
                "step": e.get("step"),
                "expected": str(scrub.at_path(e.get("path") or "", _expected_text(e))),
                "path": e.get("path") or e.get("channel") or "",
            }
            | ({"absent": bool(e.get("absent"))} if e.get("kind") == "trace" else {})
            | _comment(e, scrub)
            for e in d.get("expectations", [])
        ],
        "observations": [],
        "trace": {"count": 0, "excerpt": [], "omitted": 0, "file": None},
        "evidence": [],
        "annotations": _annotations(view, scrub),
        # one rule with the workstation (testbench.store.verdicts): the last validly signed accept/override
        # made on the latest attempt; a review of an earlier attempt or with a bad signature decides nothing
        "reviewed_verdict": view.retained_verdict if view.deciding_review is not None else None,
        "retained_verdict": view.retained_verdict,
    }
    if latest is None or details is None:
        return case
    defined = {e.get("id"): e for e in d.get("expectations", [])}
    case["comparisons"] = [
        {
            "expectation_id": c.get("expectation_id", ""),
            "kind": c.get("kind", ""),
            "outcome": c.get("outcome", ""),
            "message": scrub(_dated(c, t(str(c.get("message", ""))), options.lang)),  # recorded in French
            "path": c.get("path", ""),
            "step": c.get("step"),
            "expected": _expected(c, scrub, t, options.lang),
            "observed": _observed(c, scrub, t, options.lang),
            "tolerance": c.get("tolerance"),
            "value_type": c.get("value_type", ""),
            "rules": list(c.get("rules", [])),
            "evidence": [scrub(str(e)) for e in c.get("evidence", [])],
        }
        # a trace expectation's pattern apart, so that the book says the expectation in words around it
        | (_trace_pattern(defined.get(c.get("expectation_id")), c, scrub) if c.get("kind") == "trace" else {})
        | _comment(defined.get(c.get("expectation_id")), scrub)  # what the casebook's author says of it
        | _difference(c, scrub)
        for c in details.comparisons
    ]
    # the files first: a value read in one says where, and its copy may have its bytes elsewhere
    case["evidence"], moved = _artifacts(session, details.artifacts, slug, latest.number, options, evidence, scrub)
    case["observations"] = _observations(details.observations, scrub, t, options.lang, moved)
    origins = {o["path"]: o["origin"] for o in case["observations"] if o["origin"]}  # the last value of a path
    for comparison in case["comparisons"]:
        comparison["origin"] = origins.get(comparison["path"], "")
    case["trace"] = _trace(details.trace, slug, latest, (view.case_id, plan_id), options, evidence, scrub)
    return case
