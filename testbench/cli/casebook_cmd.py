"""``testbench validate``: check casebooks (schema + semantic rules) without running anything.

Exit 0 when every file is valid (one summary line per file on stdout), 3 when any problem is found
(every ``file:line:col: message`` on stderr). Bad input never produces a traceback.

``--watch`` checks once, prints the whole result, then re-checks on every save and prints only what
changed (everything on stdout: it is a running log); Ctrl-C ends it with exit 0.
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from testbench.fmt import os_reason
from testbench.i18n import LANGUAGES, colon, default_language, tn, translator
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE
from testbench.runner.options import PathValue

if TYPE_CHECKING:
    from datetime import date

    from testbench.casebook.act_codes import KnownCodes
    from testbench.casebook.changes import Moves
    from testbench.casebook.errors import Problem
    from testbench.casebook.loader import LoadLimits
    from testbench.casebook.model import Casebook

#: One file's result: the casebook when it loaded, and its problems (empty when valid).
Result = tuple["Casebook | None", "list[Problem]"]


#: ``--max-size``'s bounds, in mebibytes (its « Mo »): one byte at least, and 1 Gio, far above any casebook (the
#: default is 20 Mo) and below what reading one into memory would cost
MEGABYTE = 1024 * 1024
MAX_MEGABYTES = 1024


def megabytes(text: str) -> int:
    """``--max-size`` as argparse's type: a size in Mo (a French decimal comma read as the point) as a number of
    bytes, from one byte to :data:`MAX_MEGABYTES`; else a usage error naming those bounds, in the person's
    language. A value under one byte was a limit of 0 bytes, and one past the bound « doit être positif »."""
    try:
        size = float(text.strip().replace(",", "."))
    except ValueError:
        size = float("nan")
    if not 0 < size <= MAX_MEGABYTES or int(size * MEGABYTE) < 1:  # nan fails the first test
        t = translator()
        said = t("« {value} » n'est pas une taille en Mo entre 1 octet et {limit} Mo (par exemple 40 ou 0,5)")
        raise argparse.ArgumentTypeError(said.format(value=text, limit=MAX_MEGABYTES))
    return int(size * MEGABYTE)


def register(sub: argparse._SubParsersAction) -> None:
    validate = sub.add_parser(
        "validate",
        help="valider des cahiers de tests (schéma et règles), sans rien exécuter",
        description="Valide chaque cahier de tests et signale chaque problème sous la forme fichier:ligne:colonne.",
    )
    validate.add_argument(
        "casebooks", nargs="+", type=PathValue("CAHIER"), metavar="CAHIER",
        help="un ou plusieurs cahiers de tests à valider (XML)",
    )
    validate.add_argument(
        "--max-size",
        type=megabytes,
        default=None,
        metavar="MO",
        help="taille maximale d'un fichier en mégaoctets (défaut : 20)",
    )
    validate.add_argument(
        "--watch",
        action="store_true",
        help="revalider à chaque enregistrement et n'afficher que ce qui change (Ctrl-C pour arrêter)",
    )
    validate.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    validate.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    from testbench.casebook.loader import LoadLimits

    lang = args.lang or default_language()
    t = translator(lang)
    limits = LoadLimits(size_option="--max-size")
    if args.max_size is not None:  # in bytes (megabytes() read it)
        limits = LoadLimits(args.max_size, limits.max_depth, limits.size_option)
    if args.watch:
        return _watch(args.casebooks, limits, lang)
    failed = 0
    warnings: dict[Path, list[Problem]] = {}
    for path, (casebook, problems) in _check(args.casebooks, limits, warnings):
        # a warning leaves the file valid: said among its problems, in line order, never counted as one
        said = sorted([*problems, *warnings.get(path, ())], key=_place(path))
        for problem in said:
            print(problem.text(lang), file=sys.stderr)
        if problems:
            failed += 1
            continue
        assert casebook is not None
        print(_summary(lang, path, casebook))
        _warn_too_big_to_run(path, t)
    if failed:
        total = len(args.casebooks)
        print(
            tn(
                "{count} cahier invalide sur {total}",
                "{count} cahiers invalides sur {total}",
                failed,
                lang,
                total=total,
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    return EXIT_OK


def _check(
    paths: Sequence[Path], limits: LoadLimits, warnings: dict[Path, list[Problem]] | None = None
) -> list[tuple[Path, Result]]:
    """Each file checked with the card profiles it names, then case ids checked across the files (a
    duplicate is a problem of both). With ``warnings``, each file's warnings are put there: the invoice lines
    without a tariff whose code the reference engine's tables lack or do not price then (docs/casebook-format.md)."""
    from testbench.cards.profile_check import card_profile_problems
    from testbench.casebook.loader import CaseIds, check_casebook_cases
    from testbench.casebook.problems import declared_cards

    codes = _reference_codes() if warnings is not None else None
    case_ids = CaseIds()
    results = []
    for path in paths:
        found: list[Problem] = []
        casebook, problems, cases = check_casebook_cases(path, limits, codes=codes, warnings=found)
        if warnings is not None:
            warnings[path] = found
        if casebook is not None:
            problems.extend(card_profile_problems(casebook.fixtures.cards.values()))
        else:  # problems of its own: its card profiles are said at once too, not only after the fix
            problems.extend(card_profile_problems(declared_cards(path, limits)))
        # An invalid file's readable cases too; its own problems in line order, its profiles' after them.
        problems.extend(case_ids.add_cases(path, cases))
        problems.sort(key=_place(path))
        results.append((path, (casebook, problems)))
    return results


