"""Review from the workstation: signed annotations through the store's API (no Textual here).

A reviewer accepts or overrides a case's verdict, or comments on it, always with a reason. The
annotation is signed with the reviewer's Ed25519 key (``testbench keys init``) and appended to the
session by ``testbench.store.annotations``; the recorded verdict is never rewritten, so the original
stays visible beside the retained one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from testbench.domain.verdict import Verdict
from testbench.store.annotations import ACTIONS, AnnotationError, add_annotation
from testbench.store.connection import SessionError
from testbench.store.read import modified_entries
from testbench.store.session import SessionStore

__all__ = ["ReviewError", "add_review", "create_signing_key", "review_choices"]


class ReviewError(ValueError):
    """The annotation cannot be written (French message for the reviewer).

    ``missing_key`` is the signing key's path when the key does not exist yet: the review window
    then offers to create it (:func:`create_signing_key`) without losing what was typed.
    """

    def __init__(self, message: str, *, missing_key: Path | None = None) -> None:
        super().__init__(message)
        self.missing_key = missing_key


#: the review window's choice of a comment (the others are ``accept`` and the verdicts an override can retain)
COMMENT = "comment"


def review_choices(original: str, refusal: str | None) -> list[str]:
    """What the review window offers for a case whose verdict is ``original``: ``accept``, an override by each
    other verdict, ``comment``; only ``comment`` when ``refusal`` (``store.annotations.review_refusal``, the rule
    of ``testbench review``: never run, no verdict) says there is no verdict to accept nor override."""
    if refusal is not None:
        return [COMMENT]
    overrides = (Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, Verdict.ERROR)
    return ["accept", *(v.value for v in overrides if v.value != original), COMMENT]


def add_review(
    session: Path,
    *,
    casebook_sha: str,
    case_id: str,
    reviewer: str,
    action: str,
    original: str,
    reason: str,
    verdict: str | None = None,
    key_path: Path | None = None,
    resume: str = "r",
) -> int:
    """Check, sign and append one annotation; return its id. ``resume``: the key that goes on with a pending
    attempt, as a refusal names it (``store.annotations.review_refusal``)."""
    from testbench.signing import SigningKeyError, default_key_path, load_signer

    if action not in ACTIONS:
        raise ReviewError(f"action inconnue : {action}")
    if not reviewer.strip():
        raise ReviewError("le nom du réviseur est obligatoire")
    if not reason.strip():
        raise ReviewError("Un motif est obligatoire.")
    if action == "override" and (verdict not in {v.value for v in Verdict} or verdict == original):
        raise ReviewError("choisissez un verdict différent du verdict d'origine")
    path = key_path or default_key_path()
    if not path.exists():
        raise ReviewError(f"Pas encore de clé de signature : {path}", missing_key=path)
    try:
        signer = load_signer(path)
    except SigningKeyError as exc:
        raise ReviewError(str(exc)) from None
    try:
        if modified_entries(session):  # as ``testbench review``: no reviewer's signature over an altered record
            raise ReviewError("revue refusée : la session a été modifiée")
        with SessionStore.open(session, create=False) as store:
            return add_annotation(
                store,
                signer,
                case_id,
                action,
                reason.strip(),
                reviewer.strip(),
                verdict=verdict if action == "override" else None,
                casebook_sha=casebook_sha,
                resume=resume,
            )
    except (SessionError, AnnotationError) as exc:
        raise ReviewError(str(exc)) from None


def create_signing_key(path: Path, t: Callable[[str], str] = str) -> str:
    """Create the reviewer's key pair as ``testbench keys init`` does; return its fingerprint. ``t``: the
    workstation's language, for a write that fails (its reason and the path in the sentence)."""
    from testbench.fmt import os_reason
    from testbench.signing import SigningKeyError, init_key, pretty_fingerprint, public_path

    made = [p for p in (path, public_path(path)) if not p.exists()]
    try:
        return pretty_fingerprint(init_key(path).fingerprint)
    except SigningKeyError as exc:
        raise ReviewError(str(exc)) from None
    except OSError as exc:  # a full disk, a key held open on Windows: worded, and no half pair left to refuse later
        for written in made:
            with contextlib.suppress(OSError):
                written.unlink()
        said = t("{path} : écriture impossible ({reason}) ; rien n'y a été changé")
        raise ReviewError(said.format(path=path, reason=os_reason(exc, t))) from None
