"""The reference engine's téléservice client: JSON over HTTP (stdlib ``http.client``, kept-alive connections).

``http.client`` (with ``email`` and ``ssl`` behind it) is imported by the first call, not with the engine:
a campaign without a téléservice step never pays for it.

The engine calls the service at the URL the request names (``service_url``: the bench's simulators, or any
server speaking our format, docs/teleservices.md). A service that does not answer usably becomes a typed
refusal the case can expect: ``TELESERVICE_UNAVAILABLE`` (connection refused or closed, timeout, HTTP 5xx)
or ``TELESERVICE_INVALID_ANSWER`` (not JSON, not an object, not our format). The engine never crashes on it.
"""

from __future__ import annotations

import functools
import io
import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from testbench.domain.organisme import organisme_of
from testbench.domain.refusal import EngineRefusal
from testbench.domain.vocabulary import TELESERVICE_INVALID_ANSWER, TELESERVICE_UNAVAILABLE
from testbench.engines.reference import refusals as R
from testbench.fmt import DOMAIN_LABELS, number, timestamp

if TYPE_CHECKING:
    import http.client
    import socket

DEFAULT_TIMEOUT = 2.0  # seconds a service may take (a request's ``service_timeout`` overrides it)
MAX_ANSWER = 1 << 20

JsonObject = dict[str, Any]


def _named(service: str) -> str:
    """A téléservice by name (the request's ``service``, the refusal's ``details.service``) in words, as its
    case domain reads (« ADRi », « e-prescription »); the refusal is recorded in French."""
    return DOMAIN_LABELS.get(service, service)


def unavailable(service: str, why: str) -> EngineRefusal:
    return R.refuse(TELESERVICE_UNAVAILABLE, f"téléservice {_named(service)} indisponible : {why}", service=service)


def invalid(service: str, why: str) -> EngineRefusal:
    return R.refuse(
        TELESERVICE_INVALID_ANSWER, f"réponse du téléservice {_named(service)} invalide : {why}", service=service
    )


