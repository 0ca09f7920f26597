"""The pytest plugin: ``pytest --casebook FILE`` collects a casebook's cases as pytest items.

Teams keep their own pytest reporting (JUnit, HTML, plugins) and pytest-xdist: each case is one item,
run through the same campaign as ``testbench run`` (:meth:`Campaign.case_by_case`) into a session file,
so the exam book is built from it as from any session. Under pytest-xdist each worker writes a shard
session (``SESSION.shards/gwN.tbsession``, recording the whole campaign like ``run --shard``) and the
controller merges every shard of that folder at the end into ``--casebook-session`` — a crashed worker's
too: its committed cases are in its file —, then removes the shards it merged; the merged session reads
as a serial run (same cases in the same order, same verdicts). An interrupted run keeps its shards and
says the ``testbench merge`` command that gathers them.

Registered as the ``pytest11`` entry point ``testbench``; without ``--casebook`` it does nothing, and it
imports the core only when a casebook is asked for.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from testbench.casebook.model import Case, Casebook
    from testbench.domain.verdict import Outcome
    from testbench.report.personal import Scrubber

    #: runs one case, told the one that follows it: its outcome and its comparisons (Campaign.case_by_case)
    RunOne = Callable[[Casebook, Case, tuple[Casebook, Case] | None], tuple[Outcome, list[dict[str, Any]]]]

_PLUGIN = "testbench-casebook"
_SHARD_INPUT = "testbench_shard"  # the key of a worker's input: its shard number, dealt by the controller
_SESSION_INPUT = "testbench_session"  # and the session the controller chose (its shards are in its folder)
#: the session when none is named: this one, or the first free of casebook-2.tbsession, casebook-3.tbsession…
DEFAULT_SESSION = Path("casebook.tbsession")
#: a session file's companions, removed with a merged shard
_COMPANIONS = ("-wal", "-shm", ".lock")


#: The plugin's options: name -> (help, metavar or None), in French (the catalogue gives their English)
_OPTIONS: dict[str, tuple[str, str | None]] = {
    "--casebook": ("cahier de tests à exécuter", "FICHIER"),
    "--casebook-session": (
        "fichier de session (nouveau : refusé s'il existe) ; sans cette option, casebook.tbsession ou, s'il existe"
        " déjà, le premier libre de casebook-2.tbsession, casebook-3.tbsession…",
        "SESSION",
    ),
    "--casebook-report": ("écrire le rapport HTML à la fin", "DOSSIER"),
    "--casebook-engine": (
        "reference (hors processus, défaut), inprocess, ou la commande d'un moteur externe",
        "MOTEUR",
    ),
    "--casebook-engine-timeout": (
        "délai de chaque appel au moteur, en secondes (10 par défaut), comme --engine-timeout de run",
        "SECONDES",
    ),
    "--casebook-cards": (
        "cartes virtuelles via pcscd ou lecteur en mémoire (auto : pcscd si disponible, en mémoire sous xdist)",
        None,
    ),
    "--casebook-attestations": ("attestations préparées des étapes manuelles (JSON, clé CAS/ETAPE)", "FICHIER"),
    "--casebook-lang": ("langue des messages : fr (défaut) ou en", None),
    "--casebook-create-dirs": (
        "créer le dossier de la session s'il n'existe pas (refusé sinon : un support non monté se voit)",
        None,
    ),
    "--casebook-no-redact": (
        "ne pas anonymiser les cas qui échouent dans la sortie de pytest et son --junitxml (NIR, noms, dates de"
        " naissance, FINESS/RPPS) ; les codes PIN restent masqués",
        None,
    ),
}
_GROUP = "testbench : cahiers de tests (cas CNDA)"
#: ``--casebook-engine``'s default (``run --engine``'s)
_DEFAULT_ENGINE = "reference"
#: the plugin's options that take no value
_FLAGS = ("-create-dirs", "-no-redact")
#: pytest's options that list or explain and run no test
_LISTING = ("collectonly", "help", "showfixtures", "markers")


def _words(name: str, lang: str | None) -> dict[str, str]:
    """An option's help and metavar in ``lang`` (the active language by default), as argparse takes them."""
    from testbench.i18n import translator

    help_text, metavar = _OPTIONS[name]
    words = {"help": translator(lang)(help_text)}
    if metavar is not None:
        words["metavar"] = translator(lang, "metavar")(metavar)
    return words


def pytest_addoption(parser: pytest.Parser) -> None:
    from testbench.i18n import translator

    # pytest's help, in TESTBENCH_LANG's language: the options are declared before any is parsed
    # (``--casebook-lang en --help`` relabels them once parsed, see pytest_configure)
    group = parser.getgroup("testbench", translator()(_GROUP))
    group.addoption("--casebook", action="append", default=[], type=_path("--casebook"), **_words("--casebook", None))
    group.addoption(
        "--casebook-session", type=_path("--casebook-session"), default=None, **_words("--casebook-session", None)
    )
    group.addoption("--casebook-report", type=_path("--casebook-report"), **_words("--casebook-report", None))
    group.addoption("--casebook-engine", default=_DEFAULT_ENGINE, type=_engine, **_words("--casebook-engine", None))
    group.addoption(
        "--casebook-engine-timeout", type=_seconds, default=10.0, **_words("--casebook-engine-timeout", None)
    )
    group.addoption(
        "--casebook-cards", default="auto", choices=("auto", "pcsc", "inprocess"), **_words("--casebook-cards", None)
    )
    group.addoption(
        "--casebook-attestations", type=_path("--casebook-attestations"), **_words("--casebook-attestations", None)
    )
    group.addoption("--casebook-lang", choices=("fr", "en"), default=None, **_words("--casebook-lang", None))
    group.addoption("--casebook-create-dirs", action="store_true", **_words("--casebook-create-dirs", None))
    group.addoption("--casebook-no-redact", action="store_true", **_words("--casebook-no-redact", None))


