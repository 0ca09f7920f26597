"""A PIN in base64 that a line wrap cuts in two (MIME's 76 columns, PEM's 64) is masked like one that is not: in a
text of several lines, in lines exported together, and in the lines a capture stores — never stored nor exported,
whatever its encoding. Each line alone decodes to a piece of the bytes holding no whole code."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from testbench.traces.capture import TraceCapture
from testbench.traces.model import TraceLine
from testbench.traces.redact import Redactor, for_export, redact_pins

#: a VERIFY of code 4719 inside a middleware's frame: 57 bytes (one MIME line) end with its header « 00 20 00 81
#: 08 », the next line starts with the code — neither line alone holds the command with its code
VERIFY_FRAME = b"H" * 52 + bytes.fromhex("0020008108") + bytes.fromhex("34373139FFFFFFFF") + b"T" * 40
#: JSON whose code « 4719 » the wrap cuts after « 47 »: the second line starts « 19" » with no label before it
PIN_JSON = '{"reader": "PC Twin Reader 00000000000000000", "pin": "4719", "slot": "0"}'


def mime_lines(data: bytes, width: int = 76) -> list[str]:
    text = base64.b64encode(data).decode()
    return [text[i : i + width] for i in range(0, len(text), width)]


def test_the_samples_are_cut_where_the_code_is() -> None:
    """Each line alone decodes to a piece of the code, never to all of it (the case the old rules missed)."""
    verify = mime_lines(VERIFY_FRAME)
    assert base64.b64decode(verify[0]).endswith(bytes.fromhex("0020008108"))
    assert base64.b64decode(verify[1]).startswith(b"4719")
    assert all(redact_pins(line) == line for line in verify)  # alone, no line is a code
    pin = mime_lines(PIN_JSON.encode())
    assert base64.b64decode(pin[0]).endswith(b'"pin": "47') and base64.b64decode(pin[1]).startswith(b'19"')


def no_piece_left(out: Sequence[str], pieces: Sequence[str]) -> None:
    """Not one line of the encoded code is left (the piece of the code, nor those around it)."""
    joined = "\n".join(out)
    for piece in pieces:
        assert piece not in joined, (piece, joined)
    assert "‹PIN›" in joined


@pytest.mark.parametrize("data", [VERIFY_FRAME, PIN_JSON.encode()], ids=["verify-frame", "json-label"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_text_of_several_lines_masks_a_wrapped_code(data: bytes, newline: str) -> None:
    lines = mime_lines(data)
    text = "requête envoyée :" + newline + newline.join(lines) + newline + "fin"
    for out in (redact_pins(text), Redactor().redact(text), for_export(text, None, redact=False)):
        no_piece_left(out.split("\n"), lines)
        assert out.startswith("requête envoyée :") and out.endswith("fin"), out
        assert out.count("\n") == text.count("\n"), out  # each line stays a line


def test_a_wrap_after_a_label_indented_or_at_64_columns_is_read_too() -> None:
    """The token starts after text on its first line; PEM's 64 columns, indented in XML; its last piece padded."""
    lines = mime_lines(VERIFY_FRAME + b"!", width=64)
    assert lines[-1].endswith("=")
    text = "<frame>" + lines[0] + "\n" + "\n".join("    " + line for line in lines[1:-1])
    text += "\n    " + lines[-1] + "</frame>"
    out = redact_pins(text)
    no_piece_left([out], lines)
    assert out.startswith("<frame>‹PIN›\n    ‹PIN›") and out.endswith("‹PIN›</frame>"), out


def test_lines_read_together_mask_a_wrapped_code() -> None:
    from testbench.traces.redact import redact_pins_lines  # what the capture stores lines with

    lines = mime_lines(VERIFY_FRAME)
    given = ["2024-05-02 10:00:00 DEBUG trame :", *lines, "2024-05-02 10:00:01 INFO suite"]
    out = redact_pins_lines(given)
    assert out[0] == given[0] and out[-1] == given[-1]
    no_piece_left(out, lines)
    masked, counts = Redactor().redact_lines(given)
    no_piece_left(masked, lines)
    assert counts["pin"] == 1, counts


def test_wrapped_base64_without_a_code_is_not_a_pin() -> None:
    """Guard: a wrapped token without a code is no PIN (export's other rules may still mask it as a blob)."""
    from testbench.traces.redact import redact_pins_lines

    lines = mime_lines(b"plain bytes of a document, no code here; " * 4)
    assert redact_pins_lines(lines) == lines
    assert redact_pins("\n".join(lines)) == "\n".join(lines)


class Sink:
    def __init__(self) -> None:
        self.lines: list[TraceLine] = []
        self._lock = threading.Lock()

    def __call__(self, batch: Sequence[TraceLine]) -> None:
        with self._lock:
            self.lines.extend(batch)


def test_a_capture_never_stores_a_wrapped_code(tmp_path: Path) -> None:
    """An application logs a frame in MIME base64, one line of the log for each line of the encoding."""
    log = tmp_path / "app.log"
    log.write_text("", encoding="utf-8")
    other = tmp_path / "other.log"
    other.write_text("", encoding="utf-8")
    sink = Sink()
    lines = mime_lines(VERIFY_FRAME)
    with TraceCapture(sink, poll_interval=0.02, flush_interval=0.02) as capture:
        capture.add_files([log, other])
        text = "2024-05-02 10:00:00 DEBUG trame envoyée :\n" + "\n".join(lines) + "\n"
        with log.open("a", encoding="utf-8") as out, other.open("a", encoding="utf-8") as out2:
            out2.write("autre fichier\n")
            out.write(text)
        deadline = time.monotonic() + 5
        while len(sink.lines) < len(lines) + 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    stored = [line.text for line in sink.lines if line.source == str(log)]
    assert len(stored) == len(lines) + 1, stored
    no_piece_left(stored, lines)
