"""The bench's side of the simulators: start ``testbench services serve``, read its log, set scenarios.

:class:`ServicesProcess` starts the server in a process of its own (on demand: the first step that needs
a téléservice), reads its stdout in a daemon thread and hands each exchange, as one readable line, to a
sink (the ``http`` trace channel, stamped on the bench's clock when read; the server's own time is kept as
the line's source time). :meth:`configure` sets the scenario and fault of a service before a step;
:meth:`settle` waits until every line the server wrote so far has been read, so a step's exchanges stay
with that step. A server that died is said (:class:`ServicesDown`), never hidden: the step is inconclusive
and the next step starts a fresh server. So does a server that stops answering (hung, or stopped by a
signal): at its first control timeout it is killed, rather than reused by every later step, and the next
step starts a fresh one; the bench channel says « simulateur de téléservices redémarré ».
"""

from __future__ import annotations

import contextlib
import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

from testbench.domain.teleservices import SERVICES
from testbench.engines.protocol.client import _signal_name
from testbench.fmt import number, os_reason, program_text
from testbench.i18n import colon

if TYPE_CHECKING:
    import http.client

#: Receives one line for the ``http`` channel: (text, source time as ISO 8601, level).
LineSink = Callable[[str, str | None, str | None], None]

START_TIMEOUT = 15.0  # importing aiohttp on a loaded two-core machine
CONTROL_TIMEOUT = 5.0
#: a server killed for not answering the control API in time (``{seconds}``: CONTROL_TIMEOUT)
UNANSWERED = (
    "le simulateur de téléservices ne répond pas en {seconds:g} s : arrêté, l'étape suivante en démarre un neuf"
)
_EXCERPT = 600  # characters of a request or answer kept on a trace line


class ServicesDown(Exception):
    """The simulators are not there: they could not start, or stopped. The step is inconclusive."""


#: what ``services serve`` exits with on its environment's fault, a port taken among them (serve.py; the runner's
#: EXIT_ENVIRONMENT, which this layer does not import)
SERVE_ENVIRONMENT_EXIT = 2


class _NotStarted(ServicesDown):
    """A server that did not start, and its exit code (None: silent, killed by the bench)."""

    def __init__(self, said: str, code: int | None) -> None:
        super().__init__(said)
        self.code = code


def command() -> list[str]:
    """The server's command line: ``-P`` so that a folder named ``testbench`` where the bench runs is not
    imported instead of the package; in French, the language the bench records reasons in (it translates
    them where it shows them), whatever ``TESTBENCH_LANG`` says."""
    return [sys.executable, "-P", "-m", "testbench", "services", "serve", "--lang", "fr", "--port", "0"]


def _excerpt(value: Any) -> str:
    """A body on a trace line, cut at :data:`_EXCERPT` characters before the value the cut falls in: a part of
    a value (« 1952-01- ») is no longer the value the redactor knows, and would stay in clear."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if len(text) <= _EXCERPT:
        return text
    cut = text[:_EXCERPT]
    opened = _open_string(cut)
    cut = cut[:opened] if opened is not None else cut.rstrip(_BARE_VALUE)
    return cut + "…"


#: the characters of JSON's values outside quotes (numbers, true, false, null): a cut one is dropped whole
_BARE_VALUE = "0123456789+-.eEtruefalsn"


def _open_string(text: str) -> int | None:
    """Where the JSON string ``text`` ends inside starts (its opening quote), or None if it ends outside one."""
    start: int | None = None
    escaped = False
    for i, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\" and start is not None:
            escaped = True
        elif char == '"':
            start = i if start is None else None
    return start


#: the request part of a line whose body the HTTP layer never read (refused, or the client gone first)
NOT_READ = "non lue"


def format_record(record: dict[str, Any]) -> tuple[str, str | None]:
    """One log record as a trace line (French words, the JSON bodies as they were) and its level; an English
    reader gets the words through testbench.traces.bench_text.http_text, which reads these shapes."""
    if "control" in record:
        if record["control"] == "scenario":
            if record.get("fault") in (None, "none"):  # the simulator's code for no fault is no word for a person
                return f"{record['service']} : scénario {record['scenario']}, sans défaut", "DEBUG"
            return f"{record['service']} : scénario {record['scenario']}, défaut {record['fault']}", "DEBUG"
        return "", None  # marks are the bench's own bookkeeping
    status = int(record.get("status") or 0)
    fault = record.get("fault", "none")
    head = f"{record.get('method', 'POST')} {record.get('path', '')}".rstrip()  # « ? »: HTTP refused the request line
    if record.get("interrupted"):  # the client left mid-request (services.app): no fault of the simulator's
        what = "requête interrompue par le client"
    elif status == 0:
        what = "connexion fermée sans réponse" if fault == "down" else f"réponse retenue ({fault})"
    else:
        what = f"{status} en {number(str(record.get('ms', 0)), 'fr')} ms"  # « 0,035 ms »: the record's words are French
    text = f"{head} → {what} · scénario {record.get('scenario', '')}"
    if fault != "none":
        text += f" · défaut {fault}"
    sent = record.get("request")  # None: the HTTP layer refused the request before its body was read
    text += f" · requête {NOT_READ if sent is None else _excerpt(sent)}"
    if record.get("answer") is not None:
        text += f" · réponse {_excerpt(record['answer'])}"
    if record.get("interrupted"):
        return text, "WARN"
    level = "ERROR" if status >= 500 or status == 0 else "WARN" if status >= 400 or fault != "none" else "INFO"
    return text, level


def _failed(record: dict[str, Any]) -> bool:
    """An exchange the service failed: a fault played (timeout, server error, down, malformed), or no answer or
    a 5xx of its own (``service-indisponible``); a client that left mid-request is no failure of the service's."""
    if record.get("fault", "none") != "none":
        return True
    status = int(record.get("status") or 0)
    return status >= 500 or (status == 0 and not record.get("interrupted"))


