"""Write the sample exam book of ``testbench import`` in its four forms, from the rows below.

    python casebooks/examples/make_examples.py          # rewrites cahier-exemple.{xlsx,ods,csv,docx} here

The layout imitates a CNDA casebook kept in a spreadsheet (a title row, the plan's identity, one header row,
one row per case, continuation rows for more invoice lines) but it is OURS: the CNDA's real casebooks are not
public. The cases are those of casebooks/demo.xml, so they run on the demo bench. The files are generated so
they are reproducible and reviewable: change the rows here, never the binaries by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHEET = "Cahier de tests"
TITLE = (
    "Exemple — présentation de type cahier de tests CNDA, conçue par testbench (ce n'est PAS un document du CNDA ; "
    "personnes, NIR et RPPS fictifs)"
)
PLAN_ID, DOC_VERSION = "PDT-EXEMPLE-001", "01.00"
HEADERS = (
    "N° cas",
    "Intitulé",
    "Objectif",
    "Domaine",
    "Mode",
    "Exigences",
    "Mots-clés",
    "Cartes",
    "Patient",
    "Prescription",
    "Date des soins",
    "Tiers payant",
    "Contrat AMC",
    "Nomenclature",
    "Code",
    "Qté",
    "Coef.",
    "Prix unitaire",
    "Tarif",
    "PLV",
    "ALD",
    "Exo",
    "Étapes",
    "Résultats attendus",
    "Code refus attendu",
    "Calcul",
    "Verdict",
    "Valeurs observées",
    "Preuve",
)
AMOUNTS = ("Prix unitaire", "Tarif", "PLV")
SECURE = "Lecture CPS\nSaisie du code porteur\nLecture Vitale\nFacturation\nSécurisation"
REFUSED = "Lecture CPS\nSaisie du code porteur\nLecture Vitale\nFacturation"
JAN12 = dt.date(2026, 1, 12)


def _case(**fields: object) -> dict[str, object]:
    return {h: fields.get(h, "") for h in HEADERS}


def _line(**fields: object) -> dict[str, object]:
    """A continuation row: one more invoice line (and its expected values) of the case above."""
    return {h: fields.get(h, "") for h in HEADERS}


def rows() -> list[dict[str, object]]:
    """The cases, one dict per row (header -> value; amounts as numbers, dates as dates)."""
    bed = {"Code": "1241763", "Qté": 4, "Prix unitaire": 14.0, "Tarif": 14.0, "PLV": 14.0}
    lifter = {"Code": "1231782", "Qté": 4, "Prix unitaire": 22.0, "Tarif": 17.53, "PLV": "Sans PLV"}
    psad = "CPS : cps-psad\nVitale : vitale-std"
    return [
        _case(
            **{
                "N° cas": "EX-FSE-001",
                "Intitulé": "Lit médical loué 4 semaines, assuré standard, sans AMC",
                "Objectif": "Part AMO et reste à charge d'une location LPP hebdomadaire.",
                "Domaine": "FSE",
                "Mode": "Sécurisé",
                "Exigences": "RG_VF644 RG_VF670",
                "Mots-clés": "lpp tiers-payant",
                "Cartes": psad,
                "Patient": "p-std",
                "Prescription": "rx-bed",
                "Date des soins": JAN12,
                "Tiers payant": "AMO",
                **bed,
                "Étapes": SECURE,
                "Résultats attendus": "Ligne : base = 56,00 €\nLigne : part AMO = 33,60 €\nPart AMO = 33,60 €\n"
                "Reste à charge = 22,40 €\nDépassement = 0,00 €",
                "Calcul": "BR = 14,00 × 4 = 56,00 (RG_VF644) ; AMO 60 % = 33,60 (RG_VF670) ; patient 22,40.",
            }
        ),
        _case(
            **{
                "N° cas": "EX-FSE-002",
                "Intitulé": "Lit médical, patient en ALD, soins en rapport (exo 4)",
                "Objectif": "Exonération ALD au niveau de la ligne : AMO à 100 %.",
                "Domaine": "FSE",
                "Mode": "Sécurisé",
                "Exigences": "RG_VF644 RG_VF670",
                "Mots-clés": "lpp ald",
                "Cartes": "CPS : cps-psad\nVitale : vitale-ald",
                "Patient": "p-ald",
                "Prescription": "rx-bed-ald",
                "Date des soins": JAN12,
                "Tiers payant": "AMO",
                **bed,
                "ALD": "Oui",
                "Exo": "4",
                "Étapes": SECURE,
                "Résultats attendus": "Part AMO = 56,00 €\nReste à charge = 0,00 €",
                "Calcul": "BR 56,00 ; ligne en rapport avec l'ALD, taux 100 % : AMO 56,00, patient 0.",
            }
        ),
        _case(
            **{
                "N° cas": "EX-FSE-003",
                "Intitulé": "Lit médical, régime local Alsace-Moselle",
                "Objectif": "Taux AMO de 90 % du régime local.",
                "Domaine": "FSE",
                "Mode": "Sécurisé",
                "Exigences": "RG_VF674",
                "Mots-clés": "lpp alsace-moselle",
                "Cartes": "CPS : cps-psad\nVitale : vitale-alsace",
                "Patient": "p-alsace",
                "Prescription": "rx-bed",
                "Date des soins": JAN12,
                "Tiers payant": "AMO",
                **bed,
                "Étapes": SECURE,
                "Résultats attendus": "Part AMO = 50,40 €\nReste à charge = 5,60 €",
                "Calcul": "BR 56,00 × 90 % = 50,40 (RG_VF674) ; patient 5,60.",
            }
        ),
        _case(
            **{
                "N° cas": "EX-FSE-004",
                "Intitulé": "Lit médical, bénéficiaire de la C2S, tiers payant AMO + AMC",
                "Objectif": "La C2S prend le ticket modérateur : rien à la charge du patient.",
                "Domaine": "FSE",
                "Mode": "Sécurisé",
                "Exigences": "RG_VF671",
                "Mots-clés": "lpp c2s",
                "Cartes": "CPS : cps-psad\nVitale : vitale-c2s",
                "Patient": "p-c2s",
                "Prescription": "rx-bed",
                "Date des soins": JAN12,
                "Tiers payant": "AMO + AMC",
                "Contrat AMC": "Ticket modérateur",
                **bed,
                "Étapes": SECURE,
                "Résultats attendus": "Part AMO = 33,60 €\nPart AMC = 22,40 €\nReste à charge = 0,00 €",
                "Calcul": "AMO 60 % de 56,00 = 33,60 ; AMC = TM = 22,40 ; patient 0.",
            }
        ),
        _case(
            **{
                "N° cas": "EX-FSE-005",
                "Intitulé": "Soulève-malade au-dessus du tarif pour un bénéficiaire C2S : refus",
                "Objectif": "Aucun dépassement n'est permis en C2S.",
                "Domaine": "FSE",
                "Mode": "Sécurisé",
                "Exigences": "RG_VF671",
                "Mots-clés": "lpp c2s refus",
                "Cartes": "CPS : cps-psad\nVitale : vitale-c2s",
                "Patient": "p-c2s",
                "Date des soins": JAN12,
                "Tiers payant": "AMO + AMC",
                "Contrat AMC": "Ticket modérateur",
                **lifter,
                "Étapes": REFUSED,
                "Code refus attendu": "DEPASSEMENT_NOT_ALLOWED_C2S",
                "Calcul": "22,00 facturé pour un tarif de 17,53 : dépassement interdit en C2S.",
            }
        ),
        _case(
            **{
                "N° cas": "EX-FSE-006",
                "Intitulé": "Soulève-malade avec dépassement, AMC au ticket modérateur",
                "Objectif": "Le dépassement reste à la charge du patient ; l'AMC couvre le TM.",
                "Domaine": "FSE",
                "Mode": "Sécurisé",
                "Exigences": "RG_VF644 RG_VF670",
                "Mots-clés": "lpp depassement amc",
                "Cartes": psad,
                "Patient": "p-std",
                "Date des soins": JAN12,
                "Tiers payant": "AMO + AMC",
                "Contrat AMC": "Ticket modérateur",
                **lifter,
                "Étapes": SECURE,
                "Résultats attendus": "Base de remboursement = 70,12 €\nMontant facturé = 88,00 €\nPart AMO = 42,07 €\n"
                "Part AMC = 28,05 €\nLigne : dépassement = 17,88 €\nReste à charge = 17,88 €",
                "Calcul": "BR 17,53 × 4 = 70,12 ; AMO 42,072 → 42,07 ; AMC 28,05 ; dépassement 88,00 − 70,12 = 17,88.",
            }
        ),
        _case(
            **{
                "N° cas": "EX-FSE-010",
                "Intitulé": "Deux lignes LPP : arrondi par ligne",
                "Objectif": "Chaque ligne est arrondie au centime avant le total.",
                "Domaine": "FSE",
                "Mode": "Sécurisé",
                "Exigences": "RG_MF633 RG_VF670",
                "Mots-clés": "lpp arrondi",
                "Cartes": psad,
                "Patient": "p-std",
                "Date des soins": JAN12,
                "Tiers payant": "AMO",
                "Code": "1231782",
                "Qté": 4,
                "Prix unitaire": 17.53,
                "Tarif": 17.53,
                "PLV": "Sans PLV",
                "Étapes": SECURE,
                "Résultats attendus": "Ligne : part AMO = 42,07 €\nPart AMO = 42,28 €",
                "Calcul": "Ligne 1 : 70,12 × 60 % = 42,072 → 42,07 ; ligne 2 : 0,35 × 60 % = 0,21 ; total 42,28.",
            }
        ),
        _line(
            **{
                "Code": "1225646",
                "Qté": 1,
                "Prix unitaire": 0.35,
                "Tarif": 0.35,
                "PLV": "Sans PLV",
                "Résultats attendus": "Ligne : part AMO = 0,21 €",
            }
        ),
        _case(
            **{
                "N° cas": "EX-FSE-020",
                "Intitulé": "Soin infirmier AMI 1 avec majoration et déplacement",
                "Objectif": "Actes NGAP d'un infirmier : taux 60 % sur chaque acte.",
                "Domaine": "FSE",
                "Mode": "Sécurisé",
                "Exigences": "RG_VF644 RG_VF670",
                "Mots-clés": "ngap infirmier",
                "Cartes": "CPS : cps-nurse\nVitale : vitale-std",
                "Patient": "p-std",
                "Prescription": "rx-nurse",
                "Date des soins": JAN12,
                "Tiers payant": "AMO",
                "Nomenclature": "NGAP",
                "Code": "AMI",
                "Qté": 1,
                "Coef.": 1,
                "Prix unitaire": 3.15,
                "Étapes": SECURE,
                "Résultats attendus": "Ligne : part AMO = 1,89 €\nBase de remboursement = 7,25 €\nPart AMO = 4,35 €\n"
                "Reste à charge = 2,90 €",
                "Calcul": "AMI 3,15 × 60 % = 1,89 ; MAU 1,35 → 0,81 ; IFD 2,75 → 1,65 ; total 4,35 ; patient 2,90.",
            }
        ),
        _line(
            **{
                "Nomenclature": "NGAP",
                "Code": "MAU",
                "Qté": 1,
                "Prix unitaire": 1.35,
                "Résultats attendus": "Ligne : part AMO = 0,81 €",
            }
        ),
        _line(
            **{
                "Nomenclature": "NGAP",
                "Code": "IFD",
                "Qté": 1,
                "Prix unitaire": 2.75,
                "Résultats attendus": "Ligne : part AMO = 1,65 €",
            }
        ),
        _case(
            **{
                "N° cas": "EX-FSE-012",
                "Intitulé": "Mode dégradé, soins avant la création du code : refus",
                "Objectif": "Le tarif est cherché à la date des soins.",
                "Domaine": "FSE",
                "Mode": "Dégradé",
                "Exigences": "RG_VF630",
                "Mots-clés": "lpp degrade refus",
                "Cartes": "CPS : cps-psad",
                "Patient": "p-degrade",
                "Date des soins": dt.date(2014, 1, 15),
                "Code": "1116680",
                "Qté": 1,
                "Prix unitaire": 77.0,
                "Étapes": "Lecture CPS\nSaisie du code porteur\nFacturation",
                "Code refus attendu": "NO_TARIFF_AT_DATE",
                "Calcul": "1116680 tarifé à partir du 02/06/2014 ; soins du 15/01/2014 : aucun tarif.",
            }
        ),
        _case(
            **{
                "N° cas": "EX-FSE-014",
                "Intitulé": "Droits AMO expirés sur la carte Vitale : refus",
                "Objectif": "Pas de facture sécurisée sur des droits expirés.",
                "Domaine": "FSE",
                "Mode": "Sécurisé",
                "Mots-clés": "droits refus",
                "Cartes": "CPS : cps-psad\nVitale : vitale-expired",
                "Patient": "p-expired",
                "Date des soins": JAN12,
                "Tiers payant": "AMO",
                **bed,
                "Étapes": REFUSED,
                "Code refus attendu": "RIGHTS_EXPIRED",
                "Calcul": "Carte de test aux droits échus.",
            }
        ),
        _case(
            **{
                "N° cas": "EX-FSE-031",
                "Intitulé": "SESAM sans Vitale : droits obtenus par ADRi",
                "Objectif": "Facturer sans carte Vitale avec les droits renvoyés par ADRi.",
                "Domaine": "FSE",
                "Mode": "SESAM sans Vitale",
                "Exigences": "RG_VF644 RG_VF670",
                "Mots-clés": "lpp ssv adri",
                "Cartes": "CPS : cps-psad",
                "Patient": "p-ssv",
                "Prescription": "rx-bed",
                "Date des soins": JAN12,
                "Tiers payant": "AMO",
                **bed,
                "Étapes": "Lecture CPS\nSaisie du code porteur\nRequête ADRi (patient=p-ssv)\nFacturation\n"
                "Sécurisation",
                "Résultats attendus": "Part AMO = 33,60 €\nReste à charge = 22,40 €",
                "Calcul": "Mêmes montants que EX-FSE-001 : AMO 33,60, patient 22,40.",
            }
        ),
        _case(
            **{
                "N° cas": "EX-LOT-001",
                "Intitulé": "Une facture sécurisée mise en lot",
                "Objectif": "Le lot compte la facture et totalise sa part AMO.",
                "Domaine": "Lot",
                "Mode": "Sécurisé",
                "Exigences": "RG_VF670",
                "Mots-clés": "lpp lot",
                "Cartes": psad,
                "Patient": "p-std",
                "Date des soins": JAN12,
                "Tiers payant": "AMO",
                **bed,
                "Étapes": SECURE + "\nConstitution du lot",
                "Résultats attendus": "Factures du lot = 1\nPart AMO du lot = 33,60 €",
                "Calcul": "Une facture ; part AMO 33,60 (EX-FSE-001).",
            }
        ),
        _case(
            **{
                "N° cas": "EX-CARDS-001",
                "Intitulé": "CPS au code porteur bloqué : refus",
                "Objectif": "Le banc ne présente pas le code d'une carte bloquée.",
                "Domaine": "Cartes",
                "Mode": "Sans objet",
                "Mots-clés": "cps pin refus",
                "Cartes": "CPS : cps-blocked",
                "Étapes": "Lecture CPS\nSaisie du code porteur",
                "Code refus attendu": "PIN_BLOCKED",
                "Calcul": "Compteur d'essais à zéro sur la carte de test.",
            }
        ),
    ]


def as_text(header: str, value: object) -> str:
    """A value as a person types it in a Word table or a CSV file (« 14,00 € », « 12/01/2026 »)."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and header in AMOUNTS:
        return f"{value:.2f} €".replace(".", ",")
    return str(value)


