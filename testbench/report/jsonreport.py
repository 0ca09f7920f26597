"""The JSON report (``report.json``) and its published, versioned JSON Schema.

The document is :attr:`ReportContent.data` — the same content the HTML shows — so a script reading
the JSON sees exactly what a reviewer reads. The schema ships as package data
(``testbench/report/schema/report-1.schema.json``) and is documented in docs/reports.md.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "report-1.schema.json"


def schema() -> dict[str, Any]:
    text = resources.files("testbench.report.schema").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)
