"""A public key given where the private one is needed (``report --sign --key other.pub``) is said to be a public
key — not « clé privée lisible par d'autres utilisateurs ; chmod 600 », the wrong advice for a ``.pub``, which
is readable by all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.signing import SigningKeyError, init_key, load_signer, public_path

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"


@pytest.fixture
def public(tmp_path: Path) -> Path:
    private = tmp_path / "keys" / "other.pem"
    init_key(private)
    path = public_path(private)
    os.chmod(path, 0o644)  # as it travels: readable by all
    return path


def test_load_signer_says_a_public_key_is_one(public: Path) -> None:
    with pytest.raises(SigningKeyError) as caught:
        load_signer(public)
    assert str(caught.value) == f"{public} est une clé publique : il faut la clé privée (.pem)"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "{key} est une clé publique : il faut la clé privée (.pem)"),
        ("en", "{key} is a public key: the private key (.pem) is needed"),
    ],
)
def test_report_sign_with_a_public_key(
    tmp_path: Path, public: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    session = tmp_path / "s.tbsession"
    run = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*run, "-k", "id:DEMO-FSE-001"]) in (0, 1)
    capsys.readouterr()
    out = tmp_path / "rapport"
    assert main(["report", str(session), "-o", str(out), "--sign", "--key", str(public), "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert said.format(key=public) in err
    assert "chmod" not in err
