"""The summary's « Tarifs de test » line counts the TARIFF_* warnings of whatever engine ran the cases: it says
« le moteur », not « le moteur de référence » (audit s22-verify1), in French and in English."""

from __future__ import annotations

from pathlib import Path

from demo_books import demo_books, page  # noqa: F401 (fixtures)


def _note(book: Path) -> str:
    (note,) = page(book).xpath("//p[@id='test-tariffs']")
    return " ".join("".join(note.itertext()).split())


def test_the_note_names_the_engine_not_the_reference_one(demo_books: dict[str, Path]) -> None:  # noqa: F811
    french = _note(demo_books["fr"])
    assert "dans 1 cas, le moteur a calculé avec un tarif" in french and "référence" not in french
    english = _note(demo_books["en"])
    assert "in 1 case, the engine priced with a tariff" in english and "reference" not in english
