"""A value the operator keys in assisted mode, where no extractor gave it (audit, item 3): it is recorded as a
correction is (« 33,60 » as « 33.60 »), and the exam book says where it comes from — « saisi par l'opérateur :
33,60 € » / "keyed by the operator: €33.60" — beside the observed amount, itself written as money."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import CASE, CASEBOOK, PROFILE, REPO, TIMEOUT, StandInApplication, _observations

from testbench.casebook.loader import load_casebook
from testbench.domain.attestation import Attestation
from testbench.report.build import BuildOptions, build_report
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions


class NoLotApplication(StandInApplication):
    """Writes no lot: the operator keys its AMO total as the application's screen shows it, French comma."""

    def perform(self, case: Any, step: Any) -> Attestation | None:
        if step.params["engine_call"] == "build_lot":
            return Attestation(True, "Camille", "", {"lot.totals.amo": "33,60"})
        return super().perform(case, step)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("keyed")
    app = tmp / "app"
    for folder in ("logs", "out/fse", "out/lots"):
        (app / folder).mkdir(parents=True)
    (app / "logs" / "app.log").write_text("", encoding="cp1252")
    (app / "sut.toml").write_text(PROFILE, encoding="utf-8")
    (tmp / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp / "cards")
    book = tmp / "assisted.xml"
    book.write_text(CASEBOOK.format(cases=CASE.format(id="T-KEY")), encoding="utf-8")
    casebook = load_casebook(book)
    path = tmp / "s.tbsession"
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=TIMEOUT, sut_profile=app / "sut.toml")
    )
    result = Campaign([casebook], path, options, operator=NoLotApplication(app)).run_selection(
        [(casebook, case) for case in casebook.cases]
    )
    assert result.verdicts == {"T-KEY": "pass"}, result.verdicts
    return path


def test_a_keyed_amount_is_recorded_as_an_extractor_writes_it(session: Path) -> None:
    keyed = _observations(session)["T-KEY"]["lot.totals.amo"]
    assert (keyed["value"], keyed["source"], keyed["provenance"]) == ("33.60", "operator", None)


@pytest.mark.parametrize(
    ("lang", "said"),
    [("fr", "saisi par l'opérateur : 33,60\u00a0€"), ("en", "keyed by the operator: €33.60")],
)
def test_the_book_says_the_operator_keyed_it_and_writes_it_as_money(
    session: Path, tmp_path: Path, lang: str, said: str
) -> None:
    built = build_report(session, tmp_path / lang, BuildOptions(junit=False, lang=lang))
    (case,) = json.loads((built.folder / "report.json").read_text(encoding="utf-8"))["cases"]
    lot = next(c for c in case["comparisons"] if c["path"] == "lot.totals.amo")
    assert (lot["observed"], lot["origin"]) == ("33.60", said)
    observed = {o["path"]: o for o in case["observations"]}
    assert observed["lot.totals.amo"]["origin"] == said
    assert observed["lot.operator"]["origin"] == ""  # who performed the step: no value read off the screen
    html = built.html.read_text(encoding="utf-8").replace("&#39;", "'")
    money = "33,60\u00a0€" if lang == "fr" else "€33.60"
    assert f'{money}<br><span class="muted origin">{said}</span>' in html, html[html.find("lot.totals.amo") :][:600]


@pytest.mark.parametrize(
    ("lang", "said"), [("fr", "saisi par l'opérateur : oui"), ("en", "keyed by the operator: yes")]
)
def test_a_keyed_boolean_is_said_in_words_not_as_stored(
    tmp_path: Path, lang: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's manual step keys « feuille éditée » as a boolean, stored as the casebook writes it (« true »):
    its origin says oui/yes as its value column does, never the raw « true »."""
    from testbench.cli.main import main

    out = tmp_path / "report"
    assert main(["demo", "--headless", "--lang", lang, "--cards", "inprocess", "--output", str(out)]) == 0
    capsys.readouterr()
    cases = json.loads((out / "report.json").read_text(encoding="utf-8"))["cases"]
    origins = {o["path"]: o["origin"] for case in cases for o in case["observations"]}
    assert origins["manual.paper_printed"] == said
    assert "true" not in {o.rpartition(" ")[2] for o in origins.values()}
