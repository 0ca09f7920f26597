"""``testbench engine serve``: the reference engine behind JSON-RPC 2.0 on stdin/stdout.

Single-threaded: one request at a time. While a request runs, the engine may ask the client for a
card exchange (``card.*`` requests, ids ``s1``, ``s2``…) and read the answer from stdin; engine
trace lines go out as ``trace`` notifications before the response. Nothing else is written to
stdout (``print`` goes to stderr while serving).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import IO, Any

from testbench.cards.api import CardChannel, CardError
from testbench.domain.refusal import EngineRefusal
from testbench.engines.api import Engine, TraceSink
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol.channels import ClientChannel, PcscChannel, card_error_kind, profiles_channel
from testbench.i18n import _t, default_language, translator

EngineFactory = Callable[[CardChannel | None, TraceSink], Engine]


def reference_factory(channel: CardChannel | None, trace: TraceSink) -> Engine:
    from testbench.engines.reference.engine import ReferenceEngine

    return ReferenceEngine(channel=channel, trace=trace)


class _ClientGone(Exception):
    """The client went away: stdin closed while waiting for it, or stdout no longer read (a broken pipe)."""


class Server:
    def __init__(
        self,
        stdin: IO[bytes],
        stdout: IO[bytes],
        factory: EngineFactory = reference_factory,
        max_line: int = J.MAX_LINE,
    ) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.factory = factory
        self.max_line = max_line
        self.engine: Engine | None = None
        self.trace_enabled = True
        self._server_ids = 0
        self._pcsc: PcscChannel | None = None

    # -- output -------------------------------------------------------------------------------
    def send(self, message: dict[str, Any]) -> None:
        try:
            self.stdout.write(J.encode(_in_language(message)))
            self.stdout.flush()
        except BrokenPipeError:  # nobody reads the answers any more: the server stops, quietly
            raise _ClientGone() from None

    def _trace(self, line: str) -> None:
        if self.trace_enabled:
            self.send(J.notification("trace", {"channel": "engine", "line": line}))

    # -- client round trip for cards --------------------------------------------------------------
    def ask(self, method: str, params: dict[str, Any]) -> Any:
        self._server_ids += 1
        msg_id = f"s{self._server_ids}"
        self.send(J.request(msg_id, method, params))
        while True:
            raw = J.read_line(self.stdin, self.max_line)
            if raw is None:
                raise _ClientGone()
            if isinstance(raw, J.Oversized):
                raise CardError(_t("réponse du client trop longue"))
            try:
                msg = J.parse(raw)
            except ValueError as exc:
                raise CardError(_t("réponse du client illisible : {reason}").format(reason=exc)) from exc
            if msg.get("id") != msg_id:
                continue  # nothing else can legitimately arrive while the client waits for us
            if "error" in msg:
                err = msg["error"] if isinstance(msg["error"], dict) else {}
                data = err.get("data") if isinstance(err.get("data"), dict) else {}
                raise card_error_kind(str(data.get("kind", "")), str(err.get("message", "erreur carte")))
            return msg.get("result") or {}

    # -- engine ---------------------------------------------------------------------------------
    def _make_engine(self, cards: dict[str, Any] | None) -> Engine:
        mode = (cards or {}).get("mode", "client")
        channel: CardChannel | None
        if mode == "client":
            channel = ClientChannel(self.ask)
        elif mode == "pcsc":
            self._pcsc = PcscChannel(dict((cards or {}).get("readers") or {}))
            channel = self._pcsc
        elif mode == "profiles":
            channel = profiles_channel(dict((cards or {}).get("profiles") or {}))
        elif mode == "none":
            channel = None
        else:
            raise EngineRefusal("INVALID_REQUEST", _t("mode de cartes inconnu « {mode} »").format(mode=mode))
        return self.factory(channel, self._trace)

    def _engine(self) -> Engine:
        if self.engine is None:
            self.engine = self._make_engine(None)
        return self.engine

    def dispatch(self, method: str, params: Any) -> Any:
        if method == "initialize":
            params = params if isinstance(params, dict) else {}
            if params.get("protocol_version") != J.PROTOCOL_VERSION:
                raise _BadParams(_t("protocol_version « {version} » attendue").format(version=J.PROTOCOL_VERSION))
            self.trace_enabled = params.get("trace", True) is not False
            if self.engine is not None:
                self.engine.close()
            self.engine = self._make_engine(params.get("cards"))
            return {"protocol_version": J.PROTOCOL_VERSION, "engine": self.engine.describe().as_dict()}
        if method == "shutdown":
            return {}
        engine = self._engine()
        if method == "describe":
            return engine.describe().as_dict()
        if method in ("read_cps", "read_vitale"):
            slot = params.get("slot") if isinstance(params, dict) else None
            if not isinstance(slot, str) or not slot:
                raise _BadParams(_t("{field} : chaîne attendue").format(field="slot"))
            return getattr(engine, method)(slot)
        if method in _OBJECT_CALLS:
            if not isinstance(params, dict):
                raise _BadParams(_t("{field} : objet attendu").format(field="params"))
            return getattr(engine, method)(params)
        raise _NoMethod(method)

    def handle(self, msg: dict[str, Any]) -> bool:
        """Handle one request; return False when the server must stop."""
        msg_id = msg.get("id")
        method = msg.get("method")
        if msg.get("jsonrpc") != "2.0" or not isinstance(method, str):
            if msg_id is not None or "method" in msg:
                self.send(J.error(msg_id, J.INVALID_REQUEST, _t("requête JSON-RPC 2.0 invalide")))
            return True
        is_notification = "id" not in msg
        try:
            value = self.dispatch(method, msg.get("params"))
        except _ClientGone:
            return False
        except _BadParams as exc:
            reply = J.error(msg_id, J.INVALID_PARAMS, str(exc))
        except _NoMethod:
            reply = J.error(msg_id, J.METHOD_NOT_FOUND, _t("méthode inconnue {method}").format(method=method))
        except Exception as exc:  # every engine failure becomes an error answer; the server goes on
            reply = J.error_from_exception(msg_id, exc)
        else:
            reply = J.result(msg_id, value)
        if not is_notification:
            self.send(reply)
        return method != "shutdown"

    def serve(self) -> int:
        """Answer requests until stdin ends, ``shutdown``, or the client goes away (0 in each case)."""
        try:
            return self._serve()
        except _ClientGone:
            return 0
        finally:
            self.trace_enabled = False  # the client may be gone: write nothing more
            if self.engine is not None:
                with contextlib.suppress(Exception):
                    self.engine.close()
            if self._pcsc is not None:
                self._pcsc.close()

    def _serve(self) -> int:
        while True:
            raw = J.read_line(self.stdin, self.max_line)
            if raw is None:
                return 0
            if isinstance(raw, J.Oversized):
                said = _t("ligne de {size} octets (maximum {limit})").format(size=raw.size, limit=self.max_line)
                self.send(J.error(None, J.INVALID_REQUEST, said))
                continue
            if not raw.strip():
                continue
            try:
                msg = J.parse(raw)
            except ValueError as exc:  # JSON that is no object is JSON-RPC's invalid request, not a parse error
                code = J.INVALID_REQUEST if isinstance(exc, J.NotAnObject) else J.PARSE_ERROR
                self.send(J.error(None, code, str(exc)))
                continue
            if not self.handle(msg):
                return 0


#: Calls whose params are one JSON object handed to the engine as it is.
_OBJECT_CALLS = frozenset(J.ENGINE_METHODS) - {"describe", "read_cps", "read_vitale"}


class _BadParams(Exception):
    pass


def _in_language(message: dict[str, Any]) -> dict[str, Any]:
    """An error answer in the process's language (``engine serve --lang en``): the server and the reference engine
    compose their words in French, which the catalogue reads back (testbench.i18n.english); codes stay as they are.
    In French, the message as it is: the bench starts its engine in French and records its words so."""
    error = message.get("error")
    if not isinstance(error, dict) or default_language() != "en":
        return message
    t = translator("en")
    data = error.get("data")
    if isinstance(data, dict) and data.get("type") == "refusal" and isinstance(data.get("message"), str):
        said = t(data["message"])  # a refusal's message is its code, then its words (EngineRefusal)
        code = str(data.get("code", ""))
        data = {**data, "message": said}
        return {**message, "error": {**error, "message": f"{code}: {said}" if said else code, "data": data}}
    return {**message, "error": {**error, "message": t(str(error.get("message", "")))}}


class _NoMethod(Exception):
    pass


def serve_stdio(factory: EngineFactory = reference_factory) -> int:
    """Serve on the process's stdin/stdout; stray prints go to stderr so stdout stays protocol-only."""
    stdin = sys.stdin.buffer
    stdout = sys.stdout.buffer
    sys.stdout = sys.stderr
    return Server(stdin, stdout, factory).serve()
