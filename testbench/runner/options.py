"""A campaign's options, in one object, and the command-line options generated from it.

``testbench run``, ``testbench ui`` and ``testbench demo`` run cases through the same campaign
(:class:`~testbench.runner.campaign.Campaign`), so they take the same bench, capture and identity
options: each option is declared once here, as a dataclass field whose metadata says its flag, its
help and the commands that offer it; :func:`add_options` puts them on a parser and
:func:`options_from_args` reads them back. A new bench option is one field, offered everywhere.
"""

# ruff: noqa: RUF009 - ``_option`` returns ``dataclasses.field(...)`` (with the option's metadata), not a default

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from testbench.i18n import _t

if TYPE_CHECKING:
    from testbench.sut.profile import SutProfile

RUN, UI, DEMO = "run", "ui", "demo"
#: ``--engine``'s own values: the reference engine out of process (the default) or in the bench's process, and
#: a person performing the steps in the software under test; any other value is an external engine's command
REFERENCE_ENGINE, INPROCESS_ENGINE, OPERATOR_ENGINE = "reference", "inprocess", "operator"
BENCH_ENGINES = frozenset({REFERENCE_ENGINE, INPROCESS_ENGINE, OPERATOR_ENGINE})
IN_BENCH_PROCESS = frozenset({INPROCESS_ENGINE, OPERATOR_ENGINE})  # no engine process: --engine-cards means nothing
#: the protocol's ``cards.mode`` values an out-of-process engine can be started with (``--engine-cards``)
ENGINE_CARDS = ("client", "pcsc", "profiles", "none")
#: the commands that run cases on a bench: they share every bench, capture and identity option
BENCH_COMMANDS = frozenset({RUN, UI, DEMO})


#: the longest time limit a seconds option takes (``--timeout``, ``--engine-timeout``): one day; beyond it the
#: system's own waits refuse the value (« timeout is too large », an OverflowError) and no call is that slow
MAX_SECONDS = 86400


def seconds_problem(text: str, t: Callable[[str], str], *, shown: str | None = None) -> str | None:
    """Why ``text`` is no time limit, in ``t``'s language (:func:`positive_seconds`' rule); None when it is one.

    ``shown``: the value as the person typed it, when ``text`` is its reading (a decimal comma made a point)."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        return t("« {value} » n'est pas un nombre de secondes positif").format(value=shown or text)
    if seconds > MAX_SECONDS:
        said = t("« {value} » dépasse la limite de {limit} secondes (un jour)")
        return said.format(value=shown or text, limit=MAX_SECONDS)
    return None


def positive_seconds(text: str) -> float:
    """A time limit as argparse's type: a finite number of seconds above zero and at most a day
    (:data:`MAX_SECONDS`), else a usage error.

    A limit of 0 or less would end every call at once and read as the engine's fault (« pas de réponse en
    -1 s »), hiding what the engine did; a huge one crashed the system's waits (OverflowError). The message is
    in the person's language (parsing speaks it).
    """
    from testbench.i18n import translator

    problem = seconds_problem(text, translator())
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return float(text)


def seconds_or_zero(text: str) -> float:
    """A duration where 0 means « at once » (a card removed at once, logs read without waiting), else
    :func:`positive_seconds`' rule."""
    try:
        if float(text) == 0:
            return 0.0
    except ValueError:
        pass
    return positive_seconds(text)


def watched_folder(text: str) -> Path:
    """``--watch`` as argparse's type: a folder that exists, else a usage error in the person's language.

    Operator mode watches it for the files the application under test writes; a mistyped path or a drive not
    mounted was watched all the same, found empty at every step, and no FSE nor lot became evidence.
    """
    import os

    from testbench.i18n import translator

    t = translator()
    PathValue("--watch")(text)  # an empty value (a CI variable not set) said empty, as every path option says it
    if os.path.isdir(text):
        return Path(text)
    if os.path.lexists(text):
        raise argparse.ArgumentTypeError(t("« {value} » n'est pas un dossier").format(value=text))
    said = t(
        "dossier introuvable « {value} » (support non monté ?) : le logiciel testé doit y écrire ses FSE et "
        "lots B2 ; créez-le ou corrigez le chemin"
    )
    raise argparse.ArgumentTypeError(said.format(value=text))


