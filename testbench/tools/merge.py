"""Reruns and CI shards into one new session, every attempt kept (``testbench merge``; the workstation's
« Fusionner »)."""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testbench.i18n import _t, colon, semicolon, tn
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE
from testbench.store.model import ProductVersion
from testbench.tools.outputs import cannot_write, write_problem
from testbench.tools.result import Render, ToolResult, forced_by, french

#: an input that is a wildcard pattern no file matches: the shell left it as written (a CI's merge job whose
#: shards' artifacts were not downloaded there)
PATTERN_UNMATCHED = _t(
    "{pattern} : aucun fichier ne correspond à ce motif ; les sessions des partitions sont-elles dans ce dossier"
    " (artefacts des jobs téléchargés) ?"
)
#: shards of different campaigns: what makes them one, and what to do with those that are not
OTHER_CAMPAIGN_TODO = _t(
    "les partitions d'une campagne se fusionnent entre elles seulement : lancez-les toutes avec les mêmes cahiers"
    " (mêmes octets), la même sélection (-k, --tag) et le même N de --shard, et fusionnez chaque campagne à part"
)


def merge_tool(
    sessions: Sequence[Path],
    output: Path,
    *,
    allow_tampered: bool = False,
    allow_missing_shards: bool = False,
    allow_mixed_versions: bool = False,
    allow_unfinished: bool = False,
    folder_problem: Callable[[Path], str | None] | None = None,
    missing_shards_option: str = "--allow-missing-shards",
    tampered_option: str = "--allow-tampered",
    mixed_versions_option: str = "--allow-mixed-versions",
    unfinished_option: str = "--allow-unfinished",
) -> ToolResult:
    """Merge ``sessions`` into ``output``; exit 3 when an input cannot be read or a run still writes it (its lock
    taken, as ``run`` refuses it), a shard is missing, the shards' retained verdicts come from different engine
    or software versions (a shard retried on another version) or the output's folder is refused
    (``folder_problem``: the caller's rule, its sentence in French; by default the folder must exist), 2 when
    the disk fails it. A missing shard's refusal names ``missing_shards_option`` (the CLI's flag, or the window's
    field) as what merges anyway; a modified input's, ``tampered_option``; mixed versions',
    ``mixed_versions_option``; an input whose last run never ended (killed: the cases it committed may be in a
    ``-wal`` left behind), ``unfinished_option``."""
    from testbench.runner.shard import MERGED_SHARDS_META, check_shards
    from testbench.store.connection import SessionError
    from testbench.store.merge import MergeError, bench_never_started, input_meta, merge_sessions, unfinished
    from testbench.store.read import SHARD_META, recorded_casebooks

    result = ToolResult()
    working = _working_file(sessions, output)  # the merge would replace it before reading it
    if working is not None:
        return result.fail(EXIT_USAGE, working)
    unreadable = [problem for problem in map(_unreadable, sessions) if problem]
    for line in unreadable:  # before the shards: an input not there is not a missing shard
        result.warn(french(line), prefixed=True)
    for pattern in [path for path in sessions if not os.path.lexists(path) and glob.has_magic(str(path))]:
        result.warn(lambda t, _lang, pattern=pattern: t(PATTERN_UNMATCHED).format(pattern=pattern), prefixed=True)
    if unreadable:
        result.code = EXIT_USAGE
        return result
    # a merged input holds shards; an input of another campaign names its casebooks whose bytes differ
    records = input_meta(sessions, SHARD_META, MERGED_SHARDS_META)
    # its last run's bench never started; a whole campaign run holds the cases of the shards it stands for
    shards = check_shards(records, recorded_casebooks, bench_never_started, _selected, _deal)
    if shards.campaign is not None:
        shards.campaign = _campaign_order(records, shards.campaign)
    if not allow_unfinished:
        _say_unfinished(result, [path for path in sessions if unfinished(path)], unfinished_option)
    for line in shards.problems:
        result.warn(french(line), prefixed=True)
    if shards.problems:  # what to do, once
        result.warn(french(OTHER_CAMPAIGN_TODO), prefixed=True)
    # the cover would say « versions mélangées »: a shard retried on another engine or software version
    standing = shards.by_cases, shards.count  # a whole campaign run standing for shards: its verdicts count too
    mixed = _mixed_versions(records, *standing) if shards.campaign is not None and not shards.problems else None
    if mixed is not None and not allow_mixed_versions:
        _say_mixed(result, mixed)
        result.warn(
            lambda t, _lang: t(
                "fusion refusée : {option} pour fusionner quand même (la couverture du rapport dira « versions"
                " mélangées »)"
            ).format(option=forced_by(mixed_versions_option, t)),
            prefixed=True,
        )
    # another campaign's shard: no flag merges it (what to do is said above), so the missing ones' is not offered
    if shards.missing and not allow_missing_shards and not shards.problems:
        for line in [*shards.not_started, *shards.not_held]:
            result.warn(french(line), prefixed=True)
        missing = ", ".join(shards.missing)
        result.warn(
            lambda t, lang: tn(
                "partition manquante : {shards} ; {option} pour fusionner quand même (ses cas restent non exécutés)",
                "partitions manquantes : {shards} ; {option} pour fusionner quand même (leurs cas"
                " restent non exécutés)",
                len(shards.missing),
                lang,
                shards=missing,
                option=forced_by(missing_shards_option, t),
            ),
            prefixed=True,
        )
    if result.lines:
        result.code = EXIT_USAGE
        return result
    folder = (folder_problem or _missing_folder)(output)
    if folder is not None:
        return result.fail(EXIT_USAGE, french(folder))
    unwritable = write_problem(output)  # a read-only mount: said before anything is read or written
    if unwritable is not None:
        return result.fail(EXIT_USAGE, unwritable)
    try:
        held = shards.merged_record()  # so that this merge can be merged again with a later retry of a shard
        merged = merge_sessions(
            list(sessions),
            output,
            allow_tampered=allow_tampered,
            selection=shards.campaign,
            meta={MERGED_SHARDS_META: held} if held else None,
        )
    except MergeError as exc:
        for line in exc.lines:
            result.warn(french(line), prefixed=True)
        if exc.tampered:
            result.warn(
                lambda t, _lang: t(
                    "{option} pour fusionner quand même : la session fusionnée relève ces modifications"
                ).format(option=forced_by(tampered_option, t)),
                prefixed=True,
            )
        result.code = EXIT_ENVIRONMENT if exc.environment else EXIT_USAGE
        return result
    except (OSError, SessionError) as exc:  # the folder, writable when checked, refused the merge's own files
        said = french(str(exc)) if isinstance(exc, SessionError) else cannot_write(output, exc)
        return result.fail(EXIT_ENVIRONMENT, said)
    campaign = len(shards.campaign) if shards.campaign is not None else None

    def summary(_t: Callable[[str], str], lang: str | None) -> str:
        counts = (
            tn("{count} session", "{count} sessions", merged.sessions, lang),
            tn("{count} cas", "{count} cas", merged.cases, lang),
            tn("{count} tentative", "{count} tentatives", merged.attempts, lang),
        )
        text = f"{output}{colon(lang)}{', '.join(counts)}"
        if merged.duplicates:
            text += tn(
                ", {count} tentative en double ignorée",
                ", {count} tentatives en double ignorées",
                merged.duplicates,
                lang,
            )
        if campaign is not None:
            text += tn(", campagne de {count} cas", ", campagne de {count} cas", campaign, lang)
        return text

    result.say(summary)
    _say_held_by_cases(result, shards.by_cases, shards.count)
    for line in merged.notes:  # a forced merge says what it kept
        result.warn(french(line), prefixed=True)
    if merged.forced:
        result.warn(
            lambda t, _lang: t(
                "fusion forcée ({option}) : la session fusionnée relève ces modifications (meta merged_from)"
            ).format(option=forced_by(tampered_option, t)),
            prefixed=True,
        )
    if mixed is not None:  # forced: the versions are said, and the cover says them too
        _say_mixed(result, mixed)
        result.warn(
            lambda t, _lang: t("fusion forcée ({option}) : la couverture du rapport dit « versions mélangées »").format(
                option=forced_by(mixed_versions_option, t)
            ),
            prefixed=True,
        )
    if shards.missing:  # forced: the CI log says which shard's cases stay « non exécuté », as the report does
        result.warn(
            lambda t, lang: tn(
                "fusion forcée ({option}) : partition {shards} absente, ses cas restent non exécutés",
                "fusion forcée ({option}) : partitions {shards} absentes, leurs cas restent non exécutés",
                len(shards.missing),
                lang,
                shards=", ".join(shards.missing),
                option=forced_by(missing_shards_option, t),
            ),
            prefixed=True,
        )
    result.written.append(output)
    return result


