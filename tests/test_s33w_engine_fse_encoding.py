"""An FSE an engine answers is characters (a JSON string): the encoding its XML declaration names is not how to read
them (docs/engine-protocol.md, « The documents an engine returns »). .NET writes « encoding="utf-16" » in every XML
it serialises to a string; read as UTF-8 bytes under that declaration, a valid FSE was refused as malformed — the
engine failed on exam day for nothing. ``run`` and ``engine check`` read it through the same function."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.engines.protocol.conformance import sample_request
from testbench.engines.protocol.documents import document_fault, fse_problem, fse_root
from testbench.engines.reference.engine import ReferenceEngine
from testbench.store.read import read_session


@pytest.fixture(scope="module")
def fse() -> str:
    """The reference engine's FSE of example E1 (our format: checked against our XSD too)."""
    return ReferenceEngine().create_invoice(sample_request("ENC-1"))["fse"]


@pytest.mark.parametrize("encoding", ["utf-16", "UTF-16", "utf-16LE", "ISO-8859-1", "windows-1252", "UTF-8"])
def test_an_fse_declaring_any_encoding_reads_as_the_characters_it_is(fse: str, encoding: str) -> None:
    for declaration in (f'<?xml version="1.0" encoding="{encoding}"?>', f"<?xml version='1.0' encoding='{encoding}'"
                        " standalone='yes'?>\r\n"):  # fmt: skip
        assert fse_problem(declaration + fse) is None, declaration
        assert document_fault("fse", declaration + fse) is None, declaration


def test_a_declared_single_byte_encoding_does_not_misread_the_accents() -> None:
    root = fse_root('<?xml version="1.0" encoding="ISO-8859-1"?><FSE xmlns="urn:editeur:fse">Hélène €</FSE>')
    assert root.text == "Hélène €"


def test_a_fault_after_the_declaration_is_placed_at_its_own_column() -> None:
    text = '<?xml version="1.0" encoding="utf-16"?><FSE><a></b></FSE>'
    said = fse_problem(text)
    assert said is not None
    assert said.startswith(f"FSE mal formée, ligne 1, colonne {text.index('</b>') + 5} : "), said
    said = fse_problem('<?xml version="1.0"\n encoding="utf-16"?>\n<FSE><a></b></FSE>')  # the line counted too
    assert said is not None and said.startswith("FSE mal formée, ligne 3, colonne 13 : "), said


def test_a_malformed_declaration_is_still_refused() -> None:
    said = fse_problem('<?xml version="1.0" encoding="utf-16"<FSE/>')
    assert said is not None and said.startswith("FSE mal formée, ligne 1, "), said


#: the reference engine behind the real protocol server, its FSE as .NET serialises XML to a string
DOTNET_ENGINE = r"""
import os, sys
sys.path.insert(0, os.environ["TB_ROOT"])
from testbench.engines.protocol.server import Server


class DotNet(Server):
    def dispatch(self, method, params):
        value = super().dispatch(method, params)
        if isinstance(value, dict) and isinstance(value.get("fse"), str):
            value = dict(value, fse='<?xml version="1.0" encoding="utf-16"?>\r\n' + value["fse"])
        return value


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(DotNet(sys.stdin.buffer, stdout).serve())
"""


def test_run_passes_an_outside_engine_whose_fse_declares_utf_16(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(__file__).resolve().parents[1]
    engine = tmp_path / "dotnet.py"
    engine.write_text(DOTNET_ENGINE, encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("TB_ROOT", str(root))
    monkeypatch.chdir(root)
    session = tmp_path / "s.tbsession"
    argv = ["run", "--session", str(session), "--engine", f"{sys.executable} {engine}", "--engine-timeout", "20",
            "--cards", "inprocess", "-k", "id:TB-LOT-001", str(root / "casebooks" / "billing.xml")]  # fmt: skip
    code = main(argv)
    out = "".join(capsys.readouterr())
    assert code == 0, out
    assert "[1/1] TB-LOT-001 : réussi" in out, out
    with read_session(session) as view:
        (case,) = view.cases
        (fse,) = [a for a in view.artifacts(case.latest.id) if a["name"].startswith("fse-")]
        assert view.artifact_data(fse["sha256"]).startswith(b'<?xml version="1.0" encoding="utf-16"?>')  # as answered


def test_engine_check_passes_it_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``engine check``'s fse check says what run says, and names the format it read: ours, against our XSD."""
    root = Path(__file__).resolve().parents[1]
    engine = tmp_path / "dotnet.py"
    engine.write_text(DOTNET_ENGINE, encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("TB_ROOT", str(root))
    code = main(["engine", "check", "--", sys.executable, str(engine)])
    out = "".join(capsys.readouterr())
    assert code == 0, out
    assert re.search(r"RÉUSSI +fse .* — FSE conforme au XSD testbench", out), out
