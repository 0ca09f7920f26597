"""A log that starts with UTF-8's byte order mark is read in UTF-8, whatever encoding its profile gives (audit s36).

An application moved to UTF-8 (a .NET StreamWriter writes the mark) keeps its profile's ``encoding = "cp1252"``: its
lines were read « ï»¿… DÃ©marrage », the first line's time lost, and a log extractor's « reste à charge » matched
nothing on exam day, its value « absente ». The mark says the encoding, as UTF-16's does: the capture, ``sut check``
(which says so, and what to write) and a whole assisted run read the lines as written.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from sut_standin import Application, run_exam

from testbench.cli.main import main
from testbench.store.read import read_session
from testbench.traces.clock import RawLine
from testbench.traces.tail import FileTailer

LINES = ["07.12.2026 09h14m02.123 INFO  Démarrage de GestPSAD", "Facture F0001 : reste à charge 22,40 EUR"]


class _Lines(list[RawLine]):
    def __call__(self, batch: list[RawLine]) -> None:
        self.extend(batch)


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as handle:
        handle.write(data)


@pytest.mark.parametrize("given", ["cp1252", "latin-1", "utf-8"])
def test_the_capture_reads_a_log_with_utf8_byte_order_mark_in_utf8(tmp_path: Path, given: str) -> None:
    log = tmp_path / "gestpsad.log"
    log.write_bytes(b"")
    got = _Lines()
    with FileTailer([log], got, encoding=given, poll_interval=3600) as tailer:
        data = codecs.BOM_UTF8 + "".join(line + "\r\n" for line in LINES).encode("utf-8")
        for cut in (2, 3, len(data)):  # the mark flushed in pieces: its first two bytes say nothing yet
            _append(log, data[:2] if cut == 2 else data[2:3] if cut == 3 else data[3:])
            tailer.poll()
    assert [line.text for line in got] == LINES


PROFILE = """
[product]
name = "GestPSAD"

[[logs]]
path = "Journaux/gestpsad.log"
encoding = "cp1252"
pattern = '^(?P<ts>\\d{2}\\.\\d{2}\\.\\d{4} \\d{2}h\\d{2}m\\d{2}\\.\\d{3}) (?P<level>[A-Z]+)\\s+(?P<msg>.*)$'
ts_format = "%d.%m.%Y %Hh%Mm%S.%f"

[[extractors]]
name = "journal"
kind = "regex"
applies_to = ["create_invoice"]
pattern = 'reste à charge (?P<patient>[\\d,]+) EUR'
fields = { patient = "invoice.totals.patient" }
"""


def test_sut_check_reads_it_so_and_says_what_to_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Journaux").mkdir()
    lines = [LINES[0], "07.12.2026 09h14m03.000 INFO  " + LINES[1]]
    data = codecs.BOM_UTF8 + "".join(line + "\r\n" for line in lines).encode("utf-8")
    (tmp_path / "Journaux" / "gestpsad.log").write_bytes(data)
    (tmp_path / "sut.toml").write_text(PROFILE, encoding="utf-8")
    assert main(["sut", "check", str(tmp_path / "sut.toml")]) == 0
    out = capsys.readouterr().out
    assert "    [07.12.2026 09h14m02.123] [INFO] Démarrage de GestPSAD\n" in out, out
    assert "invoice.totals.patient = 22.40 — gestpsad.log, ligne de 07.12.2026 09h14m03.000" in out
    said = "ce fichier commence par la marque d'ordre des octets d'UTF-8, le profil dit « cp1252 » : le banc le lit"
    assert said + " en UTF-8" in out
    assert main(["sut", "check", str(tmp_path / "sut.toml"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "this file starts with UTF-8's byte order mark, the profile says “cp1252”: the bench reads it" in out
    assert "marque" not in out


class _Utf8Application(Application):
    """The standin application, its log now written in UTF-8 with a byte order mark; its profile still says cp1252."""

    def write_log(self, text: str, *, first: bool = False) -> None:
        _append(self.log, (codecs.BOM_UTF8 if first else b"") + (text + "\r\n").encode("utf-8"))


def test_an_assisted_run_reads_the_value_in_such_a_log(tmp_path: Path) -> None:
    app = _Utf8Application(tmp_path / "GestPSAD", log_encoding="utf-8", profile_encoding="cp1252")
    session, result = run_exam(tmp_path, app)
    assert result.verdicts == {"AUD-1": "pass"}
    with read_session(session) as view:
        (case,) = view.cases
        observed = {o["path"]: o["value"] for o in view.observations(case.latest.id)}
    assert observed["invoice.totals.patient"] == "22.40"
