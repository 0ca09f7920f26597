"""The <fixtures> element of a casebook, read by the expat pass: cards, patients and prescriptions by id.

Card profiles are paths relative to the casebook's folder, checked as they are read; ``validate`` also
reads each one (:func:`testbench.cards.profile_check.card_profile_problems`: the card layer, above this one).
A patient's rights are checked as the runner reads them (:mod:`testbench.casebook.rights`), and its rank
against its card's beneficiaries (:mod:`testbench.casebook.card_facts`).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from testbench.casebook.card_facts import FAMILY_LABEL, card_facts
from testbench.casebook.errors import in_both
from testbench.casebook.frames import NS, SKIP, Attrs, Frame
from testbench.casebook.model import CardFixture, Fixtures, Patient, Prescription
from testbench.casebook.rights import check_right
from testbench.fmt import os_reason

if TYPE_CHECKING:
    from testbench.casebook.build import Builder

_CARD, _PATIENT, _RIGHT, _PRESCRIPTION, _FIELD = (NS + t for t in ("card", "patient", "right", "prescription", "field"))
_FIXTURES = (_CARD, _PATIENT, _PRESCRIPTION)
_PROFILE_UNREADABLE = "profil de carte « {profile} » illisible : {reason}"
#: The profile of a card whose path was refused or not written: the card stays declared (its uses are not « absent
#: des fixtures »), with nothing to read; the casebook does not run.
REFUSED_PROFILE = Path()


def _not_found(raw: str, resolved: Path) -> str:
    """Why a card profile's path names no file, as a template of ``{path}``: the usual slips are said."""
    if _is_dir(resolved):
        return "profil de carte « {path} » : c'est un dossier ; indiquez le fichier du profil (cards/cps.xml)"
    if "\\" in raw:
        return "profil de carte introuvable : {path} — séparez les dossiers par « / » (cards/cps.xml)"
    return "profil de carte introuvable : {path}"


def _as_meant(name: str) -> str:
    """A fixture element misspelt (``<pateint>``) read as the one it is closest to: the schema refuses the spelling,
    and the cases that name the fixture get no « absent des fixtures » that only echoes it."""
    if name in _FIXTURES or not name.startswith(NS):
        return name
    import difflib  # for a misspelt element only

    near = difflib.get_close_matches(name.removeprefix(NS), [n.removeprefix(NS) for n in _FIXTURES], n=1, cutoff=0.75)
    return NS + near[0] if near else name


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


