"""The protocol conformance kit behind ``testbench engine check -- COMMAND…``.

Runs one engine command through a fixed sequence of checks; every message the engine sends is
validated against the JSON Schemas of docs/engine-protocol.md. One line per check, PASS/FAIL with
the violation, in French. The checks only assume what the protocol says, never the reference
engine's own amounts or refusal codes (except where the request is the public example E1).

A check whose own code fails on an answer the protocol allows is the bench's defect, not the engine's:
its line reads ERREUR (« erreur du banc »), the report is not :attr:`~Report.concluded`, ``engine check`` exits 2,
as ``run`` does for the bench's faults; the engine's failures stay FAIL, exit 1.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lxml import etree

from testbench import fmt
from testbench.cards.api import CardError
from testbench.casebook.source import xml_detail
from testbench.domain.refusal import EngineError, EngineRefusal
from testbench.domain.vocabulary import TELESERVICE_UNAVAILABLE
from testbench.engines.api import EngineCrash, EngineProtocolError, EngineTimeout, EngineUnavailable, not_launched
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.protocol.validation import check as schema_check
from testbench.engines.protocol.validation import violations
from testbench.i18n import tn, translator

RETURN_STATUS = {"arl-positive": "accepted", "arl-negative": "rejected", "rsp-paid": "paid", "rsp-rejected": "rejected"}
_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass
class CheckResult:
    id: str
    label: str
    ok: bool
    detail: str = ""
    bench_error: bool = False  # the check's own code failed: neither a pass nor the engine's failure


@dataclass
class Report:
    command: list[str]
    results: list[CheckResult] = field(default_factory=list)
    unavailable: bool = False

    @property
    def ok(self) -> bool:
        return not self.unavailable and all(r.ok for r in self.results)

    @property
    def bench_errors(self) -> int:
        return sum(1 for r in self.results if r.bench_error)

    @property
    def concluded(self) -> bool:
        """Whether the report says anything of the engine: not when the engine was unavailable, nor when a
        check failed by the bench's own fault (``engine check`` then exits 2, as ``run`` for the bench's)."""
        return not self.unavailable and not self.bench_errors

    def as_text(self, lang: str | None = None) -> str:
        """The report to read, in ``lang`` (the active language by default; the checks say it in French)."""
        t = translator(lang)
        out = [t("Conformité du moteur : {command}").format(command=" ".join(self.command)), ""]
        width = max((len(r.id) for r in self.results), default=10)
        statuses = [t("ERREUR") if r.bench_error else "PASS" if r.ok else "FAIL" for r in self.results]
        column = max(map(len, statuses), default=4)
        for r, status in zip(self.results, statuses, strict=True):
            detail = f" — {fmt.visible_controls(t(r.detail))}" if r.detail else ""  # the engine's words, harmless
            out.append(f"{status:<{column}}  {r.id:<{width}}  {t(r.label)}{detail}")
        failed = sum(1 for r in self.results if not r.ok and not r.bench_error)
        out.append("")
        if self.unavailable:
            out.append(t("MOTEUR INDISPONIBLE : vérifications interrompues."))
        elif self.bench_errors:
            out.append(
                tn(
                    "ERREUR DU BANC : {count} vérification n'a pas pu être menée (le moteur n'est pas en cause) ;"
                    " non conclu.",
                    "ERREUR DU BANC : {count} vérifications n'ont pas pu être menées (le moteur n'est pas en"
                    " cause) ; non conclu.",
                    self.bench_errors,
                    lang,
                )
            )
        elif failed:
            out.append(
                tn(
                    "NON CONFORME : {count} échec sur {total} vérifications.",
                    "NON CONFORME : {count} échecs sur {total} vérifications.",
                    failed,
                    lang,
                    total=len(self.results),
                )
            )
        else:
            out.append(t("CONFORME : {total} vérifications réussies.").format(total=len(self.results)))
        return "\n".join(out)

    def as_json(self) -> str:
        return json.dumps(
            {
                "command": self.command,
                "ok": self.ok,
                "unavailable": self.unavailable,
                "bench_error": bool(self.bench_errors),
                "checks": [asdict(r) for r in self.results],
            },
            ensure_ascii=False,
            indent=2,
        )


def sample_request(ref: str, **overrides: Any) -> dict[str, Any]:
    """Billing-rules.md example E1 (a rented bed, 4 weeks), as the runner builds requests."""
    req: dict[str, Any] = {
        "invoice_ref": ref,
        "mode": "securise",
        "care_date": "2024-06-03",
        "ps_category": "fournisseur-lpp",
        "beneficiary": {"nir": "1850575123456", "rank": 1, "regime": "01", "coverage": {"ald": False, "c2s": False}},
        "prescription": None,
        "tiers_payant": "amo",
        "amc": None,
        "rounding": None,
        "lines": [
            {
                "nomenclature": "LPP",
                "code": "1241763",
                "quantity": "4",
                "coefficient": "1",
                "unit_price": None,
                "tariff": None,
                "plv": None,
                "date": None,
                "ald": False,
                "exo": None,
            },
        ],
    }
    req.update(overrides)
    return req


def _sample_bay() -> Any:
    """An in-memory bay with a test Vitale and CPS, for engines that read cards through the client."""
    try:
        from testbench.cards.inprocess import InProcessBay
        from testbench.paths import CARD_PROFILES_DIR
    except ImportError:
        return None
    bay = InProcessBay()
    for slot, name in (("vitale", "vitale2-adult-standard.xml"), ("cps", "cps3-psad-lpp.xml")):
        path = Path(CARD_PROFILES_DIR) / name
        if path.exists():
            with contextlib.suppress(Exception):
                bay.present(slot, path)
    return bay


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        return None


def invoice_invariants(result: Any) -> list[str]:
    """Arithmetic every engine's answer must satisfy, whatever its rules.

    An answer of another shape (not objects, not decimal strings) has nothing to add up: the schema check
    names what is wrong with it, so nothing is reported here.
    """
    problems: list[str] = []
    lines = result.get("lines") if isinstance(result, dict) else None
    totals = result.get("totals") if isinstance(result, dict) else None
    if not isinstance(lines, list) or not isinstance(totals, dict) or not all(isinstance(x, dict) for x in lines):
        return problems  # the schema check reports it
    sums = dict.fromkeys(("base", "amo", "amc", "patient", "depassement"), Decimal(0))
    for i, line in enumerate(lines):
        a = {k: _amount(line.get(k)) for k in sums}
        if any(v is None for v in a.values()):
            return problems  # the schema check reports it
        for k in sums:
            sums[k] += a[k]  # type: ignore[operator]
        if a["amo"] + a["amc"] + a["patient"] != a["base"] + a["depassement"]:  # type: ignore[operator]
            problems.append(f"ligne {i + 1}: amo + amc + patient ≠ base + dépassement")
    for k, v in sums.items():
        if _amount(totals.get(k)) != v:
            problems.append(f"totals.{k} = {totals.get(k)} ≠ somme des lignes {v}")
    return problems


def _amounts_view(result: dict[str, Any]) -> Any:
    keys = ("code", "base", "rate", "amo", "amc", "patient", "depassement", "exo")
    return (
        [{k: line.get(k) for k in keys} for line in result.get("lines", [])],
        result.get("totals"),
        result.get("withholdings"),
    )


class _Checker:
    def __init__(self, command: list[str], timeout: float, start_timeout: float | None) -> None:
        self.report = Report(command)
        self.methods: dict[Any, str] = {}
        self.violations: list[str] = []
        self.envelope_errors: list[str] = []
        self.trace_errors: list[str] = []
        self.received = 0
        self.traces: list[str] = []
        self.timeouts: list[str] = []
        self.engine = SubprocessEngine(
            command,
            timeout=timeout,
            trace=self.traces.append,
            bay=_sample_bay(),
            start_timeout=start_timeout,
            on_message=self._hook,
            validate=False,  # every message is checked by _hook, and each violation named in its check
        )

    # -- message recording ---------------------------------------------------------------------------
    def _hook(self, direction: str, msg: dict[str, Any]) -> None:
        if direction == "sent":
            if "method" in msg and "id" in msg:
                self.methods[msg["id"]] = msg["method"]
            return
        self.received += 1
        _note(self.envelope_errors, schema_check(msg, "message", "message"))
        if msg.get("method") == "trace":
            _note(self.trace_errors, schema_check(msg.get("params"), "trace.params", "trace.params"))
            return
        if "method" in msg:
            name = str(msg["method"])
            if name in ("card.atr", "card.transmit"):
                _note(self.violations, schema_check(msg.get("params"), f"{name}.params", f"{name}.params"))
            return
        method = self.methods.get(msg.get("id"), "")
        if "result" in msg and method in J.ENGINE_METHODS + J.CONTROL_METHODS:
            _note(self.violations, schema_check(msg["result"], f"{method}.result"))
        err = msg.get("error")
        if isinstance(err, dict):
            if err.get("code") == J.REFUSAL:
                _note(self.violations, schema_check(err.get("data"), "refusal.data", "error.data"))
            elif err.get("code") == J.CARD_ERROR:
                _note(self.violations, schema_check(err.get("data"), "card-error.data", "error.data"))

    # -- running checks ------------------------------------------------------------------------------
    def run(self, check_id: str, label: str, body: Callable[[], str | None]) -> Any:
        self.violations = []
        try:
            note = body()
        except _Failed as exc:
            self._add(check_id, label, False, str(exc))
        except EngineTimeout as exc:
            self.timeouts.append(check_id)
            self._add(check_id, label, False, f"délai dépassé : {exc}")
        except EngineCrash as exc:
            self._add(check_id, label, False, f"le moteur s'est arrêté : {exc}")
        except EngineUnavailable as exc:
            self._add(check_id, label, False, f"redémarrage impossible : {exc}")
        except EngineProtocolError as exc:
            self._add(check_id, label, False, f"protocole : {exc}")
        except EngineRefusal as exc:
            self._add(check_id, label, False, f"refus inattendu {exc.code} : {exc.message}")
        except (EngineError, CardError) as exc:
            self._add(check_id, label, False, f"{type(exc).__name__} : {exc}")
        except Exception as exc:  # the check's own code failed: never a traceback that would hide the other checks
            if self.violations:  # on an answer the protocol does not allow: the engine's, the schema says where
                self._add(check_id, label, False, self._schema())
            else:  # on an answer the protocol allows: the bench's defect, which says nothing of the engine
                error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__  # kept for its report
                detail = f"erreur du banc ({error}) : le moteur n'est pas en cause"
                self.report.results.append(CheckResult(check_id, label, False, detail, bench_error=True))
        else:
            if self.violations:
                self._add(check_id, label, False, self._schema())
            else:
                self._add(check_id, label, True, note or "")

    def _schema(self) -> str:
        """The check's schema violations, the first four, as its detail ("" when there are none)."""
        return violations(self.violations) if self.violations else ""

    def _add(self, check_id: str, label: str, ok: bool, detail: str) -> None:
        self.report.results.append(CheckResult(check_id, label, ok, detail))


