"""Try an application profile now (``testbench sut check``; the workstation's « Profil du logiciel »)."""

from __future__ import annotations

from pathlib import Path

from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE
from testbench.tools.result import ToolResult


def sut_check_tool(profile: Path, *, lines: int = 10) -> ToolResult:
    """What the profile captures and extracts now, each log source's last ``lines`` lines; exit 3 when the
    profile does not load or an extractor cannot read what is there, else 2 when something it declares is not
    there (a log that matches no file, an output folder that does not exist: each said as a warning)."""
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
    warnings = report.warnings
    for warning in warnings:  # composed in French, read back in the language shown
        result.warn(lambda t, _lang, warning=warning: t(warning))
    result.code = EXIT_USAGE if not report.ok else EXIT_ENVIRONMENT if warnings else EXIT_OK
    return result
