"""Test card profiles: the XML format (ours, ``card-profile.xsd``) and its typed, frozen model.

A profile describes one test card: kind (Vitale 1/2, CPS3/4), ATR, nature (T/D/R), the Vitale
holder, rights and beneficiaries, or the CPS holder's identity, situations and test PIN, plus raw
files. The PIN is kept in a :class:`Pin` whose ``repr`` hides it: it must never reach a trace, a
log or a report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import cast

from lxml import etree

from testbench.casebook.model import SourceRef
from testbench.casebook.source import SourceText, has_doctype, malformed, xml_detail
from testbench.casebook.xsd import resolve_paths, run_schema
from testbench.casebook.xsd_messages import describe
from testbench.fmt import os_reason
from testbench.i18n import _t, default_language, translator
from testbench.xmlsafe import from_bytes

from .layout import atr_family
from .messages import FAMILY_FR, FLAG_FR, describe_cps, describe_vitale
from .nir import NirError, check_nir

FORMAT_VERSION = "1"
XS = "http://www.w3.org/2001/XMLSchema"
COVERAGE_FLAGS = ("ald", "c2s", "maternity", "at_mp", "alsace_moselle", "ame")

#: Default ATRs per kind (docs/cards.md §2.1 and §2.2).
DEFAULT_ATR = {
    "vitale1": bytes.fromhex("3F65250022096990 00".replace(" ", "")),
    "vitale2": bytes.fromhex("3B7513000044 09EA9000".replace(" ", "")),
    "cps3": bytes.fromhex("3BAC00402A00122500648000031000 9000".replace(" ", "")),
    "cps4": bytes.fromhex("3B9B1880010012250064800401000090 44".replace(" ", "")),
}


class ProfileError(ValueError):
    """An invalid profile; the message (French, its English in testbench.i18n) starts with file:line:col.

    ``english`` is given where the message was composed from parts the author wrote (an XML or schema error naming
    an element or attribute as written: ``<cas>``, ``nom``), which a translation of the whole message would read
    as words of the catalogue (« case », « name »)."""

    def __init__(
        self,
        file: str,
        line: int,
        col: int,
        message: str,
        others: Sequence[ProfileError] = (),
        english: str | None = None,
    ) -> None:
        super().__init__(f"{file}:{line}:{col}: {message}")
        self.file, self.line, self.col, self.message, self.english = file, line, col, message, english
        #: Every problem found at once (this one first): a profile's schema errors are all reported.
        self.all: tuple[ProfileError, ...] = (self, *others)

    def said(self, lang: str | None = None) -> str:
        """The message in ``lang`` (the default language when None)."""
        if self.english is not None and (lang or default_language()) == "en":
            return self.english
        return translator(lang)(self.message)

    def text(self, lang: str | None = None) -> str:
        """``file:line:col: message`` in ``lang`` (the default language when None)."""
        return f"{self.file}:{self.line}:{self.col}: {self.said(lang)}"


@dataclass(frozen=True)
class Period:
    """A validity period, each end optional (open)."""

    start: date | None = None
    end: date | None = None

    def active_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Coverage:
    """Exonérations and special regimes of one beneficiary; absent = not covered."""

    ald: Period | None = None
    c2s: Period | None = None
    maternity: Period | None = None
    at_mp: Period | None = None
    alsace_moselle: Period | None = None
    ame: Period | None = None

    def active(self) -> tuple[str, ...]:
        return tuple(f for f in COVERAGE_FLAGS if getattr(self, f) is not None)


@dataclass(frozen=True)
class BeneficiaryProfile:
    """A beneficiary a Vitale profile puts on its card (test identities only)."""

    rank: int
    qualite: str
    nir: str
    name: str
    first_name: str
    birth_date: date
    twin_rank: int = 1
    usual_name: str = ""
    coverage: Coverage = field(default_factory=Coverage)


@dataclass(frozen=True)
class RightsProfile:
    """The AMO rights a Vitale profile puts on its card."""

    regime: str
    caisse: str
    centre: str
    code_gestion: str
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class ProfessionalProfile:
    """The professional a CPS profile puts on its card."""

    rpps: str
    name: str
    first_name: str
    profession: str
    profession_code: str
    specialty: str = ""
    card_type: str = "CPS"


@dataclass(frozen=True)
class SituationProfile:
    """An activity situation a CPS profile puts on its card."""

    number: int
    structure: str
    finess: str = ""
    am_number: str = ""
    mode: str = "liberal"
    convention: str = ""


def next_test_pin(code: str) -> str:
    """OURS: the test PIN a ``change-pin`` step sets when the profile names no ``new-code``: each digit
    plus one, modulo 10 (``4719`` → ``5820``)."""
    return "".join(str((int(c) + 1) % 10) for c in code)


class Pin:
    """A test PIN, the PIN a ``change-pin`` step sets and the unblock code (PUK). ``repr``/``str`` never
    show any of them; only the card model and :mod:`testbench.cards.pin` read them (``reveal*``)."""

    __slots__ = ("_code", "_new_code", "_unblock", "max_tries", "tries_left", "unblock_max_tries", "unblock_tries_left")

    def __init__(
        self,
        code: str,
        max_tries: int = 3,
        tries_left: int | None = None,
        *,
        new_code: str | None = None,
        unblock_code: str | None = None,
        unblock_max_tries: int = 10,
        unblock_tries_left: int | None = None,
    ) -> None:
        self._code = code
        self._new_code = new_code or next_test_pin(code)
        self._unblock = unblock_code
        self.max_tries = max_tries
        self.tries_left = max_tries if tries_left is None else tries_left
        self.unblock_max_tries = unblock_max_tries
        self.unblock_tries_left = unblock_max_tries if unblock_tries_left is None else unblock_tries_left

    def reveal(self) -> str:
        return self._code

    def reveal_new(self) -> str:
        """The other test PIN: what a ``change-pin`` step sets (and changes back from)."""
        return self._new_code

    def reveal_unblock(self) -> str | None:
        """The unblock code, None when the profile has none (the card then has no RESET RETRY COUNTER)."""
        return self._unblock

    def __repr__(self) -> str:
        return (
            f"Pin(code=<masqué>, max_tries={self.max_tries}, tries_left={self.tries_left}, "
            f"unblock={'<masqué>' if self._unblock else 'aucun'})"
        )

    __str__ = __repr__

    def _key(self) -> tuple[object, ...]:
        return (
            self._code,
            self._new_code,
            self._unblock,
            self.max_tries,
            self.tries_left,
            self.unblock_max_tries,
            self.unblock_tries_left,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pin) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.max_tries, self.tries_left))


@dataclass(frozen=True)
class RawFile:
    """A ``<file>`` of a profile: raw bytes added to the card, or put in place of a file the bench builds."""

    df: str  # "MF", "VITALE", or an AID in upper-case hex
    fid: int
    sfi: int | None
    content: bytes


@dataclass(frozen=True)
class CardProfile:
    """A test card described in XML: what the emulated card holds and what the guard expects of it."""

    id: str
    kind: str  # vitale1 | vitale2 | cps3 | cps4
    label: str
    atr: bytes
    nature: str  # T | D | R
    path: Path | None = None
    card_validity: Period | None = None
    holder_nir: str = ""
    rights: RightsProfile | None = None
    beneficiaries: tuple[BeneficiaryProfile, ...] = ()
    professional: ProfessionalProfile | None = None
    situations: tuple[SituationProfile, ...] = ()
    pin: Pin | None = field(default=None, repr=False, compare=False)
    files: tuple[RawFile, ...] = ()

    @property
    def is_vitale(self) -> bool:
        return self.kind.startswith("vitale")

    @property
    def is_cps(self) -> bool:
        return self.kind.startswith("cps")

    @property
    def generation(self) -> int:
        return int(self.kind[-1])

    @property
    def family(self) -> str:
        """ "vitale" or "cps"."""
        return "vitale" if self.is_vitale else "cps"

    def beneficiary(self, rank: int) -> BeneficiaryProfile | None:
        for b in self.beneficiaries:
            if b.rank == rank:
                return b
        return None

    def describe_fr(self, holder: bool = True) -> str:
        """Short French description used in operator messages, e.g. « carte Vitale 2 de test « vitale2-c2s »
        de JEAN EXEMPLE (C2S) » (``testbench.i18n`` reads it back in English). Made once per profile (the
        model is frozen; the guard names the expected card in every case). ``holder`` False: without « de JEAN
        EXEMPLE », for what is recorded before any read of the card (a reason that reaches the exports)."""
        if not holder:
            return self._describe_fr(holder=False)
        text = self.__dict__.get("_described_fr")
        if text is None:
            text = self._describe_fr()
            object.__setattr__(self, "_described_fr", text)
        return text

    def _describe_fr(self, holder: bool = True) -> str:
        if self.is_vitale:
            b1 = self.beneficiary(1) or (self.beneficiaries[0] if self.beneficiaries else None)
            flags = sorted({f for b in self.beneficiaries for f in b.coverage.active()})
            person = (b1.first_name, b1.name) if b1 and holder else None
            return describe_vitale(f"Vitale {self.generation}", self.nature, self.id, person, flags)
        pro = self.professional
        holder3 = (pro.first_name, pro.name, pro.profession) if pro and holder else None
        return describe_cps(pro.card_type if pro else "CPS", self.kind.upper(), self.nature, self.id, holder3)


def flag_label(flag: str) -> str:
    return FLAG_FR.get(flag, flag)


# ---------------------------------------------------------------- loading


@cache
def _schema() -> etree.XMLSchema:
    xsd = resources.files("testbench.cards").joinpath("card-profile.xsd").read_bytes()
    return etree.XMLSchema(from_bytes(xsd))


@cache
def _element_names() -> tuple[str, ...]:
    xsd = resources.files("testbench.cards").joinpath("card-profile.xsd").read_bytes()
    names = from_bytes(xsd).xpath("//xs:element/@name", namespaces={"xs": XS})
    return tuple(sorted({str(name) for name in names}))


#: The attributes holding a PIN or the unblock code (PUK): a schema error never quotes them.
_SECRETS = ("code", "new-code", "unblock-code")
_MASK = "‹PIN›"
_ATTRIBUTE = re.compile(r"^Element '[^']*', attribute '([^']+)'")


def _masked(raw: str, secret: str | None) -> str:
    """libxml2's error on a PIN or PUK attribute without the value: the value as written, or any quoted value
    libxml2 says is wrong (``'…' is not``, ``'…' has a length``)."""
    if secret:
        return raw.replace(f"'{secret}'", f"'{_MASK}'")
    return re.sub(r"'[^']*'(?= (?:is not|has a) )", f"'{_MASK}'", raw)


def _schema_errors(root: etree._Element, data: bytes, file: str) -> list[ProfileError]:
    """Every schema error of a profile, at its element's ``<`` or its attribute, secrets masked."""
    errors = run_schema(root, _schema(), _element_names())
    if not errors:
        return []
    source = SourceText(file, data.removeprefix(b"\xef\xbb\xbf"))
    source.unrecorded_from = 0  # no expat pass recorded the start tags: found by a scan of the bytes
    elements = resolve_paths(root, [path for *_, path, _ in errors if path])
    problems = []
    for line, column, path, raw in errors:
        el = elements.get(path)
        found = _ATTRIBUTE.match(raw)
        attribute = found[1] if found else None
        where = source.ref_line(line, column) if el is None else source.element_ref(el, attribute)
        if attribute in _SECRETS:
            raw = _masked(raw, el.get(attribute) if el is not None else None)
        french, english = describe(raw, translator("fr")), describe(raw, translator("en"))
        problems.append(ProfileError(file, where.line, where.col, french, english=english))
    return sorted(problems, key=lambda p: (p.line, p.col))


