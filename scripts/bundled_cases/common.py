"""Fixtures and step sequences shared by the bundled books (cards, patients without a card)."""

from __future__ import annotations

from bundled_cases.model import Case, Expect, Line, Step, invoice, read_cps, read_vitale, secure

#: What a case says of a rate no public text confirms for its care (docs/reference-engine.md: unverified): the
#: régime local's 90 % applied to LPP, the ASPA's 80 % (RG_VF675, an establishment rule) in town care.
LOCAL_LPP_UNVERIFIED = "taux de 90 % du régime local pour la LPP : hypothèse testbench, non vérifiée"
ASPA_UNVERIFIED = "taux ASPA de 80 % (RG_VF675, règle des établissements) : hypothèse testbench, non vérifiée en ville"

#: Date of care of most cases: every test card's rights are open then (2024-01-01 → 2030-12-31).
D = "2026-02-02"

CARDS = """
<card id="cps-psad" profile="cards/cps3-psad-lpp.xml"/>
<card id="cps-nurse" profile="cards/cps4-nurse.xml"/>
<card id="vitale-std" profile="cards/vitale2-adult-standard.xml"/>
<card id="vitale-ald" profile="cards/vitale2-ald.xml"/>
<card id="vitale-alsace" profile="cards/vitale2-alsace-moselle.xml"/>
<card id="vitale-c2s" profile="cards/vitale2-c2s.xml"/>
<card id="vitale-maternity" profile="cards/vitale2-maternity.xml"/>
<card id="vitale-atmp" profile="cards/vitale2-atmp.xml"/>
<card id="vitale-expired" profile="cards/vitale2-expired-rights.xml"/>
<card id="vitale-family" profile="cards/vitale2-family.xml"/>
<card id="vitale-mines" profile="cards/vitale2-regime-mines.xml"/>

<patient id="p-std" card="vitale-std" rank="1"/>
<patient id="p-ald" card="vitale-ald" rank="1"/>
<patient id="p-alsace" card="vitale-alsace" rank="1"/>
<patient id="p-c2s" card="vitale-c2s" rank="1"/>
<patient id="p-maternity" card="vitale-maternity" rank="1"/>
<patient id="p-atmp" card="vitale-atmp" rank="1"/>
<patient id="p-expired" card="vitale-expired" rank="1"/>
<patient id="p-mines" card="vitale-mines" rank="1"/>
<patient id="p-fam-1" card="vitale-family" rank="1"/>
<patient id="p-fam-2" card="vitale-family" rank="2"/>
<patient id="p-fam-3" card="vitale-family" rank="3"/>
<patient id="p-fam-4" card="vitale-family" rank="4"/>
<patient id="p-fam-5" card="vitale-family" rank="5"/>
"""


def patient(pid: str, nir: str, name: str, birth: str, regime: str = "01", start: str = "2024-01-01",
            end: str = "2030-12-31", caisse: str = "751", centre: str = "9999", **rights: str) -> str:
    """A patient without a card (dégradé, SESAM sans Vitale): identity and rights as the runner reads them,
    with the organisme (caisse, centre) of their attestation de droits, where their invoices' lots go."""
    rows = [("nir", nir), ("name", name), ("birth-date", birth), ("regime", regime)]
    rows += [(key, value) for key, value in (("caisse", caisse), ("centre", centre)) if value]
    if start:
        rows.append(("rights-start", start))
    if end:
        rows.append(("rights-end", end))
    rows += [(k.replace("_", "-"), v) for k, v in rights.items()]
    body = "\n".join(f'  <right name="{k}" value="{v}"/>' for k, v in rows)
    return f'<patient id="{pid}">\n{body}\n</patient>'


