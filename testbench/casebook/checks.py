"""Semantic rules the XSD cannot express: references, step order, domain/mode coherence.

Rules read the raw data kept at load time (:class:`~testbench.casebook.lazy.CaseParts`), not the
model objects, so checking a 700-case casebook does not build 12 000 objects. Each rule reports
through ``report(offset, message, attribute, **fields)`` so every message points at the exact
attribute. Messages are French templates; their English is in :mod:`testbench.i18n`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from testbench.casebook.card_facts import FAMILY_LABEL, card_facts
from testbench.casebook.lazy import CaseParts, RawStep
from testbench.casebook.model import Domain, ExpectationKind, Fixtures, Mode, Patient
from testbench.casebook.rights import missing_insi_traits, right_key
from testbench.domain.decimals import read_decimal, to_the_cent
from testbench.domain.normalize import RULES as NORMALIZE_RULES
from testbench.domain.teleservices import FAULT_REFUSALS, SERVICE_ACTIONS, scenario_names
from testbench.domain.vocabulary import MANUAL, OBSERVATION_PATHS, OBSERVATION_ROOTS, REFUSAL_CODES, known_path
from testbench.fmt import REGEX_ERRORS, parse_boolean, regex_reason
from testbench.i18n import _t
from testbench.xmlsafe import parse_file

#: report(offset, message, attribute, **fields): the builder turns the start tag's byte offset (and
#: the attribute's name) into ``line:col``; with fields, the message is a template (French, its
#: English in testbench.i18n) filled in each language.
Report = Callable[..., None]

_VALUE, _REFUSAL, _TRACE = ExpectationKind.VALUE.value, ExpectationKind.REFUSAL.value, ExpectationKind.TRACE.value
_LPP_CODE = re.compile(r"\d{7}")
_NGAP_CODE = re.compile(r"[A-Z]{1,5}")
#: A line's code as the schema takes it (casebook-1.xsd): it says what is wrong with any other, once
_SCHEMA_CODE = re.compile(r"[A-Z0-9]{1,13}")
#: A boolean expected value as the format writes it (docs/casebook-format.md): « True » or « oui » is a
#: spelling the comparison would read, but not the format's.
#: The line an ``invoice.lines[i]`` path reads.
_LINE_INDEX = re.compile(r"invoice\.lines\[(\d+)\]")
#: The reader slot an action needs a card in (ADRi and securing need the CPS).
_CARD_NEEDED = {"read-cps": "cps", "adri": "cps", "secure": "cps", "read-vitale": "vitale"}
_CARD_NEEDED.update(apcv="cps", insi="cps", eprescription="cps")  # téléservices authenticate the PS by CPS
#: An action that only makes sense after another one in the same case.
_NEEDS_BEFORE = {
    "secure": ("invoice", "<secure> sans facture préalable (<invoice>) dans le cas"),
    "build-lot": ("secure", "<build-lot> sans facture sécurisée préalable (<secure>) dans le cas"),
    "read-returns": ("build-lot", "<read-returns> sans lot préalable (<build-lot>) dans le cas"),
}


@functools.cache
def _path_info(path: str) -> tuple[bool, str]:
    """(known observation path?, first segment); casebooks repeat the same few paths."""
    return known_path(path), path.split(".", 1)[0].split("[", 1)[0]


def _valid_value(value: str, value_type: str) -> bool:
    """Whether an expected value is written the way its type reads it (see compare)."""
    try:
        if value_type == "decimal":
            return _DECIMAL.fullmatch(value) is not None
        if value_type == "integer":
            int(value)
        elif value_type == "date":
            date.fromisoformat(value)
        elif value_type == "boolean":
            return parse_boolean(value) is not None  # the words the comparison reads (true, oui, 1…)
    except ValueError:
        return False
    return True


#: (type, value) -> valid? Expected amounts recur across cases; bounded like the caches below.
_VALID: dict[tuple[str, str], bool] = {}
#: What to write instead of an expected value its type cannot read, when the value itself gives no better form.
_EXPECTED_HINTS = {
    "decimal": _t("écrivez un nombre avec un point, sans unité ni espace (33.60)"),
    "integer": _t("écrivez un nombre entier (3)"),
    "date": _t("écrivez la date AAAA-MM-JJ (2026-01-12)"),
    "boolean": _t("écrivez true ou false (ou oui/non, 1/0, yes/no)"),
}
#: The boolean words a French author writes that the comparison does not read
_FRENCH_BOOLEANS = {"vrai": "true", "faux": "false"}


def _written_as(value: str, value_type: str) -> str | None:
    """``value`` the way its type is written, when a person's spelling says it (« 33,60 € » → 33.60,
    « vrai » → true, « 12/01/2026 » → 2026-01-12): the fix to name, rather than the rule alone."""
    if value_type in ("decimal", "integer"):
        number = read_decimal(value)
        if number is None or (value_type == "integer" and number != number.to_integral_value()):
            return None
        return format(number, "f") if value_type == "decimal" else str(int(number))
    if value_type == "date":
        iso = NORMALIZE_RULES["date"](value)  # day first as French writes it, the comparison's own reading
        return iso if _valid_value(iso, "date") else None
    if value_type == "boolean":
        return _FRENCH_BOOLEANS.get(value.strip().casefold())
    return None


def _expected_hint(value: str, value_type: str) -> Callable[[Callable[[str], str]], str]:
    """What to write instead of an expected value its type cannot read, worded by a translator."""
    better = _written_as(value, value_type)

    def hint(t: Callable[[str], str]) -> str:
        if better is not None:
            return t("écrivez {value}").format(value=better)
        return t(_EXPECTED_HINTS[value_type])  # the types an expected value can be invalid for

    return hint


@functools.lru_cache(maxsize=1024)
def _pattern_error(pattern: str) -> Callable[[Callable[[str], str]], str] | None:
    """Why a trace pattern does not compile, worded by a translator, or None; casebooks repeat the same
    few patterns."""
    try:
        re.compile(pattern)
    except REGEX_ERRORS as err:
        return functools.partial(regex_reason, err)
    return None


_DECIMALS: dict[str, Decimal | None] = {}


#: An amount as the schema's Amount reads it (xs:decimal: no exponent, no « NaN »), and its bounds
_AMOUNT = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")
_AMOUNT_MAX = Decimal("99999999.99")


def _decimal(value: str | None) -> Decimal | None:
    """Decimal of a price or PLV, or None — also for one the schema refuses (« 1e3 », « NaN », a negative one):
    the schema says it, and comparing it would only echo it, in Python's words (« 1E+3 »). Cached because the
    same prices recur on many lines."""
    if value is None or value == "none":
        return None
    cached = _DECIMALS.get(value, _NOT_CACHED)
    if cached is not _NOT_CACHED:
        return cached  # type: ignore[return-value]
    result = Decimal(value) if _AMOUNT.fullmatch(value) else None
    if result is not None and not 0 <= result <= _AMOUNT_MAX:
        result = None
    if len(_DECIMALS) < 10_000:
        _DECIMALS[value] = result
    return result


_NOT_CACHED = object()


def check_case(case_id: str, domain: Domain, mode: Mode, parts: CaseParts, fixtures: Fixtures, report: Report) -> None:
    """Run every case-level rule; report all problems, stop at none."""
    actions = parts.actions
    refused = _check_expectations(case_id, parts, actions, report)
    _check_mode(domain, mode, parts, actions, report)
    _check_steps(mode, parts, fixtures, refused, report)
    _check_fault_refusals(parts, refused, report)


# -- expectations ------------------------------------------------------------------------------


def _check_expectations(case_id: str, parts: CaseParts, actions: dict[str, str], report: Report) -> dict[str, str]:
    """Check expectations; return {step id: expected refusal code} for the step rules.

    The value branch is the hot path (thousands of values in a CNDA-sized casebook): the common,
    valid case costs a few dict lookups and one regular-expression match; anything unusual goes
    to :func:`_check_value_path`, which produces the messages.
    """
    present = set(actions.values())
    observed: dict[str, str] = {}
    if MANUAL in present:
        for step in parts.steps:
            if step[0] == MANUAL:
                for item in step[6]:
                    observed[item.path] = step[1]
    refused: dict[str, str] = {}
    producers_of = _PRODUCERS
    valid_cache = _VALID
    for kind, _eid, attrs, at in parts.expectations:
        get = attrs.get
        step = get("step")
        action = None
        if step is not None:
            action = actions.get(step)
            if action is None:
                _unknown_step(step, case_id, actions, at, report)
                continue
        if "normalize" in attrs:
            unknown = [name for name in attrs["normalize"].split() if name not in NORMALIZE_RULES]
            if unknown:
                known = ", ".join(sorted(NORMALIZE_RULES))
                report(
                    at,
                    "règle de normalisation inconnue : {unknown} (connues : {known})",
                    "normalize",
                    unknown=", ".join(unknown),
                    known=known,
                )
        if kind == _VALUE:
            path = get("path")
            if path:
                producing = producers_of[path]
                if producing is None or action is None or action not in producing:
                    known, root = _path_info(path)
                    _check_value_path(path, known, root, at, step, action, observed, present, report)
            value_type = get("type", "string")
            expected = get("expected")
            if expected is not None:
                valid = valid_cache.get((value_type, expected))
                if valid is None:
                    valid = _valid_value(expected, value_type)
                    if len(valid_cache) < 10_000:
                        valid_cache[value_type, expected] = valid
                if not valid:
                    report(
                        at,
                        "valeur attendue « {expected} » invalide pour le type {type} : {hint}",
                        "expected",
                        expected=expected,
                        type=value_type,
                        hint=_expected_hint(expected, value_type),
                    )
            if "tolerance" in attrs and value_type != "decimal":
                report(at, "une tolérance ne s'applique qu'au type decimal", "tolerance")
            if path and path.startswith("invoice.lines["):
                _check_line_index(path, step, action, parts.steps, at, report)
        elif kind == _REFUSAL:
            code = get("code", "")
            if step is not None and action == MANUAL:
                report(
                    at, "un refus ne peut viser qu'une action automatique (« {step} » est manuelle)", "step", step=step
                )
            elif step is not None and step in refused:
                report(at, "l'étape « {step} » a déjà un refus attendu", "step", step=step)
            elif step is not None:
                refused[step] = code
            if code and code not in REFUSAL_CODES:
                known_codes = ", ".join(sorted(REFUSAL_CODES))
                report(
                    at,
                    "code de refus « {code} » inconnu (codes connus : {known})",
                    "code",
                    code=code,
                    known=known_codes,
                )
        elif kind == _TRACE:
            pattern = get("pattern", "")
            error = _pattern_error(pattern)
            if error is not None:
                report(at, "motif de trace invalide (expression régulière) : {error}", "pattern", error=error)
            elif get("absent") in ("true", "1") and _matches_anything(pattern):
                report(
                    at,
                    "motif « {pattern} » attendu absent, mais il reconnaît n'importe quel texte : il est dans toute"
                    " trace",
                    "pattern",
                    pattern=pattern,
                )
    if refused:
        # A value read from a step that is expected to be refused can never be observed.
        for kind, _eid, attrs, at in parts.expectations:
            if kind != _VALUE:
                continue
            producing = OBSERVATION_ROOTS.get(_path_info(attrs.get("path", ""))[1], frozenset())
            step = attrs.get("step")
            producers = [
                sid for sid, action in actions.items() if action in producing and (step is None or sid == step)
            ]
            if producers and all(sid in refused for sid in producers):
                names = ", ".join(producers)
                report(at, "valeur attendue sur une étape dont le refus est attendu ({steps})", "path", steps=names)
    return refused


#: texts of every shape a trace line may start or be made of: a pattern found in each is found in every line
_ANY_TEXTS = ("", "a", "Z", "9", " ", "-", "[x]", "{", "<é>", "ligne 42 : ok")


@functools.lru_cache(maxsize=1024)
def _matches_anything(pattern: str) -> bool:
    """Whether a (valid) trace pattern is found in any text (``x|``), so in every line of every trace: one that
    only matches a blank line (``^\\s*$``) or lines of a shape is a real check (trace lines are never empty)."""
    compiled = re.compile(pattern)
    return all(compiled.search(text) is not None for text in _ANY_TEXTS)


def _check_line_index(
    path: str, step: str | None, action: str | None, steps: list[RawStep], at: int, report: Report
) -> None:
    """An ``invoice.lines[i]`` path past the invoice's last <line> can never be observed: its step's
    invoice (or, with no step, every invoice of the case) has fewer lines."""
    match = _LINE_INDEX.match(path)
    if match is None:
        return
    digits = match.group(1).lstrip("0") or "0"
    index = int(digits) if len(digits) <= 6 else 10**6  # thousands of digits: beyond any invoice, never an int()
    counts = [len(raw[2].get("lines", ())) for raw in steps if raw[0] == "invoice" and (step is None or raw[1] == step)]
    if (step is not None and action != "invoice") or not counts or index < max(counts):
        return
    report(
        at,
        "« {path} » : au-delà de la dernière <line> de la facture (numérotées à partir de 0, la dernière : {last})",
        "path",
        path=path,
        last=max(counts) - 1,
    )


class _Producers(dict[str, "frozenset[str] | None"]):
    """path -> actions producing it, for known non-manual observation paths (None otherwise)."""

    def __missing__(self, path: str) -> frozenset[str] | None:
        known, root = _path_info(path)
        value = OBSERVATION_ROOTS.get(root) if known and root != "manual" else None
        if len(self) < 10_000:
            self[path] = value
        return value


_PRODUCERS = _Producers()
#: A decimal as casebooks write it: digits, optional sign, a dot (never a comma, no exponent).
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


#: A reference to a fixture the casebook does not declare, by kind: plain, and with the closest declared id (a typo).
_ABSENT = {
    "card": (
        "carte « {card} » absente des fixtures",
        "carte « {card} » absente des fixtures — vouliez-vous dire « {near} » ?",
    ),
    "patient": (
        "patient « {patient} » absent des fixtures",
        "patient « {patient} » absent des fixtures — vouliez-vous dire « {near} » ?",
    ),
    "prescription": (
        "prescription « {prescription} » absente des fixtures",
        "prescription « {prescription} » absente des fixtures — vouliez-vous dire « {near} » ?",
    ),
}


def report_absent(kind: str, written: str, declared: Iterable[str], at: int, attribute: str, report: Report) -> None:
    """A fixture reference that resolves to nothing, with the declared id closest to it as a hint: « p-stdd » is
    most often « p-std » mistyped, and the fixtures may be hundreds of lines above."""
    import difflib  # for a hint on an error only

    plain, hinted = _ABSENT[kind]
    near = difflib.get_close_matches(written, sorted(declared), n=1)
    if near:
        report(at, hinted, attribute, **{kind: written, "near": near[0]})
    else:
        report(at, plain, attribute, **{kind: written})


def _unknown_step(step: str, case_id: str, actions: dict[str, str], at: int, report: Report) -> None:
    """An expectation's step that the case does not have, with the closest step id as a hint."""
    import difflib  # for a hint on an error only

    by_folded = {sid.casefold(): sid for sid in actions}
    near = difflib.get_close_matches(step.casefold(), list(by_folded), n=1)
    if near:
        report(
            at,
            "l'étape « {step} » n'existe pas dans le cas {case} — vouliez-vous dire « {near} » ?",
            "step",
            step=step,
            case=case_id,
            near=by_folded[near[0]],
        )
    else:
        report(at, "l'étape « {step} » n'existe pas dans le cas {case}", "step", step=step, case=case_id)


