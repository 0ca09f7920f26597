"""Expected vs observed: one structured comparison per expectation.

The result is data (:class:`Comparison`), not text, so the TUI, the reports and the campaign diff
all show the same thing: expected, observed, tolerance, the normalisation rules applied, outcome.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import InvalidOperation
from typing import Any

from testbench import fmt
from testbench.casebook.model import Expectation, ExpectationKind
from testbench.domain import normalize
from testbench.domain.decimals import EURO, read_decimal, units_at
from testbench.domain.observe import canonical, lookup
from testbench.domain.verdict import Verdict
from testbench.domain.vocabulary import TELESERVICE_INVALID_ANSWER, TELESERVICE_UNAVAILABLE, is_amount
from testbench.i18n import tn
from testbench.traces.model import TraceLine


@dataclass(frozen=True)
class Comparison:
    """One expectation compared: expected, observed, tolerance, rules applied and the outcome."""

    expectation_id: str
    kind: str
    outcome: Verdict  # PASS, FAIL, ERROR (the expectation is unusable), INCONCLUSIVE (a téléservice failed)
    message: str
    path: str = ""
    step: str | None = None
    expected: str = ""
    observed: str | None = None
    tolerance: str | None = None
    value_type: str = ""
    rules: tuple[str, ...] = ()
    evidence: tuple[str, ...] = field(default_factory=tuple)  # trace lines that decided it

    def as_dict(self) -> dict[str, Any]:
        return {
            "expectation_id": self.expectation_id,
            "kind": self.kind,
            "outcome": self.outcome.value,
            "message": self.message,
            "path": self.path,
            "step": self.step,
            "expected": self.expected,
            "observed": self.observed,
            "tolerance": self.tolerance,
            "value_type": self.value_type,
            "rules": list(self.rules),
            "evidence": list(self.evidence),
        }


class _BadValue(ValueError):
    pass


#: What a value of each expectation type must be, in words: a message says what was needed, not a type's name
TYPE_NEEDS = {"decimal": "un nombre", "integer": "un nombre entier", "date": "une date", "boolean": "oui ou non"}


def _parse(value_type: str, text: str, units: Collection[str] = (EURO,)) -> Any:
    """``text`` as a value of ``value_type``; a decimal may have one of ``units`` (``units_at`` its path's)."""
    try:
        if value_type == "decimal":  # as the product shows it: « 1 234,56 € », "€1,234.56", « 0,5 », « 60 % »
            if (number := read_decimal(text, units)) is None:
                raise _BadValue(text)
            return number
        if value_type == "integer":
            return int(text.strip())
        if value_type == "date":
            return date.fromisoformat(normalize.RULES["date"](text))
        if value_type == "boolean":
            flag = fmt.parse_boolean(text)
            if flag is None:
                raise _BadValue(text)
            return flag
    except (InvalidOperation, ValueError) as exc:
        raise _BadValue(text) from exc
    return text


def reading(value_type: str, text: str, rules: Sequence[str] = (), units: Collection[str] = (EURO,)) -> Any:
    """What ``text`` is to the comparison as a value of ``value_type`` after the normalisation ``rules``: the
    reading an expected and an observed value get, for whoever must tell two written values apart by meaning
    (an export comparing a document's expected values with the session's); ``units`` as for ``_parse``.
    Raises ValueError when it is none."""
    return _parse(value_type, normalize.apply(rules, text), units)


#: the most characters of a value a comparison's sentence quotes: the value itself is recorded whole beside it
QUOTED_MAX = 200


def _quoted(text: str) -> str:
    """A value as a sentence quotes it: a control character the product wrote shown (``⟨U+001B⟩``), never sent raw
    to a terminal or a report, and a very long value cut with « … » (a megabyte pasted into a field)."""
    return fmt.shown(text, QUOTED_MAX)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " ".join(_as_text(v) for v in value)
    return str(value)


def compare_value(
    exp: Expectation, observations: Mapping[str, Any], finished: Collection[str] | None = None
) -> Comparison:
    """``finished``: the steps that ended before the case stopped (``None``: the case ran to its end). A
    value a stopped case never reached is not evaluated (« non exécuté »), not failed: a case waiting for
    its manual step is pending, and its attestation's values are not « absent »."""
    tolerance = str(exp.tolerance) if exp.tolerance is not None else None
    base = {
        "expectation_id": exp.id,
        "kind": exp.kind.value,
        "path": exp.path,
        "step": exp.step,
        "expected": exp.expected,
        "tolerance": tolerance,
        "value_type": exp.value_type,
        "rules": exp.normalize,
    }
    try:
        raw = lookup(observations, exp.path)
    except KeyError:
        if finished is not None and (exp.step is None or exp.step not in finished):
            message = (
                f"valeur non observée : l'étape {exp.step} n'a pas abouti"
                if exp.step
                else "valeur non observée : le cas s'est arrêté avant"
            )
            return Comparison(outcome=Verdict.NONE, message=message, **base)
        return Comparison(outcome=Verdict.FAIL, message=f"valeur absente : {exp.path}", **base)
    observed_text = _as_text(raw)
    units = units_at(exp.path)  # « 33,60 % » is no amount, « 60 € » no rate
    try:
        expected = _parse(exp.value_type, normalize.apply(exp.normalize, exp.expected), units)
    except _BadValue:
        return Comparison(
            outcome=Verdict.ERROR,
            message=f"valeur attendue « {_quoted(exp.expected)} » : ce n'est pas {TYPE_NEEDS[exp.value_type]}",
            observed=observed_text,
            **base,
        )
    try:
        observed = _parse(exp.value_type, normalize.apply(exp.normalize, observed_text), units)
    except _BadValue:
        return Comparison(
            outcome=Verdict.FAIL,
            message=f"valeur observée « {_quoted(observed_text)} » : ce n'est pas {TYPE_NEEDS[exp.value_type]}",
            observed=observed_text,
            **base,
        )
    # the message is a sentence for a person (amounts as money, « 56,00 € »); expected and observed stay as recorded
    if exp.value_type == "decimal" and exp.tolerance is not None:
        delta = abs(observed - expected)
        ok = delta <= exp.tolerance
        gap, limit = (fmt.typed("decimal", str(v), "fr", is_amount(exp.path)) for v in (delta, exp.tolerance))
        detail = f"écart {gap} {'≤' if ok else '>'} tolérance {limit}"
    else:
        ok = observed == expected
        detail = "égal" if ok else "différent"
    amount = is_amount(exp.path)
    shown = (_quoted(fmt.typed(exp.value_type, text, "fr", amount)) for text in (exp.expected, observed_text))
    message = "attendu {}, observé {} ({})".format(*shown, detail)
    return Comparison(outcome=Verdict.PASS if ok else Verdict.FAIL, message=message, observed=observed_text, **base)


def compare_refusal(
    exp: Expectation, refusals: Mapping[str, str], steps_run: Iterable[str], services_failed: Collection[str] = ()
) -> Comparison:
    """``refusals`` maps a step id to the refusal code the engine gave for it; ``services_failed`` holds the steps
    whose téléservice really failed (a fault injected, no answer, a 5xx: runner.runner)."""
    base = {"expectation_id": exp.id, "kind": exp.kind.value, "step": exp.step, "expected": exp.code}
    step = exp.step or ""
    if step not in set(steps_run):
        return Comparison(outcome=Verdict.FAIL, message=f"l'étape {step} n'a pas été exécutée", **base)
    code = refusals.get(step)
    if code is None:
        return Comparison(
            outcome=Verdict.FAIL,
            message=f"refus {exp.code} attendu à l'étape {step}, mais l'étape a été acceptée",
            observed="accepté",
            **base,
        )
    outcome, why = (Verdict.PASS, "") if code == exp.code else _refused_instead(exp.code, code, step in services_failed)
    message = f"refus attendu {exp.code}, refus observé {code}"
    if why:  # the service's failure, not the product's: said first (one sentence, as the catalogue reads it)
        message = f"{why} : refus attendu {exp.code}, refus observé {code}"
    return Comparison(outcome=outcome, message=message, observed=code, **base)


#: A téléservice that did not answer usably: the verdict docs/teleservices.md § Verdicts gives it when the case
#: expected something else of the step, and why (the service's failure, not the product's).
_SERVICE_FAILED = {
    TELESERVICE_UNAVAILABLE: (Verdict.INCONCLUSIVE, "le téléservice n'a pas répondu, rien à conclure sur le produit"),
    TELESERVICE_INVALID_ANSWER: (Verdict.ERROR, "la réponse du téléservice était inexploitable, défaut de l'exécution"),
}


def _refused_instead(expected: str, code: str, service_failed: bool) -> tuple[Verdict, str]:
    """The verdict of a step refused ``code`` where the case expects ``expected``: the product's failure, unless
    the service really failed (``service_failed``) where the case expects one of its answers (APCV_REFUSED…). A
    service failure the service never had is the product's invention. A case expecting a service failure
    injected it (``validate`` makes sure its fault gives that refusal): the other one is the product's mistake."""
    if service_failed and code in _SERVICE_FAILED and expected not in _SERVICE_FAILED:
        return _SERVICE_FAILED[code]
    return Verdict.FAIL, ""


def compare_trace(exp: Expectation, lines: Iterable[TraceLine], finished: Collection[str] | None = None) -> Comparison:
    """``finished`` as for :func:`compare_value`: a line a stopped case never got to write is not observed
    (« non exécuté »), not failed; a line it did write counts (a forbidden one fails, a wanted one passes)."""
    base = {
        "expectation_id": exp.id,
        "kind": exp.kind.value,
        "step": exp.step,
        "expected": f"{'absent' if exp.absent else 'présent'} /{exp.pattern}/ sur {exp.channel}",
        "path": exp.channel,
    }
    try:
        pattern = re.compile(exp.pattern)
    except fmt.REGEX_ERRORS as exc:
        return Comparison(outcome=Verdict.ERROR, message=f"motif invalide : {fmt.regex_reason(exc)}", **base)
    hits = [
        line.text
        for line in lines
        if line.channel == exp.channel and (exp.step is None or line.step_id == exp.step) and pattern.search(line.text)
    ]
    where = f"à l'étape {exp.step}" if exp.step else "pendant le cas"
    cut = finished is not None and (exp.step is None or exp.step not in finished)
    if cut and not hits:  # the lines the step would have written: it never completed
        message = (
            f"ligne non observée : l'étape {exp.step} n'a pas abouti"
            if exp.step
            else "ligne non observée : le cas s'est arrêté avant"
        )
        return Comparison(outcome=Verdict.NONE, message=message, observed="0", **base)
    if exp.absent:
        ok = not hits
        message = (
            f"aucune ligne {where}"
            if ok
            else tn(
                "{count} ligne interdite {where}", "{count} lignes interdites {where}", len(hits), "fr", where=where
            )
        )
    else:
        ok = bool(hits)
        message = (
            tn("{count} ligne trouvée {where}", "{count} lignes trouvées {where}", len(hits), "fr", where=where)
            if ok
            else f"aucune ligne ne correspond {where}"
        )
    return Comparison(
        outcome=Verdict.PASS if ok else Verdict.FAIL,
        message=message,
        observed=str(len(hits)),
        evidence=tuple(hits[:5]),
        **base,
    )


def evaluate(
    expectations: Iterable[Expectation],
    observations: Mapping[str, Any],
    refusals: Mapping[str, str],
    steps_run: Iterable[str],
    lines: Iterable[TraceLine],
    by_step: Mapping[str, Mapping[str, Any]] | None = None,
    finished: Collection[str] | None = None,
    services_failed: Collection[str] = (),
) -> list[Comparison]:
    """``observations`` are the case's (a later step's value replacing an earlier one's); ``by_step`` what each
    step produced, so that a value expectation naming a step reads that step's value (two invoices, two lots);
    ``services_failed`` the steps whose téléservice really failed (:func:`compare_refusal`)."""
    steps_run = list(steps_run)
    lines = list(lines)
    observations = canonical(observations)  # attested values arrive keyed by path ("manual.lines[0].amo")
    own: dict[str, dict[str, Any]] = {}
    out = []
    for exp in expectations:
        if exp.kind is ExpectationKind.VALUE:
            out.append(compare_value(exp, _observations_for(exp, observations, by_step or {}, own), finished))
        elif exp.kind is ExpectationKind.REFUSAL:
            out.append(compare_refusal(exp, refusals, steps_run, services_failed))
        else:
            out.append(compare_trace(exp, lines, finished))
    return out


def _observations_for(
    exp: Expectation,
    observations: dict[str, Any],
    by_step: Mapping[str, Mapping[str, Any]],
    own: dict[str, dict[str, Any]],
) -> Mapping[str, Any]:
    """The observations a value expectation is compared with: its step's own when that step produced the
    path's root (``invoice`` for ``invoice.totals.amo``), else the case's (a manual step, no step named)."""
    produced = by_step.get(exp.step) if exp.step else None
    if produced is None or re.split(r"[.\[]", exp.path, maxsplit=1)[0] not in produced:
        return observations
    if exp.step not in own:
        # the values the case's canonical tree holds as they are (the same objects) are canonical already
        held = all(observations.get(key) is value for key, value in produced.items())
        own[exp.step] = produced if held and isinstance(produced, dict) else canonical(produced)
    return own[exp.step]
