"""``pytest --casebook-attestations`` names a missing or malformed file: one usage error before anything runs
(exit 4), as ``run --attestations`` refuses it (exit 3) — it used to be one ERROR per case (CI audit F10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pytest_plugin import DEMO, pytest_in


@pytest.mark.parametrize(("content", "said"), [(None, "attestations illisibles (introuvable)"), ("{", "JSON")])
def test_unreadable_attestations_are_a_usage_error(tmp_path: Path, content: str | None, said: str) -> None:
    attestations = tmp_path / "att.json"
    if content is not None:
        attestations.write_text(content, encoding="utf-8")
    session = tmp_path / "s.tbsession"
    bench = ["--casebook-engine", "inprocess", "--casebook-cards", "inprocess"]
    done = pytest_in(
        tmp_path, "--casebook", str(DEMO), *bench, "--casebook-session", str(session),
        "--casebook-attestations", str(attestations),
    )  # fmt: skip
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert f"{attestations} : " in done.stderr and said in done.stderr, done.stderr
    assert "ERROR" not in done.stdout and not session.exists()
