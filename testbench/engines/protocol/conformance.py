"""The protocol conformance kit behind ``testbench engine check -- COMMAND…``.

Runs one engine command through a fixed sequence of checks; every message the engine sends is
validated against the JSON Schemas of docs/engine-protocol.md. One line per check, RÉUSSI/ÉCHEC with
the violation (ATTENTION: passed with a warning to read before a casebook), in French (PASS/FAIL… in
English). The checks only assume what the protocol says, never the reference engine's own amounts or
refusal codes (except where the request is the public example E1).

A check whose own code fails on an answer the protocol allows is the bench's defect, not the engine's:
its line reads ERREUR (« erreur du banc »), the report is not :attr:`~Report.concluded`, ``engine check`` exits 2,
as ``run`` does for the bench's faults; the engine's failures stay ÉCHEC, exit 1.
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

from testbench import fmt
from testbench.cards.api import CardError
from testbench.domain.refusal import EngineError, EngineRefusal
from testbench.domain.vocabulary import TELESERVICE_UNAVAILABLE
from testbench.engines.api import EngineCrash, EngineProtocolError, EngineTimeout, EngineUnavailable, not_launched
from testbench.engines.protocol import documents
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol.client import SubprocessEngine, _signal_name
from testbench.engines.protocol.process import REAP_TIMEOUT
from testbench.engines.protocol.validation import check as schema_check
from testbench.engines.protocol.validation import violations
from testbench.i18n import _t, tn, translator
from testbench.traces.redact import Redactor

_REDACTOR: list[Redactor] = []  # built on first use: its rules take a moment to compile


def _engine_words(text: str) -> str:
    """A detail quoting the engine's own output (an unreadable line, its stderr) with the personal data ``run``
    hides in the same words (a test card's RPPS, a name: ‹RPPS›, ‹NOM›): the report is printed and shared."""
    if not _REDACTOR:
        _REDACTOR.append(Redactor())
    return _REDACTOR[0].redact(text)


RETURN_STATUS = {"arl-positive": "accepted", "arl-negative": "rejected", "rsp-paid": "paid", "rsp-rejected": "rejected"}


@dataclass
class CheckResult:
    id: str
    label: str
    ok: bool
    detail: str = ""
    bench_error: bool = False  # the check's own code failed: neither a pass nor the engine's failure
    warning: bool = False  # passed, but what it proves is short of what a casebook needs (the detail says what)
    not_run: bool = False  # could not run: it needs an answer an earlier check failed (the detail says which)


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
        statuses = [
            t("ERREUR")
            if r.bench_error
            else t("NON FAITE")
            if r.not_run
            else t("ATTENTION")
            if r.ok and r.warning
            else t("RÉUSSI")
            if r.ok
            else t("ÉCHEC")
            for r in self.results
        ]
        column = max(map(len, statuses), default=4)
        for r, status in zip(self.results, statuses, strict=True):
            detail = f" — {fmt.visible_controls(t(r.detail))}" if r.detail else ""  # the engine's words, harmless
            out.append(f"{status:<{column}}  {r.id:<{width}}  {t(r.label)}{detail}")
        failed = sum(1 for r in self.results if not r.ok and not r.bench_error and not r.not_run)
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
                    "NON CONFORME : {count} vérification en échec sur {total}.",
                    "NON CONFORME : {count} vérifications en échec sur {total}.",
                    failed,
                    lang,
                    total=len(self.results),
                )
            )
        else:
            out.append(t("CONFORME : {total} vérifications réussies.").format(total=len(self.results)))
        if not_run := sum(1 for r in self.results if r.not_run):
            out.append(self._not_run_said(not_run, lang))
        if warned := sum(1 for r in self.results if r.ok and r.warning):
            out.append(
                tn(
                    "{count} vérification réussie avec un avertissement (ATTENTION) : lisez-la avant un cahier de cas.",
                    "{count} vérifications réussies avec un avertissement (ATTENTION) : lisez-les avant un cahier de"
                    " cas.",
                    warned,
                    lang,
                )
            )
        return "\n".join(out)

    def _not_run_said(self, count: int, lang: str | None) -> str:
        """Why ``count`` checks did not run, by what stopped them: an engine that could not be launched (no answer
        ever came), one that did not start (its start failed, every later check waits on it), or a failed answer
        some checks needed."""
        if self.unavailable:
            return tn(
                "{count} vérification non faite (NON FAITE) : le moteur n'a pas pu être lancé.",
                "{count} vérifications non faites (NON FAITE) : le moteur n'a pas pu être lancé.",
                count,
                lang,
            )
        unstarted = NOT_STARTED.format(check="demarrage")
        if all(r.detail == unstarted for r in self.results if r.not_run):
            return tn(
                "{count} vérification non faite (NON FAITE) : le moteur n'a pas démarré.",
                "{count} vérifications non faites (NON FAITE) : le moteur n'a pas démarré.",
                count,
                lang,
            )
        return tn(
            "{count} vérification non faite (NON FAITE) : elle dépend d'une réponse déjà en échec.",
            "{count} vérifications non faites (NON FAITE) : elles dépendent d'une réponse déjà en échec.",
            count,
            lang,
        )

    def as_json(self, lang: str | None = None) -> str:
        """The report for a machine, its labels and details in ``lang`` (the active language by default)."""
        t = translator(lang)
        checks = [
            dict(asdict(r), label=t(r.label), detail=fmt.visible_controls(t(r.detail)) if r.detail else "")
            for r in self.results
        ]
        return json.dumps(
            {
                "command": self.command,
                "ok": self.ok,
                "unavailable": self.unavailable,
                "bench_error": bool(self.bench_errors),
                "checks": checks,
            },
            indent=2,  # ASCII (« \u00e9 »): a redirected console output on Windows is not UTF-8
        )