#: The observation paths a typo is compared with, an index written ``[i]``
_EXACT_PATHS = tuple(p for p in OBSERVATION_PATHS if not p.endswith(".*"))
_INDEX = re.compile(r"\[[0-9]+\]")


def nearest_path(path: str) -> str | None:
    """The known observation path closest to a misspelt one (``invoice.totals.amo`` for ``…amoo``), its indexes
    as written; None when none is close. The import's mapping and the casebook checks suggest alike."""
    import difflib  # for a hint on an error only

    indexes = _INDEX.findall(path)
    near = difflib.get_close_matches(_INDEX.sub("[i]", path), _EXACT_PATHS, n=1)
    if not near:
        return None
    found = near[0]
    for index in indexes:
        found = found.replace("[i]", index, 1)
    return found


def _check_value_path(
    path: str,
    known: bool,
    root: str,
    at: int,
    step: str | None,
    action: str | None,
    observed: dict[str, str],
    present: set[str],
    report: Report,
) -> None:
    """The slow branch of the value-path rule: unknown path, manual path, or no/unrelated step."""
    producing = OBSERVATION_ROOTS.get(root)
    if not known:
        near = nearest_path(path)
        if near:
            template = (
                "chemin d'observation « {path} » inconnu — vouliez-vous dire « {near} » ?"
                " (voir docs/casebook-format.md)"
            )
            report(at, template, "path", path=path, near=near)
        else:
            report(at, "chemin d'observation « {path} » inconnu (voir docs/casebook-format.md)", "path", path=path)
    elif root == "manual":
        source = observed.get(path)
        if source is None:
            report(at, "aucune étape manuelle du cas n'observe « {path} »", "path", path=path)
        elif step is not None and step != source:
            report(
                at,
                "« {path} » est observé par l'étape « {source} », pas « {step} »",
                "step",
                path=path,
                source=source,
                step=step,
            )
    elif producing is not None:
        if action is not None and action not in producing:
            report(
                at,
                "« {path} » n'est pas produit par l'étape « {step} » ({action}) mais par : {producers}",
                "step",
                path=path,
                step=step,
                action=action,
                producers=", ".join(sorted(producing)),
            )
        elif step is None and producing.isdisjoint(present):
            report(
                at,
                "aucune étape du cas ne produit « {path} » ({producers})",
                "path",
                path=path,
                producers=", ".join(sorted(producing)),
            )


