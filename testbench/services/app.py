"""The simulators' HTTP server (aiohttp): the four services, the bench's control API, one log line per exchange.

Routes (docs/teleservices.md):

- ``POST /adri``, ``/apcv``, ``/insi``, ``/eprescription`` — the services, JSON in, JSON out;
- ``POST /_bench/scenario`` — ``{"service", "scenario", "fault", "identity"?, "delay"?}``: what the service
  plays for its next calls (until told otherwise);
- ``POST /_bench/mark`` — ``{"mark"}``: echoed on the log, so the bench knows it has read every line before;
- ``GET /_bench/scenarios`` — the registry's scenario names and titles.

Every exchange is written to the log (stdout) as one JSON line *before* the answer leaves, so a client
that got its answer knows the line is out; a request the HTTP layer refuses (unknown path or method, a body
too big or undecodable) too, answered in the services' format (:func:`make_app`'s middleware).

Reasons are the catalogue's French sentences, said in the server's language (``services serve --lang en``:
English; the bench starts its server in French and translates where it shows them).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import (
    BadStatusLine,
    ContentEncodingError,
    HttpProcessingError,
    InvalidHeader,
    InvalidURLError,
    LineTooLong,
)
from aiohttp.web_protocol import RequestHandler

from testbench.engines.protocol.jsonrpc import parse
from testbench.i18n import t
from testbench.services import answers
from testbench.services.scenarios import FAULTS, SERVICES, Registry, Scenario, registry

JsonObject = dict[str, Any]
#: Writes one log record (the bench reads them into the ``http`` trace channel).
LogSink = Callable[[JsonObject], None]
#: Answers (and logs) a request aiohttp's HTTP parser refused: (request, HTTP status, aiohttp's exception).
Refuse = Callable[[web.BaseRequest, int, BaseException | None], web.StreamResponse]
REFUSE = web.AppKey("refuse", Refuse)

#: How long the ``timeout`` fault holds an answer back: longer than any client of ours waits.
TIMEOUT_DELAY = 30.0
#: the longest a held answer may be held (an hour: past any engine's timeout), so a control mistake is refused
MAX_DELAY = 3600.0
#: The end of a truncated (``malformed``) answer: valid UTF-8, invalid JSON.
_MALFORMED = '{"service": "%s", "status": "ok", "reference": "TRONQUE-'
#: The largest request body read (aiohttp's default): beyond it, HTTP 413 in our format.
MAX_REQUEST = 1024 * 1024
#: The longest request line or header read (aiohttp's default, said in the refusal).
MAX_LINE = 8190


class _State:
    def __init__(self, reg: Registry) -> None:
        self.registry = reg
        self.scenario = {service: reg.default(service) for service in SERVICES}
        self.fault = dict.fromkeys(SERVICES, "none")
        self.identity: dict[str, JsonObject | None] = dict.fromkeys(SERVICES)
        #: how long each service's ``timeout`` fault holds an answer: a delay set for one is no other's
        self.delay = dict.fromkeys(SERVICES, TIMEOUT_DELAY)
        self.seq = itertools.count(1)


def _json(status: int, body: JsonObject) -> web.Response:
    return web.Response(status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json")


def _refusal(service: str, reason: str, code: str = "REQUETE_INVALIDE") -> JsonObject:
    """A request refused, in our format, its reason in the server's language."""
    return {"service": service, "status": "error", "code": code, "message": t(reason)}


def _interrupted(exc: BaseException, request: web.Request) -> bool:
    """The client went away before its request was whole (its connection closed mid-body): no fault of ours."""
    if isinstance(exc, ConnectionError):
        return True
    transport = request.transport
    return isinstance(exc, web.RequestPayloadError) and (transport is None or transport.is_closing())


def _unparsed_why(exc: BaseException | None) -> str:
    """The French reason of a request aiohttp's HTTP parser refused: its own words are English."""
    if isinstance(exc, ContentEncodingError):
        return "corps de requête illisible (Content-Encoding non pris en charge)"
    if isinstance(exc, LineTooLong):
        return f"ligne de requête ou en-tête HTTP de plus de {MAX_LINE} octets"
    if isinstance(exc, InvalidURLError):
        return "chemin de requête invalide"
    if isinstance(exc, BadStatusLine):
        return "ligne de requête HTTP invalide"
    if isinstance(exc, InvalidHeader):
        return "en-tête HTTP invalide"
    return "requête HTTP mal formée"