#: Example E1's amounts (a rented bed, 4 weeks at 14.00, AMO 60 %): the ``facture`` check compares them.
E1_TOTALS = {"base": "56.00", "amo": "33.60", "amc": "0.00", "patient": "22.40", "depassement": "0.00"}
#: E1's AMO rate, in percent as the protocol gives it (« 0.60 », a fraction, is 0.6 %: the check fails it)
E1_RATE = "60"


def sample_request(ref: str, **overrides: Any) -> dict[str, Any]:
    """Worked example E1 (a rented bed, 4 weeks; docs/reference-engine.md), as the runner builds requests. The
    line gives its tariff and PLV (those of the bundled table on that date): an engine needs no table of its own."""
    req: dict[str, Any] = {
        "invoice_ref": ref,
        "mode": "securise",
        "care_date": "2024-06-03",
        "ps_category": "fournisseur-lpp",
        "beneficiary": {
            "nir": "1850575123456",
            "rank": 1,
            "regime": "01",
            "caisse": "751",  # the organisme destinataire, where its lot is addressed
            "centre": "9999",
            "coverage": {"ald": False, "c2s": False},
        },
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
                "tariff": "14.00",
                "plv": "14.00",
                "date": None,
                "ald": False,
                "exo": None,
            },
        ],
    }
    req.update(overrides)
    return req


#: the kit's test cards, slot → bundled profile (read through the client, or by the engine: --engine-cards)
SAMPLE_CARDS = {"vitale": "vitale2-adult-standard.xml", "cps": "cps3-psad-lpp.xml"}


def _sample_bay() -> Any:
    """An in-memory bay with a test Vitale and CPS, for engines that read cards through the client."""
    try:
        from testbench.cards.inprocess import InProcessBay
        from testbench.paths import CARD_PROFILES_DIR
    except ImportError:
        return None
    bay = InProcessBay()
    for slot, name in SAMPLE_CARDS.items():
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
        state = _amount(line.get("state", "0")) or Decimal(0)  # AME: the part the State funds (optional)
        parts = a["amo"] + a["amc"] + a["patient"] + state  # type: ignore[operator]
        owed = a["base"] + a["depassement"]  # type: ignore[operator]
        if parts != owed:  # the fields by their names in the answer (depassement), with the values read
            funded = f" + state {state}" if state else ""
            problems.append(
                f"ligne {i + 1} : amo {a['amo']} + amc {a['amc']} + patient {a['patient']}{funded} = {parts}"
                f" ≠ base {a['base']} + depassement {a['depassement']} = {owed}"
            )
    for k, v in sums.items():
        if _amount(totals.get(k)) != v:
            problems.append(f"totals.{k} = {totals.get(k)} ≠ somme des lignes {v}")
    return problems


