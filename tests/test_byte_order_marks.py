"""Files people edit, as Windows' Notepad saved them before Windows 10 1903: with a byte-order mark, which is
not part of the text — our TOML files (tomlfile.parse_toml), a card recording edited by hand (a prepared
attestations file: test_attestations_file.py). And the workstation's settings file says a syntax error where
it is, in words, as every TOML file of ours does."""

from __future__ import annotations

from pathlib import Path

from test_sut_profile import VALID

from testbench.cards.record import Recorder, load_recording, parse_scriptor
from testbench.sut.profile import load_profile
from testbench.tui.config import load_settings

BOM = "\ufeff"
VALUE_EXPECTED = "valeur invalide (texte entre guillemets, nombre, booléen, date, [liste] ou {table})"


def test_an_application_profile_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    (tmp_path / "sut.toml").write_text(BOM + VALID, encoding="utf-8")
    assert load_profile(tmp_path / "sut.toml").product.name == "Démo ERP PSAD"


def test_the_workstation_settings_read_a_byte_order_mark_and_place_a_syntax_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("TESTBENCH_LANG", raising=False)
    settings_file = tmp_path / "tui.toml"
    settings_file.write_text(BOM + 'lang = "en"\noperator = "Zoé"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert (settings.lang, settings.operator, settings.problems) == ("en", "Zoé", [])
    settings_file.write_text('operator = "Zoé"\nlang = [\n', encoding="utf-8")
    assert load_settings(tmp_path).problems == [f"{settings_file}:2:9: syntaxe TOML invalide : {VALUE_EXPECTED}"]
    settings_file.write_bytes(b'operator = "Zo\xe9"\n')  # cp1252, not UTF-8
    assert load_settings(tmp_path).problems == [f"{settings_file} : illisible (pas du texte UTF-8)"]


def test_a_card_recording_saved_again_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    recording = tmp_path / "carte.jsonl"
    recorder = Recorder(recording, bytes.fromhex("3B751300004409EA9000"), "Lecteur virtuel vitale")
    recorder.close()
    recording.write_text(BOM + recording.read_text(encoding="utf-8"), encoding="utf-8")
    header, exchanges = load_recording(recording)
    assert header["atr"] == "3B751300004409EA9000" and exchanges == []


def test_a_scriptor_script_written_with_a_byte_order_mark_is_read() -> None:
    script = BOM + "# sélection du DF\n00 A4 04 00 00\nreset\n"
    assert parse_scriptor(script, "lecture.script") == [(bytes.fromhex("00A4040000"), None)]
