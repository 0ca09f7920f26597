"""Audit s36: ``cards replay`` of a recording whose header's ATR is not hexadecimal text, or whose status word is
not two bytes (a recording edited by hand, or written by another tool), ended « erreur interne de testbench »
(ValueError, OverflowError); one without an ATR presented a card with none. Each is now refused at file:line, in
the command's language, exit 3, before any card is presented (these never reach a vpcd port)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

HEADER = '{"format": "testbench-apdu-recording", "version": 1'
SELECT = '{"command": "00A40000023F00", "response": "", "sw": "9000"}'

CASES = {
    "atr-not-hex": (f'{HEADER}, "atr": "ZZ"}}\n{SELECT}\n', ":1: champ « atr » : hexadécimal invalide"),
    "atr-a-number": (f'{HEADER}, "atr": 5}}\n{SELECT}\n', ":1: champ « atr » : hexadécimal invalide"),
    "no-atr": (f"{HEADER}}}\n{SELECT}\n", ":1: champ « atr » manquant"),
    "sw-three-bytes": (
        f'{HEADER}, "atr": "3B00"}}\n{SELECT[:-7]}"1FFFFF"}}\n',
        ":2: champ « sw » : mot d'état de 2 octets attendu (comme 9000)",
    ),
    "sw-a-number": (
        f'{HEADER}, "atr": "3B00"}}\n{SELECT[:-7]}36864}}\n',
        ":2: champ « sw » : hexadécimal invalide",
    ),
}
ENGLISH = {
    ":1: champ « atr » : hexadécimal invalide": ":1: field “atr”: invalid hexadecimal",
    ":1: champ « atr » manquant": ":1: field “atr” missing",
    ":2: champ « sw » : mot d'état de 2 octets attendu (comme 9000)": (
        ":2: field “sw”: a 2-byte status word expected (such as 9000)"
    ),
    ":2: champ « sw » : hexadécimal invalide": ":2: field “sw”: invalid hexadecimal",
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_recording_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, lang: str
) -> None:
    text, said = CASES[case]
    recording = tmp_path / "r.jsonl"
    recording.write_text(text, encoding="utf-8")
    assert main(["cards", "replay", str(recording), "--port", "40001", "--duration", "0", "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert f"{recording}{said if lang == 'fr' else ENGLISH[said]}" in err, err
    assert "erreur interne" not in err and "internal error" not in err
