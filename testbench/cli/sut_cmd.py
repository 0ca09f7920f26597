"""``testbench sut``: the application profile (``sut.toml``) — ``init`` writes a first one, ``check`` tries it.

Exit codes: 0 done (``init`` says each output folder not there yet, as ``check`` does); 2 (``check``) something the
profile declares is not there now — a log that matches no file, an output folder that does not exist —, each said as
a warning (the profile is fine: an application may create them at its first write); 3 usage or invalid input (a
profile that does not load — a file where it names a folder among them: nothing could ever be written there —, a
file already there, an extractor that cannot read what is there now).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testbench.i18n import LANGUAGES, colon, tn, translator
from testbench.runner.exits import EXIT_OK, EXIT_USAGE
from testbench.runner.options import FileValue, PathValue, seconds_or_zero


def register(sub: argparse._SubParsersAction) -> None:
    sut = sub.add_parser("sut", help="profil du logiciel testé (sut.toml) : le créer, le vérifier")
    sut_sub = sut.add_subparsers(dest="sut_command")
    check = sut_sub.add_parser("check", help="montrer ce que le profil capterait et extrairait maintenant")
    check.add_argument(
        "profile", type=PathValue("PROFIL"), metavar="PROFIL", help="profil du logiciel testé (sut.toml)"
    )
    check.add_argument(
        "--lines", type=line_count, default=10, metavar="N", help="lignes de journal montrées par source (1 ou plus)"
    )
    check.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    check.set_defaults(func=cmd_check)
    init = sut_sub.add_parser("init", help="écrire un premier profil en observant le logiciel testé")
    init.add_argument(
        "--output",
        type=FileValue("--output", "sut.toml"),
        default=Path("sut.toml"),
        metavar="FICHIER",
        help="profil à écrire",
    )
    init.add_argument("--name", default="", metavar="NOM", help="nom du logiciel testé")
    init.add_argument("--sut-version", default="", metavar="VERSION", help="version du logiciel testé")
    init.add_argument("--agrement", default="", metavar="NUMÉRO", help="numéro d'agrément ou de test du logiciel")
    init.add_argument("--logs", default="", metavar="GLOB", help="journal de l'application (chemin ou motif)")
    init.add_argument("--fse", default="", metavar="DOSSIER", help="dossier où il écrit ses FSE")
    init.add_argument("--lots", default="", metavar="DOSSIER", help="dossier où il écrit ses lots")
    init.add_argument("--returns", default="", metavar="DOSSIER", help="dossier où il reçoit les retours")
    init.add_argument(
        "--watch-seconds", type=seconds_or_zero, default=5.0, metavar="N", help="durée d'observation des journaux"
    )
    init.add_argument("--yes", action="store_true", help="ne rien demander (ce qui n'est pas donné reste vide)")
    init.add_argument("--force", action="store_true", help="remplacer un profil existant")
    init.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    init.set_defaults(func=cmd_init)
    sut.set_defaults(func=lambda args: (sut.print_help(), EXIT_USAGE)[1])


def line_count(text: str) -> int:
    """``--lines`` as argparse's type: a whole number of 1 or more, else a usage error (0 or less was once
    shown as 1 without a word)."""
    t = translator()
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("« {value} » n'est pas un nombre entier").format(value=text)) from None
    if count < 1:
        raise argparse.ArgumentTypeError(t("« {value} » n'est pas un nombre de lignes (1 ou plus)").format(value=text))
    return count


def cmd_check(args: argparse.Namespace) -> int:
    from testbench.tools.sut import sut_check_tool

    return sut_check_tool(args.profile, lines=args.lines).print("sut check", args.lang)


def _ask(question: str) -> str:
    """One answer from standard input (the question on stderr); the end of input is an empty answer."""
    print(question + colon(), end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def cmd_init(args: argparse.Namespace) -> int:
    from testbench.sut.init import InitAnswers, ask_missing, profile_text, sample_logs
    from testbench.sut.profile import SutProfileError, load_profile, output_warnings

    t = translator(args.lang)
    output: Path = args.output
    if output.exists() and not args.force:
        refusal = t("le fichier existe déjà (--force pour le remplacer)")
        print(f"testbench sut init{colon(args.lang)}{output}{colon(args.lang)}{refusal}", file=sys.stderr)
        return EXIT_USAGE
    answers = InitAnswers(
        logs=args.logs,
        fse=args.fse,
        lots=args.lots,
        returns=args.returns,
        name=args.name,
        version=args.sut_version,
        agrement=args.agrement,
    )
    if not args.yes:
        answers = ask_missing(answers, _ask, t)
    if not answers.name.strip():  # it fills the report's cover: a placeholder there would be a false identity
        refusal = t("le nom du logiciel testé est obligatoire (--name NOM)")
        print(f"testbench sut init{colon(args.lang)}{refusal}", file=sys.stderr)
        return EXIT_USAGE
    sample = None
    if answers.logs:
        seconds = max(0.0, args.watch_seconds)
        print(t("observation des journaux pendant {seconds} s…").format(seconds=f"{seconds:g}"), file=sys.stderr)
        sample = sample_logs(answers.logs, seconds)
        if not sample.files:
            print(t("aucun fichier ne correspond à {pattern}").format(pattern=answers.logs), file=sys.stderr)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(profile_text(answers, sample, output, t), encoding="utf-8")
        profile = load_profile(output)  # what was written must load
    except OSError as exc:
        from testbench.fmt import os_reason

        print(f"testbench sut init{colon(args.lang)}{output}{colon(args.lang)}{os_reason(exc, t)}", file=sys.stderr)
        return EXIT_USAGE
    except SutProfileError as exc:
        print(f"testbench sut init{colon(args.lang)}{exc.text(args.lang)}", file=sys.stderr)
        return EXIT_USAGE
    print(t("profil écrit : {path}").format(path=output))
    for warning in output_warnings(profile):  # a folder not there yet: said now, as sut check says it, not refused
        print(t(warning), file=sys.stderr)
    if sample is not None and sample.files and sample.pattern:
        print(t("format de ligne proposé : heure ISO 8601 | niveau | message (un motif, « pattern », dans le profil)"))
    elif sample is not None and sample.files and sample.fmt == "auto":  # nothing was proposed: said as such
        print(
            t(
                "aucun format connu ne lit ces lignes : format « auto » (chaque fichier choisi à sa lecture) ; pour"
                " en tirer l'heure et le niveau, écrivez un motif (pattern) dans le profil"
            )
        )
    elif sample is not None and sample.files:
        print(t("format de ligne proposé : {fmt}").format(fmt=sample.fmt))
    unfilled = answers.unfilled()
    if unfilled:  # the exam book's cover names them: said now, not found empty on the day
        fields = ", ".join(f"[product].{key}" for key in unfilled)
        print(
            tn(
                "à remplir dans le profil : {fields} (la page de garde du cahier d'examen l'affiche)",
                "à remplir dans le profil : {fields} (la page de garde du cahier d'examen les affiche)",
                len(unfilled),
                args.lang,
                fields=fields,
            )
        )
    print(t("vérifiez-le : testbench sut check {path}").format(path=output))
    return EXIT_OK