# -- mode and domain -----------------------------------------------------------------------------


def _check_mode(domain: Domain, mode: Mode, parts: CaseParts, actions: dict[str, str], report: Report) -> None:
    at = parts.offset
    present = actions.values()
    if domain is Domain.FSE:
        if mode is Mode.NONE:
            report(at, "un cas fse précise son mode : securise, degrade ou sesam-sans-vitale", "mode")
        if "invoice" not in present:
            report(at, "un cas fse contient au moins une étape <invoice>", "id")
    if mode is Mode.SECURISE and "apcv" not in present:  # the app carte Vitale stands for the card
        if not any(requirement[0] == "vitale" for requirement in parts.requirements):
            report(
                at,
                'un cas en mode sécurisé exige une carte Vitale (<card slot="vitale" …/> dans <cards>) ou une étape'
                " <apcv>",
                "mode",
            )
        if "read-vitale" not in present:
            report(
                at,
                "un cas en mode sécurisé lit la carte Vitale (étape <read-vitale>) ou l'application carte Vitale"
                " (étape <apcv>)",
                "mode",
            )
    elif mode in (Mode.DEGRADE, Mode.SESAM_SANS_VITALE) and "read-vitale" in present:
        label = "dégradé" if mode is Mode.DEGRADE else "SESAM sans Vitale"
        for step in parts.steps:
            if step[0] == "read-vitale":
                report(step[3], "lecture de la carte Vitale impossible en mode {mode}", None, mode=label)


