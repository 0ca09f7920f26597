"""``merge`` says why a CI shard's bench never started from its session's « banc indisponible » event: a reason
edited into something else than a sentence (a list, a number) is not said at all, never as a Python value."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store import codec
from testbench.store.merge import not_started


@pytest.fixture
def unstarted(tmp_path: Path) -> Path:
    path = tmp_path / "shard-2.tbsession"
    engine = str(tmp_path / "absent-engine")
    main(["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(path), "--shard", "2/2", "--cards", "inprocess",
          "--engine", engine])  # fmt: skip
    return path


@pytest.mark.parametrize("edited", [["banc", "indisponible"], 7, {"x": 1}, "  "])
def test_a_reason_that_is_no_sentence_is_not_said(
    unstarted: Path, edited: object, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    said = not_started(unstarted)
    assert said is not None and said.startswith("banc indisponible : impossible de lancer le moteur")
    with sqlite3.connect(unstarted) as conn:
        (changed,) = conn.execute(
            "UPDATE events SET data = ? WHERE kind = 'bench-fault' RETURNING id", (codec.dumps({"reason": edited}),)
        ).fetchone()
    conn.close()
    assert changed and not_started(unstarted) is None
