"""docs/engine-protocol.md tells a vendor engine where the tables the bundled casebooks assume are (the
reference engine's data file), that it is the bench's own demo table, and dates it cites match that file."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "engine-protocol.md"
TABLES = "testbench/engines/reference/data/tables.json"


def test_the_protocol_doc_points_to_the_tables_the_casebooks_assume() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = " ".join(text.split("### The tables the casebooks assume", 1)[1].split("\n## ", 1)[0].split())
    assert f"`{TABLES}`" in section and (REPO / TABLES).is_file()
    assert "own demo table" in section and "not an official CNDA dataset" in section
    rows = {row["code"]: row for row in json.loads((REPO / TABLES).read_text(encoding="utf-8"))["lpp"]}
    cited = re.findall(r"`(\d{7})` \((\d+\.\d{2})\) only from (\d{4}-\d{2}-\d{2})", section)
    assert cited, section
    for code, tariff, start in cited:
        assert (rows[code]["tariff"], rows[code]["valid_from"]) == (tariff, start)
    assert "DEMO-FSE-012" in section and "NO_TARIFF_AT_DATE" in section
