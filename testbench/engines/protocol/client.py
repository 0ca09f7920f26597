"""``SubprocessEngine``: drive any engine speaking the JSON-RPC stdio protocol, and survive it.

Every call has a timeout. A crashed, hung or babbling engine is killed with its whole process tree (the
engine runs in a process group of its own, so a wrapper such as ``bash -c '…'`` cannot leave the real
engine behind) and the call raises :class:`EngineCrash`, :class:`EngineTimeout` or
:class:`EngineProtocolError`. No pipe can block the caller, on POSIX or Windows (:mod:`.process`: polled
pipes, or pump threads where pipes cannot be polled). Lines are capped (8 MiB by default) and an oversized
line is never held in memory. Every result is checked against its published JSON Schema: a malformed one
is an :class:`EngineProtocolError` naming the method and the path.

Restarts. Outside a case the next call starts a fresh process. Inside a case (between ``begin_case`` and
``end_case``, as the runner drives it) an engine that stopped after answering a call of the case is not
restarted: a new process would not know the case's invoices, so the call fails (the case ends there: failed
for an external engine, the product; an error for the reference engine, the bench's — testbench.runner.blame)
and the next case gets a fresh engine. Restarts and stops are reported to the
lifecycle sink (``attach_lifecycle``) so that the runner records them with the case.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import re
import subprocess
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, NoReturn

from testbench.cards.api import CardChannel, CardError, CardUnavailable
from testbench.domain.hooks import LifecycleSink
from testbench.domain.refusal import EngineError, EngineRefusal
from testbench.engines.api import (
    EngineCardDenied,
    EngineCrash,
    EngineInfo,
    EngineNotLaunched,
    EngineProtocolError,
    EngineStartCrash,
    EngineStartProtocolError,
    EngineStartTimeout,
    EngineTimeout,
    EngineUnavailable,
    JsonObject,
    TraceSink,
    not_launched,
)
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol import validation
from testbench.engines.protocol.process import REAP_TIMEOUT, EngineProcess
from testbench.fmt import byte_size, number, visible_controls
from testbench.i18n import _t

#: Receives every message on the wire: ("sent" | "received", message), and each line that is not one:
#: ("unreadable", {"reason", "excerpt"}). Used by the conformance kit.
MessageHook = Callable[[str, dict[str, Any]], None]

_BACKLOG = 20  # lifecycle events kept while no case is running
_NO_ID = object()  # what a boolean id answers: no request
#: trace lines of one case the session stores: an engine that floods (200,000 lines in a call) neither fills the disk
#: nor the report; the cut is said once, as a ``bench`` line of the case
TRACE_KEPT = 5000
TRACE_CUT = _t(
    "le moteur a envoyé plus de {count} lignes de trace dans ce cas : les suivantes ne sont pas enregistrées"
)
_ANSWERED = 64  # answered requests remembered, so that a second answer names the request it repeats


def _signal_name(number: int) -> str | None:
    """The name of signal ``number`` (« SIGSEGV ») where the system has one."""
    import signal

    try:
        return signal.Signals(number).name
    except (ValueError, AttributeError):  # a number the system does not name
        return None


def _answered_id(msg: dict[str, Any]) -> Any:
    """The id a response answers; a boolean as no request's: JSON's ``true`` is not the id 1 (as Python's ``True == 1``
    would have it), and ``engine check`` fails it on the envelope's schema."""
    value = msg.get("id")
    return _NO_ID if isinstance(value, bool) else value


def _stopped(code: int | None, method: str | None = None) -> str:
    """How the engine ended, in words: its exit code, or the signal that killed it (POSIX gives a negative
    return code for it: « tué par le signal 11 (SIGSEGV) », never « code -11 »); ``method``: the call it was
    answering, else it stopped between two calls."""
    if code is not None and code < 0:
        number, name = -code, _signal_name(-code)
        if method:
            if name:
                return f"{method} : le moteur a été tué par le signal {number} ({name})"
            return f"{method} : le moteur a été tué par le signal {number}"
        if name:
            return f"le moteur a été tué entre deux appels par le signal {number} ({name})"
        return f"le moteur a été tué entre deux appels par le signal {number}"
    if code is None:  # not reaped yet: nothing to say of how it ended
        return f"{method} : le moteur s'est arrêté" if method else "le moteur s'est arrêté entre deux appels"
    return (
        f"{method} : le moteur s'est arrêté (code {code})"
        if method
        else f"le moteur s'est arrêté entre deux appels (code {code})"
    )


def _silent(method: str, heard: bool) -> str:
    """What a start that timed out with nothing at all on stdout most often is, as the end of the timeout's sentence:
    an engine that writes its answer to ``initialize`` and never flushes it (Python's ``print`` and C's ``stdio``
    buffer a pipe). "" for any other call: an engine that answered ``initialize`` flushes its output."""
    if method != "initialize" or heard:
        return ""
    return " ; rien n'est sorti du moteur (une réponse non suivie d'un flush reste dans son tampon)"


