"""A document ``testbench import`` cannot read says what to do with it: an ODS file LibreOffice encrypted with a
password was said « fichier endommagé » (the author looked for damage), and an Excel 97-2003 ``.xls``, a binary
``.xlsb``, a Word ``.doc`` or an ``.odt`` only « format non pris en charge », without the format to save it as."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError
from testbench.office.tables import read_table

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
_ENCRYPTION = (
    '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x">'
    '<manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc"'
    ' manifest:initialisation-vector="x"/></manifest:encryption-data>'
)


def _said(document: Path) -> tuple[str, str]:
    with pytest.raises(OfficeError) as refused:
        read_table(document, load_mapping(MAPPING))
    [problem] = refused.value.problems
    return problem.text("fr"), problem.text("en")


def _encrypted_ods(path: Path) -> Path:
    """The sample ODS as LibreOffice saves it with a password: its content encrypted, its manifest saying so."""
    with zipfile.ZipFile(EXAMPLES / "cahier-exemple.ods") as source, zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "content.xml":
                data = bytes(range(256)) * 8  # ciphertext: no XML
            elif info.filename == "META-INF/manifest.xml":
                entry = r'(<manifest:file-entry[^>]*manifest:full-path="content.xml"[^>]*?)\s*/>'
                data, count = re.subn(entry, rf"\1>{_ENCRYPTION}</manifest:file-entry>", data.decode())
                assert count == 1
                data = data.encode()
            out.writestr(info, data)
    return path


def test_an_ods_protected_by_a_password_is_said_so_not_damaged(tmp_path: Path) -> None:
    french, english = _said(_encrypted_ods(tmp_path / "cahier.ods"))
    assert french.endswith(
        "cahier.ods: document ODS illisible : classeur protégé par mot de passe : enregistrez-en une copie sans mot de"
        " passe et importez-la"
    ), french
    assert english.endswith("workbook protected by a password: save a copy without a password and import it"), english


@pytest.mark.parametrize(
    ("suffix", "french", "english"),
    [
        (".xls", "classeur Excel 97-2003 (.xls) : enregistrez-le au format .xlsx", "save it as .xlsx and import it"),
        (".XLSB", "classeur Excel binaire (.xlsb) : enregistrez-le au format .xlsx", "Excel binary workbook (.xlsb)"),
        (".doc", "document Word 97-2003 (.doc) : enregistrez-le au format .docx", "save it as .docx and import it"),
        (".odt", "document texte OpenDocument (.odt) : enregistrez-le au format .docx", "OpenDocument text document"),
    ],
)
def test_an_old_or_binary_office_format_says_what_to_save_it_as(
    tmp_path: Path, suffix: str, french: str, english: str
) -> None:
    document = tmp_path / f"cahier{suffix}"
    document.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    said = _said(document)
    assert french in said[0] and english in said[1], said