def port_number(text: str) -> int:
    """A TCP/UDP port as argparse's type: a whole number from 0 (a free port, chosen by the system) to 65535,
    else a usage error in the person's language (the socket's own error would be a traceback)."""
    from testbench.i18n import translator

    if not text.strip().isdigit() or int(text) > 65535:
        message = translator()("« {value} » n'est pas un port (un nombre de 0 à 65535)")
        raise argparse.ArgumentTypeError(message.format(value=text))
    return int(text)


#: the most benches ``--workers`` takes: each is a reader pair, an engine and its threads, and pcsc-lite serves
#: 16 readers by default; beyond it a count built a list of benches the memory could not hold (OOM-killed) or
#: that Python could not even size (« cannot fit 'int' », an internal error)
MAX_WORKERS = 64


#: ``--workers``' refusal, after the option's name or a window's field (« Bancs en parallèle »); its value as typed
WORKERS_RANGE = _t("un nombre de bancs entre 1 et {max}, pas « {value} »")


def worker_count(text: str) -> int:
    """``--workers`` as argparse's type: a whole number of benches from 1 to :data:`MAX_WORKERS`, else a usage
    error in the person's language (a huge one was an internal error, or the bench killed for memory)."""
    from testbench.i18n import translator

    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(translator()(WORKERS_RANGE).format(max=MAX_WORKERS, value=text))
    return count


#: an external engine's command line without a program: ``run --engine`` and ``engine check`` refuse it (exit 3)
EMPTY_ENGINE_COMMAND = _t("commande du moteur vide")


def empty_engine_command(words: Sequence[str]) -> bool:
    """Whether an external engine's command line, in words, names no program (no word, or a blank first one:
    ``--engine ""``, ``engine check -- ""``): the one rule of ``run --engine`` and ``engine check``."""
    return not words or not words[0].strip()


def engine_option(text: str) -> str:
    """``--engine`` as argparse's type: a bench engine's name, or an external engine's command line that splits
    into words as the system splits it; an empty or unreadable command is a usage error in the person's
    language, refused before any session is created (it was a bench fault once the campaign had started)."""
    from testbench import cmdline
    from testbench.i18n import translator

    if text in BENCH_ENGINES:
        return text
    t = translator()
    try:
        words = cmdline.split(text)
    except ValueError:
        said = t("commande du moteur illisible (guillemet ou « \\ » sans fin) : {engine}")
        raise argparse.ArgumentTypeError(said.format(engine=text)) from None
    if empty_engine_command(words):
        raise argparse.ArgumentTypeError(t(EMPTY_ENGINE_COMMAND))
    if len(words) > 1 and not os.path.lexists(words[0]) and os.path.isfile(text.strip()):
        quoted = cmdline.join([text.strip()])
        raise argparse.ArgumentTypeError(t(ENGINE_PATH_UNQUOTED).format(engine=text, first=words[0], quoted=quoted))
    return text


#: a program's path with blanks given bare: split into words, its first word would be « introuvable » once the run
#: has started (exit 2, a bench that cannot start) though the file is there
ENGINE_PATH_UNQUOTED = _t(
    "commande découpée en mots, comme par le shell : « {first} » n'existe pas, mais « {engine} » est un fichier ;"
    " mettez son chemin entre guillemets : {quoted}"
)


def tag_option(text: str) -> str:
    """``--tag`` as argparse's type: a tag, never an empty one (``--tag ""`` would keep every case unsaid); a
    usage error in the person's language."""
    from testbench.i18n import translator

    if not text.strip():
        raise argparse.ArgumentTypeError(translator()("étiquette vide : --tag attend le tag des cas à garder"))
    return text


