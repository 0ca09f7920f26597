"""``testbench import`` of a document open in a spreadsheet (its lock file beside it: Excel ``~$NAME``, LibreOffice
``.~lock.NAME#``) says that it reads the last save, as ``export`` says it: the author typing in Excel imported the
version saved before, unsaid, and took the cases on screen for imported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main

EXAMPLES = Path(__file__).resolve().parent.parent / "casebooks" / "examples"


@pytest.mark.parametrize(
    ("lock", "lang", "said"),
    [
        (
            "~$cahier-exemple.xlsx",
            "fr",
            "cahier-exemple.xlsx: document ouvert dans un tableur (fichier de verrou ~$cahier-exemple.xlsx) : il est lu"
            " tel qu'il a été enregistré pour la dernière fois ; ce qui n'y est pas encore enregistré n'est pas repris",
        ),
        (
            ".~lock.cahier-exemple.xlsx#",
            "en",
            "cahier-exemple.xlsx: document open in a spreadsheet (lock file .~lock.cahier-exemple.xlsx#): it is read as"
            " it was last saved; what is not yet saved in it is not carried over",
        ),
    ],
)
def test_a_document_open_in_a_spreadsheet_is_said_read_as_last_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lock: str, lang: str, said: str
) -> None:
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")  # where the fixtures find their profiles
    work = tmp_path / "examples"
    work.mkdir()
    for name in ("cahier-exemple.xlsx", "cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml"):
        shutil.copy(EXAMPLES / name, work / name)
    (work / lock).write_bytes(b"Camille Martin")
    code = main(["import", str(work / "cahier-exemple.xlsx"), "--mapping", str(work / "cahier-exemple.mapping.toml"),
                 "-o", str(work / "cahier.xml"), "--lang", lang])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[0] == f"{work}/{said}", out  # first: it explains what follows
    assert (work / "cahier.xml").is_file()
