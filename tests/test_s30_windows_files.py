"""Windows' file-system rules for the files the bench writes whole (JUnit, workbooks, diffs, casebooks), tested on
Linux: Windows' answers (a rename refused while Excel holds the target, a path past 260 characters) are raised by
a stand-in for ``os.replace``/``os.open`` beside real files on disk, with ``sys.platform`` set to ``win32``."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

import pytest

from testbench import wholefile
from testbench.fmt import os_reason
from testbench.i18n import translator
from testbench.wholefile import UnwrittenFile, write_all, write_whole

IN_USE_FR = "fichier ouvert dans un autre programme (Excel, lecteur PDF…) : fermez-le puis recommencez"


def _windows_error(error: type[OSError], code: int, winerror: int, path: object) -> OSError:
    exc = error(code, "Le processus ne peut pas accéder au fichier", str(path))
    exc.winerror = winerror  # type: ignore[attr-defined]  # what Python sets on Windows
    return exc


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """``sys.platform`` says Windows; the pauses between renames are recorded instead of slept."""
    pauses: list[float] = []
    monkeypatch.setattr(wholefile.sys, "platform", "win32")
    monkeypatch.setattr(wholefile.time, "sleep", pauses.append)
    return pauses


def _refusing(monkeypatch: pytest.MonkeyPatch, target: Path, times: int) -> list[str]:
    """``os.replace`` onto ``target`` refused ``times`` times as Windows refuses it (access denied), then done."""
    calls: list[str] = []
    real = os.replace

    def replace(src: str, dst: object) -> None:
        calls.append(str(dst))
        if Path(dst) == target and len(calls) <= times:  # type: ignore[arg-type]
            raise _windows_error(PermissionError, errno.EACCES, 5, dst)
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(wholefile.os, "replace", replace)
    return calls


def _held_by_excel(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """Opening ``target`` (not creating a file) meets the sharing violation Excel's hold gives."""
    real: Callable[..., int] = os.open

    def opener(path: object, flags: int, *args: object) -> int:
        if Path(path) == target and not flags & os.O_CREAT:  # type: ignore[arg-type]
            raise _windows_error(PermissionError, errno.EACCES, 32, path)
        return real(path, flags, *args)

    monkeypatch.setattr(wholefile.os, "open", opener)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_moments_hold_on_windows_is_waited_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, windows: list[float]
) -> None:
    """An antivirus scanning the new file refuses the rename a moment: the file is written all the same."""
    target = tmp_path / "junit.xml"
    target.write_bytes(b"old")
    calls = _refusing(monkeypatch, target, times=2)
    write_whole(target, b"new")
    assert target.read_bytes() == b"new" and len(calls) == 3
    assert windows == list(wholefile.WINDOWS_RETRIES[:2]) and _leftovers(tmp_path) == []


def test_a_target_open_in_excel_is_said_so_not_as_a_lack_of_rights(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, windows: list[float]
) -> None:
    target = tmp_path / "resultats.xlsx"
    target.write_bytes(b"old")
    calls = _refusing(monkeypatch, target, times=99)
    _held_by_excel(monkeypatch, target)
    with pytest.raises(PermissionError) as refused:
        write_whole(target, b"new")
    assert os_reason(refused.value) == IN_USE_FR  # the rename's own error said « accès refusé (droits insuffisants) »
    assert os_reason(refused.value, translator("en")).startswith("file open in another program")
    assert len(calls) == len(wholefile.WINDOWS_RETRIES) + 1 and sum(windows) < 1.5  # about a second, no more
    assert target.read_bytes() == b"old" and _leftovers(tmp_path) == []


def test_write_all_names_the_file_open_in_excel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, windows: list[float]
) -> None:
    first, second = tmp_path / "a.diff.txt", tmp_path / "a.diff.html"
    second.write_bytes(b"old")
    _refusing(monkeypatch, second, times=99)
    _held_by_excel(monkeypatch, second)
    with pytest.raises(UnwrittenFile) as refused:
        write_all([(first, b"1"), (second, b"2")])
    assert refused.value.target == second and os_reason(refused.value.cause) == IN_USE_FR
    assert second.read_bytes() == b"old" and _leftovers(tmp_path) == []


def test_a_real_lack_of_rights_stays_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, windows: list[float]) -> None:
    """A target nobody holds (a read-only file, a folder without the right to write): the rename's own error."""
    target = tmp_path / "rapport.xml"
    target.write_bytes(b"old")
    _refusing(monkeypatch, target, times=99)
    with pytest.raises(PermissionError) as refused:
        write_whole(target, b"new")
    assert getattr(refused.value, "winerror", None) == 5
    assert os_reason(refused.value) == "accès refusé (droits insuffisants)"


