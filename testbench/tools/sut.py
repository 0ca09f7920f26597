"""Try an application profile now (``testbench sut check``; the workstation's « Profil du logiciel »)."""

from __future__ import annotations

from pathlib import Path

from testbench.runner.exits import EXIT_OK, EXIT_USAGE
from testbench.tools.result import ToolResult


def sut_check_tool(profile: Path, *, lines: int = 10) -> ToolResult:
    """What the profile captures and extracts now, each log source's last ``lines`` lines; exit 3 when the
    profile does not load or an extractor cannot read what is there."""
    from testbench.sut.check import check_profile, render
    from testbench.sut.profile import SutProfileError, load_profile

    result = ToolResult()
    try:
        loaded = load_profile(profile)
    except SutProfileError as exc:
        refused = exc
        return result.fail(EXIT_USAGE, lambda _t, lang: refused.text(lang))
    report = check_profile(loaded, lines=max(1, lines))
    result.say(lambda t, _lang: "\n".join(render(report, t)))
    result.code = EXIT_OK if report.ok else EXIT_USAGE
    return result