def _place(path: Path) -> Callable[[Problem], tuple[int, int, int]]:
    """The order a file's problems are said in: its own in line order, then those of other files (its card
    profiles)."""
    own = str(path)
    return lambda p: (0, p.source.line, p.source.col) if p.source.file == own else (1, 0, 0)


def _reference_codes() -> KnownCodes:
    """The LPP codes and NGAP letter keys the reference engine's bundled tables price, and at which dates."""
    from testbench.casebook.act_codes import KnownCodes
    from testbench.engines.reference.tables import load_bundled_tables

    tables = load_bundled_tables()

    def priced_at(nomenclature: str, code: str, day: date) -> bool:
        return tables.tariff(nomenclature, code, day) is not None

    return KnownCodes.of(tables.tariffs, priced_at)


def _warn_too_big_to_run(path: Path, t: Callable[[str], str]) -> None:
    """Valid under a raised --max-size, yet bigger than what ``run`` reads (its limit is fixed)."""
    from testbench.casebook.source import DEFAULT_MAX_BYTES

    try:
        size = path.stat().st_size
    except OSError:
        return
    if size > DEFAULT_MAX_BYTES:
        said = t("attention : {path} dépasse {limit} octets, testbench run le refusera : scindez le cahier")
        print(said.format(path=path, limit=DEFAULT_MAX_BYTES), file=sys.stderr)


def _summary(lang: str, path: Path, casebook: Casebook) -> str:
    ident = casebook.identity
    return tn(
        "{path} : valide — {plan} {evolution} v{version}, {count} cas, sha256 {digest}",
        "{path} : valide — {plan} {evolution} v{version}, {count} cas, sha256 {digest}",
        len(casebook.cases),
        lang,
        path=path,
        plan=ident.plan_id,
        evolution=ident.evolution,
        version=ident.document_version,
        digest=casebook.sha256[:12],
    )


def _say(line: str) -> None:
    print(line, flush=True)  # a pipe (an editor's terminal, a test) sees each line as it happens