# -- steps ---------------------------------------------------------------------------------------


def _check_steps(mode: Mode, parts: CaseParts, fixtures: Fixtures, refused: dict[str, str], report: Report) -> None:
    slots: dict[str, str] = {requirement[0]: requirement[1] for requirement in parts.requirements}
    for slot, card, at in parts.requirements:
        _check_card_slot(card, slot, fixtures, at, "ref", report)
    done: set[str] = set()
    granted: set[str] = set()  # the actions done by a step that is not expected to be refused
    fetched: _Fetched | None = None  # the e-prescription the case read last
    for step in parts.steps:
        action, sid, params, at = step[0], step[1], step[2], step[3]
        if action == "eprescription":
            fetched = _fetched(sid, params, refused)
        if action == "insert-card":
            card = params.get("card", "")
            if card and card not in fixtures.cards:
                report_absent("card", card, fixtures.cards, at, "card", report)
            _check_card_slot(card, params.get("slot", "vitale"), fixtures, at, "card", report)
            slots[params.get("slot", "")] = card
        elif action == "read-vitale":
            _check_beneficiary(params.get("beneficiary", ""), slots.get("vitale"), fixtures, at, report)
        elif action == "insi" and "read-vitale" not in done:
            _check_insi_traits(params.get("patient"), fixtures, at, report)
        elif action == "adri" and not (mode is Mode.SECURISE and granted & _CARD_READS):
            _check_adri_beneficiary(params.get("patient"), fixtures, at, report, refused.get(sid))
        elif action == "remove-card":
            slot = params.get("slot", "")
            if slot not in slots:
                report(at, "aucune carte dans le lecteur « {slot} » à cette étape", "slot", slot=slot)
            slots.pop(slot, None)
        pin_step = action in ("verify-pin", "change-pin", "unblock-pin")
        needed = params.get("slot", "cps") if pin_step else _CARD_NEEDED.get(action)
        if needed and needed not in slots and refused.get(sid) != "NO_CARD":  # a pulled card's refusal is expectable
            report(
                at,
                "<{action}> exige une carte dans le lecteur « {slot} » (exigée dans <cards> ou insérée avant)",
                None,
                action=action,
                slot=needed,
            )
        before = _NEEDS_BEFORE.get(action)
        if before and before[0] not in done:
            report(at, before[1], None)
        if action == "invoice":
            if mode is Mode.SECURISE:
                _check_secured_read(done, granted, at, report, refused.get(sid) is not None)
            _check_invoice(mode, params, at, step[4], fixtures, slots, refused.get(sid), report)
            if fetched is not None and sid not in refused and not _expects_prescription(parts, sid):
                _check_eprescription_invoice(fetched, params, fixtures, at, report)
        if action in SERVICE_ACTIONS and params.get("scenario") is not None:
            _check_scenario(action, params["scenario"], at, report)
        _check_care_date(params.get("care-date"), at, report)
        if action in ("adri", "apcv", "insi"):
            patient = params.get("patient")
            if patient is not None and patient not in fixtures.patients:
                report_absent("patient", patient, fixtures.patients, at, "patient", report)
        elif action == "read-returns":
            scenario = params.get("scenario")
            if params.get("code") and scenario in ("arl-positive", "rsp-paid"):
                report(
                    at, "un code de rejet n'a pas de sens pour le scénario « {scenario} »", "code", scenario=scenario
                )
            _check_cents(params, ("paid",), at, report)
            if (scenario == "rsp-partial") != bool(params.get("paid")):
                report(at, "l'attribut paid (montant payé) va avec le scénario rsp-partial, et lui seul", "paid")
        done.add(action)
        if sid not in refused:
            granted.add(action)


