"""An engine command's conformance to the protocol (``testbench engine check``; the workstation's
« Conformité du moteur », on the engine the bench is configured with)."""

from __future__ import annotations

from collections.abc import Sequence

from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from testbench.tools.result import ToolResult


def engine_check_tool(
    command: Sequence[str], *, timeout: float = 5.0, as_json: bool = False, engine_cards: str = "client"
) -> ToolResult:
    """Run the conformance kit on ``command`` (a leading ``--`` ignored), the engine told ``engine_cards`` as its
    cards mode; exit 0 conformant, 1 not (an engine that runs but starts wrongly too), 2 the engine command could
    not be launched or the cards not be given, or a check failed by the bench's own fault, 3 no command."""
    from testbench.cards.api import CardUnavailable
    from testbench.engines.protocol.conformance import run_checks
    from testbench.runner.engine_cards import kit_cards
    from testbench.runner.options import EMPTY_ENGINE_COMMAND, empty_engine_command

    argv = list(command)
    if argv and argv[0] == "--":
        argv = argv[1:]
    result = ToolResult()
    if not argv:
        return result.fail(EXIT_USAGE, lambda t, _lang: t("indiquez la commande du moteur après --"))
    if empty_engine_command(argv):  # `-- ""`: the rule of run --engine, not a launch that fails
        return result.fail(EXIT_USAGE, lambda t, _lang: t(EMPTY_ENGINE_COMMAND))
    try:
        with kit_cards(engine_cards) as cards:
            report = run_checks(argv, timeout=timeout, cards=cards)
    except CardUnavailable as exc:  # the PC/SC readers the engine would open are not there: the bench's
        problem = str(exc)
        return result.fail(EXIT_ENVIRONMENT, lambda t, _lang: t(problem))
    result.say(lambda _t, lang: report.as_json() if as_json else report.as_text(lang))
    if not report.concluded:  # the engine unavailable, or a check failed by the bench's own fault
        result.code = EXIT_ENVIRONMENT
    else:
        result.code = EXIT_OK if report.ok else EXIT_FAILED
    return result