def _relabel(config: pytest.Config) -> None:
    """``--casebook-lang``'s language for the plugin's help, which ``pytest --help`` prints after the options
    are parsed (and the plugins configured): the words of its parser's actions and group title.

    pytest offers no public way to change a declared option's help: the argparse parser it built from them is
    read where pytest keeps it; a pytest that keeps it elsewhere keeps the help in TESTBENCH_LANG's language.
    """
    from testbench.i18n import default_language, translator

    lang = config.getoption("casebook_lang", None) or _lang_after_help(config)
    if lang is None or lang == default_language():
        return
    parser = getattr(getattr(config, "_parser", None), "optparser", None)
    for action in getattr(parser, "_actions", ()):
        name = next((o for o in action.option_strings if o in _OPTIONS), None)
        if name is not None:
            for key, value in _words(name, lang).items():
                setattr(action, key, value)
    for group in getattr(parser, "_action_groups", ()):
        if group.title == translator()(_GROUP):
            group.title = translator(lang)(_GROUP)


def _lang_after_help(config: pytest.Config) -> str | None:
    """``--casebook-lang`` given after ``--help`` (``pytest --help --casebook-lang en``): pytest stops parsing at
    ``--help``, so the option is read from the command line itself (its last value, as argparse would take)."""
    import os
    import shlex

    if not config.getoption("help", False):
        return None
    args = [*shlex.split(os.environ.get("PYTEST_ADDOPTS", "")), *map(str, config.invocation_params.args)]
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--casebook-lang" and i + 1 < len(args) else arg.partition("=")[2]
        if (arg == "--casebook-lang" or arg.startswith("--casebook-lang=")) and value in ("fr", "en"):
            found = value
    return found


def _path(option: str) -> Callable[[str], Path]:
    """A path option's type: run's own, so that an empty value (a CI variable not set) is pytest's usage error
    (exit 4), not the current folder."""

    def read(text: str) -> Path:
        from testbench.runner.options import PathValue

        return PathValue(option)(text)

    return read


def _engine(text: str) -> str:
    """``--casebook-engine``'s type: run's ``--engine`` rule (an empty command is a usage error, not every case
    an error « banc indisponible »); its default is taken as it is (without a casebook, nothing is imported)."""
    if text == _DEFAULT_ENGINE:
        return text
    from testbench.runner.options import engine_option

    return engine_option(text)


def _rootdir_problem(config: pytest.Config, t: Callable[[str], str]) -> str | None:
    """Why pytest's rootdir is wrong, or None: pytest chooses it before it knows the plugin's options, so the value
    of ``--casebook-attestations PATH`` (a separate word) counts as a test path — another project's rootdir and
    ini file, and failing cases named by paths that do not exist (pytest #8846). ``OPTION=PATH`` and ``--rootdir``
    are not misread."""
    import os
    import shlex

    if config.getoption("rootdir", None) or config.getoption("inifilename", None):
        return None
    args = [*shlex.split(os.environ.get("PYTEST_ADDOPTS", "")), *map(str, config.invocation_params.args)]
    valued = [name for name in _OPTIONS if name != "--casebook" and not name.endswith(_FLAGS)]
    misread = [i for i, arg in enumerate(args[:-1]) if arg in valued and os.path.exists(args[i + 1])]
    if not misread:
        return None
    kept = [arg for i, arg in enumerate(args) if i not in misread and i - 1 not in misread]
    try:
        from _pytest.config.findpaths import determine_setup  # pytest's own rule, without the plugin's values

        known, unknown = config._parser.parse_known_and_unknown_args(kept)
        paths = [*map(str, known.file_or_dir), *unknown, *map(str, config.getoption("casebook"))]
        expected, expected_ini, _ = determine_setup(
            inifile=None, args=paths, rootdir_cmd_arg=None, invocation_dir=config.invocation_params.dir
        )
    except (ImportError, TypeError, ValueError, OSError, pytest.UsageError):  # another pytest: not said
        return None
    if expected == config.rootpath:
        return None
    harm = _rootdir_harm(config, expected_ini, t)
    if harm is None:  # a wider rootdir with the same ini file and every casebook under it: the ids still exist
        return None
    option, value = args[misread[0]], args[misread[0] + 1]
    return t(
        "pytest a choisi son dossier racine d'après la valeur de {option} ({value}) : rootdir {rootdir} au lieu de"
        " {expected}, {harm} ; écrivez {option}={value}, ou ajoutez --rootdir={expected}"
    ).format(option=option, value=value, rootdir=config.rootpath, expected=expected, harm=harm)


def _rootdir_harm(config: pytest.Config, expected_ini: Path | None, t: Callable[[str], str]) -> str | None:
    """What the misread rootdir breaks, or None when nothing: another ini file (its settings), or a casebook
    outside it (its cases named by ``../`` paths that do not exist)."""
    harms = []
    if config.inipath != expected_ini:
        harms.append(t("avec un autre fichier de configuration ({ini})").format(ini=config.inipath or "—"))
    root = config.rootpath.resolve()
    books = [(config.invocation_params.dir / book).resolve() for book in config.getoption("casebook")]
    if any(not book.is_relative_to(root) for book in books):
        harms.append(t("des noms de cas qui n'existent pas"))
    return ", ".join(harms) or None


