"""The manifest of a report folder (SHA-256 of every file) and its detached Ed25519 signature.

``manifest.json`` is deterministic (same files, same bytes). The only time-dependent thing, the
signing time, lives in ``manifest.sig.json``, which signs the manifest's hash together with it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from testbench.fmt import json_reason
from testbench.i18n import _t, tn
from testbench.signing import PublicKey, Signer, SigningKeyError

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig.json"
EVIDENCE = "evidence"  # the folder of full traces and produced files (testbench.report.evidence)
#: every name a report build writes at the top of its folder: a rebuild replaces exactly these (so the
#: manifest holds no stale file), and ``verify`` tells a report folder by them
REPORT_NAMES = (
    "index.html",
    "report.json",
    "junit.xml",
    "journal-chain.json",
    "report.pdf",
    MANIFEST,
    SIGNATURE,
    EVIDENCE,
)
#: what a file manager drops in a folder it shows (macOS's Finder: ``.DS_Store``, and ``Icon\r`` for a folder given
#: its own icon; Windows' Explorer; KDE's Dolphin: ``.directory``), named in lower case: a reviewer who opens the
#: book's folder must not see it « ALTÉRÉ » for that; such a file is no part of the book (never in its manifest), and
#: ``verify`` names it as ignored instead of passing it over
SYSTEM_FILES = frozenset({".ds_store", "icon\r", "thumbs.db", "desktop.ini", ".directory"})
#: what a system writes beside a file it copies (macOS's ``._NAME`` on a FAT or exFAT drive, Windows'
#: ``NAME:Zone.Identifier`` through WSL): metadata of ``NAME``, ignored like :data:`SYSTEM_FILES` when ``NAME`` is
#: one of the folder's files — whose own digest ``verify`` still checks; one beside nothing is still an addition
ZONE_IDENTIFIER = ":Zone.Identifier"
MANIFEST_FORMAT = "testbench-manifest/1"
SIGNATURE_FORMAT = "testbench-signature/1"


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def described(name: str) -> str | None:
    """The file a system's companion file ``name`` describes (:data:`ZONE_IDENTIFIER`), None for another name."""
    if name.startswith("._") and len(name) > 2:
        return name[2:]
    if name.endswith(ZONE_IDENTIFIER) and len(name) > len(ZONE_IDENTIFIER):
        return name[: -len(ZONE_IDENTIFIER)]
    return None


def _companion(folder: Path, name: str) -> bool:
    """Whether ``name`` is a system's companion of a regular file beside it."""
    path = folder / (described(name) or "")
    return path != folder and path.is_file() and not path.is_symlink()


