"""The closed vocabularies of casebook format version 1, shared by the loader and its docs.

The words the casebook shares with the runner and the engines (actions, observation paths, refusal
codes) are in :mod:`testbench.domain.vocabulary`; this module keeps what only the format has.
"""

from __future__ import annotations

import re

from testbench.casebook.model import Domain, Mode
from testbench.domain.vocabulary import TRACE_CHANNELS as TRACE_CHANNELS  # one owner: domain

FORMAT_VERSION = "1"
NAMESPACE = "urn:testbench:casebook:1"

#: A case id as the schema's ``Id`` type allows it (80 characters at most): checked before a case is written.
CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,79}")

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
