"""A language testbench does not speak, asked before the command (``testbench --lang de validate``): the usage
line names every command, not the one named alone (the early parser registered only it)."""

from __future__ import annotations

import pytest

from testbench.cli.main import COMMANDS, main


@pytest.mark.parametrize("lang", [["--lang", "de"], ["--lang=de"]])
def test_the_usage_line_names_every_command(lang: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main([*lang, "validate", "x.xml"])
    assert ended.value.code == 3
    err = capsys.readouterr().err
    assert "{" + ",".join(name for name in COMMANDS) + "}" in "".join(err.split()), err
    assert "'de'" in err or "« de »" in err
