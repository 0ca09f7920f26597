"""An output never replaces a file testbench keeps: ``diff a b --html reports/s/index.html`` replaced the exam book's
page (its manifest then failing), ``--json s.tbsession.lock`` a session's writer lock. Refused, exit 3, in words."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.tools.outputs import output_problem


def _said(target: Path, lang: str = "fr") -> str | None:
    from testbench.i18n import translator

    problem = output_problem(target)
    return None if problem is None else problem(translator(lang), lang)


def test_a_sealed_file_of_an_exam_book_is_never_an_output(tmp_path: Path) -> None:
    book = tmp_path / "rapport"
    book.mkdir()
    (book / "manifest.json").write_text("{}", encoding="utf-8")
    (book / "index.html").write_text("<html></html>", encoding="utf-8")
    (book / "notes.html").write_text("<html></html>", encoding="utf-8")
    assert _said(book / "index.html") == (
        f"{book / 'index.html'} est un fichier du cahier d'examen de {book} (scellé par son manifeste), jamais"
        " remplacé par une sortie : écrivez dans un autre fichier"
    )
    assert _said(book / "index.html", "en") == (
        f"{book / 'index.html'} is a file of the exam book of {book} (sealed by its manifest), never replaced by an"
        " output: write to another file"
    )
    assert _said(book / "notes.html") is None  # a file of the person's own beside the book
    loose = tmp_path / "index.html"
    loose.write_text("<html></html>", encoding="utf-8")
    assert _said(loose) is None  # no manifest beside it: no book


@pytest.mark.parametrize("suffix", [".lock", ".ui.lock", ".draft.json"])
def test_a_file_testbench_keeps_beside_a_session_is_never_an_output(tmp_path: Path, suffix: str) -> None:
    session = tmp_path / "s.tbsession"
    session.write_bytes(b"SQLite format 3\x00")
    side = tmp_path / f"s.tbsession{suffix}"
    side.write_text("", encoding="utf-8")
    said = _said(side)
    assert said is not None and said.startswith(f"{side} est un fichier que testbench garde à côté de la session")
    session.unlink()
    assert _said(side) is None  # no session beside it: a file like any other
