"""A trace excerpt's words agree with their count: « … 1 ligne dans le fichier de trace complet … » when the excerpt
leaves one line out (a trace one line longer than ``--excerpt``), in a failure's rows and in a passed case's lines the
page draws on demand alike, and « Traces (1 ligne, heures UTC) » over a trace of one line (audit s36: « 1 lignes »,
"1 lines")."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree
from test_report_build import campaign

from testbench.report.build import BuildOptions, build_report
from testbench.report.html import HtmlBook


def _counts(folder: Path) -> dict[str, int]:
    cases = json.loads((folder / "report.json").read_bytes())["cases"]
    return {c["key"]["case_id"]: c["trace"]["count"] for c in cases}


def test_one_line_left_out_is_said_in_the_singular(tmp_path: Path) -> None:
    session = campaign(tmp_path, case_ids=("OK-1", "KO-1"), hostile=False)
    counts = _counts(build_report(session, tmp_path / "all", BuildOptions(excerpt=10_000)).folder)
    for lang, words in (("fr", "1 ligne dans le fichier de trace complet"), ("en", "1 line in the full trace file")):
        failed = build_report(session, tmp_path / f"ko-{lang}", BuildOptions(lang=lang, excerpt=counts["KO-1"] - 1))
        page = etree.HTML((failed.folder / "index.html").read_bytes())
        assert page.xpath("string(//section[@data-case='KO-1']//td[@class='gap'])") == f"… {words} …"
        passed = build_report(session, tmp_path / f"ok-{lang}", BuildOptions(lang=lang, excerpt=counts["OK-1"] - 1))
        page = etree.HTML((passed.folder / "index.html").read_bytes())
        [lines] = page.xpath("//section[@data-case='OK-1']//details[@class='lazy-trace']/@data-lines")
        assert words in lines.split("\n")  # drawn as « … {words} … » when the case is opened


def test_a_trace_of_one_line_says_one_line() -> None:
    line = {"time": "12:00:00.000", "channel": "bench", "step": "", "text": "début du cas"}
    case = {"trace": {"count": 1, "excerpt": [line], "file": None}, "verdict": "fail", "retained_verdict": "fail"}
    for lang, said in (("fr", "(1 ligne, heures UTC)"), ("en", "(1 line, UTC times)")):
        head = etree.HTML(HtmlBook(lang)._case._trace(case)).xpath("string(//h3/span)")
        assert head == said
