"""``testbench keys``: the report signer's Ed25519 key pair."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from testbench.i18n import LANGUAGES, translator
from testbench.runner.exits import EXIT_OK, EXIT_USAGE


def register(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("keys", help="clés de signature des rapports (Ed25519)")
    keys_sub = keys.add_subparsers(dest="keys_command")
    init = keys_sub.add_parser("init", help="créer la paire de clés du signataire")
    init.add_argument("--key", type=Path, default=None, metavar="FICHIER", help="clé privée à créer")
    init.add_argument("--force", action="store_true", help="remplacer une clé existante")
    init.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    init.set_defaults(func=cmd_init)
    show = keys_sub.add_parser("show", help="afficher la clé publique et son empreinte")
    show.add_argument("--key", type=Path, default=None, metavar="FICHIER")
    show.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    show.set_defaults(func=cmd_show)
    keys.set_defaults(func=lambda args: (keys.print_help(), EXIT_USAGE)[1])


def cmd_init(args: argparse.Namespace) -> int:
    from testbench.fmt import os_reason
    from testbench.signing import SigningKeyError, default_key_path, init_key, pretty_fingerprint, public_path

    t = translator(args.lang)
    path = args.key or default_key_path()
    if (path.parent / "manifest.json").exists() or path.suffix == ".tbsession":
        refusal = t("refus d'écrire une clé privée dans un dossier de rapport")
        print(f"testbench keys: {path}: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    try:
        public = init_key(path, force=args.force)
    except SigningKeyError as exc:
        print(f"testbench keys: {t(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"testbench keys: {path}: {os_reason(exc, t)}", file=sys.stderr)
        return EXIT_USAGE
    private = t("clé privée : {path} (lisible par vous seul ; ne la copiez ni dans une session ni dans un rapport)")
    print(private.format(path=path))
    print(t("clé publique : {key}").format(key=public_path(path)))
    _print_fingerprint(public.fingerprint, pretty_fingerprint(public.fingerprint), t)
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from testbench.signing import SigningKeyError, default_key_path, load_signer, pretty_fingerprint

    t = translator(args.lang)
    path = args.key or default_key_path()
    try:
        public = load_signer(path).public
    except SigningKeyError as exc:
        print(f"testbench keys: {t(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    print(t("clé publique : {key}").format(key=public.b64))
    _print_fingerprint(public.fingerprint, pretty_fingerprint(public.fingerprint), t)
    return EXIT_OK


def _print_fingerprint(fingerprint: str, pretty: str, t: Callable[[str], str]) -> None:
    label = t("empreinte : ")
    print(f"{label}{fingerprint}")
    print(f"{' ' * len(label)}{pretty}")
