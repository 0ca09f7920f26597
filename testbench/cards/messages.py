"""The card layer's descriptions and guard sentences: composed in French, read back in English.

The bench records French (the session is read in either language later). A card's description
(« carte Vitale 2 de test « vitale2-c2s » de JEAN EXEMPLE (C2S) ») and the guard's sentence that
names two of them have optional parts and French grammar (article, elision), so the catalogue's
generic ``{name}`` templates cannot read them back: :data:`EN_SHAPES` does, with the closed word
lists below (families, natures, coverage flags). The English of every piece is an entry of the
message catalogue (context ``card``, kept out of the generic templates), keyed by the French
template this module composes with; their single-part pieces (the guard's problems, the prompts,
the bay's failures) are plain templates of the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from testbench.i18n import _t, semicolon, translator

NATURE_FR = {"T": "de test", "D": "de démonstration", "R": "réelle"}
FAMILY_FR = {"vitale1": "Vitale 1", "vitale2": "Vitale 2", "cps3": "CPS3", "cps4": "CPS4"}
FLAG_FR = {
    "ald": "ALD",
    "c2s": "C2S",
    "maternity": "maternité",
    "at_mp": "AT/MP",
    "alsace_moselle": "Alsace-Moselle",
    "ame": "AME",
}
UNKNOWN_FR = "inconnue"  # a family the ATR does not tell
VITALE_FR = "carte {family} {nature}"  # nature: one of NATURE_FR's adjectives
CPS_FR = "carte {type} ({family}) {nature}"
OTHER_NATURE_FR = "de nature « {code} »"  # a nature code outside NATURE_FR, after the card's words in English
UNREAD_NATURE_FR = _t("de nature non lue")  # a card read without its nature: not proven a test card (guard.py)
NATURE_UNREAD_REFUSED_FR = _t("nature de la carte non lue : seules les cartes de test sont admises")
ID_FR = "« {id} »"
HOLDER_FR = "de {who}"
HOLDER_ELIDED_FR = "d'{who}"  # before a vowel
UNREAD_FR = "carte {family} (ATR {atr})"  # a card the guard could not read (also « carte inconnue »)
MISMATCH_FR = "Le lecteur « {reader} » ({slot}) contient {article} {found} ; le cas attend la {expected}. Différences : {problems}."  # noqa: E501
REFUSED_FR = "Le lecteur « {reader} » ({slot}) contient {article} {found} : {problems}."
PROBLEM_SEPARATOR = " ; "
#: a refused card that is not a test card: that its holder is not the one expected, not who it is (guard.py)
HOLDER_WITHHELD_FR = "porteur autre que celui attendu (identité non enregistrée : ce n'est pas une carte de test)"


NATURE_CARD_FR = "carte {nature}"  # the nature alone, « carte de test » (catalogue context ``card``)
#: why the guard let a card of another nature than test through: the case expects that nature on a card the
#: bay emulates (no real person's card), or the run allowed real cards
EMULATED_FR = "carte {nature} émulée par le banc, que le cas attend"
ALLOWED_FR = "carte {nature} admise (--allow-real-cards)"


def nature_fr(code: str) -> str:
    """The nature as an adjective after « carte » (« de test », « réelle »), also for an unknown code."""
    return NATURE_FR.get(code) or (OTHER_NATURE_FR.format(code=code) if code else UNREAD_NATURE_FR)


def nature_words(code: str, lang: str | None = "fr") -> str:
    """A card's nature in words in ``lang``: « carte de test », « carte réelle » ("test card", "real card"); an
    unknown code after the noun, as a card's description puts it (« carte de nature « X » »)."""
    t = translator(lang)
    template = translator(lang, "card")(NATURE_CARD_FR)
    if code in NATURE_FR:
        return template.format(nature=t(NATURE_FR[code]))
    return template.format(nature="").strip() + " " + t(nature_fr(code))


