"""JUnit XML from the session file, for CI servers: one testcase per case, failures with their reason.

``failure``/``error``/``skipped`` follow the **recorded** verdict (what the run found, as the exit
code of ``run`` does): a verdict that makes ``run`` exit 2 is an ``error`` — a case pending its manual step,
an attempt an interrupt cut before its verdict —, so a CI's test view is never green under a job that is not;
only a case that did not run (not reached) is ``skipped``. The review is not lost: each testcase carries both
verdicts in its ``system-out`` (``testbench.verdict.recorded=…`` and ``testbench.verdict.retained=…`` lines)
and the suite the counts of both as properties, from :func:`testbench.store.verdicts.count_verdicts` like
every view. A ``failure``'s or an ``error``'s message is the case's one-line reason; its text says every
deviation, one a line (:func:`testbench.runner.reasons.detail_lines`).

The file validates against the common JUnit schemas (the Jenkins junit-4 XSD, the xUnit plugin's
junit-10): a ``testcase`` holds no ``properties`` there, and ``skipped`` carries its reason as text, no
attribute.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from lxml import etree

from testbench.domain.events import EventKind
from testbench.fmt import visible_controls
from testbench.i18n import _t, translator
from testbench.report.cover import forced_merge, identity, joined, mixed_versions, versions_behind
from testbench.report.labels import verdict_label
from testbench.report.personal import Scrubber
from testbench.runner.reasons import INTERRUPTED, detail_lines
from testbench.runner.shard import absent_reason
from testbench.store.model import step_states
from testbench.store.read import CasebookView, CaseView, SessionView, read_session
from testbench.store.verdicts import count_verdicts
from testbench.wholefile import write_whole

RECORDED = "testbench.verdict.recorded"
#: an ``error``'s type for a case not run because the bench could not start (the others: a verdict, "interrupted")
UNAVAILABLE = "unavailable"
RETAINED = "testbench.verdict.retained"
#: the suite's property that says whether the messages were redacted (the pytest plugin's ``--junitxml`` too)
REDACTION = "testbench.redaction"


def case_verdicts(testcase: Any) -> dict[str, str]:
    """The verdicts a testcase carries (``RECORDED``, ``RETAINED``), read back from its ``system-out``."""
    out = testcase.find("system-out")
    lines = (out.text or "").splitlines() if out is not None else []
    return dict(line.split("=", 1) for line in lines if line.startswith("testbench.verdict."))


#: the events that say how far each step of an attempt went (testbench.store.model.step_states)
_STEP_EVENTS = (
    EventKind.STEP_START,
    EventKind.STEP_END,
    EventKind.STEP_REFUSED,
    EventKind.STEP_FAILED,
    EventKind.MANUAL_PENDING,
    EventKind.MANUAL_ATTESTED,
)


def _finished(case: CaseView, events: list[dict[str, Any]]) -> list[str] | None:
    """The steps an attempt finished before the step that stopped it, as its run counted its reason's other
    deviations (:func:`testbench.runner.reasons.counted`); None when it ran to its end. Steps run in order: the
    first that did not end well (failed, refused unexpectedly, pending, not run) is where it stopped."""
    refusals = {e.get("step") for e in case.definition.get("expectations", []) if e.get("kind") == "refusal"}
    finished: list[str] = []
    for state in step_states(case.step_ids, events):
        if state.status in ("done", "confirmed") or (state.status == "refused" and state.id in refusals):
            finished.append(state.id)
        else:
            return finished
    return None


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A child element whose free text (a ``--sut-version`` typed with an escape sequence, a reason…) shows its
    control characters as ``⟨U+001B⟩``: XML cannot hold them, and lxml refuses the whole file."""
    element = etree.SubElement(parent, tag, {k: visible_controls(v) for k, v in attrs.items()})
    if text is not None:
        element.text = visible_controls(text)
    return element


def _testcase(classname: str, name: str, seconds: float) -> etree._Element:
    return etree.Element(
        "testcase", classname=visible_controls(classname), name=visible_controls(name), time=f"{seconds:.3f}"
    )


