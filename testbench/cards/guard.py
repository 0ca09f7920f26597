"""Card guard: before a case runs, check that each required card is the one in its reader.

For every (slot, expected profile): the ATR family (Vitale 1/2, CPS3/4), the card nature (test
cards only unless ``allow_real``, or unless the case expects that very nature on a card the bay
emulates), the identity (Vitale: NIR and name of beneficiary 1 through the
public read sequence; CPS: RPPS and name). Reads are read-only, no PIN is presented (the CPS read
only counts tries). The cards are released afterwards so the application under test can take them.
On any mismatch :class:`CardMismatch` is raised with a message naming the card found and the card
expected, in French as the session records it (``testbench.i18n`` reads it back in English, see
:mod:`testbench.cards.messages`); the structured :class:`GuardReport` is attached as ``exc.report``
so that the runner records a refusal as it records an acceptance.

A card that has not left its reader since the guard last accepted it need not be read again: when the
bay vouches for it (``presence(slot)``, a :class:`~testbench.cards.api.CardPresence` whose token is
unchanged), :class:`CheckMemo` gives that earlier check again, marked ``reused`` with the case where the
card was read and why it still holds (docs/cards.md §6.3). A card removed, reinserted, changed or faulted
is read again, and so is a card the bay cannot vouch for.

Each check also carries the holders it compared (``expected_holder``, ``found_holder``) as card fields
named like :data:`testbench.cards.layout.PERSONAL_FIELDS`: the message names them in free text, and the
exports can only mask a name they know (``testbench.report.personal``).

A refused card that is not a test card may be a real person's: its check keeps why it was refused (family,
nature, ATR, that the holder differs) but nothing of who holds it — no NIR, RPPS, name, birth date or coverage
in ``identity``, ``found_holder``, ``found_fr``, ``problems`` or the message (``withheld``; docs/cards.md §6).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from testbench.i18n import translator

from . import layout as L
from . import messages as M
from .api import CardBay, CardChannel, CardMismatch, CardPresence, CardUnavailable
from .decode import BeneficiaryData, CpsData, VitaleData
from .messages import FAMILY_FR, NATURE_FR, nature_fr  # noqa: F401 (NATURE_FR: testbench cards probe)
from .profile import CardProfile
from .read import CardReadError, read_cps_holder, read_vitale


@dataclass(frozen=True)
class CardCheck:
    """The guard's check of one slot: the card expected, the card found, and whether it is accepted."""

    slot: str
    reader: str
    expected: str  # profile id
    expected_fr: str
    found_fr: str
    family: str | None  # from the ATR
    nature: str
    identity: str  # NIR of beneficiary 1, or RPPS
    ok: bool
    problems: tuple[str, ...] = ()
    duration_ms: float = 0.0
    atr: str = ""  # as read, hex with spaces: the report's cover lists the cards by ATR
    expected_holder: dict[str, str] = field(default_factory=dict)  # card field → value (personal data)
    found_holder: dict[str, str] = field(default_factory=dict)
    message: str = ""  # why the card was refused (mismatch_message, French as recorded); empty when accepted
    #: not read now: the case whose guard read the card, and why the bay says it is still that card
    reused: dict[str, str] | None = None
    #: a refused card that is not a test card: who holds it was read but is kept nowhere (module docstring)
    withheld: bool = False
    #: refused as another card than the one expected (family, holder, nature, unreadable): a person may swap it;
    #: False for the expected card refused by the bench's rule (a real card in test mode: swapping cannot help)
    other_card: bool = False

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "slot": self.slot,
            "reader": self.reader,
            "atr": self.atr,
            "expected": self.expected,
            "expected_fr": self.expected_fr,
            "found_fr": self.found_fr,
            "family": self.family,
            "nature": self.nature,
            "identity": self.identity,
            "ok": self.ok,
            "problems": list(self.problems),
            "message": self.message,
            "expected_holder": dict(self.expected_holder),
            "found_holder": dict(self.found_holder),
            "duration_ms": round(self.duration_ms, 3),
        }
        if self.reused is not None:  # absent from a check that read the card, as before
            out["reused"] = dict(self.reused)
        if self.withheld:
            out["withheld"] = True
        return out