def _partial(proc: EngineProcess) -> str:
    """What a timed-out engine had begun to write and not ended (a line without its newline), as the end of the
    timeout's sentence: « ; le moteur avait écrit une ligne sans la finir : « {"jsonrpc":"2.0","id": » »; "" when
    it wrote nothing of one. The developer sees where the engine stood, not only that it was silent."""
    partial = proc.partial()
    return "" if partial is None else f" ; le moteur avait écrit une ligne sans la finir : « {partial} »"


def _oversize(over: J.Oversized, limit: int, method: str | None = None) -> str:
    """An oversized line, its size when its end was seen, the sizes as a person reads them (« 8 Mio »);
    ``method``: the call it answered, else it came between two calls."""
    size, most = byte_size(over.size, "fr"), byte_size(limit, "fr")
    if method:
        return f"{method} : ligne de {size} (limite : {most})" if over.whole else f"{method} : ligne de plus de {most}"
    return f"une ligne de {size} (limite : {most})" if over.whole else f"une ligne de plus de {most}"


#: A stopped engine's reason with its stderr tail, read back in English: the reason by its template, the tail
#: (the engine's own words) as written.
_WITH_STDERR = re.compile(
    r"(?P<head>.+?(?:\(code -?\d+\)|par le signal \d+(?: \(\w+\))?|s'est arrêté(?: entre deux appels)?"
    r"|au milieu de sa réponse : « .*? »))"
    r" ; stderr : (?P<tail>.*)",
    re.S,
)


#: older sessions' wording of an oversized line (before its sizes read « 8 Mio »): still read back in English
OLDER_OVERSIZE = _t("{method} : ligne de plus de {limit} octets ({size} octets ignorés)")

_START_FAULTS: dict[type[EngineError], type[EngineError]] = {
    EngineCrash: EngineStartCrash,
    EngineTimeout: EngineStartTimeout,
    EngineProtocolError: EngineStartProtocolError,
}


def _start_fault(exc: EngineError, message: str) -> EngineError:
    """``exc``, met while the engine started, as its start fault (testbench.runner.blame: « démarrage »)."""
    for kind, start in _START_FAULTS.items():
        if isinstance(exc, kind):
            return start(message)
    return type(exc)(message)


def _start_reason(exc: BaseException) -> str:
    """Why a start failed, without « le moteur n'a pas démarré : » in front (a start fault wraps its cause)."""
    if isinstance(exc, EngineCrash | EngineTimeout | EngineProtocolError) and exc.__cause__ is not None:
        return str(exc.__cause__)
    return str(exc)


def _twice(first: BaseException, again: BaseException) -> str:
    """One sentence for two failed starts: the reason once when it is the same, else both in order."""
    one, two = _start_reason(first), _start_reason(again)
    if one == two:
        return f"le moteur n'a pas démarré, deux fois de suite : {one}"
    return f"le moteur n'a pas démarré, deux fois de suite : d'abord {one} ; puis {two}"


#: English read-back of the two-starts sentence (its reasons hold « : », which a table template cannot span)
EN_SHAPES = [
    (
        re.compile(r"le moteur n'a pas démarré, deux fois de suite : d'abord (?P<one>.+?) ; puis (?P<two>.+)", re.S),
        lambda m, t: f"the engine did not start, twice in a row: first {t(m['one'])}; then {t(m['two'])}",
    ),
    (_WITH_STDERR, lambda m, t: f"{t(m['head'])}; stderr: {m['tail']}"),
    (  # a cut answer: how the engine ended (a sentence of its own), then the line as written
        re.compile(r"(?P<head>.+?) au milieu de sa réponse : « (?P<excerpt>.*) »", re.S),
        lambda m, t: f"{t(m['head'])} in the middle of its answer: “{m['excerpt']}”",
    ),
    (
        re.compile(r"notification trace du moteur rejetée, sa ligne n'est pas enregistrée : (?P<errors>.+)", re.S),
        lambda m, t: (
            "engine trace notification rejected, its line is not stored: "
            + "; ".join(t(e) for e in m["errors"].split(" ; "))
        ),
    ),
]


@cache
def _result_schema(method: str) -> str | None:
    name = f"{method}.result"
    return name if validation.has_schema(name) else None


#: every engine of this process (an interrupt kills them itself: none is in the bench's process group)
_LIVE: weakref.WeakSet[SubprocessEngine] = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()


def abort_all() -> None:
    """Kill every engine this process runs or is starting, now, from any thread (a ^C while other threads start
    the benches of ``run --workers``): their starts end at once instead of at their timeout, and none restarts."""
    with _LIVE_LOCK:
        engines = list(_LIVE)
    for engine in engines:
        engine.abort()


