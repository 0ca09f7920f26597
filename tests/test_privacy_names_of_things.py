"""Audit 13: what names a thing may name a person — a produced file's name, a followed log's path.

An application that writes « FSE ESSAI PAUL 180019999900168.xml » or logs into « ESSAI PAUL.log » put the
patient's name and NIR in the report through the evidence list (name and file path) and the cover's
command lines; both now pass through the same scrubber as every other exported text.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session
from testbench.store.session import SessionStore

NIR = "180019999900168"  # the demo's standard Vitale card's holder (casebooks/cards/vitale2-adult-standard.xml)


def test_a_files_name_and_a_logs_path_are_redacted(tmp_path: Path) -> None:
    session, report = tmp_path / "s.tbsession", tmp_path / "report"
    log = tmp_path / f"ESSAI PAUL {NIR}.log"
    log.write_text("", encoding="utf-8")
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "-k", "DEMO-FSE-001"]
    argv += ["--cards", "inprocess", "--engine", "inprocess", "--app-log", f"{log};format=plain"]
    subprocess.run([sys.executable, "-m", "testbench", *argv], check=True, capture_output=True, timeout=120)  # its argv
    with read_session(session) as view:
        attempt = view.cases[0].latest
        assert attempt is not None
    store = SessionStore.open(session)
    store.add_artifact(b"<fse/>", "application/xml", f"FSE ESSAI PAUL {NIR}.xml", attempt_id=attempt.id)
    store.close()
    assert main(["report", str(session), "-o", str(report)]) == 0
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    mine = hashlib.sha256(b"<fse/>").hexdigest()
    (evidence,) = [e for case in data["cases"] for e in case["evidence"] if e["sha256_session"] == mine]
    assert "ESSAI" not in evidence["name"] and NIR not in evidence["name"], evidence
    assert evidence["file"] and "ESSAI" not in evidence["file"] and NIR not in evidence["file"]
    argv_shown = " ".join(arg for run in data["cover"]["runs"] for arg in run["argv"])
    assert "--app-log" in argv_shown and NIR not in argv_shown and "ESSAI PAUL" not in argv_shown, argv_shown
    for name in ("index.html", "report.json", "manifest.json"):
        text = (report / name).read_text(encoding="utf-8")
        assert NIR not in text and "ESSAI PAUL" not in text, name


def test_a_junit_kept_alone_says_whether_it_was_redacted(tmp_path: Path) -> None:
    """The report's cover states the opt-out (``--no-redact``); a CI often keeps only the JUnit."""
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "-k", "DEMO-FSE-001"]
    assert main([*argv, "--cards", "inprocess", "--engine", "inprocess"]) == 0
    for options, said in (([], "true"), (["--no-redact"], "false")):
        assert (
            main(["report", str(session), "-o", str(tmp_path / "r"), "--junit", str(tmp_path / "j.xml"), *options]) == 0
        )
        for junit in (tmp_path / "j.xml", tmp_path / "r" / "junit.xml"):
            assert f'<property name="testbench.redaction" value="{said}"/>' in junit.read_text(encoding="utf-8")
