"""A Word document read while open (its lock file beside it: Word ``~$NAME``, the name's first two characters
replaced when long, or LibreOffice Writer's ``.~lock.NAME#``) is said open in a word processor, not in a spreadsheet;
a workbook stays said open in a spreadsheet."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main

EXAMPLES = Path(__file__).resolve().parent.parent / "casebooks" / "examples"


@pytest.mark.parametrize(
    ("document", "lock", "lang", "said"),
    [
        (
            "cahier-exemple.docx",
            "~$hier-exemple.docx",
            "fr",
            "document ouvert dans un traitement de texte (fichier de verrou ~$hier-exemple.docx) : il est lu tel qu'il"
            " a été enregistré pour la dernière fois ; ce qui n'y est pas encore enregistré n'est pas repris",
        ),
        (
            "cahier-exemple.docx",
            ".~lock.cahier-exemple.docx#",
            "en",
            "document open in a word processor (lock file .~lock.cahier-exemple.docx#): it is read as it was last"
            " saved; what is not yet saved in it is not carried over",
        ),
        (
            "cahier-exemple.ods",
            ".~lock.cahier-exemple.ods#",
            "fr",
            "document ouvert dans un tableur (fichier de verrou .~lock.cahier-exemple.ods#) : il est lu tel qu'il a été"
            " enregistré pour la dernière fois ; ce qui n'y est pas encore enregistré n'est pas repris",
        ),
    ],
)
def test_an_open_document_is_said_open_in_its_own_kind_of_application(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: str, lock: str, lang: str, said: str
) -> None:
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")  # where the fixtures find their profiles
    work = tmp_path / "examples"
    work.mkdir()
    for name in (document, "cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml"):
        shutil.copy(EXAMPLES / name, work / name)
    (work / lock).write_bytes(b"Camille Martin")
    code = main(["import", str(work / document), "--mapping", str(work / "cahier-exemple.mapping.toml"),
                 "-o", str(work / "cahier.xml"), "--lang", lang])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[0] == f"{work}/{document}: {said}", out
