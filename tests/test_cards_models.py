"""Unit tests of the card layer's pure parts: NIR, TLV, APDU masking, profiles, card model, decoders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from testbench.cards import apdu as A
from testbench.cards import layout as L
from testbench.cards import tlv
from testbench.cards.inprocess import Fault, InProcessBay
from testbench.cards.nir import NirError, check_nir, is_valid_nir, nir_key, split_nir, with_key
from testbench.cards.profile import ProfileError, load_profile, parse_profile
from testbench.cards.read import read_cps, read_vitale
from testbench.cards.sw import sw_meaning
from testbench.cards.virtual import build_card
from testbench.paths import CARD_PROFILES_DIR

PROFILES = sorted(CARD_PROFILES_DIR.glob("*.xml"))
EXPECTED_PROFILES = {
    "vitale2-adult-standard",
    "vitale2-family",
    "vitale2-ald",
    "vitale2-c2s",
    "vitale2-maternity",
    "vitale2-atmp",
    "vitale2-alsace-moselle",
    "vitale2-expired-rights",
    "vitale2-real-nature",
    "vitale1-adult",
    "cps3-psad-lpp",
    "cps4-nurse",
    "cps3-pin-blocked",
    "cps3-pin-last-try",
    "cps3-unblock-blocked",
    "cps3-real-nature",
    "vitale2-regime-mines",
}


# ---------------------------------------------------------------- NIR


def test_nir_key_known_values() -> None:
    # 97 - (1800199999001 mod 97) computed independently
    assert nir_key("1800199999001") == f"{97 - 1800199999001 % 97:02d}"
    assert check_nir("1 80 01 99 999 001 68") == "180019999900168"


def test_nir_corsica_counts_as_19_and_18() -> None:
    body_2a = "180012A123456"
    assert nir_key(body_2a) == f"{97 - 1800119123456 % 97:02d}"
    assert nir_key("180012B123456") == f"{97 - 1800118123456 % 97:02d}"


def test_nir_wrong_key_and_shape() -> None:
    with pytest.raises(NirError, match="clé"):
        check_nir("180019999900169")
    assert not is_valid_nir("18001999990016")
    assert not is_valid_nir("980019999900168")  # sex digit 9 is not allowed
    assert split_nir("180019999900168").department == "99"
    assert split_nir(with_key("3800199999011")).temporary


# ---------------------------------------------------------------- TLV and APDU


def test_tlv_roundtrip_nested_and_long_lengths() -> None:
    long_value = bytes(300)
    data = tlv.encode(0x65, [tlv.text(0x80, "ESSAI"), tlv.encode(0x81, long_value)]) + b"\x00\xff"
    (ben,) = tlv.parse(data)
    assert ben.tag == 0x65 and ben.constructed
    assert ben.text(0x80) == "ESSAI"
    assert ben.find(0x81).value == long_value
    assert tlv.parse(tlv.encode(0x5F37, b"\x01"))[0].tag == 0x5F37


def test_tlv_truncated_raises() -> None:
    with pytest.raises(tlv.TlvError):
        tlv.parse(bytes.fromhex("6505800345"))


@pytest.mark.parametrize(
    "raw",
    ["00A40000023F00", "00B0820000", "00C0000011", "0020008108313233 34FFFFFFFF", "00B0000000000100"],
)
def test_apdu_parse_build_roundtrip(raw: str) -> None:
    b = A.unhex(raw)
    assert A.parse(b).to_bytes() == b


def test_pin_is_masked_but_shape_kept() -> None:
    verify = A.build(0, 0x20, 0, 0x81, L.pin_block("4719"))
    masked = A.mask_pin(verify)
    assert b"4719" not in masked and len(masked) == len(verify)
    assert masked[:5] == verify[:5]
    assert A.mask_pin(A.read_binary_sfi(2)) == A.read_binary_sfi(2)
    assert A.mask_pin(bytes.fromhex("00200081FF313233")).count(b"1") == 0  # malformed: fail closed


def test_sw_meanings_are_french_and_parametrised() -> None:
    assert sw_meaning(0x6A82) == "fichier ou application introuvable"
    assert "2 essai" in sw_meaning(0x63C2)
    assert "Le = 12" in sw_meaning(0x6C0C)


# ---------------------------------------------------------------- profiles


def test_exactly_the_expected_profiles_exist_and_load() -> None:
    assert {p.stem for p in PROFILES} == EXPECTED_PROFILES
    for path in PROFILES:
        prof = load_profile(path)
        assert prof.id == path.stem
        if prof.is_vitale:
            assert all(is_valid_nir(b.nir) for b in prof.beneficiaries)
            assert L.atr_family(prof.atr) == prof.kind
        else:
            assert L.atr_family(prof.atr) == prof.kind


def test_pin_never_in_repr() -> None:
    prof = load_profile(CARD_PROFILES_DIR / "cps3-psad-lpp.xml")
    assert prof.pin is not None and prof.pin.reveal() == "4719"
    assert "4719" not in repr(prof) and "4719" not in repr(prof.pin) and "4719" not in str(prof.pin)


def _profile(body: str, kind: str = "vitale2") -> bytes:
    return (
        f'<?xml version="1.0"?>\n<card-profile format="1" id="x" kind="{kind}">\n'
        f"  <label>x</label>\n  <nature>T</nature>\n{body}</card-profile>\n"
    ).encode()


def test_profile_bad_nir_key_reports_file_line_col() -> None:
    body = (
        '  <holder nir="180019999900168"/>\n'
        '  <rights regime="01" caisse="751" centre="9999" code-gestion="10"/>\n'
        '  <beneficiary rank="1" qualite="00" nir="180019999900167" name="A" first-name="B" birth-date="2000-01-01"/>\n'
    )
    with pytest.raises(ProfileError) as exc:
        parse_profile(_profile(body), "p.xml")
    assert str(exc.value).startswith("p.xml:7:3: ") and "clé" in str(exc.value)


def test_profile_schema_error_has_position() -> None:
    with pytest.raises(ProfileError) as exc:
        parse_profile(_profile('  <holder nir="X"/>\n'), "p.xml")
    assert exc.value.line == 5 and "schéma" in exc.value.message


def test_profile_rejects_entities_and_malformed_xml(tmp_path: Path) -> None:
    evil = tmp_path / "evil.xml"
    evil.write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<card-profile format="1" id="&e;" kind="vitale2"><label>x</label><nature>T</nature></card-profile>'
    )
    with pytest.raises(ProfileError):
        load_profile(evil)
    with pytest.raises(ProfileError) as exc:
        parse_profile(b"<card-profile>\n<oops></card-profile>", "m.xml")
    assert exc.value.file == "m.xml" and exc.value.line == 2


def test_profile_cps_parts_refused_on_vitale() -> None:
    body = '  <holder nir="180019999900168"/>\n  <pin code="1234"/>\n'
    with pytest.raises(ProfileError):
        parse_profile(_profile(body), "p.xml")


# ---------------------------------------------------------------- card model


def test_vitale_card_public_sequence_with_t0() -> None:
    card = build_card(CARD_PROFILES_DIR / "vitale2-adult-standard.xml")
    card.power_on()
    assert card.process(A.unhex("00A40000023F00")) == b"\x90\x00"
    r = card.process(A.unhex("00B0820000"))
    assert r[0] == 0x6C  # T=0: Le=00 answered with the exact length
    r = card.process(A.unhex("00B08200") + r[1:2])
    assert r[-2:] == b"\x90\x00"
    (ben,) = tlv.parse(r[:-2])
    assert ben.text(0x80) == "ESSAI" and ben.text(0x82) == "19800115"
    assert card.process(A.select_aid(L.AID_VITALE)) == b"\x90\x00"
    assert card.process(A.unhex("00B0820011"))[-2:] == b"\x90\x00"
    assert card.process(A.unhex("00B0820002FF")) == b"\x67\x00"  # Lc says 2, 1 byte follows
    assert card.process(A.select_aid(b"\xa0\x00\x00\x00\x99")) == b"\x6a\x82"
    assert card.process(A.unhex("00CA000000")) == b"\x6d\x00"


def test_cps_verify_counts_tries_and_blocks() -> None:
    prof = load_profile(CARD_PROFILES_DIR / "cps4-nurse.xml")
    card = build_card(prof)
    card.power_on()
    query = A.build(0, 0x20, 0, L.PIN_REFERENCE)
    assert card.process(query) == b"\x63\xc3"
    assert card.process(A.build(0, 0x20, 0, L.PIN_REFERENCE, L.pin_block("0000"))) == b"\x63\xc2"
    assert card.process(A.build(0, 0x20, 0, L.PIN_REFERENCE, L.pin_block(prof.pin.reveal()))) == b"\x90\x00"
    assert card.process(query) == b"\x90\x00"
    for expected in (b"\x63\xc2", b"\x63\xc1", b"\x69\x83"):
        assert card.process(A.build(0, 0x20, 0, L.PIN_REFERENCE, L.pin_block("0000"))) == expected
    assert card.process(A.build(0, 0x20, 0, L.PIN_REFERENCE, L.pin_block(prof.pin.reveal()))) == b"\x69\x83"


# ---------------------------------------------------------------- read_* over the in-process bay


def test_read_vitale_family_ranks_twins_and_dict_shape() -> None:
    bay = InProcessBay()
    bay.present("vitale", CARD_PROFILES_DIR / "vitale2-family.xml")
    data = read_vitale(bay, "vitale")
    assert data.generation == 2 and data.nature == "T"
    assert [b.rank for b in data.beneficiaries] == [1, 2, 3, 4, 5]
    twins = [b for b in data.beneficiaries if b.birth_date == "2019-06-20"]
    assert [t.twin_rank for t in twins] == [1, 2]
    d = data.as_dict()
    assert set(d) == {"nir", "nature", "generation", "beneficiaries", "rights"}
    assert set(d["beneficiaries"][0]) == {"rank", "name", "first_name", "birth_date", "nir", "qualite", "coverage"}
    assert d["beneficiaries"][1]["nir"] == "180019999900168" and d["beneficiaries"][1]["qualite"] == "02"
    assert d["beneficiaries"][2]["nir"] == d["nir"] == "282019999900216"


@pytest.mark.parametrize(
    ("profile", "flag"),
    [
        ("vitale2-ald", "ald"),
        ("vitale2-c2s", "c2s"),
        ("vitale2-maternity", "maternity"),
        ("vitale2-atmp", "at_mp"),
        ("vitale2-alsace-moselle", "alsace_moselle"),
    ],
)
def test_read_vitale_coverage_flags(profile: str, flag: str) -> None:
    bay = InProcessBay()
    bay.present("vitale", CARD_PROFILES_DIR / f"{profile}.xml")
    cov = read_vitale(bay, "vitale").as_dict()["beneficiaries"][0]["coverage"]
    assert [k for k in ("ald", "c2s", "maternity", "at_mp", "alsace_moselle", "ame") if cov[k]] == [flag]


def test_read_vitale_expired_and_v1() -> None:
    bay = InProcessBay()
    bay.present("vitale", CARD_PROFILES_DIR / "vitale2-expired-rights.xml")
    data = read_vitale(bay, "vitale")
    assert data.rights.end == "2025-06-30" and not data.rights.valid_on(date(2026, 1, 1))
    bay.present("vitale", CARD_PROFILES_DIR / "vitale1-adult.xml")
    v1 = read_vitale(bay, "vitale")
    assert v1.generation == 1 and v1.rights.end is None and v1.rights.start == "2020-01-01"


def test_read_cps_identity_and_tries() -> None:
    bay = InProcessBay()
    bay.present("cps", CARD_PROFILES_DIR / "cps3-pin-blocked.xml")
    cps = read_cps(bay, "cps")
    assert cps.pin_tries_left == 0 and cps.issuer_ok
    assert cps.as_dict() == {
        "rpps": "89990000039",
        "name": "EXEMPLE",
        "first_name": "PIERRE",
        "profession": "Médecin",
        "specialty": "Médecine générale",
        "card_type": "CPS",
        "nature": "T",
    }
    bay.present("cps", CARD_PROFILES_DIR / "cps4-nurse.xml")
    nurse = read_cps(bay, "cps")
    assert nurse.generation == 4 and nurse.pin_tries_left == 3 and nurse.situations[0].mode == "liberal"


def test_in_process_faults_and_missing_card() -> None:
    from testbench.cards.api import CardUnavailable

    bay = InProcessBay()
    with pytest.raises(CardUnavailable):
        read_vitale(bay, "vitale")
    bay.present("vitale", CARD_PROFILES_DIR / "vitale2-c2s.xml")
    bay.inject_fault("vitale", Fault("pull", after=3))
    with pytest.raises(CardUnavailable, match="retirée"):
        read_vitale(bay, "vitale")
    with pytest.raises(CardUnavailable):
        bay.atr("vitale")
    bay.present("vitale", CARD_PROFILES_DIR / "vitale2-c2s.xml")
    bay.inject_fault("vitale", Fault("sw", sw=0x6A82, ins=0xA4))
    from testbench.cards.read import CardReadError

    with pytest.raises(CardReadError) as exc:
        read_vitale(bay, "vitale")
    assert exc.value.sw == 0x6A82


def test_profile_raw_files_are_added_and_readable(tmp_path: Path) -> None:
    text = (CARD_PROFILES_DIR / "vitale2-adult-standard.xml").read_text()
    text = text.replace(
        "</card-profile>",
        '  <file df="VITALE" fid="2005" sfi="5">65 05 80 03 41 42 43</file>\n'
        '  <file df="MF" fid="2002" sfi="2">65 09 80 01 5A 81 01 59 82 01 58</file>\n</card-profile>',
    )
    path = tmp_path / "custom.xml"
    path.write_text(text)
    bay = InProcessBay()
    bay.present("vitale", path)
    bay.transmit("vitale", A.select_aid(L.AID_VITALE))
    assert bay.transmit("vitale", A.read_binary_sfi(5)) == (bytes.fromhex("65058003414243"), 0x9000)
    assert read_vitale(bay, "vitale").beneficiaries[0].name == "Z"  # the identity file was replaced


def test_missing_profile_file_is_a_profile_error(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as exc:
        load_profile(tmp_path / "absent.xml")
    assert str(exc.value).startswith(f"{tmp_path / 'absent.xml'}:1:1: ")


def test_nineteen_beneficiaries_are_read_across_several_chunks(tmp_path: Path) -> None:
    beneficiaries = "\n".join(
        f'  <beneficiary rank="{r}" qualite="{"00" if r == 1 else "06"}" name="FICTIF-LONGNOM-DE-FAMILLE"'
        f' first-name="PRENOM-NUMERO-{r:02d}" birth-date="2001-01-{r:02d}"/>'
        for r in range(1, 20)
    )
    body = (
        '  <holder nir="282019999900216"/>\n'
        '  <rights regime="01" caisse="751" centre="9999" code-gestion="10"/>\n' + beneficiaries + "\n"
    )
    path = tmp_path / "big.xml"
    path.write_bytes(_profile(body))
    bay = InProcessBay()
    bay.present("vitale", path)
    sent: list[bytes] = []
    bay.add_sink(lambda ex: sent.append(ex.command))
    data = read_vitale(bay, "vitale")
    assert [b.first_name for b in data.beneficiaries] == [f"PRENOM-NUMERO-{r:02d}" for r in range(1, 20)]
    assert bytes.fromhex("00B0010000") in sent  # continued at offset 256 after a full first chunk
