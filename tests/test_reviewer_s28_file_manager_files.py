"""A reviewer opens the exam book's folder in macOS's Finder, Windows' Explorer or KDE's Dolphin: the file manager
leaves its own file there (``.DS_Store``, ``Icon\\r`` for a folder given its own icon, ``Thumbs.db``, ``desktop.ini``,
``.directory``). ``testbench verify`` names it as ignored and the book
stays « INTÈGRE »; any other file added, beside it or under such a name's folder, is still « ajouté » and ALTÉRÉ.

A rebuild in a folder that holds one does not put it in the manifest either (the Finder rewrites it at will).
Real signed books of the demo campaign, checked through the CLI.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.signing import init_key

DROPPED = (
    ".DS_Store",
    "evidence/.DS_Store",
    "evidence/traces/Thumbs.db",
    "desktop.ini",
    ".directory",
    "evidence/.directory",
    "Icon\r",
    "evidence/Icon\r",
)


@pytest.fixture
def book(demo_session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    """(a signed book of the demo session, its session, the signer's key)."""
    key = tmp_path / "keys" / "editor.pem"
    init_key(key)
    folder = tmp_path / "book"
    assert main(["report", str(demo_session), "-o", str(folder), "--sign", "--key", str(key)]) == 0
    capsys.readouterr()
    return folder, demo_session, key


def test_a_file_managers_files_are_named_and_the_book_stays_intact(
    book: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = book[0]
    for rel in DROPPED:
        (folder / rel).write_bytes(b"\x00\x00\x00\x01Bud1")
    assert main(["verify", str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "INTÈGRE", lines
    ignored = [line.split(" — ")[0] for line in lines if line.startswith("ignoré : ")]
    # a carriage return in a name is shown, never sent to the terminal (it would overwrite the line)
    assert ignored == [f"ignoré : {rel}".replace("\r", "⟨U+000D⟩") for rel in sorted(DROPPED)]
    assert not any(line.startswith("ajouté") for line in lines)
    assert main(["verify", str(folder), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    said = "a file the system's file manager (Finder, Explorer, Dolphin) leaves in a folder it shows"
    assert f"ignored: .directory — {said}" in out and f"ignored: Icon⟨U+000D⟩ — {said}" in out
    assert out.endswith("INTACT\n")


def test_another_file_beside_them_is_still_added(
    book: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = book[0]
    (folder / ".DS_Store").write_bytes(b"Bud1")
    (folder / "evidence" / "DS_Store.txt").write_text("planted", encoding="utf-8")
    (folder / ".DS_Store.html").write_text("planted", encoding="utf-8")
    (folder / "Icon").write_text("planted", encoding="utf-8")  # the Finder's is « Icon\r », never plain « Icon »
    assert main(["verify", str(folder)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["ajouté : .DS_Store.html", "ajouté : Icon", "ajouté : evidence/DS_Store.txt"], lines
    assert lines[-1] == "ALTÉRÉ"


def test_a_rebuild_leaves_them_out_of_the_manifest(
    book: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, session, key = book
    for name in (".DS_Store", ".directory", "Icon\r"):
        (folder / name).write_bytes(b"Bud1")
    assert main(["report", str(session), "-o", str(folder), "--sign", "--key", str(key)]) == 0
    files = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert not {".DS_Store", ".directory", "Icon\r"} & set(files), files
    (folder / ".DS_Store").write_bytes(b"Bud1 rewritten by the Finder")
    capsys.readouterr()
    assert main(["verify", str(folder)]) == 0
    assert capsys.readouterr().out.endswith("INTÈGRE\n")
    shutil.rmtree(folder / "evidence")  # the ignored file hides nothing: a book's own file missing is still seen
    assert main(["verify", str(folder)]) == 1


def test_a_copys_companion_files_are_ignored_beside_their_file_only(
    book: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """macOS copying the book to a FAT or exFAT stick writes ``._index.html`` beside ``index.html``; Windows through
    WSL writes ``index.html:Zone.Identifier``: named as ignored, the book INTÈGRE. Beside no file of the book such a
    name is still an addition, and the file it describes is still checked."""
    folder = book[0]
    (folder / "._index.html").write_bytes(b"\x00\x05\x16\x07Mac OS X")
    (folder / "index.html:Zone.Identifier").write_text("[ZoneTransfer]\nZoneId=3\n", encoding="utf-8")
    assert main(["verify", str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "INTÈGRE", lines
    ignored = {line.split(" — ")[0] for line in lines if line.startswith("ignoré : ")}
    assert ignored == {"ignoré : ._index.html", "ignoré : index.html:Zone.Identifier"}, lines
    assert (
        "ignoré : ._index.html — métadonnées que le système écrit à côté de index.html en le copiant (clé USB, WSL) ;"
        " ce n'est pas une pièce du rapport, index.html est vérifié lui-même"
    ) in lines
    assert main(["verify", str(folder), "--lang", "en"]) == 0
    english = "ignored: index.html:Zone.Identifier — metadata the system writes beside index.html"
    assert english in capsys.readouterr().out
    (folder / "._nothing.html").write_text("planted", encoding="utf-8")
    assert main(["verify", str(folder)]) == 1
    assert "ajouté : ._nothing.html" in capsys.readouterr().out
    (folder / "._nothing.html").unlink()
    (folder / "index.html").write_text("edited", encoding="utf-8")  # the file described is still checked
    assert main(["verify", str(folder)]) == 1
    assert capsys.readouterr().out.endswith("ALTÉRÉ\n")