#: The refusals only a service's usable answer (or the other fault) can give: a faulty service gives none of
#: them. Any other (NO_CARD, INVALID_REQUEST…) may come before the engine calls the service.
_ANSWERED_REFUSALS: frozenset[str] = frozenset(
    {"ADRI_UNKNOWN_BENEFICIARY", "APCV_CONTEXT_EXPIRED", "APCV_REFUSED", "EPRESCRIPTION_NOT_FOUND"}
    | set(FAULT_REFUSALS.values())
)


def _check_fault_refusals(parts: CaseParts, refused: dict[str, str], report: Report) -> None:
    """A téléservice step whose injected fault cannot give the refusal the case expects of it (``timeout`` and
    ADRI_UNKNOWN_BENEFICIARY, ``malformed`` and TELESERVICE_UNAVAILABLE): run, the product would be blamed for
    the casebook's contradiction. Said at the ``fault`` attribute, with the refusal the fault gives."""
    for step in parts.steps:
        action, sid, params, at = step[0], step[1], step[2], step[3]
        given = FAULT_REFUSALS.get(params.get("fault") or "none")
        code = refused.get(sid)
        if action in SERVICE_ACTIONS and given and code in _ANSWERED_REFUSALS and code != given:
            report(
                at,
                "le défaut « {fault} » donne le refus {given}, pas le refus {code} attendu",
                "fault",
                fault=params["fault"],
                given=given,
                code=code,
            )


def _check_card_slot(card: str, slot: str, fixtures: Fixtures, at: int, attribute: str, report: Report) -> None:
    """A card goes in the reader of its family: a CPS in the Vitale reader cannot be read (SW 6A82)."""
    fixture = fixtures.cards.get(card)
    facts = card_facts(fixture.profile) if fixture is not None else None
    if facts is not None and facts.family != slot:
        report(
            at,
            "la carte « {card} » est une carte {family} : elle ne va pas dans le lecteur « {slot} »",
            attribute,
            card=card,
            family=FAMILY_LABEL[facts.family],
            slot=slot,
        )


