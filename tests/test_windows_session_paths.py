"""A session's path on Windows, read from its text as Windows writes it (``PureWindowsPath``, ``ntpath``): the
OneDrive folder that holds it whatever the case, separators and ``\\\\?\\`` form, and the ``file:`` URI SQLite's
Windows VFS opens it by. The URI is also opened for real here (Linux), with every character URIs treat apart."""

from __future__ import annotations

import os
import sqlite3
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from testbench.store import location
from testbench.store.connection import fold_wal, open_readonly, sqlite_uri, windows_uri_path
from testbench.store.location import synced_folder, synced_root, without_device_prefix

HOME = r"C:\Users\ingenieur"
ONEDRIVE = {"OneDrive": HOME + r"\OneDrive", "OneDriveCommercial": HOME + r"\OneDrive - Editeur SAS"}

# -- 1. The OneDrive folder that holds a session ------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        (HOME + r"\OneDrive\Documents\examen", "OneDrive"),
        (HOME + r"\OneDrive", "OneDrive"),
        (r"\\?\C:\Users\ingenieur\OneDrive\Documents\dossier-patient-long", "OneDrive"),  # Path.resolve past 260
        (r"\\.\C:\Users\ingenieur\OneDrive\Bureau", "OneDrive"),
        (r"c:\users\INGENIEUR\onedrive\documents", "OneDrive"),  # NTFS ignores case: so does the check
        ("C:/Users/ingenieur/OneDrive/Documents", "OneDrive"),
        (HOME + r"\Documents\..\OneDrive\Documents", "OneDrive"),
        (HOME + r"\OneDrive - Editeur SAS\Bureau", "OneDriveCommercial"),
        (HOME + r"\OneDrive2\Documents", None),  # a folder's name is whole, not a prefix of another
        (HOME + r"\OneDrive.old", None),
        (HOME + r"\Documents", None),
        (r"D:\Examen", None),
        (r"\\?\D:\Users\ingenieur\OneDrive", None),  # another drive
    ],
)
def test_a_folder_in_onedrive_is_found_whatever_its_windows_spelling(folder: str, expected: str | None) -> None:
    assert synced_root(folder, ONEDRIVE, windows=True) == expected


@pytest.mark.parametrize(
    "root",
    [
        r"C:\Users\ingenieur\OneDrive",
        "C:\\Users\\ingenieur\\OneDrive\\",
        "c:/users/ingenieur/onedrive/",
        r"\\?\C:\Users\ingenieur\OneDrive",
        '"C:\\Users\\ingenieur\\OneDrive"',  # set with its quotes in a script
        " C:\\Users\\ingenieur\\OneDrive ",
    ],
)
def test_the_variable_s_folder_is_normalised_too(root: str) -> None:
    folder = r"\\?\C:\Users\ingenieur\OneDrive\Documents\examen"
    assert synced_root(folder, {"OneDriveConsumer": root}, windows=True) == "OneDriveConsumer"


def test_a_onedrive_folder_on_a_share_is_found_in_its_long_unc_form() -> None:
    """A profile redirected to a server: ``Path.resolve`` may write it ``\\\\?\\UNC\\serveur\\…``."""
    environ = {"OneDrive": r"\\serveur\profils$\ingenieur\OneDrive"}
    assert synced_root(r"\\?\UNC\serveur\profils$\Ingenieur\OneDrive\Documents", environ, windows=True) == "OneDrive"
    assert synced_root(r"\\serveur\autre\ingenieur\OneDrive", environ, windows=True) is None


@pytest.mark.parametrize("value", ["", "   ", "OneDrive", r"Users\ingenieur\OneDrive"])
def test_an_empty_or_relative_variable_names_no_folder(value: str) -> None:
    assert synced_root(HOME + r"\OneDrive\Documents", {"OneDrive": value}, windows=True) is None


def test_elsewhere_paths_are_compared_as_written() -> None:
    """Linux keeps its rule: case counts, ``..`` is folded."""
    environ = {"OneDrive": "/home/ingenieur/OneDrive"}
    assert synced_root("/home/ingenieur/OneDrive/Documents", environ, windows=False) == "OneDrive"
    assert synced_root("/home/ingenieur/Documents/../OneDrive/x", environ, windows=False) == "OneDrive"
    assert synced_root("/home/ingenieur/onedrive/Documents", environ, windows=False) is None
    assert synced_root("/home/ingenieur/OneDrive2", environ, windows=False) is None


def test_the_check_uses_the_windows_rule_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[bool] = []
    monkeypatch.setattr(location.sys, "platform", "win32")
    monkeypatch.setattr(location, "synced_root", lambda folder, environ, *, windows: asked.append(windows))
    assert synced_folder(tmp_path / "s.tbsession", {}) is None
    assert asked and all(asked)


def test_a_link_into_onedrive_is_in_onedrive(tmp_path: Path) -> None:
    """The folder is looked at resolved too: a link (a junction, a substituted drive on Windows) into OneDrive."""
    synced = tmp_path / "OneDrive"
    (synced / "Documents").mkdir(parents=True)
    (tmp_path / "raccourci").symlink_to(synced / "Documents", target_is_directory=True)
    environ = {"OneDrive": str(synced)}
    assert synced_folder(tmp_path / "raccourci" / "s.tbsession", environ) == "OneDrive"
    assert synced_folder(tmp_path / "raccourci" / "pas-encore" / "s.tbsession", environ) == "OneDrive"
    assert synced_folder(tmp_path / "ailleurs" / "s.tbsession", environ) is None


