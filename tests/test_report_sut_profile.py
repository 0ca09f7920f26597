"""Audit 9, findings 7 and 10: the exam book names the application profile a run used (file, SHA-256), the
logs it followed and the folders it watched; its cover lines agree and read wholly in the report's language.

A real operator-mode run with ``--sut-profile`` (in-process cards), then the real report in both languages.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

PROFILE = """\
[product]
name = "CaisseLPP"

[[logs]]
path = "journal/*.log"

[outputs]
fse = "sortie/fse"
lots = "sortie/lots"
"""


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("exam")
    for folder in ("journal", "sortie/fse", "sortie/lots"):
        (root / folder).mkdir(parents=True)
    profile = root / "sut.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    path = root / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(path), "--cards", "inprocess"]
    assert main([*argv, "-k", "DEMO-FSE-001", "--engine", "operator", "--sut-profile", str(profile)]) == 2  # pending
    return path, profile


def _cover(session: Path, out: Path, lang: str) -> tuple[dict[str, str], dict]:
    assert main(["report", str(session), "-o", str(out), "--lang", lang]) == 0
    rows: dict[str, str] = {}  # the cover's rows: the first of each name (the appendix comes after)
    for row in etree.HTML((out / "index.html").read_text(encoding="utf-8")).iter("tr"):
        if row.find("th") is not None and row.find("td") is not None:
            rows.setdefault(row.findtext("th"), "".join(row.find("td").itertext()))
    return rows, json.loads((out / "report.json").read_text(encoding="utf-8"))["cover"]


@pytest.mark.parametrize(
    ("lang", "label", "logs", "folders"),
    [
        ("fr", "Profil du logiciel testé", "Journaux suivis : ", "Dossiers surveillés : "),
        ("en", "Application profile", "Logs followed: ", "Watched folders: "),
    ],
)
def test_the_cover_names_the_profile_its_logs_and_its_folders(session, tmp_path, lang, label, logs, folders) -> None:
    path, profile = session
    rows, cover = _cover(path, tmp_path / "report", lang)
    digest = hashlib.sha256(profile.read_bytes()).hexdigest()
    root = profile.parent
    row = rows[label]
    assert str(profile) in row and f"SHA-256 {digest}" in row, row
    assert f"{logs}{root / 'journal' / '*.log'}" in row, row
    assert f"{folders}fse {root / 'sortie' / 'fse'}, lots {root / 'sortie' / 'lots'}" in row, row
    assert cover["sut_profile"] == {
        "file": str(profile),
        "sha256": digest,
        "name": "CaisseLPP",
        "logs": [str(root / "journal" / "*.log")],
        "outputs": {"fse": str(root / "sortie" / "fse"), "lots": str(root / "sortie" / "lots")},
    }


@pytest.mark.parametrize(
    ("lang", "product", "engine", "socle"),
    [
        ("fr", ("Logiciel testé", "CaisseLPP — version non renseignée"), "opérateur — version non renseignée — ",
         ("Version du socle", "logiciel sous test")),
        ("en", ("Software under test", "CaisseLPP — version not recorded"), "operator — version not recorded — ",
         ("SESAM-Vitale core version", "software under test")),
    ],
)
def test_the_cover_lines_agree_and_read_in_one_language(session, tmp_path, lang, product, engine, socle) -> None:
    rows, _ = _cover(session[0], tmp_path / "report", lang)
    assert rows[product[0]] == product[1]
    assert rows["Moteur de facturation" if lang == "fr" else "Billing engine"].startswith(engine)
    assert rows[socle[0]] == socle[1]
    assert "Socle version" not in rows


def test_a_run_without_a_profile_has_no_profile_on_its_cover(tmp_path) -> None:
    path = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(path), "--cards", "inprocess"]
    assert main([*argv, "-k", "DEMO-FSE-001", "--engine", "operator"]) == 2
    rows, cover = _cover(path, tmp_path / "report", "fr")
    assert cover["sut_profile"] is None and "Profil du logiciel testé" not in rows