def _amounts_view(result: Any) -> dict[str, Any]:
    """The amounts of an answer by their path (``lines[0].amo``, ``totals.amo``): what must not vary."""
    keys = ("code", "base", "rate", "amo", "amc", "patient", "depassement", "exo")
    if not isinstance(result, dict):
        return {"": result}
    view: dict[str, Any] = {}
    lines = result.get("lines")
    for i, line in enumerate(lines if isinstance(lines, list) else []):
        for k in keys:
            view[f"lines[{i}].{k}"] = line.get(k) if isinstance(line, dict) else line
    for part in ("totals", "withholdings"):
        values = result.get(part)
        for k, v in values.items() if isinstance(values, dict) else [("", values)]:
            view[f"{part}.{k}" if k else part] = v
    return view


def _shown(value: Any) -> str:
    """A value of an answer as read: a string as it is, anything else as JSON (a number, ``null``)."""
    return fmt.visible_controls(value[:40]) if isinstance(value, str) else J.shown_json(value, 40)


def _differences(first: Any, second: Any) -> list[str]:
    """Each amount two answers to the same request disagree on: its path and both values (first → second)."""
    a, b = _amounts_view(first), _amounts_view(second)
    return [
        f"{path} {_shown(a.get(path))} → {_shown(b.get(path))}"
        for path in dict.fromkeys([*a, *b])
        if a.get(path) != b.get(path)
    ]


def _e1_differences(result: Any) -> list[str]:
    """Each total of example E1 the answer does not give: its path, the amount received ≠ the one expected."""
    totals = result.get("totals") if isinstance(result, dict) else None
    if not isinstance(totals, dict):
        return []  # the schema check reports it
    found = [
        f"totals.{k} {_shown(totals.get(k))} ≠ {v}"
        for k, v in E1_TOTALS.items()
        if _amount(totals.get(k)) != Decimal(v)
    ]
    lines = result.get("lines")
    line = lines[0] if isinstance(lines, list) and lines and isinstance(lines[0], dict) else {}
    if "rate" in line and _amount(line["rate"]) != Decimal(E1_RATE):  # absent: the schema check reports it
        found.append(f"lines[0].rate {_shown(line['rate'])} ≠ {E1_RATE}")
    return found


