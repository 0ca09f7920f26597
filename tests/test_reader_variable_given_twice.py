"""A reader or a vpcd port given twice in ``TESTBENCH_CARD_READERS`` is refused before a run touches its session
(audit s26-cards, E2 and E3): one port for both slots made the bench wait on its own lock and blame « un banc de
test » — itself — for 30 s per case; one physical reader for both slots asked the person to pull the card the case
needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from shard_content import DEMO

from testbench.cards.reader_pools import ReaderConfigError, parse_reader_pools
from testbench.cli.main import main

SAME_PORT = "vitale=Virtual PCD C 00 00@36003,cps=Virtual PCD C 00 01@36003"
SAME_READER = "vitale=Virtual PCD C 00 00,cps=Virtual PCD C 00 00"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            SAME_PORT,
            "le port 36003 est donné à deux lecteurs (« Virtual PCD C 00 00 » et « Virtual PCD C 00 01 ») ;"
            " chaque lecteur vpcd a son port",
        ),
        (
            SAME_READER,
            "le lecteur « Virtual PCD C 00 00 » est donné à deux emplacements (vitale et cps) ;"
            " chaque emplacement a son lecteur",
        ),
        ("vitale=A@36000|B@36000,cps=C", "le port 36000 est donné à deux lecteurs (« A » et « B »)"),
        ("vitale=A@36000,cps=A@36000", "le lecteur « A » est donné à deux emplacements (vitale et cps)"),
        ("vitale=A|A,cps=C", "le lecteur « A » est donné deux fois"),
    ],
)
def test_a_reader_or_a_port_given_twice_is_named(text: str, says: str) -> None:
    with pytest.raises(ReaderConfigError) as info:
        parse_reader_pools(text)
    assert str(info.value) == f"TESTBENCH_CARD_READERS : {says}" or says in str(info.value), str(info.value)


def test_physical_readers_share_port_zero() -> None:
    """Port 0 (none given) is no port: two physical readers are fine."""
    assert parse_reader_pools("vitale=A,cps=B") == parse_reader_pools("vitale=A@0,cps=B@0")


@pytest.mark.parametrize("text", [SAME_PORT, SAME_READER])
def test_a_run_is_refused_before_the_session_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    session = tmp_path / "s.tbsession"
    monkeypatch.setenv("TESTBENCH_CARD_READERS", text)
    args = ["run", str(DEMO), "--session", str(session), "--cards", "pcsc"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "TESTBENCH_CARD_READERS : le " in err and "est donné à deux" in err, err
    assert not session.exists()
    assert main([*args, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "TESTBENCH_CARD_READERS: " in err and "given to two" in err, err
    assert not session.exists()
