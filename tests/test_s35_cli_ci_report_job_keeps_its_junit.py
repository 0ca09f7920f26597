"""docs/ci.md: each report job keeps, in its artifacts, every file its ``testbench report`` writes — the book and
the ``--junit`` file the recipe asks for (« the ``--junit`` file the recipes keep »): a file written and not
uploaded is gone with the runner."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

DOC = Path(__file__).resolve().parents[1] / "docs" / "ci.md"


def definitions() -> dict[str, dict[str, Any]]:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    parsed = [yaml.safe_load(block) for block in blocks]
    return {"github" if "jobs" in d else "gitlab": d for d in parsed}


def report_job(ci: str) -> tuple[list[str], list[str]]:
    """The report job's shell lines and the paths its artifacts keep."""
    definition = definitions()[ci]
    if ci == "github":
        job = definition["jobs"]["report"]
        lines = [line for step in job["steps"] if "run" in step for line in step["run"].splitlines()]
        (upload,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        return lines, upload["with"]["path"].split()
    job = definition["report"]
    return list(job["script"]), list(job["artifacts"]["paths"])


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_the_report_job_uploads_its_book_and_its_junit(ci: str) -> None:
    lines, kept = report_job(ci)
    (report,) = [line for line in lines if line.startswith("testbench report ")]
    written = [re.search(r"-o (\S+)", report)[1] + "/", re.search(r"--junit (\S+)", report)[1]]  # type: ignore[index]
    for path in written:
        assert any(fnmatch.fnmatch(path, pattern) for pattern in kept), (ci, path, kept)