def _properties(parent: etree._Element, values: dict[str, str]) -> None:
    props = etree.SubElement(parent, "properties")
    for name, value in values.items():
        _sub(props, "property", name=name, value=value)


#: the testcase that says the latest run could not start when no case carries it (each has an older attempt)
NOT_STARTED_CASE = _t("exécution {run} non démarrée")
#: the testcase that says a session's journal chain is broken: its verdicts are no evidence, and a CI reading the
#: JUnit alone must not show them green
INTEGRITY_CASE = "intégrité de la session"
ALTERED = "session altérée (chaîne du journal rompue) : ses verdicts ne valent pas preuve"
#: the same error for a session merged over modified inputs (``merge --allow-tampered``): its own chain is whole
FORCED = _t("fusion forcée de sessions modifiées ({files}) : leurs verdicts ne valent pas preuve")
FORCED_MERGE = "testbench.session.forced_merge"
#: its testcase, named apart from a broken chain's: both may be said of one session
FORCED_CASE = _t("fusion forcée")


def _in_case_order(session: SessionView) -> list[CasebookView]:
    """The casebooks in the order of their cases (a merged campaign's is fixed; which shard recorded its casebooks
    first is not), so the suite's name does not depend on which CI job started first."""
    first: dict[str, int] = {}
    for case in session.cases:
        first.setdefault(case.casebook_sha, len(first))
    return sorted(session.casebooks, key=lambda book: first.get(book.sha256, len(first)))


def junit_tree(
    session: SessionView, lang: str | None = None, scrub: Scrubber | None = None, *, chain_ok: bool | None = None
) -> etree._ElementTree:
    """``scrub`` redacts the reasons (personal data of a card guard's message…): the report's own, or by
    default one built from the session. ``chain_ok``: the session's journal chain as the report checked it
    (None: not checked here, not said); a broken one is a property and an error testcase of its own."""
    t = translator(lang)
    scrub = scrub or Scrubber.for_sessions(session, lang=lang)
    named = ", ".join(cb.plan_id for cb in _in_case_order(session)) or "testbench"
    suite = etree.Element("testsuite", name=visible_controls(named))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_ms = 0.0
    pairs: list[tuple[str, str]] = []
    testcases: list[etree._Element] = []
    not_run = scrub(t(session.not_run_reason))  # the bench the latest run could not start: CI reads an error
    failed = [c.latest.id for c in session.cases if c.latest and c.verdict in ("fail", "error", "inconclusive")]
    compared = session.comparisons_of(failed)  # the deviations a failure's text lists, read for those cases only
    steps = session.events_of(failed, _STEP_EVENTS)
    for case in session.cases:
        latest = case.latest
        verdict = case.verdict
        retained = case.retained_verdict
        pairs.append((verdict, retained))
        counts["tests"] += 1
        seconds = (latest.duration_ms or 0.0) / 1000 if latest else 0.0
        total_ms += seconds * 1000
        tc = _testcase(f"{case.domain}.{case.mode}", case.case_id, seconds)
        testcases.append(tc)
        reason = scrub.noted(latest.reason, t) if latest else not_run  # recorded in French
        if latest is None and not not_run:  # a case of a shard its merge did not hold: said beside « non exécuté »
            reason = scrub(t(absent_reason(session, case.key)))
        label = t(verdict_label(verdict))
        if verdict in ("fail", "error", "inconclusive"):
            kind = "failure" if verdict == "fail" else "error"
            counts["failures" if verdict == "fail" else "errors"] += 1
            lines = (  # French, as recorded
                detail_lines(latest.reason, compared[latest.id], _finished(case, steps[latest.id])) if latest else []
            )
            # two values the redaction hid: how they differ, after the deviation that names them
            noted = partial(scrub.noted, t=t, comparisons=compared[latest.id] if latest else ())
            message = noted(latest.reason) if latest else reason
            _sub(tc, kind, "\n".join(map(noted, lines)), message=message or label, type=verdict)
        elif verdict == "pending" or (latest is None and not_run):
            # waiting for its manual step, or not run because the bench could not start: the run exits 2
            counts["errors"] += 1
            kind = verdict if latest is not None else UNAVAILABLE
            _sub(tc, "error", reason or label, message=reason or label, type=kind)
        elif latest is not None and verdict == "none":
            # an attempt cut before its verdict (^C, a CI's cancel, a killed process): it ran, and did not conclude
            counts["errors"] += 1
            cut = reason or scrub(t(INTERRUPTED))
            _sub(tc, "error", cut, message=cut, type="interrupted")
        elif verdict in ("skipped", "none"):  # skipped by its casebook, or not reached (an interrupted run)
            counts["skipped"] += 1
            _sub(tc, "skipped", reason or label)
        etree.SubElement(tc, "system-out").text = f"{RECORDED}={verdict}\n{RETAINED}={retained}\n"
    if not_run and all(case.latest for case in session.cases):
        # the latest run ran nothing, and every case keeps an older verdict: the run exited 2, CI reads an error
        counts["tests"] += 1
        counts["errors"] += 1
        name = t(NOT_STARTED_CASE).format(run=session.runs[-1]["id"])
        tc = _testcase("testbench", name, 0.0)
        _sub(tc, "error", not_run, message=not_run, type=UNAVAILABLE)
        testcases.append(tc)
    forced = ", ".join(m["file"] for m in forced_merge(session.meta, scrub))
    doubts = [(t(INTEGRITY_CASE), t(ALTERED), "altered")] if chain_ok is False else []
    doubts += [(t(FORCED_CASE), t(FORCED).format(files=forced), "forced")] if forced else []
    for name, doubt, kind in doubts:  # verdicts that are no evidence: never a green suite
        counts["tests"] += 1
        counts["errors"] += 1
        tc = _testcase("testbench", name, 0.0)  # two names: CI tools fold identical testcases into one
        _sub(tc, "error", doubt, message=doubt, type=kind)
        testcases.append(tc)
    tally = count_verdicts(pairs)
    _properties(
        suite,
        ({} if chain_ok is None else {"testbench.session.chain_ok": "true" if chain_ok else "false"})
        | ({FORCED_MERGE: forced} if forced else {})  # the inputs a merge took over their modification
        | {name: scrub(value) for name, value in _product(session, t).items()}  # a typed name may hold a NIR
        | {f"{RECORDED}.{v}": str(n) for v, n in tally.recorded.items()}
        | {f"{RETAINED}.{v}": str(n) for v, n in tally.retained.items()}
        | {"testbench.verdict.reviewed": str(tally.reviewed)}
        # a JUnit kept alone says whether its messages were redacted (``--no-redact``: the person opted out)
        | {REDACTION: "true" if scrub.enabled else "false"},
    )
    suite.extend(testcases)
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", f"{total_ms / 1000:.3f}")
    return etree.ElementTree(suite)


