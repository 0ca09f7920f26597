"""What each simulated téléservice answers, by answer kind: pure functions of the scenario and the request.

The formats are ours (docs/teleservices.md); the real services' specifications are not public. Dates
in answers follow the request's care date (a scenario says « rights end 30 days before the care »), so
a case written today still passes next year.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from testbench.cards.nir import with_key
from testbench.engines.protocol.jsonrpc import shown_json
from testbench.i18n import _t, t
from testbench.services.scenarios import Scenario

JsonObject = dict[str, Any]

#: OID of an INS built on a test NIR (« NIR de test »), as the INS referential names it.
INS_TEST_OID = "1.2.250.1.213.1.4.10"
#: The highest beneficiary rank an ADRi request may ask
MAX_RANK = 999
#: A date as our format writes it (``YYYY-MM-DD``, ASCII digits): Python's reader takes more (« 19990101 »,
#: « 1999-W01-1 », Arabic-Indic digits) that no client of ours reads back.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: A NIR as a casebook may write it (testbench.casebook.rights: 13 characters, or 15 with the key; Corsica's
#: 2A/2B) or a card gives it (first digit 1 to 8), in ASCII digits only; its key is not checked.
_NIR = re.compile(r"[1-8][0-9]{4}(?:[0-9]{2}|2[ABab])[0-9]{6}(?:[0-9]{2})?")
#: The registry's sentences an application shows a person (``message`` and ``reason`` in teleservices.toml),
#: marked for the catalogue: answered in the server's language (``services serve --lang en``: English)
REGISTRY_WORDS = (
    _t("aucun bénéficiaire pour ce NIR et ce rang"),
    _t("service ADRi indisponible"),
    _t("service ApCV indisponible"),
    _t("service INSi indisponible"),
    _t("service e-prescription indisponible"),
    _t("application carte Vitale désactivée"),
)


class BadRequest(Exception):
    """The request is not in our format: HTTP 400 with the reason, in French from the catalogue's templates (the
    engine passes it on in its refusal, which a person reads in either language)."""


def received(value: Any) -> str:
    """A value of the request as it was sent: its JSON (``null``, not Python's ``None``)."""
    return value if isinstance(value, str) else shown_json(value, 80)


def _object(value: Any, name: str) -> JsonObject:
    if not isinstance(value, dict):
        raise BadRequest(f"{name} : objet attendu")
    return value


def _one_of(request: JsonObject, name: str, default: str, allowed: tuple[str, str]) -> str:
    value = request.get(name, default)
    if value not in allowed:
        first, second = allowed
        raise BadRequest(f"{name} : « {first} » ou « {second} » attendu, reçu « {received(value)} »")
    return str(value)


def iso_date(value: Any, field: str) -> date:
    """A date of the request: a ``YYYY-MM-DD`` text of the calendar, never a number nor an object."""
    try:
        return date.fromisoformat(birth_date(value, field))
    except ValueError:
        raise BadRequest(f"{field} : date ISO attendue, reçu « {received(value)} »") from None


def birth_date(value: Any, field: str) -> str:
    """A birth date as a card or a fixture gives it: a ``YYYY-MM-DD`` text, whose day or month may be 00 (a
    lunar date, which the card decoder keeps as written)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise BadRequest(f"{field} : date ISO attendue, reçu « {received(value)} »")
    return value


def nir_value(value: Any, field: str) -> str:
    """A NIR of 13 characters, or 15 with its key, in ASCII (« ١٧ » is digits to Python, to no NIR reader): what
    ``validate`` lets a casebook write, so the simulator never refuses a NIR the bench itself sends."""
    if isinstance(value, str) and _NIR.fullmatch(value):
        return value
    raise BadRequest(f"{field} : NIR de 13 ou 15 caractères attendu, reçu « {received(value)} »")


def nir_with_key(nir: str) -> str:
    """A NIR of :func:`nir_value` with its key: computed for 13 characters (97 − body mod 97, Corsica's 2A/2B
    counted as 19/18, as ``cards.nir`` does), kept as given for 15 (test NIRs need not have the right one)."""
    if len(nir) == 15:
        return nir
    body = nir.upper()
    digits = body[:5] + {"2A": "19", "2B": "18"}.get(body[5:7], body[5:7]) + body[7:]
    return f"{body}{97 - int(digits) % 97:02d}"


def _care_date(request: JsonObject, today: date) -> date:
    raw = request.get("care_date")
    if raw in (None, ""):
        return today
    return iso_date(raw, "care_date")


def _coverage(scenario: Scenario) -> JsonObject:
    return {flag: True for flag in scenario.params.get("coverage", ())}


def _rank(beneficiary: JsonObject, field: str = "beneficiary.rank") -> int:
    """The beneficiary's rank asked (1 when not given): a JSON integer, never a text, a boolean or a float."""
    rank = beneficiary.get("rank")
    if rank is None:
        return 1
    if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= MAX_RANK:
        raise BadRequest(f"{field} : entier de 1 à {MAX_RANK} attendu, reçu « {received(rank)} »")
    return rank


def _optional_text(value: Any, field: str) -> None:
    """A name that may be unknown (``null``), else a text."""
    if value is not None and not isinstance(value, str):
        raise BadRequest(f"{field} : texte attendu, reçu « {received(value)} »")


def _rights(scenario: Scenario, care: date) -> JsonObject:
    """The AMO rights answered: régime and organisme (caisse, centre: where a lot is addressed), open dates."""
    try:
        start = care + timedelta(days=int(scenario.params.get("rights_start_days", -365)))
        end = care + timedelta(days=int(scenario.params.get("rights_end_days", 365)))
    except OverflowError:  # a care date at the calendar's ends (0001-01-01, 9999-12-31): no rights around it
        said = f"care_date : date trop proche des limites du calendrier, reçu « {care.isoformat()} »"
        raise BadRequest(said) from None
    caisse, centre = str(scenario.params.get("caisse", "751")), str(scenario.params.get("centre", "9999"))
    return {"regime": "01", "caisse": caisse, "centre": centre, "rights_start": start.isoformat(),
            "rights_end": end.isoformat()}  # fmt: skip


def error_answer(scenario: Scenario) -> JsonObject:
    return {
        "service": scenario.service,
        "status": "error",
        "code": str(scenario.params.get("code", "ERREUR")),
        "message": t(str(scenario.params.get("message", ""))),
    }


def adri(scenario: Scenario, request: JsonObject, seq: int, today: date) -> JsonObject:
    """ADRi: the rights of the beneficiary (or of every beneficiary of the NIR) at the care date."""
    if scenario.answer == "error":
        return error_answer(scenario)
    ben = _object(request.get("beneficiary"), "beneficiary")
    nir = ben.get("nir")
    if not isinstance(nir, str) or not nir:
        raise BadRequest("beneficiary.nir : NIR attendu")
    nir_value(nir, "beneficiary.nir")
    rank = _rank(ben)
    if ben.get("birth_date") is not None:
        birth_date(ben["birth_date"], "beneficiary.birth_date")
    query = _one_of(request, "query", "cible", ("cible", "systematique"))
    care = _care_date(request, today)
    count = int(scenario.params.get("beneficiaries", 1))
    ranks = range(1, count + 1) if count > 1 else (rank,)
    rights = _rights(scenario, care)
    return {
        "service": "adri",
        "status": "ok",
        "reference": f"ADRI-{seq:06d}",
        "query": query,
        "care_date": care.isoformat(),
        "beneficiaries": [{"nir": nir, "rank": rank, **rights, "coverage": _coverage(scenario)} for rank in ranks],
        "marking": "facture-adri" if scenario.params.get("marking") else None,
    }


def presented_identity(value: Any) -> JsonObject | None:
    """The identity the ApCV phone presents (control API's ``identity``; None: the registry's default), checked
    as a valid context will answer it: a NIR, a rank (1 when not given), names and a birth date (``null``:
    unknown; a patient fixture may give no NIR), so a client is never served a context « valid » with values of
    another shape."""
    if value is None:
        return None
    who = _object(value, "identity")
    if who.get("nir") is not None:
        nir_value(who["nir"], "identity.nir")
    rank = _rank(who, "identity.rank")
    for name in ("name", "first_name"):
        _optional_text(who.get(name), f"identity.{name}")
    if who.get("birth_date") is not None:
        birth_date(who["birth_date"], "identity.birth_date")
    return {**who, "rank": rank}


def apcv(scenario: Scenario, request: JsonObject, seq: int, now: datetime, identity: JsonObject) -> JsonObject:
    """ApCV: the context the phone presented (QR code or NFC): identity and rights, or why there is none."""
    if scenario.answer == "error":
        return error_answer(scenario)
    channel = _one_of(request, "channel", "qr", ("qr", "nfc"))
    status = str(scenario.params.get("status", "valid"))
    answer: JsonObject = {"service": "apcv", "status": status, "channel": channel, "context_id": f"APCV-{seq:06d}"}
    if status == "refused":
        return {**answer, "reason": t(str(scenario.params.get("reason", "application carte Vitale désactivée")))}
    expires = now + timedelta(minutes=int(scenario.params.get("expires_minutes", 10)))
    answer["expires"] = expires.astimezone(UTC).isoformat(timespec="seconds")
    if status != "valid":
        return answer
    care = _care_date(request, now.date())
    keys = ("nir", "rank", "name", "first_name", "birth_date")
    return {
        **answer,
        "identity": {k: identity.get(k) for k in keys},
        "rights": {**_rights(scenario, care), "coverage": _coverage(scenario)},
    }


#: The sexes of the INS referential's traits: male, female, undetermined.
INSI_SEXES = ("M", "F", "I")


def _trait_text(traits: JsonObject, name: str, required: bool) -> str | None:
    """A trait's text; an absent (or null) one is refused only when ``required``, said as absent, not « null »."""
    value = traits.get(name)
    if value is None:
        if required:
            raise BadRequest(f"traits.{name} : absent (texte attendu)")
        return None
    if isinstance(value, str) and not value.strip():
        raise BadRequest(f"traits.{name} : texte vide")
    if not isinstance(value, str):
        raise BadRequest(f"traits.{name} : texte attendu, reçu « {received(value)} »")
    return value


def _traits(request: JsonObject) -> JsonObject:
    """The traits an INSi search needs: birth name, sex, birth date (a first name and a birth place when known);
    a search on fewer would find anyone, which the real service refuses as well."""
    traits = _object(request.get("traits"), "traits")
    for name in ("first_name", "birth_place"):
        _trait_text(traits, name, required=False)
    _trait_text(traits, "birth_name", required=True)
    sex = traits.get("sex")
    if sex is None:
        raise BadRequest("traits.sex : absent (« M », « F » ou « I » attendu)")
    if sex not in INSI_SEXES:
        raise BadRequest(f"traits.sex : « M », « F » ou « I » attendu, reçu « {received(sex)} »")
    born = traits.get("birth_date")
    if born is None:
        raise BadRequest("traits.birth_date : absent (date ISO attendue)")
    iso_date(born, "traits.birth_date")
    return traits


def _nir(request: JsonObject) -> str:
    """The request's NIR, when it gives one, as the INS it is: 15 characters. INSi takes the NIR with its key or
    without it (13 characters: the key is computed); a key given is not checked (the casebooks' test NIRs need
    not have a right one)."""
    nir = request.get("nir")
    if nir is None or nir == "":
        return ""
    return nir_with_key(nir_value(nir, "nir"))


def insi(scenario: Scenario, request: JsonObject) -> JsonObject:
    """INSi: the identities found for the traits (0, 1 or several); one is what qualifies an identity."""
    if scenario.answer == "error":
        return error_answer(scenario)
    traits, nir = _traits(request), _nir(request)
    count = int(scenario.params.get("count", 1))
    identities = []
    for i in range(count):
        ins = nir if nir and i == 0 else with_key(f"2999900000{i:03d}")  # another person with the same traits
        identities.append(
            {
                "ins": ins,
                "oid": INS_TEST_OID,
                "birth_name": traits.get("birth_name"),
                "first_name": traits.get("first_name"),
                "sex": traits.get("sex"),
                "birth_date": traits.get("birth_date"),
                "birth_place": traits.get("birth_place") or ("75056" if i == 0 else "69123"),
            }
        )
    status = "found" if count == 1 else "several" if count > 1 else "not-found"
    return {"service": "insi", "status": status, "identities": identities}


def eprescription(scenario: Scenario, request: JsonObject) -> JsonObject:
    """e-prescription: the prescription of that number, with its lines and prescriber."""
    if scenario.answer == "error":
        return error_answer(scenario)
    number = request.get("number")
    if not isinstance(number, str) or not number:
        raise BadRequest("number : numéro d'ordonnance attendu")
    if scenario.answer == "not-found":
        return {"service": "eprescription", "status": "not-found", "number": number}
    return {
        "service": "eprescription",
        "status": "found",
        "prescription": {
            "number": number,
            "date": scenario.params.get("date"),
            "prescriber": dict(scenario.params.get("prescriber", {})),
            "lines": [dict(line) for line in scenario.params.get("lines", ())],
        },
    }