class _Checker:
    def __init__(
        self, command: list[str], timeout: float, start_timeout: float | None, cards: dict[str, Any] | None = None
    ) -> None:
        self.report = Report(command)
        self.methods: dict[Any, str] = {}
        self.violations: list[str] = []
        self.envelope_errors: list[str] = []
        self.unknown_notifications: list[str] = []  # their methods, as JSON: ignored by the bench, said by enveloppe
        self.trace_errors: list[str] = []
        self.received = 0
        self.traces: list[str] = []
        self.timeouts: list[str] = []
        self.current = "demarrage"  # the check running: each request is charged to the check that sent it
        self.check_of: dict[Any, str] = {}
        self.last = "demarrage"  # the check run last, and the last one after which the engine was found stopped
        self.stopped_after = ""
        self._alive = True  # whether the engine was up when last looked at (it is once demarrage passed)
        self.unstarted = ""  # why every check after demarrage is not run: the engine did not start
        self.engine = SubprocessEngine(
            command,
            timeout=timeout,
            trace=self.traces.append,
            bay=_sample_bay(),
            cards=cards,  # initialize's cards.mode (--engine-cards): client by default
            start_timeout=start_timeout,
            on_message=self._hook,
            validate=False,  # every message is checked by _hook, and each violation named in its check
        )
        self.engine.attach_lifecycle(self._lifecycle)

    # -- message recording ---------------------------------------------------------------------------
    def _hook(self, direction: str, msg: dict[str, Any]) -> None:
        if direction == "sent":
            if "method" in msg and "id" in msg:
                self.methods[msg["id"]] = msg["method"]
                self.check_of[msg["id"]] = self.current
            return
        if direction == "unreadable":  # the call that read it failed too; the envelope names the line's defect
            _note(self.envelope_errors, [f"ligne qui n'est pas du JSON-RPC : {msg.get('reason')}"])
            return
        self.received += 1
        _note(self.envelope_errors, schema_check(msg, "message", "message"))
        if msg.get("method") == "trace":
            _note(self.trace_errors, schema_check(msg.get("params"), "trace.params", "trace.params"))
            return
        if "method" in msg:
            name = str(msg["method"])
            if "id" not in msg:  # the client drops it unread: the protocol has no notification but trace
                _note(self.unknown_notifications, [J.shown_json(msg["method"], 40)])
            elif name in ("card.atr", "card.transmit"):
                _note(self.violations, schema_check(msg.get("params"), f"{name}.params", f"{name}.params"))
            return
        method = self.methods.get(msg.get("id"), "")
        if self.check_of.get(msg.get("id"), self.current) != self.current:
            return  # a second answer to an earlier check's request: a stray, blamed on that check as such
        if "result" in msg and method in J.ENGINE_METHODS + J.CONTROL_METHODS:
            _note(self.violations, schema_check(msg["result"], f"{method}.result"))
        err = msg.get("error")
        if isinstance(err, dict):
            if err.get("code") == J.REFUSAL:
                _note(self.violations, schema_check(err.get("data"), "refusal.data", "error.data"))
            elif err.get("code") == J.CARD_ERROR:
                _note(self.violations, schema_check(err.get("data"), "card-error.data", "error.data"))

    def _lifecycle(self, kind: str, details: dict[str, Any]) -> None:
        """What the engine wrote after an answer is the fault of the check that asked, even when it is read
        only at the next check's first call (the engine then restarts for it)."""
        if kind == "engine-stray-output":
            check_id = self.check_of.get(details.get("request"), self.current)
            self._blame(check_id, _engine_words(f"protocole : {details.get('message')}"))

    def _blame(self, check_id: str, detail: str) -> None:
        """Fail the check that asked (its result is in: the one running raises the fault itself)."""
        for r in self.report.results:
            if r.id == check_id and not r.bench_error:
                alone = r.ok or r.not_run  # a check not run still asked describe: its fault is the only one
                r.detail = detail if alone else f"{r.detail} ; {detail}"
                r.ok = r.warning = r.not_run = False
                return

    # -- running checks ------------------------------------------------------------------------------
    def run(self, check_id: str, label: str, body: Callable[[], str | None]) -> None:
        """Run one check as the runner runs a case: no restart inside it, and what the engine wrote after its
        last answer charged to it; a check after one that stopped the engine starts a fresh one."""
        if self.unstarted:  # the list prints whole: each check said not run, the engine asked nothing
            self.report.results.append(CheckResult(check_id, label, False, self.unstarted, not_run=True))
            return
        self.violations = []
        self._watch(self.last)  # stopped between two checks: after the last one
        self.current = check_id
        self.engine.begin_case()
        interrupted = False
        try:
            self._run(check_id, label, body)
        except BaseException:  # ^C or SIGTERM: nothing more is asked of the engine (run_checks stops it)
            interrupted = True
            raise
        finally:
            self._end(check_id, interrupted)
            self._watch(check_id)
            self.last = check_id

    def _end(self, check_id: str, interrupted: bool) -> None:
        """The check's end. Stray output: the event blames the check that asked (_lifecycle). The closing
        ``describe`` is a call of the check: unanswered in time it fails the check and ``delais``, the engine
        dying on it fails the check."""
        try:
            self.engine.end_case(settle=not interrupted)
        except EngineTimeout as exc:
            self.timeouts.append(check_id)
            self._blame(check_id, _engine_words(f"délai dépassé : {exc}"))  # it quotes a line begun
        except EngineCrash as exc:
            self._blame(check_id, _engine_words(str(exc)))

    def _watch(self, check_id: str) -> None:
        """Note ``check_id`` as the one after which the engine stopped, when it was up and is no longer."""
        running = self.engine.running
        if self._alive and not running:
            self.stopped_after = check_id
        self._alive = running

    def _run(self, check_id: str, label: str, body: Callable[[], str | None]) -> None:
        try:
            note = body()
        except _NotRun as exc:  # it asked the engine nothing: an earlier check already failed that answer
            self.report.results.append(CheckResult(check_id, label, False, str(exc), not_run=True))
        except _Failed as exc:
            self._add(check_id, label, False, str(exc))
        except EngineTimeout as exc:
            self.timeouts.append(check_id)
            self._add(check_id, label, False, _engine_words(f"délai dépassé : {exc}"))  # it quotes a line begun
        except EngineCrash as exc:  # its words say how it stopped (« secure_invoice : le moteur s'est arrêté »)
            self._add(check_id, label, False, _engine_words(str(exc)))
        except EngineUnavailable as exc:
            self._add(check_id, label, False, _engine_words(f"redémarrage impossible : {exc}"))
        except EngineProtocolError as exc:
            self._add(check_id, label, False, _engine_words(f"protocole : {exc}"))
        except EngineRefusal as exc:
            self._add(check_id, label, False, f"refus inattendu {exc.code} : {_engine_words(exc.message)}")
        except (EngineError, CardError) as exc:
            self._add(check_id, label, False, _engine_words(str(exc)))
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
                self.report.results.append(
                    CheckResult(check_id, label, True, note or "", warning=isinstance(note, _Warning))
                )

    def _schema(self) -> str:
        """The check's schema violations, the first four, as its detail ("" when there are none)."""
        return violations(self.violations) if self.violations else ""

    def _add(self, check_id: str, label: str, ok: bool, detail: str) -> None:
        self.report.results.append(CheckResult(check_id, label, ok, detail))


