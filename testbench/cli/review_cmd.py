"""``testbench review``: a reviewer accepts or overrides a case's verdict, with a reason, as a signed entry.

The original verdict is never rewritten; reports show both.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testbench.domain.verdict import Verdict
from testbench.i18n import colon, translator
from testbench.runner.exits import EXIT_OK, EXIT_USAGE
from testbench.runner.options import PathValue

#: The verdicts a reviewer may retain, in the order they are listed to a person.
OVERRIDABLE = (Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, Verdict.ERROR, Verdict.SKIPPED)


def register(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help="annoter un cas (accepter ou remplacer son verdict), entrée signée")
    review.add_argument("session", type=PathValue("SESSION"), metavar="SESSION", help="fichier de session (.tbsession)")
    review.add_argument("case", metavar="CAS", help="identifiant du cas revu")
    action = review.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--accept",
        action="store_true",
        help="accepter (confirmer) le verdict enregistré : un échec accepté reste un échec",
    )
    action.add_argument(
        "--override",
        metavar="VERDICT",
        help="remplacer le verdict",
    )
    action.add_argument("--comment", action="store_true", help="simple commentaire")
    review.add_argument("--reason", required=True, metavar="MOTIF", help="motif (obligatoire)")
    review.add_argument("--reviewer", default=None, metavar="NOM", help="nom du relecteur (défaut : l'utilisateur)")
    review.add_argument("--casebook", default=None, metavar="SHA256", help="empreinte du cahier si l'id est ambigu")
    review.add_argument(
        "--key",
        type=PathValue("--key"),
        default=None,
        metavar="FICHIER",
        help="clé privée de signature (défaut : $TESTBENCH_SIGNING_KEY, sinon testbench/signing-key.pem dans"
        " $XDG_CONFIG_HOME ou ~/.config, dans APPDATA sous Windows)",
    )
    review.add_argument("--lang", choices=("fr", "en"), default=None, help="langue (fr par défaut)")
    review.set_defaults(func=cmd_review)


def _fold(text: str) -> str:
    """Case, accents (as ``-k`` reads them), hyphens and spacing do not matter: « Non-Concluant » is « non
    concluant »."""
    from testbench.casebook.selection import fold

    return " ".join(fold(text).replace("-", " ").replace("_", " ").split())


def parse_verdict(text: str) -> Verdict | None:
    """The verdict named in French (« réussi »), in English (« passed ») or by its stored value (``pass``)."""
    english = translator("en")
    key = _fold(text)
    for verdict in OVERRIDABLE:
        if key in {_fold(verdict.value), _fold(verdict.label_fr), _fold(english(verdict.label_fr))}:
            return verdict
    return None


def _unknown_verdict(text: str, lang: str | None) -> str:
    english = translator("en")
    return translator(lang)("verdict inconnu « {name} » ; noms valides : {french} (en anglais : {english})").format(
        name=text,
        french=", ".join(v.label_fr for v in OVERRIDABLE),
        english=", ".join(english(v.label_fr) for v in OVERRIDABLE),
    )


def cmd_review(args: argparse.Namespace) -> int:
    import getpass

    verdict = parse_verdict(args.override) if args.override is not None else None
    if args.override is not None and verdict is None:
        print(f"testbench review{colon(args.lang)}{_unknown_verdict(args.override, args.lang)}", file=sys.stderr)
        return EXIT_USAGE
    from testbench.signing import SigningKeyError, default_key_path, load_signer
    from testbench.store.annotations import AnnotationError, add_annotation
    from testbench.store.connection import SessionError
    from testbench.store.session import SessionStore

    t = translator(args.lang)  # the key, the store and the annotations say it in French
    key = args.key or default_key_path()
    try:
        signer = load_signer(key)  # a public key given here is named so
    except SigningKeyError as exc:
        print(f"testbench review{colon(args.lang)}{t(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    if not args.session.is_file():
        from testbench.store.connection import not_a_file  # a named pipe, a device: said, never waited on

        other = not_a_file(args.session)
        said = t(other if other else f"{args.session} : fichier de session introuvable")
        print(f"testbench review{colon(args.lang)}{said}", file=sys.stderr)
        return EXIT_USAGE
    action = "accept" if args.accept else "override" if args.override else "comment"
    refusal, casebook = _preflight(args.session, args.case, args.casebook, action)
    if refusal:
        print("\n".join(f"testbench review{colon(args.lang)}{t(line)}" for line in refusal), file=sys.stderr)
        return EXIT_USAGE
    reviewer = args.reviewer or getpass.getuser()
    try:
        with SessionStore.open(args.session, create=False) as store:
            ident = add_annotation(
                store,
                signer,
                args.case,
                action,
                args.reason,
                reviewer,
                verdict=verdict.value if verdict else None,
                casebook_sha=casebook,
            )
    except (SessionError, AnnotationError) as exc:
        print(f"testbench review{colon(args.lang)}{t(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    done = t("annotation {ident} enregistrée et signée ({fingerprint}…)")
    print(done.format(ident=ident, fingerprint=signer.public.fingerprint[:16]))
    return EXIT_OK


def _preflight(session: Path, case_id: str, casebook: str | None, action: str) -> tuple[list[str], str | None]:
    """Read-only checks before anything is written (French lines, [] when none) and the casebook's full SHA-256
    (``casebook``, a unique prefix of it, resolved): a file that is no session (empty, another program's, a
    newer schema) is not made one, a session whose chain is broken gets no reviewer's signature — the check
    ``merge`` runs on its inputs — and a review refused for its case (absent, in several casebooks, nothing to
    review) leaves the file as it was: opening it to write would record this process as its writer."""
    from testbench.store.annotations import RESUME_COMMAND, review_refusal
    from testbench.store.connection import SessionError
    from testbench.store.read import modified_entries, read_session

    try:
        modified = modified_entries(session)
        if modified:
            return [*modified, "revue refusée : la session a été modifiée"], None
        with read_session(session) as view:
            shas = [sha for sha, case, _, _ in view.recorded_cases() if case == case_id]
            if not shas:
                return [f"cas {case_id} absent de la session"], None
            chosen: str | None = None
            if casebook is not None:
                refusal, chosen = _casebook(case_id, casebook, shas)
                if refusal:
                    return refusal, None
            elif len(shas) == 1:
                chosen = shas[0]
            else:
                return [f"cas {case_id} présent dans plusieurs cahiers : précisez --casebook EMPREINTE"], None
            latest = view.attempts_of((chosen, case_id))
    except SessionError as exc:
        return [str(exc)], None
    recorded = latest[-1].verdict if latest else None
    refusal_text = review_refusal(case_id, recorded, resume=RESUME_COMMAND) if action != "comment" else None
    return ([refusal_text] if refusal_text else []), chosen


def _casebook(case_id: str, given: str, shas: list[str]) -> tuple[list[str], str | None]:
    """The one casebook of ``case_id`` whose SHA-256 starts with ``given`` (8 hex digits at least)."""
    prefix = given.strip().lower()
    listed = ", ".join(f"{sha[:12]}…" for sha in sorted(shas))
    if len(prefix) < 8 or any(c not in "0123456789abcdef" for c in prefix):
        return [f"--casebook {given} : empreinte SHA-256 attendue (8 chiffres hexadécimaux au moins)"], None
    found = [sha for sha in shas if sha.startswith(prefix)]
    if not found:
        return [
            f"aucun cahier de la session n'a l'empreinte {given} pour le cas {case_id} ; cahiers du cas : {listed}"
        ], None
    if len(found) > 1:
        return [f"--casebook {given} désigne plusieurs cahiers du cas {case_id} ({listed}) : précisez"], None
    return [], found[0]