def grid(data: Sequence[dict[str, object]], typed: bool) -> list[list[object]]:
    """The whole sheet: title, identity, a blank row, the header, the cases."""
    top = [[TITLE], ["Plan de tests", PLAN_ID, "Version", DOC_VERSION], [], list(HEADERS)]
    body = [[row[h] if typed else as_text(h, row[h]) for h in HEADERS] for row in data]
    return top + body


def write_xlsx(path: Path, data: Sequence[dict[str, object]]) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    for row in grid(data, typed=True):
        sheet.append(row)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(bold=True)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header = HEADERS[cell.column - 1]
            if header in AMOUNTS and isinstance(cell.value, float):
                cell.number_format = '#,##0.00 "€"'
            elif isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    _save_reproducibly(book, path)


def _save_reproducibly(book: object, path: Path) -> None:
    """openpyxl stamps the save time in docProps/core.xml and in every zip entry: pin both."""
    fixed = dt.datetime(2026, 1, 1)
    book.properties.created = fixed  # type: ignore[attr-defined]
    book.properties.modified = fixed  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    book.save(buffer)  # type: ignore[attr-defined]
    _rezip(buffer.getvalue(), path)


def _rezip(data: bytes, path: Path) -> None:
    """Rewrite a zip container with fixed entry dates, so the same rows give the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time whatever was set
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", content)
            target.writestr(entry, content)
    path.write_bytes(out.getvalue())


def write_csv(path: Path, data: Sequence[dict[str, object]]) -> None:
    stream = io.StringIO()
    csv.writer(stream, delimiter=";", lineterminator="\r\n").writerows(grid(data, typed=False))
    path.write_bytes(stream.getvalue().encode("utf-8-sig"))


def write_docx(path: Path, data: Sequence[dict[str, object]]) -> None:
    import docx

    document = docx.Document()
    document.core_properties.created = dt.datetime(2026, 1, 1)
    document.core_properties.modified = dt.datetime(2026, 1, 1)
    document.add_paragraph(TITLE)
    rows = grid(data, typed=False)
    table = document.add_table(rows=len(rows), cols=len(HEADERS))
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = str(value)
    table.cell(0, 0).merge(table.cell(0, len(HEADERS) - 1))  # the title row, outside the cases
    buffer = io.BytesIO()
    document.save(buffer)
    _rezip(buffer.getvalue(), path)


def write_ods(path: Path, data: Sequence[dict[str, object]]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=SHEET)
    for values in grid(data, typed=True):
        row = TableRow()
        for value in values:
            if isinstance(value, float | int) and not isinstance(value, bool):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.strftime("%d/%m/%Y")))
            else:
                cell = TableCell(valuetype="string")
                for line in str(value).split("\n") if value != "" else []:
                    cell.addElement(P(text=line))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    _rezip(buffer.getvalue(), path)


def main(argv: Sequence[str]) -> int:
    folder = Path(argv[0]) if argv else HERE
    data = rows()
    write_xlsx(folder / "cahier-exemple.xlsx", data)
    write_ods(folder / "cahier-exemple.ods", data)
    write_csv(folder / "cahier-exemple.csv", data)
    write_docx(folder / "cahier-exemple.docx", data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
