"""``diff --all`` lists the unchanged cases in the text, and the HTML page left them out: the page a reviewer keeps
now lists them too (rows of kind « same »); without ``--all`` it shows only what changed, as before."""

from __future__ import annotations

from pathlib import Path

from test_diff_outputs_full_disk import sessions  # noqa: F401  (fixture)

from testbench.tools.diff import diff_tool


def test_all_lists_the_unchanged_cases_in_the_page_too(sessions: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    plain, every = tmp_path / "plain.html", tmp_path / "all.html"
    assert diff_tool(*sessions, html=plain).code == 0
    assert diff_tool(*sessions, html=every, show_same=True).code == 0
    assert 'class="k-same"' not in plain.read_text(encoding="utf-8")
    assert 'class="k-same"' in every.read_text(encoding="utf-8")
