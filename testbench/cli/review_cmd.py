"""``testbench review``: a reviewer accepts or overrides a case's verdict, with a reason, as a signed entry.

The original verdict is never rewritten; reports show both.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testbench.cli.main import EXIT_OK, EXIT_USAGE
from testbench.runner.verdict import Verdict


def register(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help="annoter un cas (accepter ou remplacer son verdict), entrée signée")
    review.add_argument("session", type=Path, metavar="SESSION")
    review.add_argument("case", metavar="CASE")
    action = review.add_mutually_exclusive_group(required=True)
    action.add_argument("--accept", action="store_true", help="accepter le verdict enregistré")
    action.add_argument(
        "--override", choices=[v.value for v in Verdict if v.is_final], metavar="VERDICT", help="remplacer le verdict"
    )
    action.add_argument("--comment", action="store_true", help="simple commentaire")
    review.add_argument("--reason", required=True, help="motif (obligatoire)")
    review.add_argument("--reviewer", default=None, help="nom du relecteur (défaut : l'utilisateur)")
    review.add_argument("--casebook", default=None, metavar="SHA256", help="empreinte du cahier si l'id est ambigu")
    review.add_argument("--key", type=Path, default=None, metavar="FILE", help="clé privée de signature")
    review.set_defaults(func=cmd_review)


def cmd_review(args: argparse.Namespace) -> int:
    import getpass

    from testbench.integrity.signing import SigningKeyError, default_key_path, load_signer
    from testbench.store.annotations import AnnotationError, add_annotation
    from testbench.store.session import SessionError, SessionStore

    try:
        signer = load_signer(args.key or default_key_path())
    except SigningKeyError as exc:
        print(f"testbench review: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.session.is_file():
        print(f"testbench review: {args.session}: fichier de session introuvable", file=sys.stderr)
        return EXIT_USAGE
    action = "accept" if args.accept else "override" if args.override else "comment"
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
                verdict=args.override,
                casebook_sha=args.casebook,
            )
    except (SessionError, AnnotationError) as exc:
        print(f"testbench review: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"annotation {ident} enregistrée et signée ({signer.public.fingerprint[:16]}…)")
    return EXIT_OK
