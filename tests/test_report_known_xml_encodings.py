"""A name the application's FSE alone gives is known whatever the FSE's encoding (audit s23, F2).

The report learnt names from the session's ``application/xml`` files only: an FSE in windows-1252 (or UTF-16) is
stored as ``application/octet-stream``, and a malformed one was dropped at its first error, so its names leaked
from the application's log lines in the redacted report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from testbench.report.personal import Scrubber, known_values

FSE = (
    '<?xml version="1.0" encoding="{encoding}"?>\n<fse numero="F0001">\n'
    '  <ps rpps="10003456789" nom="MARTIN Hélène"/>\n  <totaux facture="56.00"{end}>\n</fse>\n'
)


class _Session:
    """The little of a session known_values reads: its stored files, by media type."""

    def __init__(self, media_type: str, data: bytes) -> None:
        self.meta: dict[str, str] = {}
        self.blobs = {media_type: [data, b"0123456789 B2 record\r\n"]}

    def artifact_blobs(self, media_type: str) -> Iterator[bytes]:
        yield from self.blobs.get(media_type, [])

    def observation_values(self, *args: Any, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        yield from ()

    def case_definitions(self) -> list[dict[str, Any]]:
        return []

    def trace_texts(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        yield from ()

    def event_data(self, *args: Any) -> list[dict[str, Any]]:
        return []


@pytest.mark.parametrize(
    ("media_type", "data"),
    [
        ("application/xml", FSE.format(encoding="UTF-8", end="/").encode("utf-8")),
        ("application/octet-stream", FSE.format(encoding="windows-1252", end="/").encode("cp1252")),
        ("application/octet-stream", FSE.format(encoding="UTF-16", end="/").encode("utf-16")),
        ("application/xml", FSE.format(encoding="UTF-8", end="").encode("utf-8")),  # <totaux> never closed
        ("application/octet-stream", FSE.format(encoding="windows-1252", end="").encode("cp1252")),
    ],
    ids=["utf8", "cp1252", "utf16", "malformed", "malformed-cp1252"],
)
def test_the_fse_s_names_are_known_and_masked_in_the_log(media_type: str, data: bytes) -> None:
    known = known_values(_Session(media_type, data))  # type: ignore[arg-type]
    assert known.names == {"MARTIN Hélène"}
    assert known.numbers == {"rpps": {"10003456789"}}
    masked = Scrubber(True, known)("Carte CPS lue : Dr MARTIN Hélène")
    assert "MARTIN" not in masked and "Hélène" not in masked, masked


def test_bytes_that_are_no_xml_teach_nothing() -> None:
    assert not known_values(_Session("application/octet-stream", b"\x00\x01MARTIN"))  # type: ignore[arg-type]
