"""File tailing: follow, partial lines, rotation, truncation, encodings, globs, signature fallback."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from testbench.traces.clock import RawLine
from testbench.traces.tail import FileTailer, check_encoding


class Collector:
    def __init__(self) -> None:
        self.lines: list[RawLine] = []
        self.batches = 0
        self._lock = threading.Lock()

    def __call__(self, batch: list[RawLine]) -> None:
        with self._lock:
            self.lines.extend(batch)
            self.batches += 1

    @property
    def texts(self) -> list[str]:
        with self._lock:
            return [line.text for line in self.lines]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.texts) >= count:
                break
            time.sleep(0.01)
        return self.texts


def write(path: Path, data: bytes, mode: str = "ab") -> None:
    with open(path, mode) as handle:
        handle.write(data)


def make_tailer(patterns, collector, **kw) -> FileTailer:
    kw.setdefault("poll_interval", 0.01)
    return FileTailer(patterns, collector, **kw)


def test_follows_from_end_and_emits_only_complete_lines(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"old line 1\nold line 2\n")
    got = Collector()
    with make_tailer([log], got) as tailer:
        write(log, b"new 1\nnew ")
        assert got.wait_for(1) == ["new 1"]
        time.sleep(0.05)
        assert got.texts == ["new 1"]  # "new " is not a line yet
        write(log, b"2\r\nnew 3\n")
        assert got.wait_for(3) == ["new 1", "new 2", "new 3"]
        write(log, b"trailing partial")
    assert got.texts == ["new 1", "new 2", "new 3", "trailing partial"]
    assert all(line.source == str(log) and line.live for line in got.lines)
    [position] = tailer.positions()
    assert (position.source, position.offset) == (str(log), log.stat().st_size)


def test_line_being_written_at_start_is_read_whole(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"old line\npartial being wri")
    got = Collector()
    with make_tailer([log], got):
        write(log, b"tten\nnext\n")
        got.wait_for(2)
    assert got.texts == ["partial being written", "next"]


def test_deleted_file_keeps_its_partial_line(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"")
    got = Collector()
    tailer = make_tailer([log], got, poll_interval=3600)
    tailer.start()
    try:
        write(log, b"complete\nunfinished")
        tailer.poll()
        log.unlink()
        tailer.poll()
    finally:
        tailer.close()
    assert got.texts == ["complete", "unfinished"]


def test_from_start_reads_backlog_flagged_not_live(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"\xef\xbb\xbfbacklog 1\nbacklog 2\n")
    got = Collector()
    with make_tailer([log], got, from_start=True):
        write(log, b"live\n")
        got.wait_for(3)
    assert got.texts == ["backlog 1", "backlog 2", "live"]  # BOM stripped
    assert [line.live for line in got.lines] == [False, False, True]


def test_file_created_after_start_is_read_from_its_beginning(tmp_path: Path) -> None:
    got = Collector()
    with make_tailer([tmp_path / "*.log"], got):
        write(tmp_path / "late.log", b"first\nsecond\n")
        assert got.wait_for(2) == ["first", "second"]


def test_rotation_by_rename_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"")
    got = Collector()
    with make_tailer([log], got):
        write(log, b"a1\na2\n")
        got.wait_for(2)
        # written after the last poll, then renamed before the next one: must still be read
        write(log, b"a3\na4 partial")
        os.replace(log, tmp_path / "app.log.1")
        write(tmp_path / "app.log.1", b" end\n")  # the app finishes its line on the old handle
        write(log, b"b1\nb2\n")
        got.wait_for(6)
    assert got.texts == ["a1", "a2", "a3", "a4 partial end", "b1", "b2"]
    # the lines keep the name of the file the application writes to
    assert {line.source for line in got.lines} == {str(log)}


def test_rotation_with_glob_that_matches_rotated_files(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"")
    got = Collector()
    with make_tailer([tmp_path / "app.log*"], got) as tailer:
        write(log, b"x1\nx2\n")
        got.wait_for(2)
        os.replace(log, tmp_path / "app.log.1")
        write(log, b"y1\n")
        got.wait_for(3)
        time.sleep(0.05)
        assert tailer.rotations == 1
    assert got.texts == ["x1", "x2", "y1"]


def test_copytruncate_is_detected_and_reread_from_zero(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"")
    got = Collector()
    with make_tailer([log], got) as tailer:
        write(log, b"before 1\nbefore 2\n")
        got.wait_for(2)
        time.sleep(0.03)
        write(log, b"", mode="wb")  # truncate in place (same inode)
        write(log, b"after 1\n")
        got.wait_for(3)
        assert tailer.truncations == 1
    assert got.texts == ["before 1", "before 2", "after 1"]


def test_truncate_then_regrow_past_old_offset_is_detected_by_first_bytes(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"")
    got = Collector()
    tailer = make_tailer([log], got, poll_interval=3600)  # polls only when asked
    tailer.start()
    try:
        write(log, b"2026-01-01 old\n")
        tailer.poll()
        write(log, b"2027-02-02 new content longer than before\n", mode="wb")
        tailer.poll()
    finally:
        tailer.close()
    assert got.texts == ["2026-01-01 old", "2027-02-02 new content longer than before"]


def test_copytruncate_hole_of_nul_bytes_is_skipped(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"")
    got = Collector()
    tailer = make_tailer([log], got, poll_interval=3600)
    tailer.start()
    try:
        write(log, b"one\ntwo\n")
        tailer.poll()
        # a writer without O_APPEND keeps its offset (8) after the truncation: NULs fill the hole
        with open(log, "r+b") as handle:
            handle.truncate(0)
            handle.seek(3)
            handle.write(b"x\n")
        tailer.poll()
    finally:
        tailer.close()
    assert got.texts == ["one", "two", "x"]


@pytest.mark.parametrize(
    ("encoding", "payload", "expected"),
    [
        ("utf-8", "Réf. ÉCHEC déjà".encode(), "Réf. ÉCHEC déjà"),
        ("cp1252", "Réf. € ÉCHEC ‘ok’".encode("cp1252"), "Réf. € ÉCHEC ‘ok’"),
        ("latin-1", "Réf. ÉCHEC déjà".encode("latin-1"), "Réf. ÉCHEC déjà"),
        ("cp1252", b"bad \x81 byte", "bad \ufffd byte"),  # undefined in cp1252
        # not UTF-8 in a UTF-8 file (the default): the Windows code page French software writes
        ("utf-8", "Réf. € ÉCHEC déjà".encode("cp1252"), "Réf. € ÉCHEC déjà"),
        ("utf-8", b"bad \xff\xfe bytes \xc3", "bad ÿþ bytes Ã"),
    ],
)
def test_encodings_and_undecodable_bytes(tmp_path: Path, encoding: str, payload: bytes, expected: str) -> None:
    log = tmp_path / "app.log"
    write(log, b"")
    got = Collector()
    with make_tailer([log], got, encoding=encoding):
        write(log, payload + b"\n")
        got.wait_for(1)
    assert got.texts == [expected]


def test_a_utf8_log_keeps_each_line_in_its_own_encoding(tmp_path: Path) -> None:
    """A log given without its encoding (UTF-8 by default) that the application wrote in cp1252, with a UTF-8
    line among them: each line reads as written, no « \ufffd » for an accent."""
    log = tmp_path / "app.log"
    write(log, b"")
    got = Collector()
    with make_tailer([log], got):
        write(log, "Assuré ÉCHEC\n".encode("cp1252") + "Assuré ✔\n".encode() + "Réf. déjà\n".encode("cp1252"))
        got.wait_for(3)
    assert got.texts == ["Assuré ÉCHEC", "Assuré ✔", "Réf. déjà"]


def test_utf8_character_split_across_reads(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"")
    got = Collector()
    tailer = make_tailer([log], got, poll_interval=3600)
    tailer.start()
    try:
        data = "échec\n".encode()
        write(log, data[:1])  # half of "é"
        tailer.poll()
        write(log, data[1:])
        tailer.poll()
    finally:
        tailer.close()
    assert got.texts == ["échec"]


def test_utf16_is_followed_and_what_is_neither_ascii_compatible_nor_utf16_refused() -> None:
    for encoding in ("utf-32", "cp500", "rot13", "nope"):
        with pytest.raises(ValueError, match="encodage non pris en charge"):
            check_encoding(encoding)
    assert check_encoding("CP1252") == "cp1252"
    assert [check_encoding(e) for e in ("UTF16", "utf-16le", "UTF-16-BE", "utf-8-sig")] == [
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-8",
    ]


def test_signature_fallback_without_inode(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"")
    got = Collector()
    tailer = make_tailer([log], got, use_inode=False, poll_interval=3600)
    tailer.start()
    try:
        write(log, b"2026-01-01T10:00:00 first file line 1\n")
        tailer.poll()
        write(log, b"2026-01-01T10:00:01 first file line 2\n")
        os.replace(log, tmp_path / "app.log.1")
        write(log, b"2026-01-01T10:00:02 second file line 1\n")
        tailer.poll()
        write(log, b"2026-01-01T10:00:03 second file line 2\n")
        tailer.poll()
    finally:
        tailer.close()
    assert [t.split(" ", 2)[-1] for t in got.texts] == [
        "file line 1",
        "file line 2",
        "file line 1",
        "file line 2",
    ]
    assert [t[:4] for t in got.texts] == ["2026"] * 4
    assert [t.split()[1] for t in got.texts] == ["first", "first", "second", "second"]


def test_callback_errors_do_not_kill_the_thread(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"")
    errors: list[str] = []
    seen: list[str] = []

    def flaky(batch: list[RawLine]) -> None:
        seen.extend(line.text for line in batch)
        if len(seen) == 1:
            raise RuntimeError("boom")

    with FileTailer([log], flaky, poll_interval=0.01, on_error=lambda w, e: errors.append(str(e))):
        write(log, b"one\n")
        time.sleep(0.1)
        write(log, b"two\n")
        deadline = time.monotonic() + 3
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert seen == ["one", "two"]
    assert errors == ["boom"]


WRITER = r"""
import os, sys, time
path, count, rotate_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
handle = open(path, "a", encoding="utf-8", newline="\n")
for i in range(count):
    if i == rotate_at:
        handle.close()
        os.replace(path, path + ".1")
        handle = open(path, "a", encoding="utf-8", newline="\n")
    handle.write(f"line {i:06d} é\n")
    handle.flush()
    if i % 50 == 0:
        time.sleep(0.002)