def scan(folder: Path, system: list[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The folder's regular files (POSIX relative paths, sorted; the manifest and its signature left out) and
    everything else in it that a report never holds: symbolic links, special files and empty folders, each with
    what it is. Links are never followed. No name is left out for looking transient (``-wal``, ``.lock``…): a
    build writes none, and a file planted under such a name would otherwise pass unseen. A file manager's own
    files (:data:`SYSTEM_FILES`) go to ``system`` when given (to be named), and are never one of the files."""
    files: list[str] = []
    odd: dict[str, str] = {}
    for root, dirs, names in os.walk(folder, followlinks=False):
        base = Path(root)
        if root != str(folder) and not dirs and not names:
            odd[base.relative_to(folder).as_posix() + "/"] = "dossier vide"
        for name in [*dirs, *names]:
            p = base / name
            rel = p.relative_to(folder).as_posix()
            mode = os.lstat(p).st_mode
            if stat.S_ISLNK(mode):
                odd[rel] = "lien symbolique"
            elif stat.S_ISDIR(mode):
                continue
            elif not stat.S_ISREG(mode):
                odd[rel] = "fichier spécial"
            elif name.lower() in SYSTEM_FILES or _companion(base, name):
                if system is not None:
                    system.append(rel)
            elif rel not in (MANIFEST, SIGNATURE):
                files.append(rel)
    if system is not None:
        system.sort()
    return sorted(files), odd


def report_files(folder: Path) -> list[str]:
    """Every regular file (POSIX relative paths, sorted) but the manifest and its signature."""
    return scan(folder)[0]


def build_manifest(folder: Path, journal: dict[str, Any] | None = None) -> dict[str, Any]:
    """``journal``: the session chain's length and head the report was built from (its anchor)."""
    files = {}
    for rel in report_files(folder):
        p = folder / rel
        files[rel] = {"sha256": _sha256_file(p), "size": p.stat().st_size}
    data: dict[str, Any] = {"format": MANIFEST_FORMAT, "algorithm": "sha256", "files": files}
    if journal is not None:
        data["journal"] = journal
    return data


def dumps(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def write_manifest(folder: Path, journal: dict[str, Any] | None = None) -> bytes:
    data = dumps(build_manifest(folder, journal))
    (folder / MANIFEST).write_bytes(data)
    return data


def _message(manifest_sha256: str, signed_at: str) -> bytes:
    return f"{SIGNATURE_FORMAT}\n{manifest_sha256}\n{signed_at}\n".encode()


def sign_manifest(folder: Path, signer: Signer, *, now: datetime | None = None) -> dict[str, Any]:
    manifest = (folder / MANIFEST).read_bytes()
    digest = hashlib.sha256(manifest).hexdigest()
    signed_at = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sig = {
        "format": SIGNATURE_FORMAT,
        "algorithm": "ed25519",
        "public_key": signer.public.b64,
        "fingerprint": signer.public.fingerprint,
        "manifest_sha256": digest,
        "signed_at": signed_at,
        "signature": base64.b64encode(signer.sign(_message(digest, signed_at))).decode(),
    }
    (folder / SIGNATURE).write_bytes(dumps(sig))
    return sig


@dataclass
class FolderCheck:
    modified: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # a file manager's own files (SYSTEM_FILES): named, no change
    problems: list[str] = field(default_factory=list)  # manifest or signature problems
    unsigned: bool = False  # no signature file, and none was required
    unsigned_required: bool = False  # no signature file where one was required (or a signer's key expected)
    other_signer: str | None = None  # fingerprint of a valid signature by another key than the one expected
    signer: str | None = None  # fingerprint of a valid signature
    signed_at: str | None = None
    manifest: dict[str, Any] | None = None
    disowned: bool = False  # the signature signs another manifest: the files were compared with an unproven one

    @property
    def ok(self) -> bool:
        return not (self.modified or self.missing or self.added or self.problems)


def check_folder(folder: Path, *, trusted: PublicKey | None = None, require_signature: bool = True) -> FolderCheck:
    """Compare the folder with its manifest and check the manifest's signature."""
    result = FolderCheck()
    try:
        raw = (folder / MANIFEST).read_bytes()
        manifest = json.loads(raw)
        files = manifest["files"]
        if (
            manifest.get("format") != MANIFEST_FORMAT
            or manifest.get("algorithm") != "sha256"
            or not isinstance(files, dict)
        ):
            raise ValueError(UNKNOWN_FORMAT)
    except FileNotFoundError:
        result.missing.append(MANIFEST)
        result.problems.append(f"{MANIFEST} absent : rien ne permet de vérifier ce dossier")
        return result
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
        result.modified.append(MANIFEST)
        result.problems.append(f"{MANIFEST} illisible ({_json_reason(exc)})")
        return result
    if raw != dumps(manifest):  # canonical form: not even a space may change
        result.modified.append(MANIFEST)
        result.problems.append(f"{MANIFEST} n'est plus sous sa forme d'origine")
    result.manifest = manifest
    if _check_signature(folder, raw, result, trusted, require_signature):
        _compare_files(folder, files, result)
    else:  # the signature signs another manifest: the files are still compared, with a manifest nothing authenticates
        result.disowned = True
        _unauthenticated(folder, files, result)
    return result


def _unauthenticated(folder: Path, files: dict[str, Any], result: FolderCheck) -> None:
    """The files compared with a manifest the signature does not sign. All as it lists: the signature was
    swapped or the manifest rewritten with them — both are named, neither is known good. Else the manifest is
    (edited, most likely), and what differs is said as differences from it, not as files modified: an edited
    manifest would have the untouched files blamed."""
    found = FolderCheck()
    _compare_files(folder, files, found)
    differ = [*found.modified, *found.missing, *found.added]
    if not differ:  # a swapped signature, or the files and their manifest rewritten together: nothing tells which
        result.modified.append(f"{MANIFEST} / {SIGNATURE}")
        result.problems.append(
            f"fichiers conformes à {MANIFEST}, que la signature n'authentifie pas : la signature a été remplacée, "
            "ou le manifeste réécrit avec les fichiers"
        )
        return
    result.modified.append(MANIFEST)
    shown = ", ".join(differ[:5]) + (", …" if len(differ) > 5 else "")
    result.problems.append(
        tn(
            "{count} fichier diffère de {manifest}, que la signature n'authentifie pas : {files}",
            "{count} fichiers diffèrent de {manifest}, que la signature n'authentifie pas : {files}",
            len(differ),
            "fr",
            manifest=MANIFEST,
            files=shown,
        )
    )


def _compare_files(folder: Path, files: dict[str, Any], result: FolderCheck) -> None:
    """Each file of the folder against its entry in the manifest (``files``), into ``result``."""
    regular, odd = scan(folder, result.ignored)
    present = set(regular)
    for rel in sorted(files):
        if rel in odd:  # a link, even to the very same bytes, is not the file that was signed
            result.modified.append(f"{rel} ({odd.pop(rel)})")
            continue
        if rel not in present:
            result.missing.append(rel)
            continue
        entry = files[rel]
        p = folder / rel
        if (
            not isinstance(entry, dict)
            or p.stat().st_size != entry.get("size")
            or _sha256_file(p) != entry.get("sha256")
        ):
            result.modified.append(rel)
    result.added = sorted([*(present - set(files)), *(f"{rel} ({what})" for rel, what in odd.items())])


_SIG_KEYS = {"format", "algorithm", "public_key", "fingerprint", "manifest_sha256", "signed_at", "signature"}


def _check_signature(
    folder: Path, manifest: bytes, result: FolderCheck, trusted: PublicKey | None, required: bool
) -> bool:
    """Check the signature of ``manifest`` into ``result``; False when it signs another manifest."""
    try:
        sig_raw = (folder / SIGNATURE).read_bytes()
        sig = json.loads(sig_raw)
        if not isinstance(sig, dict):
            raise ValueError(UNKNOWN_FORMAT)
        if sig_raw != dumps(sig):  # re-serialised: the bytes signed are the canonical ones
            raise ValueError(NOT_CANONICAL_FORM)
        if sig.get("format") != SIGNATURE_FORMAT or sig.get("algorithm") != "ed25519" or set(sig) != _SIG_KEYS:
            raise ValueError(UNEXPECTED_FORMAT)
    except FileNotFoundError:  # no proof, not a change: said apart from tampering (verify.verdict_lines)
        if required or trusted is not None:
            result.unsigned_required = True
        else:
            result.unsigned = True
        return True
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
        result.modified.append(SIGNATURE)
        result.problems.append(f"{SIGNATURE} illisible ({_json_reason(exc)})")
        return True
    try:
        key = PublicKey.from_b64(sig["public_key"])
        signature = base64.b64decode(sig["signature"], validate=True)
        signed_at = str(sig["signed_at"])
        # one encoding only: base64 padding bits could otherwise change without changing the bytes
        if base64.b64encode(signature).decode() != sig["signature"] or key.b64 != sig["public_key"]:
            raise SigningKeyError(NON_CANONICAL)
    except (KeyError, TypeError, ValueError, SigningKeyError) as exc:
        result.modified.append(SIGNATURE)
        result.problems.append(f"{SIGNATURE} invalide ({_signature_reason(exc)})")
        return True
    digest = hashlib.sha256(manifest).hexdigest()
    if sig.get("manifest_sha256") != digest:
        recorded = sig.get("manifest_sha256")
        signed, shown = differing(recorded if isinstance(recorded, str) else json.dumps(recorded), digest)
        result.problems.append(
            f"{SIGNATURE} ne signe pas ce manifeste (empreinte signée {signed}, manifeste {shown}) :"
            " l'un des deux a été remplacé"
        )
        return False
    if sig.get("fingerprint") != key.fingerprint:
        result.modified.append(SIGNATURE)
        result.problems.append(f"{SIGNATURE} : empreinte de clé incohérente avec la clé publique")
        return True
    if not key.verify(signature, _message(digest, signed_at)):
        result.modified.append(SIGNATURE)
        result.problems.append(f"{SIGNATURE} : signature invalide")
        return True
    if trusted is not None and trusted.raw != key.raw:  # signed by someone else: said apart, not as tampering
        result.other_signer = key.fingerprint
    result.signer = key.fingerprint
    result.signed_at = signed_at
    return True


#: the digits of a fingerprint shown at least, and past the prefix two differing fingerprints share (:func:`differing`)
_SHOWN_DIGITS, _PAST_COMMON = 16, 4


def differing(first: str, second: str) -> tuple[str, str]:
    """Two fingerprints said to differ, as a person compares them: their first 16 digits, or up to the first digit
    that differs and three more — two fingerprints alike up to their 16th digit read different, never the same prefix
    twice — each cut marked « … » (a fingerprint shown whole has none)."""
    shared = min(len(first), len(second))
    common = next((i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b), shared)
    size = max(_SHOWN_DIGITS, common + _PAST_COMMON)
    return (first if len(first) <= size else first[:size] + "…", second if len(second) <= size else second[:size] + "…")


#: the bench's own reasons a manifest or a signature file cannot be read (:func:`_json_reason` says them as is)
UNKNOWN_FORMAT = _t("format inconnu")
NOT_CANONICAL_FORM = _t("forme non canonique")
UNEXPECTED_FORMAT = _t("format ou algorithme inattendu")
_OWN_REASONS = (UNKNOWN_FORMAT, NOT_CANONICAL_FORM, UNEXPECTED_FORMAT)

#: why a signature's fields cannot serve, in French (the base64 library's messages are English)
NON_CANONICAL = _t("encodage base64 non canonique")
UNREADABLE_BASE64 = _t("signature ou clé publique : base64 illisible")


def _signature_reason(exc: Exception) -> str:
    """The bench's own reason (a key of the wrong size, a non-canonical encoding), else base64 that does not
    decode (binascii's ValueError) or a field of the wrong type."""
    if isinstance(exc, SigningKeyError):
        return str(exc)
    return UNREADABLE_BASE64 if isinstance(exc, ValueError) else UNKNOWN_FORMAT


def _json_reason(exc: Exception) -> str:
    """Why a manifest or a signature could not be read, in French (Python's JSON errors are English)."""
    if (reason := json_reason(exc)) is not None:
        return reason
    if isinstance(exc, ValueError) and str(exc) in _OWN_REASONS:
        return str(exc)
    return UNKNOWN_FORMAT  # a list where an object was expected, a field missing