def schema_path() -> Path:
    return Path(str(resources.files("testbench.cards").joinpath("card-profile.xsd")))


class _Ctx:
    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines = text.splitlines()

    def error(self, el: etree._Element, message: str) -> ProfileError:
        line = el.sourceline or 1
        col = 1
        if 0 < line <= len(self.lines):
            idx = self.lines[line - 1].find(f"<{etree.QName(el).localname}")
            col = idx + 1 if idx >= 0 else 1
        return ProfileError(self.file, line, col, message)


#: a date the schema's xs:date takes but Python's calendar does not (a year of five digits, a time zone)
DATE_UNREAD = _t("attribut « {name} » : date « {value} » illisible : AAAA-MM-JJ attendu (année sur 4 chiffres)")


def _date(ctx: _Ctx, el: etree._Element, name: str) -> date | None:
    """The date attribute ``name`` of ``el``, or None; refused at ``el`` when the schema let through a date Python
    cannot read (``20301-12-31``, ``2030-12-31Z``), rather than failing the bench."""
    value = el.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ctx.error(el, DATE_UNREAD.format(name=name, value=value)) from None


def _period(ctx: _Ctx, el: etree._Element | None) -> Period | None:
    if el is None:
        return None
    return Period(_date(ctx, el, "start"), _date(ctx, el, "end"))


