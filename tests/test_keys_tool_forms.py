"""``keys show`` and ``keys init`` with the key forms a reviewer and an editor meet (audit s23-integrity 5, 8):
``keys show`` on a standard PEM public key gave the « chmod 600 » advice of a private key; ``keys init`` on a
folder said a key existed (then, forced, that it was a folder); ``--force`` replaced a key without naming it."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from testbench.tools.keys import keys_init_tool, keys_show_tool
from testbench.tools.result import ToolResult


def _said(result: ToolResult, lang: str = "en") -> str:
    return "\n".join(text for text, _error in result.texts(lang))


def test_show_reads_a_pem_public_key(tmp_path: Path) -> None:
    private = Ed25519PrivateKey.generate()
    pem = tmp_path / "editor-spki.pem"
    pem.write_bytes(
        private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    pem.chmod(0o644)
    result = keys_show_tool(pem)
    assert result.code == 0, _said(result)
    assert "chmod" not in _said(result)


def test_init_on_a_folder_says_so_at_once(tmp_path: Path) -> None:
    result = keys_init_tool(tmp_path)
    assert result.code == 3 and "is a folder, not a key" in _said(result), _said(result)


def test_init_forced_names_the_key_it_replaces(tmp_path: Path) -> None:
    key = tmp_path / "signer.pem"
    first = keys_init_tool(key)
    assert first.code == 0
    old = [line for line in _said(first).splitlines() if ":" in line and len(line.split()[-1]) > 30]
    replaced = keys_init_tool(key, force=True)
    said = _said(replaced)
    assert replaced.code == 0 and "key replaced: " in said and "only with its old public key" in said, said
    assert old and old[-1].split()[-1] in said


def test_show_without_a_key_says_how_to_make_one(tmp_path: Path) -> None:
    """Verification s23-verify1 R1: reading public keys first lost the « keys init » advice."""
    result = keys_show_tool(tmp_path / "signing-key.pem")
    said = _said(result)
    assert result.code == 3 and 'signing key unreadable (not found); create it with “testbench keys init”' in said
