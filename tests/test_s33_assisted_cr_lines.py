"""A log whose lines end with a lone carriage return (old Windows and Mac tools, a progress line rewritten in place)
is read line by line: by the capture's tailer, by ``sut check``, by the log extractors, and in a whole assisted run.

Each file is real and written in pieces, as an application flushes it: a ``\\r`` that is the last byte written so
far ends its line at once, and the ``\\n`` the application may write just after it is no empty line — within one
poll, across two polls, after the bench restarted on the saved position, and in UTF-16 flushed by odd numbers of
bytes. Offsets stay byte offsets.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from testbench.extract.logs import extract_lines
from testbench.extract.spec import ExtractorSpec
from testbench.runner import campaign as campaign_module
from testbench.store.read import read_session
from testbench.traces.clock import RawLine
from testbench.traces.logtext import last_lines
from testbench.traces.model import TraceLine
from testbench.traces.tail import MAX_LINE_BYTES, FileTailer
from tests.test_operator_gap_capture import ANSWERS, _bench, _campaign


class _Lines(list):  # type: ignore[type-arg]
    def __call__(self, batch: list[RawLine]) -> None:
        self.extend(batch)


def _append(path: Path, data: bytes) -> None:
    with open(path, "ab") as handle:
        handle.write(data)


def _tailer(log: Path, got: _Lines, **options: Any) -> FileTailer:
    """A tailer polled by the test alone (no thread): each write is read at the poll the test asks for."""
    return FileTailer([log], got, poll_interval=3600, **options).start()


def _texts(got: list[RawLine]) -> list[str]:
    return [line.text for line in got]


def test_a_lone_cr_ends_its_line_at_once_and_the_lf_after_it_is_no_empty_line(tmp_path: Path) -> None:
    log = tmp_path / "gestpsad.log"
    log.write_bytes(b"ancienne ligne\r")
    got = _Lines()
    tailer = _tailer(log, got)  # from the end: the old line is not read
    try:
        _append(log, b"un\rdeux\r")
        tailer.poll()
        assert _texts(got) == ["un", "deux"]  # no LF written yet: both lines are there all the same
        _append(log, b"\ntrois\r\n")  # the LF of « deux »'s CRLF came in the next write
        tailer.poll()
        assert _texts(got) == ["un", "deux", "trois"]
        _append(log, b"quatre\r")
        tailer.poll()
        _append(log, b"\n")
        tailer.poll()
        _append(log, b"cinq\r\r\n10 %\r50 %\r100 % Lot n\xc2\xb02 t\xc3\xa9l\xc3\xa9transmis\n")
        tailer.poll()
        [position] = tailer.positions()
        assert position.offset == log.stat().st_size  # byte offsets, every byte accounted for
    finally:
        tailer.close()
    # « cinq\r\r\n »: a line ended by a CR, then an empty line ended by a CRLF (written so, not made up)
    expected = ["un", "deux", "trois", "quatre", "cinq", "", "10 %", "50 %", "100 % Lot n°2 télétransmis"]
    assert _texts(got) == expected


def test_the_lf_after_a_cr_is_skipped_after_a_restart_on_the_saved_position(tmp_path: Path) -> None:
    log = tmp_path / "gestpsad.log"
    log.write_bytes(b"")
    got = _Lines()
    tailer = _tailer(log, got)
    _append(log, b"avant l'arr\xc3\xaat\r")
    tailer.poll()
    tailer.close()
    saved = tailer.positions()
    assert _texts(got) == ["avant l'arrêt"] and saved[0].offset == log.stat().st_size
    _append(log, b"\napr\xc3\xa8s\r")  # the application goes on while the bench is closed: the LF of the CRLF first
    again = _Lines()
    resumed = _tailer(log, again, resume=saved)
    try:
        resumed.poll()
    finally:
        resumed.close()
    assert _texts(again) == ["après"]


def test_a_log_ending_with_a_cr_when_the_bench_starts_is_followed_from_after_that_line(tmp_path: Path) -> None:
    log = tmp_path / "gestpsad.log"
    log.write_bytes(b"vieux un\rvieux deux\r")
    got = _Lines()
    tailer = _tailer(log, got)
    try:
        _append(log, b"\nnouveau\r")
        tailer.poll()
    finally:
        tailer.close()
    assert _texts(got) == ["nouveau"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_log_with_lone_crs_flushed_by_odd_pieces(tmp_path: Path, codec: str) -> None:
    log = tmp_path / "gestpsad.log"
    log.write_bytes("Démarrage\r\n".encode(codec))
    got = _Lines()
    tailer = _tailer(log, got, encoding=codec)
    lines = ["Facture F0001 créée", "Sécurisation ✔", "", "Lot n°2 télétransmis (1 facture)"]
    data = "Facture F0001 créée\rSécurisation ✔\r\n\rLot n°2 télétransmis (1 facture)\r".encode(codec)
    try:
        for i in range(0, len(data), 3):  # half characters, and a CR whose LF half is not there yet
            _append(log, data[i : i + 3])
            tailer.poll()
            assert all(p.offset % 2 == 0 for p in tailer.positions())
        _append(log, "\n".encode(codec))  # the LF of the last CRLF
        tailer.poll()
    finally:
        tailer.close()
    assert _texts(got) == lines


def test_cr_lines_over_a_mebibyte_in_one_read_are_lines_not_pieces(tmp_path: Path) -> None:
    """More than :data:`MAX_LINE_BYTES` of short CR lines in one read: each line whole (none cut as a long one)."""
    log = tmp_path / "gestpsad.log"
    log.write_bytes(b"")
    got = _Lines()
    tailer = _tailer(log, got)
    count = MAX_LINE_BYTES // 400 + 100
    lines = [f"ligne {n:06d} " + "x" * 380 for n in range(count)]
    try:
        _append(log, "\r".join(lines).encode("ascii") + b"\r")
        tailer.poll()
    finally:
        tailer.close()
    assert _texts(got) == lines


def test_sut_check_reads_the_last_lines_of_a_cr_log(tmp_path: Path) -> None:
    """Each line alone, whatever ends it: a cp1252 line beside a UTF-8 one keeps its accents (each read in its own)."""
    log = tmp_path / "gestpsad.log"
    cp1252 = "Démarrage\rFacture F0001 créée\r\r".encode("cp1252")
    log.write_bytes(cp1252 + "Sécurisation OK\rligne en cours".encode())
    texts, encoding = last_lines(log, 5, "utf-8", 65536)
    assert (texts, encoding) == (["Démarrage", "Facture F0001 créée", "Sécurisation OK"], "utf-8")


def test_the_log_extractor_reads_each_part_of_a_line_a_cr_separates_as_a_line() -> None:
    """A captured line that still holds a CR (a syslog message, a line recorded before): ``^``/``$`` anchor at each
    part, and the columns count in the part the value was read in."""
    spec = ExtractorSpec(
        name="journal", kind="regex", applies_to=("build_lot",), pattern=r"^Lot n°(?P<n>\d+) télétransmis$",
        fields={"n": "lot.number"},
    )
    line = TraceLine("app", 1, 0.0, "10 %\rLot n°000002 télétransmis\r", "app.log", None, None, 1, "s-lot")
    (found,) = extract_lines(spec, [line])
    assert found.value == "000002"
    assert (found.provenance.columns, found.provenance.excerpt) == ((7, 12), "Lot n°000002 télétransmis")


# -- a whole assisted run: the application's log line ends with a lone CR --------------------------------------------

#: the application, a process of its own: writes its lot and its log line « … télétransmis (1 facture) », CR-ended
APPLICATION = """
import sys
from pathlib import Path
app, number = Path(sys.argv[1]), sys.argv[2]
lot = "100" + number + "\\n190" + number + "\\n999\\n"
(app / "out" / "lots" / f"B2_{number}.lot").write_text(lot, encoding="ascii")
with open(app / "app.log", "ab") as log:
    log.write(f"INFO Lot n°{number} en cours\\rINFO Lot n°{number} télétransmis (1 facture)\\r".encode("utf-8"))
