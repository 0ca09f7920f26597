"""JUnit XML from the session file, for CI servers: one testcase per case, failures with their reason."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from testbench.store.read import SessionView, read_session


def junit_tree(session: SessionView) -> etree._ElementTree:
    suite = etree.Element("testsuite", name=", ".join(cb.plan_id for cb in session.casebooks) or "testbench")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_ms = 0.0
    for case in session.cases:
        latest = case.latest
        counts["tests"] += 1
        seconds = (latest.duration_ms or 0.0) / 1000 if latest else 0.0
        total_ms += seconds * 1000
        tc = etree.SubElement(
            suite, "testcase", classname=f"{case.domain}.{case.mode}", name=case.case_id, time=f"{seconds:.3f}"
        )
        verdict = case.verdict
        reason = latest.reason if latest else ""
        if verdict == "fail":
            counts["failures"] += 1
            etree.SubElement(tc, "failure", message=reason or "échec", type="fail").text = reason
        elif verdict in ("error", "inconclusive"):
            counts["errors"] += 1
            etree.SubElement(tc, "error", message=reason or verdict, type=verdict).text = reason
        elif verdict in ("skipped", "pending", "none"):
            counts["skipped"] += 1
            etree.SubElement(tc, "skipped", message=reason or verdict)
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", f"{total_ms / 1000:.3f}")
    return etree.ElementTree(suite)


def write_junit(session_path: Path, target: Path) -> Path:
    with read_session(session_path) as session:
        tree = junit_tree(session)
    target.parent.mkdir(parents=True, exist_ok=True)
    tree.write(str(target), xml_declaration=True, encoding="utf-8", pretty_print=True)
    return target