@dataclass(frozen=True)
class GuardReport:
    """Every check the guard made before a case, recorded as the case's ``card-guard`` event."""

    checks: tuple[CardCheck, ...] = ()
    duration_ms: float = 0.0
    allow_real: bool = False
    messages: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "allow_real": self.allow_real,
            "duration_ms": round(self.duration_ms, 3),
            "checks": [c.as_dict() for c in self.checks],
            "messages": list(self.messages),
        }


def describe_vitale(
    data: VitaleData, atr_family: str | None, catalog: Iterable[CardProfile] = (), *, holder: bool = True
) -> str:
    """The card as read; ``holder=False``: without its beneficiary's name and coverage (health data), for a
    card whose holder must not be recorded. The profile id stays: only a fixture of the catalogue matches."""
    first = data.beneficiary(1)
    b1 = first or (data.beneficiaries[0] if data.beneficiaries else None)
    gen = FAMILY_FR.get(atr_family or "", f"Vitale {data.generation}")
    pid = next((p.id for p in catalog if _matches_vitale(p, first)), None) if first else None
    if not holder:
        return M.describe_vitale(gen, data.nature, pid, None, ())
    flags = sorted({f for b in data.beneficiaries for f in b.coverage.periods})
    return M.describe_vitale(gen, data.nature, pid, (b1.first_name, b1.name) if b1 else None, flags)


def describe_cps(
    data: CpsData, atr_family: str | None, catalog: Iterable[CardProfile] = (), *, holder: bool = True
) -> str:
    """The card as read; ``holder=False``: without its holder's name and profession (see describe_vitale)."""
    pid = next((p.id for p in catalog if p.is_cps and p.professional and p.professional.rpps == data.rpps), None)
    family = FAMILY_FR.get(atr_family or "", "CPS")
    who = (data.first_name, data.name, data.profession) if holder else None
    return M.describe_cps(data.card_type or "CPS", family, data.nature, pid, who)


def _matches_vitale(p: CardProfile, b1: BeneficiaryData) -> bool:
    """The profile is a Vitale whose beneficiary 1 is ``b1`` (the card's, read once by the caller)."""
    e1 = p.beneficiary(1) if p.is_vitale else None
    return bool(e1 and b1.nir == e1.nir and b1.name == e1.name and b1.first_name == e1.first_name)


def _holder(person: Any) -> dict[str, str]:
    """The identity of a beneficiary or a professional (profile or card read), as card fields."""
    if person is None:
        return {}
    keys = ("nir", "rpps", "name", "first_name", "usual_name", "birth_date")
    values = {key: getattr(person, key, None) for key in keys}
    return {key: str(value) for key, value in values.items() if value not in (None, "")}


def _expected_holder(expected: CardProfile) -> dict[str, str]:
    if expected.is_vitale:
        return _holder(expected.beneficiary(1) or (expected.beneficiaries[0] if expected.beneficiaries else None))
    return _holder(expected.professional)


def _emulated(bay: CardChannel, slot: str) -> bool:
    """True when the bay itself emulates the card in ``slot`` (so it cannot be a real person's card).

    A case may ask for an emulated card of nature R or D (to check that the product refuses it);
    the guard lets it through only then. In a physical reader a non-test card is always refused
    unless ``allow_real``.
    """
    fn = getattr(bay, "emulated", None)
    return bool(fn(slot)) if callable(fn) else False


def _reader_name(bay: CardChannel, slot: str) -> str:
    fn = getattr(bay, "reader_name", None)
    return fn(slot) if callable(fn) else slot


