"""Promises of docs/assisted-mode.md that no other test held to the letter (the demo application, a real run).

- « The operator's answer is recorded as given … by whom, the note, the values keyed (the report's « Attestation de
  l'opérateur » column) »: the exam book's step table has that column, and each attested step's row names there
  who performed it, in the book's language.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html
from test_report_assisted_book import _book, exam  # noqa: F401  (the module's fixture: one assisted case run)

HEADING = {"fr": "Attestation de l'opérateur", "en": "Operator's attestation"}
SCRIPTED = {"fr": "opérateur scripté (application de démonstration)", "en": "scripted operator (demo application)"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_books_step_table_has_the_operators_attestation_column(
    exam: Path,  # noqa: F811
    tmp_path: Path,
    lang: str,
) -> None:
    folder, data = _book(exam, tmp_path / lang, lang)
    (case,) = data["cases"]
    attested = [s["id"] for s in case["steps"] if s["attestation"]]
    assert attested, case["steps"]  # operator mode: the engine's steps are the operator's
    page = html.fromstring((folder / "index.html").read_text(encoding="utf-8"))
    cells: dict[str, str] = {}
    for table in page.iter("table"):
        heads = [" ".join(th.text_content().split()) for th in table.iter("th")]
        if HEADING[lang] not in heads:
            continue
        column = heads.index(HEADING[lang])
        for row in table.iter("tr"):
            tds = row.findall("td")
            if len(tds) > column:
                cells[" ".join(tds[0].text_content().split())] = " ".join(tds[column].text_content().split())
    for step in attested:
        assert step in cells, (step, cells)
        assert cells[step].startswith(SCRIPTED[lang] + " — "), (step, cells[step])