def _working_file(sessions: Sequence[Path], output: Path) -> Render | None:
    """The refusal of an input that is the file the merge writes into ``output`` before renaming it (a merge killed
    half-way left it): the merge would replace it, the input lost; None when no input is."""
    from testbench.store.merge import partial_path

    partial = partial_path(output)
    named = next((path for path in sessions if path.resolve() == partial.resolve()), None)
    if named is None:
        return None
    return lambda t, _lang: t(
        "{file} : c'est le fichier où la fusion écrit {output} avant de le renommer, pas une entrée ; choisissez une"
        " autre sortie ou renommez ce fichier"
    ).format(file=named, output=output)


def _unreadable(path: Path) -> str | None:
    """Why the session ``path`` cannot be read or merged yet (a run still writes it; the store's words, French),
    or None."""
    from testbench.store.connection import SessionError, open_readonly
    from testbench.store.merge import refuse_written

    try:
        open_readonly(path).close()
        refuse_written(path)
    except SessionError as exc:
        return str(exc)
    return None


def _selected(path: str) -> list[tuple[str, str]]:
    """The cases an input selected (a whole campaign run: all of them)."""
    from testbench.store.read import recorded_campaign

    return recorded_campaign(path)[0]


def _deal(path: str, campaign: Sequence[tuple[str, str]], count: int) -> list[int] | None:
    """The shard (0-based) of each case of ``campaign``, dealt from the casebooks the input ``path`` records; None
    when they cannot be read (the merge then says why)."""
    from testbench.runner.shard import deal_recorded
    from testbench.store.connection import READ_FAILURES
    from testbench.store.read import read_session

    try:
        with read_session(path) as session:
            return deal_recorded(session, campaign, count)
    except READ_FAILURES:  # a damaged value too (codec.DamagedValue)
        return None


