"""An engine command's conformance to the protocol (``testbench engine check``; the workstation's
« Conformité du moteur », on the engine the bench is configured with)."""

from __future__ import annotations

from collections.abc import Sequence

from testbench.runner.exits import EXIT_USAGE
from testbench.tools.result import ToolResult


def engine_check_tool(command: Sequence[str], *, timeout: float = 5.0, as_json: bool = False) -> ToolResult:
    """Run the conformance kit on ``command`` (a leading ``--`` ignored); exit 0 conformant, 1 not, 2 the
    engine could not be started or answer, or a check failed by the bench's own fault, 3 no command."""
    from testbench.engines.protocol.conformance import run_checks

    argv = list(command)
    if argv and argv[0] == "--":
        argv = argv[1:]
    result = ToolResult()
    if not argv:
        return result.fail(EXIT_USAGE, lambda t, _lang: t("indiquez la commande du moteur après --"))
    report = run_checks(argv, timeout=timeout)
    result.say(lambda _t, lang: report.as_json() if as_json else report.as_text(lang))
    result.code = report.exit_code  # 2 also for a check failed by the bench's own fault (« erreur du banc »)
    return result
