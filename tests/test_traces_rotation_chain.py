"""Several rotations within one poll, the log path naming ``app.log`` alone: the files the chain left between the
followed file and the new ``app.log`` (``app.log.1`` when the followed file is now ``app.log.2``) are read whole,
oldest first, once, under the name ``app.log`` — with real files, real renames, an inode or the first-bytes
signature."""

from __future__ import annotations

import logging
import logging.handlers
import os
import threading
import time
from pathlib import Path

import pytest

from testbench.traces import tail
from testbench.traces.clock import RawLine
from testbench.traces.followed import rotation_rank
from testbench.traces.tail import FileTailer


class Collector:
    def __init__(self) -> None:
        self.lines: list[RawLine] = []
        self._lock = threading.Lock()

    def __call__(self, batch: list[RawLine]) -> None:
        with self._lock:
            self.lines.extend(batch)

    @property
    def texts(self) -> list[str]:
        with self._lock:
            return [line.text for line in self.lines]


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def rotate_numbered(log: Path, keep: int = 9) -> None:
    """What RotatingFileHandler and logrotate do: app.log.N-1 -> app.log.N ... app.log -> app.log.1."""
    for n in range(keep - 1, 0, -1):
        older = log.with_name(f"{log.name}.{n}")
        if older.exists():
            os.replace(older, log.with_name(f"{log.name}.{n + 1}"))
    os.replace(log, log.with_name(f"{log.name}.1"))


def manual(log: Path, got: Collector, use_inode: bool = True) -> FileTailer:
    """A tailer whose polls the test makes: what happens between two of them happens within one poll."""
    return FileTailer([log], got, poll_interval=3600, use_inode=use_inode).start()


@pytest.mark.parametrize("use_inode", [True, False], ids=["inode", "first-bytes"])
@pytest.mark.parametrize("rotations", [2, 3])
def test_numbered_rotations_within_one_poll_lose_nothing(tmp_path: Path, rotations: int, use_inode: bool) -> None:
    log = tmp_path / "app.log"
    append(log.with_name("app.log.1"), "old rotated, before the capture\n")  # older than the followed file
    dated = log.with_name("app.log-20261130")  # a logrotate dateext file of another day: another form, old
    append(dated, "rotated last week\n")
    os.utime(dated, (time.time() - 7 * 86400,) * 2)
    append(log.with_name("app.err"), "another log of the folder\n")
    append(log, "already there\n")
    got = Collector()
    tailer = manual(log, got, use_inode)
    try:
        append(log, "A 1\n")
        tailer.poll()
        assert got.texts == ["A 1"]
        append(log, "A 2 unread at the rotation\n")
        generations = "BCD"[:rotations]
        for gen in generations:
            rotate_numbered(log)
            append(log, f"{gen} 1 Rotation du journal effectuée\n{gen} 2\n")
        tailer.poll()
        expected = ["A 1", "A 2 unread at the rotation"]
        for gen in generations:
            expected += [f"{gen} 1 Rotation du journal effectuée", f"{gen} 2"]
        assert got.texts == expected
        # the chain's files are followed for a while: a line the application finishes on an old handle is read
        append(log.with_name("app.log.1"), "late on the old handle\n")
        append(log, "new file line\n")
        tailer.poll()
        tailer.poll()
        assert got.texts == [*expected, "late on the old handle", "new file line"]
    finally:
        tailer.close()
    assert {line.source for line in got.lines} == {str(log)}


