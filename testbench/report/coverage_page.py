"""The report's coverage page: the exam plan's scope read against the session (``testbench.scope``).

The plan is the one given to ``report --plan`` or, without it, the one ``run --plan`` recorded in the
session; without either the report has no coverage page. The JSON report carries the same data as
``testbench coverage --format json`` (section ``coverage``); the page's words are the CLI's
(:mod:`testbench.scope.text`), so both say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from testbench import fmt
from testbench.report.personal import Scrubber
from testbench.report.section import TEXTS_LANG, foreign_lang, in_lang
from testbench.scope.coverage import compute_coverage, session_plan
from testbench.scope.text import (
    BASIS_LABELS,
    OUT_OF_SCOPE_TEXTS,
    REQUIREMENT_LABELS,
    STATUS_LABELS,
    case_verdict_word,
    casebook_state,
    gap_text,
    open_cases,
    readiness_reasons,
)
from testbench.store.read import SessionView


def gather_coverage(
    session: SessionView, plan_path: Path | None, scrub: Scrubber | None, chain_problems: Sequence[str]
) -> dict[str, Any] | None:
    """The ``coverage`` section (``Coverage.as_dict()``; free texts redacted), or None without a plan;
    ``chain_problems``: the book's own check of the session's chain (not made twice).

    Raises :class:`testbench.scope.plan.PlanError` when the plan given or recorded cannot be read."""
    plan = session_plan(session, plan_path)
    if plan is None:
        return None
    data = compute_coverage(session, plan, chain_problems).as_dict()
    if scrub is not None:
        plan_data = data["plan"]
        plan_data["product"] = scrub(plan_data["product"])
        for case in data["out_of_scope"]:
            case["reason"] = scrub(case["reason"])
        for req in data["requirements"]:
            req["title"] = scrub(req["title"])
    return data


class CoverageWords:
    """What the page's template asks in words, in the report's language (the CLI's sentences)."""

    def __init__(self, data: Mapping[str, Any], t: Callable[[str], str], lang: str) -> None:
        self.t = t
        self.lang = lang
        self.anchors = {(c["plan_id"], c["key"]["case_id"]): c["anchor"] for c in data.get("cases", ())}
        # the book's own integrity check: the coverage section keeps the published schema's shape, without it
        self.integrity = data.get("integrity", {})

    def status(self, status: str) -> str:
        return self.t(STATUS_LABELS[status])

    def requirement(self, status: str) -> str:
        return self.t(REQUIREMENT_LABELS[status])

    def basis(self, basis: str) -> str:
        return self.t(BASIS_LABELS[basis])

    def gap(self, gap: Mapping[str, str]) -> str:
        return gap_text(gap, self.t)

    def out_of_scope(self, case: Mapping[str, str]) -> Markup:
        """Why a case is out of scope; an exclusion's reason is the plan's text, marked with its language."""
        reason = escape(fmt.visible_controls(case["reason"]))
        if case["why"] == "excluded":
            reason = Markup(in_lang(reason, foreign_lang(TEXTS_LANG, self.lang)))
        return escape(fmt.visible_controls(self.t(OUT_OF_SCOPE_TEXTS[case["why"]]))).format(reason=reason)

    def casebook(self, planned: Mapping[str, Any], coverage: Mapping[str, Any]) -> str:
        return casebook_state(planned, coverage["gaps"], self.t)

    def verdict(self, case: Mapping[str, Any]) -> str:
        """A case's verdict as the CLI says it: « échec (accepté en revue) » once a review confirmed it, « interrompue »
        for a case cut before its verdict."""
        return case_verdict_word(case, self.t)

    def redo(self, coverage: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        return open_cases(coverage)

    def reasons(self, coverage: Mapping[str, Any]) -> list[str]:
        """What keeps « prêt » off, « session altérée » first when the book found the journal's chain broken."""
        return readiness_reasons({**coverage, "integrity": self.integrity}, self.lang)

    def anchor(self, case: Mapping[str, str]) -> str:
        return self.anchors.get((case.get("plan_id", ""), case["case_id"]), "")
