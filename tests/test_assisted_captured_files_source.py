"""The files the bench captured in assisted mode are recorded as extracted, not as keyed by the operator.

The invoice's ``files`` and ``files_sha256`` and the lot's are what the bench found where the application writes
(docs/assisted-mode.md: ``operator`` is a value only the operator keyed in): their source is ``extraction`` and
their provenance the file they name, as for any value read in it. A real campaign on the stand-in application of
:mod:`test_assisted_engine` (its real files, log and session).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_assisted_engine import _observations, campaign  # noqa: F401  (the module's campaign, run once)


def test_the_files_the_bench_captured_are_extracted_with_the_file_as_provenance(campaign: Any) -> None:  # noqa: F811
    session, _, _ = campaign
    ok = _observations(session)["T-OK"]
    for root, name in (("invoice", "T-OK.xml"), ("lot", "T-OK.b2")):
        assert ok[f"{root}.files[0]"]["value"] == name
        for path in (f"{root}.files[0]", f"{root}.files_sha256[0]"):
            observed = ok[path]
            assert observed["source"] == "extraction", (path, observed)
            assert Path(observed["provenance"]["source"]).name == name
            assert observed["provenance"]["kind"] == "file"