def _check_beneficiary(rank: str, card: str | None, fixtures: Fixtures, at: int, report: Report) -> None:
    """The beneficiary a <read-vitale> names is one the card in the Vitale reader carries."""
    fixture = fixtures.cards.get(card) if card else None
    facts = card_facts(fixture.profile) if fixture is not None else None
    if facts is None or facts.family != "vitale" or not rank.isdigit() or int(rank) in facts.ranks:
        return
    if int(rank) < 1:  # refused by the schema (« 1 ou plus »): no card has it, and saying so would only echo it
        return
    report(
        at,
        "bénéficiaire de rang {rank} absent de la carte « {card} » (rangs : {ranks})",
        "beneficiary",
        rank=rank,
        card=card,
        ranks=", ".join(map(str, facts.ranks)),
    )


def _check_insi_traits(patient_id: str | None, fixtures: Fixtures, at: int, report: Report) -> None:
    """An INSi search with no Vitale card read sends the patient fixture's traits: birth name, birth date and
    the sex its NIR says (13 characters or 15 with the key); without them the service refuses the request."""
    patient = fixtures.patients.get(patient_id) if patient_id else None
    if patient is None:
        return
    missing = missing_insi_traits(patient.rights)
    if missing:
        report(
            at,
            "INSi : le patient « {patient} » n'a pas les traits d'identité exigés ({missing}) dans ses <right>",
            "patient",
            patient=patient.id,
            missing=", ".join(missing),
        )


#: An <adri> step that names no patient, where no card is read before it (docs/teleservices.md)
ADRI_NO_PATIENT = _t(
    "<adri> ne nomme aucun patient : indiquez patient=… (un patient des fixtures avec son droit nir), ou lisez"
    " la carte Vitale avant, en mode sécurisé"
)
#: An <adri> step about a patient fixture without a NIR (a patient carried by a card the case does not read)
ADRI_NO_NIR = _t(
    "ADRi : le patient « {patient} » n'a pas de droit nir dans ses <right>, et aucune carte Vitale n'est lue"
    " avant : la requête ne nommerait aucun bénéficiaire"
)


def _check_adri_beneficiary(
    patient_id: str | None, fixtures: Fixtures, at: int, report: Report, refusal: str | None
) -> None:
    """An ADRi query with no Vitale card read before it asks about its patient fixture's NIR (runner.actions,
    beneficiary): without a patient the step cannot run at all; a patient without a ``nir`` right sends no NIR,
    and the reference engine refuses it ADRI_UNKNOWN_BENEFICIARY — unless the step expects that very refusal."""
    if not patient_id:
        report(at, ADRI_NO_PATIENT, None)
        return
    patient = fixtures.patients.get(patient_id)
    if patient is None or refusal == "ADRI_UNKNOWN_BENEFICIARY":  # an unknown patient is said below
        return
    if not {right_key(name): value for name, value in patient.rights.items()}.get("nir"):
        report(at, ADRI_NO_NIR, "patient", patient=patient_id)


#: the years a care date may fall in (our bound, not the CNDA's): the simulated téléservices answer rights a year
#: around it, which the calendar's ends (0001, 9999) cannot hold — the case would fail as the product's fault
CARE_YEARS = (1900, 2199)


def _check_care_date(value: Any, at: int, report: Report) -> None:
    """A step's ``care-date`` (already a date by the schema) within :data:`CARE_YEARS`."""
    try:
        year = date.fromisoformat(str(value)).year
    except ValueError:
        return  # absent, or not a date: the schema says it
    if not CARE_YEARS[0] <= year <= CARE_YEARS[1]:
        first, last = CARE_YEARS
        report(at, "date de soins « {value} » hors des années {first} à {last}", "care-date",
               value=value, first=first, last=last)  # fmt: skip


def _check_scenario(service: str, scenario: str, at: int, report: Report) -> None:
    """A téléservice step names a scenario of its service's registry (domain/teleservices.toml)."""
    known = scenario_names(service)
    if scenario not in known and scenario.strip():  # an empty one is the schema's to refuse (« un nom de scénario »)
        report(
            at,
            "scénario « {scenario} » inconnu pour le téléservice {service} (connus : {known})",
            "scenario",
            scenario=scenario,
            service=service,
            known=", ".join(known),
        )


#: What stands for the Vitale card before a secured invoice: the card read, or the app carte Vitale's context.
_CARD_READS = {"read-vitale", "apcv"}


def _check_secured_read(done: set[str], granted: set[str], at: int, report: Report, refused: bool) -> None:
    """A secured invoice follows a Vitale card read or an ApCV context; one whose every read is expected to be
    refused (a context refused or expired) has neither, and the runner would refuse to make it — unless the case
    expects the invoice refused too (``refused``: NO_CARD after a pulled card), which the product then says."""
    if not done & _CARD_READS:
        report(
            at,
            "en mode sécurisé, la carte Vitale (<read-vitale>) ou l'application carte Vitale (<apcv>) est lue avant"
            " la facture",
            None,
        )
    elif not granted & _CARD_READS and not refused:
        report(
            at,
            "en mode sécurisé, la facture suit une carte Vitale lue ou un contexte ApCV valide : chaque étape"
            " <read-vitale> ou <apcv> qui la précède attend un refus (<refusal>)",
            None,
        )


