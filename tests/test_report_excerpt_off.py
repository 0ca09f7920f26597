"""``report --excerpt 0``: no excerpt, but the case still has its trace, and the book says where it is.

« Aucune trace pour ce cas » is for a case that has none; a case whose excerpt was left out names its full trace
file with its SHA-256 (on screen) or its PDF attachment (in print).
"""

from __future__ import annotations

import json
from pathlib import Path

from test_report_build import campaign

from testbench.report import html as report_html
from testbench.report.build import BuildOptions, build_report
from testbench.report.content import gather
from testbench.report.options import Options
from testbench.store.read import read_session


def _section(html: str, anchor: str) -> str:
    section = html[html.index(f'id="{anchor}"') :]
    return section[: section.index("</section>")]


def test_excerpt_zero_names_the_full_trace_and_never_says_there_is_none(tmp_path: Path) -> None:
    session = campaign(tmp_path, extra_lines=5, hostile=False)
    folder = build_report(session, tmp_path / "r", BuildOptions(excerpt=0)).folder
    html = (folder / "index.html").read_text(encoding="utf-8")
    cases = json.loads((folder / "report.json").read_bytes())["cases"]
    with_lines = [c for c in cases if c["trace"]["count"]]
    assert with_lines
    for case in with_lines:
        section = _section(html, case["anchor"])
        assert "Aucune trace pour ce cas." not in section
        assert "Extrait de trace non inclus (--excerpt 0)" in section
        file = case["trace"]["file"]
        assert f'<a href="{file["path"]}">' in section and file["sha256"] in section
        assert (folder / file["path"]).is_file()


def test_excerpt_zero_in_print_names_the_attachment(tmp_path: Path) -> None:
    session = campaign(tmp_path, extra_lines=5, hostile=False)
    with read_session(session) as view:
        content = gather(view, Options(excerpt=0))
        printed = report_html.render_html(content, for_print=True)
    for case in content.data["cases"]:
        section = _section(printed, case["anchor"])
        if case["trace"]["count"]:
            assert "Aucune trace pour ce cas." not in section
            assert "pièce jointe du PDF" in section and case["trace"]["file"]["sha256"] in section


def test_a_case_without_trace_still_says_so(tmp_path: Path) -> None:
    session = campaign(tmp_path, hostile=False)
    with read_session(session) as view:
        content = gather(view, Options(excerpt=0))
        html = report_html.render_html(content)
    for case in content.data["cases"]:
        if not case["trace"]["count"]:
            assert "Aucune trace pour ce cas." in _section(html, case["anchor"])
