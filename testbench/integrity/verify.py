"""Offline verification of a report folder or of a session file, naming exactly what changed."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from testbench.integrity import chain
from testbench.integrity.manifest import check_folder
from testbench.integrity.signing import PublicKey


class VerifyUsageError(Exception):
    """The path is neither a report folder nor a session file."""


@dataclass
class Verdict:
    ok_lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.problems or self.modified or self.missing or self.added)

    def lines(self) -> list[str]:
        out = [f"modifié : {p}" for p in self.modified]
        out += [f"manquant : {p}" for p in self.missing]
        out += [f"ajouté : {p}" for p in self.added]
        out += self.problems
        return out


def verify_report(
    folder: Path, *, trusted: PublicKey | None = None, session: Path | None = None, allow_unsigned: bool = False
) -> Verdict:
    result = Verdict()
    folder_check = check_folder(folder, trusted=trusted, require_signature=not allow_unsigned)
    result.modified, result.missing, result.added = folder_check.modified, folder_check.missing, folder_check.added
    result.problems += folder_check.problems
    if folder_check.manifest is None:
        return result
    n_files = len(folder_check.manifest["files"])
    if folder_check.signer:
        result.ok_lines.append(
            f"signature Ed25519 valide, clé {folder_check.signer} (signé le {folder_check.signed_at})"
        )
    if not (result.modified or result.missing or result.added):
        result.ok_lines.append(f"{n_files} fichiers conformes au manifeste")
    report_data = _json(folder / "report.json")
    report_head, chain_items = _report_chain(folder, report_data, result)
    if chain_items is not None:
        links = chain.verify_links(chain_items)
        result.problems += links.problems
        if report_head is not None and links.head != report_head:
            result.problems.append("journal-chain.json ne correspond pas à la tête de chaîne annoncée par report.json")
        if links.ok:
            result.ok_lines.append(f"chaîne du journal cohérente ({links.length} entrées, tête {links.head[:16]}…)")
    signer = report_data.get("signer") if isinstance(report_data, dict) else None
    signer_fp = signer.get("fingerprint") if isinstance(signer, dict) else None
    if folder_check.signer and signer_fp and signer_fp != folder_check.signer:
        result.problems.append("le rapport annonce une autre clé de signature que celle qui l'a signé")
    if session is not None and chain_items is not None:
        _compare_with_session(session, chain_items, result)
    return result


def _json(path: Path) -> object:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


_ENTRY_TYPES = {"seq": int, "kind": str, "first_id": int, "last_id": int, "digest": str, "prev": str, "hash": str}


def _report_chain(
    folder: Path, report_data: object, result: Verdict
) -> tuple[str | None, list[dict[str, object]] | None]:
    head = None
    # a broken report.json is already named by the manifest check
    with contextlib.suppress(KeyError, TypeError):
        head = report_data["integrity"]["chain_head"]  # type: ignore[index]
    data = _json(folder / "journal-chain.json")
    items = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(
        isinstance(e, dict) and set(e) == set(_ENTRY_TYPES) and all(type(e[k]) is t for k, t in _ENTRY_TYPES.items())
        for e in items
    ):
        if (folder / "journal-chain.json").exists():
            result.problems.append("journal-chain.json illisible ou incomplet")
        return head, None
    return head, items


def _compare_with_session(session: Path, items: list[dict[str, object]], result: Verdict) -> None:
    session_verdict = verify_session(session)
    result.problems += [f"session : {p}" for p in session_verdict.problems]
    conn = _open(session)
    try:
        live = chain.entries(conn)
    finally:
        conn.close()
    if [e["hash"] for e in live[: len(items)]] != [e["hash"] for e in items]:
        result.problems.append("le rapport n'a pas été construit depuis cette session (chaînes différentes)")
    elif len(live) > len(items):
        result.ok_lines.append(f"session : {len(live) - len(items)} entrée(s) ajoutée(s) depuis le rapport (revue ?)")
    else:
        result.ok_lines.append("le rapport correspond à la session")


def _open(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise VerifyUsageError(f"{path}: fichier de session introuvable")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute("SELECT 1 FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise VerifyUsageError(f"{path}: n'est pas un fichier de session lisible ({exc})") from None
    return conn


def verify_session(path: Path) -> Verdict:
    from testbench.store.annotations import read_annotations

    result = Verdict()
    conn = _open(path)
    try:
        report = chain.verify(conn)
        result.problems += report.problems
        if report.ok:
            result.ok_lines.append(f"chaîne du journal intègre ({report.length} entrées, tête {report.head[:16]}…)")
        for (_, case_id), items in sorted(read_annotations(conn).items()):
            for a in items:
                if not a.valid:
                    result.problems.append(f"annotation {a.id} du cas {case_id} : signature invalide")
    except sqlite3.DatabaseError as exc:
        raise VerifyUsageError(f"{path}: n'est pas un fichier de session lisible ({exc})") from None
    finally:
        conn.close()
    return result