def _say_held_by_cases(result: ToolResult, held: Mapping[str, Sequence[int]], count: int) -> None:
    """Which input that is not a shard stands for which shards (a whole campaign run beside a shard's retry): each
    case's retained verdict is its latest attempt, whichever input it comes from, and the report lists them all."""
    for path, indices in held.items():
        shards = ", ".join(f"{index}/{count}" for index in indices)
        result.warn(
            lambda _t, lang, path=path, shards=shards, indices=indices: tn(
                "{file} : session non partitionnée, elle contient tous les cas de la partition {shards}",
                "{file} : session non partitionnée, elle contient tous les cas des partitions {shards}",
                len(indices),
                lang,
                file=path,
                shards=shards,
            ),
            prefixed=True,
        )


def _say_unfinished(result: ToolResult, paths: Sequence[Path], option: str) -> None:
    """Refuse the inputs whose last run never ended: merged, the cases they lost would read « non exécuté »."""
    for path in paths:
        result.warn(
            lambda t, _lang, path=path: t(
                "{file} : sa dernière exécution n'a pas de fin (interrompue ou tuée, ou session copiée sans son"
                " fichier -wal) : des cas enregistrés peuvent manquer ; reprenez-la (run --resume), fusionnez-la"
                " avec son fichier -wal, ou {option} pour fusionner quand même"
            ).format(file=path, option=forced_by(option, t)),
            prefixed=True,
        )


