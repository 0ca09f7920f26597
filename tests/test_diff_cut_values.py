"""`testbench diff` masks a known value a line break cut between two lines of one channel, as the report does.

The diff used to redact each of its lines alone: a name, a NIR or a birth date an application's logger wrapped over
two lines (« Patient PAUL ES » then « SAI, droits ouverts »), or a dump cut over several, left each piece readable in
the diff's text, JSON and HTML, where the report masks both (testbench.report.personal.Scrubber.trace_lines). Each
side's lines are now masked together before the diff shows them; they are still compared as recorded.

Two real runs of the demo's first case (its card reads make the holder known), each given the application's lines
of another wording (removed and added lines) and one cut value in lines both sides share (the diff's context).
"""

from __future__ import annotations

import difflib
import io
import json
import random
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.diff import _unified
from testbench.store.read import read_session
from testbench.store.session import SessionStore
from testbench.traces.model import TraceLine

#: the demo's first case's holder: ESSAI PAUL, born 15/01/1980
NIR = "180019999900168"
FILLER = bytes(range(1, 17))


def _offsets(data: bytes, width: int = 4) -> list[str]:
    """« 0000: 01 02 … »: an application's dump of a card's answer, ``width`` bytes a line."""
    return [f"{i:04X}: {data[i : i + width].hex(' ').upper()}" for i in range(0, len(data), width)]


def _app_lines(side: str) -> list[str]:
    """The application's lines of side A or B: each cut value worded otherwise (no line of A is one of B's), then
    a NIR cut over two lines whose first line both sides share (shown as the context of B's changed second line)."""
    if side == "A":
        cut = [
            "[10:00:01] Patient PAUL ES",
            "SAI, droits ouverts",
            "[10:00:02] assuré NIR 1 80 01 99",
            "999 001 68 lu",
            "[10:00:03] né le 15/01/",
            "1980 à Paris",
            *_offsets(FILLER[:2] + NIR.encode() + b"\x90\x00"),
        ]
    else:
        cut = [
            "[10:00:01] Bénéficiaire PAUL E",
            "SSAI, droits fermés",
            "[10:00:02] numéro 1 80 01 9",
            "9 999 001 68 relu",
            "[10:00:03] naissance 1980-01-",
            "15 lue",
            *_offsets(FILLER[:3] + NIR.encode() + b"\x6a\x82"),
        ]
    return [*cut, "[10:00:08] facture C 25.00 EUR", "[10:00:09] contexte NIR 1 80 01 9", f"9 999 001 68 côté {side}"]


def _session(folder: Path, side: str) -> Path:
    folder.mkdir()
    session = folder / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "-k", "DEMO-FSE-001"]
    assert main([*argv, "--cards", "inprocess", "--engine", "inprocess"]) == 0
    with read_session(session) as view:
        attempt = view.cases[0].latest
        assert attempt is not None
    store = SessionStore.open(session)
    try:
        store.add_trace_lines(
            [
                TraceLine("app", 10**12 + n, 1.8e9 + n, text, "app.log", attempt_id=attempt.id, step_id="s-vitale")
                for n, text in enumerate(_app_lines(side))
            ]
        )
    finally:
        store.close()
    return session


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The diff of the two sessions as each output writes it: text, JSON and HTML (its text, markup left out)."""
    root = tmp_path_factory.mktemp("diff-cut")
    a, b = _session(root / "a", "A"), _session(root / "b", "B")
    js, html = root / "d.json", root / "d.html"
    with redirect_stdout(io.StringIO()) as said:
        assert main(["diff", str(a), str(b), "--json", str(js), "--html", str(html)]) in (0, 1)
    data = json.loads(js.read_text(encoding="utf-8"))
    return {
        "text": said.getvalue(),
        "json": "\n".join(line for case in data["cases"] for line in case["trace"]["diff"]),
        "html": "\n".join(etree.HTML(html.read_text(encoding="utf-8")).xpath("//pre//text()")),
    }


def _app_shown(text: str) -> list[str]:
    """The application's lines a diff's text shows, without their sign and channel."""
    return [m.group(1) for m in re.finditer(r"^\s*[-+ ]app (.*)$", text, re.M)]


@pytest.mark.parametrize("output", ["text", "json", "html"])
def test_no_piece_of_a_cut_value_shows(outputs: dict[str, str], output: str) -> None:
    text = outputs[output]
    shown = _app_shown(text)
    assert "[‹T›] facture C 25.00 EUR" in shown, text  # ordinary data as written: the lines are there
    for side in "AB":
        for line in _app_lines(side)[:-3]:  # no line holding a piece as written
            assert line not in shown, (line, shown)
    assert "9 999 001 68 côté A" not in shown and "9 999 001 68 côté B" not in shown  # the context's second lines
    digits = "".join(re.findall(r"\d", "".join(re.sub(r"‹[^›]*›", "", line) for line in shown)))
    assert "800199" not in digits and "99900168" not in digits and "150119" not in digits, shown
    assert not re.search(r"\b(?:ES|E|SAI|SSAI)\b", "\n".join(shown)), shown
    for data in (FILLER[:2] + NIR.encode(), FILLER[:3] + NIR.encode()):  # the dumps' bytes of the NIR, on no line
        for line in _offsets(data)[1:]:
            assert line not in shown, line


def test_the_cut_lines_still_show_as_changed_and_shared(tmp_path: Path, outputs: dict[str, str]) -> None:
    """The masked lines keep their place: A's removed, B's added, the shared first line as context (from A)."""
    text = outputs["text"]
    assert re.search(r"^\s*-app \[‹T›\] Patient ‹NOM›$", text, re.M), text
    assert re.search(r"^\s*\+app ‹NOM›, droits fermés$", text, re.M), text
    assert re.search(r"^\s* app \[‹T›\] contexte NIR ‹NIR›$", text, re.M), text
    assert re.search(r"^\s*\+app ‹NIR› côté B$", text, re.M), text


def test_the_hunks_are_difflib_s_unified_diff() -> None:
    """The diff's lines are built from the compared lines' opcodes (each shown masked): the same hunks, headers
    and signs as difflib.unified_diff writes for them, at any context, on lines removed, added, replaced, shared."""
    rnd = random.Random(7)
    for _ in range(300):
        a = [rnd.choice("abcdefg") for _ in range(rnd.randrange(0, 25))]
        b = [rnd.choice("abcdefg") if rnd.random() < 0.4 else x for x in a]
        b = b[rnd.randrange(0, 3) :] + [rnd.choice("xyz") for _ in range(rnd.randrange(0, 3))]
        for context in (0, 1, 3):
            expected = list(difflib.unified_diff(a, b, "A", "B", n=context, lineterm=""))[2:]
            built = [s if side < 0 else s + (a, b)[side][i] for s, side, i in _unified(a, b, context)]
            assert built == expected, (a, b, context)
