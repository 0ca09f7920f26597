"""The bench's own « stderr : » before each line an external engine writes on stderr (docs/engine-protocol.md) is part
of the line's head, like a timestamp: a known value a dump's or a message's line break cut is masked on both lines there
as on an application's channel (audit s35: the prefix defeated every cut-value rule, birth date, RPPS in hex)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR
from testbench.report.personal import Scrubber
from testbench.traces.known import KnownValues

NIR, BIRTH, RPPS = "180019999900168", "1980-01-15", "89990000013"
#: the identity of the demo casebook's card vitale-std (casebooks/cards/vitale2-adult-standard.xml) and an RPPS
DATA = f"{NIR} ESSAI PAUL 15/01/1980 {RPPS} 999000011".encode()


def known() -> KnownValues:
    values = KnownValues()
    values.add("nir", NIR)
    values.add("birth_date", BIRTH)
    values.add("rpps", RPPS)
    values.add_card_fields({"name": "ESSAI", "first_name": "PAUL"})
    return values


def offset_dump(data: bytes) -> list[str]:
    return [f"{i:04X}: {data[i : i + 16].hex(' ').upper()}" for i in range(0, len(data), 16)]


def scrub(lines: list[str], channel: str = "engine") -> list[str]:
    return Scrubber(True, known()).trace_lines([(channel, line) for line in lines])


def test_a_dump_on_an_engine_s_stderr_is_joined_across_its_line_breaks() -> None:
    out = scrub(["stderr : " + line for line in offset_dump(DATA)])
    assert out[1].startswith("stderr : 0010: ‹nom masqué, 10 octets› 20 ‹date de naissance masquée, 5 octets›"), out
    assert out[2].startswith("stderr : 0020: ‹date de naissance masquée, 5 octets› 20 ‹RPPS masqué, 10 octets›"), out
    assert out[3].startswith("stderr : 0030: ‹RPPS masqué, 1 octet› 20"), out
    # the same lines without the prefix: the same masks (the prefix changes nothing but the head)
    assert [line.removeprefix("stderr : ") for line in out] == scrub(offset_dump(DATA), "app")


def test_hexdump_c_on_stderr_masks_its_column_of_characters_too() -> None:
    dump = subprocess.run(["hexdump", "-C"], input=DATA, capture_output=True, check=True).stdout.decode()
    out = "\n".join(scrub(["stderr : " + line for line in dump.splitlines()]))
    assert "15/01" not in out and "/1980" not in out and "8999000001" not in out, out
    assert "31 35 2f 30 31" not in out.lower() and "2f 31 39 38 30" not in out.lower(), out


@pytest.mark.parametrize(
    ("first", "second", "masked"),
    [
        ("NIR 1 80 01 99", "999 001 68 ok", ("NIR ‹NIR›", "‹NIR› ok")),
        ("Patient PAUL ES", "SAI, facture 12", ("Patient ‹NOM›", "‹NOM›, facture 12")),
        ("né le 15/01/", "1980 facture", ("né le ‹DATE_NAISSANCE›", "‹DATE_NAISSANCE› facture")),
        ("rpps 899900", "00013 ok", ("rpps ‹RPPS›", "‹RPPS› ok")),
    ],
)
def test_a_wrapped_message_on_an_engine_s_stderr_is_read_across_its_break(
    first: str, second: str, masked: tuple[str, str]
) -> None:
    assert scrub([first, second], "app") == list(masked)
    assert scrub(["stderr : " + first, "stderr : " + second]) == ["stderr : " + text for text in masked]


def test_a_break_after_a_space_or_before_a_stamp_is_still_no_cut_on_stderr() -> None:
    kept = ["stderr : facture 1 80 01 99", "stderr : 2026-12-07 10:00:01 999 001 68 ok"]
    assert scrub(kept) == kept
    assert scrub(["stderr : Patient ES ", "stderr : SAI ok"]) == ["stderr : Patient ES ", "stderr : SAI ok"]


#: the reference engine served as a vendor's would be, logging on stderr, at each invoice, a dump of the card's
#: identity 16 bytes a line, the same packed, and in the demo application's log format, and a wrapped message
ENGINE = """
import sys
from testbench.engines.protocol import server

DATA = %r
dispatch = server.Server.dispatch

def logged(self, method, params):
    if method == "create_invoice":
        for i in range(0, len(DATA), 16):
            print(f"DEBUG card: {i:04X}: " + DATA[i:i + 16].hex(" ").upper(), file=sys.stderr)
        for i in range(0, len(DATA), 16):
            print("DEBUG packed " + DATA[i:i + 16].hex().upper(), file=sys.stderr)
        for i in range(0, len(DATA), 16):
            print("07/12/2026 20:23:43,520 [DEBUG] CARD " + DATA[i:i + 16].hex(" ").upper(), file=sys.stderr)
        print("INFO patient NIR 1 80 01 99", file=sys.stderr)
        print("999 001 68 lu", file=sys.stderr)
        sys.stderr.flush()
    return dispatch(self, method, params)

server.Server.dispatch = logged
sys.exit(server.serve_stdio())
"""


def test_an_engine_s_stderr_dump_is_masked_across_its_breaks_in_the_report(tmp_path: Path) -> None:
    (tmp_path / "engine.py").write_text(ENGINE % DATA, encoding="utf-8")
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "-k", "DEMO-FSE-001", "--session", str(tmp_path / "s.tbsession")]
    argv += ["--cards", "inprocess", "--engine", f"{sys.executable} engine.py", "--report", str(tmp_path / "rep")]
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TESTBENCH_LANG": "fr"}
    command = [sys.executable, "-m", "testbench", *argv]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=180)
    assert done.returncode in (0, 1), done.stderr
    (trace,) = (tmp_path / "rep" / "evidence" / "traces").glob("DEMO-FSE-001-*.txt")
    text = trace.read_text(encoding="utf-8")
    assert "stderr : DEBUG card: 0010: " in text, text  # the dump is there, its lines as the bench stores them
    assert text.count("stderr : 07/12/2026 20:23:43,520 [DEBUG] CARD ") == 4, text
    for piece in ("31 35 2F 30 31", "2F 31 39 38 30", "38 39 39 39 30", "2031352F3031", "2F313938302038", "1 80 01 99"):
        assert piece not in text, piece
    assert "‹date de naissance masquée, 5 octets›" in text and "stderr : INFO patient NIR ‹NIR›" in text, text
