"""``testbench diff`` with a session whose journal chain does not verify (a verdict rewritten after the fact): the
comparison is written, but says first, in text, HTML and JSON, that the session is altered, and exits 2, as
``report`` does; ``merge`` refuses such a session outright."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from lxml import etree
from test_report_build import campaign

from testbench.cli.main import main


@pytest.fixture
def forged(tmp_path: Path) -> tuple[Path, Path]:
    """A: KO-1 fails; B: a copy whose KO-1 verdict was rewritten to ``pass`` with sqlite3."""
    a = campaign(tmp_path, hostile=False)
    b = tmp_path / "forged.tbsession"
    shutil.copy(a, b)
    with sqlite3.connect(b) as conn:
        conn.execute("UPDATE attempts SET verdict = 'pass', reason = '' WHERE case_id = 'KO-1'")
    conn.close()
    return a, b


def test_the_forged_correction_is_said_altered_and_exits_2(
    forged: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = forged
    html, js = tmp_path / "d.html", tmp_path / "d.json"
    assert main(["diff", str(a), str(b), "--html", str(html), "--json", str(js)]) == 2
    said = capsys.readouterr()
    out = said.out.splitlines()
    assert out[2] == (
        "ATTENTION : session B altérée (chaîne du journal rompue) : ses verdicts ne valent pas preuve, ni cette"
        " comparaison"
    )
    assert out[3].startswith("  B : cas KO-1, tentative 1 — verdict, motif, heure de fin ou durée modifiés après coup")
    assert f"testbench diff : session B ({b}) altérée (chaîne du journal rompue)" in said.err
    doc = etree.HTML(html.read_text(encoding="utf-8"))
    banner = "".join(doc.xpath("//p[@class='altered']//text()"))
    assert "session B altérée" in banner and "KO-1" in banner
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["integrity"]["a"] == {"chain_ok": True, "chain_problems": []}
    assert data["integrity"]["b"]["chain_ok"] is False
    assert "KO-1" in data["integrity"]["b"]["chain_problems"][0]


def test_the_warning_reads_in_english(forged: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = forged
    assert main(["--lang", "en", "diff", str(b), str(a)]) == 2
    said = capsys.readouterr()
    warning = "WARNING: session A altered (broken journal chain): its verdicts are no evidence, nor is this"
    assert warning in said.out
    assert "  A: case KO-1, attempt 1 — verdict, reason, end time or duration changed afterwards" in said.out
    assert f"testbench diff: session A ({b}) altered (broken journal chain): the comparison is no evidence" in said.err


def test_whole_sessions_say_nothing_of_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = campaign(tmp_path, hostile=False)
    b = tmp_path / "copy.tbsession"
    shutil.copy(a, b)
    assert main(["diff", str(a), str(b)]) == 0
    said = capsys.readouterr()
    assert "altérée" not in said.out and said.err == ""