def _product(session: SessionView, t: Callable[[str], str]) -> dict[str, str]:
    """Which engine and which software under test produced the results, as the report's cover names them (every
    version behind a retained verdict, joined), so that a CI keeping only the JUnit still knows; "" when not said.
    The bench's own engines name themselves in French (operator mode): read in the JUnit's language."""
    versions = list(versions_behind(session))
    parts = {"engine.version": "engine_version", "sut.name": "sut_name", "sut.version": "sut_version"}
    out = {"testbench.engine.name": ", ".join(dict.fromkeys(t(p.engine_name) for p in versions if p.engine_name))}
    out |= {f"testbench.{name}": joined(versions, part) for name, part in parts.items()}
    # a name or version no run gave, completed afterwards (``testbench cover``), as the cover prints it
    named = identity([session.meta])
    name, version = str(named["name"] or ""), str(named["version"] or "")
    out["testbench.sut.name"] = out["testbench.sut.name"] or name
    out["testbench.sut.version"] = out["testbench.sut.version"] or version
    # each product with its own version (« testbench-demo, AcmeFacture 4.2.1 »): the joined names and versions
    # above no longer pair up once a version is missing
    out["testbench.engine"] = _each(versions, lambda p: (t(p.engine_name) if p.engine_name else "", p.engine_version))
    out["testbench.sut"] = _each(versions, lambda p: (p.sut_name or name, p.sut_version or version))
    out["testbench.versions.mixed"] = "true" if mixed_versions(versions) else "false"
    return out


