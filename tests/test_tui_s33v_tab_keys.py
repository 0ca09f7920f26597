"""Each view's tab shows the key that opens it (« 1 Cas », « 4 Traces »), and every tab stays whole on screen.

At 80 columns the tree beside leaves the tabs 56 columns: the titles that shorten most take their shorter form
(« 3 Att/obs ») until all fit, the seven of exam mode included, in French and in English; at 120 columns every
title is whole. A key the keymap changes is the one shown; F2 keeps the keys in the other language.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app
from textual.widgets import TabbedContent, Tree

from testbench.i18n import translator
from testbench.tui.views import VIEW_TITLES, VIEWS, tab_titles

SIZES = [(80, 24), (120, 40)]


def shown_tabs(app) -> dict[str, tuple[str, bool]]:
    """Each tab shown: its title, and whether it is whole on screen (inside the screen and the tab bar)."""
    tabs = app.query_one("#views", TabbedContent)
    screen = app.screen.region
    out = {}
    for view in VIEWS:
        tab = tabs.get_tab(view)
        if tab.display:
            region = tab.region
            whole = bool(region) and screen.contains_region(region) and tabs.region.contains_region(region)
            out[view] = (tab.label_text, whole)
    return out


async def tabs_after(app, pilot, *keys: str) -> dict[str, tuple[str, bool]]:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
    await pilot.pause()
    return shown_tabs(app)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_tab_shows_its_key_and_is_whole(tmp_path: Path, lang: str, size: tuple[int, int]) -> None:
    t = translator(lang, "tui")
    keys = {"case": "1", "run": "2", "compare": "3", "traces": "4", "overview": "5", "review": "6", "exam": "7"}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            six = await tabs_after(app, pilot)
            assert list(six) == ["case", "run", "compare", "traces", "overview", "review"], six
            # the exam view shown once (exam mode shows its tab from the start): seven tabs, the tree beside
            await tabs_after(app, pilot, "7")
            app.query_one("#tree", Tree).focus()
            seven = await tabs_after(app, pilot, "1")
            assert len(seven) == 7, seven
            for tabs in (six, seven):
                for view, (title, whole) in tabs.items():
                    assert whole, (view, title, tabs)
                    key, _, word = title.partition(" ")
                    assert key == keys[view], title
                    assert word, title
            if size[0] >= 120:  # room enough: every title whole
                assert {view: title for view, (title, _) in seven.items()} == {
                    view: f"{keys[view]} {t(VIEW_TITLES[view])}" for view in VIEWS
                }

    asyncio.run(scenario())


def test_at_80_columns_only_what_is_needed_is_shortened(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            titles = {view: title for view, (title, _) in (await tabs_after(app, pilot)).items()}
            assert titles == {
                "case": "1 Cas",
                "run": "2 Exécution",
                "compare": "3 Att/obs",
                "traces": "4 Traces",
                "overview": "5 Synthèse",
                "review": "6 Revue",
            }
            # the traces take the whole width (the tree aside): the titles are whole again
            wide = {view: title for view, (title, _) in (await tabs_after(app, pilot, "4")).items()}
            assert wide["compare"] == "3 Attendu/observé", wide

    asyncio.run(scenario())


def test_a_key_the_keymap_changes_is_the_one_shown_and_f2_keeps_the_keys(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, keymap={"view-traces": "f6"})
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            titles = {view: title for view, (title, _) in (await tabs_after(app, pilot)).items()}
            assert titles["traces"] == "F6 Traces", titles
            english = {view: title for view, (title, _) in (await tabs_after(app, pilot, "f2")).items()}
            assert english["case"] == "1 Case" and english["compare"] == "3 Expected/observed", english
            assert english["traces"] == "F6 Traces", english

    asyncio.run(scenario())


def test_the_titles_shorten_those_that_gain_most_first() -> None:
    t = translator("fr", "tui")
    keys = {view: str(n) for n, view in enumerate(VIEWS, start=1)}
    full = tab_titles(keys, t, 0, 1)  # not laid out yet: every title whole
    assert full["compare"] == "3 Attendu/observé"
    needed = sum(len(title) + 1 for title in full.values())
    assert tab_titles(keys, t, needed, 1) == full
    one_short = tab_titles(keys, t, needed - 1, 1)
    assert [view for view in VIEWS if one_short[view] != full[view]] == ["compare"]
    assert one_short["compare"] == "3 Att/obs"


def test_the_titles_follow_the_width_the_layout_gives_whoever_titled_them_before(tmp_path: Path) -> None:
    """Titles fitted while a layout was pending (the tree about to step aside) read the bar's former width: the
    next layout of the screen fits them again to the width it gave (a flaky snapshot at 100×30 showed « 3 Att/obs »
    with room for « 3 Attendu/observé »)."""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            tabs = app.query_one("#views", TabbedContent)
            assert tabs.get_tab("compare").label_text == "3 Attendu/observé"
            from textual.content import Content

            tabs.get_tab("compare").label = Content("3 Att/obs")  # as fitted to a narrower bar, before the layout
            app._titled_width = 0
            app.screen.refresh(layout=True)
            await pilot.pause()
            await pilot.pause()
            assert tabs.get_tab("compare").label_text == "3 Attendu/observé"

    asyncio.run(scenario())
