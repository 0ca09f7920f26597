"""Trace format names as a person writes them: any case (« Log4J »), and an unknown one refused with every
known name, ``auto`` — the value README recommends — included."""

from __future__ import annotations

import pytest

from testbench.traces.parsers import format_name, get_format


def test_a_preset_is_read_in_any_case() -> None:
    assert get_format("Log4J").name == "log4j"
    assert format_name("SYSLOG5424") == "syslog5424"


def test_auto_is_read_in_any_case() -> None:
    assert format_name("Auto") == "auto"


def test_the_unknown_format_message_lists_auto() -> None:
    with pytest.raises(ValueError, match=r"formats connus : auto, dmy, iso8601"):
        format_name("nope")
