"""A campaign from casebooks to a session: load, select, open the session, run, record.

This is the execution core that the CLI, the TUI and tests call; it needs no user interface.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testbench.casebook.errors import CasebookError, os_reason
from testbench.casebook.model import Case, Casebook
from testbench.domain.attestation import Operator
from testbench.runner.assemble import BenchOptions, assemble
from testbench.runner.events import Listener
from testbench.runner.manual import HeadlessOperator, ScriptedOperator
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.codec import to_plain
from testbench.store.session import SessionError, SessionStore, SessionWriteError

EXIT_USAGE = 3
EXIT_ENVIRONMENT = 2

INTERRUPTED = "tentative interrompue (processus arrêté avant le verdict)"


class CampaignError(Exception):
    """The campaign cannot start; ``lines`` say why, ``exit_code`` is what the CLI returns."""

    def __init__(self, lines: list[str], exit_code: int = EXIT_USAGE) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
        self.exit_code = exit_code


@dataclass
class RunRequest:
    casebooks: list[Path]
    session: Path
    resume: bool = False
    rerun: bool = False
    keyword: str | None = None
    tags: list[str] = field(default_factory=list)
    engine: str = "reference"
    engine_timeout: float = 10.0
    cards: str = "auto"
    allow_real_cards: bool = False
    attestations: Path | None = None
    watch_dir: Path | None = None  # operator mode: the application's output folder
    app_logs: list[str] = field(default_factory=list)  # PATH[;channel=…][;format=…] (traces.capture.parse_file_spec)
    syslog_port: int | None = None  # receive syslog on 127.0.0.1:PORT (0: a free port)
    sut: str = ""  # software under test, as the report's cover names it
    sut_version: str = ""
    agrement: str = ""  # agrément or test number of the software under test
    operator: str = ""  # who runs the campaign
    argv: list[str] = field(default_factory=list)


@dataclass
class CampaignResult:
    run_id: int
    ran: int  # cases run by this invocation
    final_verdicts: list[str]  # latest verdict of every case of the session's selection


def load(request: RunRequest) -> tuple[list[Casebook], list[tuple[Casebook, Case]]]:
    from testbench.casebook.loader import SelectionError, load_casebooks, select_cases

    try:
        casebooks = load_casebooks(request.casebooks)
    except CasebookError as exc:
        raise CampaignError([p.text() for p in exc.problems]) from None  # in the active language
    try:
        selected = select_cases(casebooks, request.keyword, request.tags)
    except SelectionError as exc:
        raise CampaignError([str(exc)]) from None
    if not selected:
        raise CampaignError(["aucun cas ne correspond à la sélection (-k / --tag)"])
    return casebooks, selected


def record_casebooks(store: SessionStore, casebooks: list[Casebook]) -> None:
    for cb in casebooks:
        store.add_casebook(
            cb.sha256,
            str(cb.path),
            cb.identity.plan_id,
            to_plain(cb.identity),
            [(c.id, c.title, c.domain.value, c.mode.value, to_plain(c)) for c in cb.cases],
        )


def _resume_selection(store: SessionStore, casebooks: list[Casebook]) -> list[tuple[Casebook, Case]]:
    by_sha = {cb.sha256: cb for cb in casebooks}
    keys = store.selection()
    if not keys:
        raise CampaignError([f"{store.path}: aucune campagne à reprendre dans cette session"])
    missing = sorted({sha for sha, _ in keys if sha not in by_sha})
    if missing:
        raise CampaignError(
            [
                f"{store.path}: le cahier de tests d'empreinte {sha[:12]}… de la session n'est pas parmi les fichiers"
                " donnés (ou il a changé depuis le début de la session)"
                for sha in missing
            ]
        )
    done = store.final_cases()
    return [(by_sha[sha], by_sha[sha].case(cid)) for sha, cid in keys if (sha, cid) not in done]


def make_operator(request: RunRequest, notify: Callable[[str], None] | None) -> Operator:
    if request.attestations is None:
        return HeadlessOperator()
    try:
        return ScriptedOperator(request.attestations)
    except (OSError, ValueError) as exc:
        raise CampaignError([f"{request.attestations}: attestations illisibles ({_unreadable(exc)})"]) from None


def _unreadable(exc: OSError | ValueError) -> str:
    """Why a JSON file could not be read, in French (Python's own words are English)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"JSON invalide ligne {exc.lineno}, colonne {exc.colno}"
    if isinstance(exc, UnicodeDecodeError):
        return "pas du texte UTF-8"
    if isinstance(exc, OSError):
        return os_reason(exc)
    return str(exc)


def start_capture(request: RunRequest, recorder: TraceRecorder, notify: Callable[[str], None] | None) -> Any:
    """Follow the application's logs and syslog for the whole campaign, on the recorder's clock."""
    if not request.app_logs and request.syslog_port is None:
        return None
    from testbench.traces.capture import TraceCapture, parse_file_spec

    capture = TraceCapture(recorder.add_batch)
    try:
        for spec in request.app_logs:
            capture.add_files(**parse_file_spec(spec))
        if request.syslog_port is not None:
            receiver = capture.add_syslog(port=request.syslog_port)
            if notify:
                notify(f"syslog : 127.0.0.1 UDP {receiver.udp_port} / TCP {receiver.tcp_port}")
    except (ValueError, OSError) as exc:
        raise CampaignError([f"source de traces : {exc}"]) from None
    recorder.context_hooks.append(capture.set_context)
    return capture.start()


def run_campaign(
    request: RunRequest,
    *,
    listener: Listener | None = None,
    notify: Callable[[str], None] | None = None,
    operator: Operator | None = None,
) -> CampaignResult:
    casebooks, selected = load(request)
    operator = operator or make_operator(request, notify)
    try:
        store = SessionStore.open(request.session)
    except SessionWriteError as exc:  # a full disk while migrating: an environment fault, resumable
        raise CampaignError([str(exc)], EXIT_ENVIRONMENT) from None
    except SessionError as exc:
        raise CampaignError([str(exc)]) from None
    try:
        has_history = store.conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] > 0
        if request.resume and (has_history or store.selection()):  # else the set-up never finished: do it
            closed = store.close_dangling_attempts(INTERRUPTED)
            if closed and notify:
                notify(f"{closed} tentative(s) interrompue(s) conservée(s) dans l'historique")
            record_casebooks(store, casebooks)
            to_run = _resume_selection(store, casebooks)
        else:
            if has_history and not request.rerun:
                raise CampaignError(
                    [
                        f"{request.session}: la session contient déjà des résultats ; --resume pour reprendre,"
                        " --rerun pour rejouer les cas (nouvelles tentatives)"
                    ]
                )
            store.close_dangling_attempts(INTERRUPTED)
            record_casebooks(store, casebooks)
            store.set_selection([(cb.sha256, case.id) for cb, case in selected])
            to_run = selected
        recorder = TraceRecorder(writer=store.add_trace_lines)
        options = BenchOptions(
            engine=request.engine,
            cards=request.cards,
            engine_timeout=request.engine_timeout,
            allow_real_cards=request.allow_real_cards,
            watch_dir=request.watch_dir,
        )
        try:
            bench = assemble(options, recorder, notify=notify)
        except Exception as exc:  # the environment could not provide a bench
            raise CampaignError([f"banc indisponible : {exc}"], EXIT_ENVIRONMENT) from None
        capture = None
        try:
            capture = start_capture(request, recorder, notify)
            run_id = store.begin_run(
                request.argv,
                {
                    "resume": request.resume,
                    "rerun": request.rerun,
                    "keyword": request.keyword,
                    "tags": request.tags,
                    "engine": request.engine,
                    "cards": request.cards,
                    "allow_real_cards": request.allow_real_cards,
                    "app_logs": request.app_logs,
                    "syslog_port": request.syslog_port,
                    "sut": {"name": request.sut, "version": request.sut_version},
                    "agrement": request.agrement,
                    "operator": request.operator,
                },
                {
                    **bench.description,
                    "notes": bench.notes,
                    "casebooks": {cb.identity.plan_id: cb.sha256 for cb in casebooks},
                },
            )
            runner = Runner(
                store, bench.engine, bench.bay, recorder, operator=operator, guard=bench.guard, listener=listener
            )
            try:
                runner.run(run_id, to_run)
            except SessionWriteError as exc:
                raise CampaignError([str(exc)], EXIT_ENVIRONMENT) from None
            store.end_run(run_id)
        finally:
            bench.close()
            # last writes are best effort: when the disk is full the campaign's own error is the one to show
            with contextlib.suppress(SessionWriteError):
                if capture is not None:
                    capture.stop()
                    for clock in capture.clock_offsets():
                        store.add_event("clock-offset", {"source": clock.source, "text": clock.describe_fr()})
                recorder.flush()
        latest = store.latest_verdicts()
        final = [latest.get(key, "none") for key in store.selection()]
        return CampaignResult(run_id=run_id, ran=len(to_run), final_verdicts=final)
    except SessionWriteError as exc:  # a full disk while setting up: the same message as during the run
        raise CampaignError([str(exc)], EXIT_ENVIRONMENT) from None
    finally:
        store.close()
