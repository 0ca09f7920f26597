"""``sut check`` names each log's line format in words, in either language: a preset by its name, the profile's own
pattern as such (« format motif du profil », "format: the profile's own pattern"), never « format the profile's
pattern »."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

PROFILE = """
[product]
name = "GestPSAD"

[[logs]]
path = "logs/own.log"
pattern = '^(?P<ts>\\S+ \\S+) (?P<msg>.*)$'
ts_format = "%d/%m/%Y %H:%M:%S"

[[logs]]
path = "logs/preset.log"
format = "log4j"
"""


@pytest.mark.parametrize(
    ("lang", "own", "preset"),
    [
        ("fr", "own.log (canal app, encodage utf-8, format motif du profil)",
         "preset.log (canal app, encodage utf-8, format log4j)"),
        ("en", "own.log (channel app, encoding utf-8, format: the profile's own pattern)",
         "preset.log (channel app, encoding utf-8, format: log4j)"),
    ],
)  # fmt: skip
def test_each_logs_format_is_named_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, own: str, preset: str
) -> None:
    (tmp_path / "logs").mkdir()
    for name in ("own.log", "preset.log"):
        (tmp_path / "logs" / name).write_text("", encoding="utf-8")
    (tmp_path / "sut.toml").write_text(PROFILE, encoding="utf-8")
    main(["sut", "check", str(tmp_path / "sut.toml"), "--lang", lang])
    shown = capsys.readouterr().out
    assert own in shown and preset in shown, shown