class _Failed(Exception):
    pass


def _note(found: list[str], errors: list[str]) -> None:
    """Add each violation once: the same fault on every message reads once."""
    found.extend(e for e in errors if e not in found)


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise _Failed(message)


def run_checks(command: list[str], timeout: float = 5.0, start_timeout: float | None = None) -> Report:
    c = _Checker(command, timeout, start_timeout)
    eng = c.engine
    state: dict[str, Any] = {}

    try:
        info = eng.describe()
    except EngineError as exc:
        c._add("demarrage", "le moteur démarre et répond à initialize", False, str(exc))
        c.report.unavailable = not_launched(exc)  # an engine that ran and answered wrongly is NON CONFORME
        return c.report
    failed_start = eng.pending_fault  # it started, but only at the second try
    if failed_start is not None:
        detail = str(failed_start)
    elif c.violations:
        detail = c._schema()
    else:
        detail = f"{info.name} {info.version}"
    c._add("demarrage", "le moteur démarre et répond à initialize", failed_start is None and not c.violations, detail)

    def describe() -> str:
        value = eng.call("describe", {})
        caps = value.get("capabilities") if isinstance(value, dict) else None
        if isinstance(caps, list):
            missing = [m for m in J.ENGINE_METHODS if m != "describe" and m not in caps]
            _expect(not missing, f"capacités absentes : {', '.join(missing)}")
        return f"{len(caps or [])} capacités"

    c.run("describe", "describe rend la description du moteur", describe)

    def nominal() -> str:
        res = eng.create_invoice(sample_request("CHECK-1"))
        state["invoice"] = res
        if c.violations:
            return ""  # the run reports them
        problems = invoice_invariants(res)
        _expect(not problems, "; ".join(problems[:3]))
        totals = res.get("totals", {})
        return f"base {totals.get('base')} AMO {totals.get('amo')} patient {totals.get('patient')}"

    c.run("facture", "create_invoice (exemple E1) : forme et arithmétique", nominal)

    def fse() -> str:
        text = state.get("invoice", {}).get("fse")
        _expect(isinstance(text, str) and bool(text), "pas de FSE dans la réponse")
        try:
            root = etree.fromstring(text.encode("utf-8"), _XML)
        except etree.XMLSyntaxError as exc:
            raise _Failed(f"FSE XML mal formée : {xml_detail(exc.msg)}") from exc
        if root.tag == "{urn:testbench:fse:1}fse":
            from testbench.engines.reference.fse import validate_fse

            errors = validate_fse(text)
            _expect(not errors, "FSE non conforme au XSD : " + "; ".join(errors[:2]))
            return "FSE conforme au XSD testbench"
        return f"FSE XML bien formée (élément {root.tag}, XSD non applicable)"

    c.run("fse", "la FSE est du XML bien formé (et conforme à notre XSD si c'est notre format)", fse)

    def determinism() -> str:
        amc = {"contract": "tm+depassement", "cap": "10.00"}
        line = dict(sample_request("x")["lines"][0], code="1231782", unit_price="22.00")
        first = eng.create_invoice(sample_request("CHECK-2", amc=amc, tiers_payant="amo+amc", lines=[line]))
        second = eng.create_invoice(sample_request("CHECK-3", amc=amc, tiers_payant="amo+amc", lines=[line]))
        _expect(_amounts_view(first) == _amounts_view(second), "la même requête rend des montants différents")
        return "deux requêtes identiques, mêmes montants"

    c.run("determinisme", "même requête deux fois → mêmes montants", determinism)

    def refusal(check: str, request: dict[str, Any]) -> Callable[[], str]:
        def body() -> str:
            codes = []
            for _ in range(2):
                try:
                    eng.create_invoice(request)
                except EngineRefusal as exc:
                    codes.append(exc.code)
                    continue
                raise _Failed("requête acceptée au lieu d'un refus typé")
            _expect(codes[0] == codes[1], f"code de refus instable : {codes[0]} puis {codes[1]}")
            return f"refus {codes[0]}"

        return body

    bad_qty = sample_request("CHECK-Q", lines=[dict(sample_request("x")["lines"][0], quantity="0")])
    c.run("refus-quantite", "quantité nulle → refus typé, code stable", refusal("refus-quantite", bad_qty))
    unknown = sample_request("CHECK-U", lines=[dict(sample_request("x")["lines"][0], code="0000000")])
    c.run("refus-code", "code LPP inconnu → refus typé, code stable", refusal("refus-code", unknown))

    def secure() -> str:
        inv = state.get("invoice") or {}
        _expect("invoice_id" in inv, "pas de facture à sécuriser (create_invoice a échoué)")
        res = eng.secure_invoice({"invoice_id": inv["invoice_id"]})
        return f"statut {res.get('status')}"

    c.run("securisation", "secure_invoice rend une facture sécurisée", secure)

    def lot() -> str:
        inv = state.get("invoice") or {}
        _expect("invoice_id" in inv, "pas de facture à mettre en lot")
        res = eng.build_lot({"invoice_ids": [inv["invoice_id"]]})
        state["lot"] = res
        _expect(res.get("invoice_count") == 1, f"invoice_count = {res.get('invoice_count')} au lieu de 1")
        amo = (res.get("totals") or {}).get("amo")
        invoiced = (inv.get("totals") or {}).get("amo")
        _expect(amo is None or _amount(amo) == _amount(invoiced), f"totals.amo du lot {amo} ≠ facture")
        return f"lot {res.get('number')}"

    c.run("lot", "build_lot rend un lot et son fichier", lot)

    def returns() -> str:
        lot_number = (state.get("lot") or {}).get("number")  # None: the engine's latest lot
        seen = []
        for scenario, expected in RETURN_STATUS.items():
            res = eng.read_returns({"scenario": scenario, "code": None, "lot_number": lot_number})
            status = J.shown_json(res.get("status"), 60)
            _expect(res.get("status") == expected, f"{scenario} : statut {status} au lieu de {expected}")
            seen.append(f"{scenario}={res.get('status')}")
        return ", ".join(seen)

    c.run("retours", "read_returns : ARL ±, RSP payé / rejeté", returns)

    def adri() -> str:
        try:
            res = eng.adri_query({"beneficiary": sample_request("x")["beneficiary"], "care_date": "2024-06-03"})
        except EngineRefusal as exc:
            return f"refus typé {exc.code} (accepté)"
        rights = res.get("rights_open")
        return f"droits ouverts : {fmt.value(rights, 'fr')}"  # oui / non / —, never a Python value

    c.run("adri", "adri_query rend des droits ou un refus typé", adri)

    def cards() -> str:
        notes = {}
        for kind in ("vitale", "cps"):
            try:
                getattr(eng, f"read_{kind}")(kind)
                notes[kind] = "lue"
            except CardError as exc:
                notes[kind] = f"erreur carte typée ({type(exc).__name__})"
            except EngineRefusal as exc:
                notes[kind] = f"refus typé {exc.code}"
        return f"vitale : {notes['vitale']}, cps : {notes['cps']}"  # one sentence, read back in English whole

    c.run("cartes", "read_vitale / read_cps : contenu ou erreur typée", cards)

    def teleservices() -> str:
        """Each téléservice call with a service nobody answers: the typed refusal, and the engine goes on."""
        url = f"http://127.0.0.1:{_closed_port()}"
        calls = {
            "adri_query": {"beneficiary": sample_request("x")["beneficiary"], "care_date": "2024-06-03"},
            "apcv_context": {"channel": "qr"},
            "insi_query": {"traits": {"birth_name": "ESSAI", "first_name": "TEST", "sex": "F"}},
            "eprescription_fetch": {"number": "RX-CHECK-1"},
        }
        for method, params in calls.items():
            service = method.split("_", 1)[0]
            try:
                eng.call(method, {**params, "service_url": f"{url}/{service}", "service_timeout": 1})
            except EngineRefusal as exc:
                _expect(
                    exc.code == TELESERVICE_UNAVAILABLE,
                    f"{method} : refus {exc.code} au lieu de {TELESERVICE_UNAVAILABLE}",
                )
                continue
            raise _Failed(f"{method} : réponse au lieu du refus {TELESERVICE_UNAVAILABLE} (service injoignable)")
        return f"{len(calls)} appels, refus {TELESERVICE_UNAVAILABLE}"

    c.run("teleservices", "téléservice injoignable → refus typé TELESERVICE_UNAVAILABLE, sans arrêt", teleservices)

    def unknown_method() -> str:
        try:
            eng.call("methode_inexistante", {})
        except J.EngineRemoteError as exc:
            _expect(exc.rpc_code == J.METHOD_NOT_FOUND, f"code {exc.rpc_code} au lieu de {J.METHOD_NOT_FOUND}")
            return "erreur -32601"
        raise _Failed("méthode inconnue acceptée au lieu de l'erreur -32601")

    c.run("methode-inconnue", "méthode inconnue → erreur -32601", unknown_method)

    def invalid_params() -> str:
        pid = eng.pid
        try:
            eng.call("create_invoice", [])
        except J.EngineRemoteError as exc:
            _expect(
                exc.rpc_code == J.INVALID_PARAMS, f"code {exc.rpc_code} au lieu de {J.INVALID_PARAMS} ou d'un refus"
            )
        except EngineRefusal:
            pass
        else:
            raise _Failed("paramètres invalides acceptés")
        eng.call("describe", {})
        _expect(eng.pid == pid, "le moteur a dû être redémarré")
        return "erreur typée, le moteur continue"

    c.run("parametres-invalides", "paramètres invalides → erreur -32602 ou refus, sans arrêt", invalid_params)

    def garbage_in() -> str:
        pid = eng.pid
        answer = eng.raw_exchange(b"ceci n'est pas du JSON\n", timeout=timeout)
        _expect(answer is not None, "aucune réponse à une ligne illisible (moteur arrêté ou muet)")
        err = answer.get("error") if isinstance(answer, dict) else None
        _expect(
            isinstance(err, dict) and err.get("code") == J.PARSE_ERROR,
            f"réponse {J.shown_json(answer, 80)} au lieu de -32700",
        )
        eng.call("describe", {})
        _expect(eng.pid == pid, "le moteur a dû être redémarré")
        return "erreur -32700, le moteur continue"

    c.run("ligne-illisible", "ligne illisible → erreur -32700, sans arrêt", garbage_in)

    def envelope() -> str:
        _expect(not c.envelope_errors, violations(c.envelope_errors, 3))
        return f"{c.received} messages reçus conformes"

    c.run("enveloppe", "chaque message reçu est du JSON-RPC 2.0 conforme", envelope)

    def traces() -> str:
        _expect(not c.trace_errors, violations(c.trace_errors, 3))
        return f"{len(c.traces)} lignes de trace"

    c.run("traces", "notifications de trace conformes", traces)

    def delays() -> str:
        _expect(not c.timeouts, f"délai de {timeout:g} s dépassé : {', '.join(c.timeouts)}")
        return f"tous les appels sous {timeout:g} s"

    c.run("delais", "chaque appel répond dans le délai", delays)

    def shutdown() -> str:
        if eng._proc is None:
            eng.call("describe", {})
        proc = eng._proc
        _expect(proc is not None, "moteur non démarré")
        started = time.monotonic()
        eng.close()
        code = proc.popen.returncode  # type: ignore[union-attr]
        _expect(code == 0, f"code de sortie {code} après shutdown (arrêt forcé)")
        return f"arrêt propre en {time.monotonic() - started:.2f} s"

    c.run("arret", "shutdown arrête le moteur proprement (code 0)", shutdown)
    eng.close()
    return c.report


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
