"""Regex extractors on log lines: named groups, comma decimals, channel and time window, and lines as the
real tailer delivers them (rotation across two files, cp1252, a partial line held until complete)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testbench.extract.logs import extract_lines
from testbench.extract.spec import parse_extractor
from testbench.i18n import translator
from testbench.traces.clock import RawLine
from testbench.traces.model import TraceLine
from testbench.traces.tail import FileTailer

# The demo application's wording: « 03/12/2026 09:14:02,123 [INFO ] FACT Facture F000123 créée : total AMO 163,80 EUR… »
SPEC = parse_extractor(
    {
        "name": "facture créée",
        "kind": "regex",
        "applies_to": ["create_invoice"],
        "pattern": r"Facture (?P<numero>F\d+) créée : total AMO (?P<amo>[\d ,]+) EUR, AMC (?P<amc>[\d ,]+) EUR",
        "fields": {"numero": "invoice.number", "amo": "invoice.totals.amo", "amc": "invoice.totals.amc"},
    },
    "sut.toml: extractors[0]",
)


def app_line(text: str, mono_ns: int = 0, channel: str = "app", source: str = "logs/demo-erp.log") -> TraceLine:
    return TraceLine(channel, mono_ns, 1_764_753_242.0, text, source, source_ts="03/12/2026 09:14:02,123")


def created(number: str, amo: str, amc: str = "0,00") -> str:
    return f"03/12/2026 09:14:02,123 [INFO ] FACT Facture {number} créée : total AMO {amo} EUR, AMC {amc} EUR"


def test_named_groups_give_values_with_comma_decimals_normalised_and_their_columns() -> None:
    text = created("F000123", "163,80", "1 234,56")
    got = extract_lines(SPEC, [app_line(text)])
    assert [(e.path, e.value) for e in got] == [
        ("invoice.number", "F000123"),
        ("invoice.totals.amo", "163.80"),
        ("invoice.totals.amc", "1234.56"),
    ]
    amo = got[1].provenance
    first, last = amo.columns or (0, 0)
    assert text[first - 1 : last] == "163,80" and amo.kind == "log" and amo.excerpt == text
    # the line's time on the bench's clock, in UTC as the book's every time, then the log's own as written
    assert amo.describe(translator("fr")) == (
        "demo-erp.log, ligne capturée à 09:14:02.000 UTC (heure du journal : 03/12/2026 09:14:02,123),"
        f" colonnes {first}–{last}"
    )
    assert amo.describe(translator("en")) == (
        "demo-erp.log, line captured at 09:14:02.000 UTC (log's own time: 03/12/2026 09:14:02,123),"
        f" columns {first}–{last}"
    )
    # a line read in the file as it is (sut check): the log's own time only
    read = extract_lines(SPEC, [app_line(text)], captured=False)[1].provenance
    assert read.describe(translator("fr")) == f"demo-erp.log, ligne de 03/12/2026 09:14:02,123, colonnes {first}–{last}"
    assert read.describe(translator("en")) == f"demo-erp.log, line of 03/12/2026 09:14:02,123, columns {first}–{last}"


def test_only_the_spec_channel_and_the_step_window_are_read() -> None:
    lines = [
        app_line(created("F1", "1,00"), mono_ns=100),
        app_line(created("F2", "2,00"), mono_ns=200),
        app_line(created("F3", "3,00"), mono_ns=200, channel="engine"),
        app_line(created("F4", "4,00"), mono_ns=300),
    ]
    got = extract_lines(SPEC, lines, since=150, until=250)
    assert [e.value for e in got if e.path == "invoice.number"] == ["F2"]
    assert len([e for e in extract_lines(SPEC, lines) if e.path == "invoice.number"]) == 3


def test_a_rank_placeholder_numbers_the_matching_lines_in_order() -> None:
    spec = parse_extractor(
        {
            "name": "lignes",
            "kind": "regex",
            "applies_to": "create_invoice",
            "pattern": r"ligne \d+ base (?P<base>[\d,]+)",
            "fields": {"base": "invoice.lines[{n}].base"},
        },
        "x",
    )
    got = extract_lines(spec, [app_line("ligne 1 base 12,50"), app_line("autre"), app_line("ligne 2 base 3,10")])
    assert [(e.path, e.value) for e in got] == [("invoice.lines[0].base", "12.50"), ("invoice.lines[1].base", "3.10")]


class Lines:
    """What the capture does with the tailer's raw lines: trace lines of the app channel."""

    def __init__(self) -> None:
        self.got: list[TraceLine] = []

    def __call__(self, batch: list[RawLine]) -> None:
        self.got.extend(TraceLine("app", r.mono_ns, r.wall, r.text, r.source) for r in batch)


def tailer(patterns: list[Path], sink: Lines, encoding: str = "utf-8") -> FileTailer:
    # Polled by hand (poll()), not by its thread: each step of the test sees exactly one read.
    return FileTailer(patterns, sink, encoding=encoding, from_start=True, use_inode=True)


def test_lines_across_a_rotation_are_all_read_once(tmp_path: Path) -> None:
    log = tmp_path / "demo-erp.log"
    log.write_bytes(created("F1", "10,00").encode() + b"\n")
    sink = Lines()
    tail = tailer([tmp_path / "demo-erp.log*"], sink)
    tail.poll()
    with log.open("ab") as f:
        f.write(created("F2", "20,00").encode() + b"\n")
    os.replace(log, tmp_path / "demo-erp.log.1")  # the application rotates its log by renaming it
    log.write_bytes(created("F3", "30,00").encode() + b"\n")
    tail.poll()
    tail.close()
    got = extract_lines(SPEC, sink.got)
    assert tail.rotations == 1
    assert [e.value for e in got if e.path == "invoice.totals.amo"] == ["10.00", "20.00", "30.00"]


def test_cp1252_lines_are_read_as_their_text(tmp_path: Path) -> None:
    log = tmp_path / "erp.log"
    log.write_bytes(created("F7", "163,80").encode("cp1252") + b"\r\n")
    sink = Lines()
    tail = tailer([log], sink, encoding="cp1252")
    tail.poll()
    tail.close()
    assert "créée" in sink.got[0].text
    assert [e.value for e in extract_lines(SPEC, sink.got)] == ["F7", "163.80", "0.00"]


def test_a_partial_line_is_not_extracted_until_its_end_arrives(tmp_path: Path) -> None:
    log = tmp_path / "erp.log"
    whole = created("F9", "163,80").encode()
    cut = whole.index(b"163,") + 3  # the writer flushed « … AMO 163 » and not yet « ,80 EUR… »
    log.write_bytes(whole[:cut])
    sink = Lines()
    tail = tailer([log], sink)
    tail.poll()
    assert extract_lines(SPEC, sink.got) == []  # nothing, not a wrong « 163 »
    with log.open("ab") as f:
        f.write(whole[cut:] + b"\n")
    tail.poll()
    tail.close()
    assert [e.value for e in extract_lines(SPEC, sink.got) if e.path == "invoice.totals.amo"] == ["163.80"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("163,80", "163.80"), ("-2,5", "-2.5"), ("1\u202f234,00", "1234.00"), ("F1,2", "F1,2"), ("12", "12")],
)
def test_comma_decimal_normalisation(text: str, value: str) -> None:
    from testbench.extract.values import normalise_decimal

    assert normalise_decimal(text) == value