class _Failed(Exception):
    pass


class _NotRun(Exception):
    """A check that cannot run: it needs an answer an earlier check failed (never a second failure)."""


def _needs(condition: bool, reason: str) -> None:
    if not condition:
        raise _NotRun(reason)


class _Warning(str):
    """A passing check's note with a warning (status ATTENTION): what it proves falls short of a casebook's needs."""


def _note(found: list[str], errors: list[str]) -> None:
    """Add each violation once: the same fault on every message reads once."""
    found.extend(e for e in errors if e not in found)


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise _Failed(message)


def run_checks(
    command: list[str], timeout: float = 5.0, start_timeout: float | None = None, cards: dict[str, Any] | None = None
) -> Report:
    """Every check on the engine ``command`` starts, the engine (and every process it started) stopped whatever
    happens: interrupted (^C, or a CI's SIGTERM that ``engine check`` raises as ^C), at once, asked nothing."""
    c = _Checker(command, timeout, start_timeout, cards)
    try:
        _run_checks(c, timeout)
    except BaseException:
        c.engine.kill()
        raise
    finally:
        c.engine.close()
    return c.report


#: the checks' sentences that name another check by its id (stable, docs/engine-protocol.md): the id is a part,
#: said as an id in English and never translated (testbench.i18n reads it back as recorded)
NOT_STARTED = _t("le moteur n'a pas démarré (vérification {check})")
RESTARTED = _t("{reason} ; relancé, il sert les vérifications suivantes")
REDONE = _t("{detail} (refait sur le moteur redémarré après la vérification {check})")
NO_LOT = _t("pas de lot dont lire les retours (la vérification {check} n'en a obtenu aucun)")


