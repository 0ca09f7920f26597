"""A log rotated by copy-truncate while the bench was closed (audit s36): the lines written between the last one
the bench read and the copy are in the copy only (``gestpsad.log.1``), and the resumed capture did not look for it —
the position kept in the session had no « guard » (the bytes before its offset) to recognise the copy by, which a
running capture has. The line « Facture F0001 : reste à charge 22,40 EUR » was lost, and the continued step said its
value absent. The position now keeps those bytes; a session saved without them still resumes as before.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.traces.clock import RawLine
from testbench.traces.followed import FilePosition
from testbench.traces.tail import FileTailer


class _Lines(list[RawLine]):
    def __call__(self, batch: list[RawLine]) -> None:
        self.extend(batch)


def _append(path: Path, text: str) -> None:
    with path.open("ab") as handle:
        handle.write(text.encode("cp1252"))


def _closed_on(log: Path) -> list[FilePosition]:
    """Follow ``log`` while the application writes one line, then close as the bench does: its saved position."""
    got = _Lines()
    with FileTailer([log], got, encoding="cp1252", poll_interval=3600) as tailer:
        _append(log, "07.12.2026 09h14m01.000 INFO  Saisie de la facture F0001\r\n")
        tailer.poll()
    assert [line.text for line in got] == ["07.12.2026 09h14m01.000 INFO  Saisie de la facture F0001"]
    return [p for p in (line.position for line in got) if p is not None][-1:]


@pytest.mark.parametrize("copy", ["gestpsad.log.1", "gestpsad.log-20261207"])
def test_the_lines_only_in_the_copy_are_read_on_resume_before_the_new_ones(tmp_path: Path, copy: str) -> None:
    log = tmp_path / "gestpsad.log"
    log.write_bytes("07.12.2026 09h14m00.000 INFO  Démarrage de GestPSAD\r\n".encode("cp1252"))
    saved = _closed_on(log)
    # while the bench is closed: the line the step needs, then logrotate's copytruncate, then a line in the new log
    _append(log, "07.12.2026 09h14m02.000 INFO  Facture F0001 : reste à charge 22,40 EUR\r\n")
    shutil.copyfile(log, tmp_path / copy)
    with log.open("r+b") as handle:
        handle.truncate(0)
    _append(log, "08.12.2026 00h00m00.000 INFO  Nouveau journal après rotation\r\n")
    positions = [FilePosition.from_dict(p.to_dict()) for p in saved]  # as the session keeps them: JSON
    got = _Lines()
    with FileTailer([log], got, encoding="cp1252", poll_interval=3600, resume=positions):
        pass
    assert [line.text for line in got] == [
        "07.12.2026 09h14m02.000 INFO  Facture F0001 : reste à charge 22,40 EUR",
        "08.12.2026 00h00m00.000 INFO  Nouveau journal après rotation",
    ]
    assert {line.source for line in got} == {str(log)}  # under the log's own name, as a running capture reads a copy


def test_a_position_saved_without_its_guard_still_resumes(tmp_path: Path) -> None:
    log = tmp_path / "gestpsad.log"
    log.write_bytes(b"Demarrage\r\n")
    (saved,) = _closed_on(log)
    older = {key: value for key, value in saved.to_dict().items() if key != "guard"}  # a session of before
    _append(log, "Facture F0002\r\n")
    got = _Lines()
    with FileTailer([log], got, encoding="cp1252", poll_interval=3600, resume=[older]):
        pass
    assert [line.text for line in got] == ["Facture F0002"]
