"""The FSE-like XML record of an invoice, and its validation against our XSD (data/fse.xsd).

Our own format (docs/reference-engine.md, « Outputs »): the real FSE groups are not public. The element
``fse`` carries ``certifie="non"`` so nobody mistakes it for a real FSE.
"""

from __future__ import annotations

import re
from importlib import resources

from lxml import etree

from testbench.casebook.source import has_doctype
from testbench.engines.reference.money import fmt
from testbench.engines.reference.psad import prestation_code
from testbench.engines.reference.split import InvoiceComputation, LineResult
from testbench.xmlsafe import from_bytes

FSE_NS = "urn:testbench:fse:1"
#: An FSE with a DOCTYPE: refused as a casebook's is (no DTD, no entity is read)
FSE_DOCTYPE = "déclaration DOCTYPE refusée : une FSE ne doit contenir ni DTD ni entités"

_SCHEMA: etree.XMLSchema | None = None


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_NEEDS_ESCAPE = re.compile('[&<>"]').search


def _esc(value: str) -> str:
    return value.translate(_ESCAPES) if _NEEDS_ESCAPE(value) else value


def _el(tag: str, attrs: dict[str, str | None], children: str | None = None) -> str:
    """One element as text: string building is ~4x faster than lxml for this flat record."""
    body = "".join(f' {k}="{_esc(v)}"' for k, v in attrs.items() if v is not None)
    return f"<{tag}{body}/>" if children is None else f"<{tag}{body}>{children}</{tag}>"


def build_fse(comp: InvoiceComputation, number: str, rpps: str | None = None) -> str:
    req = comp.request
    tp = comp.tiers_payant_dict()
    parts = [
        _el(
            "facture",
            {
                "numero": number,
                "reference": req.invoice_ref,
                "dateSoins": req.care_date.isoformat(),
                "mode": req.mode,
                "natureAssurance": comp.nature_assurance,
                "exoneration": comp.exo_invoice,
                "tiersPayant": comp.tiers_payant,
                "destinataireReglement": tp["drg"],
                "arrondi": req.rounding,
                "dateFacturation": req.billed_on.isoformat(),
                "numeroAT": req.at_number,
                "dateAT": req.at_date.isoformat() if req.at_date else None,
                "accordPrealable": req.accord_prealable,
            },
        ),
        _el("ps", {"categorie": req.ps_category, "rpps": rpps}),
    ]
    ben = req.beneficiary
    parts.append(
        _el(
            "beneficiaire",
            {
                "nir": ben.nir,
                "rang": str(ben.rank),
                "regime": ben.regime,
                "dateNaissance": ben.birth_date.isoformat() if ben.birth_date else None,
            },
        )
    )
    if req.prescription and req.prescribed:
        p = req.prescribed
        parts.append(
            _el(
                "prescription",
                {
                    "prescripteur": p.prescriber,
                    "date": p.date.isoformat() if p.date else None,
                    "origine": _opt(req.prescription.get("origin")),
                    "numero": p.number,
                    "idEPrescription": p.eprescription_id,
                },
            )
        )
    if comp.amc_payer:
        amc = req.amc
        routing = comp.amc_dict()
        parts.append(
            _el(
                "amc",
                {
                    "payeur": comp.amc_payer,
                    "contrat": amc.contract if amc else None,
                    "plafond": fmt(amc.cap) if amc and amc.cap is not None else None,
                    "type": routing["type"] or None,
                    "numero": routing["number"] or None,
                    "typeContrat": routing["contract_type"] or None,
                    "flux": routing["flow"] or None,
                    "topEclatement": routing["top_eclatement"] or None,
                },
            )
        )
    lines = []
    for i, r in enumerate(comp.lines, 1):
        d = r._as_dict  # amounts, dates and rates are digits: only free text needs escaping
        lines.append(
            f'<ligne numero="{i}" nomenclature="{d["nomenclature"]}" code="{_esc(d["code"])}"'
            f' prestation="{_esc(r.prestation)}" date="{d["date"]}" quantite="{d["quantity"]}"'
            f' coefficient="{d["coefficient"]}" tarif="{d["tariff"]}" prixUnitaire="{d["unit_price"]}"'
            f' facture="{d["billed"]}" base="{d["base"]}" taux="{d["rate"]}" amo="{d["amo"]}"'
            f' amoRegimeLocal="{d["amo_regime_local"]}" tm="{d["tm"]}" amc="{d["amc"]}"'
            f' depassement="{d["depassement"]}" patient="{d["patient"]}" etat="{d["state"]}" exo="{_esc(d["exo"])}"'
            f' regle="{d["rule"]}"{_qualificatif(r)}{_line_details(r)}/>'
        )
    parts.append("<lignes>" + "".join(lines) + "</lignes>")
    t = comp._totals_dict
    parts.append(
        f'<totaux facture="{t["billed"]}" base="{t["base"]}" amo="{t["amo"]}" amc="{t["amc"]}"'
        f' patient="{t["patient"]}" depassement="{t["depassement"]}" tm="{t["tm"]}" etat="{t["state"]}"/>'
    )
    w = comp.withholdings
    parts.append(
        f'<retenues participationForfaitaire="{fmt(w["participation_forfaitaire"])}"'
        f' franchise="{fmt(w["franchise"])}"/>'
    )
    if comp.warnings:  # a tariff its sources do not vouch for at that date: the FSE says so
        notes = "".join(
            f'<avertissement ligne="{w["line"]}" code="{w["code"]}">{_esc(w["message"])}</avertissement>'
            for w in comp.warnings  # line numbers and codes are ours: only the message needs escaping
        )
        parts.append(f"<avertissements>{notes}</avertissements>")
    return f'<fse xmlns="{FSE_NS}" version="1" certifie="non">' + "".join(parts) + "</fse>"


