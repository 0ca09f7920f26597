"""A session's folder on a Windows network share, read from the path's text: a long local path written in its
``\\\\?\\C:\\…`` form (what ``Path.resolve`` gives past 260 characters) was taken for a share and warned about."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PureWindowsPath

import pytest

from testbench.store import location
from testbench.store.location import windows_root

LOCAL = [
    (r"C:\Examen\session.tbsession", "C:"),
    (r"\\?\C:\Examen\dossier-patient-long\session.tbsession", "C:"),
    (r"\\.\D:\Examen", "D:"),
    ("//?/c:/Examen", "c:"),
    (r"\\?\Volume{0b1c2d3e-0000-0000-0000-100000000000}\Examen", r"\\?\Volume{0b1c2d3e-0000-0000-0000-100000000000}"),
]
SHARES = [
    (r"\\serveur\partage\Examen\session.tbsession", r"\\serveur\partage"),
    (r"\\?\UNC\serveur\partage\Examen\session.tbsession", r"\\serveur\partage"),
    (r"\\?\unc\serveur\partage", r"\\serveur\partage"),
    (r"\\.\UNC\serveur\partage\Examen", r"\\serveur\partage"),
    ("//serveur/partage/Examen", r"\\serveur\partage"),
]


@pytest.mark.parametrize(("path", "drive"), LOCAL)
def test_a_local_path_is_its_drive_whatever_its_form(path: str, drive: str) -> None:
    assert windows_root(PureWindowsPath(path)) == (None, drive)
    assert windows_root(path) == (None, drive)


@pytest.mark.parametrize(("path", "share"), SHARES)
def test_a_unc_path_is_its_share_whatever_its_form(path: str, share: str) -> None:
    assert windows_root(PureWindowsPath(path)) == (share, "")
    assert windows_root(path) == (share, "")


def test_a_relative_path_names_no_drive() -> None:
    assert windows_root(PureWindowsPath(r"Examen\session.tbsession")) == (None, "")


def _drive_types(types: dict[str, int]) -> tuple[list[str], Callable[[str], int]]:
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return types.get(root, 3)  # DRIVE_FIXED

    return asked, drive_type


def test_the_windows_check_asks_the_plain_drive_and_warns_only_for_a_share() -> None:
    """The system is asked about ``C:\\`` (not the long form), and a mapped drive is named as the person knows it."""
    asked, drive_type = _drive_types({"Z:\\": 4})  # DRIVE_REMOTE
    check = location._windows_share
    assert check(PureWindowsPath(r"\\?\C:\Examen\long"), drive_type) is None
    assert check(PureWindowsPath(r"\\?\Z:\Examen"), drive_type) == "Z:"
    assert check(PureWindowsPath(r"\\?\UNC\nas\examens\s"), drive_type) == r"\\nas\examens"
    assert check(PureWindowsPath(r"\\nas\examens\s"), drive_type) == r"\\nas\examens"
    assert asked == ["C:\\", "Z:\\"]  # a UNC path needs no question


def test_network_share_takes_the_windows_branch_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``network_share`` hands the session's resolved folder to the Windows check there (not the mounts table)."""
    seen: list[Path] = []
    monkeypatch.setattr(location.sys, "platform", "win32")
    monkeypatch.setattr(location, "_windows_share", lambda folder: seen.append(folder) or r"\\nas\examens")
    assert location.network_share(tmp_path / "s.tbsession") == r"\\nas\examens"
    assert seen == [tmp_path.resolve()]
