"""``verify`` says a signer other than the one expected, or a required signature missing, before any « ok » line,
and gives no « ok : signature valide » for a book the expected key did not sign (audit s24, 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report
from testbench.signing import init_key, load_signer


def keys(tmp: Path) -> tuple[Path, Path]:
    signer, expected = tmp / "keys" / "a.pem", tmp / "keys" / "b.pem"
    init_key(signer)
    init_key(expected)
    return signer, expected


def said(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(argv) == 1
    return capsys.readouterr().out.splitlines()


def test_another_signer_is_said_first_and_never_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signer, expected = keys(tmp_path)
    folder = build_report(campaign(tmp_path), tmp_path / "r", BuildOptions(signer=load_signer(signer))).folder
    out = said(["verify", str(folder), "--key", str(expected.with_suffix(".pub"))], capsys)
    assert out[0].startswith("signataire inattendu : signé par la clé "), out
    assert not any(line.startswith("ok : signature") for line in out), out
    assert out[-1].startswith("AUTRE SIGNATAIRE : ")
    english = said(["verify", str(folder), "--key", str(expected.with_suffix(".pub")), "--lang", "en"], capsys)
    assert english[0].startswith("unexpected signer: signed by the key "), english
    assert not any(line.startswith("ok: signature") for line in english), english


def test_a_required_signature_missing_is_said_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = build_report(campaign(tmp_path), tmp_path / "r").folder
    out = said(["verify", str(folder), "--require-signature"], capsys)
    assert out[0] == "signature exigée absente : le dossier n'a pas de manifest.sig.json", out
    english = said(["verify", str(folder), "--require-signature", "--lang", "en"], capsys)
    assert english[0] == "required signature missing: the folder has no manifest.sig.json", english
