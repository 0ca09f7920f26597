"""The FSE-like XML record of an invoice, and its validation against our XSD (data/fse.xsd).

Our own format (billing-rules.md §12.3 proposal): the real FSE groups are not public. The element
``fse`` carries ``certifie="non"`` so nobody mistakes it for a real FSE.
"""

from __future__ import annotations

from importlib import resources

from lxml import etree

from testbench.engines.reference.money import fmt
from testbench.engines.reference.split import InvoiceComputation

FSE_NS = "urn:testbench:fse:1"
_Q = "{" + FSE_NS + "}"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_SCHEMA: etree.XMLSchema | None = None


def _el(parent: etree._Element, tag: str, attrs: dict[str, str]) -> etree._Element:
    return etree.SubElement(parent, _Q + tag, {k: v for k, v in attrs.items() if v is not None})


def build_fse(comp: InvoiceComputation, number: str, rpps: str | None = None) -> str:
    req = comp.request
    root = etree.Element(_Q + "fse", {"version": "1", "certifie": "non"}, nsmap={None: FSE_NS})
    tp = comp.tiers_payant_dict()
    _el(
        root,
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
        },
    )
    _el(root, "ps", {"categorie": req.ps_category, "rpps": rpps})
    ben = req.beneficiary
    _el(
        root,
        "beneficiaire",
        {
            "nir": ben.nir,
            "rang": str(ben.rank),
            "regime": ben.regime,
            "dateNaissance": ben.birth_date.isoformat() if ben.birth_date else None,
        },
    )
    if req.prescription:
        p = req.prescription
        _el(
            root,
            "prescription",
            {
                "prescripteur": _opt(p.get("prescriber") or p.get("rpps")),
                "date": _opt(p.get("date")),
                "origine": _opt(p.get("origin")),
            },
        )
    if comp.amc_payer:
        amc = req.amc
        _el(
            root,
            "amc",
            {
                "payeur": comp.amc_payer,
                "contrat": amc.contract if amc else None,
                "plafond": fmt(amc.cap) if amc and amc.cap is not None else None,
            },
        )
    lines = _el(root, "lignes", {})
    for i, r in enumerate(comp.lines, 1):
        d = r.as_dict()
        _el(
            lines,
            "ligne",
            {
                "numero": str(i),
                "nomenclature": d["nomenclature"],
                "code": d["code"],
                "prestation": r.prestation,
                "date": d["date"],
                "quantite": d["quantity"],
                "coefficient": d["coefficient"],
                "tarif": d["tariff"],
                "prixUnitaire": d["unit_price"],
                "facture": d["billed"],
                "base": d["base"],
                "taux": d["rate"],
                "amo": d["amo"],
                "amoRegimeLocal": d["amo_regime_local"],
                "tm": d["tm"],
                "amc": d["amc"],
                "depassement": d["depassement"],
                "patient": d["patient"],
                "exo": d["exo"],
                "regle": d["rule"],
            },
        )
    t = comp.totals_dict()
    _el(
        root,
        "totaux",
        {
            "facture": t["billed"],
            "base": t["base"],
            "amo": t["amo"],
            "amc": t["amc"],
            "patient": t["patient"],
            "depassement": t["depassement"],
            "tm": t["tm"],
        },
    )
    w = comp.withholdings
    _el(
        root,
        "retenues",
        {"participationForfaitaire": fmt(w["participation_forfaitaire"]), "franchise": fmt(w["franchise"])},
    )
    return etree.tostring(root, encoding="unicode")


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def fse_schema() -> etree.XMLSchema:
    global _SCHEMA
    if _SCHEMA is None:
        data = resources.files("testbench.engines.reference").joinpath("data/fse.xsd").read_bytes()
        _SCHEMA = etree.XMLSchema(etree.fromstring(data, _PARSER))
    return _SCHEMA


def validate_fse(xml_text: str) -> list[str]:
    """Return the schema violations of an FSE-like document (empty when valid)."""
    try:
        doc = etree.fromstring(xml_text.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as exc:
        return [f"XML mal formé: {exc}"]
    schema = fse_schema()
    if schema.validate(doc):
        return []
    return [f"ligne {e.line}: {e.message}" for e in schema.error_log]
