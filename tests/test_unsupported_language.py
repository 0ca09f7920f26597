"""A TESTBENCH_LANG the bench has no catalogue for is said once on stderr, in French, and French is used."""

from __future__ import annotations

import pytest

from testbench import i18n


@pytest.fixture(autouse=True)
def _fresh() -> None:
    i18n._said_unsupported.clear()


def test_an_unsupported_language_is_said_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESTBENCH_LANG", "de")
    assert [i18n.default_language() for _ in range(3)] == ["fr"] * 3
    err = capsys.readouterr().err
    assert err == (
        "testbench: TESTBENCH_LANG=de : langue non prise en charge (fr ou en) ; le français est utilisé\n"
    )


@pytest.mark.parametrize("value", ["fr", "en", "en_US.UTF-8", "FR", ""])
def test_a_supported_or_empty_language_says_nothing(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESTBENCH_LANG", value)
    assert i18n.default_language() == (value[:2].lower() or "fr")
    assert capsys.readouterr().err == ""


def test_a_language_asked_for_by_the_command_wins_silently(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESTBENCH_LANG", "de")
    with i18n.use_language("en"):
        assert i18n.default_language() == "en"
    assert capsys.readouterr().err == ""
