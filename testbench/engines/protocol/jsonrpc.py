"""JSON-RPC 2.0 framing and error mapping shared by the client and the server.

Framing: one JSON object per line, UTF-8, ``\\n``-terminated, at most :data:`MAX_LINE` bytes. A longer
line is a protocol error; the reader skips it in bounded chunks instead of holding it in memory. A message
nested deeper than :data:`MAX_DEPTH` is a protocol error too: no reader recurses without bound.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import IO, Any

from testbench.domain.refusal import EngineError, EngineRefusal

# the engine interface's methods are domain vocabulary; the conformance check still reads them here
from testbench.domain.vocabulary import ENGINE_METHODS as ENGINE_METHODS
from testbench.engines.api import EngineCrash, EngineProtocolError
from testbench.fmt import shown
from testbench.i18n import _t

PROTOCOL_VERSION = "1"
MAX_LINE = 8 * 1024 * 1024  # 8 MiB
MAX_DEPTH = 64  # arrays and objects inside one another; our messages need fewer than 10
_SKIP_CHUNK = 64 * 1024
BOM = "\ufeff".encode()  # a UTF-8 byte-order mark, tolerated at the start of a line
#: a JSON escape of a UTF-16 surrogate (``\\ud800``): only a line that holds one can decode to a lone surrogate
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")

# JSON-RPC 2.0 reserved codes
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
# our application codes (docs/engine-protocol.md)
REFUSAL = -32000  # data: {"type": "refusal", "code", "message", "details"}
CARD_ERROR = -32001  # data: {"type": "card", "kind": one of CARD_KINDS}
NOT_INITIALIZED = -32002

CONTROL_METHODS = ("initialize", "shutdown")


#: one encoder for every message (``json.dumps`` with options builds a new encoder at each call)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode(message: dict[str, Any]) -> bytes:
    return (_ENCODER.encode(message) + "\n").encode("utf-8")


def request(msg_id: int | str, method: str, params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}


def notification(method: str, params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": method, "params": params}


def result(msg_id: int | str | None, value: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "result": value}


def error(msg_id: int | str | None, code: int, message: str, data: Any = None) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        err["data"] = data
    return {"jsonrpc": "2.0", "id": msg_id, "error": err}


#: What the reserved JSON-RPC 2.0 codes mean, in words (a bare « -32601 » says nothing to an editor).
RPC_MEANINGS = {
    PARSE_ERROR: _t("JSON illisible"),
    INVALID_REQUEST: _t("requête invalide"),
    METHOD_NOT_FOUND: _t("méthode inconnue"),
    INVALID_PARAMS: _t("paramètres invalides"),
    INTERNAL_ERROR: _t("erreur interne"),
}


class EngineRemoteError(EngineProtocolError):
    """A well-formed JSON-RPC error answer other than a refusal, a card error or an internal error
    (method not found, invalid params...): the engine is alive and need not be restarted.

    The reason names the method that got it (as every other protocol reason does) and what a reserved code
    means: « secure_invoice : erreur JSON-RPC -32601 (méthode inconnue) : Method not found »."""

    def __init__(self, rpc_code: int, message: str, method: str | None = None) -> None:
        meaning, message = RPC_MEANINGS.get(rpc_code), message or _t("sans message")
        if method and meaning:
            said = f"{method} : erreur JSON-RPC {rpc_code} ({meaning}) : {message}"
        elif method:
            said = f"{method} : erreur JSON-RPC {rpc_code} : {message}"
        elif meaning:
            said = f"erreur JSON-RPC {rpc_code} ({meaning}) : {message}"
        else:
            said = f"erreur JSON-RPC {rpc_code} : {message}"
        super().__init__(said)
        self.rpc_code = rpc_code
        self.method = method


@dataclass(frozen=True)
class Oversized:
    """A line longer than the cap was skipped; ``size`` is how many bytes were dropped: the line's size when
    ``whole`` (its end was seen), else only how much was read before the reader gave up on it."""

    size: int
    whole: bool = False


def read_line(
    stream: IO[bytes], max_line: int = MAX_LINE, skip: bool = True, strip: bool = True
) -> bytes | Oversized | None:
    """Read one line (without its newline); ``None`` at end of stream; :class:`Oversized` when too long.

    With ``skip`` the rest of an oversized line is consumed here; without, the caller reports it at
    once and calls :func:`skip_line` afterwards. Without ``strip`` the newline is kept: a line without one
    is the last, cut by the end of the stream (the client tells an engine that died mid-answer so).
    """
    line = stream.readline(max_line + 1)
    if not line:
        return None
    if line.endswith(b"\n"):
        return line[:-1].rstrip(b"\r") if strip else line
    if len(line) <= max_line:
        return line  # last line without newline, before EOF
    return Oversized(len(line) + (skip_line(stream) if skip else 0))


def skip_line(stream: IO[bytes]) -> int:
    """Consume the rest of a line in bounded chunks (never the whole line in memory); return its size."""
    dropped = 0
    while True:
        chunk = stream.readline(_SKIP_CHUNK)
        dropped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return dropped


def parse(line: bytes, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """Decode one line into a JSON object; raise ValueError when it is not one or nests too deep.

    The error says what is wrong, and where, in French (the decoders' own words are English, and a person
    reads them in a verdict's reason).
    """
    if line.startswith(BOM):  # what .NET and PowerShell write before their first line: not part of the message
        line = line[len(BOM) :]
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"octet {exc.start + 1} qui n'est pas de l'UTF-8") from None
    try:
        obj = json.loads(text, parse_constant=_constant, parse_float=_finite)
    except _NotJson as exc:  # before ValueError, which it is
        raise ValueError(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"JSON illisible à la colonne {exc.colno}") from None
    except RecursionError:  # the decoder's own guard, far below a line's size limit
        raise ValueError(f"JSON imbriqué sur plus de {max_depth} niveaux") from None
    except ValueError:  # an integer of more digits than Python converts
        raise ValueError("JSON illisible (nombre trop long)") from None
    if not isinstance(obj, dict):
        raise NotAnObject("message JSON qui n'est pas un objet")
    if _SURROGATE_ESCAPE.search(line) and (escape := _lone_surrogate(obj)) is not None:
        raise ValueError(f"chaîne avec un {escape} isolé, moitié d'une paire UTF-16 et non un caractère")
    # the brackets a line opens bound its depth (those inside strings only raise the bound): nearly every
    # message has far fewer than ``max_depth``, and counting them costs much less than walking the object
    if line.count(b"{") + line.count(b"[") > max_depth and _too_deep(obj, max_depth):
        raise ValueError(f"JSON imbriqué sur plus de {max_depth} niveaux")
    return obj


#: why a line is no message when its JSON goes on past the line's end: what a pretty-printing encoder writes
#: (``indent=2``, .NET's ``WriteIndented``), one message over several lines, where « colonne 2 » would say nothing
CUT_BY_LINE_END = _t("JSON inachevé en fin de ligne, alors qu'un message tient sur une seule ligne")


def cut_by_line_end(line: bytes) -> bool:
    """Whether ``line``, which :func:`parse` refused, is JSON that the end of the line cut short (an object
    opened and never closed, a string never ended), rather than JSON wrong at some column."""
    try:
        text = line.removeprefix(BOM).decode("utf-8")
        json.loads(text)
    except json.JSONDecodeError as exc:
        return bool(text.strip()) and (exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"))
    except (ValueError, RecursionError):  # not UTF-8, a number too long, nested too deep: said otherwise
        pass
    return False


class NotAnObject(ValueError):
    """JSON, but no object (``[]``, ``1``): JSON-RPC's invalid request (-32600), not a parse error (-32700)."""


class _NotJson(ValueError):
    """What Python's decoder takes but JSON is not: a reason of its own, not « nombre trop long »."""


def _constant(name: str) -> Any:
    """``NaN``, ``Infinity``, ``-Infinity``: Python reads them, JSON has no such constant (nor does report.json)."""
    raise _NotJson(f"constante {name}, qui n'est pas du JSON")


def _finite(text: str) -> float:
    """A number too large for a float (``1e400``) would be read as infinity, which no JSON can write back."""
    value = float(text)
    if value in (math.inf, -math.inf):
        raise _NotJson(f"nombre {text[:40]} hors des limites d'un flottant")
    return value


def _lone_surrogate(obj: Any) -> str | None:
    """The escape (``\\ud800``) of the first lone UTF-16 surrogate in ``obj``'s texts, keys included, or None.

    JSON's syntax lets ``"\\ud800"`` through, but it is no character: no UTF-8 text (a session, a report, a
    terminal) can hold it, so the engine's message is refused here, as bytes that are not UTF-8 are."""
    pending: list[Any] = [obj]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            pending += [*node.keys(), *node.values()]
        elif isinstance(node, list):
            pending += node
        elif isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError as exc:
                return f"\\u{ord(node[exc.start]):04x}"
    return None


def _too_deep(obj: Any, max_depth: int) -> bool:
    """Whether containers nest deeper than ``max_depth``; iterative, so it cannot overflow the stack."""
    level: list[Any] = [obj]
    for _ in range(max_depth):
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


def shown_json(value: Any, limit: int = 200) -> str:
    """A JSON value as the engine sent it (JSON, not Python's repr), cut to ``limit`` characters, its
    control characters made visible: no escape sequence of the engine's reaches a terminal raw."""
    return shown(json.dumps(value, ensure_ascii=False, default=str), limit)


#: the ``kind`` of a card error (card-error.data.json)
CARD_KINDS = ("CardUnavailable", "CardAbsent", "CardMismatch", "CardError")
#: at most this many characters of an engine's error message in a reason (its start kept): one huge message must
#: not make a huge verdict, as for its stderr (``process.STDERR_CHARS``)
MESSAGE_CHARS = 500
#: at most this many of a refusal's code: far more than any stable code (``TELESERVICE_INVALID_ANSWER``), so that
#: one cut short can match none a casebook names and still shows what it was
CODE_CHARS = 120


def _words(value: Any, limit: int = MESSAGE_CHARS) -> str:
    """An engine's message (or code) as a person reads it: a string as written, cut to ``limit`` characters;
    any other value as JSON (never Python's ``None`` or ``{'…'}``); none, nothing. Control characters visible."""
    if value is None:
        return ""
    return shown(value, limit) if isinstance(value, str) else shown_json(value, limit)


def exception_from_error(err: Any, method: str | None = None) -> EngineError | Exception:
    """Map a JSON-RPC error object to the exception the bench expects; ``method``: the request it answers.

    The engine's words go into a reason a person reads: their control characters are made visible."""
    if not isinstance(err, dict) or not isinstance(err.get("code"), int):
        if method:  # named like every other reason: which call the engine answered so
            return EngineProtocolError(f"{method} : objet d'erreur JSON-RPC invalide : {shown_json(err)}")
        return EngineProtocolError(f"objet d'erreur JSON-RPC invalide : {shown_json(err)}")
    code = err["code"]
    message = _words(err.get("message"))
    data = err.get("data") if isinstance(err.get("data"), dict) else {}
    if code == REFUSAL:
        refusal_code = data.get("code")
        if not isinstance(refusal_code, str) or not refusal_code:
            if method:
                return EngineProtocolError(f"{method} : refus sans code stable : « {shown_json(err)} »")
            return EngineProtocolError(f"refus sans code stable : « {shown_json(err)} »")
        details = data.get("details") if isinstance(data.get("details"), dict) else {}
        said = _words(data["message"]) if "message" in data else message
        return EngineRefusal(_words(refusal_code, CODE_CHARS), said, details)
    if code == CARD_ERROR:
        from testbench.cards.api import card_error

        if data.get("kind") not in CARD_KINDS:  # no card error the bench knows: the engine's fault, not the card's
            if method:
                return EngineProtocolError(f"{method} : erreur de carte d'une sorte inconnue : « {shown_json(err)} »")
            return EngineProtocolError(f"erreur de carte d'une sorte inconnue : « {shown_json(err)} »")
        return card_error(data["kind"], message)
    if code == INTERNAL_ERROR:
        if method:  # named like every other reason: which call the engine failed on
            return EngineCrash(f"{method} : erreur interne du moteur : {message}")
        return EngineCrash(f"erreur interne du moteur : {message}")
    return EngineRemoteError(code, message, method)


def card_kind(exc: BaseException) -> str:
    """The ``kind`` of a card error as the protocol names it (:data:`CARD_KINDS`, card-error.data.json), never a
    class of the card layer's own (``CardMute``, ``ReaderBusy``…): the other side, and an engine that passes a kind
    on, reads one it knows, not « erreur de carte d'une sorte inconnue » (a fault blamed on the engine)."""
    from testbench.cards.api import CardAbsent, CardMismatch, CardUnavailable

    kinds = (CardAbsent, CardMismatch, CardUnavailable)  # the most precise first: CardAbsent is a CardUnavailable
    return next((kind.__name__ for kind in kinds if isinstance(exc, kind)), "CardError")


def error_from_exception(msg_id: int | str | None, exc: BaseException) -> dict[str, Any]:
    """Map an exception raised by an engine (server side) to a JSON-RPC error response."""
    from testbench.cards.api import CardError

    if isinstance(exc, EngineRefusal):
        data = {"type": "refusal", "code": exc.code, "message": exc.message, "details": _jsonable(exc.details)}
        return error(msg_id, REFUSAL, str(exc), data)
    if isinstance(exc, CardError):
        return error(msg_id, CARD_ERROR, str(exc), {"type": "card", "kind": card_kind(exc)})
    # the engine's defect in its own words, never a Python class name: a case's reason shows it to a person
    return error(msg_id, INTERNAL_ERROR, str(exc) or "erreur sans message", {"type": "internal"})


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return {k: str(v) for k, v in value.items()} if isinstance(value, dict) else str(value)