# -- 2. The URI SQLite opens a Windows session by -----------------------------------------------------------

URIS = [
    (r"C:\Examen\ma session.tbsession", "file:///C:/Examen/ma%20session.tbsession"),
    (r"\\?\C:\Examen\long\s.tbsession", "file:///C:/Examen/long/s.tbsession"),  # the prefix goes
    (r"\\.\D:\Examen\s.tbsession", "file:///D:/Examen/s.tbsession"),
    (r"\\serveur\partage\examen\s.tbsession", "file:////serveur/partage/examen/s.tbsession"),
    (r"\\?\UNC\serveur\partage\examen\s.tbsession", "file:////serveur/partage/examen/s.tbsession"),
    (
        r"C:\Dossiers 100% #2\Séance ?&mode=rw.tbsession",  # no character ends the path or adds a parameter
        "file:///C:/Dossiers%20100%25%20%232/S%C3%A9ance%20%3F%26mode%3Drw.tbsession",
    ),
    (r"\\nas\Données\Hélène\s.tbsession", "file:////nas/Donn%C3%A9es/H%C3%A9l%C3%A8ne/s.tbsession"),
    (  # a folder mounted without a drive letter: only its long form names it, kept whole for SQLite
        r"\\?\Volume{0b1c2d3e-0000-0000-0000-100000000000}\Examen\s.tbsession",
        "file:///%5C%5C%3F%5CVolume%7B0b1c2d3e-0000-0000-0000-100000000000%7D%5CExamen%5Cs.tbsession",
    ),
]


@pytest.mark.parametrize(("path", "uri"), URIS)
def test_a_windows_session_uri_is_one_sqlite_s_windows_vfs_opens(path: str, uri: str) -> None:
    assert sqlite_uri(PureWindowsPath(path), "ro") == uri + "?mode=ro"
    with pytest.raises(sqlite3.OperationalError) as refused:  # on Linux: a file that is not there, no bad URI
        sqlite3.connect(uri + "?mode=ro", uri=True)
    assert "authority" not in str(refused.value)


def test_the_path_sqlite_reads_back_is_the_ordinary_windows_path() -> None:
    """After ``%HH`` decoding SQLite's Windows VFS drops the ``/`` before ``C:`` (and before ``\\\\?\\``)."""
    assert windows_uri_path(PureWindowsPath(r"\\?\C:\Examen\s.tbsession")) == "/C:/Examen/s.tbsession"
    assert windows_uri_path(PureWindowsPath(r"\\?\unc\nas\p\s")) == "//nas/p/s"
    assert windows_uri_path(PureWindowsPath(r"\\.\Volume{ab}\s")) == "/\\\\?\\Volume{ab}\\s"


@pytest.mark.parametrize(
    ("path", "plain"),
    [
        (r"\\?\C:\Examen", r"C:\Examen"),
        ("//?/c:/Examen", r"c:\Examen"),
        (r"\\?\UNC\nas\partage\x", r"\\nas\partage\x"),
        (r"\\.\UNC\nas\partage", r"\\nas\partage"),
        (r"\\?\Volume{ab}\x", r"\\?\Volume{ab}\x"),
        (r"C:\Examen", r"C:\Examen"),
        (r"\\nas\partage", r"\\nas\partage"),
    ],
)
def test_a_long_windows_path_has_its_ordinary_form(path: str, plain: str) -> None:
    assert without_device_prefix(path) == plain


# -- 3. A session whose name holds what URIs treat apart opens and round-trips, for real --------------------

NAMES = [
    "dossier 100% #2/s ?a=1&mode=rw.tbsession",
    "x%41/%41.tbsession",  # « %41 » stays three characters, not « A »
    "Séance Hélène/é.tbsession",
    unicodedata.normalize("NFD", "Séance décomposée/é.tbsession"),  # macOS and some copies write é as e + ◌́
    os.fsdecode(b"cl\xe9 USB latin-1/s\xe9ance.tbsession"),  # a name written in another encoding than UTF-8
]


@pytest.mark.parametrize("name", NAMES)
def test_a_session_with_uri_characters_in_its_path_opens_and_round_trips(tmp_path: Path, name: str) -> None:
    session = tmp_path / name
    session.parent.mkdir()
    writer = sqlite3.connect(session, isolation_level=None)  # a plain path, as the writer opens it
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (x)")
    writer.execute("INSERT INTO t VALUES ('Hélène ✔')")
    writer.execute("PRAGMA user_version=1")
    through_uri = sqlite3.connect(sqlite_uri(session.resolve(), "rw"), uri=True, isolation_level=None)
    through_uri.execute("INSERT INTO t VALUES ('par URI')")  # the same file, not a new one made beside it
    through_uri.close()
    assert writer.execute("SELECT x FROM t").fetchall() == [("Hélène ✔",), ("par URI",)]
    writer.close()
    assert sorted(os.listdir(session.parent)) == [session.name]  # the WAL folded back, nothing else made
    reader = open_readonly(session)
    try:
        assert reader.execute("SELECT x FROM t").fetchall() == [("Hélène ✔",), ("par URI",)]
    finally:
        reader.close()
    fold_wal(session)
    assert sorted(os.listdir(session.parent)) == [session.name]


def test_a_posix_name_in_another_encoding_keeps_its_own_bytes() -> None:
    path = PurePosixPath(os.fsdecode(b"/media/cl\xe9/s\xe9ance.tbsession"))
    assert sqlite_uri(path, "ro") == "file:///media/cl%E9/s%E9ance.tbsession?mode=ro"
