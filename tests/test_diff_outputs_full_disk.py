"""``diff --html/--json`` on a full disk (audit s22-verify2): it exited 3 and left a cut file where ``export``
exits 2 and leaves nothing. Each file is now written whole or not at all and a full disk exits 2; a path refused
for another reason still exits 3; a link is written through."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from testbench.casebook.loader import load_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import record_casebooks
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE
from testbench.store.session import SessionStore
from testbench.tools.diff import diff_tool


def _session(path: Path) -> Path:
    with SessionStore.open(path) as store:
        record_casebooks(store, load_casebooks([CASEBOOKS_DIR / "demo.xml"]))
        run_id = store.begin_run(["run"], {}, {})
        for sha, case_id in store.conn.execute("SELECT casebook_sha, case_id FROM cases").fetchall()[:3]:
            store.finish_attempt(store.start_attempt(run_id, sha, case_id), "pass", "")
        store.end_run(run_id)
    return path


@pytest.fixture
def sessions(tmp_path: Path) -> tuple[Path, Path]:
    return _session(tmp_path / "a.tbsession"), _session(tmp_path / "b.tbsession")


def _filling(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the file is written: half of it lands, then ENOSPC."""
    from testbench.office import export

    real = os.fdopen

    class Filling:
        def __init__(self, stream: Any) -> None:
            self.stream = stream

        def __enter__(self) -> Filling:
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()

        def write(self, data: bytes) -> int:
            self.stream.write(data[: len(data) // 2])
            self.stream.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export.os, "fdopen", lambda fd, *a, **k: Filling(real(fd, *a, **k)))


@pytest.mark.parametrize("option", ["html", "json_file"])
def test_a_full_disk_leaves_nothing_and_exits_2(
    sessions: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str
) -> None:
    out = tmp_path / "out" / "d.file"
    _filling(monkeypatch)
    result = diff_tool(*sessions, **{option: out})
    assert result.code == EXIT_ENVIRONMENT
    assert any("disque plein" in text for text, _error in result.texts("fr"))
    assert list(out.parent.iterdir()) == []  # no cut file, no temporary one
    monkeypatch.undo()
    assert diff_tool(*sessions, **{option: out}).code == 0 and out.stat().st_size > 0


def test_a_path_refused_for_another_reason_still_exits_3(sessions: tuple[Path, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert diff_tool(*sessions, html=blocker / "d.html").code == EXIT_USAGE


def test_a_link_is_written_through(sessions: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert diff_tool(*sessions, json_file=link).code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("{")
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
