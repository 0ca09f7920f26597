"""``testbench new case`` tells a disk's fault from the path's by the tools' one list
(:data:`testbench.tools.result.DISK_FAULTS`), not a copy of its own that could drift."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from testbench.casebook import scaffold
from testbench.tools import result
from testbench.tools.new_case import new_case_tool


def _refused(code: int):  # type: ignore[no-untyped-def]
    def write(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, "refused")

    return write


def test_the_exit_code_follows_the_tools_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scaffold, "write_new_casebook", _refused(errno.EROFS))
    assert new_case_tool("fse", "securise", "FSE-NEW-01", output=tmp_path / "cb.xml").code == 3
    monkeypatch.setattr(result, "DISK_FAULTS", result.DISK_FAULTS | {errno.EROFS})
    assert new_case_tool("fse", "securise", "FSE-NEW-01", output=tmp_path / "cb.xml").code == 2
    monkeypatch.setattr(scaffold, "write_new_casebook", _refused(errno.ENOSPC))
    done = new_case_tool("fse", "securise", "FSE-NEW-01", output=tmp_path / "cb.xml")
    assert done.code == 2