#: ``cards record`` of a card that is not a test card: what its recording would hold of its holder, by family
#: (a Vitale holds the NIR and the birth date, a CPS the professional's RPPS and places of practice)
RECORD_REFUSED = {
    "vitale": _t(
        "{card} refusée : son enregistrement contiendrait l'identité de son porteur (NIR, nom, date de naissance) ;"
        " seules les cartes de test sont enregistrées, sauf avec --allow-real-cards ; rien n'a été écrit"
    ),
    "cps": _t(
        "{card} refusée : son enregistrement contiendrait l'identité de son porteur (RPPS, nom, FINESS de ses lieux"
        " d'exercice) ; seules les cartes de test sont enregistrées, sauf avec --allow-real-cards ; rien n'a été écrit"
    ),
}


def record_refused(nature: str, family: str, lang: str | None = None) -> str:
    """Why ``cards record`` refuses a card of ``nature`` and ``family`` (``vitale2``, ``cps3``…), in ``lang``."""
    card = nature_words(nature, lang)
    template = RECORD_REFUSED["cps" if family.startswith("cps") else "vitale"]
    return translator(lang)(template).format(card=card[:1].upper() + card[1:])


def accepted_why_fr(nature: str, allow_real: bool) -> str:
    """Why the guard accepted a card, in the bench's French: nothing to say of a test card (or of a card whose
    nature the check does not give); another nature passes only on a card the bay emulates and the case expects,
    or when the run allowed real cards (``allow_real``, the guard's record)."""
    if not nature or nature == "T":
        return ""
    return (ALLOWED_FR if allow_real else EMULATED_FR).format(nature=nature_fr(nature))


def of_person(first_name: str, name: str) -> str:
    """« de JEAN EXEMPLE », elided before a vowel: « d'ANNE MODELE »."""
    who = f"{first_name} {name}".strip()
    return (HOLDER_ELIDED_FR if who[:1].upper() in "AEIOUYÀÂÉÈÊËÎÏÔÛÙÜ" and who else HOLDER_FR).format(who=who)


def describe_vitale(
    family: str, nature: str, profile_id: str | None, holder: tuple[str, str] | None, flags: Iterable[str]
) -> str:
    """« carte Vitale 2 de test « vitale2-c2s » de JEAN EXEMPLE (C2S) »: family as in :data:`FAMILY_FR`,
    nature as a code, the holder as (first name, name), flags as codes (``ald``…)."""
    text = VITALE_FR.format(family=family, nature=nature_fr(nature))
    text += " " + ID_FR.format(id=profile_id) if profile_id else ""
    text += f" {of_person(*holder)}" if holder else ""
    labels = [FLAG_FR.get(f, f) for f in flags]
    return text + (f" ({', '.join(labels)})" if labels else "")


def describe_cps(
    card_type: str, family: str, nature: str, profile_id: str | None, holder: tuple[str, str, str] | None
) -> str:
    """« carte CPS (CPS3) de test « cps3-medecin » de JEAN EXEMPLE (Médecin) »; holder: first name, name,
    profession (a French domain term, kept in English)."""
    text = CPS_FR.format(type=card_type, family=family, nature=nature_fr(nature))
    text += " " + ID_FR.format(id=profile_id) if profile_id else ""
    return text + (f" {of_person(holder[0], holder[1])} ({holder[2]})" if holder else "")


def describe_unread(family: str | None, atr: bytes) -> str:
    """A card known only by its ATR: « carte Vitale 2 (ATR …) », « carte inconnue (ATR …) »."""
    return UNREAD_FR.format(family=FAMILY_FR.get(family or "", UNKNOWN_FR), atr=atr.hex(" ").upper())


# ---------------------------------------------------------------- reading them back in English

