"""`run --shard K/N` and `merge`: the shards of a campaign, merged, are the full run (issue 16 §5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from shard_content import DEMO, report_content
from shard_content import run_demo as run

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.runner.shard import Shard, assign, parse_shard, shard_slice
from testbench.store.read import read_session


def test_the_union_of_the_shards_is_the_full_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path / "full.tbsession") == 1  # the demo has one case that fails on purpose
    shards = [tmp_path / f"shard-{k}.tbsession" for k in (1, 2, 3)]
    for k, shard in enumerate(shards, 1):
        assert run(shard, "--shard", f"{k}/3") in (0, 1)
    ran = []
    for shard in shards:
        with read_session(shard) as s:
            ran.append([c.case_id for c in s.cases])
    every = [cid for ids in ran for cid in ids]
    assert all(ran) and len(every) == len(set(every)) == 22  # disjoint, none empty, the 22 cases
    capsys.readouterr()
    merged = tmp_path / "merged.tbsession"
    assert main(["merge", *map(str, reversed(shards)), "-o", str(merged)]) == 0  # any order of inputs
    assert "campagne de 22 cas" in capsys.readouterr().out
    with read_session(tmp_path / "full.tbsession") as full, read_session(merged) as union:
        assert [(c.case_id, c.verdict, c.latest.reason) for c in union.cases] == [
            (c.case_id, c.verdict, c.latest.reason) for c in full.cases
        ]  # same cases, same verdicts, in the campaign's order
    assert report_content(merged, tmp_path / "r-merged") == report_content(tmp_path / "full.tbsession", tmp_path / "r")
    # the merged session's report is signed once and verifies
    key = tmp_path / "signer.key"
    assert main(["keys", "init", "--key", str(key)]) == 0
    assert main(["report", str(merged), "-o", str(tmp_path / "signed"), "--sign", "--key", str(key)]) == 0
    assert main(["verify", str(tmp_path / "signed")]) == 0


def test_a_missing_shard_or_another_campaigns_shard_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = tmp_path / "1.tbsession", tmp_path / "2.tbsession"
    assert run(one, "--shard", "1/2") in (0, 1)
    capsys.readouterr()
    assert main(["merge", str(one), "-o", str(tmp_path / "m.tbsession"), "--lang", "en"]) == 3
    assert "missing shard(s): 2/2" in capsys.readouterr().err
    assert not (tmp_path / "m.tbsession").exists()
    # merged anyway on request: the missing shard's cases are there, not run
    assert main(["merge", str(one), "-o", str(tmp_path / "m.tbsession"), "--allow-missing-shards"]) == 0
    with read_session(tmp_path / "m.tbsession") as s:
        assert len(s.cases) == 22 and {c.verdict for c in s.cases} >= {"none", "pass"}
    assert run(two, "--shard", "2/2", "-k", "not DEMO-FSE-099") in (0, 1)  # another selection: another campaign
    capsys.readouterr()
    assert main(["merge", str(one), str(two), "-o", str(tmp_path / "n.tbsession")]) == 3
    assert "d'une autre campagne" in capsys.readouterr().err


def test_a_bad_shard_is_a_usage_error_in_the_command_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for spec in ("3/2", "0/2", "a/b", "2"):
        assert run(tmp_path / "x.tbsession", "--shard", spec, "--lang", "en") == 3
        assert f"--shard expects K/N with 1 ≤ K ≤ N (for example 2/4), not « {spec} »" in capsys.readouterr().err


def test_the_slices_are_stable_and_balanced_by_steps() -> None:
    (casebook,) = load_casebooks([DEMO])
    selected = [(casebook, case) for case in casebook.cases]
    shards = assign(selected, 4)
    assert assign(list(reversed(selected)), 4) == list(reversed(shards))  # the file's order does not matter
    loads = [sum(len(c.steps) for (_, c), s in zip(selected, shards, strict=True) if s == k) for k in range(4)]
    longest = max(len(c.steps) for _, c in selected)
    assert max(loads) - min(loads) <= longest  # greedy on steps: no shard a whole case heavier than another
    # each slice keeps the campaign's order, and the slices cover it once
    slices = [shard_slice(selected, Shard(k, 4)) for k in (1, 2, 3, 4)]
    assert sorted(c.id for s in slices for _, c in s) == sorted(c.id for _, c in selected)
    assert all([c.id for _, c in s] == [c.id for _, c in selected if (casebook, c) in s] for s in slices)
    assert parse_shard(" 2 / 4 ") == Shard(2, 4)