def _source_time(record: dict[str, Any]) -> str | None:
    ts = record.get("ts")
    if not isinstance(ts, int | float):
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")


class ServicesProcess:
    """The simulators' process, started on first use; ``close`` stops it."""

    def __init__(
        self, sink: LineSink | None = None, argv: list[str] | None = None, on_start: Callable[[str], None] | None = None
    ) -> None:
        self.sink = sink
        # the bench channel: told the simulators' address once they listen, a restart, a hung server killed
        self.on_start = on_start
        self.argv = argv or command()
        self.port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.RLock()
        self._marks = itertools.count(1)
        self._seen_mark = 0
        self._sent_mark = 0  # the last mark the bench sent: a higher one is another client's
        self._mark_cond = threading.Condition()
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None
        self._conn: http.client.HTTPConnection | None = None
        self._stderr: list[str] = []
        self._starts = 0  # servers started: from the second on, a restart
        self._last_port: int | None = None  # the port a restart listens on again, when it is free
        #: an exchange since the last :meth:`configure` failed (a fault played, no answer, a 5xx): the service
        #: really failed the step, so a product's TELESERVICE_UNAVAILABLE is not its invention (runner.runner)
        self.failed = False

    # -- lifecycle ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def base_url(self) -> str:
        self.ensure()
        return f"http://127.0.0.1:{self.port}"

    def url(self, service: str) -> str:
        return f"{self.base_url()}/{service}"

    def ensure(self) -> None:
        """Start the server if it is not running; a server that died since it started is said once."""
        with self._lock:
            if self._proc is not None and self._proc.poll() is not None:
                code = self._proc.returncode
                self._forget()
                raise ServicesDown(_ended(code))
            if self._proc is None:
                self._start()

    def _start(self) -> None:
        """Start a server: a restart listens on the port the last one had when it is free (an application under
        test set to that address keeps it, § Operator mode), else on any port."""
        again = self._same_port()
        try:
            self._launch(again or self.argv)
        except _NotStarted as exc:
            if again is None or exc.code != SERVE_ENVIRONMENT_EXIT:  # not a port taken meanwhile: said as it is
                raise
            self._launch(self.argv)
        assert self._proc is not None
        self._starts += 1
        self._last_port = self.port
        if self._starts > 1:
            self._say(f"simulateur de téléservices redémarré (processus {self._proc.pid})")
        self._say(f"téléservices simulés à l'écoute sur http://127.0.0.1:{self.port} ({', '.join(SERVICES)})")

    def _same_port(self) -> list[str] | None:
        """The command line on the last server's port, when there was one and the command asks for any port."""
        if self._last_port is None or self.argv[-2:] != ["--port", "0"]:
            return None
        return [*self.argv[:-1], str(self._last_port)]

    def _launch(self, argv: list[str]) -> None:
        flags: dict[str, Any] = {}
        if sys.platform == "win32":
            flags["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
        else:
            flags["start_new_session"] = True
        try:
            self._proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **flags
            )
        except OSError as exc:
            raise ServicesDown(f"le simulateur de téléservices ne démarre pas : {os_reason(exc)}") from None
        self._ready.clear()
        self._stderr = []  # a former server's last words are not this one's
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._reader = threading.Thread(target=self._read, args=(self._proc.stdout,), daemon=True, name="services-log")
        self._reader.start()
        drain = threading.Thread(target=self._drain, args=(self._proc.stderr,), daemon=True, name="services-err")
        drain.start()
        if not self._ready.wait(START_TIMEOUT) or self.port is None:
            code = self._exit_code()  # None: still there, silent (killed below)
            self._kill()
            drain.join(2)  # its stderr read to its end: the reason it wrote, if any
            raise _NotStarted(_not_started(code, _said(self._stderr)), code)

    def _exit_code(self) -> int | None:
        """The exit code of a server that did not start: its output ended, so it is ending (waited for a
        moment); None for one still running, silent."""
        assert self._proc is not None
        if self._reader is not None and self._ready.is_set():
            self._reader.join(2)  # it set « ready » at the end of the output: its own end follows
        if self._reader is not None and self._reader.is_alive():
            return self._proc.poll()
        try:
            return self._proc.wait(2)
        except subprocess.TimeoutExpired:
            return None

    def _say(self, text: str) -> None:
        if self.on_start is not None:
            self.on_start(text)

    def _read(self, stream: IO[bytes]) -> None:
        for raw in stream:
            try:
                self._take(raw)
            except Exception:  # a record of no shape the server writes (a stray client's control request):
                continue  # skipped; the reader lives on, or every later exchange would be lost unsaid
        self._ready.set()  # the process ended: whoever waits for a start stops waiting
        with self._mark_cond:
            self._mark_cond.notify_all()

    def _take(self, raw: bytes) -> None:
        """One line of the server's log: its port, a mark reached, or an exchange for the sink."""
        try:
            record = json.loads(raw)
        except ValueError:
            return
        if not isinstance(record, dict):
            return
        if "port" in record and self.port is None:
            self.port = int(record["port"])
            self._ready.set()
            return
        if record.get("control") == "mark":
            mark = record.get("mark")
            # another client's odd mark is not ours, nor one past ours (it would open every later barrier)
            if isinstance(mark, int) and not isinstance(mark, bool) and mark <= self._sent_mark:
                with self._mark_cond:
                    self._seen_mark = max(self._seen_mark, mark)
                    self._mark_cond.notify_all()
            return
        if "control" not in record:
            self.failed = self.failed or _failed(record)
        text, level = format_record(record)
        if text and self.sink is not None:
            self.sink(text, _source_time(record), level)

    def _drain(self, stream: IO[bytes]) -> None:
        for raw in stream:
            self._stderr.append(program_text(raw).strip())
            del self._stderr[:-20]

    # -- control -------------------------------------------------------------------------------------
    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        import http.client  # here, not at import: a run without a téléservice step never needs it

        self.ensure()
        data = json.dumps(body).encode("utf-8")
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=CONTROL_TIMEOUT)
            try:
                self._conn.request("POST", path, data, {"Content-Type": "application/json"})
                response = self._conn.getresponse()
                payload = response.read()
                break
            except TimeoutError:  # hung (or stopped by a signal): every later step would wait for it too
                self._kill()
                raise ServicesDown(UNANSWERED.format(seconds=CONTROL_TIMEOUT)) from None
            except (OSError, http.client.HTTPException) as exc:
                self._conn.close()
                self._conn = None
                if attempt == 2 or not self.running:
                    raise ServicesDown(f"le simulateur de téléservices ne répond pas : {_reason(exc)}") from None
        try:
            answer = json.loads(payload)
        except ValueError:
            answer = {}
        if response.status != 200:
            message = answer.get("message") if isinstance(answer, dict) else None
            raise ValueError(message if isinstance(message, str) and message else f"erreur HTTP {response.status}")
        return answer if isinstance(answer, dict) else {}

    def configure(
        self, service: str, scenario: str | None, fault: str = "none", identity: dict[str, Any] | None = None
    ) -> None:
        """What ``service`` plays for its next calls. Raises ValueError for an unknown scenario or fault
        (a casebook mistake) and :class:`ServicesDown` when the server is not there."""
        if service not in SERVICES:
            raise ValueError(f"téléservice inconnu « {service} »")
        body: dict[str, Any] = {"service": service, "scenario": scenario, "fault": fault or "none"}
        if identity:
            body["identity"] = identity
        with self._lock:
            self.failed = False  # the lines before were settled with the step before
            try:
                self._post("/_bench/scenario", body)
            except ServicesDown:
                self._said_if_ended()
                raise

    def _said_if_ended(self) -> None:
        """A server that failed a control request because it is ending (it died as it was asked): how it ended,
        said now and forgotten (:meth:`ensure`), so the next step starts a fresh one rather than being told of
        this death again. One still running is left as it was."""
        proc = self._proc
        if proc is None:  # killed for not answering: already forgotten
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(1)  # its connections close a moment before its end is seen
        self.ensure()

    def settle(self, timeout: float = 2.0) -> None:
        """Return once every line the server wrote before now has been handed to the sink."""
        if not self.running:
            return
        with self._lock:
            mark = self._sent_mark = next(self._marks)
            try:
                self._post("/_bench/mark", {"mark": mark})
            except ServicesDown as exc:  # the step's result stands; a server killed for it is said
                self._say(str(exc))
            except ValueError:
                pass
        deadline = time.monotonic() + timeout
        with self._mark_cond:
            while self._seen_mark < mark and self.running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._mark_cond.wait(left)

    # -- stop ----------------------------------------------------------------------------------------
    def _forget(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        reader, self._reader = self._reader, None
        if reader is not None and reader is not threading.current_thread():
            reader.join(2)  # its end marks the start as over: it must not stop the next server's wait
        self._proc = None
        self.port = None

    def _kill(self) -> None:
        proc = self._proc
        if proc is None:
            return
        with contextlib.suppress(OSError):
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
        self._forget()

    def close(self) -> None:
        """Stop the server: stdin closed (a clean stop), killed if it lingers."""
        with self._lock:
            proc = self._proc
            if proc is None:
                return
            if self._conn is not None:
                self._conn.close()
            with contextlib.suppress(OSError):
                if proc.stdin is not None:
                    proc.stdin.close()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                self._kill()
            self._forget()


def _ended(code: int) -> str:
    """How the server ended: its exit code, or the signal that killed it (POSIX's negative return code), in
    the engine's words (testbench.engines.protocol.client)."""
    if code >= 0:
        return f"le simulateur de téléservices s'est arrêté (code {code})"
    number, name = -code, _signal_name(-code)
    if name:
        return f"le simulateur de téléservices a été tué par le signal {number} ({name})"
    return f"le simulateur de téléservices a été tué par le signal {number}"


def _not_started(code: int | None, said: str) -> str:
    """Why the server did not start: how it ended (``code``: None when it was still there, silent) and the
    reason it wrote, each when known."""
    if code is None:  # still there after START_TIMEOUT, silent: the bench killed it (ServicesProcess._start)
        return f"le simulateur de téléservices n'a pas démarré : {said or _silent(START_TIMEOUT)}"
    if said:
        return f"le simulateur de téléservices n'a pas démarré : {_ended(code)} ; {said}"
    return f"le simulateur de téléservices n'a pas démarré : {_ended(code)}"


def _silent(seconds: float) -> str:
    """A server that announced no port in time: how long the bench waited, and that it stopped it (as
    :data:`UNANSWERED` says of a server that stops answering)."""
    return f"pas de port annoncé en {seconds:g} s, arrêté"


#: What ``testbench services`` writes before its last words on stderr (testbench.services.serve, testbench.cli.main),
#: followed by the colon of the language it speaks: « testbench services : », "testbench services: "
SAID = "testbench services"


def _said(stderr: list[str]) -> str:
    """The reason the server wrote on stderr before it stopped (``testbench.services.serve``, or the command
    line's net for a fault of its own, naming the file of its details: one line after :data:`SAID` and its
    colon, French or English); anything else there (a Python traceback) is not for a person."""
    for line in reversed(stderr):
        for prefix in (SAID + colon("fr"), SAID + colon("en")):
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
    return ""


def _reason(exc: OSError | http.client.HTTPException) -> str:
    """Why a control request failed, in French: never Python's own (English) words."""
    if isinstance(exc, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(exc, ConnectionError):  # reset, aborted, broken pipe; http.client's RemoteDisconnected too
        return "connexion fermée sans réponse"
    if isinstance(exc, OSError):
        return os_reason(exc)
    return "réponse invalide"
