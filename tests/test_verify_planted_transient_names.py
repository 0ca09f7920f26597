"""A signed report folder holds no file a build did not write: a name that looks like a session's companion
(``-wal``, ``-shm``, ``-journal``, ``.lock``) is named as added like any other, never passed over."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report
from testbench.signing import init_key, load_signer


@pytest.fixture
def signed(tmp_path: Path) -> Path:
    key = tmp_path / "keys" / "signer.pem"
    init_key(key)
    session = campaign(tmp_path, hostile=False, extra_lines=80)  # a long trace: an evidence file
    return build_report(session, tmp_path / "r", BuildOptions(signer=load_signer(key))).folder


def test_files_planted_under_transient_names_make_the_report_altered(
    signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = next((signed / "evidence" / "traces").iterdir())
    planted = {
        "index.html-journal": "<h1>tous réussis</h1>",
        "report.json.lock": "x",
        "report.json-shm": "x",
        trace.relative_to(signed).as_posix() + "-wal": trace.read_text(encoding="utf-8"),
    }
    for name, text in planted.items():
        (signed / name).write_text(text, encoding="utf-8")
    assert main(["verify", str(signed)]) == 1
    out = capsys.readouterr().out
    assert all(f"ajouté : {name}" in out for name in planted), out
    assert out.splitlines()[-1] == "ALTÉRÉ"
