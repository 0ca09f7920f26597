"""A ``manifest.sig.json`` only re-serialised (same fields, other spacing) is said « forme non canonique », the
reason the bench found, not « format inconnu » (audit s22-verify1 residual 3); in English too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.signing import init_key


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("signed")
    session = campaign(tmp, hostile=False)
    key = tmp / "k.pem"
    init_key(key)
    folder = tmp / "r"
    assert main(["report", str(session), "-o", str(folder), "--sign", "--key", str(key)]) == 0
    return folder


def test_a_reserialised_signature_says_why(signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "r"
    shutil.copytree(signed, folder)
    sig = folder / "manifest.sig.json"
    sig.write_text(json.dumps(json.loads(sig.read_text(encoding="utf-8"))), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "manifest.sig.json illisible (forme non canonique)" in out, out
    assert main(["verify", str(folder), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "manifest.sig.json unreadable (not in canonical form)" in out, out


def test_a_signature_that_is_not_an_object_is_of_unknown_format(
    signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "r"
    shutil.copytree(signed, folder)
    (folder / "manifest.sig.json").write_text("[]", encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(folder)]) == 1
    assert "manifest.sig.json illisible (format inconnu)" in capsys.readouterr().out