@pytest.mark.parametrize(
    "names",
    [
        ("app.log.2026-12-07_08-30-15", "app.log.2026-12-07_08-30-16", "app.log.2026-12-07_08-30-17"),  # Python's
        ("app.log-2026120708", "app.log-2026120709", "app.log-2026120710"),  # logrotate dateext, hourly
    ],
    ids=["TimedRotatingFileHandler", "logrotate-dateext"],
)
@pytest.mark.parametrize("use_inode", [True, False], ids=["inode", "first-bytes"])
def test_dated_rotations_within_one_poll_are_read_in_date_order(
    tmp_path: Path, names: tuple[str, ...], use_inode: bool
) -> None:
    """A coarse clock (FAT: 2 s) stamps every file alike: the dates in their names give the order."""
    log = tmp_path / "app.log"
    append(log, "")
    got = Collector()
    tailer = manual(log, got, use_inode)
    try:
        append(log, "A 1\n")
        tailer.poll()
        append(log, "A 2\n")
        for name, gen in zip(names, "ABC", strict=True):
            os.replace(log, log.with_name(name))
            append(log, f"{chr(ord(gen) + 1)} 1\n")
        tick = (time.time() // 2) * 2
        for path in tmp_path.iterdir():
            os.utime(path, (tick, tick))
        tailer.poll()
        tailer.poll()
    finally:
        tailer.close()
    assert got.texts == ["A 1", "A 2", "B 1", "C 1", "D 1"]
    assert {line.source for line in got.lines} == {str(log)}


def rotating_logger(log: Path, backups: int, max_bytes: int) -> tuple[logging.Logger, logging.Handler]:
    handler = logging.handlers.RotatingFileHandler(log, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(f"testbench.test.rotation.{log}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return logger, handler


@pytest.mark.parametrize("use_inode", [True, False], ids=["inode", "first-bytes"])
def test_rotating_file_handler_rolling_over_three_times_within_one_poll(tmp_path: Path, use_inode: bool) -> None:
    log = tmp_path / "app.log"
    logger, handler = rotating_logger(log, backups=5, max_bytes=10**9)
    got = Collector()
    tailer = manual(log, got, use_inode)
    try:
        logger.info("ligne 0")
        tailer.poll()
        written = ["ligne 0"]
        for n in range(1, 13):
            logger.info("ligne %d", n)
            written.append(f"ligne {n}")
            if n % 4 == 0:
                handler.doRollover()  # what it does at maxBytes: the very renames, the very new file
        tailer.poll()
        assert got.texts == written
        logger.info("ligne 13")
        tailer.poll()
        tailer.poll()
        assert got.texts == [*written, "ligne 13"]
    finally:
        tailer.close()
        logger.removeHandler(handler)
        handler.close()


def test_one_backup_two_rollovers_within_one_poll_the_file_between_is_read(tmp_path: Path) -> None:
    """backupCount=1: the followed file is deleted by the second rollover (its unread lines are gone), but the one
    the first rollover began, at ``app.log.1`` now, was written since the last poll: it is read."""
    log = tmp_path / "app.log"
    logger, handler = rotating_logger(log, backups=1, max_bytes=10**9)
    got = Collector()
    tailer = manual(log, got)
    try:
        logger.info("A 1")
        tailer.poll()
        handler.doRollover()
        logger.info("B 1")
        handler.doRollover()
        logger.info("C 1")
        tailer.poll()
        tailer.poll()
    finally:
        tailer.close()
        logger.removeHandler(handler)
        handler.close()
    assert got.texts == ["A 1", "B 1", "C 1"]


def test_one_backup_on_a_coarse_clock_without_inode(tmp_path: Path) -> None:
    """FAT: no inode, files stamped to the second. The file between the two rollovers, stamped at the whole second
    before the last poll began, is still taken for one written since."""
    log = tmp_path / "app.log"
    logger, handler = rotating_logger(log, backups=1, max_bytes=10**9)
    got = Collector()
    tailer = manual(log, got, use_inode=False)
    try:
        logger.info("A 1 démarrage")
        polled = time.time_ns()
        tailer.poll()
        handler.doRollover()
        logger.info("B 1 facture")
        handler.doRollover()
        logger.info("C 1 lot")
        second = polled // 10**9 * 10**9  # the poll began after ``polled``, within the same second or the next
        os.utime(log.with_name("app.log.1"), ns=(second, second))
        tailer.poll()
        tailer.poll()
    finally:
        tailer.close()
        logger.removeHandler(handler)
        handler.close()
    assert got.texts == ["A 1 démarrage", "B 1 facture", "C 1 lot"]


def test_fast_rotations_with_50_ms_polls_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    """The exam-day case: an application rolling its log over every three lines, three or four times between two
    polls of the bench (every 50 ms)."""
    log = tmp_path / "app.log"
    logger, handler = rotating_logger(log, backups=12, max_bytes=120)
    got = Collector()
    written = [f"ligne {n:04d} du journal de l'application" for n in range(240)]  # 39 bytes: 3 a file
    try:
        with FileTailer([log], got, poll_interval=0.05) as tailer:
            for n, text in enumerate(written):
                logger.info(text)
                if n % 3 == 2:
                    time.sleep(0.014)
            deadline = time.monotonic() + 5
            while len(got.texts) < len(written) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert tailer.rotations >= 70
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert got.texts == written


@pytest.mark.parametrize("use_inode", [True, False], ids=["inode", "first-bytes"])
def test_a_rotation_while_the_folder_is_listed_shows_each_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_inode: bool
) -> None:
    """A rotation under way renames as the folder is listed: the listing stat'ed ``app.log.3`` before the rename and
    ``app.log.2`` after it, so the file that was at ``app.log.2`` stood at neither name when looked at (a chain file
    never read, seen once in CI), and a file may stand at two. The listing is taken again until two agree."""
    log = tmp_path / "app.log"
    logger, handler = rotating_logger(log, backups=4, max_bytes=10**9)
    try:
        for generation in "ABCDE":
            logger.info(f"{generation} 1 génération {generation}")
            handler.doRollover()
        tailer = FileTailer([log], Collector(), poll_interval=3600, use_inode=use_inode)
        real_stat, real_scan = tailer._stat, tail._scan
        armed = [True]

        def stat_then_rotate(path: str) -> tuple[int, int, int, int] | None:
            st = real_stat(path)
            if armed[0] and path.endswith(".3"):
                armed[0] = False
                handler.doRollover()  # .3 -> .4, .2 -> .3, .1 -> .2, app.log -> .1, while the folder is listed
                logger.info("F 1 génération F")
            return st

        monkeypatch.setattr(tailer, "_stat", stat_then_rotate)
        monkeypatch.setattr(tail, "_scan", lambda folder: sorted(real_scan(folder), key=lambda e: e.name, reverse=True))
        listed = tailer._settled(str(tmp_path), lambda name: name.startswith("app.log."))
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert not armed[0]
    now = {path: real_stat(path) for path in (str(tmp_path / f"app.log.{n}") for n in range(1, 5))}
    assert sorted(listed) == sorted(now.items())


def test_rotation_rank_reads_the_forms_rotations_give() -> None:
    base = os.path.join("Journaux", "app.log")
    assert rotation_rank(base + ".1", base) == ("#", -1)
    assert rotation_rank(base + ".1", base) > rotation_rank(base + ".2", base)  # type: ignore[operator]
    assert rotation_rank(base + ".2026-12-07", base) == (".9999-99-99", "2026-12-07")
    assert rotation_rank(base + "-20261207", base) == ("-99999999", "20261207")
    assert rotation_rank(base + "-1765096215", base) == ("-9999999999", "1765096215")
    for other in (base, base + ".2.gz", base + ".bak", base + "x.1", os.path.join("Journaux", "app.err.1")):
        assert rotation_rank(other, base) is None
