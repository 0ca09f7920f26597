"""Ed25519 keys of a signer (reports, manifests, review annotations): creation, loading, signing, checking.

The private key lives in one PEM file created owner-only (mode 0600 where the OS has modes); it is
never copied into a session or a report. The public key travels with what it signs, and its
fingerprint (SHA-256 of the raw 32-byte key) is what a reviewer compares with the one the editor
announced.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from testbench.tomlfile import read_config
from testbench.wholefile import replace_over

# cryptography is imported where a key is used: reading a session or building an unsigned report does
# not pay for it (7 MB of resident memory, 14 ms)
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ENV_KEY = "TESTBENCH_SIGNING_KEY"


class SigningKeyError(Exception):
    """A key file is missing, unreadable, or not an Ed25519 key."""


def default_key_path() -> Path:
    """``$TESTBENCH_SIGNING_KEY``, else the user's config folder (never the working directory)."""
    env = os.environ.get(ENV_KEY)
    if env:
        return Path(env)
    if os.name == "nt" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "testbench" / "signing-key.pem"


def public_path(private: Path) -> Path:
    return private.with_name(private.stem + ".pub")


def fingerprint(raw_public: bytes) -> str:
    return hashlib.sha256(raw_public).hexdigest()


def pretty_fingerprint(fp: str) -> str:
    """Groups of four hex digits: what a person reads aloud to compare."""
    return ":".join(fp[i : i + 4] for i in range(0, 32, 4)).upper()


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key (32 raw bytes): what a reviewer's signature is checked against."""

    raw: bytes

    @property
    def b64(self) -> str:
        return base64.b64encode(self.raw).decode()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    @classmethod
    def from_b64(cls, text: str) -> PublicKey:
        raw = base64.b64decode(text, validate=True)
        if len(raw) != 32:
            raise SigningKeyError("clé publique Ed25519 invalide (32 octets attendus)")
        return cls(raw)

    def verify(self, signature: bytes, message: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A reviewer's private key and its public half, loaded once to sign a journal or a report."""

    private: Ed25519PrivateKey
    public: PublicKey

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def init_key(path: Path, *, force: bool = False) -> PublicKey:
    """Create a key pair: ``path`` (private, owner-only) and ``path.pub`` (public, base64 of the raw key)."""
    if path.is_dir():  # said at once: « --force » would not help
        raise SigningKeyError(f"{path} : est un dossier, pas une clé : donnez le nom du fichier de la clé privée")
    if (above := _no_folder_above(path)) is not None:  # the system would say « existe déjà » of the file
        raise SigningKeyError(above)
    if path.exists() and not force:
        raise SigningKeyError(f"{path} : une clé existe déjà (--force pour la remplacer)")
    path.parent.mkdir(parents=True, exist_ok=True)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = PublicKey(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    # both written beside before either replaces its old file: a full disk (``--force``) keeps the old pair
    written: list[Path] = []
    try:
        written.append(_written_beside(path, pem, 0o600))  # owner-only from the start: never readable by others
        written.append(_written_beside(public_path(path), (public.b64 + "\n").encode("ascii"), 0o644))
        # Windows: a key file an editor or an antivirus holds a moment is waited for, a lasting hold said so
        replace_over(written[0], path)
        replace_over(written[1], public_path(path))
    except OSError:
        for temporary in written:  # those not yet renamed
            with contextlib.suppress(OSError):
                temporary.unlink()
        raise
    return public


def _no_folder_above(path: Path) -> str | None:
    """Why no key can be created at ``path`` (None: it can): the nearest existing folder of its path is a file, or
    a link to a missing folder (an unmounted drive) — said in ``report -o``'s words (testbench.tools.outputs, a
    layer this utility does not import)."""
    above = next((folder for folder in path.parents if os.path.lexists(folder)), None)
    if above is None or above.is_dir():
        return None
    if above.is_symlink() and not above.exists():
        return f"{above} est un lien vers un dossier absent ({os.readlink(above)}) — un disque non monté ?"
    return f"{path} : {above} est un fichier, pas un dossier ; indiquez un chemin dans un dossier"


def _written_beside(path: Path, data: bytes, mode: int) -> Path:
    """``data`` in a new file beside ``path``, with ``mode`` (created owner-only, :func:`tempfile.mkstemp`;
    :func:`init_key` renames it into place); removed when it cannot be written whole."""
    import tempfile

    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(temporary, mode)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return temporary


def _holds_public_key(data: bytes) -> bool:
    """Whether ``data`` is a public key as ``keys init`` writes it (base64 of the raw 32 bytes, the ``.pub``)."""
    try:
        PublicKey.from_b64(data.decode("ascii", errors="replace").strip())
    except (ValueError, SigningKeyError):
        return False
    return True


def is_public_key(path: Path) -> bool:
    """Whether ``path`` holds a public key as ``keys init`` writes it (what :meth:`PublicKey.from_b64` reads);
    :func:`load_public` reads the other forms too."""
    try:
        return _holds_public_key(read_config(path))
    except OSError:
        return False


#: what a public key may be given as, named when a file is none of them
PUBLIC_FORMS = (
    "base64 des 32 octets bruts (le .pub de testbench keys init), PEM de clé publique (openssl pkey -pubout) ou"
    " OpenSSH ssh-ed25519"
)


def _public_in(path: Path, data: bytes) -> PublicKey | None:
    """The public key ``data`` holds in one of :data:`PUBLIC_FORMS` (the standard PEM is what ``openssl pkey
    -pubout`` writes); None when it holds none. A public key of another kind, or a damaged one, is said so."""
    if _holds_public_key(data):
        return PublicKey.from_b64(data.decode("ascii").strip())
    text = data.decode("ascii", errors="replace").strip()
    if "-----BEGIN PUBLIC KEY-----" not in text and not text.startswith("ssh-"):
        return None
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        if text.startswith("ssh-"):
            key = serialization.load_ssh_public_key(data.strip())
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise SigningKeyError(f"{path} : clé publique illisible ({PUBLIC_FORMS})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{path} : la clé n'est pas une clé Ed25519")
    return PublicKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def _not_a_key(path: Path) -> SigningKeyError:
    return SigningKeyError(f"{path} : ni une clé privée PEM ni une clé publique Ed25519 ({PUBLIC_FORMS})")


def load_signer(path: Path) -> Signer:
    """The private key at ``path``; a public key given for it is said so before any check of its permissions
    (a ``.pub`` is readable by all: « chmod 600 » would be the wrong advice)."""
    try:
        data = read_config(path)
    except OSError as exc:
        from testbench.fmt import os_reason  # the OS's own words are in the system's language

        raise SigningKeyError(
            f"{path} : clé de signature illisible ({os_reason(exc)}) ; créez-la avec « testbench keys init »"
        ) from None
    if _public_in(path, data) is not None:
        raise SigningKeyError(f"{path} est une clé publique : il faut la clé privée (.pem)")
    if b"PRIVATE KEY" not in data:  # no private key: its permissions are not the problem
        raise _not_a_key(path)
    if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SigningKeyError(f"{path} : clé privée lisible par d'autres utilisateurs ; chmod 600 {path}")
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:  # cryptography's word for a key that needs a password
        raise SigningKeyError(
            f"{path} : clé privée protégée par une phrase de passe, que testbench ne demande pas ; "
            f"retirez-la (openssl pkey -in {path} -out NOUVELLE.pem, puis chmod 600) ou créez une clé avec "
            "« testbench keys init »"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise SigningKeyError(f"{path} : pas une clé privée PEM lisible") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} : la clé n'est pas une clé Ed25519")
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return Signer(key, PublicKey(raw))


def load_public(path: Path) -> PublicKey:
    """A public key file (one of :data:`PUBLIC_FORMS`) or a private key file (its public half)."""
    data = read_config(path)
    if (public := _public_in(path, data)) is not None:
        return public
    if b"PRIVATE KEY" in data:
        return load_signer(path).public
    raise _not_a_key(path)
