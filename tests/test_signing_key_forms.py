"""The forms a signing key is given in: a public key in the standard PEM (SubjectPublicKeyInfo, what openssl
writes) or OpenSSH form is read where a public key is accepted, and is never told « chmod 600 »; a file that is
no key names the expected forms; a key protected by a passphrase, and a folder given for a key, are said so."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from testbench.signing import SigningKeyError, init_key, load_public, load_signer


@pytest.fixture
def private() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def readable_by_all(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    path.chmod(0o644)
    return path


@pytest.mark.parametrize(
    ("name", "encoding", "form"),
    [
        ("editor-spki.pem", serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        ("editor-ssh.pub", serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH),
    ],
)
def test_a_standard_public_key_is_read_and_never_told_chmod(
    tmp_path: Path, private: Ed25519PrivateKey, name: str, encoding: serialization.Encoding, form: object
) -> None:
    path = readable_by_all(tmp_path / name, private.public_key().public_bytes(encoding, form))  # type: ignore[arg-type]
    assert load_public(path).raw == raw(private)
    with pytest.raises(SigningKeyError) as refused:
        load_signer(path)
    assert "est une clé publique" in str(refused.value) and "chmod" not in str(refused.value)


def test_a_damaged_public_key_names_the_forms_not_chmod(tmp_path: Path) -> None:
    path = readable_by_all(tmp_path / "bad.pub", b"notbase64\n")
    for load in (load_signer, load_public):
        with pytest.raises(SigningKeyError) as refused:
            load(path)
        said = str(refused.value)
        assert "chmod" not in said and "base64 des 32 octets bruts" in said and "openssl pkey -pubout" in said


def test_a_public_key_of_another_kind_is_said_so(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    rsa_public = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    pem = rsa_public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(SigningKeyError, match="pas une clé Ed25519"):
        load_public(readable_by_all(tmp_path / "rsa.pub", pem))


def test_a_passphrase_protected_key_is_said_so(tmp_path: Path, private: Ed25519PrivateKey) -> None:
    path = tmp_path / "enc.pem"
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    path.chmod(0o600)
    with pytest.raises(SigningKeyError, match="phrase de passe"):
        load_signer(path)


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_given_for_a_key_is_said_to_be_one(tmp_path: Path, force: bool) -> None:
    (tmp_path / "kd").mkdir()
    with pytest.raises(SigningKeyError, match="est un dossier"):
        init_key(tmp_path / "kd", force=force)
