"""A fake Windows billing ERP, as a separate process, writes its logs as such software does (cp1252, CRLF, rotation
by rename and by copy-truncate, a log deleted and made again, lines flushed in two halves, a 3 MB line, local times
across the autumn DST change, a log without any time), and the bench follows them as the profile says: every line
once, in the order written, each on the bench's clock (its capture time, increasing), its text as written.

What the bench cannot see is left out by design (docs/traces.md, « Limits »): the writer waits for the capture to have
read a file before it rotates, truncates or deletes it, so that each case tests the bench, not the race.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from testbench.sut.profile import load_profile
from testbench.traces.capture import TraceCapture
from testbench.traces.model import TraceLine

#: The ERP: ``folder mode count``. Before each rotation it logs « ROTATION k » and waits until the file ``read`` says
#: the bench stored that line: the whole file was read before it goes.
ERP = r"""
import os, shutil, sys, time
folder, mode, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
log = os.path.join(folder, "gestpsad.log")
def stored(rotation):
    for _ in range(4000):
        try:
            with open(os.path.join(folder, "read")) as f:
                if int(f.read() or 0) >= rotation:
                    return
        except (OSError, ValueError):
            pass
        time.sleep(0.005)
    raise SystemExit("the bench never read the end of the file")
def stamp(i):
    if mode == "dst":  # Europe/Paris, 25 Oct 2026: 02:59 CEST is followed by 02:00 CET
        return f"25/10/2026 02:{i % 60:02d}:00,{i % 1000:03d} INFO "
    if mode == "untimed":
        return "INFO "
    return f"2026-12-07 09:{i // 60 % 60:02d}:{i % 60:02d},000 INFO "
handle = open(log, "ab", buffering=0)
rotation = 0
for i in range(count):
    text = f"{stamp(i)}Facture n°{i:06d} créée : total AMO 12,34 € — patiente Hélène Œuvray"
    if mode == "long" and i == count // 2:
        text += " " + "é" * (3 << 20)
    data = text.encode("cp1252") + b"\r\n"
    if mode == "halves":
        handle.write(data[: len(data) // 2]); time.sleep(0.002); handle.write(data[len(data) // 2 :])
    else:
        handle.write(data)
    if i and i % 1000 == 0 and mode in ("rename", "copytruncate", "recreate"):
        rotation += 1
        handle.write(f"ROTATION {rotation}\r\n".encode("cp1252"))
        stored(rotation)
        if mode == "rename":
            handle.close()
            if os.path.exists(log + ".1"):
                os.replace(log + ".1", log + ".2")
            os.replace(log, log + ".1")
            handle = open(log, "ab", buffering=0)
        elif mode == "copytruncate":  # logrotate's way: the application keeps its handle, opened to append
            shutil.copyfile(log, f"{log}-{i}")
            with open(log, "r+b") as t:
                t.truncate(0)
        else:
            handle.close(); os.remove(log); handle = open(log, "ab", buffering=0)
handle.close()
"""

PROFILE = """
[product]
name = "GestPSAD"

[[logs]]
path = "logs/gestpsad.log"
encoding = "cp1252"
{layout}
"""
LAYOUT = """pattern = '^(?P<ts>\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2},\\d{3}) (?P<level>[A-Z]+) (?P<msg>.*)$'
ts_format = "%d/%m/%Y %H:%M:%S,%f"
tz = "local"
"""


def follow(tmp_path: Path, mode: str, count: int, layout: str = "") -> list[TraceLine]:
    """Run the ERP in ``mode`` while the bench follows its log as the profile says; the lines the bench stored."""
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "gestpsad.log").write_bytes(b"")  # there when the bench starts: followed from its (empty) end
    profile_file = tmp_path / "sut.toml"
    profile_file.write_text(PROFILE.format(layout=layout), encoding="utf-8")
    source = load_profile(profile_file).log_sources[0]
    stored: list[TraceLine] = []
    capture = TraceCapture(stored.extend)
    kwargs = source.capture_kwargs()
    capture.add_files(kwargs.pop("patterns"), **kwargs)
    with capture:  # the ERP starts once the bench follows: on a loaded machine it wrote thousands of lines before
        erp = subprocess.Popen([sys.executable, "-c", ERP, str(logs), mode, str(count)])
        deadline = time.monotonic() + 60
        while erp.poll() is None and time.monotonic() < deadline:
            rotations = [line.text for line in list(stored) if line.text.startswith("ROTATION ")]
            (logs / "read").write_text(rotations[-1].split()[1] if rotations else "0")
            time.sleep(0.01)
        assert erp.wait(timeout=5) == 0
        assert capture.drain(10)
    return [line for line in stored if not line.text.startswith("ROTATION ")]


def numbers(lines: list[TraceLine]) -> list[int]:
    return [int(line.text.split("n°")[1][:6]) for line in lines]


def assert_whole(lines: list[TraceLine], count: int) -> None:
    """Each line once, in order, whole and readable, on the bench's clock."""
    assert numbers(lines) == list(range(count))
    assert all(" créée : total AMO 12,34 € — patiente Hélène Œuvray" in line.text for line in lines)
    assert not any(line.text.endswith("\r") for line in lines)  # CRLF is one line end
    stamps = [line.mono_ns for line in lines]
    assert stamps == sorted(stamps)


@pytest.mark.parametrize("mode", ["rename", "copytruncate", "recreate"])
def test_each_rotation_loses_and_repeats_nothing(tmp_path: Path, mode: str) -> None:
    lines = follow(tmp_path, mode, 4500)
    assert_whole(lines, 4500)
    assert all(line.source == str(tmp_path / "logs" / "gestpsad.log") for line in lines)  # as the application names it


def test_a_flood_with_a_3_mb_line_is_read_whole_in_pieces(tmp_path: Path) -> None:
    count = 20_000
    lines = follow(tmp_path, "long", count)
    pieces = [line for line in lines if "n°" not in line.text]
    assert len(pieces) == 3  # 3 MiB and more: a piece of 1 MiB at most each, after the first
    assert_whole([line for line in lines if "n°" in line.text], count)
    long_text = "".join(line.text for line in lines if "n°010000" in line.text or line in pieces)
    assert long_text.count("é") == (3 << 20) + 3  # the long line's « é », and its « créée » and « Hélène »


def test_lines_flushed_in_two_halves_are_read_once_whole(tmp_path: Path) -> None:
    assert_whole(follow(tmp_path, "halves", 300), 300)


def test_local_times_across_the_dst_change_keep_the_bench_order_and_their_own_time(tmp_path: Path) -> None:
    lines = follow(tmp_path, "dst", 200, LAYOUT)
    assert_whole(lines, 200)
    assert [line.source_ts for line in lines[58:62]] == [
        "25/10/2026 02:58:00,058",
        "25/10/2026 02:59:00,059",
        "25/10/2026 02:00:00,060",  # the hour again, an hour later: the bench's clock keeps the order
        "25/10/2026 02:01:00,061",
    ]
    assert all(line.level == "INFO" for line in lines)


def test_a_log_without_times_is_captured_on_the_bench_clock_alone(tmp_path: Path) -> None:
    lines = follow(tmp_path, "untimed", 500)
    assert_whole(lines, 500)
    assert all(line.source_ts is None for line in lines)
    assert lines[0].text.startswith("INFO Facture n°000000 créée")  # the whole line: no format read it