def _hex(text: str | None) -> bytes:
    return bytes.fromhex("".join((text or "").split()))


def _check_family(ctx: _Ctx, atr_el: etree._Element | None, atr: bytes, kind: str) -> None:
    """Refuse an ATR of another card family than ``kind``'s: ``cards list`` would name the card by its ATR and
    the product would select the wrong applications. An ATR of no known family is left to the guard."""
    family = atr_family(atr)
    if atr_el is not None and family is not None and family != kind:
        raise ctx.error(
            atr_el, f"l'ATR est celui d'une carte {FAMILY_FR[family]}, pas d'une carte {FAMILY_FR[kind]} (kind={kind})"
        )


def load_profile(path: str | Path) -> CardProfile:
    """Parse and validate a card profile; raise :class:`ProfileError` (file:line:col) when invalid.

    The file is read every time but parsed once per content: a campaign presents the same few cards
    hundreds of times, and a profile edited between two cases is parsed again (the model is frozen).
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ProfileError(str(p), 1, 1, f"profil de carte illisible : {os_reason(exc)}") from None
    return _parse_once(data, str(p), p)


@lru_cache(maxsize=64)
def _parse_once(data: bytes, file: str, path: Path) -> CardProfile:
    """:func:`parse_profile` remembered per (content, file name): an invalid profile is not cached."""
    return parse_profile(data, file, path)


def parse_profile(data: bytes, file: str = "<profil>", path: Path | None = None) -> CardProfile:
    try:
        root = from_bytes(data)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        said = malformed(SourceRef(file, line, col), exc.msg)  # its names as written, in both languages
        raise ProfileError(file, line, col, f"XML mal formé : {xml_detail(exc.msg)}", english=said.english) from None
    if has_doctype(root):
        at = max(data.find(b"<!DOCTYPE"), 0)  # refused as a casebook's: entities crashed the schema check
        line, col = data.count(b"\n", 0, at) + 1, at - (data.rfind(b"\n", 0, at) + 1) + 1
        raise ProfileError(
            file, line, col, "déclaration DOCTYPE refusée : un profil de carte ne doit contenir ni DTD ni entités"
        )
    invalid = _schema_errors(root, data, file)
    if invalid:
        first = invalid[0]
        raise ProfileError(first.file, first.line, first.col, first.message, invalid[1:], english=first.english)
    ctx = _Ctx(file, data.decode("utf-8", errors="replace"))
    kind = root.get("kind")
    atr_el = root.find("atr")
    atr = _hex(atr_el.text) if atr_el is not None else DEFAULT_ATR[kind]
    if len(atr) < 2:
        raise ctx.error(atr_el, "ATR trop court")
    _check_family(ctx, atr_el, atr, kind)
    holder_nir = ""
    rights = None
    beneficiaries: list[BeneficiaryProfile] = []
    professional = None
    situations: list[SituationProfile] = []
    pin = None
    if kind.startswith("vitale"):
        for tag in ("professional", "situation", "pin"):
            el = root.find(tag)
            if el is not None:
                raise ctx.error(el, f"<{tag}> n'a pas de sens sur une carte Vitale")
        holder = root.find("holder")
        if holder is None:
            raise ProfileError(file, root.sourceline or 1, 1, "une carte Vitale exige <holder>")
        try:
            holder_nir = check_nir(holder.get("nir"))
        except NirError as exc:
            raise ctx.error(holder, str(exc)) from None
        r = root.find("rights")
        if r is None:
            raise ProfileError(file, root.sourceline or 1, 1, "une carte Vitale exige <rights>")
        rights = RightsProfile(
            r.get("regime"),
            r.get("caisse"),
            r.get("centre"),
            r.get("code-gestion"),
            _date(ctx, r, "start"),
            _date(ctx, r, "end"),
        )
        if kind == "vitale1" and rights.end is not None:
            raise ctx.error(r, "une carte Vitale 1 ne porte pas de date de fin de droits")
        ranks: set[int] = set()
        for b in root.findall("beneficiary"):
            rank = int(b.get("rank"))
            if rank in ranks:
                raise ctx.error(b, f"rang {rank} en double")
            ranks.add(rank)
            try:
                nir = check_nir(b.get("nir") or holder_nir)
            except NirError as exc:
                raise ctx.error(b, str(exc)) from None
            cov = b.find("coverage")
            coverage = Coverage()
            if cov is not None:
                coverage = Coverage(
                    ald=_period(ctx, cov.find("ald")),
                    c2s=_period(ctx, cov.find("c2s")),
                    maternity=_period(ctx, cov.find("maternity")),
                    at_mp=_period(ctx, cov.find("at-mp")),
                    alsace_moselle=_period(ctx, cov.find("alsace-moselle")),
                    ame=_period(ctx, cov.find("ame")),
                )
            beneficiaries.append(
                BeneficiaryProfile(
                    rank=rank,
                    qualite=b.get("qualite"),
                    nir=nir,
                    name=b.get("name"),
                    first_name=b.get("first-name"),
                    birth_date=cast(date, _date(ctx, b, "birth-date")),  # required by the schema
                    twin_rank=int(b.get("twin-rank", "1")),
                    usual_name=b.get("usual-name", ""),
                    coverage=coverage,
                )
            )
        if not beneficiaries:
            raise ProfileError(file, root.sourceline or 1, 1, "une carte Vitale exige au moins un <beneficiary>")
        if 1 not in ranks:
            raise ProfileError(file, root.sourceline or 1, 1, "le bénéficiaire de rang 1 manque")
        beneficiaries.sort(key=lambda x: x.rank)
    else:
        for tag in ("holder", "rights", "beneficiary"):
            el = root.find(tag)
            if el is not None:
                raise ctx.error(el, f"<{tag}> n'a pas de sens sur une carte CPS")
        pro = root.find("professional")
        if pro is None:
            raise ProfileError(file, root.sourceline or 1, 1, "une carte CPS exige <professional>")
        professional = ProfessionalProfile(
            rpps=pro.get("rpps"),
            name=pro.get("name"),
            first_name=pro.get("first-name"),
            profession=pro.get("profession"),
            profession_code=pro.get("profession-code"),
            specialty=pro.get("specialty", ""),
            card_type=pro.get("card-type", "CPS"),
        )
        for s in root.findall("situation"):
            if int(s.get("number")) >= 16:
                raise ctx.error(s, "numéro de situation hors de 0…15")
            situations.append(
                SituationProfile(
                    number=int(s.get("number")),
                    structure=s.get("structure"),
                    finess=s.get("finess", ""),
                    am_number=s.get("am-number", ""),
                    mode=s.get("mode", "liberal"),
                    convention=s.get("convention", ""),
                )
            )
        pin_el = root.find("pin")
        if pin_el is None:
            raise ProfileError(file, root.sourceline or 1, 1, "une carte CPS exige <pin>")
        max_tries = int(pin_el.get("max-tries", "3"))
        tries_left = int(pin_el.get("tries-left", str(max_tries)))
        if tries_left > max_tries:
            raise ctx.error(pin_el, "tries-left dépasse max-tries")
        unblock_max = int(pin_el.get("unblock-max-tries", "10"))
        unblock_left = int(pin_el.get("unblock-tries-left", str(unblock_max)))
        if unblock_left > unblock_max:
            raise ctx.error(pin_el, "unblock-tries-left dépasse unblock-max-tries")
        if pin_el.get("new-code") == pin_el.get("code"):
            raise ctx.error(pin_el, "new-code doit différer de code")
        pin = Pin(
            pin_el.get("code"),
            max_tries,
            tries_left,
            new_code=pin_el.get("new-code"),
            unblock_code=pin_el.get("unblock-code"),
            unblock_max_tries=unblock_max,
            unblock_tries_left=unblock_left,
        )
    files = []
    for f in root.findall("file"):
        if kind == "vitale1":
            raise ctx.error(f, "une carte Vitale 1 n'a pas de fichiers : <file> n'a pas de sens")
        sfi = f.get("sfi")
        df = f.get("df", "MF").upper()
        if df not in ("MF", "VITALE"):
            try:
                bytes.fromhex(df)
            except ValueError:
                raise ctx.error(f, f"df invalide : {df}") from None
        files.append(RawFile(df, int(f.get("fid"), 16), int(sfi) if sfi else None, _hex(f.text)))
    profile = CardProfile(
        id=root.get("id"),
        kind=kind,
        label=(root.findtext("label") or "").strip(),
        atr=atr,
        nature=root.findtext("nature"),
        path=path,
        card_validity=_period(ctx, root.find("card-validity")),
        holder_nir=holder_nir,
        rights=rights,
        beneficiaries=tuple(beneficiaries),
        professional=professional,
        situations=tuple(situations),
        pin=pin,
        files=tuple(files),
    )
    if kind == "vitale1":
        from .vitale1 import memory_problem

        problem = memory_problem(profile)
        if problem:
            raise ProfileError(file, root.sourceline or 1, 1, problem)
    if pin is not None:
        _remember_codes(pin)
    return profile


#: the codes of every profile read in this process — the bundled ones and a casebook's own, given by path, wherever
#: it is kept: testbench.traces.pin_words masks them after the word « code » in what the bench stores and exports
_loaded_codes: frozenset[str] = frozenset()


def _remember_codes(pin: Pin) -> None:
    global _loaded_codes
    codes = {code for code in (pin.reveal(), pin.reveal_new(), pin.reveal_unblock()) if code}
    if not codes <= _loaded_codes:
        _loaded_codes = _loaded_codes | codes


def loaded_codes() -> frozenset[str]:
    """The codes of the profiles read so far in this process (:func:`_remember_codes`)."""
    return _loaded_codes
