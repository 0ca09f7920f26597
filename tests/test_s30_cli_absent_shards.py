"""``merge --allow-missing-shards``: each case of a shard the merge did not hold says why it has no verdict, in the
report and its JUnit, beside « non exécuté » — « partition 2/3 absente de la fusion » — as a case the bench could
not start says its reason; the shard named is the one ``run --shard`` dealt it to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from shard_content import DEMO
from shard_content import run_demo as run

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.runner.shard import Shard, shard_slice


def _expected(count: int, held: set[int]) -> dict[str, str]:
    """Case id → the shard of ``count`` that ``run --shard`` deals it to, for the shards not ``held``."""
    (casebook,) = load_casebooks([DEMO])
    selected = [(casebook, case) for case in casebook.cases]
    return {
        case.id: f"{k}/{count}"
        for k in range(1, count + 1)
        if k not in held
        for _, case in shard_slice(selected, Shard(k, count))
    }


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shard 1 of 3 of the demo, merged alone (``--allow-missing-shards``)."""
    folder = tmp_path_factory.mktemp("absent")
    assert run(folder / "shard-1.tbsession", "--shard", "1/3") in (0, 1)
    out = folder / "m.tbsession"
    assert main(["merge", str(folder / "shard-1.tbsession"), "-o", str(out), "--allow-missing-shards"]) == 0
    return out


def _report(folder: Path, session: Path, lang: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(folder), "XDG_DATA_HOME": "", "TESTBENCH_LANG": ""}
    argv = ["report", str(session), "-o", str(folder / "book"), "--junit", str(folder / "j.xml"), "--lang", lang]
    return subprocess.run(
        [sys.executable, "-m", "testbench", *argv], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    ("lang", "said"), [("fr", "partition {shard} absente de la fusion"), ("en", "shard {shard} absent from the merge")]
)
def test_each_case_of_an_absent_shard_says_which(merged: Path, tmp_path: Path, lang: str, said: str) -> None:
    proc = _report(tmp_path, merged, lang)
    assert proc.returncode in (0, 1), proc.stderr
    expected = _expected(3, {1})
    assert len(expected) > 1 and {shard for shard in expected.values()} == {"2/3", "3/3"}
    skipped = {
        case.get("name"): case.find("skipped").text
        for case in etree.parse(str(tmp_path / "j.xml")).getroot().iter("testcase")
        if case.find("skipped") is not None
    }
    assert skipped == {cid: said.format(shard=shard) for cid, shard in expected.items()}
    report = json.loads((tmp_path / "book" / "report.json").read_text(encoding="utf-8"))
    reasons = {case["key"]["case_id"]: case["reason"] for case in report["cases"] if not case["attempts"]}
    assert reasons == {cid: said.format(shard=shard) for cid, shard in expected.items()}
    ran = [case for case in report["cases"] if case["attempts"]]
    assert ran and all("absent" not in case["reason"] for case in ran)
    page = (tmp_path / "book" / "index.html").read_text(encoding="utf-8")
    assert said.format(shard="2/3") in page and said.format(shard="3/3") in page


def test_a_merge_of_every_shard_names_no_absent_one(tmp_path: Path) -> None:
    shards = [tmp_path / f"shard-{k}.tbsession" for k in (1, 2)]
    for k, shard in enumerate(shards, 1):
        assert run(shard, "-k", "DEMO-FSE-00", "--shard", f"{k}/2") in (0, 1)
    out = tmp_path / "m.tbsession"
    assert main(["merge", *map(str, shards), "-o", str(out)]) == 0
    assert main(["report", str(out), "-o", str(tmp_path / "book"), "--junit", str(tmp_path / "j.xml")]) in (0, 1)
    assert "absente" not in (tmp_path / "j.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "fusion forcée (--allow-missing-shards) : partitions 2/3, 3/3 absentes, leurs cas restent non exécutés"),
        ("en", "merge forced (--allow-missing-shards): shards 2/3, 3/3 absent, their cases stay not run"),
    ],
)
def test_the_forced_merge_says_which_shards_are_absent(tmp_path: Path, lang: str, said: str) -> None:
    """The CI log says it too, as the other forced merges do: not only the report."""
    assert run(tmp_path / "shard-1.tbsession", "--shard", "1/3") in (0, 1)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": "", "TESTBENCH_LANG": ""}
    argv = ["merge", "shard-1.tbsession", "-o", "m.tbsession", "--allow-missing-shards", "--lang", lang]
    proc = subprocess.run(
        [sys.executable, "-m", "testbench", *argv], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert said in proc.stderr and "Traceback" not in proc.stderr
