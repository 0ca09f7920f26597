"""What a person keys for an observed value, read as the comparison will read it (no Textual).

The manual-step window and the window of the values read take what the operator keys; the case's value
expectations on that path decide, when the case ends, whether it passes. A value their type cannot read
(« o » for a boolean, « cinq euros » for an amount) would be recorded and fail the case as « not of the
type »: one slip, a final ✘. The windows ask :func:`misread` first, which runs the comparison itself
(``runner.compare.compare_value``) on the value keyed against itself: a value it can read compares equal to
itself, one it cannot is « not of the type ». So what the window accepts is exactly what the comparison
reads (its parsers: ``domain.decimals.read_decimal``, ``fmt.parse_boolean``, the date rule, and the
expectation's own normalisation rules), never a second reader that could disagree with it. A value the case
does not expect (an optional field) is read by its path's type (:func:`path_type`: an amount, a count, oui/non),
so « beaucoup » is no more recorded as a total there than where the case expects one.
"""

from __future__ import annotations

from dataclasses import replace

from testbench.casebook.model import Case, Expectation, ExpectationKind
from testbench.domain.observe import unflatten
from testbench.domain.verdict import Verdict
from testbench.domain.vocabulary import is_amount
from testbench.i18n import _t
from testbench.runner.compare import compare_value

#: What the window says of a value its type cannot read, by expectation type (``{field}``: the field's label,
#: ``{value}``: what was keyed); a type not listed reads any text (``string``)
MISREAD = {
    "decimal": _t("{field} : « {value} » n'est pas un nombre ; tapez-le comme l'écran l'écrit (5,90 ou 5,90 €)"),
    "integer": _t("{field} : « {value} » n'est pas un nombre entier"),
    "date": _t("{field} : « {value} » n'est pas une date ; tapez-la JJ/MM/AAAA ou AAAA-MM-JJ"),
    "boolean": _t("{field} : « {value} » n'est ni oui ni non"),
}
#: a type the comparison would read otherwise (none today: ``string`` reads any text)
MISREAD_OTHER = _t("{field} : « {value} » n'est pas une valeur que la comparaison sait lire")


#: The type of a value no expectation types, by the last name of its path (an amount: ``is_amount``): the
#: operator window's typed fields (``engines.operator.engine.FIELDS``) and their kin; any other reads any text
PATH_TYPES = {
    "rate": "decimal",
    **dict.fromkeys(("invoice_count", "line_count", "count", "rank"), "integer"),
    **dict.fromkeys(("rights_open", "qualified"), "boolean"),
}


def path_type(path: str) -> str:
    """The type a value keyed at ``path`` reads as when the case expects nothing there (``string``: any text)."""
    if is_amount(path):
        return "decimal"
    return PATH_TYPES.get(path.rpartition(".")[2].partition("[")[0], "string")


def expectations_on(case: Case, path: str) -> list[Expectation]:
    """The case's value expectations on ``path``: what decides whether a value keyed there passes."""
    return [e for e in case.expectations if e.kind is ExpectationKind.VALUE and e.path == path]


def expected_at(case: Case, step_id: str, path: str, value: str) -> list[tuple[Expectation, bool]]:
    """The case's value expectations on ``path`` at step ``step_id`` (or on the whole case), each with whether
    ``value``, as read, passes it — by the comparison itself, as the case's end will find it."""
    return [
        (e, compare_value(e, unflatten({path: value})).outcome is Verdict.PASS)
        for e in expectations_on(case, path)
        if not e.step or e.step == step_id
    ]


def readable(expectation: Expectation, text: str) -> bool:
    """Whether the comparison of ``expectation`` can read ``text`` as an observed value of its type."""
    probe = replace(expectation, expected=text, tolerance=None)
    return compare_value(probe, unflatten({expectation.path: text})).outcome is Verdict.PASS


def misread(case: Case, path: str, text: str) -> str | None:
    """The sentence (French, ``{field}`` and ``{value}`` to fill) saying that ``text`` keyed for ``path`` is not
    of the type the case expects there (none: of its path's type, :func:`path_type`); None when it reads."""
    expectations = expectations_on(case, path) or [
        Expectation(id="", kind=ExpectationKind.VALUE, path=path, value_type=path_type(path))
    ]
    for expectation in expectations:
        if not readable(expectation, text):
            return MISREAD.get(expectation.value_type, MISREAD_OTHER)
    return None


__all__ = ["MISREAD", "MISREAD_OTHER", "PATH_TYPES", "expectations_on", "misread", "path_type", "readable"]