def _each(products: list[Any], named: Callable[[Any], tuple[str, str]]) -> str:
    """Each product's name and version together, once each, in order (a name or a version alone when the other
    is not said)."""
    return ", ".join(dict.fromkeys(" ".join(filter(None, named(p))) for p in products if any(named(p))))


def junit_bytes(tree: etree._ElementTree) -> bytes:
    """The file's bytes, made in memory: lxml's own ``write`` says nothing when the disk is full."""
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


#: the testcase that says the bench failed before or while it wrote its session (a full disk): CI reads an error,
#: never a missing report nor a green suite
BENCH_FAILED_CASE = _t("échec du banc")
#: its ``error``'s type
BENCH_FAILED = "bench-failure"


def bench_failure_tree(
    reasons: list[str],
    session_path: Path | None = None,
    lang: str | None = None,
    *,
    case: str = BENCH_FAILED_CASE,
    kind: str = BENCH_FAILED,
) -> etree._ElementTree:
    """The JUnit of a run whose bench failed (its session not written, a full disk…): the cases the session
    already holds, if it can be read, and an error testcase whose text is ``reasons`` (French, as said on stderr).
    A session that cannot be read (never created, or damaged by the failure) gives a suite of that error alone.
    ``case`` and ``kind``: the testcase's name (French) and its error's type, for a run refused (exit 3)."""
    t = translator(lang)
    tree: etree._ElementTree | None = None
    scrub = Scrubber(True, lang=lang)
    if session_path is not None and session_path.is_file():
        from testbench.store.connection import READ_FAILURES  # the store's refusal: the error alone then

        try:
            with read_session(session_path) as session:
                scrub = Scrubber.for_sessions(session, lang=lang)
                tree = junit_tree(session, lang, scrub)
        except (OSError, *READ_FAILURES):
            tree = None
    if tree is None:
        suite = etree.Element("testsuite", name="testbench", tests="0", failures="0", errors="0", skipped="0")
        suite.set("time", "0.000")
        _properties(suite, {REDACTION: "true"})
        tree = etree.ElementTree(suite)
    suite = tree.getroot()
    said = [scrub(t(line)) for line in reasons] or [t(case)]
    tc = _testcase("testbench", t(case), 0.0)
    _sub(tc, "error", "\n".join(said), message=said[0], type=kind)
    suite.append(tc)
    for count in ("tests", "errors"):
        suite.set(count, str(int(suite.get(count, "0")) + 1))
    return tree


def write_bench_failure(
    target: Path, reasons: list[str], session_path: Path | None = None, lang: str | None = None
) -> Path:
    """Write :func:`bench_failure_tree` at ``target``, whole or not at all (an ``OSError`` says why): the CI
    publishes a report that says why the bench failed instead of finding none."""
    data = junit_bytes(bench_failure_tree(reasons, session_path, lang))
    target.parent.mkdir(parents=True, exist_ok=True)
    write_whole(target, data)
    return target


def write_junit(
    session_path: Path,
    target: Path,
    lang: str | None = None,
    *,
    redact: bool = True,
    chain_ok: bool | None = None,
    chain_head: tuple[int, str] | None = None,
) -> Path:
    """Write the session's JUnit XML at ``target`` whole or not at all: a temporary file beside it, synced,
    then renamed over it, so a CI step never publishes an empty or cut file; an ``OSError`` says why.
    ``redact=False``: the person's opt-out (``report --no-redact``), as the report's own ``junit.xml``.
    The journal chain as the report's ``junit.xml`` says it, a copy kept alone by CI being no greener: ``chain_ok``
    as a report found it, or ``chain_head`` (what a run just wrote) checked as a run's report checks it."""
    with read_session(session_path) as session:
        if chain_head is not None:
            from testbench.report.content import chain_report_of  # the report's own check, not a parallel one

            chain_ok = chain_report_of(session, chain_head).ok
        scrub = Scrubber.for_sessions(session, enabled=redact, lang=lang)
        data = junit_bytes(junit_tree(session, lang, scrub, chain_ok=chain_ok))
    target.parent.mkdir(parents=True, exist_ok=True)
    write_whole(target, data)
    return target