def _refused_why(exc: BaseException, request: web.Request) -> tuple[int, str]:
    """The HTTP status and the French reason of a request the HTTP layer (or a fault of ours) refused; status 0
    for a request its client interrupted (nothing is answered)."""
    if _interrupted(exc, request):
        return 0, "requête interrompue par le client"
    if isinstance(exc, web.HTTPMethodNotAllowed):
        allowed = ", ".join(sorted(exc.allowed_methods))
        return 405, f"méthode {request.method} refusée sur {request.path} (acceptée : {allowed})"
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        return 413, f"requête de plus de {MAX_REQUEST} octets"
    if isinstance(exc, web.HTTPNotFound):
        known = ", ".join(f"/{service}" for service in SERVICES)
        return 404, f"chemin inconnu {request.path} (connus : {known})"
    if isinstance(exc, web.HTTPException | HttpProcessingError | web.RequestPayloadError):  # a body not decodable
        encoding = request.headers.get("Content-Encoding", "")
        if encoding:
            return 400, f"corps de requête illisible (Content-Encoding {encoding})"
        return 400, "corps de requête illisible"
    return 500, "erreur interne du simulateur"


async def _read_json(request: web.Request) -> tuple[JsonObject | None, str]:
    """The request body as an object, or None and the reason (in French, placed: the engine protocol's reader's
    words, never the decoder's English)."""
    try:
        return parse(await request.read()), ""
    except ValueError as exc:
        return None, str(exc)


