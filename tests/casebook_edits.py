"""A shipped casebook with one edit, checked as the loader checks it: each problem's place and words. The tests of
the loader's rules (rights, card slots, expectations, care dates) each make one such edit."""

from __future__ import annotations

import shutil
from pathlib import Path

from testbench.casebook.loader import check_casebook

ROOT = Path(__file__).resolve().parents[1]


def edited_problems(
    tmp_path: Path, old: str, new: str, casebook: str = "demo.xml"
) -> list[tuple[str, str, str]]:
    """``casebook`` with ``old`` replaced once by ``new``: each problem as (line:col, French, English without the
    file's name)."""
    text = (ROOT / "casebooks" / casebook).read_text(encoding="utf-8")
    assert old in text
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards")
    path = tmp_path / casebook
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _casebook, problems = check_casebook(path)
    where = f"{path}:"
    return [(f"{p.source.line}:{p.source.col}", p.message, p.text("en").removeprefix(where)) for p in problems]
