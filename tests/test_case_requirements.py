"""A case shows the requirements it covers (casebook attribute ``requirements``): in its report section,
in ``report.json`` and in the workstation's case view, in the language asked."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import html

from testbench.casebook.loader import load_casebook
from testbench.i18n import translator
from testbench.paths import CASEBOOKS_DIR
from testbench.report.build import BuildOptions, build_report
from testbench.runner.campaign import record_casebooks
from testbench.store.session import SessionStore
from testbench.tui.render import Renderer
from testbench.tui.workstation import Workstation

DEMO = CASEBOOKS_DIR / "demo.xml"
COVERS = "RG_VF644, RG_VF669, RG_VF670"  # DEMO-FSE-001 requirements="RG_VF644 RG_VF669 RG_VF670"


def test_the_report_section_and_json_name_the_requirements_of_a_case(tmp_path: Path) -> None:
    casebook = load_casebook(DEMO)
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        record_casebooks(store, [casebook])
    for lang, label in (("fr", "Exigences couvertes : "), ("en", "Requirements covered: ")):
        out = build_report(session, tmp_path / lang, BuildOptions(lang=lang, junit=False)).folder
        data = json.loads((out / "report.json").read_text(encoding="utf-8"))
        by_case = {c["key"]["case_id"]: c for c in data["cases"]}
        assert by_case["DEMO-FSE-001"]["requirements"] == ["RG_VF644", "RG_VF669", "RG_VF670"]
        page = html.fromstring((out / "index.html").read_text(encoding="utf-8"))
        section = page.xpath("//section[@data-case='DEMO-FSE-001']")[0]
        shown = section.xpath(".//p[@class='requirements']")
        assert [p.text_content() for p in shown] == [label + COVERS]


def test_the_case_view_names_the_requirements_of_a_case(tmp_path: Path) -> None:
    ws = Workstation([load_casebook(DEMO)], tmp_path / "s.tbsession")
    ws.prepare()
    try:
        entry = ws.find("DEMO-FSE-001")
        assert f"\nExigences couvertes : {COVERS}\n" in Renderer(ws, translator("fr"), "fr").case(entry).plain
        assert f"\nRequirements covered: {COVERS}\n" in Renderer(ws, translator("en"), "en").case(entry).plain
    finally:
        ws.close()