def make_app(log: LogSink, reg: Registry | None = None) -> web.Application:
    state = _State(reg or registry())

    def record(service: str, request: web.Request, t0: float, status: int, body: Any, **extra: Any) -> None:
        log(
            {
                "ts": time.time(),
                "service": service,
                "method": request.method,
                "path": request.path,
                "status": status,
                "ms": round((time.perf_counter() - t0) * 1000, 3),
                "scenario": state.scenario.get(service, ""),
                "fault": state.fault.get(service, "none"),
                **extra,
                "request": body,
            }
        )

    def answer(service: str, scenario: Scenario, body: JsonObject) -> JsonObject:
        seq = next(state.seq)
        if service == "adri":
            return answers.adri(scenario, body, seq, date.today())
        if service == "apcv":
            identity = state.identity["apcv"] or state.registry.default_identity
            return answers.apcv(scenario, body, seq, datetime.now().astimezone(), identity)
        if service == "insi":
            return answers.insi(scenario, body)
        return answers.eprescription(scenario, body)

    @web.middleware
    async def refusals(request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        """Every request the HTTP layer refuses answered in our format and logged, never aiohttp's English text
        nor a traceback (a fault of ours is an HTTP 500 said as such)."""
        t0 = time.perf_counter()
        try:
            return await handler(request)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # whatever it is, the client gets our answer and the log a line
            if isinstance(exc, web.HTTPException) and exc.status < 400:
                raise
            status, reason = _refused_why(exc, request)
            service = next((s for s in SERVICES if request.path == f"/{s}"), "")
            if status == 0:  # the client is gone: the line says so, nothing to answer
                record(service, request, t0, 0, None, answer=None, interrupted=True)
                request.protocol.force_close()
                return web.Response(status=400)
            error = _refusal(service, reason, "REQUETE_INVALIDE" if status < 500 else "ERREUR_INTERNE")
            record(service, request, t0, status, None, answer=error)
            response = _json(status, error)
            if isinstance(exc, web.RequestPayloadError):  # the rest of the body is unreadable: answer, then close,
                await response.prepare(request)  # or aiohttp would read it again and log its traceback
                await response.write_eof()
                request.protocol.force_close()
            return response

    def service_handler(service: str) -> Callable[[web.Request], Any]:
        async def handle(request: web.Request) -> web.StreamResponse:
            t0 = time.perf_counter()
            body, problem = await _read_json(request)
            # the request as it was sent: its object, else its text (not JSON, or not an object), for the
            # engineer to see what it was (« requête non lue » is only for a body the HTTP layer never read)
            sent = body if body is not None else (await request.read()).decode("utf-8", "replace")
            fault, scenario = state.fault[service], state.registry.get(service, state.scenario[service])
            assert scenario is not None  # the control API only sets known scenarios

            def said(status: int, shown: Any, **extra: Any) -> None:
                """The exchange's line, with the scenario and fault it met (a held answer's as it came in)."""
                record(service, request, t0, status, shown, scenario=scenario.name, fault=fault, **extra)

            if fault == "down":  # a stopped server: the connection closes, nothing answers
                said(0, sent, answer=None)
                if request.transport is not None:
                    request.transport.close()
                raise asyncio.CancelledError
            if fault == "timeout":  # its line now; the answer's when the hold ends, only if its client still waits
                said(0, sent, answer=None, held_s=state.delay[service])
                await asyncio.sleep(state.delay[service])
                if request.transport is None or request.transport.is_closing():
                    # the client left (the bench is at another step by then): nothing goes out, nothing is said
                    return web.Response(status=204)
            if fault == "server-error":
                text = t("erreur interne simulée")
                said(500, sent, answer=text)
                return web.Response(status=500, text=text)
            if body is None:
                error = _refusal(service, problem)
                said(400, sent, answer=error)
                return _json(400, error)
            try:
                result = answer(service, scenario, body)
            except answers.BadRequest as exc:
                error = _refusal(service, str(exc))
                said(400, body, answer=error)
                return _json(400, error)
            if fault == "malformed":
                text = _MALFORMED % service
                said(200, body, answer=text)
                return web.Response(status=200, text=text, content_type="application/json")
            said(scenario.http_status, body, answer=result)
            return _json(scenario.http_status, result)

        return handle

    async def set_scenario(request: web.Request) -> web.Response:
        body, problem = await _read_json(request)
        if body is None:
            return _json(400, {"ok": False, "message": t(problem)})
        service = body.get("service")
        if service not in SERVICES:
            return _json(400, {"ok": False, "message": t(f"téléservice inconnu « {answers.received(service)} »")})
        # only null or "" mean « not given »: false, 0 or [] are no name, refused below as unknown
        name = body.get("scenario")
        name = state.registry.default(service) if name in (None, "") else name
        if not isinstance(name, str) or state.registry.get(service, name) is None:
            known = ", ".join(state.registry.names(service))
            unknown = answers.received(name)
            said = t(f"scénario inconnu « {unknown} » pour {service} (connus : {known})")
            return _json(400, {"ok": False, "message": said})
        fault = body.get("fault")
        fault = "none" if fault in (None, "") else fault
        if fault not in FAULTS:
            unknown = answers.received(fault)
            said = t(f"défaut inconnu « {unknown} » (connus : {', '.join(FAULTS)})")
            return _json(400, {"ok": False, "message": said})
        delay = body.get("delay")
        delay = state.delay[service] if delay is None else delay  # not given (or null): the hold as it was
        if isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= MAX_DELAY:
            said = t(f"delay : nombre de secondes de 0 à {MAX_DELAY:g} attendu, reçu « {answers.received(delay)} »")
            return _json(400, {"ok": False, "message": said})
        try:
            identity = answers.presented_identity(body.get("identity"))
        except answers.BadRequest as exc:
            return _json(400, {"ok": False, "message": t(str(exc))})
        state.scenario[service], state.fault[service] = name, fault
        state.identity[service] = identity
        state.delay[service] = float(delay)
        log({"ts": time.time(), "control": "scenario", "service": service, "scenario": name, "fault": fault})
        return _json(200, {"ok": True, "service": service, "scenario": name, "fault": fault})

    async def mark(request: web.Request) -> web.Response:
        body, _problem = await _read_json(request)
        log({"ts": time.time(), "control": "mark", "mark": (body or {}).get("mark")})
        return _json(200, {"ok": True})

    async def scenarios(request: web.Request) -> web.Response:
        return _json(200, state.registry.as_json(t))

    def unparsed(request: web.BaseRequest, status: int, exc: BaseException | None) -> web.StreamResponse:
        """A request aiohttp's HTTP parser refused (request line, header, body framing or encoding), or a fault
        of ours past the middleware: answered in our format and logged, as :func:`refusals` does."""
        parsed = not isinstance(exc, HttpProcessingError)  # else aiohttp's stand-in request: no method nor path
        reason = "erreur interne du simulateur" if status >= 500 else _unparsed_why(exc)
        error = _refusal("", reason, "REQUETE_INVALIDE" if status < 500 else "ERREUR_INTERNE")
        method, path = (request.method, request.path) if parsed else ("?", "")
        log({"ts": time.time(), "service": "", "method": method, "path": path, "status": status, "ms": 0,
             "scenario": "", "fault": "none", "answer": error, "request": None})  # fmt: skip
        return _json(status, error)

    limits = {"max_line_size": MAX_LINE, "max_field_size": MAX_LINE}
    app = web.Application(middlewares=[refusals], client_max_size=MAX_REQUEST, handler_args=limits)
    app[REFUSE] = unparsed
    for service in SERVICES:
        app.router.add_post(f"/{service}", service_handler(service))
    app.router.add_post("/_bench/scenario", set_scenario)
    app.router.add_post("/_bench/mark", mark)
    app.router.add_get("/_bench/scenarios", scenarios)
    return app


class _Connection(RequestHandler):
    """A client's connection whose requests aiohttp's HTTP parser refuses are answered by the app's
    :data:`REFUSE`, never with aiohttp's English text nor a traceback on stderr."""

    def handle_error(
        self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None, message: str | None = None
    ) -> web.StreamResponse:
        manager = self._manager
        if request.writer.output_size > 0 or not isinstance(manager, _Server):  # half an answer out: aiohttp's way
            return super().handle_error(request, status, exc, message)
        response = manager.refuse(request, status, exc)
        response.force_close()
        return response


class _Server(web.Server):
    refuse: Refuse

    def __call__(self) -> RequestHandler:
        return _Connection(self, loop=self._loop, **self._kwargs)


class Runner(web.AppRunner):
    """aiohttp's runner of an app of :func:`make_app`, whose connections are :class:`_Connection`."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = _Server  # aiohttp names no factory for its connections: its own class, one method more
        assert isinstance(server, _Server)
        server.refuse = self.app[REFUSE]
        return server
