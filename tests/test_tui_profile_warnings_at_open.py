"""A ``--sut-profile`` whose log or output folder is not there yet: the workstation says so as it opens, with
the same sentences as ``testbench sut check`` (one check, ``sut.check.profile_warnings``), the log's included."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import make_app, toasts

from testbench.sut.check import check_profile, profile_warnings
from testbench.sut.profile import load_profile

PROFILE = """\
[product]
name = "Démo"

[[logs]]
path = "nolog/app.log"
channel = "app"

[outputs]
fse = "sortie/fse"
"""


def write_profile(tmp_path: Path) -> Path:
    path = tmp_path / "sut" / "sut.toml"
    path.parent.mkdir()
    path.write_text(PROFILE, encoding="utf-8")
    return path


def test_one_function_says_the_missing_log_and_the_missing_folder(tmp_path: Path) -> None:
    profile = load_profile(write_profile(tmp_path))
    said = profile_warnings(profile)
    assert [s.split(" ", 2)[:2] for s in said] == [["le", "journal"], ["le", "dossier"]], said
    assert said == check_profile(profile).warnings  # ``sut check`` says the same


def opened(tmp_path: Path, lang: str) -> str:
    async def scenario() -> str:
        app = make_app(tmp_path, lang=lang)
        app.campaign_options.bench.sut_profile = write_profile(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            return toasts(app)

    return asyncio.run(scenario())


def test_the_workstation_says_the_missing_log_as_it_opens(tmp_path: Path) -> None:
    said = opened(tmp_path, "fr")
    log = tmp_path / "sut" / "nolog" / "app.log"
    assert f"le journal {log} ne correspond encore à aucun fichier" in said, said
    assert "le dossier de sortie « fse » n'existe pas encore" in said, said


def test_the_workstation_says_the_missing_log_in_english(tmp_path: Path) -> None:
    said = opened(tmp_path, "en")
    assert f"the log {tmp_path / 'sut' / 'nolog' / 'app.log'} matches no file yet" in said, said
