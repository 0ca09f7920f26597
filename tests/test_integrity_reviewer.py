"""What a reviewer reads from ``testbench verify`` and ``testbench report``: a verdict that covers what the
report itself records (a session altered before the build, a signer named but no signature), another session
named as such, the case behind each integrity problem, and the verdict on the stream of its lines."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report.build import build_report
from testbench.signing import init_key


def test_the_verdict_word_is_on_the_stream_of_its_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = build_report(campaign(tmp_path), tmp_path / "r").folder
    with (folder / "index.html").open("ab") as fh:
        fh.write(b" ")
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines()[-2:] == ["modifié : index.html", "ALTÉRÉ"]
    assert out.err == ""
    assert main(["verify", str(folder), "--lang", "en"]) == 1
    assert capsys.readouterr().out.splitlines()[-2:] == ["modified: index.html", "ALTERED"]


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "signer.pem"
    init_key(path)
    return path


def falsify_a_verdict(session: Path) -> None:
    """The forgery a reviewer must not be shown as evidence: a failed verdict rewritten as passed."""
    conn = sqlite3.connect(session)
    conn.execute("UPDATE attempts SET verdict = 'pass', reason = '' WHERE verdict = 'fail'")
    conn.commit()
    conn.close()


def test_a_report_built_on_an_altered_session_is_written_but_never_verifies(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = campaign(tmp_path)
    falsify_a_verdict(session)
    folder = tmp_path / "r"
    # written, so the reviewer sees it, with a warning and a non-zero exit
    assert main(["report", str(session), "-o", str(folder), "--sign", "--key", str(key)]) == 2
    err = capsys.readouterr().err
    assert "ATTENTION : session altérée (chaîne du journal rompue)" in err
    assert "testbench report: session : tentative 2 : verdict ou motif modifié après coup" in err
    assert 'id="altered-session"' in (folder / "index.html").read_text(encoding="utf-8")
    # every file matches its signed manifest, yet the report records a broken chain: altered
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "report.json : le rapport a été construit sur une session altérée (chaîne du journal rompue)" in out
    assert any(line.startswith("session d'origine : tentative 2 : verdict ou motif modifié") for line in out)
    assert out[-1] == "ALTÉRÉ" and "INTÈGRE" not in out
    assert main(["verify", str(folder), "--lang", "en"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "report.json: the report was built on an altered session (broken journal chain)" in out
    assert any(line.startswith("source session: attempt 2: verdict or reason changed afterwards") for line in out)
    assert out[-1] == "ALTERED"
    assert main(["report", str(session), "-o", str(folder), "--lang", "en"]) == 2
    assert "WARNING: altered session (broken journal chain)" in capsys.readouterr().err
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "WARNING: report built on an altered session" in html


def test_a_report_on_a_whole_session_has_no_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "r"
    assert main(["report", str(campaign(tmp_path)), "-o", str(folder)]) == 0
    assert "altérée" not in capsys.readouterr().err
    assert 'id="altered-session"' not in (folder / "index.html").read_text(encoding="utf-8")