"""


def test_an_assisted_step_reads_its_value_in_a_log_whose_lines_end_with_a_lone_cr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, book, session = _bench(tmp_path)
    (app / "app.log").write_bytes(b"INFO d\xc3\xa9marrage\r")
    real = campaign_module.step_files_record

    def began(attempt_id: int, step_id: str, files: Any) -> str:  # the operator builds the lot in the application
        if step_id == "s-lot":
            subprocess.run([sys.executable, "-c", APPLICATION, str(app), "000002"], check=True, timeout=60)
        return real(attempt_id, step_id, files)

    monkeypatch.setattr(campaign_module, "step_files_record", began)
    attestations = tmp_path / "attestations.json"
    attestations.write_text(json.dumps(ANSWERS), encoding="utf-8")
    campaign, targets = _campaign(app, book, session, attestations)
    assert campaign.run(targets).verdicts == {"G-1": "pass"}
    with read_session(session) as view:
        (case,) = view.cases
        observed = {o["path"]: o for o in view.observations(case.latest.id)}
        texts = [line.text for line in view.trace_lines(case.latest.id) if line.channel == "app"]
    assert observed["lot.invoice_count"]["source"] == "extraction"
    assert observed["lot.invoice_count"]["provenance"]["excerpt"] == "INFO Lot n°000002 télétransmis (1 facture)"
    assert "INFO Lot n°000002 en cours" in texts and "INFO Lot n°000002 télétransmis (1 facture)" in texts
    assert not any("\r" in text for text in texts)