def _qualificatif(r: LineResult) -> str:
    """AME care is billed with the qualificatif de la dépense "N" (billing-rules §3, RG_VF650)."""
    return ' qualificatif="N"' if r.decision.rule == "ame" else ""


def _line_details(r: LineResult) -> str:
    """The PSAD/MAD and NGAP details a line may carry (docs/reference-engine.md, « Outputs »)."""
    line = r.line
    if not line.details:
        kind = prestation_code(r.prestation_type)
        return f' typePrestation="{kind}"' if kind else ""
    attrs = {
        "typePrestation": prestation_code(r.prestation_type) or None,
        "debutLocation": line.extra.rental_start.isoformat() if line.extra.rental_start else None,
        "finLocation": line.extra.rental_end.isoformat() if line.extra.rental_end else None,
        "codeLocation": line.extra.rental_code,
        "siret": line.extra.supplier_siret,
        "lppr": line.extra.lppr,
        "prescripteur": line.extra.prescriber,
        "accordPrealable": "oui" if line.extra.accord_prealable else None,
        "zone": line.extra.travel,
        "dom": "oui" if line.extra.dom else None,
    }
    return "".join(f' {k}="{_esc(v)}"' for k, v in attrs.items() if v)


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def fse_schema() -> etree.XMLSchema:
    global _SCHEMA
    if _SCHEMA is None:
        data = resources.files("testbench.engines.reference").joinpath("data/fse.xsd").read_bytes()
        _SCHEMA = etree.XMLSchema(from_bytes(data))
    return _SCHEMA


def validate_fse(xml_text: str) -> list[str]:
    """Return the schema violations of an FSE-like document (empty when valid)."""
    try:
        doc = from_bytes(xml_text.encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        return [f"XML mal formé : {exc}"]
    if has_doctype(doc):  # an entity reference left in the tree stops libxml2's schema check (« Internal error »)
        return [FSE_DOCTYPE]
    schema = fse_schema()
    if schema.validate(doc):
        return []
    return [f"ligne {e.line} : {e.message}" for e in schema.error_log]
