"""``D``'s reference session (A) by default: the newest other session beside the open one that shares a plan
with it — the comparison lines cases up by plan and id, and refuses two sessions with none in common."""

from __future__ import annotations

import os
from pathlib import Path

from test_tui_helpers import sample_casebook

from testbench.casebook.loader import load_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.tui.tools import ToolContext, _other_session
from testbench.tui.workstation import Workstation


def session_of(casebooks, path: Path, mtime: float) -> Path:
    ws = Workstation(casebooks, path)
    ws.prepare()
    ws.close()
    os.utime(path, (mtime, mtime))
    return path


def test_the_reference_is_the_newest_session_sharing_a_plan(tmp_path: Path) -> None:
    mine = sample_casebook(tmp_path)
    demo = load_casebooks([CASEBOOKS_DIR / "demo.xml"])
    open_one = session_of([mine], tmp_path / "b.tbsession", 4_000_000)
    session_of([mine], tmp_path / "older-same-plan.tbsession", 1_000_000)
    same = session_of([mine], tmp_path / "same-plan.tbsession", 2_000_000)
    session_of(demo, tmp_path / "newest-other-plan.tbsession", 3_000_000)
    (tmp_path / "not-a-session.tbsession").write_text("rien", encoding="utf-8")
    os.utime(tmp_path / "not-a-session.tbsession", (5_000_000, 5_000_000))
    ctx = ToolContext(open_one, (), None, None, "inprocess", None, "fr")
    assert _other_session(ctx) == str(same)


def test_no_session_sharing_a_plan_leaves_the_field_empty(tmp_path: Path) -> None:
    open_one = session_of([sample_casebook(tmp_path)], tmp_path / "b.tbsession", 2_000_000)
    session_of(load_casebooks([CASEBOOKS_DIR / "demo.xml"]), tmp_path / "other.tbsession", 3_000_000)
    assert _other_session(ToolContext(open_one, (), None, None, "inprocess", None, "fr")) == ""