#: An e-prescription a case reads: its step, and the number, date and prescriber RPPS its scenario answers.
_Fetched = tuple[str, dict[str, str]]
#: The prescription data an invoice writes: its attribute -> the prescription's key (runner.actions, invoice)
_INVOICE_PRESCRIPTION = {
    "eprescription-id": "eprescription_id",
    "prescription-number": "number",
    "prescription-date": "date",
    "prescriber": "prescriber",
}


def _fetched(sid: str, params: dict[str, Any], refused: dict[str, str]) -> _Fetched | None:
    """What an <eprescription> step reads, as its scenario answers it (domain/teleservices.toml); None for one
    expected refused, failing (a fault) or answering no prescription."""
    from testbench.domain.teleservices import registry_data

    scenario = registry_data().get("eprescription", {}).get(params.get("scenario"))
    if sid in refused or (params.get("fault") or "none") != "none" or not isinstance(scenario, dict):
        return None
    if scenario.get("answer") != "prescription":
        return None
    prescriber = scenario.get("prescriber")
    rpps = prescriber.get("rpps") if isinstance(prescriber, dict) else None
    read = {"id": params.get("number") or "", "date": scenario.get("date") or "", "prescriber": rpps or ""}
    return sid, {key: str(value) for key, value in read.items()}


_PRESCRIPTION_PATH = "invoice.prescription."


def _expects_prescription(parts: CaseParts, sid: str) -> bool:
    """Whether the case expects the invoice's prescription itself (a value under ``invoice.prescription.``)."""
    return any(
        kind == _VALUE and attrs.get("step") in (sid, None) and attrs.get("path", "").startswith(_PRESCRIPTION_PATH)
        for kind, _eid, attrs, _at in parts.expectations
    )


def _check_eprescription_invoice(
    fetched: _Fetched, params: dict[str, Any], fixtures: Fixtures, at: int, report: Report
) -> None:
    """An invoice made after the case read an e-prescription carries it (the bench's rule, docs/teleservices.md):
    the identifier, date and prescriber it writes, or its prescription fixture gives, are the prescription's."""
    fixture = fixtures.prescriptions.get(params.get("prescription") or "")
    written: dict[str, tuple[str, str]] = {}  # prescription key -> (value, the attribute that says it)
    for key, value in (fixture.attributes if fixture is not None else {}).items():
        written[key.replace("-", "_")] = (value, "prescription")
    for attribute, key in _INVOICE_PRESCRIPTION.items():
        if params.get(attribute):
            written[key] = (params[attribute], attribute)
    sid, read = fetched
    none = ("", "")
    identifier = written.get("eprescription_id") or written.get("number") or none
    for (value, attribute), expected in (
        (identifier, read["id"]),
        (written.get("date", none), read["date"]),
        (written.get("prescriber", none), read["prescriber"]),
    ):
        if value and expected and value.strip() != expected:
            report(
                at,
                "{name} « {value} » : l'ordonnance numérique lue à l'étape {step} donne « {expected} »",
                attribute,
                name=attribute,
                value=value,
                step=sid,
                expected=expected,
            )


def _check_invoice(
    mode: Mode,
    params: dict[str, Any],
    at: int,
    line_offsets: tuple[int, ...],
    fixtures: Fixtures,
    slots: dict[str, str],
    refusal: str | None,
    report: Report,
) -> None:
    patient_id = params.get("patient")
    patient = fixtures.patients.get(patient_id) if patient_id is not None else None
    if patient_id is not None and patient is None:
        report_absent("patient", patient_id, fixtures.patients, at, "patient", report)
    prescription = params.get("prescription")
    if prescription is not None and prescription not in fixtures.prescriptions:
        report_absent("prescription", prescription, fixtures.prescriptions, at, "prescription", report)
    if mode is Mode.SECURISE:
        vitale = slots.get("vitale")
        # a reader holding a card the fixtures lack is said at <cards>: the patient's card is no second problem
        if patient is not None and patient.card and vitale in fixtures.cards and patient.card != vitale:
            report(
                at,
                "le patient « {patient} » est sur la carte « {card} », mais le lecteur vitale contient « {vitale} »",
                "patient",
                patient=patient.id,
                card=patient.card,
                vitale=vitale,
            )
    if (
        params.get("tiers-payant") == "amo+amc"
        and "amc" not in params
        and "amc-type" not in params
        and not _c2s_covers(mode, params, patient, fixtures, slots.get("vitale"))
    ):
        report(
            at,
            "tiers payant amo+amc : précisez le contrat AMC (attribut amc), sauf pour un patient dont la C2S couvre"
            " les soins",
            "tiers-payant",
        )
    _check_cents(params, ("amc-cap",), at, report)
    if "amc-cap" in params and params.get("amc") != "tm+depassement":
        report(at, "amc-cap ne s'applique qu'au contrat amc=\"tm+depassement\"", "amc-cap")
    lines = params.get("lines", ())
    if not lines:
        report(at, "la facture n'a aucune ligne (<line>)", None)
    for values, line_at in zip(lines, line_offsets, strict=False):
        _check_line(values, line_at, refusal, report)


