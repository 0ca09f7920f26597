"""An unknown or abbreviated option (audit): ``validate --bogus`` printed ``testbench``'s own usage (« {validate} ... »)
and none of validate's options; ``validate … --watc`` silently started watch mode (argparse's prefix matching). Now
the command that met the word refuses it with its own usage, exit 3, and an option is only ever its whole name."""

from __future__ import annotations

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["validate", "--bogus", "x.xml"], "testbench validate [-h]"),
        (["cards", "list", "--zzz"], "testbench cards list [-h]"),
        (["--lang", "en", "run", "x.xml", "--session", "s.tbsession", "--bogus"], "testbench run [-h]"),
    ],
)
def test_the_command_that_met_the_word_refuses_it(
    argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert usage in err and ("--bogus" in err or "--zzz" in err)
    assert "{validate" not in err and "{run" not in err


def test_an_abbreviated_option_is_no_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate", str(CASEBOOKS_DIR / "demo.xml"), "--max", "40"])  # was: --max-size 40, valid, exit 0
    assert exited.value.code == EXIT_USAGE
    assert "--max" in capsys.readouterr().err