def check_card(
    bay: CardChannel, slot: str, expected: CardProfile, allow_real: bool = False, catalog: Iterable[CardProfile] = ()
) -> CardCheck:
    """Check one slot (no prompt, no release). Raises CardUnavailable when the slot has no card."""
    start = time.perf_counter()
    reader = _reader_name(bay, slot)
    atr = bay.atr(slot)
    family = L.atr_family(atr)
    problems: list[str] = []  # the family or the read; then ``personal``; then the nature
    personal: list[str] = []  # the differences that name the card's holder (NIR, RPPS, name)
    nature, identity = "", ""
    found_holder: dict[str, str] = {}
    found = ""  # the card as read; described by its ATR alone when it could not be read
    describe: Callable[[], str] | None = None  # the card without its holder (a refused non-test card)
    if family != expected.kind:
        problems.append(
            _differs("famille de carte", FAMILY_FR.get(family or "", M.UNKNOWN_FR), FAMILY_FR[expected.kind])
        )
    try:
        if family and family.startswith("vitale"):
            v = read_vitale(bay, slot)
            nature = v.nature
            b1 = v.beneficiary(1)
            identity = b1.nir if b1 else v.nir
            found_holder = _holder(b1 or (v.beneficiaries[0] if v.beneficiaries else None))
            found = describe_vitale(v, family, catalog)
            describe = partial(describe_vitale, v, family, catalog, holder=False)
            e1 = expected.beneficiary(1)
            if expected.is_vitale and e1 is not None and b1 is not None:
                if b1.nir != e1.nir:
                    personal.append(_differs("NIR du bénéficiaire 1", b1.nir, e1.nir))
                if (b1.name, b1.first_name) != (e1.name, e1.first_name):
                    personal.append(
                        _differs("bénéficiaire 1", f"{b1.first_name} {b1.name}", f"{e1.first_name} {e1.name}")
                    )
        elif family and family.startswith("cps"):
            c = read_cps_holder(bay, slot)  # what the check and the description use, nothing more
            nature = c.nature
            identity = c.rpps
            found_holder = _holder(c)
            found = describe_cps(c, family, catalog)
            describe = partial(describe_cps, c, family, catalog, holder=False)
            pro = expected.professional
            if expected.is_cps and pro is not None:
                if c.rpps != pro.rpps:
                    personal.append(_differs("RPPS", c.rpps, pro.rpps))
                if (c.name, c.first_name) != (pro.name, pro.first_name):
                    personal.append(_differs("porteur", f"{c.first_name} {c.name}", f"{pro.first_name} {pro.name}"))
    except CardReadError as exc:
        problems.append(f"lecture de la carte impossible : {exc}")
    head = len(problems)
    found = found or M.describe_unread(family, atr)
    if nature and nature != expected.nature:
        problems.append(_differs("nature", f"carte {nature_fr(nature)}", f"carte {nature_fr(expected.nature)}"))
    other_card = bool(problems or personal)  # before the test-card rule, which refuses the expected card too
    simulated = nature == expected.nature and _emulated(bay, slot)
    if nature and nature != "T" and not allow_real and not simulated:
        problems.append(f"carte {nature_fr(nature)} refusée : seules les cartes de test sont admises")
    elif not nature and describe is not None and not allow_real:  # read, but not its nature: not proven a test card
        problems.append(M.NATURE_UNREAD_REFUSED_FR)
    # a refused card that is not a test card may be a real person's: say why it is refused, never who holds it
    # (a test card's holder is fictitious; an accepted real card was allowed by the run, --allow-real-cards); a
    # card whose nature was not read is not known to be a test card
    withheld = bool(problems or personal) and nature != "T"
    if withheld:
        identity, found_holder = "", {}
        found = describe() if describe is not None else M.describe_unread(family, atr)
        personal = [M.HOLDER_WITHHELD_FR] if personal else []  # that the holder differs, not who it is
    problems[head:head] = personal
    check = CardCheck(
        slot=slot,
        reader=reader,
        expected=expected.id,
        expected_fr=expected.describe_fr(),
        found_fr=found,
        family=family,
        nature=nature,
        identity=identity,
        ok=not problems,
        problems=tuple(problems),
        duration_ms=(time.perf_counter() - start) * 1000,
        atr=atr.hex(" ").upper(),
        expected_holder=_expected_holder(expected),
        found_holder=found_holder,
        withheld=withheld,
        other_card=other_card,
    )
    return replace(check, message=mismatch_message(check)) if problems else check


