"""A stored file's recorded size and media type are checked, not only its content: a media type decides whether a
report exports the file as text, and a rebuilt book prints both. No chain entry covers them (the format is
unchanged: sessions already written verify as before): the size is checked against the bytes, the media type
against the bytes and the chained names of the file's links, as the runner derives it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.runner import actions
from testbench.store import chain
from testbench.store.session import SessionStore


def problems(path: Path, sql: str = "") -> list[str]:
    conn = sqlite3.connect(path)
    if sql:
        conn.execute(sql)
        conn.commit()
    try:
        return chain.verify(conn).problems
    finally:
        conn.close()


@pytest.fixture
def session(tmp_path: Path) -> Path:
    path = campaign(tmp_path, hostile=False)
    with SessionStore.open(path) as store:
        store.add_artifact(b"<fse/>", "application/xml", "fse-1.xml", attempt_id=1, step_id="s1")
        store.add_artifact("lot é".encode("cp1252"), "application/octet-stream", "lot.b2", attempt_id=1)
        store.add_artifact(b"x", "text/plain", "orphan.txt")  # no attempt: said without a case
    assert problems(path) == []
    return path


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        ("UPDATE artifacts SET size = size + 1 WHERE media_type = 'application/xml'", "taille enregistrée fausse"),
        (
            "UPDATE artifacts SET media_type = 'application/octet-stream' WHERE media_type = 'application/xml'",
            "type enregistré (application/octet-stream)",
        ),
        (
            "UPDATE artifacts SET media_type = 'text/plain' WHERE media_type = 'application/xml'",
            "type enregistré (text/plain)",
        ),
        (
            "UPDATE artifacts SET media_type = 'text/plain' WHERE media_type = 'application/octet-stream'",
            "type enregistré (text/plain)",
        ),
    ],
)
def test_an_edited_size_or_media_type_is_named_with_its_case(session: Path, sql: str, said: str) -> None:
    found = problems(session, sql)
    assert len(found) == 1 and said in found[0], found
    assert found[0].startswith("cas ") and "fichiers enregistrés : le fichier " in found[0], found


def test_the_cli_says_altered_in_english_too(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems(session, "UPDATE artifacts SET size = 0 WHERE media_type = 'text/plain'")
    assert main(["verify", str(session), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "stored files: file " in out and "wrong recorded size (0 bytes instead of 1)" in out, out
    assert out.splitlines()[-1] == "ALTERED"


def test_a_file_linked_under_several_names_keeps_the_type_of_the_first(tmp_path: Path) -> None:
    path = campaign(tmp_path, hostile=False)
    with SessionStore.open(path) as store:  # stored once by its content: the first name gave its type
        store.add_artifact(b"{}", "application/json", "a.json", attempt_id=1)
        store.add_artifact(b"{}", "text/plain", "a.txt", attempt_id=2)
    assert problems(path) == []


@pytest.mark.parametrize(
    ("name", "data", "media"),
    [
        ("fse.xml", b"<fse/>", "application/xml"),
        ("FSE.JSON", b"{}", "application/json"),
        ("lot.b2", b"abc", "text/plain"),
        ("retour.noemie", "é".encode(), "text/plain"),
        ("lot.b2", "é".encode("cp1252"), "application/octet-stream"),
        ("utf16.xml", "\ufeff<fse/>".encode("utf-16"), "application/octet-stream"),
        ("vide", b"", "text/plain"),
    ],
)
def test_the_runner_stores_the_type_the_verifier_expects(name: str, data: bytes, media: str) -> None:
    """One rule (store.chain.expected_media_type) for the runner that stores a file and the verifier."""
    assert actions.expected_media_type is chain.expected_media_type
    assert chain.expected_media_type(name, data) == media


def test_the_runner_documents_have_the_type_their_names_give() -> None:
    for media, pattern in actions.DOCUMENTS.values():
        assert chain.expected_media_type(pattern.format(ref="X-s1"), "é".encode()) == media