def _seconds(text: str) -> float:
    """``--casebook-engine-timeout``'s type: run's own (imported only when the option is given)."""
    from testbench.runner.options import positive_seconds

    return positive_seconds(text)


def pytest_configure(config: pytest.Config) -> None:
    _relabel(config)
    if config.getoption("casebook"):
        config.pluginmanager.register(CasebookPlugin(config), _PLUGIN)
        _terminate_as_interrupt(config)


def _terminate_as_interrupt(config: pytest.Config) -> None:
    """A CI's cancel or timeout (SIGTERM) stops the cases as ^C does, until pytest ends: pytest's « interrupted »
    (exit 2), its ``--junitxml`` and the session written, the bench's engine and card emulators stopped —
    not 143 with an engine left running (testbench.interrupts, as ``testbench run``)."""
    from testbench.interrupts import terminate_as_interrupt

    stack = contextlib.ExitStack()
    stack.enter_context(terminate_as_interrupt())
    config.add_cleanup(stack.close)


class CaseVerdict(Exception):
    """A case that did not pass: its verdict and reason, in the person's language; ``details``: what its report
    says below that line, when the line names only part of it (every deviation of a case, one a line)."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.details = tuple(details)


class CasebookPlugin:
    """One process's campaign: the session it writes, opened at the first case, closed at the end."""

    def __init__(self, config: pytest.Config) -> None:
        from testbench.i18n import default_language, translator

        self.config = config
        self.lang = config.getoption("casebook_lang") or default_language()
        self.t = translator(self.lang)
        self.paths = [Path(p).resolve() for p in config.getoption("casebook")]
        if not config.getoption("help", False):
            self._check_casebook_files()
        self.worker: dict[str, Any] | None = getattr(config, "workerinput", None)
        # --collect-only, --help, --fixtures, --markers: nothing runs, nothing is checked nor written
        self.listing = any(config.getoption(name, False) for name in _LISTING)
        named: Path | None = config.getoption("casebook_session")
        #: a session the person named is refused if it exists (a record is never overwritten); without one, each
        #: run writes a new file, so that pytest's loop of runs (--lf, --ff, the same command again) goes on
        self.named = named is not None
        self._reserved = False  # the session is a new name _fresh took (an empty file), given back if left empty
        if self.worker is not None:  # the controller's choice
            self.session: Path = Path(self.worker.get(_SESSION_INPUT) or (named or DEFAULT_SESSION)).resolve()
        elif named is not None or self.listing:
            self.session = (named or DEFAULT_SESSION).resolve()
        else:
            self.session, self._reserved = _fresh(DEFAULT_SESSION.resolve())
        self.shards_dir = _shards_of(self.session)
        self._shard_of: dict[str, int] = {}  # the controller's: each running worker's shard number
        self.messages: list[str] = []
        self._stack = contextlib.ExitStack()
        self._run: RunOne | None = None
        self._following: pytest.Item | None = None  # the item that runs after the current one, here
        self._broken: str | None = None  # the campaign could not start: every case says why
        self.redact = not config.getoption("casebook_no_redact")
        self.written: Path | None = None  # the session this process writes: a worker's shard under xdist
        self._ran = 0  # the cases this process ran, each recorded in ``written``
        self._scrubber: tuple[int, Scrubber] | None = None  # built after that many cases
        self._built: Path | None = None  # the report's page, once --casebook-report is written
        from testbench.casebook.loader import CaseIds

        self.case_ids = CaseIds()  # the case ids of the casebooks collected so far: each names one case
        if self.worker is None and not config.getoption("help", False):
            misled = _rootdir_problem(config, self.t)
            if misled is not None:
                self._release()
                raise pytest.UsageError(misled)
        if self.worker is None and not self.listing:
            try:
                self._check_outputs()
            except pytest.UsageError:
                self._release()  # refused before anything ran: the name taken goes back
                raise
        self._collect_the_casebooks()

    def _check_casebook_files(self) -> None:
        """A ``--casebook`` that is no file — missing, a folder — refused before anything is taken or run, as
        ``run`` refuses it (« demo.xml:1:1: fichier introuvable », pytest's usage error): pytest would say it in
        English, or collect nothing from a folder and end « no tests ran »."""
        from testbench.casebook.errors import CasebookError
        from testbench.casebook.loader import load_casebooks

        absent = [p for p in self.config.getoption("casebook") if not Path(p).is_file()]
        try:
            load_casebooks(absent)
        except CasebookError as exc:
            said = [p.text(self.lang) for p in exc.problems]
            raise pytest.UsageError("\n".join([*said, *self._bundled(absent)])) from None

    def _bundled(self, paths: Sequence[Path | None]) -> list[str]:
        """Where testbench's own copy is of each missing file given that it bundles (``casebooks/demo.xml`` run
        outside a clone), as ``run`` says it after its refusal (testbench.cli.bundled)."""
        from testbench.cli.bundled import bundled_hint

        return [hint for path in paths if path is not None and (hint := bundled_hint(Path(path), self.lang))]

    def _check_outputs(self) -> None:
        """Refuse before anything runs: an existing session or shards (nothing is overwritten), a missing
        session folder (as ``run``: a drive not mounted shows), an unwritable report, a ``--junitxml`` inside it,
        unreadable attestations."""
        from testbench.cli.outputs import output_dir_problem, session_dir_problem

        if self.session.exists() and not self._reserved:
            raise pytest.UsageError(self.t(f"{self.session} : existe déjà ; choisissez un nouveau fichier de session"))
        if self.shards_dir.exists():  # an interrupted run's shards: they hold its cases
            raise pytest.UsageError(
                self.t(
                    "{folder} : partitions d'une exécution interrompue ; {merge} — ou choisissez un nouveau"
                    " fichier de session"
                ).format(folder=self.shards_dir, merge=self._recovery())
            )
        create = self.config.getoption("casebook_create_dirs")
        if not create and not self.session.parent.exists():
            raise pytest.UsageError(
                self.t(
                    "{folder} : dossier introuvable (support non monté ?) ; la session n'a pas été créée. "
                    "Vérifiez le chemin, ou ajoutez --casebook-create-dirs pour créer ce dossier"
                ).format(folder=self.session.parent)
            )
        from testbench.report.owner import other_session_problem
        from testbench.tools.outputs import write_problem
        from testbench.tools.report import session_in_report_problem

        problem = session_dir_problem(self.session, True, self.lang)  # not a folder, or cannot be created
        if problem is None and (unwritable := write_problem(self.session)) is not None:
            problem = unwritable(self.t, self.lang)  # a read-only folder: before any case runs, as ``run`` says it
        if problem:
            raise pytest.UsageError(problem)
        report = self.config.getoption("casebook_report")
        if report is not None:
            unwritable = write_problem(report, inside=True)
            problem = (
                output_dir_problem(report, self.lang)
                or (unwritable(self.t, self.lang) if unwritable else None)
                # another session's exam book (perhaps signed) is never replaced: ``run --report`` refuses it too
                or other_session_problem(report, None, self.lang)
                or (inside(self.t, self.lang) if (inside := session_in_report_problem(self.session, report)) else None)
            )
            if problem:
                raise pytest.UsageError(problem)
            self._check_junitxml(report)
        self._check_attestations()

    def _check_junitxml(self, report: Path) -> None:
        """pytest's ``--junitxml`` inside ``--casebook-report``'s folder: the book would replace it with its own
        ``junit.xml`` (or be changed after its manifest): refused, as ``testbench report --junit`` refuses it."""
        from testbench.tools.report import junit_in_report_problem

        junitxml = self.config.getoption("xmlpath", None)
        problem = junit_in_report_problem(Path(junitxml), report, "--junitxml") if junitxml else None
        if problem:
            raise pytest.UsageError(problem(self.t, self.lang))

    def _check_attestations(self) -> None:
        """``--casebook-attestations`` read before any case runs, as ``run --attestations`` reads it: a missing or
        malformed file is one refusal, not an error in every case."""
        from testbench.runner.campaign import CampaignError, make_operator

        attestations = self.config.getoption("casebook_attestations")
        try:
            make_operator(attestations)
        except CampaignError as exc:
            said = [self.t(line) for line in exc.lines]
            raise pytest.UsageError("\n".join([*said, *self._bundled([attestations])])) from None

    def _collect_the_casebooks(self) -> None:
        """``pytest --casebook FILE`` alone collects the casebooks, not the folder's tests.

        By the paths as given, not resolved: an item is ``casebooks/demo.xml::CASE`` under the rootdir
        even when the folder is a symbolic link (resolved, it would be outside and lose its file's name).
        """
        given = self.config.args_source == pytest.Config.ArgsSource.ARGS
        base = self.config.invocation_params.dir
        # each file once, however spelled (``demo.xml`` and ``./demo.xml``): pytest would collect it twice, and
        # one case id twice in a campaign is refused (``run`` reads a file given twice once)
        seen = {_resolved(base / arg) for arg in self.config.args} if given else set()
        named: list[str] = []
        for path in map(str, self.config.getoption("casebook")):
            if (key := _resolved(base / path)) not in seen:
                seen.add(key)
                named.append(path)
        if not given:
            self.config.args[:] = named
        else:
            self.config.args.extend(named)

    @property
    def distributed(self) -> bool:
        """The controller of pytest-xdist workers (each writes a shard): xdist's distributed session runs,
        whether asked by ``-n`` or by ``--tx … --dist …``."""
        return self.worker is None and self.config.pluginmanager.hasplugin("dsession")

    def _release(self) -> None:
        """Give back the name :func:`_fresh` took when no case was written to it (the file still empty): a run
        leaves no empty session, and under xdist the merge of the shards writes the session there."""
        if not self._reserved:
            return
        self._reserved = False
        with contextlib.suppress(OSError):
            if self.session.stat().st_size == 0 and not any(p.exists() for p in _companions(self.session, ("-wal",))):
                self.session.unlink()

    def _recovery(self) -> str:
        """The command that merges the shards left in the folder (a worker with no case wrote none; one stopped
        by the interrupt left its run without an end, its cases committed beside it)."""
        said = "pour les fusionner : testbench merge {shards} -o {session} --allow-missing-shards --allow-unfinished"
        return self.t(said).format(shards=self.shards_dir / "*.tbsession", session=self.session)

    # -- collection ---------------------------------------------------------------------------------
    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
        if file_path.resolve() not in self.paths:
            return None
        casebook = CasebookFile.from_parent(parent, path=file_path)
        if casebook.nodeid:
            return casebook
        # a casebook outside the rootdir given by its path (``--rootdir``, casebooks in a shared folder): pytest
        # names it "" and its items « ::CASE », with an empty JUnit classname; named by its file's name instead
        return CasebookFile.from_parent(parent, path=file_path, nodeid=file_path.name)

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        """A case collected twice (``demo.xml::CASE`` given twice, or beside ``--casebook demo.xml``) runs once, the
        others said deselected: a session holds each case of its campaign once (the second used to be an error of
        the session's database, and with it every case)."""
        seen: set[tuple[Path, str]] = set()
        kept: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:
            if isinstance(item, CaseItem):
                key = (_resolved(item.path), item.case.id)
                if key in seen:
                    dropped.append(item)
                    continue
                seen.add(key)
            kept.append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept

    # -- running ------------------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)  # before pytest's own, which runs the item and ends the hook
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        """Note the item that runs next in this process: its cards are readied while this one runs."""
        self._following = nextitem

    def run(self, item: CaseItem) -> tuple[Outcome, list[dict[str, Any]]]:
        if self._broken is not None:
            raise CaseVerdict(self._broken)
        if self._run is None:
            from testbench.runner.campaign import CampaignError

            try:
                self._run = self._stack.enter_context(self._open(item.session))
            except CampaignError as exc:
                self._broken = "\n".join(self.t(line) for line in exc.lines)
                raise CaseVerdict(self._broken) from None
        following = self._following
        upcoming = (following.casebook, following.case) if isinstance(following, CaseItem) else None
        self._ran += 1
        return self._run(item.casebook, item.case, upcoming)

    def scrubber(self) -> Scrubber:
        """The redaction of what a case that did not pass says, as ``run --junit``'s: built from the session this
        process writes, again only when a case ran since (each may bring a new patient)."""
        from testbench.report.personal import Scrubber
        from testbench.store.connection import SessionError
        from testbench.store.read import read_session

        if self._scrubber is None or self._scrubber[0] != self._ran:
            scrubber = Scrubber(self.redact, lang=self.lang)  # no session yet: the pattern rules alone
            if self.redact and self.written is not None:
                with contextlib.suppress(SessionError), read_session(self.written) as session:
                    scrubber = Scrubber.for_sessions(session, lang=self.lang)
            self._scrubber = (self._ran, scrubber)
        return self._scrubber[1]

    @contextlib.contextmanager
    def _open(self, session: pytest.Session) -> Iterator[RunOne]:
        from testbench.runner.campaign import Campaign
        from testbench.runner.options import BenchOptions, CampaignOptions, OutputOptions
        from testbench.runner.shard import Shard

        items = [i for i in session.items if isinstance(i, CaseItem)]
        selected = [(i.casebook, i.case) for i in items]
        casebooks = list({cb.sha256: cb for cb, _ in selected}.values())
        cards = self.config.getoption("casebook_cards")
        shard = None
        path = self.session
        if self.worker is not None:
            # the readers of one pcscd are not shared between processes: workers use in-memory readers
            cards = "inprocess" if cards == "auto" else cards
            shard = Shard(int(self.worker[_SHARD_INPUT]), int(self.worker["workercount"]))
            path = self.shards_dir / f"{self.worker['workerid']}.tbsession"
            self.shards_dir.mkdir(exist_ok=True)  # in the session's folder, checked by the controller
        self.written = path
        options = CampaignOptions(
            bench=BenchOptions(
                engine=self.config.getoption("casebook_engine"),
                engine_timeout=self.config.getoption("casebook_engine_timeout"),
                cards=cards,
            ),
            outputs=OutputOptions(lang=self.lang),
            attestations=self.config.getoption("casebook_attestations"),
        )
        campaign = Campaign(casebooks, path, options, notify=self._notice, argv=self._argv())
        with campaign.case_by_case(selected, shard) as run:
            yield run

    def _argv(self) -> list[str]:
        """The command line the session records: an xdist worker's own is ``-c``; xdist passes it the controller's
        (``mainargv``), so the merged session names the command that was run, as a serial run does."""
        mainargv = (self.worker or {}).get("mainargv")
        return [str(arg) for arg in mainargv] if mainargv else list(sys.argv)

    def _notice(self, text: str) -> None:
        """A notice of the campaign (a card guard's, an attestation's key…): it may name a patient, so the closing
        section scrubs it, as ``run`` redacts what it prints; the plugin's own lines (paths, commands) are kept."""
        self.messages.append(_Notice(text))

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """``--junitxml`` says whether its messages were redacted, as ``run --junit`` and the report's JUnit do: a
        file kept alone tells a redacted one from an opt-out (``--casebook-no-redact``)."""
        if self.worker is not None or self.listing:
            return
        try:
            from _pytest.junitxml import xml_key  # pytest keeps its --junitxml writer there, no public way to it
        except ImportError:  # another pytest: its JUnit says nothing of the redaction
            return
        from testbench.report.junit import REDACTION

        xml = self.config.stash.get(xml_key, None)
        if xml is not None:
            xml.add_global_property(REDACTION, "true" if self.redact else "false")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """A case that did not pass reads as its verdict and reason, nothing else: in its section, in pytest's
        summary line (« FAILED …::DEMO-FSE-099 - DEMO-FSE-099 : échec — … ») and as ``--junitxml``'s message —
        never pytest's « Failed: », a chained exception, nor (``--full-trace``) a traceback into the plugin."""
        report = yield
        excinfo = call.excinfo
        if isinstance(item, CaseItem) and excinfo is not None and isinstance(excinfo.value, CaseVerdict):
            report.longrepr = _verdict_repr(item, str(excinfo.value), excinfo.value.details)
        return report

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """pytest-xdist: deal a starting worker its shard number, 1…N; a worker replacing a crashed one
        takes the crashed one's number, as a CI retry of that shard does (its file has its own name)."""
        count = int(node.workerinput["workercount"])
        number = min(set(range(1, count + 1)) - set(self._shard_of.values()), default=count)
        self._shard_of[node.gateway.id] = number
        node.workerinput[_SHARD_INPUT] = number
        node.workerinput[_SESSION_INPUT] = str(self.session)  # a new one of the controller's, when none is named

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """pytest-xdist: a worker crashed; its number goes to the worker that replaces it."""
        if error is not None:
            self._shard_of.pop(node.gateway.id, None)

    @pytest.hookimpl(wrapper=True, trylast=True)  # innermost: after xdist stops its workers, before the summary
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> Generator[None, None, None]:
        """The session (merged under xdist) and the report, once every other plugin has ended its part (a
        worker's shard closed before xdist says it finished). A ^C or a CI's SIGTERM meanwhile (xdist stopping
        its workers, the merge, the report) is no traceback: pytest ends as interrupted (exit 2), and the closing
        section says « interrompu » and the commands that finish the work."""
        if self.worker is not None or self.listing:
            try:
                yield
            finally:
                self._stack.close()
            return
        cut = False
        try:
            yield
        except KeyboardInterrupt:  # xdist's end of its workers: their shards are kept, whole
            cut = True
            self.messages.append(self.t("interrompu"))
            self._write_junitxml()
        try:
            self._finish(session, pytest.ExitCode.INTERRUPTED if cut else exitstatus, cut=cut)
        except KeyboardInterrupt:
            cut = True
        if cut:
            self._cut(session)

    @pytest.hookimpl(trylast=True)  # after pytest's terminal reporter has kept the interrupt's repr
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """^C or a CI's cancel (SIGTERM, testbench.interrupts) while the cases run: said « interrompu », in the
        « testbench » section (with the merge command under xdist) and on pytest's « !!! … !!! » line, never as
        pytest's « KeyboardInterrupt » with the file and line of the plugin's code it stopped in (--full-trace:
        its traceback). pytest prints that line from its terminal reporter's record of the interrupt, which is
        replaced; another pytest, which keeps it elsewhere, says its own. pytest.exit() and an « Interrupted »
        of pytest's or xdist's (« stopping after 1 failures ») say their reason and are left as they are."""
        if type(excinfo.value) is not KeyboardInterrupt:
            return
        if self.worker is None and not self.listing and self.t("interrompu") not in self.messages:
            self.messages.append(self.t("interrompu"))
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if getattr(reporter, "_keyboardinterrupt_memo", None) is not None:
            with contextlib.suppress(ImportError, TypeError):  # another pytest: its own line
                reporter._keyboardinterrupt_memo = _said_repr(self.t("interrompu"))  # type: ignore[union-attr]

    def _write_junitxml(self) -> None:
        """pytest's ``--junitxml`` of the cases run, when a plugin's end cut by ^C skipped pytest's writer (it would
        say « generated xml file » of a file never written); written again, whole, when it was not skipped."""
        try:
            from _pytest.junitxml import xml_key  # pytest keeps its --junitxml writer there, no public way to it
        except ImportError:  # another pytest: its JUnit is what it wrote
            return
        from testbench.interrupts import ignored

        xml = self.config.stash.get(xml_key, None)
        if xml is not None:
            with ignored(), contextlib.suppress(OSError):  # a further ^C does not cut the file
                xml.pytest_sessionfinish()

    def _cut(self, session: pytest.Session) -> None:
        """The end cut by ^C or SIGTERM: « interrompu », then the commands that merge the shards left and build
        the report asked for (the session keeps every verdict); pytest's exit status, interrupted."""
        from testbench.interrupts import ignored

        with ignored():  # a further ^C does not cut what is left to say
            session.exitstatus = pytest.ExitCode.INTERRUPTED
            said = [self.t("interrompu")]
            kept = self.distributed and any(self.shards_dir.glob("*.tbsession"))
            if kept:
                said.append(self._kept())
            report = self.config.getoption("casebook_report")
            if report is not None and self._built is None and (kept or self.session.exists()):
                said.append(self._report_command(report))
            self.messages.extend(line for line in said if line not in self.messages)  # each said once

    def _finish(self, session: pytest.Session, exitstatus: int, *, cut: bool) -> None:
        """The controller's end: the run closed, the shards merged (kept when ``cut``), the report built."""
        self._stack.close()  # ends the run and closes the bench and the session
        self._release()  # no case written to it (under xdist the merge writes it next)
        # xdist's -x / --maxfail ends its session as interrupted once every worker has stopped: a normal end
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED and (cut or not self._stopped_at_maxfail())
        if self.distributed and not self._merge(interrupted=interrupted):
            if not interrupted:  # the cases ran, their session is not there: the run did not deliver
                self._undelivered(session)
            return
        if self.session.exists():
            if self.named or self.session == DEFAULT_SESSION.resolve():
                self.messages.append(self.t("session : {path}").format(path=self.session))
            else:  # a new file beside the last run's (--lf, --ff, the same command again)
                self.messages.append(
                    self.t("session : {path} (nouveau fichier : {default} existe déjà)").format(
                        path=self.session, default=DEFAULT_SESSION
                    )
                )
            report = self.config.getoption("casebook_report")
            if report is not None:
                self._build_report(session, report)

    def _stopped_at_maxfail(self) -> bool:
        """pytest-xdist stopped its workers at ``-x``/``--maxfail`` (as serial pytest stops, which ends as failed):
        xdist then ends its session as « interrupted », but each worker finished its case and closed its shard —
        the shards are whole, as after a run to its end, and are merged; a ^C or a worker's interrupt is not."""
        dsession = self.config.pluginmanager.getplugin("dsession")
        maxfail = getattr(dsession, "maxfail", 0)
        return bool(
            self.distributed
            and maxfail
            and getattr(dsession, "countfailures", 0) >= maxfail
            and getattr(dsession, "session_finished", False)  # every worker stopped (not a ^C of the controller)
            and "keyboard-interrupt" not in str(getattr(dsession, "shouldstop", ""))  # a worker's ^C
        )

    def _build_report(self, session: pytest.Session, report: Path) -> None:
        """The exam book at the end; one that cannot be written (a full disk) is said with the command that builds
        it from the session, which keeps every verdict, and fails the run as ``run`` does (exit 2 there)."""
        from testbench.cli.outputs import unwritten
        from testbench.report.build import BuildOptions, build_report

        try:
            built = build_report(self.session, report, BuildOptions(lang=self.lang))
        except OSError as exc:
            self.messages.append(unwritten(report, exc, self.lang))
            self.messages.append(self._report_command(report))
            self._undelivered(session)
        else:
            self._built = built.html
            self.messages.append(self.t("rapport : {path}").format(path=built.html))

    def _report_command(self, report: Path) -> str:
        """The ``testbench report`` command that builds the book from the session, which keeps every verdict."""
        from testbench import cmdline

        command = cmdline.join(["testbench", "report", str(self.session), "-o", str(report), "--lang", self.lang])
        return self.t(
            "les verdicts sont enregistrés dans la session ; cette commande écrit le rapport : {command}"
        ).format(command=command)

    @staticmethod
    def _undelivered(session: pytest.Session) -> None:
        """pytest's exit code when the session or the report asked for could not be written: 1, even when every
        case passed (a CI job must not publish green without them)."""
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _merge(self, *, interrupted: bool) -> bool:
        """Gather every shard of the folder into the session — a crashed worker's file holds its committed
        cases —, then remove exactly the shards merged. Interrupted, or when the merge fails, the shards
        stay and the command that merges them is said."""
        shards = sorted(self.shards_dir.glob("*.tbsession"))
        if not shards:
            return True
        from testbench.runner.shard import check_shards
        from testbench.store.merge import MergeError, input_meta, merge_sessions
        from testbench.store.read import SHARD_META

        problems: list[str] = []
        if not interrupted:  # a ^C'd run is gathered by the person, when every worker has stopped
            checked = check_shards(input_meta(shards, SHARD_META))
            problems = checked.problems
            try:
                if not problems:
                    merge_sessions(shards, self.session, selection=checked.campaign)
                    self._remove(shards)
                    return True
            except MergeError as exc:
                problems = exc.lines
        self.messages.extend(self.t(line) for line in problems)
        self.messages.append(self._kept())
        return False

    def _kept(self) -> str:
        """« partitions conservées dans … » with the command that merges them."""
        return self.t("partitions conservées dans {folder} ; {merge}").format(
            folder=self.shards_dir, merge=self._recovery()
        )

    def _remove(self, shards: list[Path]) -> None:
        """The merged shards and their companions; the folder too when nothing else is in it."""
        for shard in shards:
            for path in (shard, *_companions(shard)):
                path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.shards_dir.rmdir()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.worker is None and not self.redact and not self.listing:  # the person's opt-out, said last
            # what it unredacts, not « rapport »: the exam book --casebook-report builds stays anonymised
            self.messages.append(
                self.t("ATTENTION sortie de pytest et JUnit NON anonymisées ({option})").format(
                    option="--casebook-no-redact"
                )
            )
        if self.worker is None and self.messages:
            scrub = self._closing_scrubber() if any(isinstance(m, _Notice) for m in self.messages) else None
            terminalreporter.section("testbench")
            for line in self.messages:
                said = self.t(line)
                terminalreporter.write_line(scrub(said) if scrub is not None and isinstance(line, _Notice) else said)

    def _closing_scrubber(self) -> Scrubber:
        """The redaction of the closing notices: with the known values of the session the run delivered (the
        merged one under xdist, whose controller ran no case), else of what this process wrote."""
        if self.redact and self.worker is None and self.session.exists():
            from testbench.report.personal import Scrubber
            from testbench.store.connection import SessionError
            from testbench.store.read import read_session

            with contextlib.suppress(SessionError), read_session(self.session) as session:
                return Scrubber.for_sessions(session, lang=self.lang)
        return self.scrubber()