class FixturesReader:
    """The <fixtures> element being read: cards, patients and prescriptions by id."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        self.cards: dict[str, CardFixture] = {}
        self.patients: dict[str, Patient] = {}
        self.prescriptions: dict[str, Prescription] = {}
        self.patient_offsets: dict[str, int] = {}

    def child(self, name: str, attrs: Attrs, offset: int) -> Frame:
        builder = self.builder
        fid = attrs.get("id")
        if fid is None:
            return SKIP
        name = _as_meant(name)
        if name == _CARD:
            if fid in self.cards:
                builder.report(offset, "carte « {card} » déjà déclarée dans les fixtures", "id", card=fid)
                return SKIP
            profile = self._card_profile(attrs.get("profile"), offset)
            self.cards[fid] = CardFixture(id=fid, profile=profile, source=builder.source.ref_at(offset))
            return SKIP
        if name == _PATIENT:
            if fid in self.patients:
                builder.report(offset, "patient « {patient} » déjà déclaré dans les fixtures", "id", patient=fid)
                return SKIP
            return self._patient(fid, attrs, offset)
        if name == _PRESCRIPTION:
            if fid in self.prescriptions:
                builder.report(
                    offset, "prescription « {prescription} » déjà déclarée dans les fixtures", "id", prescription=fid
                )
                return SKIP
            return self._prescription(fid, attrs, offset)
        return SKIP

    def _card_profile(self, raw: str | None, offset: int) -> Path:
        builder = self.builder
        if raw is None:  # the schema says the profile is missing (« profil » for « profile »): the card is declared
            return REFUSED_PROFILE
        if not raw.strip():
            builder.report(offset, "profil de carte vide : indiquez le fichier du profil (cards/cps.xml)", "profile")
            return REFUSED_PROFILE
        posix, windows = PurePosixPath(raw), PureWindowsPath(raw)
        if (
            posix.is_absolute()
            or windows.is_absolute()
            or windows.drive
            or ".." in posix.parts
            or ".." in windows.parts
        ):
            builder.report(
                offset,
                "profil de carte « {profile} » refusé : chemin relatif au dossier du cahier, sans « .. »",
                "profile",
                profile=raw,
            )
            return REFUSED_PROFILE
        resolved = builder.path.parent / raw
        try:
            found = resolved.is_file()
        except (OSError, ValueError) as exc:  # a name too long, a path through a file, a NUL…
            message, english = in_both(
                lambda t, e=exc: t(_PROFILE_UNREADABLE).format(profile=raw, reason=os_reason(e, t))
            )
            builder.report(offset, message, "profile", english)
            return resolved
        if not found:
            builder.report(offset, _not_found(raw, resolved), "profile", path=resolved)
        return resolved

    def _patient(self, fid: str, attrs: Attrs, offset: int) -> Frame:
        rights: dict[str, str] = {}

        def right(name: str, values: Attrs, at: int) -> Frame:
            if name == _RIGHT:
                key, value = values.get("name", ""), values.get("value", "")
                if key:  # the schema reports a missing name
                    check_right(key, value, at, self.builder.report)
                rights[key] = value
            return SKIP

        def close() -> None:
            rank = attrs.get("rank", "1")
            self.patient_offsets[fid] = offset
            self.patients[fid] = Patient(
                id=fid,
                card=attrs.get("card"),
                rank=int(rank) if rank.isdigit() else 1,
                rights=rights,
                source=self.builder.source.ref_at(offset),
            )

        return (right, close)

    def _prescription(self, fid: str, attrs: Attrs, offset: int) -> Frame:
        attributes = {k: v for k, v in attrs.items() if k != "id"}

        def field(name: str, values: Attrs, _at: int) -> Frame:
            if name == _FIELD:
                attributes[values.get("name", "")] = values.get("value", "")
            return SKIP

        def close() -> None:
            self.prescriptions[fid] = Prescription(
                id=fid, attributes=attributes, source=self.builder.source.ref_at(offset)
            )

        return (field, close)

    def close(self) -> Fixtures:
        """Check the patients' card references (cards may follow patients) and freeze the lot."""
        for fid, patient in self.patients.items():
            if patient.card is None:
                continue
            card = self.cards.get(patient.card)
            if card is None:
                self.builder.report(
                    self.patient_offsets[fid],
                    "le patient référence la carte « {card} », absente des fixtures",
                    "card",
                    card=patient.card,
                )
            else:
                self._check_patient_card(patient, card.profile, self.patient_offsets[fid])
        return Fixtures(cards=self.cards, patients=self.patients, prescriptions=self.prescriptions)

    def _check_patient_card(self, patient: Patient, profile: Path, offset: int) -> None:
        """A patient's card is a Vitale card that carries the patient's rank (else the run fails: error)."""
        facts = card_facts(profile)
        if facts is None:
            return
        if facts.family != "vitale":
            self.builder.report(
                offset,
                "le patient référence la carte « {card} », qui est une carte {family}, pas une carte Vitale",
                "card",
                card=patient.card,
                family=FAMILY_LABEL[facts.family],
            )
        elif patient.rank not in facts.ranks:
            self.builder.report(
                offset,
                "bénéficiaire de rang {rank} absent de la carte « {card} » (rangs : {ranks})",
                "rank",
                rank=patient.rank,
                card=patient.card,
                ranks=", ".join(map(str, facts.ranks)),
            )
