"""A whole campaign run (no ``--shard``) merged with a retry of one shard holds every case of the campaign: ``merge``
counts cases, not shards. It used to refuse it, « partitions manquantes : 1/2 », though no case was missing; it now
merges, says which shards the whole run stands for, and keeps every attempt (the latest is each case's verdict).
Inputs that are not shards and hold only part of a missing shard, whose bench never started, or run on casebooks of
other bytes are named in the refusal; a whole run counts in the mixed versions' check as the shards it stands for; a
shard meta edited by hand is an altered session, never an internal error; and an input named as the merge's own
working file (``OUT.partial``) is refused, not replaced."""

from __future__ import annotations

import json
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--tag", "e1"]  # 3 cases: 2 shards


def run(session: Path, *options: str) -> None:
    main(["run", str(DEMO), "--session", str(session), *BENCH, *options])


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A whole run of the campaign, each of its 2 shards, and a whole run on another software version."""
    folder = tmp_path_factory.mktemp("campaign")
    run(folder / "whole.tbsession", "--sut-version", "7.1")
    run(folder / "whole-7.2.tbsession", "--sut-version", "7.2")
    for k in (1, 2):
        run(folder / f"shard-{k}.tbsession", "--shard", f"{k}/2", "--sut-version", "7.1")
    return folder


@pytest.fixture
def inputs(campaign: Path, tmp_path: Path) -> Path:
    for path in campaign.glob("*.tbsession"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def selected(session: Path) -> list[str]:
    with sqlite3.connect(session) as conn:
        cases = [case for (case,) in conn.execute("SELECT case_id FROM selection ORDER BY rowid")]
    conn.close()
    return cases


def merge(folder: Path, *names: str, lang: str = "fr", extra: tuple[str, ...] = ()) -> int:
    sessions = [str(folder / name) for name in names]
    return main(["merge", *sessions, "-o", str(folder / "merged.tbsession"), "--lang", lang, *extra])


def test_a_whole_run_with_a_shard_retry_merges(inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert merge(inputs, "whole.tbsession", "shard-2.tbsession") == 0
    err = capsys.readouterr().err
    whole = inputs / "whole.tbsession"
    assert f"{whole} : session non partitionnée, elle contient tous les cas de la partition 1/2" in err, err
    assert "manquante" not in err and "absente" not in err
    merged = inputs / "merged.tbsession"
    with sqlite3.connect(merged) as conn:
        held = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'merged_shards'").fetchone()[0])
        attempts = conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    assert held["indices"] == [1, 2] and attempts == 3 + len(selected(inputs / "shard-2.tbsession")), attempts
    # its JUnit: one testcase per case, none skipped as an absent shard's
    junit = inputs / "junit.xml"
    code = main(["report", str(merged), "-o", str(inputs / "rep"), "--junit", str(junit)])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    suite = ET.parse(junit).getroot()
    assert suite.get("tests") == "3" and suite.get("skipped") == "0", ET.tostring(suite, encoding="unicode")[:600]
    # in English, all of it
    (inputs / "merged.tbsession").unlink()
    assert merge(inputs, "whole.tbsession", "shard-2.tbsession", lang="en") == 0
    err = capsys.readouterr().err
    assert f"{whole}: not a shard session, it holds every case of shard 1/2" in err, err
    assert "partition" not in err


def test_part_of_a_shard_is_not_the_shard(inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rerun = inputs / "rerun.tbsession"
    shard_2 = selected(inputs / "shard-2.tbsession")
    assert len(shard_2) == 2, shard_2  # the deal of the 3 cases: 2 in shard 2/2
    run(rerun, "-k", shard_2[0])
    capsys.readouterr()
    missing, given = "2/2", "shard-1.tbsession"
    assert merge(inputs, "rerun.tbsession", given) == 3
    err = capsys.readouterr().err
    assert f"partition {missing} : les sessions non partitionnées ({rerun}) n'en contiennent que 1 cas sur" in err, err
    assert f"partition manquante : {missing}" in err
    assert merge(inputs, "rerun.tbsession", given, lang="en") == 3
    err = capsys.readouterr().err
    assert f"shard {missing}: the sessions that are not shards ({rerun}) hold only 1 of its" in err, err
    assert not (inputs / "merged.tbsession").exists()


def test_a_whole_run_whose_bench_never_started_holds_nothing(inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = inputs / "broken.tbsession"
    main(["run", str(DEMO), "--session", str(broken), "--cards", "inprocess", "--engine", str(inputs / "no-engine")])
    capsys.readouterr()
    assert merge(inputs, "broken.tbsession", "shard-2.tbsession") == 3
    err = capsys.readouterr().err
    assert f"{broken} : session non partitionnée comptée pour aucune partition, le banc de sa dernière" in err, err
    assert "partition manquante : 1/2" in err


def test_a_whole_run_counts_in_the_versions_check(inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert merge(inputs, "whole-7.2.tbsession", "shard-2.tbsession") == 3
    err = capsys.readouterr().err
    assert "versions mélangées entre les partitions" in err, err
    assert f"{inputs / 'whole-7.2.tbsession'}, session non partitionnée pour la partition 1/2 : moteur" in err
    assert merge(inputs, "whole-7.2.tbsession", "shard-2.tbsession", extra=("--allow-mixed-versions",)) == 0


def test_a_shard_meta_edited_by_hand_is_refused_not_a_crash(inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edited = inputs / "shard-1.tbsession"
    with sqlite3.connect(edited) as conn:
        record = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'shard'").fetchone()[0])
        record["index"] = "x"
        conn.execute("UPDATE meta SET value = ? WHERE key = 'shard'", (json.dumps(record),))
    conn.close()
    capsys.readouterr()
    assert merge(inputs, "shard-1.tbsession", "shard-2.tbsession") == 3
    err = capsys.readouterr().err
    assert "erreur interne" not in err and "Traceback" not in err, err
    assert "modifié" in err, err


def test_an_input_named_as_the_merge_s_working_file_is_not_replaced(
    inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The merge writes ``OUT.partial`` then renames it: given as an input, that file was replaced, the input lost."""
    working = inputs / "merged.tbsession.partial"
    shutil.copy(inputs / "shard-1.tbsession", working)
    before = working.read_bytes()
    capsys.readouterr()
    assert merge(inputs, working.name, "shard-2.tbsession") == 3
    err = capsys.readouterr().err
    assert f"{working} : c'est le fichier où la fusion écrit {inputs / 'merged.tbsession'} avant de le renommer" in err
    assert working.read_bytes() == before and not (inputs / "merged.tbsession").exists()
    assert merge(inputs, working.name, "shard-2.tbsession", lang="en") == 3
    assert "this is the file the merge writes" in capsys.readouterr().err


def test_a_whole_run_of_other_casebook_bytes_is_named(inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A whole run on a runner whose checkout turned LF into CRLF: its cases are the campaign's in other bytes."""
    crlf = inputs / "crlf" / "demo.xml"
    shutil.copytree(CASEBOOKS_DIR / "cards", crlf.parent / "cards")  # the card profiles it names
    crlf.write_bytes(DEMO.read_bytes().replace(b"\n", b"\r\n"))
    whole = inputs / "whole-crlf.tbsession"
    main(["run", str(crlf), "--session", str(whole), *BENCH])
    capsys.readouterr()
    assert merge(inputs, whole.name, "shard-2.tbsession") == 3
    err = capsys.readouterr().err
    said = f"{whole} : session non partitionnée dont les cahiers n'ont pas les mêmes octets que dans les partitions"
    assert f"{said} ({crlf} : fins de ligne changées par le checkout" in err, err
    assert "partition manquante : 1/2" in err
    assert merge(inputs, whole.name, "shard-2.tbsession", lang="en") == 3
    assert "not a shard session, its casebooks do not have the same bytes as in the shards" in capsys.readouterr().err