def _watch(paths: Sequence[Path], limits: LoadLimits, lang: str) -> int:
    """Check, print everything, then on each save print what changed; Ctrl-C ends with exit 0."""
    from testbench.casebook.changes import moved_lines
    from testbench.casebook.watch import watch_files

    t = translator(lang)
    for folder in sorted({path.parent for path in paths}, key=str):
        if not os.path.isdir(folder):
            print(
                f"testbench validate: {t('{folder} : dossier introuvable, rien à surveiller').format(folder=folder)}",
                file=sys.stderr,
            )
            return EXIT_USAGE
    results = _check(paths, limits)
    texts = _lines_of(_problem_files(results))
    for path, result in results:
        for line in _first_lines(lang, path, result):
            _say(line)
    stop, ready = threading.Event(), threading.Event()
    saves: queue.Queue[set[Path] | OSError | None] = queue.Queue()

    def watcher() -> None:
        try:
            for changed in watch_files(paths, stop, ready=ready):
                saves.put(changed)
        except OSError as exc:  # the OS refuses (too many watches): said below, never a traceback
            saves.put(exc)
        saves.put(None)

    thread = threading.Thread(target=watcher, name="validate-watch", daemon=True)
    thread.start()
    try:
        while not ready.wait(0.2) and thread.is_alive():
            pass  # a wait with a timeout, so Ctrl-C is seen here too
        if ready.is_set():
            watching = tn(
                "surveillance de {count} fichier ; Ctrl-C pour arrêter",
                "surveillance de {count} fichiers ; Ctrl-C pour arrêter",
                len(paths),
                lang,
            )
            _say(watching)
        while True:
            try:
                saved = saves.get(timeout=0.5)  # a timeout, so Ctrl-C is seen on every platform
            except queue.Empty:
                continue
            if saved is None:
                return EXIT_OK
            if isinstance(saved, OSError):
                reason = os_reason(saved, t)
                print(
                    f"testbench validate: {t('surveillance impossible : {reason}').format(reason=reason)}",
                    file=sys.stderr,
                )
                return EXIT_ENVIRONMENT
            before, earlier = dict(results), texts
            results = _check(paths, limits)
            texts = _lines_of(_problem_files(results) | _problem_files(before.items()))
            moves = {file: moved_lines(earlier[file], texts[file]) for file in earlier.keys() & texts.keys()}
            for path, result in results:
                for line in _changed_lines(lang, path, before[path], result, path in saved, moves):
                    _say(line)
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        stop.set()
        thread.join(2)


def _first_lines(lang: str, path: Path, result: Result) -> list[str]:
    casebook, problems = result
    if problems:
        return [problem.text(lang) for problem in problems]
    assert casebook is not None
    return [_summary(lang, path, casebook)]


def _problem_files(results: Iterable[tuple[Path, Result]]) -> set[str]:
    return {problem.source.file for _path, (_casebook, problems) in results for problem in problems}


def _lines_of(files: Iterable[str]) -> dict[str, list[bytes]]:
    """The lines of each file a problem is placed in, as they are now (those that can be read)."""
    texts = {}
    for file in files:
        try:
            texts[file] = Path(file).read_bytes().split(b"\n")
        except (OSError, ValueError):
            continue
    return texts


def _changed_lines(
    lang: str, path: Path, before: Result, after: Result, saved: bool, moves: dict[str, Moves]
) -> list[str]:
    """What changed in one file's result: problems that appeared (+), went away (-), « valide ».

    A problem is the same problem when it has the same message at the place the earlier one moved
    to (:mod:`testbench.casebook.changes`), so a save that shifts lines does not repeat every problem
    and a fix is reported at its own line. A file not saved is named only when its result changed (a
    case id it shares with a saved file).
    """
    from testbench.casebook.changes import changed_problems

    old, new = before[1], after[1]
    appeared, gone = changed_problems(old, new, moves)
    lines = [f"+ {problem.text(lang)}" for problem in appeared] + [f"- {problem.text(lang)}" for problem in gone]
    counts = (
        tn("{count} nouveau problème", "{count} nouveaux problèmes", len(appeared), lang),
        tn("{count} résolu", "{count} résolus", len(gone), lang),
        tn("{count} au total", "{count} au total", len(new), lang),
    )
    head = f"{path}{colon(lang)}{', '.join(counts)}"  # before the + and - lines, a fix included (docs/authoring.md)
    if new:
        if lines:
            return [head, *lines]
        if saved:
            return [
                tn(
                    "{path} : enregistré, rien de changé ({count} problème)",
                    "{path} : enregistré, rien de changé ({count} problèmes)",
                    len(new),
                    lang,
                    path=path,
                )
            ]
        return []
    casebook = after[0]
    assert casebook is not None
    if old:
        return [head, *lines, _summary(lang, path, casebook)]
    if saved:
        return [
            tn(
                "{path} : toujours valide — {count} cas",
                "{path} : toujours valide — {count} cas",
                len(casebook.cases),
                lang,
                path=path,
            )
        ]
    return []
