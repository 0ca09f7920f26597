"""``SubprocessEngine``: drive any engine speaking the JSON-RPC stdio protocol, and survive it.

Every call has a timeout. A crashed, hung or babbling engine is killed (``Popen.kill``) and the call
raises :class:`EngineCrash`, :class:`EngineTimeout` or :class:`EngineProtocolError`; the next call
starts a fresh process (whose memory of earlier invoices is gone). Pipes are read by threads, never
``select``, so the client runs on Windows too. Lines are capped (8 MiB by default) and an oversized
line is skipped in chunks, never held in memory.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import IO, Any

from testbench.cards.api import CardChannel, CardError
from testbench.engines.api import (
    EngineCrash,
    EngineError,
    EngineInfo,
    EngineProtocolError,
    EngineTimeout,
    EngineUnavailable,
    JsonObject,
    TraceSink,
)
from testbench.engines.protocol import jsonrpc as J

#: Receives every message on the wire: ("sent" | "received", message). Used by the conformance kit.
MessageHook = Callable[[str, dict[str, Any]], None]

_STDERR_LINES = 40


def _pump_stdout(stream: IO[bytes], out: queue.Queue[tuple[str, Any]], max_line: int) -> None:
    try:
        while True:
            raw = J.read_line(stream, max_line, skip=False)
            if raw is None:
                break
            if isinstance(raw, J.Oversized):
                out.put(("oversize", raw.size))  # report at once; the caller kills the engine meanwhile
                J.skip_line(stream)
                continue
            if not raw.strip():
                continue
            try:
                out.put(("msg", J.parse(raw)))
            except ValueError:
                out.put(("garbage", raw[:120]))
    except (OSError, ValueError):
        pass
    out.put(("eof", None))


def _pump_stdin(stream: IO[bytes], outbox: queue.Queue[bytes | None]) -> None:
    """Write requests from a thread: a hung engine that stops reading can never block the caller."""
    try:
        while True:
            data = outbox.get()
            if data is None:
                break
            stream.write(data)
            stream.flush()
    except (OSError, ValueError):
        pass  # the engine died or was killed: the stdout reader reports it


def _pump_stderr(stream: IO[bytes], tail: collections.deque[str]) -> None:
    try:
        while True:
            chunk = stream.readline(4096)
            if not chunk:
                break
            tail.append(chunk.decode("utf-8", "replace").rstrip())
    except (OSError, ValueError):
        pass


class _Process:
    """One engine process, its reader threads and its message queue (a new one after each restart)."""

    def __init__(self, command: Sequence[str], max_line: int, env: dict[str, str] | None, cwd: str | None) -> None:
        try:
            self.popen = subprocess.Popen(
                list(command),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=cwd,
            )
        except OSError as exc:
            raise EngineUnavailable(f"impossible de lancer le moteur {list(command)!r}: {exc}") from exc
        self.messages: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.outbox: queue.Queue[bytes | None] = queue.Queue()
        self.stderr: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES)
        assert self.popen.stdout is not None and self.popen.stderr is not None and self.popen.stdin is not None
        self.threads = [
            threading.Thread(target=_pump_stdout, args=(self.popen.stdout, self.messages, max_line), daemon=True),
            threading.Thread(target=_pump_stderr, args=(self.popen.stderr, self.stderr), daemon=True),
            threading.Thread(target=_pump_stdin, args=(self.popen.stdin, self.outbox), daemon=True),
        ]
        for t in self.threads:
            t.start()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def write(self, message: dict[str, Any]) -> None:
        self.write_raw(J.encode(message))

    def write_raw(self, data: bytes) -> None:
        self.outbox.put(data)

    def kill(self) -> None:
        self.outbox.put(None)
        with contextlib.suppress(OSError):
            self.popen.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)
        for stream in (self.popen.stdin, self.popen.stdout, self.popen.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        for t in self.threads:
            t.join(timeout=1)

    def stderr_tail(self) -> str:
        lines = [line for line in self.stderr if line][-5:]
        return (" ; stderr: " + " | ".join(lines)) if lines else ""


class SubprocessEngine:
    """An :class:`Engine` in another process (``command``), reached through JSON-RPC on its stdio."""

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
    ) -> None:
        if not command:
            raise EngineUnavailable("commande du moteur vide")
        self.command = list(command)
        self.timeout = timeout
        self.start_timeout = start_timeout if start_timeout is not None else max(timeout, 20.0)
        self.trace = trace
        self.bay = bay
        self.cards = cards if cards is not None else {"mode": "client"}
        self.max_line = max_line
        self.env = env
        self.cwd = cwd
        self.on_message = on_message
        self.restarts = 0  # processes started after the first one
        self._started = False
        self._proc: _Process | None = None
        self._info: EngineInfo | None = None
        self._ids = itertools.count(1)
        self._lock = threading.RLock()

    # -- process lifecycle ------------------------------------------------------------------------
    def _ensure_started(self) -> _Process:
        if self._proc is not None and self._proc.alive():
            return self._proc
        if self._proc is not None:
            self._proc.kill()
        if self._started:
            self.restarts += 1
        self._started = True
        self._proc = _Process(self.command, self.max_line, self.env, self.cwd)
        try:
            answer = self._exchange(
                self._proc,
                "initialize",
                {"protocol_version": J.PROTOCOL_VERSION, "cards": self.cards, "trace": self.trace is not None},
                self.start_timeout,
            )
            self._info = _engine_info(answer.get("engine") if isinstance(answer, dict) else None)
        except EngineError as exc:
            self._discard()
            if isinstance(exc, EngineUnavailable):
                raise
            raise EngineUnavailable(f"le moteur n'a pas démarré: {exc}") from exc
        return self._proc

    def _discard(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc = None

    # -- one request ------------------------------------------------------------------------------
    def _send(self, proc: _Process, message: dict[str, Any]) -> None:
        if self.on_message is not None:
            self.on_message("sent", message)
        try:
            proc.write(message)
        except (OSError, ValueError) as exc:
            raise EngineCrash(f"le moteur ne lit plus ses requêtes ({exc}){proc.stderr_tail()}") from exc

    def _exchange(self, proc: _Process, method: str, params: Any, timeout: float) -> Any:
        msg_id = next(self._ids)
        deadline = time.monotonic() + timeout
        self._send(proc, J.request(msg_id, method, params))
        while True:
            remaining = deadline - time.monotonic()
            try:
                kind, payload = proc.messages.get(timeout=max(remaining, 0.0)) if remaining > 0 else ("timeout", None)
            except queue.Empty:
                kind, payload = "timeout", None
            if kind == "timeout":
                raise EngineTimeout(f"{method}: pas de réponse en {timeout:g} s")
            if kind == "eof":
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.popen.wait(timeout=2)
                code = proc.popen.returncode
                raise EngineCrash(f"{method}: le moteur s'est arrêté (code {code}){proc.stderr_tail()}")
            if kind == "garbage":
                raise EngineProtocolError(f"{method}: sortie qui n'est pas du JSON-RPC: {payload!r}")
            if kind == "oversize":
                raise EngineProtocolError(
                    f"{method}: ligne de plus de {self.max_line} octets ({payload} octets ignorés)"
                )
            msg: dict[str, Any] = payload
            if self.on_message is not None:
                self.on_message("received", msg)
            if msg.get("jsonrpc") != "2.0":
                raise EngineProtocolError(f"{method}: message sans jsonrpc 2.0: {str(msg)[:120]}")
            if "method" in msg:
                if "id" in msg:
                    self._answer_server_request(proc, msg)
                else:
                    self._notification(msg)
                continue
            if msg.get("id") != msg_id:
                raise EngineProtocolError(f"{method}: réponse à un autre identifiant ({msg.get('id')!r})")
            if ("result" in msg) == ("error" in msg):
                raise EngineProtocolError(f"{method}: une réponse porte soit result soit error")
            if "error" in msg:
                raise J.exception_from_error(msg["error"])
            return msg["result"]

    def _notification(self, msg: dict[str, Any]) -> None:
        params = msg.get("params")
        is_trace = msg.get("method") == "trace" and isinstance(params, dict)
        if is_trace and self.trace is not None and isinstance(params.get("line"), str):
            self.trace(params["line"])

    def _answer_server_request(self, proc: _Process, msg: dict[str, Any]) -> None:
        method, params, msg_id = msg.get("method"), msg.get("params"), msg.get("id")
        try:
            if not isinstance(params, dict) or not isinstance(params.get("slot"), str):
                reply = J.error(msg_id, J.INVALID_PARAMS, "slot attendu")
            elif self.bay is None:
                reply = J.error(
                    msg_id, J.CARD_ERROR, "aucun lecteur côté banc", {"type": "card", "kind": "CardUnavailable"}
                )
            elif method == "card.atr":
                reply = J.result(msg_id, {"atr": self.bay.atr(params["slot"]).hex().upper()})
            elif method == "card.transmit":
                data, sw = self.bay.transmit(params["slot"], bytes.fromhex(str(params.get("apdu", ""))))
                reply = J.result(msg_id, {"data": data.hex().upper(), "sw": sw})
            else:
                reply = J.error(msg_id, J.METHOD_NOT_FOUND, f"méthode inconnue côté banc: {method}")
        except CardError as exc:
            reply = J.error(msg_id, J.CARD_ERROR, str(exc), {"type": "card", "kind": type(exc).__name__})
        except ValueError as exc:
            reply = J.error(msg_id, J.INVALID_PARAMS, f"APDU invalide: {exc}")
        self._send(proc, reply)

    def call(self, method: str, params: Any, timeout: float | None = None) -> Any:
        """One request; on a fault the engine is killed and the next call restarts it."""
        with self._lock:
            proc = self._ensure_started()
            try:
                return self._exchange(proc, method, params, self.timeout if timeout is None else timeout)
            except J.EngineRemoteError:
                raise  # a well-formed error answer: the engine is fine
            except (EngineCrash, EngineTimeout, EngineProtocolError):
                self._discard()
                raise

    def raw_exchange(self, data: bytes, timeout: float | None = None) -> dict[str, Any] | None:
        """Conformance hook: write raw bytes, return the next non-notification message (None on timeout).

        On a timeout or a crash the engine is discarded like after any other fault.
        """
        with self._lock:
            proc = self._ensure_started()
            deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
            proc.write_raw(data)
            while True:
                remaining = deadline - time.monotonic()
                try:
                    kind, payload = proc.messages.get(timeout=remaining) if remaining > 0 else ("timeout", None)
                except queue.Empty:
                    kind = "timeout"
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
            raise EngineProtocolError(f"{method}: résultat qui n'est pas un objet JSON")
        return value

    # -- Engine protocol --------------------------------------------------------------------------
    def describe(self) -> EngineInfo:
        with self._lock:
            if self._info is None:
                self._ensure_started()
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

    def close(self) -> None:
        with self._lock:
            proc = self._proc
            if proc is None:
                return
            if proc.alive():
                with contextlib.suppress(EngineError):
                    self._exchange(proc, "shutdown", {}, min(self.timeout, 2.0))
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.popen.wait(timeout=2)
            self._discard()

    @property
    def pid(self) -> int | None:
        return self._proc.popen.pid if self._proc is not None else None


def _engine_info(raw: Any) -> EngineInfo:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise EngineProtocolError(f"initialize: description du moteur invalide: {raw!r}")
    caps = raw.get("capabilities") or []
    return EngineInfo(
        name=raw["name"],
        version=str(raw.get("version", "")),
        agrement=str(raw.get("agrement", "")),
        socle_version=str(raw.get("socle_version", "")),
        capabilities=tuple(str(c) for c in caps) if isinstance(caps, list) else (),
    )
