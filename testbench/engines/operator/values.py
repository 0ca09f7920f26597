"""What a person keys, recorded as the bench records what it reads: a decimal with a dot.

An operator keys an amount as the screen writes it (« 5,90 »); recorded so, the book would show it as typed
beside the expected amount in money (« 5,90 » next to « 5,90 € », or "€5.90" in English). A manual step's
values and an operator-mode step's are recorded as an extractor writes a value (« 5.90 »), by the one rule an
extractor and an assisted-mode correction follow (:func:`~testbench.extract.values.normalise_decimal`), so that
the session, the comparison and the book read them as money in the reader's language. A value that is no
decimal stays as keyed (its comparison then says so). A boolean keyed in either language (« oui », "yes") is
recorded as the casebook writes it (« true »), so that the book says it in the reader's language; so is a status
keyed as a person says it (« sécurisée », "secured", « securisee »: the engine's word ``secured``), so that a French
operator is never asked to type an English word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from testbench.casebook.model import Case, ExpectationKind
from testbench.domain.attestation import Attestation
from testbench.domain.decimals import units_at
from testbench.domain.vocabulary import is_amount, is_rate
from testbench.extract.values import normalise_decimal
from testbench.fmt import STATUS_LABELS, parse_boolean
from testbench.i18n import translator


def _types(case: Case, path: str) -> set[str]:
    return {e.value_type for e in case.expectations if e.kind is ExpectationKind.VALUE and e.path == path}


def decimal_path(case: Case, path: str) -> bool:
    """Whether a value keyed at ``path`` is a decimal: every value expectation of the case on it says
    ``type="decimal"``; with none, its name says an amount or a rate (``manual.paper_total``, ``totals.amo``)."""
    types = _types(case, path)
    return types == {"decimal"} if types else is_amount(path) or is_rate(path)


def keyed_value(case: Case, path: str, value: str) -> str:
    """``value`` keyed at ``path`` as the session records it: a decimal written with a dot (« 5,90 », "€5.90" →
    « 5.90 »), a boolean as the casebook writes it (« oui », "yes" → « true »); anything else as keyed."""
    if decimal_path(case, path):
        return normalise_decimal(value, units_at(path))
    if _types(case, path) == {"boolean"} and (flag := parse_boolean(value)) is not None:
        return "true" if flag else "false"
    return status_keyed(path, value) or value


def status_keyed(path: str, value: str) -> str | None:
    """The engine's status word (:data:`~testbench.fmt.STATUS_LABELS`) ``value`` says at ``path``: the word itself,
    or its words in French or English, whatever the case, accents or quotes (« Sécurisée », "secured",
    « securisee » → ``secured``); None for any other value (recorded as keyed: its comparison then says so)."""
    keyed = _folded(value)
    english = translator("en")
    for word, label in STATUS_LABELS.get(path, {}).items():
        if keyed in {_folded(word), _folded(label), _folded(english(label))}:
            return word
    return None


def _folded(text: str) -> str:
    """``text`` without its case, accents and surrounding quotes or spaces, to compare words a person keyed."""
    bare = unicodedata.normalize("NFKD", text.strip().strip("«»\"'“”‘’ \u00a0\u202f")).casefold()
    return "".join(char for char in bare if not unicodedata.combining(char))


def as_recorded(case: Case, attestation: Attestation, root: str = "") -> Attestation:
    """``attestation`` with its decimals written with a dot; its other values as keyed. ``root``: the engine
    call's root of an operator-mode step, whose values a prepared file may name without it (« totals.amo »)."""
    prefix = f"{root}." if root else ""
    values = {
        name: keyed_value(case, name if name.startswith(prefix) else prefix + name, value) if isinstance(value, str)
        else value
        for name, value in attestation.values.items()
    }
    return attestation if values == attestation.values else replace(attestation, values=values)
