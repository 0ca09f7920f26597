"""A standard output on a full or failing disk (``> /dev/full``) once the command's work is done: said as the
output lost, with the command's own code, exit 2 — never « erreur interne », whose crash file blamed the bench."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR


class Full(io.TextIOBase):
    """A stream on a full disk: every write fails."""

    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")

    def isatty(self) -> bool:
        return False


def test_validate_on_a_full_stdout_says_the_output_was_lost(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", Full())
    assert main(["validate", str(CASEBOOKS_DIR / "demo.xml")]) == 2
    err = capsys.readouterr().err
    assert "testbench validate : sortie standard perdue (disque plein)" in err
    assert "(code 0)" in err and "interne" not in err


def test_in_english(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdout", Full())
    assert main(["validate", str(CASEBOOKS_DIR / "demo.xml"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "standard output lost (disk full)" in err and "perdue" not in err


def test_a_refusal_keeps_its_own_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", Full())
    assert main(["validate", str(tmp_path / "none.xml")]) == 3
    assert "interne" not in capsys.readouterr().err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_merge_to_dev_full_writes_its_session_and_exits_2(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    shards = [tmp_path / f"shard-{k}.tbsession" for k in (1, 2)]
    for k, shard in enumerate(shards, 1):
        subprocess.run(
            [sys.executable, "-m", "testbench", "run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(shard),
             "--shard", f"{k}/2", "-k", "DEMO-FSE-00", "--cards", "inprocess", "--engine", "inprocess"],
            capture_output=True, env=env, check=False, timeout=300,
        )  # fmt: skip
    merged = tmp_path / "all.tbsession"
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "testbench", "merge", *map(str, shards), "-o", str(merged)],
            stdout=full, stderr=subprocess.PIPE, env=env, check=False, timeout=300,
        )  # fmt: skip
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    assert "sortie standard perdue" in err and "interne" not in err and "Traceback" not in err
    assert merged.is_file()


def test_a_help_the_disk_refused_is_said(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdout", Full())
    with pytest.raises(SystemExit) as ended:
        main(["merge", "--help"])
    assert ended.value.code == 2
    assert "testbench merge : sortie standard perdue" in capsys.readouterr().err
