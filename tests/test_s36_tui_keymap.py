"""``[keymap]`` in tui.toml: a key written as F1 shows it works, and a remap that would leave an action without a
key (a key another action keeps, a key the windows need, a name Textual does not know) is said and left out.

Before, Textual applied the keymap as written: « run-case = "F5" » (F1 writes « F5 ») bound nothing and took
``r`` away, and « run-case = "ctrl+q" » took Ctrl+Q from quitting, without a word.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app, wait_run

from testbench.tui.keymap import check_keymap, key_name


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("f5", "f5"),
        ("F5", "f5"),
        (" Ctrl+R ", "ctrl+r"),
        ("Maj+F5", "shift+f5"),
        ("/", "slash"),
        ("?", "question_mark"),
        ("G", "G"),
        ("Maj+g", "G"),
        ("shift+tab", "shift+tab"),
        ("Échap", "escape"),
        ("Esc", "escape"),
        ("bogus", None),
        ("ctrl+", None),
        ("hyper+x", None),
    ],
)
def test_a_key_is_read_as_people_write_it(written: str, name: str | None) -> None:
    assert key_name(written) == name


def test_a_remap_that_takes_another_actions_key_is_left_out_and_said() -> None:
    kept, said = check_keymap({"run-case": "g", "quit": "ctrl+s", "filter": "tab", "review": "F5x", "nope": "x"})
    assert kept == {}
    assert said == [
        "tui.toml : actions inconnues dans [keymap] : nope",
        "tui.toml : [keymap] quit = « ctrl+s » : touche réservée aux champs et aux fenêtres (Tab, Entrée, Échap, "
        "Ctrl+S…) ; réglage ignoré",
        "tui.toml : [keymap] filter = « tab » : touche réservée aux champs et aux fenêtres (Tab, Entrée, Échap, "
        "Ctrl+S…) ; réglage ignoré",
        "tui.toml : [keymap] review = « F5x » : touche inconnue (noms de touches : f5, ctrl+r, slash…) ; réglage "
        "ignoré",
        "tui.toml : [keymap] run-case = « g » : touche déjà prise par « Rapport » (report) ; réglage ignoré",
    ]


def test_a_swap_is_kept_and_a_clash_it_uncovers_is_said() -> None:
    assert check_keymap({"run-case": "g", "report": "r"}) == ({"run-case": "g", "report": "r"}, [])
    # run-case and run-rest both want f5: both left out, and run-case back on « r » clashes with report's remap
    kept, said = check_keymap({"run-case": "f5", "run-rest": "F5", "report": "r"})
    assert kept == {}
    assert [s.split(" : ")[1] for s in said] == ["[keymap] run-case = « f5 »", "[keymap] run-rest = « F5 »",
                                                 "[keymap] report = « r »"]


def test_the_workstation_runs_on_the_key_f1_shows_and_keeps_quit_on_its_key(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang="en", keymap={"run-case": "F5", "review": "Ctrl+Q"})
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            toasts = [str(n.message) for n in app._notifications]
            assert toasts == [
                "tui.toml: [keymap] review = “Ctrl+Q”: key already taken by “Quit” (quit); setting ignored"
            ]
            await pilot.press("f5")
            await wait_run(app, pilot)
            assert len(app.ws.entries[0].view.attempts) == 1
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert not app.is_running

    asyncio.run(scenario())
