"""Line parsers: presets, custom formats, continuation lines, timestamps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from testbench.traces.parsers import (
    PRESETS,
    LineParser,
    StreamParser,
    get_format,
    join_records,
    parse_timestamp,
)


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("preset", "line", "ts", "level", "msg"),
    [
        (
            "iso8601",
            "2026-11-25T10:00:00.123+01:00 WARNING lecteur retiré",
            "2026-11-25T10:00:00.123+01:00",
            "WARN",
            "lecteur retiré",
        ),
        ("iso8601", "[2026-11-25 10:00:00] [error] échec", "2026-11-25 10:00:00", "ERROR", "échec"),
        ("iso8601", "2026-11-25T10:00:00Z démarrage", "2026-11-25T10:00:00Z", None, "démarrage"),
        (
            "log4j",
            "2026-11-25 10:00:00,123 [main] INFO  com.editeur.Fse - FSE créée",
            "2026-11-25 10:00:00,123",
            "INFO",
            "com.editeur.Fse - FSE créée",
        ),
        (
            "log4j",
            "2026-11-25 10:00:00,123 ERROR Editeur.Lot - lot refusé",
            "2026-11-25 10:00:00,123",
            "ERROR",
            "Editeur.Lot - lot refusé",
        ),
        (
            "syslog3164",
            "Nov 25 10:00:00 poste app[42]: message",
            "Nov 25 10:00:00",
            None,
            "poste app[42]: message",
        ),
        (
            "syslog3164",
            "<11>Nov  5 10:00:00 poste app: erreur",
            "Nov  5 10:00:00",
            "ERROR",
            "poste app: erreur",
        ),
        (
            "syslog5424",
            "<165>1 2026-11-25T10:00:00.003Z poste app 42 ID47 - message",
            "2026-11-25T10:00:00.003Z",
            "NOTICE",
            "poste app 42 ID47 - message",
        ),
        (
            "log4crc",
            "20261125 10:00:00.123 DEBUG    ssv- SSV_LireCarteVitale entrée",
            "20261125 10:00:00.123",
            "DEBUG",
            "ssv- SSV_LireCarteVitale entrée",
        ),
        ("plain", "anything at all", None, None, "anything at all"),
    ],
)
def test_presets(preset: str, line: str, ts: str | None, level: str | None, msg: str) -> None:
    parsed = LineParser(PRESETS[preset]).match(line)
    assert parsed is not None
    assert (parsed.ts, parsed.level, parsed.msg, parsed.continuation) == (ts, level, msg, False)


def test_presets_reject_lines_of_other_formats() -> None:
    assert LineParser(PRESETS["log4crc"]).match("2026-11-25 10:00:00,123 INFO x") is None
    assert LineParser(PRESETS["log4j"]).match("20261125 10:00:00.123 DEBUG    ssv- x") is None
    assert LineParser(PRESETS["iso8601"]).match("\tat com.x.Y.main(Y.java:12)") is None


def test_timestamps_to_epoch() -> None:
    assert parse_timestamp("2026-11-25T10:00:00.123+01:00", "iso") == pytest.approx(utc(2026, 11, 25, 9, 0, 0) + 0.123)
    assert parse_timestamp("2026-11-25 10:00:00,5Z", "iso") == pytest.approx(utc(2026, 11, 25, 10, 0, 0) + 0.5)
    assert parse_timestamp("2026-11-25T10:00:00.123456789Z", "iso") == pytest.approx(
        utc(2026, 11, 25, 10, 0, 0) + 0.123456
    )
    log4crc = LineParser(PRESETS["log4crc"])
    assert log4crc.to_epoch("20261125 10:00:00.250") == pytest.approx(utc(2026, 11, 25, 10, 0, 0) + 0.25)
    assert parse_timestamp("not a date", "iso") is None
    assert parse_timestamp("2026-11-25", None) is None


def test_syslog3164_year_is_the_closest_to_now() -> None:
    new_year = utc(2027, 1, 1, 0, 0, 5)
    assert parse_timestamp("Dec 31 23:59:59", "syslog3164", "utc", now=new_year) == utc(2026, 12, 31, 23, 59, 59)
    assert parse_timestamp("Jan  1 00:00:01", "syslog3164", "utc", now=new_year) == utc(2027, 1, 1, 0, 0, 1)
    assert parse_timestamp("Foo  1 00:00:01", "syslog3164", "utc", now=new_year) is None


def test_continuation_lines_inherit_timestamp_and_level() -> None:
    stream = StreamParser("log4j")
    lines = [
        "2026-11-25 10:00:00,123 [main] ERROR com.x.Y - échec de la lecture",
        "java.lang.IllegalStateException: carte absente",
        "\tat com.x.Y.read(Y.java:12)",
        "2026-11-25 10:00:01,000 [main] INFO  com.x.Y - reprise",
    ]
    parsed = [stream.parse(line) for line in lines]
    assert [p.continuation for p in parsed] == [False, True, True, False]
    assert [p.level for p in parsed] == ["ERROR", "ERROR", "ERROR", "INFO"]
    assert [p.ts for p in parsed[:3]] == ["2026-11-25 10:00:00,123"] * 3
    assert parsed[2].msg == "\tat com.x.Y.read(Y.java:12)"
    assert join_records(lines, "log4j") == ["\n".join(lines[:3]), lines[3]]


def test_first_line_without_header_has_no_timestamp() -> None:
    parsed = StreamParser("iso8601").parse("orphan continuation")
    assert parsed.continuation and parsed.ts is None and parsed.level is None


def test_custom_format_from_configuration() -> None:
    fmt = get_format(
        {
            "name": "editeur",
            "pattern": r"^(?P<ts>\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}) <(?P<level>\w+)> (?P<msg>.*)$",
            "ts_format": "%d/%m/%Y %H:%M:%S",
            "tz": "utc",
        }
    )
    parser = LineParser(fmt)
    parsed = parser.match("25/11/2026 10:00:00 <Erreur> rejet")
    assert parsed is not None and parsed.level == "ERROR" and parsed.msg == "rejet"
    assert parser.to_epoch(parsed.ts or "") == utc(2026, 11, 25, 10, 0, 0)


def test_bad_configuration_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="inconnu"):
        get_format("log5j")
    with pytest.raises(ValueError, match="msg"):
        get_format({"pattern": r"^(?P<ts>\S+)"})


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["20261125 10:00:00.123 DEBUG    ssv- a", "20261125 10:00:00.124 INFO     ssv- b"], "log4crc"),
        (
            ["2026-11-25 10:00:00,123 [main] INFO  x - a", "\tat x.y(Z.java:1)", "2026-11-25 10:00:01,000 WARN y - b"],
            "log4j",
        ),
        (["2026-11-25T10:00:00.123+01:00 démarrage", "2026-11-25T10:00:01Z arrêt"], "iso8601"),
        (["<14>1 2026-11-25T10:00:00Z h app - - - m"] * 3, "syslog5424"),
        (["Nov 25 10:00:00 h app: m"] * 3, "syslog3164"),
        (["free text", "more free text", "2026-11-25T10:00:00Z one dated line"], "plain"),
        ([], "plain"),
    ],
)
def test_detect_format(lines: list[str], expected: str) -> None:
    from testbench.traces.parsers import detect_format

    assert detect_format(lines).name == expected
