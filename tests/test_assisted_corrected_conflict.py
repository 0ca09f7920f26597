"""A value the product gave two ways, then corrected by the operator: the book, ``diff`` and the step's trace say the
operator's value was kept, never that the value read in the file was « retenue ».

The stand-in application writes an FSE whose AMO total is 33,60 and logs 30,00; the person reviewing corrects the
total to 30,00 with a reason. 30,00 is recorded and compared, so nothing may say 33,60 was kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_assisted_outputs import (
    FSE_EXTRACTOR,
    HEAD,
    LOG_EXTRACTORS,
    Application,
    _folder,
    case,
    fse,
    log,
    observed,
)

from testbench.casebook.loader import load_casebook
from testbench.engines.operator.origin import origin_text, quoted
from testbench.report.build import BuildOptions, build_report
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session

REASON = "total AMO de la FSE erroné"


class Correcting(Application):
    """The person corrects the AMO total they are shown to 30,00, with a reason."""

    def review(
        self, case: Any, step: Any, extracted: list[Any], missing: list[Any], conflicts: Any = None
    ) -> dict[str, Any]:
        super().review(case, step, extracted, missing, conflicts)
        if any(item.path == "invoice.totals.amo" for item in extracted):
            return {"invoice.totals.amo": ("30,00", REASON)}
        return {}


def _conflict(root: Path) -> None:  # the FSE says 33,60, the application's own log 30,00
    (root / "out" / "fse" / "FSE_F0001.xml").write_bytes(fse())
    log(root, "Facture F0001 créée : total AMO 30,00 EUR")


def test_a_corrected_value_read_two_ways_is_never_said_kept_as_read(tmp_path: Path) -> None:
    profile = HEAD + FSE_EXTRACTOR.format(files="fse") + LOG_EXTRACTORS
    app, book = _folder(tmp_path, profile, case("FIX"))
    casebook = load_casebook(book)
    session = tmp_path / "s.tbsession"
    secured = lambda root: log(root, "Facture F0001 sécurisée (statut secured)")  # noqa: E731
    operator = Correcting(app, {("FIX", "create_invoice"): _conflict, ("FIX", "secure_invoice"): secured})
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=3.0, sut_profile=app / "sut.toml")
    )
    Campaign([casebook], session, options, operator=operator).run_selection([(casebook, c) for c in casebook.cases])

    amo = observed(session, "FIX")["invoice.totals.amo"]
    assert (amo["value"], amo["source"]) == ("30.00", "correction"), amo
    assert amo["provenance"]["correction"]["extracted"] == "33.60"
    said = origin_text(quoted("invoice.totals.amo", "30.00"), amo["provenance"], str, quote=lambda v: quoted(
        "invoice.totals.amo", v
    ))
    assert said.startswith("corrigé par l'opérateur : 30,00\u00a0€ au lieu de 33,60\u00a0€ lu dans"), said
    assert "retenue" not in said, said
    assert "2 valeurs différentes lues : 33,60\u00a0€ lue dans ce fichier ; autres : 30,00\u00a0€ (lu dans app.log" in (
        said
    ), said

    with read_session(session) as view:
        (attempt,) = view.cases[0].attempts
        trace = [line.text for line in view.trace_lines(attempt.id)]
    noted = [text for text in trace if "valeurs différentes lues" in text]
    assert len(noted) == 1 and "retenue : 33.60" not in noted[0], noted
    assert noted[0].startswith(
        "étape s-invoice : invoice.totals.amo : 2 valeurs différentes lues : 33.60 (FSE_F0001.xml), 30.00 (app.log"
    ), noted
    assert noted[0].endswith("— retenue : 30.00, corrigée par l'opérateur"), noted

    built = build_report(session, tmp_path / "book", BuildOptions(junit=False))
    report = json.loads((built.folder / "report.json").read_text(encoding="utf-8"))
    origin = next(c for c in report["cases"][0]["comparisons"] if c["path"] == "invoice.totals.amo")["origin"]
    assert "retenue" not in origin and "30,00\u00a0€ au lieu de 33,60\u00a0€" in origin, origin
    english = build_report(session, tmp_path / "book-en", BuildOptions(junit=False, lang="en"))
    html = english.html.read_text(encoding="utf-8")
    assert "kept here" not in html and "2 different values read: €33.60 read in this file; others: €30.00" in html
