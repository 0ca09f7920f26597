"""``diff --html X --json Y`` writes both files or neither (session 22 leftover): a disk that filled while the
second was written left the first, complete, beside an exit 2 naming the second. Both are now written beside
their targets before either is renamed; ``wholefile.write_all`` is the rule."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest
from test_diff_outputs_full_disk import sessions  # noqa: F401  (fixture)

from testbench import wholefile
from testbench.runner.exits import EXIT_ENVIRONMENT
from testbench.tools.diff import diff_tool
from testbench.wholefile import UnwrittenFile, write_all


def _second_write_fills(monkeypatch: pytest.MonkeyPatch) -> None:
    real, calls = os.fdopen, []

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        calls.append(fd)
        if len(calls) == 2:
            os.close(fd)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, *args, **kwargs)

    monkeypatch.setattr(wholefile.os, "fdopen", fdopen)


def test_a_disk_full_on_the_second_file_leaves_the_first_as_it_was(
    sessions: tuple[Path, Path],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    html, data = out / "d.html", out / "d.json"
    html.write_text("previous", encoding="utf-8")
    _second_write_fills(monkeypatch)
    result = diff_tool(*sessions, html=html, json_file=data)
    assert result.code == EXIT_ENVIRONMENT
    said = [text for text, _error in result.texts("en")]
    assert any(str(data) in text and "disk full" in text for text in said), said
    assert sorted(p.name for p in out.iterdir()) == ["d.html"]  # no temporary file left
    assert html.read_text(encoding="utf-8") == "previous"
    monkeypatch.undo()
    result = diff_tool(*sessions, html=html, json_file=data)
    assert result.code == 0 and result.written == [html, data]
    assert html.read_text(encoding="utf-8") != "previous" and data.stat().st_size > 0


def test_write_all_names_the_file_it_could_not_write(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "missing" / "b"
    with pytest.raises(UnwrittenFile) as caught:
        write_all([(first, b"1"), (second, b"2")])
    assert caught.value.target == second and isinstance(caught.value.cause, OSError)
    assert list(tmp_path.iterdir()) == []


def test_html_and_json_naming_one_file_are_refused(sessions: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    """Audit s23-export 5: ``--html X --json X`` kept only the JSON, unsaid."""
    out = tmp_path / "same.out"
    result = diff_tool(*sessions, html=out, json_file=out)
    assert result.code == 3 and not out.exists()
    assert [text for text, _error in result.texts("en")][-1] == (
        f"the HTML and JSON outputs name the same file ({out}): give two files"
    )