handle.close()
"""


def test_subprocess_writer_with_rotation_in_the_middle(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log, b"")
    got = Collector()
    count = 3000
    with make_tailer([log], got):
        subprocess.run([sys.executable, "-c", WRITER, str(log), str(count), "1500"], check=True, timeout=60)
        got.wait_for(count)
    assert got.texts == [f"line {i:06d} é" for i in range(count)]
    assert (tmp_path / "app.log.1").exists()


def test_resume_reads_what_was_written_while_down_including_a_rotation(tmp_path: Path) -> None:
    from testbench.traces.followed import FilePosition

    log = tmp_path / "app.log"
    write(log, b"before start\n")
    first = Collector()
    with make_tailer([log], first) as tailer:
        write(log, b"seen 1\nseen 2\npartial")
        first.wait_for(2)
        positions = [line.position for line in first.lines if line.position is not None]
        tailer.close(flush_partial=False)  # a crash: the partial line was never delivered
    assert first.texts == ["seen 1", "seen 2"]
    saved = [p.to_dict() for p in positions[-1:]]
    # while the bench is down: the line ends, more lines, a rotation, a new file
    write(log, b" line\ndown 1\n")
    os.replace(log, tmp_path / "app.log.1")
    write(log, b"new file 1\n")
    second = Collector()
    with make_tailer([log], second, resume=[FilePosition.from_dict(d) for d in saved]):
        write(log, b"after restart\n")
        second.wait_for(4)
    assert second.texts == ["partial line", "down 1", "new file 1", "after restart"]
    assert [line.live for line in second.lines] == [False, False, False, True]
    assert {line.source for line in second.lines} == {str(log)}


def test_resume_of_a_file_truncated_while_down_starts_over(tmp_path: Path) -> None:
    from testbench.traces.followed import FilePosition

    log = tmp_path / "app.log"
    write(log, b"")
    first = Collector()
    with make_tailer([log], first):
        write(log, b"aaaa 1\naaaa 2\n")
        first.wait_for(2)
    position = first.lines[-1].position
    assert isinstance(position, FilePosition) and position.offset == log.stat().st_size
    write(log, b"bbbb 1\n", mode="wb")
    second = Collector()
    with make_tailer([log], second, resume=[position]):
        second.wait_for(1)
    assert second.texts == ["bbbb 1"]


def test_glob_rotation_deleting_the_oldest_file_whose_inode_the_new_log_reuses(tmp_path: Path) -> None:
    """``app.log*`` with a rotation that deletes the oldest file (audit 9, E3): ext4 gives the new
    ``app.log`` the deleted file's inode at once; it is a new file, not the old one truncated, so its
    lines come after the rotated file's last lines and keep the name the application writes to."""
    log, rotated = tmp_path / "app.log", tmp_path / "app.log.1"
    write(log, b"before start, the current log\n")
    write(rotated, b"before start, an older log that is longer than the new files will be\n")
    got = Collector()

    def rotate(last_line: bytes, new_line: bytes) -> bool:
        write(log, last_line)  # written just before the rotation, read after it
        freed = rotated.stat().st_ino
        rotated.unlink()  # the oldest is deleted...
        os.replace(log, rotated)
        write(log, new_line)  # ...and the new log takes its inode (ext4)
        return log.stat().st_ino == freed

    tailer = make_tailer([tmp_path / "app.log*"], got, poll_interval=60)  # polled by hand below
    with tailer:
        write(log, b"a1\n")
        tailer.poll_now()
        reused = rotate(b"a2\n", b"b1\n")
        tailer.poll_now()
        reused = rotate(b"b2\n", b"c1\n") and reused
        tailer.poll_now()
    if not reused:
        pytest.skip("this file system does not give a deleted file's inode to the next file")
    assert got.texts == ["a1", "a2", "b1", "b2", "c1"]
    assert {line.source for line in got.lines} == {str(log)}
