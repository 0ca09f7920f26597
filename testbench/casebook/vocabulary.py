"""The closed vocabularies of casebook format version 1, shared by the loader and its docs.

The words the casebook shares with the runner and the engines (actions, observation paths, refusal
codes) are in :mod:`testbench.domain.vocabulary`; this module keeps what only the format has.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from testbench.casebook.model import Domain, Mode
from testbench.domain.vocabulary import TRACE_CHANNELS as TRACE_CHANNELS  # one owner: domain
from testbench.i18n import _t

FORMAT_VERSION = "1"
NAMESPACE = "urn:testbench:casebook:1"

#: A case id as the schema's ``Id`` type allows it (80 characters at most): checked before a case is written.
CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,79}")
#: What :data:`CASE_ID` accepts, as a refusal words it (the schema's own message says the same: xsd_messages).
CASE_ID_RULE = _t(
    "80 caractères au plus, commençant par une lettre ou un chiffre : lettres sans accent, chiffres, « . », « _ »,"
    " « : », « - »"
)
_ID_ACCENTED = _t("« {char} » est une lettre accentuée")
_ID_SPACE = _t("il contient un espace")
_ID_FIRST = _t("il commence par « {char} »")
_ID_CHARACTER = _t("« {char} » n'est pas permis")
_ID_LONG = _t("il a {count} caractères")


def case_id_fault(case_id: str, t: Callable[[str], str]) -> str:
    """Why ``case_id`` (not empty) is no case id, first fault first, naming the character at fault, in ``t``'s
    language: « É-1 » or « -A » refused with the rule alone leaves the person to find the É or the leading « - »."""
    for char in case_id:
        if char.isalpha() and not char.isascii():
            plain = unicodedata.normalize("NFD", char)[0].isascii()  # « é » is « e » and an accent
            return t(_ID_ACCENTED if plain else _ID_CHARACTER).format(char=char)
    if " " in case_id:
        return t(_ID_SPACE)
    if not (case_id[0].isascii() and case_id[0].isalnum()):
        return t(_ID_FIRST).format(char=_visible(case_id[0]))
    for char in case_id:
        if not (char.isascii() and (char.isalnum() or char in "._:-")):
            return t(_ID_CHARACTER).format(char=_visible(char))
    return t(_ID_LONG).format(count=len(case_id))


def _visible(char: str) -> str:
    """A character as a refusal quotes it: a tab, a no-break space or a control as ``⟨U+00A0⟩``, seen."""
    return char if char.isprintable() and not char.isspace() else f"⟨U+{ord(char):04X}⟩"

#: Accepted spellings of a mode (the French accented ones included).
MODE_SPELLINGS: dict[str, Mode] = {
    "securise": Mode.SECURISE,
    "sécurisé": Mode.SECURISE,
    "degrade": Mode.DEGRADE,
    "dégradé": Mode.DEGRADE,
    "sesam-sans-vitale": Mode.SESAM_SANS_VITALE,
    "none": Mode.NONE,
}

DOMAINS: dict[str, Domain] = {d.value: d for d in Domain}

VALUE_TYPES: tuple[str, ...] = ("decimal", "integer", "string", "date", "boolean")
SLOTS: tuple[str, ...] = ("vitale", "cps")

#: Attribute defaults the loader writes into ``Step.params`` so the runner never guesses.
STEP_DEFAULTS: dict[str, dict[str, str]] = {
    "verify-pin": {"slot": "cps"},
    "change-pin": {"slot": "cps"},
    "unblock-pin": {"slot": "cps"},
    "invoice": {"tiers-payant": "none"},
}
LINE_DEFAULTS: dict[str, str] = {"coefficient": "1", "ald": "false"}
