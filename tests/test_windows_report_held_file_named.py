"""A report folder Windows would not swap because a file in it is held open (``report.pdf`` in a PDF reader): the
person's sentence names that file, not the folder only, in the language shown. Windows' answers are raised by
stand-ins for ``os.replace``/``os.open`` beside real files on disk (as in ``test_windows_replace_callers``)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from test_report_build import all_bytes, campaign
from test_windows_replace_callers import IN_USE_FR, _held_open, _refusing, _windows_error, pauses

from testbench.cli.main import main
from testbench.i18n import translator
from testbench.report.build import build_report
from testbench.tools.outputs import left_whole

__all__ = ["pauses"]  # the fixture: wholefile runs its Windows branch

IN_USE_EN = "file open in another program (Excel, a PDF reader…): close it and try again"


def _book_with_its_pdf_held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, dict[str, bytes]]:
    """A built report whose ``report.pdf`` (printed by an earlier build) a PDF reader holds: the swap moves it aside
    first, and Windows refuses."""
    session, book = campaign(tmp_path, hostile=False), tmp_path / "rapport"
    build_report(session, book)
    held = book / "report.pdf"
    held.write_bytes(b"%PDF-1.7 imprime par une construction precedente\n")
    _refusing(monkeypatch, held)
    _held_open(monkeypatch, held)
    return session, held, all_bytes(book)


@pytest.mark.usefixtures("pauses")
def test_the_report_command_names_the_file_held_open_in_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    session, held, before = _book_with_its_pdf_held(tmp_path, monkeypatch)
    book = held.parent
    code = main(["report", str(session), "-o", str(book)])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err, err
    assert f"{held} : {IN_USE_FR} ; {book} : écriture impossible, rien n'y a été changé" in err, err
    assert all_bytes(book) == before


@pytest.mark.usefixtures("pauses")
def test_in_english_the_file_held_open_is_named_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    session, held, before = _book_with_its_pdf_held(tmp_path, monkeypatch)
    book = held.parent
    code = main(["--lang", "en", "report", str(session), "-o", str(book)])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err, err
    assert f"{held}: {IN_USE_EN}; {book}: cannot write, nothing was changed there" in err, err
    assert "écriture" not in err and "fichier ouvert" not in err
    assert all_bytes(book) == before


@pytest.mark.parametrize(
    "where",
    [
        "rapport",  # the JUnit file itself held: it is the path named already
        "rapport-ancien/report.pdf",  # beside the folder, its name starting as the folder's: not in it
        ".rapport.0a1b2c3d4e5f.tmp",  # a temporary file an antivirus scans, gone once said
    ],
)
def test_a_sharing_violation_on_no_file_of_the_folder_keeps_the_folders_sentence(tmp_path: Path, where: str) -> None:
    target = tmp_path / "rapport"
    said = left_whole(target, _windows_error(errno.EACCES, 32, tmp_path / where))(translator("fr"), "fr")
    assert said == f"{target} : écriture impossible ({IN_USE_FR}) ; rien n'y a été changé"


def test_another_error_on_a_file_of_the_folder_keeps_the_folders_sentence(tmp_path: Path) -> None:
    """Only the sharing violation names the held file: a full disk is the folder's matter."""
    target = tmp_path / "rapport"
    full = OSError(errno.ENOSPC, "No space left on device", str(target / "report.pdf"))
    said = left_whole(target, full)(translator("fr"), "fr")
    assert said.startswith(f"{target} : écriture impossible (") and "report.pdf" not in said
