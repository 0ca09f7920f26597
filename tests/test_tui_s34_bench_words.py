"""The overview's « Banc » line in words, never ``--cards``/``--engine``'s values inside a French sentence.

It read « Banc : cartes pcsc, moteur operator », the same in English. The bench is now said as the readers window
(key ``l``) names the cards and as the CLI's help and the glossary name the engines (``tui.render.bench_words``),
French by default, English with ``--lang en``, again in the other language after F2. ``testbench ui`` opened from
the command line (``testbench.cli.main``) on the real demo casebook, its session on disk.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_app import text_of

from testbench.i18n import translator
from testbench.runner.options import BenchOptions
from testbench.tui.render import bench_words

#: the options' values that must not reach a person (English words are fine in English: "operator mode")
RAW = {"fr": ("pcsc", "inprocess", "auto", "operator", "reference"), "en": ("pcsc", "inprocess", "auto")}


@pytest.mark.parametrize("engine", ["reference", "inprocess", "operator"])
@pytest.mark.parametrize("cards", ["auto", "pcsc", "inprocess"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_option_value_is_said_raw(lang: str, cards: str, engine: str) -> None:
    said = bench_words(BenchOptions(engine=engine, cards=cards), translator(lang, "tui"))
    words = said.replace("(", " ").replace(")", " ").split()
    assert not [w for w in words if w in RAW[lang]], said


def test_each_engine_and_card_source_in_both_languages() -> None:
    fr, en = translator("fr", "tui"), translator("en", "tui")
    assert bench_words(BenchOptions(engine="inprocess", cards="auto"), fr) == (
        "cartes (choix automatique) · moteur de référence (dans le processus du banc)"
    )
    assert bench_words(BenchOptions(engine="reference", cards="inprocess"), en) == (
        "in-memory virtual reader · reference engine"
    )
    external = BenchOptions(engine="python3 m.py", cards="pcsc", allow_real_cards=True)
    said = "lecteurs PC/SC (pcscd) · moteur externe « python3 m.py » · cartes réelles admises"
    assert bench_words(external, fr) == said
    assert bench_words(external, en) == 'PC/SC readers (pcscd) · external engine “python3 m.py” · real cards allowed'


@pytest.mark.parametrize(
    ("lang", "first", "then"),
    [
        ("fr", "Banc : lecteurs PC/SC (pcscd) · mode opérateur", "Bench: PC/SC readers (pcscd) · operator mode"),
        ("en", "Bench: PC/SC readers (pcscd) · operator mode", "Banc : lecteurs PC/SC (pcscd) · mode opérateur"),
    ],
)
def test_the_overview_says_the_bench_in_the_language_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, first: str, then: str
) -> None:
    from testbench.cli.main import main
    from testbench.paths import CASEBOOKS_DIR
    from testbench.tui.app import WorkstationApp

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    seen: list[str] = []

    async def scenario(app: WorkstationApp) -> int:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("5")
            await pilot.pause()
            seen.append(text_of(app, "#overview-detail"))
            await pilot.press("f2")
            await pilot.pause()
            seen.append(text_of(app, "#overview-detail"))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", lambda self, *a, **k: asyncio.run(scenario(self)))
    demo = str(CASEBOOKS_DIR / "demo.xml")
    argv = ["ui", demo, "--session", str(tmp_path / "s.tbsession"), "--engine", "operator", "--cards", "pcsc"]
    assert main([*argv, "--lang", lang]) == 0
    assert first in seen[0], seen[0]
    assert then in seen[1], seen[1]
