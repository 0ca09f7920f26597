"""Vitale 1 is its own card path: an addressed memory card (class BC, READ BINARY by address from
0200h), not the Vitale 2 file system it used to be served as (issue 15 §3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.cards import apdu as A
from testbench.cards import layout as L
from testbench.cards.api import CardMismatch
from testbench.cards.bay import PcscBay
from testbench.cards.guard import check_cards
from testbench.cards.inprocess import InProcessBay
from testbench.cards.profile import ProfileError, load_profile, parse_profile
from testbench.cards.read import CardReadError, read_vitale, read_vitale_files
from testbench.cards.virtual import build_card, vitale_files
from testbench.cards.vitale1 import Vitale1Card, read_binary
from testbench.paths import CARD_PROFILES_DIR as P

V1 = P / "vitale1-adult.xml"


def _bay(profile: Path = V1) -> tuple[InProcessBay, list[bytes]]:
    commands: list[bytes] = []
    bay = InProcessBay(apdu_sink=lambda x: commands.append(x.command))
    bay.present("vitale", profile)
    return bay, commands


def test_a_vitale1_answers_only_class_bc_and_has_no_files() -> None:
    card = build_card(V1)
    assert isinstance(card, Vitale1Card)
    assert card.process(A.select_fid(L.FID_MF)) == b"\x6e\x00"  # a Vitale 2 sequence gets nowhere
    assert card.process(A.select_aid(L.AID_VITALE)) == b"\x6e\x00"
    assert card.process(bytes.fromhex("BCA4000002 3F00".replace(" ", ""))) == b"\x6d\x00"  # no SELECT at all
    assert card.process(read_binary(0x0100, 4)) == b"\x6b\x00"  # below the readable area
    directory = card.process(read_binary(0x0200, 16))
    assert directory[-2:] == b"\x90\x00" and int.from_bytes(directory[:2], "big") == 0x0210


def test_a_vitale2_refuses_the_vitale1_class() -> None:
    card = build_card(P / "vitale2-adult-standard.xml")
    card.power_on()
    assert card.process(read_binary(0x0200, 16)) == b"\x6e\x00"


def test_reading_a_vitale1_goes_by_address_and_decodes_like_a_vitale2() -> None:
    bay, commands = _bay()
    data = read_vitale(bay, "vitale")
    assert data.generation == 1 and data.rights.end is None
    assert [b.name for b in data.beneficiaries] == ["PROTO"]
    assert commands and all(c[:2] == b"\xbc\xb0" for c in commands), [c.hex() for c in commands]
    files = vitale_files(load_profile(V1))
    assert read_vitale_files(bay, "vitale")["identity"] == files["identity"]


def test_the_guard_reads_a_vitale1_holder_and_refuses_a_vitale2_in_its_place() -> None:
    bay, _ = _bay()
    report = check_cards(bay, [("vitale", load_profile(V1))])
    assert all(c.ok for c in report.checks)
    bay.present("vitale", P / "vitale2-adult-standard.xml")
    with pytest.raises(CardMismatch, match="Vitale 1"):
        check_cards(bay, [("vitale", load_profile(V1))])


def test_a_reader_that_knows_only_vitale2_fails_on_a_vitale1() -> None:
    from testbench.cards.read import _select

    bay, _ = _bay()
    with pytest.raises(CardReadError) as exc:
        _select(bay, "vitale", A.select_fid(L.FID_MF), "SELECT MF")
    assert exc.value.sw == 0x6E00


def test_a_raw_file_on_a_vitale1_profile_is_a_placed_error() -> None:
    data = V1.read_bytes().replace(b"</card-profile>", b'  <file df="MF" fid="2F00">00</file>\n</card-profile>')
    with pytest.raises(ProfileError, match="Vitale 1 n'a pas de fichiers"):
        parse_profile(data, "v1.xml")


def test_a_vitale1_profile_must_fit_its_memory() -> None:
    period = b'<ald start="2020-01-01" end="2030-12-31"/><c2s start="2020-01-01" end="2030-12-31"/>'
    people = b"".join(
        b'<beneficiary rank="%d" qualite="06" name="PROTO" first-name="ENFANT" birth-date="2010-01-01">'
        b"<coverage>%s</coverage></beneficiary>" % (rank, period * 1)
        for rank in range(2, 20)
    )
    data = V1.read_bytes().replace(b"</card-profile>", people + b"</card-profile>")
    assert load_profile(V1) and parse_profile(data, "v1.xml").beneficiaries[-1].rank == 19  # fits: 19 people
    crowded = data.replace(b'first-name="ENFANT"', b'first-name="ENFANTAVECUNPRENOMTRESLONGX"')
    crowded = crowded.replace(
        b"<coverage>",
        b'<coverage><maternity start="2020-01-01" end="2030-12-31"/>'
        b'<at-mp start="2020-01-01" end="2030-12-31"/><ame start="2020-01-01" end="2030-12-31"/>'
        b'<alsace-moselle start="2020-01-01" end="2030-12-31"/>',
    )
    with pytest.raises(ProfileError, match="ne tiennent pas dans une carte Vitale 1"):
        parse_profile(crowded, "v1.xml")


@pytest.mark.integration
def test_a_vitale1_through_pcscd(pcsc_bay: PcscBay, tmp_path: Path) -> None:
    pcsc_bay.present("vitale", V1)
    assert read_vitale(pcsc_bay, "vitale").generation == 1
    pcsc_bay.release()
    lines = [json.loads(x) for x in (tmp_path / "emulator" / "emulator-vitale.jsonl").read_text().splitlines()]
    assert lines and all(x["command"].startswith("BCB0") for x in lines)
    assert lines[0]["command"] == "BCB0020010" and lines[0]["sw"] == "9000"
