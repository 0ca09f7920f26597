"""A followed log's spec (``--app-log``, a profile's source): ``format=Auto`` reads as ``auto`` as the message
listing it says, and a key given twice is refused, not the last one silently kept."""

from __future__ import annotations

import pytest

from testbench.i18n import translator
from testbench.traces.capture import parse_file_spec


def test_format_auto_in_any_case_is_auto() -> None:
    assert parse_file_spec("app.log;format=Auto")["fmt"] == "auto"
    assert parse_file_spec("app.log;format=AUTO")["fmt"] == "auto"


def test_a_key_given_twice_is_refused_and_named_in_both_languages() -> None:
    with pytest.raises(ValueError) as refused:
        parse_file_spec("app.log;channel=app;channel=engine")
    said = "option de trace « channel » donnée deux fois dans « app.log;channel=app;channel=engine »"
    assert str(refused.value) == said
    assert translator("en")(said) == (
        "trace option “channel” given twice in “app.log;channel=app;channel=engine”"
    )
