"""``testbench run`` reads each document an outside engine answers with, as a caisse would first read it
(docs/engine-protocol.md, « The documents an engine returns »): a malformed FSE, an FSE outside our XSD, a
truncated B2 record, a record of the wrong length or a number field holding a letter fails the case on the
engine (« défaut du moteur (réponse invalide) »), placed and cut short, in French and in English, and the document
is still kept as the step's evidence; the same engine answering well-formed documents passes.

The engine is a real process: the reference engine behind the real protocol server, one document spoiled.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.store.read import read_session

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "casebooks" / "billing.xml"
CASE = "TB-LOT-001"  # bills one invoice (its FSE), secures it and builds its lot (its B2)

#: the reference engine behind the protocol server, the document of ``DOC_SPOIL`` spoiled in every answer
ENGINE = ROOT / "tests" / "data" / "engines" / "document_spoiling_reference.py"


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spoil: str, lang: str = "fr") -> tuple[int, Path]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("DOC_SPOIL", spoil)
    monkeypatch.chdir(ROOT)
    session = tmp_path / "s.tbsession"
    options = ["--engine", f"{sys.executable} {ENGINE}", "--engine-timeout", "10", "--cards", "inprocess"]
    code = main(["run", "--lang", lang, "--session", str(session), *options, "-k", f"id:{CASE}", str(BOOK)])
    return code, session


def _line(said: str) -> str:
    (line,) = re.findall(rf"^\[1/1\] {CASE} : (.*)$", said, re.MULTILINE)
    return line


def _kept(session: Path, name: str) -> bytes:
    """The document of that name the session kept for the case's last attempt."""
    with read_session(session) as view:
        (case,) = view.cases
        (art,) = [a for a in view.artifacts(case.latest.id) if a["name"].startswith(name)]
        return view.artifact_data(art["sha256"])


SPOILED = [
    (
        "fse-cut",
        r"défaut du moteur \(réponse invalide\) : create_invoice : FSE mal formée, ligne 1, colonne \d+ : .+ ; près"
        r" de « .+ »",
        "fse-",
    ),
    (
        "fse-xsd",
        r"défaut du moteur \(réponse invalide\) : create_invoice : FSE \(XSD testbench\), ligne 1, élément"
        r" /fse/lignes/ligne : non conforme au schéma : <ligne>, attribut « amo » : la valeur « 33,6x33\.60 »",
        "fse-",
    ),
    (
        "b2-truncated",
        r"défaut du moteur \(réponse invalide\) : build_lot : lot B2, enregistrement 3 : 100 caractères au lieu de"
        r" 128 : « 200\d{6}",
        "lot-",
    ),
    (
        "b2-length",
        r"défaut du moteur \(réponse invalide\) : build_lot : lot B2, enregistrement 2 : 129 caractères au lieu de"
        r" 128 : « 100",
        "lot-",
    ),
    (
        "b2-letter",
        r"défaut du moteur \(réponse invalide\) : build_lot : lot B2, enregistrement \d+, colonnes 36–46 : champ amo"
        r" : « \d{5}A\d{5} » n'est pas un nombre",
        "lot-",
    ),
]


@pytest.mark.parametrize(("spoil", "said", "document"), SPOILED, ids=[s[0] for s in SPOILED])
def test_a_document_no_caisse_would_read_fails_the_engine(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spoil: str,
    said: str,
    document: str,
) -> None:
    code, session = _run(tmp_path, monkeypatch, spoil)
    out = "".join(capsys.readouterr())
    line = _line(out)
    assert code == 1, out  # the product's failure, not the bench's (2)
    assert line.startswith("échec"), out
    assert re.search(said, line), line
    assert len(line) < 400, line  # placed and cut short, never the whole document
    assert _kept(session, document)  # the document is kept as the step's evidence all the same


def test_the_engine_s_fault_reads_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _session = _run(tmp_path, monkeypatch, "b2-truncated", "en")
    out = "".join(capsys.readouterr())
    assert code == 1, out
    (line,) = re.findall(rf"^\[1/1\] {CASE}: (.*)$", out, re.MULTILINE)
    assert re.search(
        r"engine defect \(invalid answer\): build_lot: B2 lot, record 3: 100 characters instead of 128: “200", line
    ), line
    assert "enregistrement" not in line and "caractères" not in line, line


@pytest.mark.parametrize("spoil", ["none", "fse-foreign", "b2-crlf"])
def test_well_formed_documents_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spoil: str
) -> None:
    """The reference engine's own documents, an FSE of another format (well-formed, our XSD not applicable) and a
    lot with Windows line ends read well: the case passes."""
    code, session = _run(tmp_path, monkeypatch, spoil)
    out = "".join(capsys.readouterr())
    assert code == 0, out
    assert _line(out).startswith("réussi"), out
    assert _kept(session, "fse-") and _kept(session, "lot-")
