"""``ReferenceEngine``: the in-process reference billing core behind the :class:`Engine` protocol.

Cards are read through the :class:`CardChannel` given at construction, with the card layer's
public read sequences. Invoices, securing, lots and returns are kept in memory for the engine's
lifetime (a restarted engine forgets them, like a fresh workstation).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from testbench import __version__
from testbench.cards.api import CardAbsent, CardChannel, CardError
from testbench.domain.organisme import organisme_of
from testbench.domain.vocabulary import ENGINE_CALLS
from testbench.engines.api import EngineInfo, JsonObject, TraceSink
from testbench.engines.reference import refusals as R
from testbench.engines.reference.fse import build_fse
from testbench.engines.reference.model import Beneficiary, InvoiceRequest, parse_coverage, parse_invoice_request
from testbench.engines.reference.money import CENT, ZERO, AmountError, fmt, parse_decimal
from testbench.engines.reference.split import InvoiceComputation, compute_invoice
from testbench.engines.reference.tables import Tables, load_bundled_tables
from testbench.engines.reference.teleservices import TeleserviceCalls
from testbench.engines.reference.trace import EngineTracer, utc_now

ENGINE_NAME = "testbench-reference"


@dataclass
class _Invoice:
    """An invoice the engine created, kept for securing and lotting."""

    invoice_id: str
    number: str
    computation: InvoiceComputation
    fse: str
    secured: bool = False
    lot: int | None = None
    vitale_nir: str | None = None  # sécurisé: beneficiary 1's NIR on the Vitale card read for it
    organisme: tuple[str, str, str] = ("", "", "")  # organisme destinataire: régime, caisse, centre


@dataclass
class _Lot:
    """A lot the engine built and the invoices in it."""

    number: int
    invoice_ids: list[str]


def _card_function(name: str) -> Callable[[CardChannel, str], Any]:
    """The card layer's read sequence ``name`` (``read_vitale``/``read_cps``), imported lazily."""
    try:
        import testbench.cards as cards

        func = getattr(cards, name, None)
        if func is None:
            from testbench.cards import read as cards_read

            func = getattr(cards_read, name)
        return func
    except (ImportError, AttributeError) as exc:
        reason = "module de lecture des cartes absent"  # Python's own words go to the details, for a developer
        raise R.refuse(R.NO_CARD, f"lecture de carte indisponible ({reason})", error=str(exc)) from exc


#: The card a read asks for (``read_cps``, ``read_vitale``) in words: « carte CPS », « carte Vitale »
_CARD_WORDS = {"cps": "CPS", "vitale": "Vitale"}


def _due_from_caisse(comp: InvoiceComputation) -> Decimal:
    """What the caisse pays for an invoice under tiers payant: the AMO part and, for AME, the State's part."""
    return ZERO if comp.tiers_payant == "none" else comp.totals["amo"] + comp.totals["state"]


def _partial_paid(raw: Any, due: Decimal) -> Decimal:
    """What an ``rsp-partial`` return pays for the lot: an amount from 0 to below what the AMO owes."""
    try:
        paid = parse_decimal(raw)
    except AmountError:
        raise R.refuse(R.INVALID_REQUEST, "rsp-partial : montant payé (paid) attendu, par exemple « 20.00 »") from None
    if paid < 0 or paid >= due or paid != paid.quantize(CENT):
        raise R.refuse(
            R.INVALID_REQUEST,
            f"rsp-partial : le montant payé {R.euros(paid)} doit être en euros au centime près, de zéro à moins de"
            f" {R.euros(due)} (dû)",
            paid=str(paid),
            due=fmt(due),
        )
    return paid


def _organisme(ben: Beneficiary, card: JsonObject | None) -> tuple[str, str, str]:
    """The organisme destinataire of an invoice: régime, caisse and centre from the request, else the caisse
    and centre of the Vitale card read for it; "" where neither says (its lot is refused: ORGANISME_UNKNOWN)."""
    read = organisme_of((card or {}).get("rights") or {})
    return ben.regime, ben.caisse or read.get("caisse", ""), ben.centre or read.get("centre", "")