def _started(c: _Checker) -> tuple[bool, str]:
    """The ``demarrage`` check: whether the engine started and answered ``initialize``, and the detail. An engine
    that did not start leaves every other check not run (``c.unstarted``): the list still prints whole."""
    eng = c.engine
    try:
        info = eng.describe()
    except EngineError as exc:
        c.report.unavailable = not_launched(exc)  # an engine that ran and answered wrongly is NON CONFORME
        c.unstarted = NOT_STARTED.format(check="demarrage")
        return False, _engine_words(str(exc))
    failed_start = eng.take_start_fault()  # it started, but only at the second try: this check's fault alone
    if failed_start is not None:
        return False, _engine_words(RESTARTED.format(reason=failed_start))
    if c.violations:  # an initialize outside its schema: run would not start it, nothing else is asked
        c.unstarted = NOT_STARTED.format(check="demarrage")
        return False, c._schema()
    return True, f"{info.name} {info.version}"


def _run_checks(c: _Checker, timeout: float) -> Report:
    eng = c.engine
    state: dict[str, Any] = {}

    c._add("demarrage", "le moteur démarre et répond à initialize", *_started(c))

    def describe() -> str:
        value = eng.call("describe", {})
        caps = value.get("capabilities") if isinstance(value, dict) else None
        if isinstance(caps, list):
            missing = [m for m in J.ENGINE_METHODS if m != "describe" and m not in caps]
            _expect(not missing, f"capacités absentes : {', '.join(missing)}")
        return f"{len(caps or [])} capacités"

    c.run("describe", "describe rend la description du moteur", describe)

    def here() -> tuple[int, int | None] | None:
        """The engine process the next call talks to (None: a fresh one starts, which knows nothing yet)."""
        return (eng.restarts, eng.pid) if eng.running else None

    def nominal() -> str:
        state.update(invoice=None, process=None, secured=False, lot=None)
        res = eng.create_invoice(sample_request("CHECK-1"))
        state.update(process=here())
        if c.violations:
            return ""  # the run reports them; the checks that would use this answer do not run
        state.update(invoice=res)
        problems = invoice_invariants(res)
        _expect(not problems, "; ".join(problems[:3]))
        differences = _e1_differences(res)
        _expect(not differences, f"montants de l'exemple E1 (reçu ≠ attendu) : {', '.join(differences)}")
        totals = res.get("totals", {})
        base, amo, patient = (fmt.money(str(totals.get(k)), "fr") for k in ("base", "amo", "patient"))
        return f"base {base}, part AMO {amo}, part patient {patient}"  # money, read back in English (i18n._AS_RECORDED)

    c.run("facture", "create_invoice (exemple E1) : forme, arithmétique et montants", nominal)

    def fse() -> str:
        _needs(isinstance(state.get("invoice"), dict), "pas de FSE à vérifier (create_invoice a échoué)")
        text = state["invoice"].get("fse")
        _expect(isinstance(text, str) and bool(text), "pas de FSE dans la réponse")
        problem = documents.fse_problem(text)  # what run reads of every FSE, the same words
        _expect(problem is None, problem or "")
        root = documents.fse_root(text)
        if root.tag == documents.FSE_ROOT:
            return "FSE conforme au XSD testbench"
        return f"FSE XML bien formée (élément {fmt.shown(root.tag, 80)}, XSD non applicable)"

    c.run("fse", "la FSE est du XML bien formé (et conforme à notre XSD si c'est notre format)", fse)

    def determinism() -> str:
        amc = {"contract": "tm+depassement", "cap": "10.00"}
        line = dict(sample_request("x")["lines"][0], unit_price="16.00", plv="18.00")  # a dépassement of 2.00 a week
        first = eng.create_invoice(sample_request("CHECK-2", amc=amc, tiers_payant="amo+amc", lines=[line]))
        second = eng.create_invoice(sample_request("CHECK-3", amc=amc, tiers_payant="amo+amc", lines=[line]))
        differences = _differences(first, second)
        _expect(
            not differences,
            f"la même requête rend des montants différents (1re → 2e réponse) : {', '.join(differences[:4])}",
        )
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
    unknown_line = dict(sample_request("x")["lines"][0], code="0000000", tariff=None, plv=None)  # in no table
    unknown = sample_request("CHECK-U", lines=[unknown_line])
    c.run("refus-code", "code LPP inconnu → refus typé, code stable", refusal("refus-code", unknown))

    def rebuilt() -> bool:
        """What the earlier checks built (E1's invoice, secured, in a lot), on the process this check talks to:
        theirs, or made again as far as they got on the engine restarted since, which knows nothing of it."""
        if state.get("process") is not None and state["process"] == here():
            return False
        found = list(c.violations)  # the answers made again were judged by their own checks: not this one's
        secured, lot = state.get("secured"), state.get("lot")
        state.update(invoice=eng.create_invoice(sample_request(f"CHECK-1-{eng.restarts + 1}")), secured=False)
        state.update(process=here(), lot=None)
        invoice_id = state["invoice"].get("invoice_id") if isinstance(state["invoice"], dict) else None
        _expect(
            invoice_id is not None and c.violations == found, "pas de facture à sécuriser (create_invoice a échoué)"
        )
        if secured:
            eng.secure_invoice({"invoice_id": invoice_id})
            state["secured"] = True
        if lot is not None:
            state["lot"] = eng.build_lot({"invoice_ids": [invoice_id]})
        _expect(c.violations == found, "les réponses refaites sur le moteur redémarré ne sont pas conformes")
        return True

    def again(detail: str, was_rebuilt: bool) -> str:
        if not was_rebuilt:
            return detail
        return REDONE.format(detail=detail, check=c.stopped_after or "demarrage")

    def secure() -> str:
        _needs("invoice_id" in (state.get("invoice") or {}), "pas de facture à sécuriser (create_invoice a échoué)")
        was_rebuilt = rebuilt()
        res = eng.secure_invoice({"invoice_id": state["invoice"]["invoice_id"]})
        state["secured"] = not c.violations  # an answer outside the schema: no lot is built on it
        return again(f"statut {res.get('status')}", was_rebuilt)

    c.run("securisation", "secure_invoice rend une facture sécurisée", secure)

    def lot() -> str:
        _needs("invoice_id" in (state.get("invoice") or {}), "pas de facture à mettre en lot (create_invoice a échoué)")
        _needs(bool(state.get("secured")), "pas de facture sécurisée à mettre en lot (secure_invoice a échoué)")
        was_rebuilt = rebuilt()
        inv = state["invoice"]
        res = eng.build_lot({"invoice_ids": [inv["invoice_id"]]})
        if c.violations:
            return ""  # the run reports them; retours does not use this lot
        state["lot"] = res
        _expect(res.get("invoice_count") == 1, f"invoice_count = {res.get('invoice_count')} au lieu de 1")
        amo = (res.get("totals") or {}).get("amo")
        invoiced = (inv.get("totals") or {}).get("amo")
        _expect(
            amo is None or _amount(amo) == _amount(invoiced),
            f"totals.amo du lot {_shown(amo)} ≠ totals.amo de la facture {_shown(invoiced)}",
        )
        problem = documents.b2_problem(res["b2"])  # what run reads of every lot, the same words
        _expect(problem is None, problem or "")
        return again(f"lot {res.get('number')}", was_rebuilt)

    c.run("lot", "build_lot rend un lot et son fichier", lot)

    def returns() -> str:
        _needs(state.get("lot") is not None, NO_LOT.format(check="lot"))
        was_rebuilt = rebuilt()
        lot_number = state["lot"].get("number")
        seen = []
        for scenario, expected in RETURN_STATUS.items():
            res = eng.read_returns({"scenario": scenario, "code": None, "lot_number": lot_number})
            status = J.shown_json(res.get("status"), 60)
            _expect(res.get("status") == expected, f"{scenario} : statut {status} au lieu de {expected}")
            seen.append(f"{scenario}={res.get('status')}")
        return again(", ".join(seen), was_rebuilt)

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
        reads = f"vitale : {notes['vitale']}, cps : {notes['cps']}"  # one sentence, read back in English whole
        if all(note == "lue" for note in notes.values()):
            return reads
        # typed errors conform, but a casebook's cases read both cards through the engine
        mode = str((eng.cards or {}).get("mode", "client"))
        return _Warning(
            f"lecture de carte en mode {mode} non vérifiée, indispensable aux cahiers de cas (leurs cas seraient"
            f" non concluants) : {reads}"
        )

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

    def live_pid() -> int | None:
        """The pid of the process this check talks to: a fresh one when an earlier check stopped the engine."""
        if not eng.running:
            eng.call("describe", {})
        return eng.pid

    def invalid_params() -> str:
        pid = live_pid()
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
        pid = live_pid()
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
        if c.unknown_notifications:  # JSON-RPC allows them, the protocol names none but trace: the bench drops them
            unknown = ", ".join(c.unknown_notifications[:3])
            return _Warning(
                f"{c.received} messages reçus conformes, dont des notifications inconnues du protocole, ignorées par"
                f" le banc (seule trace est prévue) : {unknown}"
            )
        return f"{c.received} messages reçus conformes"

    c.run("enveloppe", "chaque message reçu est du JSON-RPC 2.0 conforme", envelope)

    def traces() -> str:
        _expect(not c.trace_errors, violations(c.trace_errors, 3))
        return tn("{count} ligne de trace", "{count} lignes de trace", len(c.traces), "fr")  # « 0 ligne »

    c.run("traces", "notifications de trace conformes", traces)

    def delays() -> str:
        limit = fmt.seconds(timeout, "fr")  # recorded French, read back in English (i18n._AS_RECORDED)
        _expect(not c.timeouts, f"délai de {limit} s dépassé : {', '.join(c.timeouts)}")
        return f"tous les appels sous {limit} s"

    c.run("delais", "chaque appel répond dans le délai", delays)

    def shutdown() -> str:
        if eng._proc is None:
            eng.call("describe", {})
        proc = eng._proc
        _expect(proc is not None, "moteur non démarré")
        started = time.monotonic()
        forced = eng.shut_down()
        code = proc.popen.returncode  # type: ignore[union-attr]
        _expect(code == 0 and not forced, _ended(code, forced))
        return f"arrêt propre en {fmt.seconds(time.monotonic() - started, 'fr')} s"

    c.run("arret", "shutdown arrête le moteur proprement (code 0)", shutdown)
    eng.close()
    return c.report


