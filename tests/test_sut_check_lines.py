"""``sut check --lines N``: N is a whole number of 1 or more; 0 or a negative number is a usage error (exit 3)
that says so, where it was once shown as 1 without a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main


@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_count_below_one_is_refused(value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["sut", "check", str(tmp_path / "sut.toml"), f"--lines={value}"])
    assert ended.value.code == 3
    assert f"argument --lines : « {value} » n'est pas un nombre de lignes (1 ou plus)" in capsys.readouterr().err


def test_the_refusal_reads_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["sut", "check", str(tmp_path / "sut.toml"), "--lines", "0", "--lang", "en"])
    assert ended.value.code == 3
    assert "“0” is not a number of lines (1 or more)" in capsys.readouterr().err


def test_a_non_number_is_still_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["sut", "check", str(tmp_path / "sut.toml"), "--lines", "abc"])
    assert ended.value.code == 3
    assert "« abc » n'est pas un nombre entier" in capsys.readouterr().err