class _Notice(str):
    """A line of the closing section that the campaign said (see :meth:`CasebookPlugin._notice`)."""

    __slots__ = ()


def _shards_of(session: Path) -> Path:
    """The folder of the shard sessions pytest-xdist's workers write for ``session``."""
    return session.with_name(session.name + ".shards")


def _fresh(default: Path) -> tuple[Path, bool]:
    """``default`` when nothing of a session is there (the file, its journal, its shards: a lock file left alone
    holds nothing), else the first such free name of ``casebook-2.tbsession``, ``casebook-3.tbsession``…, beside
    it — taken at once, the file created empty and exclusively (True), so that two runs started together in one
    folder never choose the same name: the second goes on to the next one. A folder that refuses the file leaves
    the name untaken (False), for the checks that follow to say why."""
    candidate, number = default, 1
    while True:
        if not any(p.exists() for p in (candidate, _shards_of(candidate), *_companions(candidate, ("-wal", "-shm")))):
            try:
                candidate.open("xb").close()  # O_CREAT | O_EXCL, on POSIX and Windows
            except FileExistsError:  # taken meanwhile by a run started beside this one
                pass
            except OSError:
                return candidate, False
            else:
                return candidate, True
        number += 1
        candidate = default.with_name(f"{default.stem}-{number}{default.suffix}")


