"""``returns.paid`` and the other RSP-only amounts, expected from a ``read-returns`` of an ARL scenario, can never be
observed: validate passed such a case, which then failed at run time (audit s30). It is refused at the path."""

from __future__ import annotations

from pathlib import Path

import pytest
from minimal_casebook import MINIMAL, write_casebook

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook

SECURE = '<secure id="s-secure"/>'
TOTAL = '<value id="e-total"'


def _write(tmp_path: Path, scenarios: list[str], path: str, step: str | None = "s-ret-0") -> Path:
    reads = "".join(
        f'\n        <build-lot id="s-lot-{n}"/>\n        <read-returns id="s-ret-{n}" {scenario}/>'
        for n, scenario in enumerate(scenarios)
    )
    on = f' step="{step}"' if step else ""
    value = f'<value id="e-ret"{on} path="{path}" type="decimal" expected="33.60"/>\n        '
    text = MINIMAL.replace('domain="fse"', 'domain="lot"').replace(SECURE, SECURE + reads).replace(TOTAL, value + TOTAL)
    return write_casebook(tmp_path, text)


def _problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    return [(p.text("fr"), p.text("en")) for p in info.value.problems]


@pytest.mark.parametrize("path", ["returns.paid", "returns.due", "returns.unpaid", "returns.details[0].amount_paid"])
@pytest.mark.parametrize("scenario", ['scenario="arl-positive"', 'scenario="arl-negative"'])
def test_an_rsp_amount_from_an_arl_is_refused_at_the_path(tmp_path: Path, path: str, scenario: str) -> None:
    written = _write(tmp_path, [scenario], path)
    [(fr, en)] = _problems(written)
    read = scenario.split('"')[1]
    assert f"« {path} » n'est donné que par un retour RSP" in fr and f"« s-ret-0 » lit un ARL ({read})" in fr, fr
    assert f'“{path}” is given by an RSP return only' in en and f'step “s-ret-0” reads an ARL ({read})' in en, en
    line, text = next((n, t) for n, t in enumerate(written.read_text().splitlines(), 1) if 'id="e-ret"' in t)
    assert fr.startswith(f"{written}:{line}:{text.index(' path=') + 2}:"), fr


def test_without_a_step_it_is_refused_when_the_case_reads_only_arls(tmp_path: Path) -> None:
    written = _write(tmp_path, ['scenario="arl-positive"', 'scenario="arl-negative"'], "returns.paid", step=None)
    [(fr, _en)] = _problems(written)
    assert "le cas ne lit que des ARL (arl-negative, arl-positive)" in fr, fr


@pytest.mark.parametrize(
    ("scenarios", "step"),
    [
        (['scenario="rsp-paid"'], "s-ret-0"),
        (['scenario="rsp-partial" paid="10.00"'], "s-ret-0"),
        (['scenario="arl-positive"', 'scenario="rsp-paid"'], None),
        (['scenario="arl-positive"', 'scenario="rsp-paid"'], "s-ret-1"),
    ],
)
def test_an_rsp_amount_from_an_rsp_is_fine(tmp_path: Path, scenarios: list[str], step: str | None) -> None:
    assert load_casebook(_write(tmp_path, scenarios, "returns.paid", step=step)).case("T-001")


def test_a_missing_scenario_is_the_schemas_problem_alone(tmp_path: Path) -> None:
    [(fr, _en)] = _problems(_write(tmp_path, [""], "returns.paid"))
    assert "« scenario » manquant" in fr, fr


def test_what_an_arl_gives_is_fine(tmp_path: Path) -> None:
    text_path = _write(tmp_path, ['scenario="arl-positive"'], "returns.status").read_text()
    path = write_casebook(tmp_path, text_path.replace('type="decimal" expected="33.60"/>\n        <value id="e-total"',
                                                      'expected="accepted"/>\n        <value id="e-total"'))
    assert load_casebook(path).case("T-001")
