"""``testbench cards``: where its files go, the scripts it sends, the words it writes (audit s23).

An output in a missing folder or naming a folder is a sentence and exit 3, before any card is touched (it was
« erreur interne de testbench »); a script command whose Lc does not match its data is refused at
file:line:column, never sent; an exported script speaks one language and refuses the serving options it would
ignore; the unblock code's counter is not called the PIN's; a mistyped reader lists the readers present.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.cards.record import FORMAT, RecordingError, parse_scriptor
from testbench.cards.sw import sw_meaning
from testbench.cli.main import main
from testbench.paths import CARD_PROFILES_DIR as P


def _cards(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(["cards", *args])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    path = tmp_path / "rec.jsonl"
    header = {"format": FORMAT, "version": 1, "atr": "3B00", "reader": "r"}
    exchanges = [
        {"command": "00200082", "response": "", "sw": "63CA"},
        {"command": "00A4000C023F00", "response": "", "sw": "9000"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in [header, *exchanges]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_record_into_a_missing_folder_is_said_before_the_card_is_touched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lang: str
) -> None:
    out = tmp_path / "absent" / "x.jsonl"
    # an unknown reader would exit 2: the output is checked first
    rc, _, err = _cards(capsys, "record", "--reader", "Nul Lecteur", "--out", str(out), "--lang", lang)
    assert rc == 3, err
    assert str(out) in err and "erreur interne" not in err and "internal error" not in err, err
    assert not out.parent.exists()


def test_emulate_trace_into_a_folder_is_said(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, err = _cards(capsys, "emulate", str(P / "vitale2-c2s.xml"), "--trace", str(tmp_path))
    assert rc == 3 and f"{tmp_path} : ce chemin est un dossier" in err, err


def test_replay_export_into_a_missing_folder_is_said(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, recording: Path
) -> None:
    target = tmp_path / "absent" / "out.script"
    rc, _, err = _cards(capsys, "replay", str(recording), "--export-scriptor", str(target))
    assert rc == 3 and str(target) in err and "erreur interne" not in err, err


def test_replay_export_refuses_the_serving_options_it_would_ignore(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, recording: Path
) -> None:
    target = tmp_path / "out.script"
    rc, _, err = _cards(capsys, "replay", str(recording), "--export-scriptor", str(target), "--reader", "1")
    assert rc == 3 and "--reader : sans effet avec --export-scriptor" in err, err
    assert not target.exists()


@pytest.mark.parametrize(
    ("lang", "header", "meaning"),
    [
        ("fr", "# exporté par testbench", "code de déblocage non vérifié ou faux, 10 essais restants"),
        ("en", "# exported by testbench", "unblock code not verified or wrong, 10 tries left"),
    ],
)
def test_an_exported_script_speaks_one_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, recording: Path, lang: str, header: str, meaning: str
) -> None:
    target = tmp_path / "out.script"
    rc, _, err = _cards(capsys, "replay", str(recording), "--export-scriptor", str(target), "--lang", lang)
    assert rc == 0, err
    text = target.read_text(encoding="utf-8")
    assert header in text and meaning in text, text
    assert ("succès" in text) == (lang == "fr") and ("success" in text) == (lang == "en"), text


def test_the_unblock_codes_counter_is_labelled_as_such() -> None:
    assert sw_meaning(0x63CA, bytes.fromhex("00200082")).startswith("code de déblocage non vérifié")
    assert sw_meaning(0x63C2, bytes.fromhex("002C0181083132333435FFFFFF")).startswith("code de déblocage")
    assert sw_meaning(0x63C3, bytes.fromhex("00200081")).startswith("code porteur non vérifié")
    assert sw_meaning(0x63C3).startswith("code porteur non vérifié")


@pytest.mark.parametrize(
    ("script", "placed"),
    [
        ("00 A4 04 00 05 3F\n", "s.script:1:13: Lc = 5 mais 1 octet de données"),
        ("# x\n00 B0 ZZ 00\n", "s.script:2:7: hexadécimal invalide"),
        ("00 A4 0\n", "s.script:1:7: hexadécimal invalide"),
        ("00 A4 04\n", "s.script:1:1: commande de 3 octets"),
        ("> 00 A4 00 0C 02 3F 00\n< 6A 8Z : x\n", "s.script:2:7: hexadécimal invalide"),
    ],
)
def test_a_malformed_script_command_is_placed_and_refused(script: str, placed: str) -> None:
    with pytest.raises(RecordingError) as caught:
        parse_scriptor(script, "s.script")
    assert str(caught.value).startswith(placed), caught.value


def test_well_formed_script_commands_pass() -> None:
    script = "reset\n00 A4 04 00 02 3F 00 00\n00B0000000\n00 20 00 81\n> 00 C0 00 00 10\n< 90 00 : ok\n"
    assert [c.hex() for c, _ in parse_scriptor(script)] == ["00a40400023f0000", "00b0000000", "00200081", "00c0000010"]


@pytest.mark.integration
@pytest.mark.parametrize("command", ["probe", "record", "watch"])
def test_an_unknown_reader_lists_the_readers_present(
    capsys: pytest.CaptureFixture[str], pcsc_stack: list[str], tmp_path: Path, command: str
) -> None:
    extra = {"record": ["--out", str(tmp_path / "r.jsonl")], "watch": ["--timeout", "1"]}.get(command, [])
    rc, _, err = _cards(capsys, command, "--reader", "Virtual PCD Z", *extra)
    assert rc == 2, err
    assert "1 lecteur absent : Virtual PCD Z (présents : " in err and pcsc_stack[0] in err, err