def _prescription_of(req: InvoiceRequest) -> JsonObject | None:
    """The prescription the invoice names, as its FSE carries it (``invoice.prescription``: the bench compares
    it with an e-prescription read in the case); None for an invoice without one."""
    p = req.prescribed
    if p is None or not (p.prescriber or p.date or p.number or p.eprescription_id):
        return None
    return {
        "prescriber": p.prescriber,
        "date": p.date.isoformat() if p.date else None,
        "number": p.number,
        "eprescription_id": p.eprescription_id,
    }


class ReferenceEngine(TeleserviceCalls):
    """The reference engine; ``tables`` defaults to the bundled tables. Its téléservice calls (ApCV, INSi,
    e-prescription, ADRi with a ``service_url``) are in :mod:`.teleservices`."""

    def __init__(
        self,
        channel: CardChannel | None = None,
        tables: Tables | None = None,
        trace: TraceSink | None = None,
        *,
        emitter: str = "TESTBENCH",
        today: Callable[[], date] = date.today,
        clock: Callable[[], datetime] = utc_now,
        adri: dict[str, JsonObject] | None = None,
    ) -> None:
        self.channel = channel
        self.tables = tables or load_bundled_tables()
        self.trace = EngineTracer(trace, clock)
        self.emitter = emitter
        self.today = today
        self.adri = dict(adri or {})
        self._invoices: dict[str, _Invoice] = {}
        self._refs: set[str] = set()
        self._lots: dict[int, _Lot] = {}
        self._next_invoice = 1
        self._next_lot = 1
        self._last_vitale: JsonObject | None = None
        self._secure_card: JsonObject | None = None  # the Vitale read a sécurisé invoice is secured with
        self._init_teleservices()

    # -- identity ---------------------------------------------------------------------------
    def describe(self) -> EngineInfo:
        return EngineInfo(
            name=ENGINE_NAME,
            version=__version__,
            agrement="",
            socle_version="reference (non certifié)",
            capabilities=ENGINE_CALLS,
        )

    # -- cards ------------------------------------------------------------------------------
    def _read_card(self, kind: str, slot: str) -> JsonObject:
        if self.channel is None:
            raise R.refuse(R.NO_CARD, "aucun lecteur de cartes n'est relié au moteur", slot=slot)
        func = _card_function(f"read_{kind}")
        self.trace(f"read_{kind} slot={slot}")
        try:
            data = func(self.channel, slot).as_dict()
        except CardAbsent as exc:
            self.trace(f"read_{kind} slot={slot} refus NO_CARD: {exc}", "WARN")
            raise R.refuse(R.NO_CARD, f"aucune carte dans le lecteur {slot}", slot=slot) from exc
        except CardError as exc:
            self.trace(f"read_{kind} slot={slot} échec: {exc}", "ERROR")
            raise
        return data

    def _test_card_only(self, kind: str, data: JsonObject) -> None:
        """The reference engine is a test engine: a card of nature R (réelle) is refused, never billed."""
        if str(data.get("nature", "")).upper() == "R":
            self.trace(f"read_{kind} refus CARD_NOT_TEST nature=R")
            card = _CARD_WORDS.get(kind, kind)
            raise R.refuse(R.CARD_NOT_TEST, f"carte {card} de nature réelle : seules les cartes de test sont acceptées")

    def read_cps(self, slot: str) -> JsonObject:
        data = self._read_card("cps", slot)
        self._test_card_only("cps", data)
        self.trace(f"read_cps ok rpps={data.get('rpps', '')} type={data.get('card_type', '')}")
        return data

    def read_vitale(self, slot: str) -> JsonObject:
        data = self._read_card("vitale", slot)
        self._test_card_only("vitale", data)
        self._last_vitale = self._secure_card = data
        self.trace(f"read_vitale ok beneficiaires={len(data.get('beneficiaries', []))}")
        return data

    # -- ADRi -------------------------------------------------------------------------------
    def adri_query(self, request: JsonObject) -> JsonObject:
        """Simulated ADRi: the registry given at construction, else the last Vitale read, else the
        request's own coverage (source says which)."""
        ben = request.get("beneficiary") if isinstance(request, dict) else None
        if not isinstance(ben, dict) or not ben.get("nir"):
            raise R.refuse(R.ADRI_UNKNOWN_BENEFICIARY, "ADRi : NIR absent de la requête")
        nir = str(ben["nir"])
        rank = int(ben.get("rank") or 1)
        if request.get("service_url"):  # the téléservice itself (the bench's simulator or another server)
            care = request.get("care_date")
            when = care if isinstance(care, str) and care else self.today().isoformat()
            return self._adri_remote(request, nir, rank, when)
        coverage, source = self._adri_coverage(nir, rank, ben)
        if coverage is None:
            raise R.refuse(R.ADRI_UNKNOWN_BENEFICIARY, "ADRi : bénéficiaire inconnu", nir_suffix=nir[-4:])
        parsed = parse_coverage(coverage, "coverage")
        when_raw = request.get("care_date")
        when = date.fromisoformat(when_raw) if isinstance(when_raw, str) and when_raw else self.today()
        open_ = not (
            (parsed.rights_start and when < parsed.rights_start) or (parsed.rights_end and when > parsed.rights_end)
        )
        self.trace(f"adri_query rang={rank} source={source} droits={'ouverts' if open_ else 'fermes'}")
        return {
            "nir": nir,
            "rank": rank,
            "regime": str(ben.get("regime") or "01"),
            "coverage": coverage,
            "rights_open": open_,
            "date": when.isoformat(),
            "source": source,
        }

    def _adri_coverage(self, nir: str, rank: int, ben: JsonObject) -> tuple[JsonObject | None, str]:
        if nir in self.adri:
            return dict(self.adri[nir]), "registre-adri"
        if self._last_vitale:
            for item in self._last_vitale.get("beneficiaries", []):
                if item.get("nir") == nir or (self._last_vitale.get("nir") == nir and item.get("rank") == rank):
                    return dict(item.get("coverage") or {}), "carte-vitale"
        if isinstance(ben.get("coverage"), dict):
            return dict(ben["coverage"]), "requete"
        return None, ""

    # -- invoices ---------------------------------------------------------------------------
    def create_invoice(self, request: JsonObject) -> JsonObject:
        try:
            req = parse_invoice_request(self._carry_eprescription(request))
            if req.invoice_ref in self._refs:
                raise R.refuse(R.DUPLICATE_INVOICE, f"facture {req.invoice_ref} déjà créée (doublon de FSE)")
            comp = compute_invoice(req, self.tables)
        except Exception as exc:
            code = getattr(exc, "code", None)
            if code:
                self.trace(f"create_invoice refus {code}: {getattr(exc, 'message', '')}", "WARN")
            raise
        number = f"{self._next_invoice:09d}"
        self._next_invoice += 1
        invoice_id = f"INV-{number}"
        fse = build_fse(comp, number)
        card = self._card_read_for(req.mode, req.beneficiary.nir)
        card_nir = (str(card["beneficiaries"][0].get("nir") or "") or None) if card else None  # secured with it
        self._invoices[invoice_id] = _Invoice(
            invoice_id, number, comp, fse, vitale_nir=card_nir, organisme=_organisme(req.beneficiary, card)
        )
        self._refs.add(req.invoice_ref)
        t = comp.totals_dict()
        if self.trace.sink is not None:
            for i, r in enumerate(comp.lines, 1):
                d = r.as_dict()
                self.trace(
                    f"ligne {i} {d['nomenclature']} {d['code']} qte={d['quantity']} coef={d['coefficient']} "
                    f"base={d['base']} taux={d['rate']} amo={d['amo']} amc={d['amc']} exo={d['exo']} regle={d['rule']}"
                )
            for warning in comp.warnings:
                self.trace(f"create_invoice avertissement {warning['code']}: {warning['message']}", "WARN")
        self.trace(
            f"create_invoice ref={req.invoice_ref} numero={number} lignes={len(comp.lines)} "
            f"nature={comp.nature_assurance} base={t['base']} amo={t['amo']} amc={t['amc']} patient={t['patient']}"
        )
        return {
            "invoice_id": invoice_id,
            "number": number,
            "nature_assurance": comp.nature_assurance,
            "exo": comp.exo_invoice,
            "regime": req.beneficiary.regime,
            "billing_date": req.billed_on.isoformat(),
            "amc": comp.amc_dict(),
            "lines": [r.as_dict() for r in comp.lines],  # copies: callers may mutate results
            "totals": t,
            "withholdings": {k: fmt(v) for k, v in comp.withholdings.items()},
            "tiers_payant": comp.tiers_payant_dict(),
            "amc_payer": comp.amc_payer,
            "warnings": [dict(w) for w in comp.warnings],
            "prescription": _prescription_of(req),
            "adri": self._adri_invoice_mark(
                request.get("adri_reference"),
                req.beneficiary.nir,
                req.beneficiary.rank,
                req.care_date.isoformat(),
                req.tiers_payant,
                req.mode,
            ),
            "fse": fse,
        }

    def _invoice(self, invoice_id: Any) -> _Invoice:
        inv = self._invoices.get(invoice_id) if isinstance(invoice_id, str) else None
        if inv is None:
            raise R.refuse(R.UNKNOWN_INVOICE, f"facture inconnue {invoice_id}", invoice_id=str(invoice_id))
        return inv

    def apcv_context(self, request: JsonObject) -> JsonObject:
        self._secure_card = None  # the app carte Vitale stands for the card: no Vitale card to secure with
        return super().apcv_context(request)

    def _card_read_for(self, mode: str, nir: str | None) -> JsonObject | None:
        """The Vitale card read for a sécurisé invoice of ``nir``, or None (not sécurisé, or no such card)."""
        card = self._secure_card
        if mode != "securise" or not card or not card.get("beneficiaries"):
            return None
        if nir not in {b.get("nir") for b in card["beneficiaries"]} | {card.get("nir")}:
            return None  # the beneficiary is not on the last card read: it came from elsewhere
        return card

    def _same_vitale(self, inv: _Invoice, slot: str = "vitale") -> None:
        """Sécurisé: the invoice is secured with the Vitale card read for it still in its reader (ours,
        docs/cards.md §6.2): none there → NO_CARD; another card → CARD_SWAPPED."""
        if inv.vitale_nir is None or self.channel is None:
            return
        from testbench.cards.read import read_vitale_holder

        try:
            _, _, nir = read_vitale_holder(self.channel, slot)
        except CardAbsent as exc:
            self.trace(f"secure_invoice numero={inv.number} refus NO_CARD", "WARN")
            raise R.refuse(
                R.NO_CARD, f"carte Vitale absente du lecteur {slot} : facture non sécurisée", slot=slot
            ) from exc
        if nir != inv.vitale_nir:
            self.trace(f"secure_invoice numero={inv.number} refus CARD_SWAPPED", "WARN")
            raise R.refuse(
                R.CARD_SWAPPED,
                "la carte Vitale du lecteur n'est plus celle de la facture : facture non sécurisée",
                slot=slot,
            )

    def secure_invoice(self, request: JsonObject) -> JsonObject:
        inv = self._invoice(request.get("invoice_id") if isinstance(request, dict) else None)
        mode = inv.computation.request.mode
        self._same_vitale(inv)
        digest = hashlib.sha256(f"{inv.number}|{mode}|".encode() + inv.fse.encode()).hexdigest()
        inv.secured = True
        self.trace(f"secure_invoice numero={inv.number} mode={mode}")
        return {
            "status": "secured",
            "invoice_id": inv.invoice_id,
            "number": inv.number,
            "mode": mode,
            "signature": {"algorithm": "sha256-simule", "value": digest, "certified": False},
        }

    def build_lot(self, request: JsonObject) -> JsonObject:
        ids = request.get("invoice_ids") if isinstance(request, dict) else None
        if not isinstance(ids, list):
            raise R.refuse(R.INVALID_REQUEST, "invoice_ids : liste attendue")
        if not ids:
            raise R.refuse(R.EMPTY_LOT, "lot sans facture")
        invoices = [self._invoice(i) for i in ids]
        for inv in invoices:
            if not inv.secured:
                raise R.refuse(R.INVOICE_NOT_SECURED, f"facture {inv.number} non sécurisée", invoice_id=inv.invoice_id)
            if inv.lot is not None:
                raise R.refuse(
                    R.INVOICE_ALREADY_IN_LOT, f"facture {inv.number} déjà dans le lot {inv.lot:06d}", lot=inv.lot
                )
        for inv in invoices:  # a lot goes to an organisme: zeros would address it to no caisse
            if not all(inv.organisme):
                raise R.refuse(
                    R.ORGANISME_UNKNOWN,
                    f"facture {inv.number} : organisme destinataire inconnu (régime, caisse et centre : ni la"
                    " demande ni une carte Vitale lue ne les donnent ; en mode dégradé, ceux de l'attestation de"
                    " droits dans beneficiary.caisse et beneficiary.centre)",
                    invoice_id=inv.invoice_id,
                )
        organismes = {inv.organisme for inv in invoices}  # one lot per organisme destinataire
        if len(organismes) > 1:
            named = ", ".join(" ".join(o) for o in sorted(organismes))
            raise R.refuse(R.MIXED_LOT, f"organismes destinataires différents dans un lot : {named}")
        regime, caisse, centre = organismes.pop()
        from testbench.engines.reference.b2 import B2Overflow, LotInvoice, build_lot_file, lot_totals  # not every run

        number = self._next_lot
        members = [LotInvoice(inv.number, inv.computation, inv.organisme) for inv in invoices]
        try:
            text = build_lot_file(number, members, self.emitter, self.today(), (regime, caisse, centre))
        except B2Overflow as exc:  # amounts keyed far too high: refused in words, the invoices stay out of any lot
            raise R.refuse(R.INVALID_REQUEST, exc.sentence(), field=exc.field.name) from None
        self._next_lot += 1
        for inv in invoices:
            inv.lot = number
        self._lots[number] = _Lot(number, [inv.invoice_id for inv in invoices])
        totals = {k: fmt(v) for k, v in lot_totals(members).items()}
        self.trace(
            f"build_lot numero={number:06d} organisme={regime} {caisse} {centre} "
            f"factures={len(invoices)} amo={totals['amo']}"
        )
        return {
            "number": f"{number:06d}",
            "invoice_count": len(invoices),
            "organisme": {"regime": regime, "caisse": caisse, "centre": centre},
            "totals": totals,
            "b2": text,
        }

    def read_returns(self, request: JsonObject) -> JsonObject:
        from testbench.engines.reference.noemie import SCENARIOS, ReturnedInvoice, simulate  # returns: not every run

        scenario = request.get("scenario") if isinstance(request, dict) else None
        if scenario not in SCENARIOS:
            raise R.refuse(R.UNKNOWN_SCENARIO, f"scénario de retour inconnu {scenario}")
        lot = self._find_lot(request.get("lot_number"))
        invoices = [self._invoices[i] for i in lot.invoice_ids]
        returned = [ReturnedInvoice(inv.number, _due_from_caisse(inv.computation)) for inv in invoices]
        code = request.get("code")
        due = sum((inv.amount_due for inv in returned), ZERO)
        paid = _partial_paid(request.get("paid"), due) if scenario == "rsp-partial" else ZERO
        result = simulate(
            scenario, lot.number, returned, code if isinstance(code, str) and code else None, self.today(), paid
        )
        if scenario == "arl-negative":  # the lot was refused unread: its invoices may be sent in a new lot
            for inv in invoices:
                inv.lot = None
        self.trace(f"read_returns lot={lot.number:06d} scenario={scenario} statut={result.status}")
        out = {
            "status": result.status,
            "codes": result.codes,
            "details": result.details,
            "lot_number": f"{lot.number:06d}",
            "noemie": result.text,
        }
        if scenario.startswith("rsp"):  # what the AMO owed for the lot under tiers payant, what it paid
            out.update(due=fmt(due), paid=fmt(result.paid), unpaid=fmt(due - result.paid))
        return out

    def _find_lot(self, raw: Any) -> _Lot:
        if raw is None or raw == "":
            if not self._lots:
                raise R.refuse(R.UNKNOWN_LOT, "aucun lot construit")
            return self._lots[max(self._lots)]
        try:
            return self._lots[int(str(raw))]
        except (KeyError, ValueError):
            raise R.refuse(R.UNKNOWN_LOT, f"lot inconnu {raw}") from None

    def close(self) -> None:
        self._close_teleservices()
        self.trace("close")
