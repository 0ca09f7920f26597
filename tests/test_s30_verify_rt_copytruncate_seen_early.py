"""``copytruncate`` with a glob that matches the copy (``app.log*``), the bench's poll falling while logrotate works:
the copy seen empty or half written, or seen whole after the log grew past it, is the log's bytes still — its lines
are captured once, from the log, not a second time as a new file's."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.traces.clock import RawLine
from testbench.traces.tail import FileTailer


def write(path: Path, *lines: str) -> None:
    with path.open("ab") as handle:
        handle.write("".join(f"{line}\n" for line in lines).encode())


def truncate(log: Path) -> None:
    with log.open("r+b") as handle:
        handle.truncate(0)


@pytest.mark.parametrize("seen", ["empty", "half", "grown past"])
def test_a_copy_seen_while_logrotate_works_is_not_read_again(tmp_path: Path, seen: str) -> None:
    log, copy = tmp_path / "gestpsad.log", tmp_path / "gestpsad.log.1"
    log.write_bytes(b"")
    got: list[RawLine] = []
    tailer = FileTailer([tmp_path / "gestpsad.log*"], got.extend)
    tailer.poll_now()
    write(log, "09:00:00 Démarrage", "09:00:01 Facture n°1 créée")
    tailer.poll_now()
    write(log, "09:00:02 Facture n°2 créée")
    data = log.read_bytes()
    if seen == "grown past":
        copy.write_bytes(data)
        write(log, "09:00:03 Lot n°1 télétransmis")  # between the copy and the truncation
    else:
        copy.write_bytes(b"" if seen == "empty" else data[:7])  # the copy under way
    tailer.poll_now()
    if seen != "grown past":
        copy.write_bytes(data)
    truncate(log)
    write(log, "09:00:04 Facture n°3 créée")
    tailer.poll_now()
    tailer.poll_now()
    tailer.close()
    texts = [line.text for line in got]
    assert texts == [
        "09:00:00 Démarrage",
        "09:00:01 Facture n°1 créée",
        "09:00:02 Facture n°2 créée",
        *(["09:00:03 Lot n°1 télétransmis"] if seen == "grown past" else []),
        "09:00:04 Facture n°3 créée",
    ]


def test_a_new_log_born_empty_is_still_read_whole(tmp_path: Path) -> None:
    """An empty new file is looked at again at the next poll (it may be a copy under way): one that is no copy loses
    none of its lines for it."""
    got: list[RawLine] = []
    tailer = FileTailer([tmp_path / "*.log"], got.extend)
    tailer.poll_now()
    (tmp_path / "autre.log").write_bytes(b"")
    tailer.poll_now()
    write(tmp_path / "autre.log", "un", "deux")
    tailer.poll_now()
    write(tmp_path / "autre.log", "trois")
    tailer.poll_now()
    tailer.close()
    assert [line.text for line in got] == ["un", "deux", "trois"]


def test_another_log_with_the_same_banner_is_no_copy(tmp_path: Path) -> None:
    """A log of the same application born beside the followed one with the same banner holds, when first seen, only
    the followed log's first bytes, as a copy under way would: its name says it is no copy, and it is read whole."""
    log, audit = tmp_path / "gestpsad.log", tmp_path / "gestpsad-audit.log"
    banner = "==== GestPSAD 7.3.1 — démarrage ===="
    got: list[RawLine] = []
    tailer = FileTailer([tmp_path / "*.log"], got.extend)
    tailer.poll_now()
    write(log, banner, "09:00:01 Facture n°1 créée")
    tailer.poll_now()
    audit.write_bytes(b"")
    tailer.poll_now()
    write(audit, banner)
    tailer.poll_now()
    write(audit, "09:00:02 connexion ACCUEIL-01")
    tailer.poll_now()
    tailer.close()
    assert [(Path(line.source).name, line.text) for line in got] == [
        ("gestpsad.log", banner),
        ("gestpsad.log", "09:00:01 Facture n°1 créée"),
        ("gestpsad-audit.log", banner),
        ("gestpsad-audit.log", "09:00:02 connexion ACCUEIL-01"),
    ]
