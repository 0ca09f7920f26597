"""``validate --max-size`` says its real bounds (audit s24 F11): 2000000000 (Mo) was « --max-size doit être
positif », 1e-9 a limit of « 0 octets » that refused every file, and the French « 1,5 » not a number."""

from __future__ import annotations

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = str(CASEBOOKS_DIR / "demo.xml")


@pytest.mark.parametrize("value", ["2000000000", "1024.5", "1e-9", "0", "-1", "inf", "nan", "abc"])
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "n'est pas une taille en Mo entre 1 octet et 1024 Mo (par exemple 40 ou 0,5)"),
        ("en", "is not a size in MB between 1 byte and 1024 MB (for example 40 or 0.5)"),
    ],
)
def test_a_size_out_of_bounds_names_the_bounds(
    capsys: pytest.CaptureFixture[str], value: str, lang: str, said: str
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["validate", "--lang", lang, f"--max-size={value}", DEMO])
    err = capsys.readouterr().err
    assert done.value.code == 3 and said in err and value in err, err
    assert "positi" not in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["1,5", "1024", "0.5"])
def test_a_size_in_bounds_is_taken_with_a_decimal_comma_too(capsys: pytest.CaptureFixture[str], value: str) -> None:
    assert main(["validate", f"--max-size={value}", DEMO]) == 0, capsys.readouterr().err


def test_a_tiny_size_is_at_least_one_byte(capsys: pytest.CaptureFixture[str]) -> None:
    """0.000001 Mo is one byte, a limit the file is over (it said « limite 0 octets » for 1e-9)."""
    assert main(["validate", "--max-size=0.000001", DEMO]) == 3
    err = capsys.readouterr().err
    assert "limite 1\u00a0octet" in err or "limite 1 octet" in err, err