def _c2s_covers(
    mode: Mode, params: dict[str, Any], patient: Patient | None, fixtures: Fixtures, vitale: str | None
) -> bool:
    """Whether the patient's C2S covers a date of care of the invoice, as the runner will read the patient: the
    Vitale card in sécurisé mode, else the fixture's rights. The C2S manager then pays the AMC part, and tiers
    payant AMO + AMC needs no AMC contract (the engine forces it for C2S)."""
    days = ({str(params.get("care-date", ""))} | {line.get("date", "") for line in params.get("lines", ())}) - {""}
    card = fixtures.cards.get(vitale or (patient.card if patient is not None else None) or "")
    if mode is Mode.SECURISE and card is not None:
        period = _card_c2s(card.profile, patient.rank if patient is not None else 1)
    elif patient is not None:
        period = _fixture_c2s(patient.rights)
    else:
        period = None
    if period is None:
        return False
    start, end = period
    return any((not start or start <= day) and (not end or day <= end) for day in days)


def _fixture_c2s(rights: Mapping[str, str]) -> tuple[str, str] | None:
    """A patient fixture's C2S period (ISO dates, "" open), None without C2S (runner/actions.py reads the same)."""
    keyed = {right_key(name): value for name, value in rights.items()}
    words = {right_key(word) for word in keyed.get("coverage", "").split()}
    if "c2s" not in words and not parse_boolean(keyed.get("c2s", "")):
        return None
    return keyed.get("c2s_start", ""), keyed.get("c2s_end", "")


def _card_c2s(profile: Path, rank: int) -> tuple[str, str] | None:
    """The C2S period of a card profile's beneficiary (``<coverage><c2s start end/>``), None without one."""
    try:
        root = parse_file(profile).getroot()
    except (OSError, etree.XMLSyntaxError, ValueError):
        return None  # the fixture's own check says why
    for beneficiary in root.findall("beneficiary"):
        c2s = beneficiary.find("coverage/c2s")
        if beneficiary.get("rank") == str(rank) and c2s is not None:
            return c2s.get("start", ""), c2s.get("end", "")
    return None


#: a line's amounts in euros, to the cent
_LINE_AMOUNTS = ("unit-price", "tariff", "plv")


def _check_cents(values: dict[str, Any], names: tuple[str, ...], at: int, report: Report) -> set[str]:
    """Amounts are in euros to the cent: a third decimal other than 0 is a mistake, not a price. Returns the
    names of the amounts refused, which no other rule reads (one problem per mistake).

    A semantic rule rather than a facet of the schema's Amount: a tolerance is an Amount too, and
    a finer one stays valid.
    """
    refused: set[str] = set()
    for name in names:
        value = values.get(name)
        if value and to_the_cent(value) is None:
            report(at, "montant « {value} » au-delà du centime : deux décimales au plus", name, value=value)
            refused.add(name)
    return refused


def _check_line(line: dict[str, str], at: int, refusal: str | None, report: Report) -> None:
    """An invoice line's codes, quantity and amounts; a value already refused (by the schema or by the cent
    rule) is said once, not again by the rules that would read it."""
    beyond_cent = _check_cents(line, _LINE_AMOUNTS, at, report)
    get = line.get
    nomenclature = get("nomenclature")
    code = get("code", "")
    if refusal != "UNKNOWN_CODE" and _SCHEMA_CODE.fullmatch(code):
        if nomenclature == "LPP" and not _LPP_CODE.fullmatch(code):
            report(at, "code LPP « {code} » invalide : 7 chiffres attendus", "code", code=code)
        elif nomenclature == "NGAP" and not _NGAP_CODE.fullmatch(code):
            report(at, "lettre-clé NGAP « {code} » invalide : 1 à 5 lettres majuscules attendues", "code", code=code)
    quantity = get("quantity", "1")
    if quantity.startswith(("0", "-")) and refusal != "INVALID_QUANTITY":
        try:
            bad = int(quantity) <= 0
        except ValueError:
            bad = False  # the schema reported it
        if bad:
            report(at, "quantité nulle ou négative : attendez le refus INVALID_QUANTITY ou corrigez", "quantity")
    plv_raw = get("plv")
    if plv_raw is None:
        return
    if nomenclature == "NGAP":
        report(at, "le PLV ne concerne que les lignes LPP", "plv")
    plv = None if "plv" in beyond_cent else _decimal(plv_raw)
    if plv is None:
        return
    tariff = None if "tariff" in beyond_cent else _decimal(get("tariff"))
    if tariff is not None and plv < tariff:
        report(at, "PLV {plv} inférieur au tarif {tariff} : impossible", "plv", plv=plv, tariff=tariff)
    price = None if "unit-price" in beyond_cent else _decimal(get("unit-price"))
    if price is not None and price > plv and refusal != "PRICE_ABOVE_PLV":
        report(
            at,
            "prix unitaire {price} au-dessus du PLV {plv} sans refus PRICE_ABOVE_PLV attendu",
            "unit-price",
            price=price,
            plv=plv,
        )


__all__ = ["check_case"]
