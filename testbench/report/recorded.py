"""The bench's own French words in a comparison's recorded values, read back in the output's language.

testbench.runner.compare records a trace expectation's expected value as a sentence (« présent /motif/ sur
engine ») and a refusal expectation's observed value as « accepté » when the step was accepted: the session keeps
them so; the report, the workstation and ``testbench diff`` show them in their language.
"""

from __future__ import annotations

from collections.abc import Callable

from testbench.i18n import _t

#: a refusal expectation's observed value when the step was accepted (testbench.runner.compare)
ACCEPTED = _t("accepté")


def recorded_words(kind: str, value: object, t: Callable[[str], str]) -> object:
    """``value`` in ``t``'s language when it is the bench's words (a trace sentence, « accepté » for a refusal),
    else as recorded (a code, an amount, a count: data)."""
    if isinstance(value, str) and (kind == "trace" or (kind == "refusal" and value == ACCEPTED)):
        return t(value)
    return value