#: Patients without a card: each one a coverage the cards do not carry, or a dated rights window.
PATIENTS = "\n".join(
    [
        patient("p-deg", "152019999900182", "PATIENT DEGRADE STANDARD", "1952-01-10"),
        patient("p-exo", "261039999900210", "PATIENTE EXONEREE INVALIDITE", "1961-03-14", exonerated="true"),
        patient("p-exo-ald", "145059999900302", "PATIENT EXONERE ET ALD", "1945-05-02",
                coverage="exonerated ald"),
        patient("p-aspa", "233079999900486", "PATIENTE ASPA", "1933-07-21", aspa="true"),
        patient("p-prev", "178099999900596", "PATIENT PREVENTION", "1978-09-30", prevention="true"),
        patient("p-mines-deg", "286119999900673", "PATIENTE REGIME MINES", "1986-11-11", regime="07"),
        patient("p-ald-alsace", "169029999900735", "PATIENT ALD ALSACE-MOSELLE", "1969-02-08",
                coverage="ald alsace_moselle"),
        patient("p-mat-ald", "274049999900862", "PATIENTE MATERNITE ET ALD", "1974-04-16",
                coverage="maternity ald"),
        patient("p-atmp-alsace", "105069999900932", "PATIENT AT ET ALSACE-MOSELLE", "1905-06-01",
                coverage="at_mp alsace_moselle", at_mp_start="2026-01-10"),
        patient("p-c2s-ald", "298089999901015", "PATIENTE C2S ET ALD", "1998-08-08", coverage="c2s ald"),
        patient("p-c2s-alsace", "140109999901128", "PATIENT C2S ALSACE-MOSELLE", "1940-10-10",
                coverage="c2s alsace_moselle"),
        patient("p-hist", "257129999901249", "PATIENTE TARIFS HISTORIQUES", "1957-12-12", start="2009-01-01"),
        patient("p-1999", "162019999901365", "PATIENT DROITS 1999", "1962-01-01", start="1998-01-01"),
        patient("p-window", "288039999901433", "PATIENTE DROITS TRIMESTRE", "1988-03-03",
                start="2026-01-01", end="2026-03-31"),
        patient("p-ald-dated", "193059999901563", "PATIENT ALD DATEE", "1993-05-05",
                ald="true", ald_start="2026-02-01", ald_end="2026-06-30"),
        patient("p-nodate", "218079999901633", "PATIENTE SANS DATES", "2018-07-07", start="", end=""),
        patient("p-sans-organisme", "150019999901767", "PATIENT SANS ORGANISME", "1950-01-01", caisse="", centre=""),
    ]
)


def securise(cps: str, vitale: str, rank: int = 1) -> tuple[list[tuple[str, str]], list[Step]]:
    """Cards and the first steps of a sécurisé case: CPS read, its PIN, the Vitale card read."""
    return [("cps", cps), ("vitale", vitale)], [*read_cps(), read_vitale(rank)]


def fse(
    cid: str,
    title: str,
    objective: str,
    comment: str,
    *,
    card: str | None,
    patient: str,
    lines: list[Line],
    expect: list[Expect],
    tags: str,
    requirements: str = "RG_VF644 RG_VF670",
    mode: str | None = None,
    cps: str = "cps-psad",
    rank: int = 1,
    date: str = D,
    secured: bool = True,
    **invoice_attrs: str,
) -> Case:
    """One FSE case: sécurisé when ``card`` names a Vitale card fixture, else dégradé (or ``mode``)."""
    if card:
        cards, steps = securise(cps, card, rank)
    else:
        cards, steps = [("cps", cps)], read_cps()
    steps = [*steps, invoice(patient, date, lines, **invoice_attrs)]
    refused = any("<refusal" in e.xml for e in expect)
    if secured and not refused:
        steps.append(secure())
    return Case(
        id=cid,
        domain="fse",
        mode=mode or ("securise" if card else "degrade"),
        tags=tags,
        title=title,
        objective=objective,
        comment=comment,
        cards=cards,
        steps=steps,
        expect=expect,
        requirements=requirements,
    )
