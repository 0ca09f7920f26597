"""``testbench merge`` of CI shards whose retained verdicts come from different engine or software versions (a
shard retried on another engine version) is refused, naming each shard and the versions it ran, unless forced
with ``--allow-mixed-versions``; then the report's cover says « versions mélangées », as it did for every such
merge before. A merge of reruns (not shards) on another version stays the person's choice (test_report_versions)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.tui.tools import TOOLS, ToolContext

VENDOR = Path(__file__).parent / "data" / "engines" / "vendor_engine.py"
DEMO = CASEBOOKS_DIR / "demo.xml"
BOTH = "DEMO-FSE-001 or DEMO-FSE-003"  # one case in each of two shards


def shard(session: Path, index: int, version: str) -> None:
    engine = shlex.join([sys.executable, str(VENDOR), "--version", version])
    argv = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", engine, "-k", BOTH]
    argv += ["--shard", f"{index}/2", "--engine-timeout", "20", "--sut", "AcmeFacture", "--sut-version", "7.1"]
    assert main(argv) == 0


@pytest.fixture
def retried(tmp_path: Path) -> list[Path]:
    """Shards 1 and 2 on engine 4.2.1, then shard 2 again (a CI retry) on engine 4.2.2."""
    sessions = [tmp_path / name for name in ("shard-1-try1.tbsession", "shard-2-try1.tbsession")]
    sessions.append(tmp_path / "shard-2-try2.tbsession")
    shard(sessions[0], 1, "4.2.1")
    shard(sessions[1], 2, "4.2.1")
    shard(sessions[2], 2, "4.2.2")
    return sessions


def test_shards_of_different_engine_versions_are_refused_naming_each_shard_and_its_versions(
    retried: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    merged = tmp_path / "campaign.tbsession"
    capsys.readouterr()
    assert main(["merge", *map(str, retried), "-o", str(merged)]) == 3
    err = capsys.readouterr().err
    assert not merged.exists() and not list(tmp_path.glob("campaign.tbsession*")), err
    assert "testbench merge : versions mélangées entre les partitions : les verdicts retenus ne viennent pas" in err
    one, two, again = map(str, retried)
    product = "moteur AcmeFacture version {}, logiciel testé AcmeFacture version 7.1"
    assert f"{one}, partition 1/2 : {product.format('4.2.1')}\n" in err, err
    assert f"{two}, partition 2/2 : {product.format('4.2.1')}\n" in err, err
    assert f"{again}, partition 2/2 : {product.format('4.2.2')}\n" in err, err
    assert err.rstrip().endswith(
        "fusion refusée : --allow-mixed-versions pour fusionner quand même (la couverture du rapport dira"
        " « versions mélangées »)"
    ), err
    assert "Traceback" not in err and "ProductVersion" not in err
    assert main(["merge", *map(str, retried), "-o", str(merged), "--lang", "en"]) == 3
    english = capsys.readouterr().err
    assert f"{again}, shard 2/2: engine AcmeFacture version 4.2.2, software under test AcmeFacture version 7.1" in (
        english
    ), english
    assert "merge refused: --allow-mixed-versions to merge anyway" in english, english
    assert "partition" not in english and "fusion" not in english, english


def test_forced_the_merge_says_so_and_the_cover_says_mixed_versions(
    retried: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    merged = tmp_path / "campaign.tbsession"
    capsys.readouterr()
    assert main(["merge", *map(str, retried), "-o", str(merged), "--allow-mixed-versions"]) == 0
    out, err = capsys.readouterr()
    assert merged.exists() and "campagne de 2 cas" in out, out + err
    assert "fusion forcée (--allow-mixed-versions) : la couverture du rapport dit « versions mélangées »" in err
    assert main(["report", str(merged), "-o", str(tmp_path / "rep")]) == 0
    cover = json.loads((tmp_path / "rep" / "report.json").read_text(encoding="utf-8"))["cover"]
    assert cover["mixed_versions"] is True
    assert [v["engine"]["version"] for v in cover["versions"]] == ["4.2.1", "4.2.2"]


def test_shards_of_one_version_with_a_retry_on_the_same_version_merge_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sessions = [tmp_path / f"s{k}.tbsession" for k in (1, 2, 3)]
    for session, index in zip(sessions, (1, 2, 2), strict=True):
        shard(session, index, "4.2.1")
    capsys.readouterr()
    assert main(["merge", *map(str, sessions), "-o", str(tmp_path / "m.tbsession")]) == 0
    assert "versions" not in capsys.readouterr().err


def test_the_workstations_merge_names_its_field_and_is_forced_by_it(retried: list[Path], tmp_path: Path) -> None:
    values = {"sessions": " ".join(map(str, retried)), "output": str(tmp_path / "m.tbsession")}
    values |= {"allow_tampered": "", "allow_missing_shards": ""}
    ctx = ToolContext(tmp_path / "s.tbsession", (), None, None, "reference", None, "fr")
    refused = TOOLS["merge"].run({**values, "allow_mixed_versions": ""}, ctx)
    french = [text for text, _ in refused.texts("fr")]
    assert refused.code == 3 and not (tmp_path / "m.tbsession").exists()
    assert french[-1].startswith(
        "fusion refusée : « Fusionner même si les partitions CI ont des versions différentes » à oui"
    ), french
    english = [text for text, _ in refused.texts("en")]
    assert english[-1].startswith("merge refused: “Merge even if the CI shards have different versions” set to yes")
    forced = TOOLS["merge"].run({**values, "allow_mixed_versions": "oui"}, ctx)
    assert forced.code == 0 and (tmp_path / "m.tbsession").exists()
