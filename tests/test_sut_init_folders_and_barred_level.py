"""``testbench sut init`` (audit, item 7): a folder given as « ../app/out/lotz » is written without its « .. », and
one that does not exist yet is said at once (a warning, not a refusal: the application may create it), as ``sut
check`` says it; a log whose level stands between bars after an ISO 8601 time (« … | INFO  | message ») gets a
pattern that reads that level, not the iso8601 preset that leaves it in the message."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.sut.check import read_log
from testbench.sut.profile import load_profile

LINES = [
    "2026-12-06 19:10:20.033 | INFO  | GestApp 1.0 démarré",
    "2026-12-06 19:10:31.412 | WARNING | Facture n°11 créée : total AMO 33,60 EUR",
    "2026-12-06 19:10:40.005 | ERROR | Lot 15 refusé",
]


def test_init_normalises_a_folder_and_warns_it_is_not_there_yet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app" / "logs").mkdir(parents=True)
    (tmp_path / "app" / "out" / "fse").mkdir(parents=True)
    (tmp_path / "app" / "logs" / "gestapp.log").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    here = tmp_path / "init2"
    here.mkdir()
    monkeypatch.chdir(here)
    argv = ["--lang", "en", "sut", "init", "--output", "sut.toml", "--name", "GestApp", "--yes"]
    argv += ["--logs", "../app/logs/gestapp.log", "--fse", "../app/out/fse", "--lots", "../app/out/lotz"]
    assert main([*argv, "--watch-seconds", "0"]) == 0  # written all the same
    out, err = capsys.readouterr()
    text = (here / "sut.toml").read_text(encoding="utf-8")
    assert ".." not in text, text
    lots = tmp_path.resolve() / "app" / "out" / "lotz"
    assert f"lots = '{lots}'" in text
    said = f"the output folder “lots” does not exist yet: {lots} — the software must create it at its first write"
    assert said in err, err
    assert "“fse” does not exist" not in err  # there: nothing said of it
    profile = load_profile(here / "sut.toml")
    assert profile.outputs["lots"] == lots
    # the level between bars is read, as sut check and the capture read the lines
    assert "proposed line format: ISO 8601 time | level | message" in out, out
    reading = read_log(profile.log_sources[0], 10)
    assert [(line.level, line.source_ts) for line in reading.lines] == [
        ("INFO", "2026-12-06 19:10:20.033"),
        ("WARN", "2026-12-06 19:10:31.412"),
        ("ERROR", "2026-12-06 19:10:40.005"),
    ]
    assert reading.messages == ["GestApp 1.0 démarré", "Facture n°11 créée : total AMO 33,60 EUR", "Lot 15 refusé"]
