"""The renames over files a person may have open, beyond the whole-file writes: the report folder's swap, the
workstation's ``ui-state.json``, the signing key pair, the merged session. On Windows each waits out a moment's
hold (an antivirus) and says a lasting one « fichier ouvert dans un autre programme », worded where the person
reads it, the previous files left whole. Windows' answers are raised by stand-ins for ``os.replace``/``os.open``
beside real files on disk; only :mod:`testbench.wholefile` is told it runs on Windows."""

from __future__ import annotations

import errno
import os
import types
from collections.abc import Callable
from pathlib import Path

import pytest
from test_report_build import all_bytes, campaign

from testbench import wholefile
from testbench.cli.main import main
from testbench.fmt import os_reason
from testbench.i18n import translator
from testbench.report.build import build_report
from testbench.signing import init_key, public_path
from testbench.store.merge import MergeError, merge_sessions
from testbench.tui.config import UiState
from testbench.tui.review import ReviewError, create_signing_key

IN_USE_FR = "fichier ouvert dans un autre programme (Excel, lecteur PDF…) : fermez-le puis recommencez"


def _windows_error(code: int, winerror: int, path: object) -> OSError:
    exc = PermissionError(code, "Le processus ne peut pas accéder au fichier", str(path))
    exc.winerror = winerror  # type: ignore[attr-defined]  # what Python sets on Windows
    return exc


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """:mod:`testbench.wholefile` runs its Windows branch; its pauses are recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(wholefile, "sys", types.SimpleNamespace(platform="win32"))
    monkeypatch.setattr(wholefile, "time", types.SimpleNamespace(sleep=slept.append))
    return slept


def _refusing(monkeypatch: pytest.MonkeyPatch, held: Path, times: int = 99) -> list[tuple[str, str]]:
    """A rename from or onto ``held`` refused ``times`` times as Windows refuses it (access denied), then done."""
    calls: list[tuple[str, str]] = []
    real = os.replace

    def replace(src: object, dst: object) -> None:
        touches = held in (Path(str(src)), Path(str(dst)))
        if touches:
            calls.append((str(src), str(dst)))
        if touches and len(calls) <= times:
            raise _windows_error(errno.EACCES, 5, dst)
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    return calls


def _held_open(monkeypatch: pytest.MonkeyPatch, held: Path) -> None:
    """Opening ``held`` (not creating a file) meets the sharing violation a program's lasting hold gives."""
    real: Callable[..., int] = os.open

    def opener(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if Path(str(path)) == held and not flags & os.O_CREAT:
            raise _windows_error(errno.EACCES, 32, path)
        return real(path, flags, *args, **kwargs)  # shutil.rmtree passes dir_fd

    monkeypatch.setattr(os, "open", opener)


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp"))


# -- the report folder ---------------------------------------------------------------------------------------------


def test_a_report_file_held_open_leaves_the_previous_book_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """The previous book's ``junit.xml`` is held (moved aside, it is the file renamed, not the target): the files
    moved before it come back, and the error is the sharing violation, not « accès refusé »."""
    session, book = campaign(tmp_path, hostile=False), tmp_path / "rapport"
    build_report(session, book)
    before, beside = all_bytes(book), _temporaries(tmp_path)
    calls = _refusing(monkeypatch, book / "junit.xml")
    _held_open(monkeypatch, book / "junit.xml")
    with pytest.raises(PermissionError) as refused:
        build_report(session, book)
    assert os_reason(refused.value) == IN_USE_FR and refused.value.filename == str(book / "junit.xml")
    assert len(calls) == len(wholefile.WINDOWS_RETRIES) + 1 and sum(pauses) < 1.5
    assert all_bytes(book) == before and _temporaries(tmp_path) == beside  # index.html, report.json moved back
    code = main(["report", str(session), "-o", str(book)])
    err = capsys.readouterr().err
    assert code != 0 and IN_USE_FR in err and "rien n'y a été changé" in err and "Traceback" not in err, err
    assert all_bytes(book) == before


def test_a_file_held_in_the_evidence_folder_is_the_one_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    """Windows refuses to move a folder while a file in it is held (a trace open in an editor): that file is
    named, not « accès refusé » on the folder."""
    session, book = campaign(tmp_path, hostile=False), tmp_path / "rapport"
    build_report(session, book)
    before = all_bytes(book)
    held = sorted((book / "evidence").rglob("*.*"))[-1]
    _refusing(monkeypatch, book / "evidence")
    _held_open(monkeypatch, held)
    with pytest.raises(PermissionError) as refused:
        build_report(session, book)
    assert os_reason(refused.value) == IN_USE_FR and refused.value.filename == str(held)
    assert all_bytes(book) == before


def test_a_moments_hold_on_a_report_file_is_waited_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    session, book = campaign(tmp_path, hostile=False), tmp_path / "rapport"
    build_report(session, book)
    (book / "index.html").write_text("ancien", encoding="utf-8")
    _refusing(monkeypatch, book / "index.html", times=2)
    build_report(session, book)
    assert (book / "index.html").read_text(encoding="utf-8") != "ancien" and pauses == [0.05, 0.1]


# -- the workstation's state ----------------------------------------------------------------------------------------


def test_ui_state_waits_out_a_moments_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    state = UiState(tmp_path)
    _refusing(monkeypatch, state.path, times=3)
    state.data["last"] = {"session": "examen.tbsession"}
    state.save()
    assert UiState(tmp_path).data == state.data and len(pauses) == 3 and _temporaries(tmp_path) == []


def test_ui_state_held_open_keeps_the_previous_file_and_leaves_nothing_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    """Best effort: the workstation goes on (no exception reaches it), the previous state is kept whole."""
    state = UiState(tmp_path)
    state.data["last"] = {"session": "avant.tbsession"}
    state.save()
    _refusing(monkeypatch, state.path)
    _held_open(monkeypatch, state.path)
    state.data["last"] = {"session": "apres.tbsession"}
    state.save()
    assert UiState(tmp_path).data["last"] == {"session": "avant.tbsession"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ui-state.json"]


# -- the signing key pair ------------------------------------------------------------------------------------------


def test_a_key_held_open_is_said_so_by_keys_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "cle.pem"
    old = init_key(key)
    _refusing(monkeypatch, key)
    _held_open(monkeypatch, key)
    code = main(["keys", "init", "--key", str(key), "--force"])
    err = capsys.readouterr().err
    assert code != 0 and IN_USE_FR in err and "Traceback" not in err, err
    assert public_path(key).read_text(encoding="ascii").strip() == old.b64  # the old pair, whole
    assert _temporaries(tmp_path) == []


def test_the_workstation_says_why_a_new_key_could_not_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    """« Créer la clé » in the review window, where the public half cannot be renamed into place: the OS's error
    was shown raw (« [Errno 13] … »), and the private half left alone was then refused as « une clé existe
    déjà »."""
    key = tmp_path / "cle.pem"
    _refusing(monkeypatch, public_path(key))
    with pytest.raises(ReviewError) as refused:
        create_signing_key(key)
    denied = "accès refusé (droits insuffisants)"
    assert str(refused.value) == f"{key} : écriture impossible ({denied}) ; rien n'y a été changé"
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    with pytest.raises(ReviewError) as refused:
        create_signing_key(key, translator("en"))  # the workstation's language: the sentence and its reason
    assert str(refused.value).startswith(f"{key}: cannot write (") and "écriture" not in str(refused.value)
    monkeypatch.undo()
    assert create_signing_key(key) and key.exists() and public_path(key).exists()  # the next try is not refused


# -- the merged session ---------------------------------------------------------------------------------------------


def _shards(tmp_path: Path) -> list[Path]:
    return [
        campaign(tmp_path, "a.tbsession", hostile=False, case_ids=("OK-1",)),
        campaign(tmp_path, "b.tbsession", hostile=False, case_ids=("OK-2",)),
    ]


def test_a_merge_waits_out_a_moments_hold_on_its_new_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    """An antivirus scanning the merged file before its rename: the merge completes."""
    output = tmp_path / "fusion.tbsession"
    _refusing(monkeypatch, output, times=2)
    assert merge_sessions(_shards(tmp_path), output).cases == 2
    assert output.exists() and pauses == [0.05, 0.1]


def test_a_merge_whose_new_file_stays_held_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    output = tmp_path / "fusion.tbsession"
    partial = output.with_name(output.name + ".partial")
    _refusing(monkeypatch, output)
    _held_open(monkeypatch, partial)
    with pytest.raises(MergeError) as refused:
        merge_sessions(_shards(tmp_path), output)
    assert refused.value.lines == [f"{output} : écriture impossible ici ({IN_USE_FR})"]
    assert not output.exists() and not partial.exists()