@dataclass
class _Kept:
    """An accepted check, what it was made for, and the card presence it was read under."""

    token: Any
    expected: CardProfile
    allow_real: bool
    catalog: Any
    check: CardCheck
    case: str
    again: CardCheck | None = None  # the check marked reused, made at its first reuse (frozen: shared)


class CheckMemo:
    """The last accepted check of each slot of each bay, with the card presence it was made under."""

    def __init__(self) -> None:
        self._last: dict[tuple[int, str], _Kept] = {}  # (bay id, slot) → the check kept

    def reuse(
        self, bay: Any, slot: str, expected: CardProfile, allow_real: bool, catalog: Any, presence: CardPresence | None
    ) -> CardCheck | None:
        """The check made for this very card and expectation, marked reused; None when the card must be read."""
        kept = self._last.get((id(bay), slot))
        if presence is None or kept is None or kept.token != presence.token or kept.allow_real != allow_real:
            return None
        if not (kept.expected is expected or kept.expected == expected):
            return None
        if not (kept.catalog is catalog or kept.catalog == catalog):  # the catalogue names the card found
            return None
        if kept.again is None:  # an equal token is the same bay's: the same reason
            kept.again = replace(kept.check, duration_ms=0.0, reused={"case": kept.case, "why": presence.why})
        return kept.again

    def keep(
        self,
        bay: Any,
        slot: str,
        expected: CardProfile,
        allow_real: bool,
        catalog: Any,
        presence: CardPresence | None,
        check: CardCheck,
        case: str,
    ) -> None:
        """Remember an accepted check read under ``presence`` (taken before the read); forget anything else."""
        if presence is None or not check.ok or not case:
            self._last.pop((id(bay), slot), None)
        else:
            self._last[(id(bay), slot)] = _Kept(presence.token, expected, allow_real, catalog, check, case)


def _presence(bay: Any, slot: str) -> CardPresence | None:
    fn = getattr(bay, "presence", None)
    return fn(slot) if callable(fn) else None


def _differs(what: str, found: str, expected: str) -> str:
    """One difference: « RPPS : 10000000001 au lieu de 10000000002 » (an i18n template per ``what``)."""
    return f"{what} : {found} au lieu de {expected}"


def mismatch_message(check: CardCheck, lang: str | None = "fr") -> str:
    """The card found and the card expected, named, then what differs: French as recorded, or ``lang``."""
    article = "la" if check.family else "une"  # a card the guard could not identify is not "the" card
    template = M.REFUSED_FR if check.found_fr == check.expected_fr else M.MISMATCH_FR  # same card: its nature
    text = template.format(
        reader=check.reader,
        slot=check.slot,
        article=article,
        found=check.found_fr,
        expected=check.expected_fr,
        problems=M.PROBLEM_SEPARATOR.join(check.problems),
    )
    return translator(lang)(text)