def _resolved(path: Path) -> Path:
    """``path`` resolved, or as it is when it cannot be (a loop of links, a name too long)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def _companions(session: Path, suffixes: tuple[str, ...] = _COMPANIONS) -> tuple[Path, ...]:
    return tuple(session.with_name(session.name + suffix) for suffix in suffixes)


class CasebookFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from testbench.casebook.errors import CasebookError
        from testbench.casebook.loader import load_casebooks

        plugin: CasebookPlugin = self.config.pluginmanager.get_plugin(_PLUGIN)
        try:
            (casebook,) = load_casebooks([self.path])
        except CasebookError as exc:
            raise self.CollectError("\n".join(p.text(plugin.lang) for p in exc.problems)) from None
        # a case id another casebook of the run has too: refused as ``run`` refuses it (one id, one case of a
        # session), not every case an error of the session's database
        if duplicates := plugin.case_ids.add(casebook):
            raise self.CollectError("\n".join(p.text(plugin.lang) for p in duplicates))
        for case in casebook.cases:
            yield CaseItem.from_parent(self, name=case.id, casebook=casebook, case=case)


class CaseItem(pytest.Item):
    """One case of a casebook: passes when its verdict is « réussi », fails when it is « échec ».

    The case runs in the item's setup, as a fixture would ready a test: a verdict that is the bench's
    (error, inconclusive, pending) or a bench that cannot start is then a pytest **error**, so pytest's
    summary and JUnit count the product's failures apart from the bench's faults, as ``run``'s exit codes do.
    """

    def __init__(self, *, casebook: Casebook, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.casebook = casebook
        self.case = case
        self._failed: CaseVerdict | None = None  # the product's failure, raised by runtest

    def setup(self) -> None:
        from testbench.domain.verdict import Verdict
        from testbench.runner.exits import EXIT_ENVIRONMENT, exit_code

        plugin: CasebookPlugin = self.config.pluginmanager.get_plugin(_PLUGIN)
        broken: str | None = None
        try:
            outcome, comparisons = plugin.run(self)
        except CaseVerdict as exc:  # the campaign could not start: the bench's fault
            broken = str(exc)
        if broken is not None:  # raised here, not in the handler: no « During handling of … » chained to it
            raise CaseVerdict(self._said(plugin, plugin.scrubber()(broken)))
        if outcome.verdict is Verdict.PASS:
            return
        # what pytest prints and --junitxml keeps is redacted as run's JUnit (unless --casebook-no-redact), two
        # values it hid saying how they differ (« (1 caractère sur 15 diffère) »): Scrubber.noted, as there
        scrub = plugin.scrubber()
        noted = partial(scrub.noted, t=plugin.t, comparisons=comparisons)
        reason = noted(outcome.reason) if outcome.reason else ""
        text = " — ".join(filter(None, (scrub(plugin.t(outcome.verdict.label_fr)), reason)))
        if outcome.verdict is Verdict.SKIPPED:
            pytest.skip(text)
        details = [noted(line) for line in _details(outcome.reason, comparisons)]
        verdict = CaseVerdict(self._said(plugin, text), details)
        if exit_code([outcome.verdict]) == EXIT_ENVIRONMENT:  # the bench's verdict, as run's exit code says
            raise verdict  # in setup: a pytest error
        self._failed = verdict

    def runtest(self) -> None:
        if self._failed is not None:
            failed = self._failed
            raise CaseVerdict(str(failed), failed.details)  # in the test: a pytest failure

    def _said(self, plugin: CasebookPlugin, text: str) -> str:
        from testbench.i18n import colon

        return f"{self.case.id}{colon(plugin.lang)}{text}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseVerdict):
            return "\n".join([str(excinfo.value), *excinfo.value.details])
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, self.line, f"{self.case.id} — {self.case.title}"

    @property
    def line(self) -> int | None:
        """The case's line in its casebook, 0-based as pytest counts (None when the loader did not say)."""
        source = self.case.source
        return source.line - 1 if source is not None else None


