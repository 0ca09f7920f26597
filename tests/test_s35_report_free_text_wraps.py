"""The printed exam book keeps a long word of free text inside the page (audit s35, H4).

A review's reason or an operator's note may hold a token without a space: a Windows path to a scanned sheet, a
reference. In a table the browser widens the cell to that token, the table runs past the A4 page and Chromium cuts
it: the PDF lost the token's end, the review's signature column (« valide — clé … ») and the operator's values. The
free-text cells (a review's reason, an attestation, a step's detail, an attempt's reason, the index's « Motif ») and
the verdict line's review reason now break such a token inside the page.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.signing import init_key

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or PDFTOTEXT is None, reason="chromium and pdftotext (poppler-utils) needed"
)

#: a path without a space, far wider than a column of the A4 page
NOTE = "C:\\Factu\\Exports\\" + "Lot" * 60 + "\\FSE_0001_scan.pdf"
REASON = "REF" + "ABCDEFGHJK" * 25 + "-fin"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The PDF's text (reading order, each line's spaces removed) of DEMO-FSE-030 attested with ``NOTE`` and
    overridden with ``REASON``, and the fingerprint of the reviewer's key."""
    work = tmp_path_factory.mktemp("free-text")
    attestations = work / "att.json"
    attestations.write_text(
        json.dumps(
            {
                "operator": "Op",
                "DEMO-FSE-030/m-paper": {
                    "confirmed": True,
                    "note": f"voir {NOTE}",
                    "values": {"manual.paper_printed": "true", "manual.paper_total": "5.90"},
                },
            }
        ),
        encoding="utf-8",
    )
    session, key = work / "s.tbsession", work / "k.pem"
    run = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    assert main([*run, "-k", "id:DEMO-FSE-030", "--attestations", str(attestations)]) == 0
    fingerprint = init_key(key).fingerprint
    review = ["review", str(session), "DEMO-FSE-030", "--override", "fail", "--reason", f"relu {REASON}"]
    assert main([*review, "--key", str(key)]) == 0
    assert main(["report", str(session), "-o", str(work / "rep"), "--pdf"]) == 0
    cmd = [str(PDFTOTEXT), "-raw", str(work / "rep" / "report.pdf"), "-"]
    text = subprocess.run(cmd, capture_output=True, check=True, timeout=120).stdout.decode("utf-8")
    return "".join(re.sub(r"\s+", "", line) for line in text.splitlines()), fingerprint


def test_a_long_note_and_reason_are_printed_whole(printed: tuple[str, str]) -> None:
    text, _ = printed
    assert NOTE in text  # the operator's note, every character on the page
    assert "manual.paper_total=5,90" in text  # the values keyed after it, not pushed off the page
    assert text.count(REASON) >= 3  # the review's row, the verdict line and the index's « Motif »


def test_the_reviews_signature_column_stays_on_the_page(printed: tuple[str, str]) -> None:
    text, fingerprint = printed
    assert f"valide—clé{fingerprint}" in text
