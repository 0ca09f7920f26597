"""The coverage gap kinds `outside-plan` and `ps-category` (a casebook run that the plan does not name) reach
report.json, whose published schema must accept them (format 1.13): a report that does not validate against the
schema it names is no report a CI can read."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.jsonreport import schema


def test_a_casebook_outside_the_plan_is_a_gap_the_schema_accepts(tmp_path: Path) -> None:
    session, out = tmp_path / "s.tbsession", tmp_path / "rep"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), str(CASEBOOKS_DIR / "nurse-ngap.xml"), "--session", str(session)]
    main([*argv, "--plan", str(CASEBOOKS_DIR / "plans" / "demo-plan.toml"), "--cards", "inprocess", "-k", "001"])
    assert session.is_file()
    assert main(["report", str(session), "-o", str(out)]) in (0, 1)
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    kinds = {gap["kind"] for gap in data["coverage"]["gaps"]}
    assert "outside-plan" in kinds, kinds
    try:
        jsonschema.validate(data, schema())
    except jsonschema.ValidationError as exc:
        pytest.fail(f"report.json does not match its schema: {exc.message} at {list(exc.absolute_path)}")