def _ended(code: int | None, forced: bool) -> str:
    """How the engine ended after ``shutdown``, when not by itself with code 0: killed by the bench after its
    grace period, or its own exit code, or a signal that was not the bench's (POSIX: a negative return code,
    said as « tué par le signal 11 (SIGSEGV) » as everywhere in the bench, never « code -11 »)."""
    number, name = (-code, _signal_name(-code)) if code is not None and code < 0 else (None, None)
    if forced:
        grace = fmt.seconds(REAP_TIMEOUT, "fr")  # recorded French, read back in English (i18n._AS_RECORDED)
        if number is None:  # Windows (taskkill), or not reaped yet: no signal to name
            return f"le moteur tournait encore {grace} s après shutdown : arrêt forcé par le banc"
        if name:
            return f"le moteur tournait encore {grace} s après shutdown : arrêt forcé par le banc, tué par le signal {number} ({name})"  # noqa: E501
        return f"le moteur tournait encore {grace} s après shutdown : arrêt forcé par le banc, tué par le signal {number}"  # noqa: E501
    if number is not None:
        if name:
            return f"après shutdown, le moteur a été tué par le signal {number} ({name}), pas par le banc"
        return f"après shutdown, le moteur a été tué par le signal {number}, pas par le banc"
    return f"le moteur s'est arrêté de lui-même après shutdown, avec le code {code} au lieu de 0"


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