def check_cards(
    bay: CardBay | CardChannel,
    requirements: list[tuple[str, CardProfile]],
    allow_real: bool = False,
    *,
    prompt: Callable[[str], None] | None = None,
    wait_timeout: float = 300.0,
    catalog: Iterable[CardProfile] = (),
    release: bool = True,
    memo: CheckMemo | None = None,
    case: str = "",
) -> GuardReport:
    """Check every required card; raise CardMismatch (with ``.report``) or CardUnavailable.

    ``prompt``: for physical readers, called with « Insérez la … dans le lecteur … » when a slot is
    empty; the guard then waits (up to ``wait_timeout``) for the insertion if the bay can wait.
    ``memo``: the checks of earlier cases (``case`` names this one), reused for a card the bay vouches
    has not left its reader since.
    """
    start = time.perf_counter()
    catalog = catalog if isinstance(catalog, (list, tuple)) else list(catalog)
    checks: list[CardCheck] = []
    try:
        for slot, expected in requirements:
            presence = _presence(bay, slot) if memo is not None else None  # before the read: a change meanwhile shows
            check = memo.reuse(bay, slot, expected, allow_real, catalog, presence) if memo is not None else None
            if check is None:
                try:
                    check = check_card(bay, slot, expected, allow_real, catalog)
                except CardUnavailable:
                    wait = getattr(bay, "wait_card", None)
                    if prompt is None or not callable(wait):
                        raise
                    prompt(f"Insérez la {expected.describe_fr()} dans le lecteur « {_reader_name(bay, slot)} ».")
                    wait(slot, wait_timeout)
                    presence = _presence(bay, slot) if memo is not None else None
                    check = check_card(bay, slot, expected, allow_real, catalog)
                if memo is not None:
                    memo.keep(bay, slot, expected, allow_real, catalog, presence, check, case)
            checks.append(check)
    finally:
        if release and hasattr(bay, "release"):
            bay.release()
    report = GuardReport(
        tuple(checks),
        (time.perf_counter() - start) * 1000,
        allow_real,
        tuple(c.message for c in checks if not c.ok),
    )
    if not report.ok:
        exc = CardMismatch(" ".join(report.messages))
        exc.report = report  # type: ignore[attr-defined]
        raise exc
    return report


def case_guard(
    allow_real: bool = False, prompt: Callable[[str], None] | None = None, wait_timeout: float = 300.0
) -> Callable[[Any, Any, Any], GuardReport]:
    """The runner's guard: ``guard(bay, casebook, case)`` checks the case's card requirements.

    Profiles are loaded once per path; the catalogue used to name a wrong card is every card
    fixture of the casebook plus the bundled profiles (casebooks/cards), built once per casebook
    (it was listed and sorted again before every case). A card the bay vouches has not left its reader
    since an earlier case's guard accepted it is not read again (:class:`CheckMemo`).
    """
    import os
    from pathlib import Path

    from .profile import ProfileError, load_profile

    # keyed by the paths' text: comparing Path objects (a Python-level __eq__ per key) cost more than the rest
    cache: dict[str, CardProfile] = {}
    catalogs: dict[tuple[str, ...], list[CardProfile]] = {}
    memo = CheckMemo()

    def profile_of(path: str | Path) -> CardProfile:
        key = os.fspath(path)
        profile = cache.get(key)
        if profile is None:
            profile = cache[key] = load_profile(key)
        return profile

    def catalog_for(casebook: Any) -> list[CardProfile]:
        from testbench.paths import CARD_PROFILES_DIR

        fixtures = tuple(os.fspath(f.profile) for f in casebook.fixtures.cards.values())
        if fixtures in catalogs:
            return catalogs[fixtures]
        paths = [*fixtures, *map(os.fspath, sorted(Path(CARD_PROFILES_DIR).glob("*.xml")))]
        out = []
        for p in dict.fromkeys(paths):
            try:
                out.append(profile_of(p))
            except (ProfileError, OSError):
                continue
        catalogs[fixtures] = out
        return out

    def guard(bay: Any, casebook: Any, case: Any) -> GuardReport:
        reqs = [(r.slot, profile_of(casebook.fixtures.cards[r.card].profile)) for r in case.cards]
        catalog = catalog_for(casebook)
        return check_cards(
            bay, reqs, allow_real, prompt=prompt, wait_timeout=wait_timeout, catalog=catalog, memo=memo, case=case.id
        )

    return guard
