"""An engine's known status word (``pin.status`` = ``verified``) reads in the person's language in the
workstation's observed values and comparisons, as a boolean reads oui/non; an unknown one as recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebook
from testbench.cli.main import main
from testbench.i18n import translator
from testbench.tui.render import Renderer
from testbench.tui.workstation import Workstation, shown_value

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "casebooks" / "demo.xml"


def test_shown_value_names_known_statuses_and_keeps_the_rest() -> None:
    assert shown_value("pin.status", "string", "verified", "fr") == "vérifié"
    assert shown_value("pin.status", "string", "verified", "en") == "verified"
    assert shown_value("insi.status", "string", "not-found", "fr") == "non trouvé"
    assert shown_value("pin.status", "string", "odd", "fr") == "odd"
    assert shown_value("invoice.flag", "boolean", "true", "fr") == "oui"


@pytest.mark.parametrize(("lang", "word"), [("fr", "vérifié"), ("en", "verified")])
def test_the_observed_pin_status_reads_in_the_language(tmp_path: Path, lang: str, word: str) -> None:
    session = tmp_path / "s.tbsession"
    bench = ["--cards", "inprocess", "--engine", "inprocess"]
    assert main(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *bench]) == 0
    ws = Workstation([load_casebook(DEMO)], session)
    ws.prepare()
    try:
        (entry,) = [e for e in ws.entries if e.case.id == "DEMO-FSE-001"]
        rows = Renderer(ws, translator(lang), lang).observed(entry)
        shown = {row[1].plain: row[2].plain for row in rows}
        assert shown["pin.status"] == word
    finally:
        ws.close()


def test_the_exam_view_names_the_status_too() -> None:
    from testbench.paths import CASEBOOKS_DIR
    from testbench.tui.exam import expected_values

    casebook = load_casebook(CASEBOOKS_DIR / "psad-cartes.xml")
    case = next(c for c in casebook.cases if any(e.path == "pin.status" for e in c.expectations))
    observed = [{"path": "pin.status", "value": "verified", "source": "engine"}]
    (row,) = [r for r in expected_values(case, observed, translator("fr"), "fr") if r.path == "pin.status"]
    assert row.expected in ("vérifié", "changé") and row.observed == "vérifié"
