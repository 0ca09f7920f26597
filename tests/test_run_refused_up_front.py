"""What ``testbench run`` refuses before it touches the session: a malformed ``TESTBENCH_CARD_READERS``
(exit 2, the bench's set-up, naming the variable and the bad part), more benches than reader pairs
(exit 2), and ``--resume`` or ``--rerun`` of a shard's session with another ``--shard`` (exit 3: a session
keeps its slice)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from shard_content import BENCH, DEMO

from testbench.cards.reader_pools import ReaderConfigError, parse_reader_pools
from testbench.cli.main import main

BAD_PORT = "vitale=Virtual PCD 00 00@abc,cps=Virtual PCD 00 01@35964"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("garbage", "« garbage » n'est pas de la forme EMPLACEMENT=LECTEUR@PORT|LECTEUR@PORT"),
        (BAD_PORT, "port « abc » invalide dans « vitale=Virtual PCD 00 00@abc » (un nombre de 0 à 65535)"),
        ("vitale=A@70000", "port « 70000 » invalide"),
        ("vitale=,cps=B", "« vitale= » n'est pas de la forme"),
        ("vitale=@35963", "« vitale=@35963 » n'est pas de la forme"),
        ("carte=A@1", "emplacement inconnu « carte » dans « carte=A@1 » (vitale ou cps)"),
        ("vitale=A,vitale=B", "emplacement « vitale » donné deux fois"),
        (" , ", "« , » n'est pas de la forme"),
        # audit 16: one slot alone made every case that presents the other card « emplacement inconnu »
        ("vitale=Virtual PCD 00 00", "aucun lecteur pour l'emplacement « cps » ; donnez-en un pour chacun"),
    ],
)
def test_a_malformed_reader_variable_names_the_bad_part(text: str, says: str) -> None:
    with pytest.raises(ReaderConfigError) as info:
        parse_reader_pools(text)
    assert str(info.value).startswith("TESTBENCH_CARD_READERS : ") and says in str(info.value)


def test_the_reader_variable_still_reads_what_it_documents() -> None:
    assert {
        slot: [(r.name, r.port) for r in specs]
        for slot, specs in parse_reader_pools(
            "vitale=Virtual PCD 00 00@35963|Virtual PCD B 00 00@36000, cps=Lecteur physique 00 00"
        ).items()
    } == {
        "vitale": [("Virtual PCD 00 00", 35963), ("Virtual PCD B 00 00", 36000)],
        "cps": [("Lecteur physique 00 00", 0)],
    }


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("cards", ["pcsc", "auto"])
def test_a_malformed_reader_variable_is_refused_before_the_session_is_created(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    workers: str,
    cards: str,
) -> None:
    session = tmp_path / "s.tbsession"
    monkeypatch.setenv("TESTBENCH_CARD_READERS", BAD_PORT)
    args = ["run", str(DEMO), "--session", str(session), "--cards", cards, "--workers", workers]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "TESTBENCH_CARD_READERS : port « abc » invalide" in err and "int()" not in err, err
    assert not session.exists()
    monkeypatch.setenv("TESTBENCH_CARD_READERS", "garbage")
    assert main([*args, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "TESTBENCH_CARD_READERS: “garbage” is not of the form SLOT=READER@PORT|READER@PORT" in err, err
    assert not session.exists()


def test_the_reader_variable_does_not_matter_to_in_process_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESTBENCH_CARD_READERS", "garbage")
    assert main(["run", str(DEMO), "--session", str(tmp_path / "s.tbsession"), *BENCH, "-k", "DEMO-FSE-001"]) == 0


@pytest.mark.integration
def test_more_benches_than_reader_pairs_leave_no_session(
    vpcd_lock: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TESTBENCH_CARD_READERS", raising=False)
    session = tmp_path / "s.tbsession"
    workers = str(len(vpcd_lock) // 2 + 1)  # one more bench than pcscd has reader pairs
    assert main(["run", str(DEMO), "--session", str(session), "--cards", "pcsc", "--workers", workers]) == 2
    assert "bancs demandés mais pas assez de lecteurs" in capsys.readouterr().err
    assert not session.exists()


def shard_of(session: Path) -> str:
    conn = sqlite3.connect(session)
    try:
        return str(conn.execute("SELECT value FROM meta WHERE key = 'shard'").fetchone()[0])
    finally:
        conn.close()


def test_resume_keeps_the_sessions_shard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "shard-1.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--shard", "1/4"]) in (0, 1)
    recorded = shard_of(session)
    capsys.readouterr()

    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--shard", "3/4", "--resume"]) == 3
    assert "cette session est la partition 1/4 de sa campagne ; --resume la reprend sans --shard 3/4" in (
        capsys.readouterr().err
    )
    assert shard_of(session) == recorded  # not relabelled
    args = ["run", str(DEMO), "--session", str(session), *BENCH, "--shard", "1/4", "-k", "FSE", "--resume"]
    assert main(args) == 3  # a resume goes on with its own selection: another -k is refused
    assert "--resume reprend la session là où elle s'est arrêtée, avec sa sélection de cas" in capsys.readouterr().err
    # its own shard, or none, resumes it
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--shard", "1/4", "--resume"]) in (0, 1)
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--resume"]) in (0, 1)
    assert shard_of(session) == recorded

    whole = tmp_path / "whole.tbsession"
    assert main(["run", str(DEMO), "--session", str(whole), *BENCH, "-k", "DEMO-FSE-001"]) == 0
    capsys.readouterr()
    assert main(["run", str(DEMO), "--session", str(whole), *BENCH, "--shard", "2/4", "--resume", "--lang", "en"]) == 3
    assert "this session is not a shard; --resume continues it without --shard 2/4" in capsys.readouterr().err


def test_rerun_keeps_the_sessions_shard_and_the_share_is_told_only_when_the_run_goes_ahead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--rerun`` runs the cases it is given: on a shard's session only with its own ``--shard`` (else it would
    relabel the session, exit 3); the « partition K/N : n cas sur m » notice comes only with a run."""
    session = tmp_path / "shard-1.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--shard", "1/4"]) in (0, 1)
    recorded = shard_of(session)
    assert "partition 1/4 : " in capsys.readouterr().err

    for extra, says in (
        (["--shard", "3/4"], "cette session est la partition 1/4 de sa campagne ; --rerun la rejoue avec --shard 1/4"),
        ([], "--rerun la rejoue avec --shard 1/4 (une session garde sa partition)"),
        (["--shard", "1/4", "-k", "FSE"], "a été tirée d'une autre sélection de cas ; --rerun la rejoue avec les"),
    ):
        assert main(["run", str(DEMO), "--session", str(session), *BENCH, *extra, "--rerun"]) == 3, extra
        err = capsys.readouterr().err
        assert says in err and "cas sur" not in err, err  # no share told before a refusal
        assert shard_of(session) == recorded  # not relabelled
    args = ["run", str(DEMO), "--session", str(session), *BENCH, "--shard", "3/4", "--resume"]
    assert main(args) == 3
    assert "cas sur" not in capsys.readouterr().err  # nor before --resume's refusal

    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--shard", "1/4", "--rerun"]) in (0, 1)
    assert "partition 1/4 : " in capsys.readouterr().err  # its own shard reruns it
    assert shard_of(session) == recorded

    whole = tmp_path / "whole.tbsession"
    assert main(["run", str(DEMO), "--session", str(whole), *BENCH, "-k", "DEMO-FSE-001"]) == 0
    capsys.readouterr()
    assert main(["run", str(DEMO), "--session", str(whole), *BENCH, "--shard", "2/4", "--rerun", "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert "this session is not a shard; --rerun runs it again without --shard 2/4" in err and "shard 2/4:" not in err


def test_a_broken_card_profile_is_refused_before_the_campaign_not_met_in_its_middle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``validate`` reads each card profile the fixtures name; ``run`` does too, before anything is recorded: a
    profile cut in half is its file:line:col, exit 3 — not « erreur interne » at the case that presents it."""
    import shutil

    from testbench.paths import CASEBOOKS_DIR

    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    shutil.copy(CASEBOOKS_DIR / "demo.xml", tmp_path / "demo.xml")
    profile = tmp_path / "cards" / "vitale2-c2s.xml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text[: len(text) // 2], encoding="utf-8")
    session = tmp_path / "s.tbsession"
    argv = ["run", str(tmp_path / "demo.xml"), *BENCH[:4], "--session", str(session)]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert f"{profile}:" in err and "profil de carte invalide : XML mal formé" in err and "interne" not in err
    assert not session.exists()