class SubprocessEngine:
    """An :class:`Engine` in another process (``command``), reached through JSON-RPC on its stdio.

    ``timeout`` bounds every call; ``start_timeout`` bounds a start (the process up and ``initialize``
    answered) and is ``timeout`` unless given: there is no hidden floor. ``validate=False`` lets malformed
    results through, for the conformance kit, which checks every message itself and names each violation.
    """

    def __init__(
        self,
        command: Sequence[str],
        timeout: float = 10.0,
        trace: TraceSink | None = None,
        bay: CardChannel | None = None,
        *,
        cards: JsonObject | None = None,
        start_timeout: float | None = None,
        max_line: int = J.MAX_LINE,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        on_message: MessageHook | None = None,
        validate: bool = True,
    ) -> None:
        if not command:
            raise EngineNotLaunched("commande du moteur vide")
        self.command = list(command)
        self.timeout = timeout
        self.start_timeout = timeout if start_timeout is None else start_timeout
        self.trace = trace
        self.bay = bay
        self.cards = cards if cards is not None else {"mode": "client"}
        self.max_line = max_line
        self.env = env
        self.cwd = cwd
        self.on_message = on_message
        self.validate = validate
        self.restarts = 0  # processes started after the first one
        self._started = False
        self._proc: EngineProcess | None = None
        self._info: EngineInfo | None = None
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._in_case = False
        self._case_served = False  # a process of this engine answered a call of the current case
        self._pending: EngineError | None = None  # a failed start outside any case: the next case answers for it
        self._first_start: EngineError | None = None  # that start's own fault, no campaign named
        self._lifecycle: LifecycleSink | None = None
        self._backlog: collections.deque[tuple[str, JsonObject]] = collections.deque(maxlen=_BACKLOG)
        self._answered: dict[Any, str] = {}  # request id → method, the latest answered requests
        self._last: tuple[Any, str] | None = None  # the request the current process answered last
        self._trace_rejected = False  # a rejected trace notification was said in this case (once per case)
        self._traced = 0  # the trace lines of the current case (at most :data:`TRACE_KEPT` stored)
        #: slot → what the bay answered the engine's card requests during the current call: None when every one
        #: was answered, else the card error relayed (testbench.engines.api.EngineCardDenied)
        self._relayed: dict[str, str | None] = {}
        self._aborted = False  # killed by an interrupt (abort): never started again
        with _LIVE_LOCK:
            _LIVE.add(self)

    # -- cases and lifecycle events ---------------------------------------------------------------
    def attach_lifecycle(self, sink: LifecycleSink) -> None:
        """Report restarts, stops and failed starts to ``sink`` (the runner records them with the case)."""
        self._lifecycle = sink

    def begin_case(self) -> None:
        """A case starts: its first call may start a fresh engine, a later restart would be an error."""
        with self._lock:
            self._in_case = True
            self._case_served = False
            self._trace_rejected = False
            self._traced = 0
            while self._backlog and self._lifecycle is not None:  # none attached: kept (it looped forever)
                self._event(*self._backlog.popleft())

    def end_case(self, settle: bool = True) -> str | None:
        """The case ends. What the engine wrote after its last answer is the case's fault, not the next one's:
        the reason (the engine is then stopped, the next case gets a fresh one), or None when it wrote nothing.
        The ``describe`` that settles it is a call like the case's others: unanswered within the timeout it
        raises :class:`EngineTimeout`, the engine dying on it :class:`EngineCrash` (the case answers for both).
        A line written just after the answer to that ``describe`` is read by one more, whose answer comes after
        it (one request at a time), and named as the case's closing ``describe``. ``settle=False`` (the run
        interrupted, perhaps inside a call): no ``describe`` the engine might take a call timeout to answer,
        only what is already there."""
        with self._lock:
            try:
                stray = self.drain_stray(settle=settle)
                if stray is None and settle:
                    stray = self.drain_stray(settle=True)
                return stray
            finally:
                self._in_case = False
                self._case_served = False

    def drain_stray(self, settle: bool = False) -> str | None:
        """Read what the engine wrote after its last answer: nothing but a trace may come between two calls.
        Stray output is the fault of the call that was answered last: its reason names that request (« seconde
        réponse à la requête 5 (secure_invoice) »), the engine is stopped (an event says so) and the next call
        starts a fresh one. None when there was nothing stray.

        Without ``settle``, what is already there, without waiting (before each request). With it (a case's
        end), everything the engine wrote before it answers one ``describe``: it handles one request at a time,
        so a line it wrote just after its answer cannot arrive after that one. That ``describe`` unanswered in
        time raises :class:`EngineTimeout`, the engine dying on it :class:`EngineCrash` (it is then stopped)."""
        with self._lock:
            proc, last = self._proc, self._last
            if proc is None or last is None:
                return None
            barrier = self._barrier(proc) if settle else None
            stray = self._stray(proc, barrier)
            if stray is None:
                return None
            reason = self._strayed(last, stray)
            self._discard()
            return reason

    def _strayed(self, last: tuple[Any, str], stray: str) -> str:
        """What the engine wrote after its answer to ``last``, as that request's fault (event engine-stray-output)."""
        reason = f"après sa réponse à la requête {last[0]} ({last[1]}), le moteur a écrit : {stray}"
        self._event("engine-stray-output", {"message": reason, "request": last[0]})
        return reason

    def _barrier(self, proc: EngineProcess) -> tuple[int, float]:
        """Ask ``describe``: (its id, the deadline of its answer). An engine that does not take it by then
        answers nothing by then either: a timeout, as for any call."""
        msg_id, deadline = next(self._ids), time.monotonic() + self.timeout
        self._send(proc, J.request(msg_id, "describe", {}), deadline)
        return msg_id, deadline

    def _stray(self, proc: EngineProcess, barrier: tuple[int, float] | None = None) -> str | None:
        """The first thing the engine wrote outside any call, in words (traces are taken); None if nothing:
        up to the answer to ``barrier``, else what is there now."""
        while True:
            kind, payload = proc.receive(barrier[1] if barrier is not None else time.monotonic())
            if kind == "timeout":
                if barrier is not None:  # hung on the case's describe: the case's fault, and no next case waits
                    limit = number(f"{self.timeout:g}", "fr")  # « 0,5 s », read 0.5 s in English
                    partial = _partial(proc)  # read before the engine is killed and its pipes closed
                    self._discard()
                    message = f"le moteur n'a pas répondu à describe en fin de cas ({limit} s) : arrêté{partial}"
                    self._event("engine-stopped", {"message": message})
                    raise EngineTimeout(message)
                return None
            if kind == "eof":
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.popen.wait(timeout=REAP_TIMEOUT)
                if barrier is not None:  # it died on the case's describe, or before it read it: after its last answer
                    said = f"{_stopped(proc.popen.returncode, 'describe')}{proc.stderr_tail()}"
                    self._died(proc, self._between(proc) if proc.untaken() else said)
                return None  # it stopped after answering: the next call says so (engine-stopped)
            if kind == "cut":
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.popen.wait(timeout=REAP_TIMEOUT)
                if barrier is not None:
                    self._died(proc, self._cut(proc, "describe", payload))
                return f"une ligne inachevée : « {payload} »"
            if kind == "garbage":
                reason, excerpt = self._unreadable(payload)
                return f"une sortie qui n'est pas du JSON-RPC ({reason}) : « {excerpt} »"
            if kind == "oversize":
                return _oversize(payload, self.max_line)
            msg: dict[str, Any] = payload
            if self.on_message is not None:
                self.on_message("received", msg)
            if "method" in msg and "id" not in msg and msg.get("jsonrpc") == "2.0":
                self._notification(msg)  # a trace sent late: harmless
                continue
            if barrier is not None and "method" not in msg and _answered_id(msg) == barrier[0]:
                self._answer_of(barrier[0], "describe")  # answered last: a later stray names it
                return None  # the engine had nothing more to say
            if "method" not in msg and (earlier := _answered_id(msg)) in self._answered:
                return f"seconde réponse à la requête {J.shown_json(earlier, 40)} ({self._answered[earlier]})"
            return f"un message hors de tout appel : {J.shown_json(msg, 120)}"

    def _unreadable(self, payload: tuple[str, str]) -> tuple[str, str]:
        """A line that is not JSON-RPC, told to the message hook (``"unreadable"``: the conformance kit's
        ``enveloppe`` check fails on it) before the call's fault is raised; (reason, excerpt)."""
        reason, excerpt = payload
        if self.on_message is not None:
            self.on_message("unreadable", {"reason": reason, "excerpt": excerpt})
        return reason, excerpt

    def _died(self, proc: EngineProcess, message: str) -> NoReturn:
        """The engine died (``message`` says on what): said (engine-stopped) and raised, the process forgotten."""
        code = proc.popen.returncode
        self._discard()
        self._event("engine-stopped", {"exit_code": code, "message": message})
        raise EngineCrash(message)

    def _between(self, proc: EngineProcess) -> str:
        """An engine found stopped before it read the next request: the fault of the call it answered last
        (« après sa réponse à la requête 4 (create_invoice), le moteur s'est arrêté entre deux appels (code 3) »)."""
        stopped = f"{_stopped(proc.popen.returncode)}{proc.stderr_tail()}"
        last = self._last
        return f"après sa réponse à la requête {last[0]} ({last[1]}), {stopped}" if last is not None else stopped

    @staticmethod
    def _cut(proc: EngineProcess, method: str, excerpt: str) -> str:
        """The engine ended while it wrote its answer to ``method``: how it ended, and what it had written."""
        said = f"{_stopped(proc.popen.returncode, method)} au milieu de sa réponse : « {excerpt} »"
        return f"{said}{proc.stderr_tail()}"

    def _event(self, kind: str, details: JsonObject) -> None:
        if self._lifecycle is None or not self._in_case:
            self._backlog.append((kind, details))  # told to the next case (the bench may not be running yet)
        else:
            self._lifecycle(kind, details)

    # -- process lifecycle ------------------------------------------------------------------------
    def _ensure_started(self) -> EngineProcess:
        if self._aborted:  # the run is interrupted: no fresh process (its start would take up to a timeout)
            raise EngineUnavailable("interrompu")
        proc = self._proc
        if proc is not None and proc.alive():
            return proc
        if proc is not None:  # it stopped since the last call: the fault of the call it answered last
            code, message, answered = proc.popen.returncode, self._between(proc), self._last is not None
            self._discard()
            self._event("engine-stopped", {"exit_code": code, "message": message})
            if answered and self._in_case and self._case_served:
                raise EngineCrash(message)
        if self._in_case and self._case_served:
            raise EngineCrash(
                "le moteur s'est arrêté pendant le cas ; un moteur redémarré ne connaîtrait plus ce que le cas lui"
                " a demandé : le cas s'arrête là (le cas suivant aura un moteur neuf)"
            )
        return self._start()

    def _start(self) -> EngineProcess:
        # held at once (self._proc assigned first): an interrupt from here on leaves close() a process to end
        self._proc = proc = EngineProcess(self.command, self.max_line, self.env, self.cwd)
        restart, self._started = self._started, True
        if restart:
            self.restarts += 1
        try:
            answer = self._exchange(
                proc,
                "initialize",
                {"protocol_version": J.PROTOCOL_VERSION, "cards": self.cards, "trace": self.trace is not None},
                self.start_timeout,
            )
            self._checked("initialize", answer)
            self._info = _engine_info(answer.get("engine") if isinstance(answer, dict) else None)
        except (J.EngineRemoteError, EngineRefusal, CardError) as exc:  # it answered, and said no
            self._discard()
            raise EngineUnavailable(f"le moteur refuse de démarrer : {exc}") from exc
        except (EngineCrash, EngineTimeout, EngineProtocolError) as exc:
            self._discard()
            fault = _start_fault(exc, f"le moteur n'a pas démarré : {exc}")
            self._event("engine-start-failed", {"message": str(fault)})
            raise fault from exc
        if restart:
            self._event(
                "engine-restart",
                {
                    "pid": proc.popen.pid,
                    "restarts": self.restarts,
                    "message": f"moteur redémarré (processus {proc.popen.pid})",
                },
            )
        return proc

    def _discard(self) -> None:
        self._last = None
        if self._proc is not None:
            self._proc.kill()
            self._proc = None

    # -- one request ------------------------------------------------------------------------------
    def _send(self, proc: EngineProcess, message: dict[str, Any], deadline: float) -> bool:
        """Whether the engine took ``message`` by ``deadline`` (an engine that stops reading does not)."""
        if self.on_message is not None:
            self.on_message("sent", message)
        return proc.write(message, deadline)

    def _exchange(self, proc: EngineProcess, method: str, params: Any, timeout: float, after: bool = False) -> Any:
        """One request and its answer. ``after``: the process answered a call of this case before; an unreadable
        line ahead of anything of this answer, while the engine has not read the request yet, is then that call's
        stray output (once the engine has read it, no pipe tells whether the line came before or after)."""
        try:
            return self._exchanged(proc, method, params, timeout, after)
        except KeyboardInterrupt:  # ^C or a CI's cancel inside the call: the engine still works on it (no signal
            self._discard()  # reaches its own process group); asked nothing more, a shutdown would wait on it
            raise
        finally:
            self._relay_stderr(proc)

    def _relay_stderr(self, proc: EngineProcess) -> None:
        """The engine's stderr (its own log: a vendor engine logs there) written during the call, on the case's
        ``engine`` channel beside its trace notifications, each line said to come from stderr."""
        lines, dropped = proc.take_stderr()
        if self.trace is not None:
            if dropped:  # the gap said where it is: nothing is lost without saying so
                self.trace(f"stderr : {dropped} lignes plus anciennes omises (trop de lignes entre deux appels)")
            for line in lines:
                if line:
                    self.trace(f"stderr : {line}")

    def _exchanged(self, proc: EngineProcess, method: str, params: Any, timeout: float, after: bool) -> Any:
        msg_id = next(self._ids)
        deadline = time.monotonic() + timeout
        # a line the engine had begun before this request went out cannot be its answer: its last answer's stray
        begun = after and self._last is not None and proc.partial() is not None
        sent = self._send(proc, J.request(msg_id, method, params), deadline)
        heard = False  # a byte of an answer came: the engine read the request
        while True:
            kind, payload = proc.receive(deadline) if sent else ("timeout", None)
            if kind == "timeout":
                limit = number(f"{timeout:g}", "fr")  # « 0,5 s », read 0.5 s in English
                raise EngineTimeout(f"{method} : pas de réponse en {limit} s{_partial(proc) or _silent(method, heard)}")
            if kind in ("eof", "cut"):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.popen.wait(timeout=REAP_TIMEOUT)
                if not heard and self._before_ours(proc, begun, True) is not None:  # gone before it read ours
                    raise _StoppedBetween(self._between(proc))  # a line it had begun was no answer to ours
                if kind == "cut":
                    raise EngineCrash(self._cut(proc, method, payload))
                raise EngineCrash(f"{_stopped(proc.popen.returncode, method)}{proc.stderr_tail()}")
            if kind == "garbage":
                reason, excerpt = self._unreadable(payload)
                if (last := self._before_ours(proc, begun, after and not heard)) is not None:
                    raise EngineProtocolError(
                        self._strayed(last, f"une sortie qui n'est pas du JSON-RPC ({reason}) : « {excerpt} »")
                    )
                raise EngineProtocolError(f"{method} : sortie qui n'est pas du JSON-RPC ({reason}) : « {excerpt} »")
            if kind == "oversize":
                if (last := self._before_ours(proc, begun, after and not heard)) is not None:
                    raise EngineProtocolError(self._strayed(last, _oversize(payload, self.max_line)))
                raise EngineProtocolError(_oversize(payload, self.max_line, method))
            heard = True
            msg: dict[str, Any] = payload
            if self.on_message is not None:
                self.on_message("received", msg)
            if msg.get("jsonrpc") != "2.0":
                raise EngineProtocolError(f"{method} : message sans jsonrpc 2.0 : {J.shown_json(msg, 120)}")
            if "method" in msg:
                if "id" in msg:
                    sent = self._answer_server_request(proc, msg, deadline)
                else:
                    self._notification(msg)
                continue
            if (earlier := _answered_id(msg)) != msg_id:
                if earlier in self._answered:  # written after that answer, read only now
                    shown = J.shown_json(earlier, 40)  # the sentence whole, for its English (the catalogue's)
                    raise EngineProtocolError(
                        f"{method} : seconde réponse à la requête {shown} ({self._answered[earlier]})"
                    )
                other = J.shown_json(msg.get("id"), 120)
                raise EngineProtocolError(f"{method} : réponse à l'identifiant {other} au lieu de {msg_id}")
            self._answer_of(msg_id, method)
            if ("result" in msg) == ("error" in msg):
                raise EngineProtocolError(f"{method} : une réponse porte soit result soit error")
            if "error" in msg:
                raise J.exception_from_error(msg["error"], method)
            return msg["result"]

    def _before_ours(self, proc: EngineProcess, begun: bool, unheard: bool) -> tuple[Any, str] | None:
        """The request answered last, when the line just read came before the engine took the current one: it had
        begun before the request went out (``begun``), or, nothing of an answer heard yet (``unheard``), the request
        still lies unread in the engine's stdin. Else None: the line may be the start of the current answer."""
        if self._last is None or not (begun or (unheard and proc.untaken())):
            return None
        return self._last

    def _answer_of(self, msg_id: int, method: str) -> None:
        """Note request ``msg_id`` (``method``) as answered, and answered last: stray output after it is its."""
        self._answered[msg_id] = method
        if len(self._answered) > _ANSWERED:
            del self._answered[next(iter(self._answered))]
        self._last = (msg_id, method)

    def _checked(self, method: str, result: Any) -> Any:
        """``result`` if it conforms to its published schema; else a protocol error naming the paths."""
        name = _result_schema(method) if self.validate else None
        if name is not None:
            errors = validation.check(result, name)
            if errors:
                raise EngineProtocolError(validation.nonconforming(method, name, errors))
        return result

    def _notification(self, msg: dict[str, Any]) -> None:
        if msg.get("method") != "trace":
            return
        params = msg.get("params")
        if isinstance(params, dict) and isinstance(params.get("line"), str):
            self._traced += 1
            if self._traced > TRACE_KEPT:  # a flood: the session keeps the case's first lines, never grows unbounded
                if self._traced == TRACE_KEPT + 1:
                    self._event("engine-trace-rejected", {"message": TRACE_CUT.format(count=TRACE_KEPT)})
                return
            if self.trace is not None:
                self.trace(params["line"])
            return
        if self._trace_rejected:  # said once per case: an engine that sends thousands floods nothing
            return
        self._trace_rejected = True
        errors = validation.check(params, "trace.params", "trace.params") or ["trace.params.line : chaîne attendue"]
        message = f"notification trace du moteur rejetée, sa ligne n'est pas enregistrée : {' ; '.join(errors[:3])}"
        self._event("engine-trace-rejected", {"message": message})

    def _answer_server_request(self, proc: EngineProcess, msg: dict[str, Any], deadline: float) -> bool:
        """Answer the engine's own request (a card APDU relayed to the bench's reader), as JSON-RPC says: an
        unknown method -32601 whatever its params, bad params -32602 in the bench's words."""
        method, params, msg_id = msg.get("method"), msg.get("params"), msg.get("id")
        try:
            if method not in ("card.atr", "card.transmit"):
                reply = J.error(msg_id, J.METHOD_NOT_FOUND, f"méthode inconnue côté banc : {J.shown_json(method, 60)}")
            elif not isinstance(params, dict) or not isinstance(params.get("slot"), str):
                reply = J.error(msg_id, J.INVALID_PARAMS, "slot attendu")
            elif self.bay is None:
                reply = J.error(
                    msg_id, J.CARD_ERROR, "aucun lecteur côté banc", {"type": "card", "kind": "CardUnavailable"}
                )
            elif method == "card.atr":
                reply = J.result(msg_id, {"atr": self.bay.atr(params["slot"]).hex().upper()})
                self._relayed.setdefault(params["slot"], None)
            else:
                data, sw = self.bay.transmit(params["slot"], _apdu(params.get("apdu")))
                reply = J.result(msg_id, {"data": data.hex().upper(), "sw": sw})
                self._relayed.setdefault(params["slot"], None)
        except CardError as exc:
            reply = J.error(msg_id, J.CARD_ERROR, str(exc), {"type": "card", "kind": J.card_kind(exc)})
            self._relayed[str(params["slot"])] = str(exc)  # type: ignore[index]  # the bench's card failed
        except _BadApdu as exc:
            reply = J.error(msg_id, J.INVALID_PARAMS, f"APDU invalide : {exc}")
        return self._send(proc, reply, deadline)

    def call(self, method: str, params: Any, timeout: float | None = None) -> Any:
        """One request; on a fault the engine is killed and the next call restarts it (see the module)."""
        with self._lock:
            if self._in_case and self._pending is not None:
                pending, self._pending = self._pending, None
                raise pending
            stray = self.drain_stray()  # before this case, or outside any: told by the event, this call goes on
            if stray is not None and self._in_case and self._case_served:  # after an answer of this case
                raise EngineProtocolError(stray)
            try:
                try:
                    result = self._served(method, params, timeout)
                except _StoppedBetween as exc:  # it stopped after its last answer, the request unread
                    self._discard()
                    self._event("engine-stopped", {"exit_code": exc.code, "message": str(exc)})
                    if self._in_case and exc.served:  # this case's answer: no restart inside a case
                        raise EngineCrash(str(exc)) from None
                    result = self._served(method, params, timeout)  # an earlier case's: a fresh engine takes it
            except J.EngineRemoteError:
                raise  # a well-formed error answer: the engine is fine
            except (EngineCrash, EngineTimeout, EngineProtocolError):
                self._discard()
                raise
            except (EngineRefusal, CardUnavailable) as exc:  # « no card »: was the card not there, though?
                denied = self._card_denied(method, exc)
                if denied is not None:
                    raise denied from exc
                raise
            return self._checked(method, result)  # a malformed result: the engine itself is still in step

    def _served(self, method: str, params: Any, timeout: float | None) -> Any:
        """One exchange on the running engine (started if need be), marked as serving the current case."""
        proc = self._ensure_started()
        served = self._case_served
        if self._in_case:
            self._case_served = True
        self._relayed = {}
        try:
            return self._exchange(proc, method, params, self.timeout if timeout is None else timeout, served)
        except _StoppedBetween as exc:
            self._case_served = served
            exc.served, exc.code = served, proc.popen.returncode
            raise

    def _card_denied(self, method: str, exc: EngineRefusal | CardUnavailable) -> EngineCardDenied | None:
        """The engine's « no card » (``NO_CARD``, error -32001) as its own failure, when the bench relays its APDUs
        (``cards.mode = client``), answered every card request it made during the call (it asked, the card
        answered, no card error was relayed), and its reader still holds that card, answering. None otherwise:
        the card absent, the bench's reader failing, an engine that never asked for the card (one that reads no
        card): the refusal or card error stands, the environment's (inconclusive) or the one a case expects."""
        if isinstance(exc, EngineRefusal) and exc.code != "NO_CARD":
            return None
        if self.bay is None or self.cards.get("mode") != "client" or any(self._relayed.values()):
            return None
        slots = list(self._relayed)  # the slots whose card the engine asked for, and got answers from
        if not slots:
            return None
        for slot in slots:
            try:
                self.bay.atr(slot)  # the bench's own look at its reader: present and answering
            except Exception:  # absent, mute, a reader the bench cannot use: the environment's, as before
                return None
        answer = f"NO_CARD {exc.message}".rstrip() if isinstance(exc, EngineRefusal) else str(exc)
        return EngineCardDenied(
            f"{method} : la carte de l'emplacement « {slots[0]} » était dans le lecteur du banc et répondait, mais"
            f" le moteur la dit absente ou inutilisable : {visible_controls(answer)}"
        )

    def raw_exchange(self, data: bytes, timeout: float | None = None) -> dict[str, Any] | None:
        """Conformance hook: write raw bytes, return the next non-notification message (None on timeout).

        On a timeout or a crash the engine is discarded like after any other fault.
        """
        with self._lock:
            proc = self._ensure_started()
            deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
            sent = proc.write_raw(data, deadline)
            while True:
                kind, payload = proc.receive(deadline) if sent else ("timeout", None)
                if kind != "msg":
                    self._discard()
                    return None
                if self.on_message is not None:
                    self.on_message("received", payload)
                if "method" in payload and "id" not in payload:
                    self._notification(payload)
                    continue
                return payload

    def _object(self, method: str, params: Any) -> JsonObject:
        value = self.call(method, params)
        if not isinstance(value, dict):
            raise EngineProtocolError(f"{method} : résultat qui n'est pas un objet JSON")
        return value

    # -- Engine protocol --------------------------------------------------------------------------
    def describe(self) -> EngineInfo:
        """The engine's description; starts it if needed.

        Outside a case (the bench is being assembled) a failed start is tried once more: an engine killed
        while it started must not end the campaign. The next case answers for the failed start (error) and
        runs on the new process; an engine that fails to start twice in a row is unavailable.
        """
        with self._lock:
            if self._info is None:
                try:
                    self._ensure_started()
                except (EngineCrash, EngineTimeout, EngineProtocolError) as first:
                    if self._in_case:
                        raise
                    try:
                        self._ensure_started()
                    except EngineError as again:  # never ran the second time: still the environment's
                        kind = EngineNotLaunched if not_launched(again) else EngineUnavailable
                        raise kind(_twice(first, again)) from again
                    self._pending = type(first)(
                        f"au lancement de la campagne, {first} ; relancé, il sert les cas suivants"
                    )
                    self._first_start = first
            assert self._info is not None
            return self._info

    def read_cps(self, slot: str) -> JsonObject:
        return self._object("read_cps", {"slot": slot})

    def read_vitale(self, slot: str) -> JsonObject:
        return self._object("read_vitale", {"slot": slot})

    def adri_query(self, request: JsonObject) -> JsonObject:
        return self._object("adri_query", request)

    def create_invoice(self, request: JsonObject) -> JsonObject:
        return self._object("create_invoice", request)

    def secure_invoice(self, request: JsonObject) -> JsonObject:
        return self._object("secure_invoice", request)

    def build_lot(self, request: JsonObject) -> JsonObject:
        return self._object("build_lot", request)

    def read_returns(self, request: JsonObject) -> JsonObject:
        return self._object("read_returns", request)

    def apcv_context(self, request: JsonObject) -> JsonObject:
        return self._object("apcv_context", request)

    def insi_query(self, request: JsonObject) -> JsonObject:
        return self._object("insi_query", request)

    def eprescription_fetch(self, request: JsonObject) -> JsonObject:
        return self._object("eprescription_fetch", request)

    def kill(self) -> None:
        """Stop the engine and every process it started now, asking it nothing (an interrupted check)."""
        with self._lock:
            self._discard()

    def abort(self) -> None:
        """Kill the engine now, without waiting for the call another thread has under way (a ^C or a CI's cancel
        during ``run --workers``): that call ends as the process's end, which its worker, told of the interrupt
        first, does not record. No signal reaches the engine itself: it runs in a process group of its own. It is
        not started again."""
        self._aborted = True
        proc = self._proc
        if proc is not None:
            proc.kill_group()

    def close(self) -> None:
        self.shut_down()

    def shut_down(self) -> bool:
        """Ask the engine to stop (``shutdown``), give it :data:`REAP_TIMEOUT` to exit, then kill what is left.
        Whether the bench had to kill it (still running after that grace period): the ``arret`` check of
        ``engine check`` tells that forced stop from an exit code the engine chose itself."""
        with self._lock:
            proc = self._proc
            if proc is None:
                return False
            forced = False
            if proc.alive():
                with contextlib.suppress(EngineError):
                    self._exchange(proc, "shutdown", {}, min(self.timeout, 2.0))
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.popen.wait(timeout=REAP_TIMEOUT)
                forced = proc.alive()
            self._discard()
            return forced

    @property
    def pending_fault(self) -> EngineError | None:
        """A failed start outside any case, not yet charged to a case (see :meth:`describe`)."""
        return self._pending

    def take_start_fault(self) -> EngineError | None:
        """The failed start :attr:`pending_fault` stands for, as it failed (no campaign named), charged now to
        the caller, outside any case: the conformance kit's ``demarrage``, so that the next check does not
        answer for it too."""
        with self._lock:
            if self._pending is None:
                return None
            self._pending = None
            return self._first_start

    @property
    def pid(self) -> int | None:
        return self._proc.popen.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        """Whether a process is up: the next call talks to it (else a fresh one starts, knowing nothing)."""
        return self._proc is not None and self._proc.alive()