def keyword_option(text: str) -> str:
    """``-k`` as argparse's type: an expression, never an empty one (``-k "$FILTER"`` with the CI variable not set
    would run the whole casebook unsaid), refused as an empty ``--tag`` or ``--shard`` is."""
    from testbench.i18n import translator

    if not text.strip():
        said = _t("-k est vide (une variable de la CI non définie ?) : une expression attendue, par exemple id:CAS-001")
        raise argparse.ArgumentTypeError(translator()(said))
    return text


#: a path option given an empty value (``--junit "$JUNIT"``, the CI variable not set), refused as an empty ``-k`` is:
#: read as a path it was the current folder, and its refusal spoke of « . »
EMPTY_PATH = _t("{option} est vide (une variable de la CI non définie ?) : un chemin attendu")


class PathValue:
    """A path option's argparse type: ``Path(text)``, never an empty one (:data:`EMPTY_PATH`, a usage error in the
    person's language)."""

    def __init__(self, option: str) -> None:
        self.option = option

    def __call__(self, text: str) -> Path:
        from testbench.i18n import translator

        if not text.strip():  # a positional's name is its metavar, said as the usage line says it (CAHIER, CASEBOOK)
            name = self.option if self.option.startswith("-") else translator(None, "metavar")(self.option)
            raise argparse.ArgumentTypeError(translator()(EMPTY_PATH).format(option=name))
        return Path(text)


#: a file's path typed with a separator at its end (``--junit test-results/``): ``Path`` drops it, and a file of the
#: folder's name was written where the person expected a folder
FOLDER_FOR_FILE = _t(
    "« {path} » se termine par « {sep} » : c'est un dossier, un fichier est attendu ; indiquez son nom, par exemple"
    " {example}"
)


class FileValue(PathValue):
    """:class:`PathValue` of a file to write (a session, a JUnit): a path ending with a separator names a folder,
    refused with an ``example`` file name in it, rather than a file named as the folder."""

    def __init__(self, option: str, example: str) -> None:
        super().__init__(option)
        self.example = example

    def __call__(self, text: str) -> Path:
        from testbench.i18n import translator

        path = super().__call__(text)
        if (sep := text[-1]) in {os.sep, os.altsep or os.sep, "/"} and text.strip(sep):
            said = translator()(FOLDER_FOR_FILE)
            raise argparse.ArgumentTypeError(said.format(path=text, sep=sep, example=f"{text}{self.example}"))
        return path


#: where :class:`StoreOnce` leaves, on the parsed arguments, the options given more than once (their ``dest``)
REPEATED = "repeated_options"

#: a single-value option given twice (``--session a.db … --session b.db``): argparse kept the last one unsaid
REPEATED_OPTION = _t("{option} est donné plusieurs fois : cette option ne prend qu'une valeur ; gardez-en une seule")


