"""The run path's per-case work outside the cards and the store (issue 16 §1): observations flattened and checked
in as few walks as it takes, an invoice request's coverage parsed for the dates it gives."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fakes import value

from testbench.domain import observe
from testbench.domain.verdict import Verdict
from testbench.runner import compare


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    """Count the calls of ``observe.<name>`` (a recursive function calls itself through the module too)."""
    calls: list[Any] = []
    real = getattr(observe, name)
    monkeypatch.setattr(observe, name, lambda *args: calls.append(args) or real(*args))
    return calls


def test_flatten_walks_the_nodes_not_the_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch, "_flatten_into")
    tree = {"a": 1, "b": {"c": "2", "d": [3, None, {"e": True}]}, "f": {}, "g": []}
    assert observe.flatten(tree) == {
        "a": 1,
        "b.c": "2",
        "b.d[0]": 3,
        "b.d[1]": None,
        "b.d[2].e": True,
        "f": {},
        "g": [],
    }
    assert len(calls) == 6  # the root, b, b.d, b.d[2], f, g: a leaf is written by its parent


def _invoice(amo: str) -> dict[str, Any]:
    return {"invoice": {"totals": {"amo": amo}, "lines": [{"amo": amo, "rule": "taux-de-base"}]}}


def test_a_step_whose_values_the_case_holds_is_not_walked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The case's tree is checked once; the step's own values are those same objects: not checked again."""
    vitale = {"vitale": {"nir": "1800175000000", "beneficiaries": [{"rank": 1, "coverage": {"ald": False}}]}}
    invoice = _invoice("33.60")
    observations = {**vitale, **invoice}
    walks = _counting(monkeypatch, "_plain_names")
    expectations = [
        value("e1", "invoice.totals.amo", "33.60", step="s-inv"),
        value("e2", "vitale.nir", "1800175000000"),
    ]
    comparisons = compare.evaluate(
        expectations, observations, {}, ["s-vit", "s-inv"], [], {"s-vit": vitale, "s-inv": invoice}
    )
    assert [c.outcome for c in comparisons] == [Verdict.PASS, Verdict.PASS]
    assert [args[0] for args in walks] == [observations]


def test_a_step_whose_values_a_later_step_replaced_is_still_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _invoice("33.60"), _invoice("10.00")
    walks = _counting(monkeypatch, "_plain_names")
    expectations = [value("e1", "invoice.totals.amo", "33.60", step="s1"), value("e2", "invoice.totals.amo", "10.00")]
    comparisons = compare.evaluate(expectations, {**second}, {}, ["s1", "s2"], [], {"s1": first, "s2": second})
    assert [c.outcome for c in comparisons] == [Verdict.PASS, Verdict.PASS]
    assert [args[0] for args in walks] == [second, first]  # the first invoice is not in the case's tree: checked


def test_a_step_with_path_like_keys_is_expanded_for_its_own_expectation() -> None:
    keyed = {"invoice": {"totals.amo": "5.00"}}
    comparisons = compare.evaluate(
        [value("e1", "invoice.totals.amo", "5.00", step="s1")], {"other": 1}, {}, ["s1"], [], {"s1": keyed}
    )
    assert [c.outcome for c in comparisons] == [Verdict.PASS]


def test_a_card_read_coverage_parses_only_the_dates_it_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Vitale read gives every flag's period, mostly empty: only given dates are parsed (and checked)."""
    from testbench.engines.reference import model
    from testbench.engines.reference.refusals import EngineRefusal

    parsed: list[Any] = []
    real = model._date
    monkeypatch.setattr(model, "_date", lambda value, field, **kw: parsed.append(field) or real(value, field, **kw))
    read = {name: False for name in model._FLAGS} | {
        f"{name}_{end}": None for name in model._FLAGS for end in ("start", "end")
    }
    coverage = model.parse_coverage({**read, "ald": True, "ald_end": "2030-12-31", "rights_start": "2024-01-01"})
    assert coverage.ald and coverage.periods == {"ald": (None, date(2030, 12, 31))}
    assert parsed == [
        "beneficiary.coverage.ald_start",
        "beneficiary.coverage.ald_end",
        "beneficiary.coverage.rights_start",
        "beneficiary.coverage.rights_end",
    ]
    with pytest.raises(EngineRefusal, match=r"beneficiary\.coverage\.c2s_start"):
        model.parse_coverage({**read, "c2s_start": "2024-13-01"})
