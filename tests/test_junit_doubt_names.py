"""A session both merged over a modified input and altered since gives two error testcases with two names: two
identical ``<testcase classname="testbench" name="intégrité de la session">`` were folded into one by CI tools
(audit s26 verify R5)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_junit_forced_merge import _merged, _suite


def test_a_broken_chain_and_a_forced_merge_are_two_named_testcases(tmp_path: Path) -> None:
    merged = _merged(tmp_path, tampered=True)
    with sqlite3.connect(merged) as conn:
        conn.execute("UPDATE attempts SET reason = 'retouché après la fusion'")
    conn.close()
    named = {"fr": ["intégrité de la session", "fusion forcée"], "en": ["session integrity", "forced merge"]}
    for lang, names in named.items():
        suite = _suite(merged, tmp_path / lang, lang)
        doubts = [case for case in suite.iter("testcase") if case.get("classname") == "testbench"]
        assert [case.get("name") for case in doubts] == names
        assert [case.find("error").get("type") for case in doubts] == ["altered", "forced"]