def _details(reason: str, comparisons: Sequence[dict[str, Any]]) -> list[str]:
    """The lines a case's report gives below its one-line verdict, in French as recorded: every deviation, one a
    line (and first the reason, when it is a step's), as ``run``'s JUnit does — none when that line says it all
    (one deviation)."""
    from testbench.runner.reasons import detail_lines

    lines = detail_lines(reason, comparisons)
    return lines if len(lines) > 1 else []


def _said_repr(text: str) -> Any:
    """pytest's record of an interrupt that says ``text`` alone: its « !!! … !!! » line, no file, no line."""
    from _pytest._code.code import ExceptionChainRepr, ReprFileLocation, ReprTraceback

    crash = ReprFileLocation(path="", lineno=0, message=text)
    return ExceptionChainRepr([(ReprTraceback([], None, "value"), crash, None)])


def _verdict_repr(item: CaseItem, text: str, details: Sequence[str] = ()) -> Any:
    """A case's verdict as pytest's report of a failure: ``text``, then ``details`` one a line (its section, and
    ``--junitxml``'s text), with ``text`` alone as the « crash » message pytest's summary line and
    ``--junitxml``'s message read. pytest has no public constructor for it; another pytest than the one this was
    written for gets the text and details alone (its summary line then names no reason)."""
    lines = [*text.splitlines(), *details]
    try:
        from _pytest._code.code import ExceptionChainRepr, ReprEntry, ReprFileLocation, ReprTraceback

        entry = ReprEntry(lines=lines, reprfuncargs=None, reprlocals=None, reprfileloc=None, style="value")
        crash = ReprFileLocation(path=str(item.path), lineno=(item.line or 0) + 1, message=text)
        return ExceptionChainRepr([(ReprTraceback([entry], None, "value"), crash, None)])
    except (ImportError, TypeError):
        return "\n".join(lines)