def _campaign_order(
    records: Sequence[tuple[str, str | None]], campaign: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The merged session's order of the campaign's cases: the shards' own when they all give one order; when
    their casebooks were given in different orders (the same campaign), the casebooks by plan id — never the
    order of the inputs on the command line."""
    from testbench.store.read import recorded_campaign

    orders = {tuple(order) for _, value in records if (order := _recorded_order(value)) is not None}
    if len({order for order in orders if sorted(order) == sorted(campaign)}) <= 1:
        return campaign
    plans = {sha: plan for path, _ in records for sha, (_, plan) in recorded_campaign(path)[1].items()}
    return sorted(campaign, key=lambda key: (plans.get(key[0], ""), key[0]))  # stable: each casebook's own order


def _recorded_order(value: str | None) -> list[tuple[str, str]] | None:
    """The campaign's order a shard's (or a merged session's) meta records; None when it records none."""
    try:
        return [(str(sha), str(case)) for sha, case in json.loads(value or "")["campaign"]]
    except (ValueError, TypeError, KeyError):
        return None


def _missing_folder(output: Path) -> str | None:
    return None if output.parent.is_dir() else f"dossier de sortie introuvable : {output.parent}"


@dataclass(frozen=True)
class _ShardRan:
    """One shard input and the versions its runs ran cases with (in run order)."""

    path: str
    indices: tuple[int, ...]  # the shards it holds (one, or a merged session's)
    count: int
    products: tuple[ProductVersion, ...]
    whole: bool = False  # not a shard: a whole campaign run that holds every case of these shards


def _mixed_versions(
    records: Sequence[tuple[str, str | None]], by_cases: Mapping[str, Sequence[int]], count: int
) -> list[_ShardRan] | None:
    """The shard inputs among ``records`` (file, shard meta) with their versions, when the verdicts the merged
    session would retain — each case's latest attempt among the shards, as the merge orders them — come from
    more than one engine or software version named (the cover's « versions mélangées »); None when from one.
    An input that is not a shard but holds every case of shards (``by_cases``, of ``count`` shards) counts as
    them."""
    from testbench.report.cover import mixed_versions
    from testbench.runner.shard import read_record
    from testbench.store.read import attempt_products

    latest: dict[tuple[str, str], tuple[float, ProductVersion]] = {}
    ran: list[_ShardRan] = []
    for path, value in records:
        held = _held(value, read_record(value))
        whole = held is None and path in by_cases
        if whole:
            held = tuple(by_cases[path]), count
        if held is None:  # a rerun beside the shards: its versions are the person's choice, as for any merge
            continue
        attempts = attempt_products(path)
        for sha, case_id, started, product in attempts:
            if (sha, case_id) not in latest or started > latest[(sha, case_id)][0]:
                latest[(sha, case_id)] = (started, product)
        products = tuple(dict.fromkeys(product for *_, product in attempts))
        ran.append(_ShardRan(path, held[0], held[1], products, whole))
    if not mixed_versions(product for _, product in latest.values()):  # a version one shard leaves blank: not said
        return None
    return ran


def _held(value: str | None, record: dict[str, Any] | None) -> tuple[tuple[int, ...], int] | None:
    """The shards (1-based) an input's meta says it holds and their number; None: not a shard."""
    try:
        if record is not None:
            return (int(record["index"]),), int(record["count"])
        merged = json.loads(value or "")
        return tuple(sorted(map(int, merged["indices"]))), int(merged["count"])
    except (ValueError, TypeError, KeyError):
        return None


def _say_mixed(result: ToolResult, mixed: Sequence[_ShardRan]) -> None:
    """The shards and the versions each ran, one line each, under the sentence that says they differ."""
    from testbench.report.labels import NOT_RECORDED

    result.warn(
        lambda t, _lang: t(
            "versions mélangées entre les partitions : les verdicts retenus ne viennent pas tous des mêmes versions"
            " du moteur et du logiciel testé"
        ),
        prefixed=True,
    )

    def version(t: Callable[[str], str], value: str) -> str:
        return f"{t('version')} {value}" if value else t("version non renseignée")

    def products(t: Callable[[str], str], lang: str | None, shard: _ShardRan) -> str:
        said = (
            t("moteur {engine} {engine_version}, logiciel testé {sut} {sut_version}").format(
                engine=t(p.engine_name) if p.engine_name else t(NOT_RECORDED),
                engine_version=version(t, p.engine_version),
                sut=p.sut_name or t(NOT_RECORDED),
                sut_version=version(t, p.sut_version),
            )
            for p in shard.products
        )
        return semicolon(lang).join(said) or t("aucun cas exécuté")

    for shard in mixed:
        shards = ", ".join(f"{index}/{shard.count}" for index in shard.indices)
        if shard.whole:
            result.warn(
                lambda t, lang, shard=shard, shards=shards: tn(
                    "{file}, session non partitionnée pour la partition {shards} : {versions}",
                    "{file}, session non partitionnée pour les partitions {shards} : {versions}",
                    len(shard.indices),
                    lang,
                    file=shard.path,
                    shards=shards,
                    versions=products(t, lang, shard),
                )
            )
        elif len(shard.indices) == 1:
            result.warn(
                lambda t, lang, shard=shard, shards=shards: t("{file}, partition {shards} : {versions}").format(
                    file=shard.path, shards=shards, versions=products(t, lang, shard)
                )
            )
        else:
            result.warn(
                lambda t, lang, shard=shard, shards=shards: t(
                    "{file}, fusion des partitions {shards} : {versions}"
                ).format(file=shard.path, shards=shards, versions=products(t, lang, shard))
            )
