"""The exit codes of every ``testbench`` command, and the one mapping from a campaign's verdicts to them.

0 all passed; 1 some case failed; 2 an inconclusive, error or pending verdict is present (environment
or bench fault, not concluded); 3 invalid input or usage.
"""

from __future__ import annotations

from collections.abc import Iterable

from testbench.domain.verdict import Verdict

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ENVIRONMENT = 2
EXIT_USAGE = 3


def exit_code(verdicts: Iterable[str]) -> int:
    """0 all passed; 1 some failed; 2 inconclusive, error or pending present (not concluded)."""
    present = set(verdicts)
    if present & {Verdict.ERROR, Verdict.INCONCLUSIVE, Verdict.PENDING, Verdict.NONE}:
        return EXIT_ENVIRONMENT
    if Verdict.FAIL in present:
        return EXIT_FAILED
    return EXIT_OK
