"""The cover names every engine and software version behind a retained verdict and warns when they are mixed
(« versions mélangées »); each attempt links to its run, whose versions the runs table names (audit 10 A, 1)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import jsonschema
from lxml import etree

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.jsonreport import schema
from testbench.report.junit import junit_tree
from testbench.store.read import read_session

VENDOR = Path(__file__).parent / "data" / "engines" / "vendor_engine.py"
DEMO = CASEBOOKS_DIR / "demo.xml"
BOTH = "DEMO-FSE-001 or DEMO-FSE-003"


def run(session: Path, version: str, keyword: str = BOTH, *extra: str) -> int:
    engine = shlex.join([sys.executable, str(VENDOR), "--version", version])
    argv = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", engine, "-k", keyword]
    return main([*argv, "--engine-timeout", "20", "--sut", "AcmeFacture", "--sut-version", version, *extra])


def report(session: Path, folder: Path, lang: str = "fr") -> tuple[dict[str, Any], str]:
    main(["report", str(session), "-o", str(folder), "--lang", lang])
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    return data, (folder / "index.html").read_text(encoding="utf-8")


def versions(data: dict[str, Any]) -> list[tuple[str, str, list[int], int]]:
    return [(v["engine"]["version"], v["sut"]["version"], v["runs"], v["cases"]) for v in data["cover"]["versions"]]


def test_a_rerun_on_another_version_mixes_the_versions_and_the_cover_says_so(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    assert run(session, "4.2.1") == 0
    assert run(session, "4.2.2", "DEMO-FSE-003", "--rerun") == 0
    data, html = report(session, tmp_path / "rep")
    cover = data["cover"]
    assert cover["mixed_versions"] is True
    assert versions(data) == [("4.2.1", "4.2.1", [1], 1), ("4.2.2", "4.2.2", [2], 1)]
    assert cover["engine"]["version"] == "4.2.1, 4.2.2" and cover["sut"]["version"] == "4.2.1, 4.2.2"
    assert [(r["id"], r["engine"]["version"], r["sut"]["version"]) for r in cover["runs"]] == [
        (1, "4.2.1", "4.2.1"),
        (2, "4.2.2", "4.2.2"),
    ]
    assert "versions mélangées" in html and 'id="mixed-versions"' in html
    page = etree.HTML(html)
    (row,) = page.xpath('//tr[@id="run-2"]')
    assert "AcmeFacture version 4.2.2" in "".join(row.itertext())
    case = next(c for c in data["cases"] if c["key"]["case_id"] == "DEMO-FSE-003")
    assert [a["run_id"] for a in case["attempts"]] == [1, 2]  # each attempt links to its run
    assert page.xpath('//a[@href="#run-2"]')
    english = report(session, tmp_path / "en", "en")[1]
    assert "mixed versions: the retained verdicts do not all come from the same versions" in english


def test_a_merge_of_two_versions_is_mixed_and_one_version_is_not(tmp_path: Path) -> None:
    old, new, merged = tmp_path / "old.tbsession", tmp_path / "new.tbsession", tmp_path / "merged.tbsession"
    assert run(old, "4.2.1", "DEMO-FSE-001") == 0
    assert run(new, "4.2.2", "DEMO-FSE-003") == 0
    data, html = report(old, tmp_path / "one")
    assert data["cover"]["mixed_versions"] is False and versions(data) == [("4.2.1", "4.2.1", [1], 1)]
    assert "versions mélangées" not in html
    assert main(["merge", str(old), str(new), "-o", str(merged)]) == 0
    data, _ = report(merged, tmp_path / "merged")
    assert data["cover"]["mixed_versions"] is True
    assert [(engine, sut, cases) for engine, sut, _, cases in versions(data)] == [
        ("4.2.1", "4.2.1", 1),
        ("4.2.2", "4.2.2", 1),
    ]
    with read_session(merged) as view:
        properties = {p.get("name"): p.get("value") for p in junit_tree(view).getroot().iter("property")}
    assert properties["testbench.engine.version"] == "4.2.1, 4.2.2"
    assert properties["testbench.engine"] == "AcmeFacture 4.2.1, AcmeFacture 4.2.2"  # each with its version
    assert properties["testbench.sut"] == "AcmeFacture 4.2.1, AcmeFacture 4.2.2"


def test_the_junit_names_the_engine_and_the_software_under_test(tmp_path: Path) -> None:
    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    assert run(session, "4.2.1", "DEMO-FSE-001", "--junit", str(junit)) == 0
    properties = {p.get("name"): p.get("value") for p in etree.parse(str(junit)).getroot().iter("property")}
    assert properties["testbench.engine"] == "AcmeFacture 4.2.1"
    assert properties["testbench.engine.name"] == "AcmeFacture" and properties["testbench.engine.version"] == "4.2.1"
    assert properties["testbench.sut.name"] == "AcmeFacture" and properties["testbench.sut.version"] == "4.2.1"
    assert properties["testbench.sut"] == "AcmeFacture 4.2.1" and properties["testbench.versions.mixed"] == "false"


def test_a_resume_on_an_upgraded_engine_names_both_versions(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    assert run(session, "4.2.1", "DEMO-FSE-001 or DEMO-FSE-030") == 2  # DEMO-FSE-030 waits for its manual step
    attestations = CASEBOOKS_DIR / "demo-attestations.json"
    assert run(session, "4.2.2", "DEMO-FSE-001 or DEMO-FSE-030", "--resume", "--attestations", str(attestations)) == 0
    data, _ = report(session, tmp_path / "rep")
    assert data["cover"]["mixed_versions"] is True
    assert versions(data) == [("4.2.1", "4.2.1", [1], 1), ("4.2.2", "4.2.2", [2], 1)]