class _BadApdu(ValueError):
    """An APDU the engine asked the bench to send that is not hexadecimal bytes; its reason in French."""


def _apdu(value: Any) -> bytes:
    """The bytes of the APDU ``value`` (hexadecimal, spaces allowed); :class:`_BadApdu` saying what is wrong,
    never Python's decoder text."""
    if not isinstance(value, str):
        raise _BadApdu(f"chaîne hexadécimale attendue, reçu {J.shown_json(value, 40)}")
    digits = value.replace(" ", "")
    for position, char in enumerate(digits, 1):
        if char not in "0123456789abcdefABCDEF":
            raise _BadApdu(f"caractère non hexadécimal en position {position} : {J.shown_json(char)}")
    if len(digits) % 2:
        raise _BadApdu(f"nombre impair de chiffres hexadécimaux ({len(digits)})")
    return bytes.fromhex(digits)


class _StoppedBetween(EngineCrash):
    """The engine stopped after its last answer, leaving the request unread (:meth:`SubprocessEngine._between`);
    ``served``: whether the current case had a call answered before it."""

    served = False
    code: int | None = None


def _engine_info(raw: Any) -> EngineInfo:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise EngineProtocolError("initialize : description du moteur invalide (champ engine.name attendu)")
    caps = raw.get("capabilities") or []
    return EngineInfo(  # shown to a person (the session's header, engine check): controls made visible
        name=visible_controls(raw["name"]),
        version=visible_controls(str(raw.get("version", ""))),
        agrement=visible_controls(str(raw.get("agrement", ""))),
        socle_version=visible_controls(str(raw.get("socle_version", ""))),
        capabilities=tuple(str(c) for c in caps) if isinstance(caps, list) else (),
    )