class StoreOnce(argparse.Action):
    """argparse's ``store``, but a second occurrence is noted in :data:`REPEATED` rather than silently replacing
    the first (``--session a.db --session b.db``): every command refuses it (:func:`repeated_refusals`) before it
    acts. The command line's parsers make every ``store`` option one (``testbench.cli.main``). The option is noted
    as typed, for the refusal to name it."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        setattr(namespace, self.dest, values)
        if option_string is None:  # a positional argument: argparse gives it its values once
            return
        typed: dict[str, list[str]] = vars(namespace).setdefault(f"_{REPEATED}_typed", {})
        if self.dest in typed:
            repeated: list[str] = vars(namespace).setdefault(REPEATED, [])
            if self.dest not in repeated:
                repeated.append(self.dest)
        flags = typed.setdefault(self.dest, [])
        if option_string not in flags:
            flags.append(option_string)


def repeated_options(args: argparse.Namespace) -> list[str]:
    """The ``dest`` of the :class:`StoreOnce` options given more than once, in the order they were repeated."""
    return list(getattr(args, REPEATED, []))


def repeated_refusals(args: argparse.Namespace, own: Mapping[str, str] | None = None) -> list[str]:
    """One refusal per :class:`StoreOnce` option given more than once: the option as typed (``-o/--output`` when
    both were) and :data:`REPEATED_OPTION`, or the command's ``own`` sentence for it (its ``dest`` → a French
    text: ``run --shard`` says why a run plays one shard). Empty when none was. In the language the command
    speaks (the first ``--lang``, :func:`testbench.cli.main.requested_language`): ``args.lang`` is the last one
    when ``--lang`` itself is repeated."""
    from testbench.i18n import translator

    t = translator()
    typed: dict[str, list[str]] = getattr(args, f"_{REPEATED}_typed", {})
    said = []
    for dest in repeated_options(args):
        if own and dest in own:
            said.append(t(own[dest]))
        else:
            said.append(t(REPEATED_OPTION).format(option="/".join(typed.get(dest) or [dest])))
    return said


def _option(
    flags: tuple[str, ...], default: Any = None, *, commands: frozenset[str] = BENCH_COMMANDS, **cli: Any
) -> Any:
    """A field declared with its command-line option (``cli``: argparse's keywords)."""
    metadata = {"flags": flags, "commands": commands, "cli": cli}
    if isinstance(default, list):
        return field(default_factory=list, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class BenchOptions:
    """The bench: which engine (and its time limit), which cards, where operator mode watches."""

    engine: str = _option(
        ("--engine",),
        REFERENCE_ENGINE,
        type=engine_option,
        metavar="MOTEUR",
        help="reference (hors processus, défaut), inprocess, operator (l'opérateur réalise les étapes dans le "
        "logiciel testé), ou la commande d'un moteur externe, découpée en mots comme par le shell (un chemin avec "
        "des espaces, entre guillemets dans la commande)",
    )
    engine_timeout: float = _option(
        ("--engine-timeout",),
        10.0,
        type=positive_seconds,
        metavar="SECONDES",
        help="délai de réponse d'un moteur à chaque appel, en secondes (défaut 10, au plus un jour)",
    )
    #: where an out-of-process engine reads the cards (the protocol's ``cards.mode``, docs/engine-protocol.md)
    engine_cards: str = _option(
        ("--engine-cards",),
        "client",
        choices=ENGINE_CARDS,
        help="où un moteur hors processus lit les cartes : client (il demande chaque APDU au banc, défaut), pcsc "
        "(il ouvre lui-même les lecteurs PC/SC du banc, un par emplacement), profiles (il construit les cartes du "
        "cas depuis leurs profils), none (aucune carte)",
    )
    cards: str = _option(
        ("--cards",),
        "auto",
        choices=("auto", "pcsc", "inprocess"),
        help="cartes virtuelles via pcscd (auto : si disponible) ou lecteur en mémoire",
    )
    allow_real_cards: bool = _option(
        ("--allow-real-cards",), False, action="store_true", help="accepter des cartes réelles (hors mode test)"
    )
    # operator mode: the folder where the application writes its FSE / B2 files (the engine's input)
    watch_dir: Path | None = _option(
        ("--watch",),
        type=watched_folder,
        metavar="DOSSIER",
        help="mode opérateur : dossier où le logiciel testé écrit ses FSE et lots B2 (capturés comme pièces)",
    )
    # the application under test as a profile (testbench.sut): identity, logs, output folders, extractors
    sut_profile: Path | None = _option(
        ("--sut-profile",),
        type=PathValue("--sut-profile"),
        metavar="PROFIL",
        help="profil du logiciel testé (sut.toml) : identité, journaux, dossiers de sortie, extracteurs",
    )
    #: the loaded profile (``runner.campaign.apply_profile``), not a command-line option
    profile: SutProfile | None = field(default=None, compare=False)


@dataclass
class CaptureOptions:
    """The application's traces, followed for the whole campaign on the bench's clock."""

    app_logs: list[str] = _option(  # PATH[;channel=…][;format=…] (traces.capture.parse_file_spec)
        ("--app-log",),
        [],
        action="append",
        metavar="SPEC",
        help="journal de l'application à suivre : CHEMIN[;channel=app][;format=auto|log4j|log4crc…]"
        "[;encoding=cp1252][;offset=SECONDES] (répétable, motifs glob acceptés)",
    )
    syslog_port: int | None = _option(
        ("--syslog",),
        type=port_number,
        metavar="PORT",
        help="recevoir le syslog de l'application sur 127.0.0.1:PORT (UDP et TCP ; 0 = port libre)",
    )

    @property
    def active(self) -> bool:
        return bool(self.app_logs) or self.syslog_port is not None


@dataclass
class Identity:
    """The product under test and who tests it, as the report's cover names them."""

    sut: str = _option(("--sut",), "", metavar="NOM", help="logiciel testé (page de garde du rapport)")
    sut_version: str = _option(("--sut-version",), "", metavar="VERSION", help="version du logiciel testé")
    agrement: str = _option(("--agrement",), "", metavar="NUMÉRO", help="numéro d'agrément ou de test du logiciel")
    operator: str = _option(("--operator",), "", metavar="NOM", help="opérateur de la campagne")


@dataclass
class OutputOptions:
    """What the campaign writes besides the session, and in which language people read it."""

    lang: str | None = _option(
        ("--lang",), choices=("fr", "en"), help="langue des messages : fr (défaut) ou en ; aussi TESTBENCH_LANG"
    )
    report: Path | None = _option(
        ("--report",),
        commands=frozenset({RUN}),
        type=PathValue("--report"),
        metavar="DOSSIER",
        help="écrire le rapport HTML à la fin",
    )
    junit: Path | None = _option(
        ("--junit",),
        commands=frozenset({RUN}),
        type=FileValue("--junit", "junit.xml"),
        metavar="FICHIER",
        help="écrire un rapport JUnit XML",
    )


@dataclass
class Selection:
    """Which cases of the casebooks a headless run takes (the workstation picks its own)."""

    keyword: str | None = _option(
        ("-k",),
        commands=frozenset({RUN}),
        type=keyword_option,
        metavar="EXPR",
        help="sélection par mots (and, or, not, parenthèses) ; formes exactes id:, tag:, domain:, mode:"
        " (domain:cartes, mode:dégradé) ; accents et majuscules indifférents",
    )
    tags: list[str] = _option(
        ("--tag",),
        [],
        commands=frozenset({RUN}),
        action="append",
        type=tag_option,
        metavar="TAG",
        help="ne garder que les cas de ce tag",
    )
    # CI shards (testbench.runner.shard): a stable, balanced slice of the selected cases
    shard: str | None = _option(
        ("--shard",),
        commands=frozenset({RUN}),
        metavar="K/N",
        help="n'exécuter que la partition K sur N des cas sélectionnés (CI ; « testbench merge » les réunit)",
    )


@dataclass
class CampaignOptions:
    """Every option of a campaign, by group; the command line and the workstation fill the same object."""

    bench: BenchOptions = field(default_factory=BenchOptions)
    capture: CaptureOptions = field(default_factory=CaptureOptions)
    identity: Identity = field(default_factory=Identity)
    outputs: OutputOptions = field(default_factory=OutputOptions)
    selection: Selection = field(default_factory=Selection)
    # prepared attestations of the manual steps (a headless run; the workstation asks the person)
    attestations: Path | None = _option(
        ("--attestations",),
        commands=frozenset({RUN, DEMO}),
        type=PathValue("--attestations"),
        metavar="FICHIER",
        help="attestations préparées des étapes manuelles (JSON, clé CAS/ETAPE)",
    )

    # parallel benches (testbench.runner.workers): N reader pairs, one session writer
    workers: int = _option(
        ("--workers",),
        1,
        commands=frozenset({RUN, UI}),
        type=worker_count,
        metavar="N",
        help="exécuter les cas sur N bancs en parallèle (N paires de lecteurs Vitale + CPS ; défaut 1, au plus 64)",
    )

    # the exam plan (testbench.scope): checked by the command, recorded in the session by the campaign
    plan: Path | None = _option(
        ("--plan",),
        commands=frozenset({RUN, UI}),
        type=PathValue("--plan"),
        metavar="PLAN",
        help="plan d'examen (TOML) enregistré dans la session : le rapport montre sa couverture",
    )
    #: the checked plan as the session keeps it (``testbench.scope.plan.ExamPlan.recorded``), not an option
    plan_record: str | None = field(default=None, compare=False)

    def recorded(self) -> dict[str, Any]:
        """The options a run records in the session (``runs.options``; the report's cover reads them)."""
        return {
            "keyword": self.selection.keyword,
            "tags": self.selection.tags,
            "shard": self.selection.shard,
            "engine": self.bench.engine,
            # where the engine read the cards: an out-of-process engine's only (the others read the bench's bay)
            "engine_cards": None if self.bench.engine in IN_BENCH_PROCESS else self.bench.engine_cards,
            "cards": self.bench.cards,
            "allow_real_cards": self.bench.allow_real_cards,
            "app_logs": self.capture.app_logs,
            "syslog_port": self.capture.syslog_port,
            "sut": {"name": self.identity.sut, "version": self.identity.sut_version},
            "agrement": self.identity.agrement,
            "operator": self.identity.operator,
            "sut_profile": self.bench.profile.record() if self.bench.profile else None,  # the cover names it
        }


def _leaves(cls: type, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Field[Any]]]:
    """Every option field of ``cls`` with its path through the groups (``("bench", "engine")``)."""
    for f in fields(cls):
        if "flags" in f.metadata:
            yield (*path, f.name), f
        elif f.default_factory is not MISSING and is_dataclass(f.default_factory):
            yield from _leaves(f.default_factory, (*path, f.name))  # type: ignore[arg-type]


def option_flags(command: str) -> list[str]:
    """The flags ``command`` offers, in declaration order."""
    return [f.metadata["flags"][0] for _, f in _leaves(CampaignOptions) if command in f.metadata["commands"]]


def add_options(parser: argparse.ArgumentParser, command: str) -> None:
    """Add the options ``command`` offers to ``parser``; each lands on ``args.<field name>``."""
    for _, f in _leaves(CampaignOptions):
        if command not in f.metadata["commands"]:
            continue
        default = f.default_factory() if f.default_factory is not MISSING else f.default  # type: ignore[misc]
        parser.add_argument(*f.metadata["flags"], dest=f.name, default=default, **f.metadata["cli"])


def add_group(parser: argparse.ArgumentParser, group: type) -> None:
    """Add one group's options (``Identity``) to the parser of a command outside the campaign's (``cover``),
    with the same flags and help; each lands on ``args.<field name>``."""
    for f in fields(group):
        parser.add_argument(*f.metadata["flags"], dest=f.name, default=f.default, **f.metadata["cli"])


def options_from_args(args: argparse.Namespace) -> CampaignOptions:
    """The options object of parsed arguments; options the command does not offer keep their defaults."""
    values = vars(args)
    groups: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for path, f in _leaves(CampaignOptions):
        if f.name not in values:
            continue
        if len(path) == 1:
            top[f.name] = values[f.name]
        else:
            groups.setdefault(path[0], {})[f.name] = values[f.name]
    kinds = {f.name: f.default_factory for f in fields(CampaignOptions) if f.name in groups}
    return CampaignOptions(**{name: kinds[name](**kw) for name, kw in groups.items()}, **top)  # type: ignore[misc]


#: the options of a launch that are the person's, not the bench's nor the record's: not remembered with a session
PERSONAL = frozenset({"lang"})
#: the options whose values are trace sources, ``PATH[;option=…]`` (:func:`testbench.traces.capture.parse_file_spec`)
TRACE_SPECS = frozenset({"app_logs"})


def remembered(args: argparse.Namespace, command: str = UI) -> dict[str, Any]:
    """What ``args`` holds of the options ``command`` offers, but the person's own (:data:`PERSONAL`), as JSON
    values: the bench and the record a bare ``testbench`` reopens the last session with (:func:`read_back`).
    Paths are kept absolute, a trace source's path too: the next launch may start in another folder."""
    import os

    out: dict[str, Any] = {}
    for _, f in _leaves(CampaignOptions):
        if command not in f.metadata["commands"] or f.name in PERSONAL or not hasattr(args, f.name):
            continue
        value = getattr(args, f.name)
        if isinstance(value, Path):
            value = os.path.abspath(value)
        elif f.name in TRACE_SPECS and isinstance(value, list):
            value = [_absolute_spec(str(spec)) for spec in value]
        out[f.name] = value
    return out


def _absolute_spec(spec: str) -> str:
    import os

    path, sep, rest = spec.partition(";")
    return (os.path.abspath(path.strip()) if path.strip() else path) + sep + rest


@dataclass(frozen=True)
class Unusable:
    """A remembered option the launch cannot take back: its flag, its value as remembered, why (in words)."""

    flag: str
    value: str
    why: str


def read_back(memory: dict[str, Any], command: str = UI) -> tuple[dict[str, Any], list[Unusable]]:
    """Options :func:`remembered` kept, read back as the command line reads them (each option's own check: a
    watched folder that no longer exists is refused in the person's words, as ``--watch`` refuses it); a
    remembered file or folder that no longer exists, or a value that is not the option's, is :class:`Unusable`.
    Names the command does not offer (a later version's, a removed one's) are left out."""
    values: dict[str, Any] = {}
    unusable: list[Unusable] = []
    for _, f in _leaves(CampaignOptions):
        if command not in f.metadata["commands"] or f.name in PERSONAL or f.name not in memory:
            continue
        try:
            values[f.name] = _read_one(f, memory[f.name])
        except (argparse.ArgumentTypeError, ValueError) as exc:
            unusable.append(Unusable(f.metadata["flags"][0], _shown(memory[f.name]), str(exc)))
    return values, unusable


def _shown(value: Any) -> str:
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


def _read_one(f: Field[Any], value: Any) -> Any:
    from testbench.i18n import translator

    t = translator()
    cli = f.metadata["cli"]
    default = f.default_factory() if f.default_factory is not MISSING else f.default  # type: ignore[misc]
    if value is None and default is None:
        return None
    if cli.get("action") == "store_true":
        if not isinstance(value, bool):
            raise ValueError(t("valeur illisible"))
        return value
    if cli.get("action") == "append":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(t("valeur illisible"))
        return list(value)
    if isinstance(value, bool | list | dict) or value is None:
        raise ValueError(t("valeur illisible"))
    kind = cli.get("type")
    if kind is Path or isinstance(kind, PathValue):
        path = Path(str(value))
        if not path.exists():
            raise ValueError(t("introuvable (support non monté ?)"))
        return path
    if kind is not None:
        try:  # the option's own check (argparse.ArgumentTypeError, in words) passes through
            value = kind(str(value))
        except (TypeError, ValueError):
            raise ValueError(t("valeur illisible")) from None
    elif not isinstance(value, str):
        raise ValueError(t("valeur illisible"))
    if "choices" in cli and value not in cli["choices"]:
        raise ValueError(t("valeur illisible"))
    return value
