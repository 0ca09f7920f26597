"""How ``v4.tbsession.gz`` was made: by testbench at schema v4 (commit cf6b491, before the observation
sets of schema v5), so that it holds observations one row per path as that version wrote them.

    git archive cf6b491 testbench | tar -x -C OLD
    PYTHONPATH=OLD:tests python tests/data/sessions/make_v4.py WORKDIR tests/data/sessions/v4.tbsession.gz

``v4-report-observations.json`` is each case's ``observations`` of the report that version built from it
(``testbench report``, report.json). Not a test: it only runs with the old code.
"""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import sys
from decimal import Decimal
from pathlib import Path

from test_report_build import campaign

from testbench.store.schema import SCHEMA_VERSION
from testbench.store.session import SessionStore

assert SCHEMA_VERSION == 4
session = campaign(Path(sys.argv[1]))  # two cases through the real Runner (OK-1, KO-1), personal values observed
with SessionStore.open(session) as store:
    read = {"source": "FSE_1.xml", "kind": "xml", "line": 3, "offset": 119, "locator": "string(/f:fse/@n)"}
    origins = {
        "invoice.number": ("extraction", read),
        "invoice.totals.amo": (
            "correction",
            {**read, "correction": {"extracted": "33.00", "reason": "lu 33.00", "operator": "Opé"}},
        ),
    }
    store.end_step(
        2,
        "s-extract",
        {
            "invoice.number": "000000001",
            "invoice.totals.amo": "33.60",
            "invoice.ratio": 1 / 3,
            "invoice.amount": Decimal("1.50"),
            "invoice.lines": [],
            "invoice.extra": {"b": 1, "a": [2, {"d": 1, "c": 2}]},
            "invoice.note": 'é"\\\n',
        },
        "engine",
        {"status": "done"},
        origins,
    )
    store.add_observations(2, "s-manual", {"manual.vu": True, "manual.absent": None}, "operator")
conn = sqlite3.connect(session)
conn.execute("VACUUM")
conn.close()
with open(session, "rb") as src, gzip.open(sys.argv[2], "wb", 9) as dst:
    shutil.copyfileobj(src, dst)
