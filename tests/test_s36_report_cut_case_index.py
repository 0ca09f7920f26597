"""A case cut before its verdict (^C, a CI's cancel) reads « interrompue » wherever the book names it: its index
row and its timeline mark as well as its section, not « non exécuté » there and « interrompue » a click further
(audit s36); the cases never reached stay « non exécuté »."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html
from test_report_interrupted_run import CUT, _cut_run

from testbench.cli.main import main


def _book(folder: Path) -> html.HtmlElement:
    return html.fromstring((folder / "index.html").read_bytes())


def _index_word(page: html.HtmlElement, case_id: str) -> str:
    [row] = page.xpath(f"//table[@id='index']/tbody/tr[@data-case='{case_id}']")
    return row.xpath("string(td[4]/span[1])")


def _timeline_tip(page: html.HtmlElement, case_id: str) -> str:
    [tip] = [t.text for t in page.xpath("//svg//a/rect/title") if t.text.startswith(f"{case_id} — ")]
    return tip


def test_the_index_and_the_timeline_say_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session, french = _cut_run(tmp_path, monkeypatch)
    english = tmp_path / "en"
    assert main(["report", str(session), "-o", str(english), "--lang", "en"]) == 0
    for book, cut in ((french, "interrompue"), (english, "interrupted")):
        page = _book(book)
        [section] = page.xpath(f"//section[@data-case='{CUT}']")
        assert section.xpath("string(h2/span[@class='v v-none'])") == cut
        assert _index_word(page, CUT) == cut
        assert _timeline_tip(page, CUT).startswith(f"{CUT} — {cut} — ")
        assert _index_word(page, "DEMO-FSE-001") != cut
