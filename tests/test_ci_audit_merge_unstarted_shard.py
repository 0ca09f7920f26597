"""A CI shard whose bench could not start (``run --shard 2/2 --engine BROKEN``: exit 2, « banc indisponible ») ran
none of its cases: ``merge`` counts its shard as missing and says why, as it refuses a shard never uploaded. It
used to merge it as a shard held: the campaign looked complete and its cases read « non exécuté » with no reason,
a ``<skipped>`` and no error in the merged report's JUnit (an ``<error type="unavailable">`` only when that shard
happened to be the last run started)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "-k", "tag:e1"]


def shard(tmp_path: Path, name: str, k: int, engine: str = "inprocess") -> Path:
    path = tmp_path / name
    main(["run", str(DEMO), "--session", str(path), "--shard", f"{k}/2", *BENCH, "--engine", engine])
    return path


def test_a_shard_whose_bench_never_started_is_a_missing_shard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = shard(tmp_path, "shard-1.tbsession", 1)
    broken = shard(tmp_path, "shard-2-try1.tbsession", 2, engine=str(tmp_path / "absent-engine"))
    assert broken.exists()
    capsys.readouterr()
    output = tmp_path / "campaign.tbsession"
    assert main(["merge", str(first), str(broken), "-o", str(output)]) == 3
    err = capsys.readouterr().err
    assert f"{broken} : partition 2/2 sans aucun cas exécuté, son banc n'a pas démarré (relancez-la) : banc" in err
    assert "impossible de lancer le moteur" in err and "partition manquante : 2/2 ; --allow-missing-shards" in err
    assert str(first) not in err and not output.exists()
    assert main(["merge", str(first), str(broken), "-o", str(output), "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert f"{broken}: shard 2/2 ran no case, its bench did not start (run it again): bench unavailable" in err, err
    assert "missing shard: 2/2" in err and "partition" not in err and "banc" not in err, err

    # the job retried once its engine is mended: both tries merge, the campaign complete
    retry = shard(tmp_path, "shard-2-try2.tbsession", 2)
    assert main(["merge", str(first), str(broken), str(retry), "-o", str(output)]) == 0
    assert "sans aucun cas exécuté" not in capsys.readouterr().err


def test_forced_its_shard_stays_missing_and_a_retry_completes_the_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = shard(tmp_path, "shard-1.tbsession", 1)
    broken = shard(tmp_path, "shard-2-try1.tbsession", 2, engine=str(tmp_path / "absent-engine"))
    partial = tmp_path / "partial.tbsession"
    assert main(["merge", str(first), str(broken), "-o", str(partial), "--allow-missing-shards"]) == 0
    # the merged session records shard 2 as not held: merged again alone it is still missing…
    assert main(["merge", str(partial), "-o", str(tmp_path / "again.tbsession")]) == 3
    assert "partition manquante : 2/2" in capsys.readouterr().err
    # …and a retry of it completes the campaign
    retry = shard(tmp_path, "shard-2-try2.tbsession", 2)
    whole = tmp_path / "whole.tbsession"
    assert main(["merge", str(partial), str(retry), "-o", str(whole)]) == 0
    junit = tmp_path / "junit.xml"
    assert main(["report", str(whole), "-o", str(tmp_path / "rep"), "--junit", str(junit)]) == 0
    suite = ET.parse(junit).getroot()
    assert suite.get("skipped") == "0", ET.tostring(suite, encoding="unicode")[:600]
