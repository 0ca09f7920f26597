"""A CSV in UTF-16 without its byte order mark (written by a program rather than by Excel's « Texte Unicode »),
imported under the mapping's default encoding: the first non-ASCII character (« N° cas ») failed to decode before
the nulls were counted, and the hint sent the person to ``encoding = "cp1252"``, which then gave the nulls' hint —
two tries for one answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        ("fr", 'caractères nuls : un texte en UTF-16 (encoding = "utf-16")', "cp1252"),
        ("en", 'null characters: a UTF-16 text (encoding = "utf-16")', "cp1252"),
    ],
)
def test_utf16_without_its_mark_gets_the_utf16_hint(tmp_path: Path, lang: str, said: str, not_said: str) -> None:
    text = (EXAMPLES / "cahier-exemple.csv").read_text(encoding="utf-8-sig")
    assert "°" in text  # a character UTF-8 cannot read in UTF-16: the case the hint was wrong for
    document = tmp_path / "cahier.csv"
    document.write_bytes(text.encode("utf-16-le"))
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)
    with pytest.raises(OfficeError) as refused:
        import_document(document, load_mapping(EXAMPLES / "cahier-exemple.mapping.toml"))
    [problem] = refused.value.problems
    shown = problem.text(lang)
    assert shown.startswith(f"{document}:1:2: ") and said in shown and not_said not in shown, shown