def test_posix_does_not_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[float] = []
    monkeypatch.setattr(wholefile.sys, "platform", "linux")
    monkeypatch.setattr(wholefile.time, "sleep", pauses.append)
    target = tmp_path / "junit.xml"
    calls = _refusing(monkeypatch, target, times=99)
    with pytest.raises(PermissionError):
        write_whole(target, b"new")
    assert len(calls) == 1 and pauses == [] and _leftovers(tmp_path) == []


def test_a_name_as_long_as_the_file_system_allows_is_written(tmp_path: Path) -> None:
    """The temporary file's name is no longer than a long target's: a name of 250 characters (an FSE named after
    the patient's file) fits ext4's and NTFS's 255, and a path under Windows' 260 stays under it."""
    long = "FSE_" + "dossier-patient-" * 15 + "x.xml"
    assert 240 < len(long) <= 255
    write_whole(tmp_path / long, b"x")
    write_all([(tmp_path / (long[:-5] + ".txt"), b"y")])
    assert (tmp_path / long).read_bytes() == b"x" and _leftovers(tmp_path) == []
    short = tmp_path / "junit.xml"
    seen: list[str] = []
    real = os.replace
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wholefile.os, "replace", lambda src, dst: (seen.append(Path(src).name), real(src, dst)))
        write_whole(short, b"z")
        write_whole(tmp_path / long, b"w")
    assert seen[0].startswith(".junit.xml.") and seen[0].endswith(".tmp")  # a short name is kept whole
    assert len(seen[1]) <= len(long) and seen[1].startswith("." + long[:32])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_path_past_windows_limit_is_said_too_long_not_missing(lang: str) -> None:
    """Windows' ERROR_FILENAME_EXCED_RANGE reaches Python as ENOENT: « introuvable » sent the person looking."""
    far = _windows_error(FileNotFoundError, errno.ENOENT, 206, "C:/Examen/" + "x" * 260)
    expected = {"fr": "nom ou chemin trop long pour Windows", "en": "name or path too long for Windows"}[lang]
    said = os_reason(far, translator(lang))
    assert said.startswith(expected) and translator(lang)("introuvable") not in said, said
    assert os_reason(FileNotFoundError(errno.ENOENT, "x")) == "introuvable"


def test_the_reopen_command_is_quoted_as_windows_reads_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``testbench ui`` says how to reopen the last session: on Windows, a path with a space between double
    quotes (POSIX's '…' is no quoting for cmd.exe, and its backslash rules are not Windows')."""
    from testbench.cli import ui_cmd

    casebook = PureWindowsPath(r"C:\Examen CNDA\cahier.xml")
    session = PureWindowsPath(r"C:\Examen CNDA\examen.tbsession")
    monkeypatch.setattr(os, "name", "nt")
    ui_cmd._not_reopened(session, [casebook], [], translator("fr"))  # type: ignore[arg-type]
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert r'testbench ui "C:\Examen CNDA\cahier.xml" --session "C:\Examen CNDA\examen.tbsession"' in err, err


def test_a_casebook_open_in_another_program_is_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, windows: list[float]
) -> None:
    """``casebook new-case`` and the workstation's saves rename over the casebook: the error named the casebook
    but lost what told « open in another program » from « access denied »."""
    from testbench.casebook.scaffold import _replace_whole

    target = tmp_path / "cahier.xml"
    target.write_bytes(b"<old/>")
    _refusing(monkeypatch, target, times=99)
    _held_by_excel(monkeypatch, target)
    with pytest.raises(PermissionError) as refused:
        _replace_whole(target, b"<new/>")
    assert refused.value.filename == str(target) and os_reason(refused.value) == IN_USE_FR
    assert target.read_bytes() == b"<old/>" and sorted(p.name for p in tmp_path.iterdir()) == ["cahier.xml"]


def test_a_name_with_a_character_windows_forbids_says_which() -> None:
    """« rapport 12:30.xml » on Windows: ERROR_INVALID_NAME reaches Python as EINVAL, « chemin invalide »."""
    bad = _windows_error(OSError, errno.EINVAL, 123, r"C:\Examen\rapport 12:30.xml")
    assert os_reason(bad) == (
        'nom refusé par Windows : les caractères * ? " < > | et « : » (sauf après la lettre du lecteur) y sont'
        " interdits"
    )
    assert os_reason(bad, translator("en")) == (
        'name Windows refuses: the characters * ? " < > | and “:” (except after the drive letter) are not allowed in it'
    )
    assert os_reason(OSError(errno.EINVAL, "x")) == "chemin invalide"  # elsewhere, as before
