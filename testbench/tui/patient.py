"""The patient a step bills, as the operator keys it into the application under test.

A casebook names a step's patient by its fixture id (``<invoice patient="p-exam">``): the step's plain instruction
reads « Facturer à p-exam », a name the application has never seen. In operator mode the person at the keyboard
must find or create that patient in the application — name, NIR, birth date, organisme, rights — and the case's
fixture is where they are written. These words are shown beside the instruction (the case view, the exam view,
the manual step's window) so that nobody has to open the casebook's XML during the exam. No Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from testbench import fmt
from testbench.casebook.model import Casebook, Patient, Step

T = Callable[[str], str]

#: the coverage flags a patient fixture may set to true (``<right name="ald" value="true"/>``), said as written:
#: « ALD », « C2S », « AME » are the words the application's patient screen uses too
_FLAGS = ("ald", "c2s", "ame", "aspa", "at-mp", "exonerated", "prevention")


def patient_of(casebook: Casebook | None, step: Step | None) -> Patient | None:
    """The patient fixture ``step`` names (its ``patient``), None when it names none or one the casebook lacks."""
    if casebook is None or step is None:
        return None
    ref = step.params.get("patient")
    return casebook.fixtures.patients.get(str(ref)) if ref else None


def _coverage(rights: Mapping[str, str]) -> list[str]:
    listed = rights.get("coverage", "").split()
    flagged = [name for name in _FLAGS if rights.get(name, "").strip().lower() in ("true", "1", "oui", "yes")]
    return list(dict.fromkeys(word.upper() for word in (*listed, *flagged)))


def patient_words(casebook: Casebook | None, step: Step | None, t: T, lang: str | None = None) -> str:
    """« PATIENTE EXAMEN DEMO (p-exam) — NIR 299990000000042 — né(e) le 09/09/1970 — régime 01, caisse 751, centre
    9999 — droits du 01/01/2024 au 31/12/2030 — couverture : ALD », in ``t``'s language; empty when the step
    names no patient, or one the fixture says nothing of. Only what the fixture writes is said (a right it lacks is
    left out, never « None »); a card's beneficiary by its rank on the card (« bénéficiaire 1 de la carte
    vitale-std »)."""
    patient = patient_of(casebook, step)
    if patient is None:
        return ""
    rights = {name: str(value).strip() for name, value in patient.rights.items() if str(value).strip()}
    parts = [f"{rights['name']} ({patient.id})" if "name" in rights else patient.id]
    if "nir" in rights:
        parts.append(t("NIR {nir}").format(nir=rights["nir"]))
    if patient.card:  # a card's beneficiary (mode sécurisé): the card the application reads says who
        parts.append(t("bénéficiaire {rank} de la carte {card}").format(rank=patient.rank, card=patient.card))
    elif patient.rank != 1:
        parts.append(t("bénéficiaire de rang {rank}").format(rank=patient.rank))
    if "birth-date" in rights:
        parts.append(t("né(e) le {date}").format(date=fmt.day(rights["birth-date"], lang)))
    words = {"regime": t("régime {value}"), "caisse": t("caisse {value}"), "centre": t("centre {value}")}
    organisme = [word.format(value=rights[name]) for name, word in words.items() if name in rights]
    if organisme:
        parts.append(", ".join(organisme))
    if "rights-start" in rights and "rights-end" in rights:
        parts.append(
            t("droits du {start} au {end}").format(
                start=fmt.day(rights["rights-start"], lang), end=fmt.day(rights["rights-end"], lang)
            )
        )
    coverage = _coverage(rights)
    if coverage:
        parts.append(f"{t('couverture')}{t(' : ')}{', '.join(coverage)}")
    return " — ".join(parts) if len(parts) > 1 else ""  # its id alone: the instruction says it already
