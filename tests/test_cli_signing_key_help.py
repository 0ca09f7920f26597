"""The help of the options that take a signing key says where the key is by default ($TESTBENCH_SIGNING_KEY, else
the user's configuration folder, APPDATA on Windows: testbench.signing.default_key_path), and ``keys show``'s that
a public key is taken too."""

from __future__ import annotations

import pytest

from testbench.cli.main import main


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # argparse would break « signing-key.pem » at its hyphen


def help_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines


@pytest.mark.parametrize("argv", [["report"], ["keys", "init"], ["keys", "show"]])
def test_the_key_option_says_its_default(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of(argv, capsys)
    assert "$TESTBENCH_SIGNING_KEY" in text and "testbench/signing-key.pem" in text, text
    assert "~/.config" in text and "APPDATA sous Windows" in text


def test_keys_show_says_a_public_key_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    assert "clé privée, ou clé publique (.pub), dont montrer la clé publique" in help_of(["keys", "show"], capsys)


def test_the_key_help_reads_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of(["keys", "show", "--lang", "en"], capsys)
    assert "private key, or public key (.pub), whose public key to show" in text
    assert "default: $TESTBENCH_SIGNING_KEY" in text
