"""``verify`` on a damaged ``manifest.sig.json``: the reason is the bench's, in the language asked, never the
base64 library's English message."""

from __future__ import annotations

import json
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


def damaged(folder: Path, tmp: Path, field: str, edit) -> Path:  # type: ignore[no-untyped-def]
    copy = tmp / "t"
    copy.mkdir()
    for path in folder.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    sig_path = copy / "manifest.sig.json"
    raw = sig_path.read_text(encoding="utf-8")
    old = json.loads(raw)[field]
    sig_path.write_text(raw.replace(old, edit(old)), encoding="utf-8")
    return copy


def _flip_padding_bit(text: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    i = len(text.rstrip("=")) - 1
    return text[:i] + alphabet[alphabet.index(text[i]) ^ 1] + text[i + 1 :]


@pytest.mark.parametrize(
    ("field", "edit", "french", "english"),
    [
        ("signature", lambda s: s[0] + "!" + s[2:], "base64 illisible", "unreadable base64"),
        ("signature", lambda s: s[:-4] + s[-3:], "base64 illisible", "unreadable base64"),
        ("public_key", lambda s: "!" + s, "base64 illisible", "unreadable base64"),
        ("signature", _flip_padding_bit, "encodage base64 non canonique", "non-canonical base64 encoding"),
    ],
)
def test_the_reason_is_the_benchs_in_each_language(
    signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], field, edit, french, english  # type: ignore[no-untyped-def]
) -> None:
    folder = damaged(signed, tmp_path, field, edit)
    capsys.readouterr()
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "manifest.sig.json invalide (" in out and french in out, out
    assert "base64 data" not in out and "Invalid base64" not in out
    assert main(["verify", str(folder), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "manifest.sig.json invalid (" in out and english in out, out
    assert "illisible" not in out and "base64 data" not in out and "Invalid base64" not in out