_OTHER_NATURE = OTHER_NATURE_FR.partition("{")[0]
_NATURE = "|".join(re.escape(v) for v in NATURE_FR.values()) + rf"|{_OTHER_NATURE}[^»]* »|{UNREAD_NATURE_FR}"
_FLAGS = "|".join(re.escape(v) for v in FLAG_FR.values())
_ID = r"(?: « (?P<id>[^»]+) »)?"
_WHO = r" (?:de |d')(?P<who>.+?)"
_FLAG_LIST = rf"(?: \((?P<flags>(?:{_FLAGS})(?:, (?:{_FLAGS}))*)\))?"
_VITALE = re.compile(rf"carte (?P<family>Vitale \d) (?P<nature>{_NATURE}){_ID}(?:{_WHO})?{_FLAG_LIST}")
_CPS = re.compile(
    rf"carte (?P<type>\S+) \((?P<family>CPS\d)\) (?P<nature>{_NATURE}){_ID}(?:{_WHO} \((?P<profession>.*)\))?"
)
_UNREAD = re.compile(r"carte (?P<family>Vitale \d|CPS\d|inconnue) \(ATR (?P<atr>[0-9A-F ]*)\)")
_ONE = r"Le lecteur « (?P<reader>.+?) » \((?P<slot>[^()]+)\) contient (?P<article>la|une) (?P<found>.+?)"
_MISMATCH = re.compile(_ONE + r" ; le cas attend la (?P<expected>.+?)\. Différences : (?P<problems>.+)\.", re.DOTALL)
_REFUSED = re.compile(_ONE + r" : (?P<problems>.+)\.", re.DOTALL)
_SEVERAL = re.compile(r"(?P<first>Le lecteur « .+?\.) (?P<rest>Le lecteur « .+)", re.DOTALL)

T = Callable[[str], str]
_EN = translator("en", "card")  # the English template of a French one (catalogue context ``card``)


def _card_en(template: str, m: re.Match[str], t: T, **parts: str) -> str:
    """The card's words in English: a nature adjective before the noun (the template's place for it), an
    unknown nature (« de nature « X » ») after the card's words."""
    nature = m["nature"]
    if nature.startswith(_OTHER_NATURE) or nature == UNREAD_NATURE_FR:
        return _EN(template).format(**parts, nature="").strip() + " " + t(nature)
    return _EN(template).format(**parts, nature=t(nature))


def _tail_en(m: re.Match[str]) -> str:
    """The profile id and the holder, after the card's words."""
    profile = " " + _EN(ID_FR).format(id=m["id"]) if m["id"] else ""
    return profile + (" " + _EN(HOLDER_FR).format(who=m["who"]) if m["who"] else "")


def _vitale_en(m: re.Match[str], t: T) -> str:
    flags = ", ".join(t(f) for f in m["flags"].split(", ")) if m["flags"] else ""
    return _card_en(VITALE_FR, m, t, family=m["family"]) + _tail_en(m) + (f" ({flags})" if flags else "")


def _cps_en(m: re.Match[str], t: T) -> str:
    card = _card_en(CPS_FR, m, t, type=m["type"], family=m["family"]) + _tail_en(m)
    return card + (f" ({m['profession']})" if m["who"] else "")


def _unread_en(m: re.Match[str], t: T) -> str:
    return _EN(UNREAD_FR).format(family=t(m["family"]), atr=m["atr"])


def _guard_en(template: str, m: re.Match[str], t: T) -> str:
    """A guard sentence: each card and each problem read back, the article by the card's English."""
    found = t(m["found"])
    article = _EN(m["article"])
    article = "an" if article == "a" and found[:1].lower() in "aeiou" else article
    problems = semicolon("en").join(t(p) for p in m["problems"].split(PROBLEM_SEPARATOR))
    expected = t(m["expected"]) if m.re.groupindex.get("expected") else ""  # the refusal names one card
    return _EN(template).format(
        reader=m["reader"], slot=m["slot"], article=article, found=found, expected=expected, problems=problems
    )


#: Read by ``testbench.i18n.english`` before its templates; several guard sentences first (one per card).
EN_SHAPES = (
    (_SEVERAL, lambda m, t: f"{t(m['first'])} {t(m['rest'])}"),
    (_MISMATCH, lambda m, t: _guard_en(MISMATCH_FR, m, t)),
    (_REFUSED, lambda m, t: _guard_en(REFUSED_FR, m, t)),
    (_VITALE, _vitale_en),
    (_CPS, _cps_en),
    (_UNREAD, _unread_en),
)
