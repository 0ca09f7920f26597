"""Record and replay card sessions; import/export pcsc-tools ``scriptor`` scripts.

Recording format (OURS): JSON lines. Line 1 is a header ``{"format": "testbench-apdu-recording",
"version": 1, "atr": "3B…", "reader": …, "created": …}``; every other line is one exchange as
written by :func:`testbench.cards.trace.exchange_record` (command with PIN masked, response, sw…).
PINs are never recorded: VERIFY data is masked before it reaches the recorder, and replay matches
PIN commands on their masked form.

Replay: a :class:`ReplayCard` answers each command with the recorded answers for the same bytes,
in order (the last one repeats). A command never recorded gets ``6A82`` if its instruction appears
in the recording (e.g. SELECT of another file), else ``6D00``.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from testbench.i18n import _t, tn

from .apdu import ApduError, mask_pin, parse
from .api import ApduExchange
from .sw import sw_meaning
from .trace import exchange_record

FORMAT = "testbench-apdu-recording"


class RecordingError(ValueError):
    """The file is not a valid recording or script (message starts with file:line)."""


class Recorder:
    """An ApduSink writing a recording file (thread-safe, flushed per line); ``stream``: written there instead,
    for a caller that writes the file only once the recording is whole (``cards record``)."""

    def __init__(
        self, path: Path, atr: bytes = b"", reader: str = "", note: str = "", *, stream: TextIO | None = None
    ) -> None:
        self.path = path
        self._own = stream is None  # a stream given stays the caller's: close() leaves it open
        self._fh = stream if stream is not None else open(path, "w", encoding="utf-8")  # noqa: SIM115 - close()
        self._lock = threading.Lock()
        self.count = 0
        header = {
            "format": FORMAT,
            "version": 1,
            "atr": atr.hex().upper(),
            "reader": reader,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "note": note,
        }
        self._fh.write(json.dumps(header, ensure_ascii=False) + "\n")

    def __call__(self, ex: ApduExchange) -> None:
        line = json.dumps(exchange_record(ex), ensure_ascii=False)
        with self._lock:
            self._fh.write(line + "\n")
            self._fh.flush()
            self.count += 1

    def close(self) -> None:
        if self._own:
            self._fh.close()


def load_recording(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    header: dict[str, Any] | None = None
    exchanges = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):  # a BOM: an editor's
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            raise RecordingError(f"{path}:{n}: ligne qui n'est pas un objet JSON") from None
        if not isinstance(obj, dict):
            raise RecordingError(f"{path}:{n}: ligne qui n'est pas un objet JSON")
        if header is None:
            if obj.get("format") != FORMAT:
                raise RecordingError(f"{path}:{n}: en-tête « {FORMAT} » attendu")
            if "atr" in obj:  # a card's ATR, as cards record writes it: else no card to present
                _hex_field(obj, "atr", f"{path}:{n}")
            header = obj
            continue
        for key in ("command", "response", "sw"):
            if key not in obj:
                raise RecordingError(f"{path}:{n}: champ « {key} » manquant")
            value = _hex_field(obj, key, f"{path}:{n}")
            if key == "sw" and len(value) != 2:  # a status word is two bytes: « 9000 »
                raise RecordingError(f"{path}:{n}: champ « sw » : mot d'état de 2 octets attendu (comme 9000)")
        exchanges.append(obj)
    if header is None:
        raise RecordingError(f"{path}:1: enregistrement vide")
    return header, exchanges


def _hex_field(obj: dict[str, Any], key: str, where: str) -> bytes:
    """The bytes of a recording's hexadecimal field ``key`` (text, as cards record writes it), else a RecordingError
    at ``where``: a number or a non-hexadecimal text would fail later, when the card answers."""
    value = obj[key]
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return bytes.fromhex(value)
    except ValueError:
        raise RecordingError(f"{where}: champ « {key} » : hexadécimal invalide") from None


class ReplayCard:
    """A card answering from a recording (same interface as :class:`IsoCard`)."""

    def __init__(self, atr: bytes, exchanges: list[dict[str, Any]]) -> None:
        self.atr = atr
        self.answers: dict[bytes, list[bytes]] = defaultdict(list)
        self.known_ins: set[int] = set()
        for ex in exchanges:
            cmd = bytes.fromhex(ex["command"])
            self.answers[cmd].append(bytes.fromhex(ex["response"]) + int(ex["sw"], 16).to_bytes(2, "big"))
            if len(cmd) > 1:
                self.known_ins.add(cmd[1])
        self._next: dict[bytes, int] = defaultdict(int)
        self.powered = False
        self.unknown: list[bytes] = []

    @classmethod
    def from_file(cls, path: Path) -> ReplayCard:
        header, exchanges = load_recording(path)
        return cls(bytes.fromhex(header.get("atr", "")), exchanges)

    def power_on(self) -> None:
        self.powered = True
        self._next.clear()

    def power_off(self) -> None:
        self.powered = False

    def reset(self) -> None:
        self.power_on()

    def process(self, apdu: bytes) -> bytes:
        key = mask_pin(bytes(apdu))
        answers = self.answers.get(key)
        if not answers:
            self.unknown.append(key)
            return b"\x6a\x82" if len(key) > 1 and key[1] in self.known_ins else b"\x6d\x00"
        i = self._next[key]
        self._next[key] = i + 1
        return answers[min(i, len(answers) - 1)]


# ---------------------------------------------------------------- scriptor


def parse_scriptor(text: str, file: str = "<script>") -> list[tuple[bytes, bytes | None]]:
    """Parse a scriptor script (one APDU per line, ``#`` comments, ``reset`` lines skipped) or a
    scriptor session log (``> APDU`` / ``< RESPONSE : meaning`` lines). Returns (command, R-APDU or None).
    A fault is placed at file:line:column; a command whose Lc does not match its data is refused, never sent.
    """
    out: list[tuple[bytes, bytes | None]] = []
    for n, raw in enumerate(text.removeprefix("\ufeff").splitlines(), 1):  # a BOM is no part of line 1
        line = raw.split("#", 1)[0].rstrip()
        body = line.strip()
        if not body or body.lower() in ("reset", "exit", "quit"):
            continue
        start = len(line) - len(line.lstrip())
        if body[0] in "<>":
            start += 1
        if body.startswith("<"):
            if not out or out[-1][1] is not None:
                raise RecordingError(f"{file}:{n}:{start}: réponse sans commande")
            out[-1] = (out[-1][0], _hex(line.split(":", 1)[0], start, f"{file}:{n}"))
        else:
            out.append((_command(line, start, f"{file}:{n}"), None))
    return out


def _hex(line: str, start: int, where: str) -> bytes:
    """The bytes written in ``line`` from ``start`` (spaces between them allowed), or a RecordingError at the
    column of the first character that is not hexadecimal."""
    text = line[start:]
    for i, ch in enumerate(text):
        if not (ch.isspace() or ch in "0123456789abcdefABCDEF"):
            raise RecordingError(f"{where}:{start + i + 1}: hexadécimal invalide : « {text.strip()} »")
    digits = "".join(text.split())
    if len(digits) % 2:
        raise RecordingError(f"{where}:{len(line)}: hexadécimal invalide : « {text.strip()} »")
    return bytes.fromhex(digits)


def _command(line: str, start: int, where: str) -> bytes:
    """A command APDU of a script line: its bytes, or a RecordingError at its length byte (Lc) when the data does
    not match it (the card would answer 6700, or take a wrong command)."""
    apdu = _hex(line, start, where)
    if len(apdu) < 4:
        raise RecordingError(
            tn(
                "{where}: commande de {count} octet : il en faut au moins 4 (CLA INS P1 P2)",
                "{where}: commande de {count} octets : il en faut au moins 4 (CLA INS P1 P2)",
                len(apdu),
                "fr",
                where=f"{where}:{start + 1}",
            )
        )
    try:
        parse(apdu)
    except ApduError:
        extended = apdu[4] == 0  # Lc on three bytes: 00 then two
        lc = int.from_bytes(apdu[5:7], "big") if extended else apdu[4]
        given = max(0, len(apdu) - (7 if extended else 5))
        raise RecordingError(
            tn(
                "{where}: Lc = {lc} mais {count} octet de données",
                "{where}: Lc = {lc} mais {count} octets de données",
                given,
                "fr",
                where=f"{where}:{_byte_column(line, start, 4)}",
                lc=lc,
            )
        ) from None
    return apdu


def _byte_column(line: str, start: int, index: int) -> int:
    """The 1-based column of byte ``index`` of the hexadecimal written in ``line`` from ``start``."""
    digits = 0
    for i in range(start, len(line)):
        if not line[i].isspace():
            if digits == 2 * index:
                return i + 1
            digits += 1
    return len(line)


#: The first comment of an exported script (the PIN bytes a recording holds are masked already).
EXPORTED = _t("# exporté par testbench (données de code porteur masquées en octets 2A)")


def export_scriptor(
    exchanges: list[dict[str, Any]], with_responses: bool = False, t: Callable[[str], str] = str
) -> str:
    """A scriptor script of the recorded commands (PIN already masked), optionally with responses as comments;
    ``t``: the language of its comments (French by default), one for the whole script."""
    lines = ["#!/usr/bin/env scriptor", t(EXPORTED), "reset"]
    for ex in exchanges:
        command = bytes.fromhex(ex["command"])
        lines.append(command.hex(" ").upper())
        if with_responses:
            rsp = bytes.fromhex(ex["response"]).hex(" ").upper()
            sw = int(ex["sw"], 16)
            meaning = t(sw_meaning(sw, command))
            lines.append(f"# < {(rsp + ' ') if rsp else ''}{sw >> 8:02X} {sw & 0xFF:02X} : {meaning}")
    return "\n".join(lines) + "\n"


def recording_from_scriptor_log(pairs: list[tuple[bytes, bytes | None]]) -> list[dict[str, Any]]:
    """Exchanges (recording lines) from a scriptor session log's command/response pairs."""
    out = []
    for cmd, rsp in pairs:
        if rsp is None or len(rsp) < 2:
            continue
        ex = ApduExchange("scriptor", "", mask_pin(cmd), rsp[:-2], (rsp[-2] << 8) | rsp[-1], 0)
        out.append(exchange_record(ex))
    return out