class TeleserviceClient:
    """One kept-alive connection per host and port; a connection the server closed is reopened once."""

    def __init__(self) -> None:
        self._conns: dict[tuple[str, int], http.client.HTTPConnection] = {}

    def post(self, service: str, request: JsonObject, payload: JsonObject) -> JsonObject:
        """POST ``payload`` to the request's ``service_url``; the answer object, or a typed refusal."""
        import http.client

        url = request.get("service_url")
        if not isinstance(url, str) or not url:
            raise unavailable(service, "aucune adresse de service dans la requête (service_url)")
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise R.refuse(R.INVALID_REQUEST, f"service_url : adresse http:// attendue, reçu « {url} »")
        timeout = request.get("service_timeout")
        timeout = float(timeout) if isinstance(timeout, int | float) and timeout > 0 else DEFAULT_TIMEOUT
        deadline = time.monotonic() + timeout  # for the whole call: a server answering a byte at a time is slow
        key = (parts.hostname, parts.port or 80)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        for attempt in (1, 2):
            conn = self._conns.get(key)
            reused = conn is not None
            if conn is None:
                conn = self._conns[key] = http.client.HTTPConnection(key[0], key[1], timeout=timeout)
            conn.response_class = functools.partial(_response_by, deadline=deadline)
            left = max(deadline - time.monotonic(), 0.001)  # connecting and sending, after a first try too
            conn.timeout = left
            if conn.sock is not None:
                conn.sock.settimeout(left)
            try:
                conn.request("POST", parts.path or "/", body, headers)
                response = conn.getresponse()
                data = response.read(MAX_ANSWER + 1)
                break
            except TimeoutError:
                self._drop(key)
                raise unavailable(service, f"pas de réponse en {number(f'{timeout:g}', 'fr')} s") from None
            except (OSError, http.client.HTTPException) as exc:
                self._drop(key)
                if reused and attempt == 1:
                    continue  # a kept-alive connection the server had closed: one fresh try
                raise unavailable(service, _reason(exc)) from None
        if response.will_close:
            self._drop(key)
        return _answer(service, response.status, data)

    def _drop(self, key: tuple[str, int]) -> None:
        conn = self._conns.pop(key, None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        for key in list(self._conns):
            self._drop(key)


class _ReadBy(io.RawIOBase):
    """A socket read as a file each of whose reads waits only until ``deadline`` (``time.monotonic``): a socket's
    own timeout bounds each read, so an answer trickling in a byte at a time would take any time."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock, self._deadline = sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


def _response_by(sock: socket.socket, *args: Any, deadline: float, **kwargs: Any) -> http.client.HTTPResponse:
    """``http.client``'s response, its status line, headers and body read by :class:`_ReadBy`."""
    import http.client

    response = http.client.HTTPResponse(sock, *args, **kwargs)
    response.fp.close()  # the socket's own file: not read, and it would keep the socket open once closed
    response.fp = io.BufferedReader(_ReadBy(sock, deadline))
    return response


def _reason(exc: BaseException) -> str:
    """Why a service could not be reached, in words (Python's own are English and name its classes)."""
    import http.client
    import socket

    if isinstance(exc, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(exc, http.client.RemoteDisconnected | ConnectionResetError):
        return "connexion fermée sans réponse"
    if isinstance(exc, socket.gaierror):
        return "adresse du service introuvable"
    if isinstance(exc, http.client.HTTPException):
        return "réponse HTTP illisible"
    return "erreur réseau"


def _answer(service: str, status: int, data: bytes) -> JsonObject:
    if status >= 500:
        raise unavailable(service, f"erreur HTTP {status}")
    if len(data) > MAX_ANSWER:
        raise invalid(service, "réponse trop longue")
    try:
        answer = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise invalid(service, f"HTTP {status}, pas du JSON") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("status"), str):
        raise invalid(service, f"HTTP {status}, objet avec « status » attendu")
    if status >= 400:
        message = answer.get("message") or answer.get("code") or f"HTTP {status}"
        raise R.refuse(
            R.INVALID_REQUEST, f"téléservice {_named(service)} : requête refusée : {message}", service=service
        )
    return answer


def require(service: str, value: Any, name: str, kind: type | tuple[type, ...]) -> Any:
    """A field of an answer, of the right type, or the invalid-answer refusal."""
    if not isinstance(value, kind):
        raise invalid(service, f"champ « {name} » absent ou mal typé")
    return value


def _open_at(rights_start: Any, rights_end: Any, when: str) -> bool:
    """Rights open at ``when`` (ISO dates compare as strings)."""
    return not (
        (isinstance(rights_start, str) and when < rights_start) or (isinstance(rights_end, str) and when > rights_end)
    )


class TeleserviceCalls:
    """The reference engine's calls that go through a téléservice (mixed into ``ReferenceEngine``).

    ``facture ADRi``: an ADRi answer marked ``facture-adri`` with rights open at the care date marks the
    invoice that names it (``adri_reference``) when the invoice is of that beneficiary at that date; the
    marking gives the payment guarantee to a secured invoice (made with the Vitale card, or an ApCV context) in
    tiers payant: the public source gives the guarantee to FSEs made with the card's data, kept when the rights
    are updated through ADRi, and none « en l'absence de carte Vitale » (docs/teleservices.md; the tiers payant
    condition is our reading). An invoice never takes a marking it does not name: an answer another case got
    for the same patient and day is not this invoice's.
    """

    trace: Any
    today: Any
    _services: TeleserviceClient
    _adri_marks: dict[str, JsonObject]  # ADRi answer reference -> whom, when, its marking
    _apcv_contexts: list[JsonObject]
    _eprescriptions: dict[str, JsonObject]  # e-prescription number -> the prescription fetched under it

    def _init_teleservices(self) -> None:
        self._services = TeleserviceClient()
        self._adri_marks = {}
        self._apcv_contexts = []
        self._eprescriptions = {}

    # -- ADRi ---------------------------------------------------------------------------------------
    def _adri_remote(self, request: JsonObject, nir: str, rank: int, when: str) -> JsonObject:
        query = request.get("query") or "cible"
        ben = request.get("beneficiary") or {}
        payload = {
            "query": query,
            "care_date": when,
            "beneficiary": {"nir": nir, "rank": rank, "birth_date": ben.get("birth_date")},
        }
        answer = self._services.post("adri", request, payload)
        if answer["status"] == "error":
            code = answer.get("code")
            self.trace(f"adri_query erreur {code}", "WARN")
            if code == "BENEFICIAIRE_INCONNU":
                raise R.refuse(R.ADRI_UNKNOWN_BENEFICIARY, "ADRi : bénéficiaire inconnu", nir_suffix=nir[-4:])
            raise invalid("adri", f"code d'erreur inconnu « {code} »")
        if answer["status"] != "ok":
            raise invalid("adri", f"statut « {answer['status']} »")
        beneficiaries = require("adri", answer.get("beneficiaries"), "beneficiaries", list)
        found = next((b for b in beneficiaries if isinstance(b, dict) and b.get("rank") == rank), None)
        if found is None:
            raise R.refuse(R.ADRI_UNKNOWN_BENEFICIARY, f"ADRi : aucun bénéficiaire de rang {rank}", rank=rank)
        coverage = dict(require("adri", found.get("coverage", {}), "coverage", dict))
        coverage["rights_start"], coverage["rights_end"] = found.get("rights_start"), found.get("rights_end")
        open_ = _open_at(coverage["rights_start"], coverage["rights_end"], when)
        marking = "facture-adri" if open_ and answer.get("marking") == "facture-adri" else "aucun"
        reference = str(answer.get("reference") or "")
        if reference:
            self._adri_marks[reference] = {"nir": nir, "rank": rank, "date": when, "marking": marking}
        self.trace(
            f"adri_query {query} rang={rank} droits={'ouverts' if open_ else 'fermes'} "
            f"marquage={marking} ref={reference}"
        )
        return {
            "nir": nir,
            "rank": rank,
            "regime": str(found.get("regime") or "01"),
            **organisme_of(found),
            "coverage": coverage,
            "rights_open": open_,
            "date": when,
            "source": "adri",
            "query": query,
            "marking": marking,
            "guarantee": marking == "facture-adri",
            "reference": reference,
            "beneficiary_count": len(beneficiaries),
        }

    def _adri_invoice_mark(
        self, reference: Any, nir: str | None, rank: int, when: str, tiers_payant: str, mode: str
    ) -> JsonObject:
        """The ``facture ADRi`` marking of an invoice naming the ADRi answer ``reference`` (or none), and
        whether it gives the payment guarantee (``mode`` the invoice's: only a secured one); an answer about
        another person or day marks nothing."""
        mark = self._adri_marks.get(reference) if isinstance(reference, str) and reference else None
        if mark is None or (mark["nir"], mark["rank"], mark["date"]) != (nir or "", rank, when):
            return {"marking": "aucun", "guarantee": False, "reference": ""}
        return {
            "marking": mark["marking"],
            "guarantee": mark["marking"] == "facture-adri" and tiers_payant != "none" and mode == "securise",
            "reference": reference,
        }

    # -- ApCV ---------------------------------------------------------------------------------------
    def apcv_context(self, request: JsonObject) -> JsonObject:
        channel = request.get("channel") or "qr"
        when = request.get("care_date") or self.today().isoformat()
        answer = self._services.post("apcv", request, {"channel": channel, "care_date": when})
        status = answer["status"]
        if status == "error":
            raise invalid("apcv", f"code d'erreur « {answer.get('code')} »")
        if status == "refused":
            self.trace(f"apcv_context refus: {answer.get('reason', '')}", "WARN")
            reason = str(answer.get("reason") or "")
            raise R.refuse(R.APCV_REFUSED, f"ApCV : contexte refusé ({reason})" if reason else "ApCV : contexte refusé")
        expires = str(answer.get("expires") or "")
        if status == "expired" or (expires and expires < _utc_now()):
            self.trace(f"apcv_context expiré le {expires}", "WARN")
            said = f"ApCV : contexte expiré ({timestamp(expires, 'fr')})" if expires else "ApCV : contexte expiré"
            raise R.refuse(R.APCV_CONTEXT_EXPIRED, said, expires=expires)
        if status != "valid":
            raise invalid("apcv", f"statut « {status} »")
        identity = require("apcv", answer.get("identity"), "identity", dict)
        rights = require("apcv", answer.get("rights"), "rights", dict)
        coverage = dict(require("apcv", rights.get("coverage", {}), "rights.coverage", dict))
        coverage["rights_start"], coverage["rights_end"] = rights.get("rights_start"), rights.get("rights_end")
        result = {
            "status": "valid",
            "channel": answer.get("channel", channel),
            "context_id": str(answer.get("context_id") or ""),
            "expires": expires,
            "nir": identity.get("nir"),
            "rank": int(identity.get("rank") or 1),
            "name": identity.get("name"),
            "first_name": identity.get("first_name"),
            "birth_date": identity.get("birth_date"),
            "regime": str(rights.get("regime") or "01"),
            **organisme_of(rights),
            "rights_open": _open_at(coverage["rights_start"], coverage["rights_end"], when),
            "coverage": coverage,
        }
        self._apcv_contexts.append(result)
        self.trace(f"apcv_context {result['channel']} contexte={result['context_id']} rang={result['rank']}")
        return result

    # -- INSi ---------------------------------------------------------------------------------------
    def insi_query(self, request: JsonObject) -> JsonObject:
        traits = request.get("traits")
        if not isinstance(traits, dict):
            raise R.refuse(R.INVALID_REQUEST, "insi_query : traits attendus")
        payload = {"traits": traits, "nir": request.get("nir")}
        answer = self._services.post("insi", request, payload)
        status = answer["status"]
        if status == "error":
            raise invalid("insi", f"code d'erreur « {answer.get('code')} »")
        identities = require("insi", answer.get("identities"), "identities", list)
        if status not in ("found", "several", "not-found"):
            raise invalid("insi", f"statut « {status} »")
        result: JsonObject = {"status": status, "count": len(identities), "qualified": status == "found"}
        if status == "found":
            ident = require("insi", identities[0] if identities else None, "identities[0]", dict)
            for key in ("ins", "oid", "birth_name", "first_name", "sex", "birth_date", "birth_place"):
                result[key] = ident.get(key)
        self.trace(f"insi_query statut={status} identites={len(identities)}")
        return result

    # -- e-prescription -------------------------------------------------------------------------------
    def eprescription_fetch(self, request: JsonObject) -> JsonObject:
        number = request.get("number")
        if not isinstance(number, str) or not number:
            raise R.refuse(R.INVALID_REQUEST, "eprescription_fetch : numéro d'ordonnance attendu")
        answer = self._services.post("eprescription", request, {"number": number})
        status = answer["status"]
        if status == "error":
            raise invalid("eprescription", f"code d'erreur « {answer.get('code')} »")
        if status == "not-found":
            self.trace(f"eprescription_fetch {number} introuvable", "WARN")
            raise R.refuse(R.EPRESCRIPTION_NOT_FOUND, f"ordonnance numérique {number} introuvable", number=number)
        if status != "found":
            raise invalid("eprescription", f"statut « {status} »")
        rx = require("eprescription", answer.get("prescription"), "prescription", dict)
        lines = require("eprescription", rx.get("lines"), "prescription.lines", list)
        prescriber = require("eprescription", rx.get("prescriber", {}), "prescription.prescriber", dict)
        result = {
            "number": str(rx.get("number") or number),
            "date": rx.get("date"),
            "prescriber": {k: prescriber.get(k) for k in ("rpps", "name", "specialty")},
            "lines": [
                {k: line.get(k) for k in ("nomenclature", "code", "quantity", "label")}
                for line in lines
                if isinstance(line, dict)
            ],
        }
        result["line_count"] = len(result["lines"])
        self._eprescriptions[result["number"]] = result
        self.trace(f"eprescription_fetch {number} lignes={result['line_count']}")
        return result

    def _carry_eprescription(self, request: Any) -> Any:
        """The invoice request with the prescription it names completed from the e-prescription this engine
        fetched under that identifier (its prescriber and date where the request gives none): an invoice made
        from an e-prescription carries its identifier and prescriber, as the bench checks
        (docs/teleservices.md). A request naming no fetched e-prescription is returned as it is."""
        written = request.get("prescription") if isinstance(request, dict) else None
        if not isinstance(written, dict):
            return request
        fetched = self._eprescriptions.get(str(written.get("eprescription_id") or written.get("number") or ""))
        if fetched is None:
            return request
        carried = {
            "eprescription_id": fetched["number"],
            "prescriber": (fetched.get("prescriber") or {}).get("rpps"),
            "date": fetched.get("date"),
        }
        filled = {**{k: v for k, v in carried.items() if v}, **{k: v for k, v in written.items() if v}}
        return {**request, "prescription": filled}

    def _close_teleservices(self) -> None:
        self._services.close()


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
