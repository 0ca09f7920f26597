"""Where an observed value comes from, in words: one sentence for the report and the workstation.

« observé 163.80 — lot 000015.b2, enregistrement 3, colonnes 45–52 » for an extracted value; a
correction says so, with the value that was read, where, and the operator's reason. Values of other
sources (an engine's result, a value keyed in) have no provenance and no sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from testbench import fmt
from testbench.domain.vocabulary import is_amount
from testbench.extract.model import Provenance

#: said after where a value was read when the reader's copy of the file (the exam book's) may have its bytes elsewhere
WRITTEN_REDACTED = (
    "(octets et colonnes du fichier tel que le logiciel l'a écrit, SHA-256 {sha256} ; "
    "la copie jointe est anonymisée, ses octets peuvent être décalés)"
)
WRITTEN_PIN_MASKED = (  # a book built without redaction (--no-redact) still masks PIN codes
    "(octets et colonnes du fichier tel que le logiciel l'a écrit, SHA-256 {sha256} ; "
    "la copie jointe a un code PIN masqué, ses octets peuvent être décalés)"
)


def quoted(path: str, value: Any, lang: str | None = None) -> str:
    """An observed value as :func:`origin_text` quotes it, as the value column beside it shows it: an amount as
    money (« observé 3 112,46 € — FSE_…xml, ligne 9 »), anything else as the language writes it."""
    if isinstance(value, str) and is_amount(path):
        return fmt.money(value, lang)
    return fmt.value(value, lang)


def origin_text(
    value: str,
    provenance: Mapping[str, Any] | None,
    t: Callable[[str], str],
    *,
    quote: Callable[[Any], str] = str,
    written: str = "",
    redacted: bool = True,
) -> str:
    """The sentence for ``value`` (already formatted for the reader) read at ``provenance``; "" without one.
    ``quote`` formats the value a correction replaced as ``value`` was (:func:`quoted`).

    ``written``: the SHA-256 of the file as the software wrote it, when the copy a reader has of it (the exam
    book's: ``redacted``, or only its PIN codes masked) may have its bytes elsewhere: the byte offset and columns
    are then said to be counted in the file as written."""
    if not provenance:
        return ""
    where = Provenance.from_dict(provenance).describe(t)
    if written:
        where += " " + t(WRITTEN_REDACTED if redacted else WRITTEN_PIN_MASKED).format(sha256=written)
    correction = provenance.get("correction")
    if isinstance(correction, Mapping):
        text = t("corrigé par l'opérateur : {value} au lieu de {extracted} lu dans {where}").format(
            value=value, extracted=quote(correction.get("extracted", "")), where=where
        )
        reason = str(correction.get("reason") or "")
        return text + (t(" — motif : {reason}").format(reason=reason) if reason else "")
    return t("observé {value} — {where}").format(value=value, where=where)
