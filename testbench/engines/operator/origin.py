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
from testbench.i18n import _t

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
    read = value
    if isinstance(correction, Mapping):
        read = quote(correction.get("extracted", ""))
        text = t("corrigé par l'opérateur : {value} au lieu de {extracted} lu dans {where}").format(
            value=value, extracted=read, where=where
        )
        reason = str(correction.get("reason") or "")
        text += t(" — motif : {reason}").format(reason=reason) if reason else ""
    else:
        text = t("observé {value} — {where}").format(value=value, where=where)
    return text + conflict_text(provenance.get("conflict"), read, t, quote, corrected=isinstance(correction, Mapping))


#: why the value read was kept over the others the product gave for the same path (engines.operator.assisted._chosen)
RULES = {
    "file": _t("un fichier du logiciel l'emporte sur son journal"),
    "newest": _t("le fichier le plus récent l'emporte"),
    "first": _t("dans un même fichier, la première valeur l'emporte"),
    "latest": _t("la ligne de journal la plus récente l'emporte"),
}


def conflict_text(
    conflict: Any, read: str, t: Callable[[str], str], quote: Callable[[Any], str] = str, *, corrected: bool = False
) -> str:
    """« — 2 valeurs différentes lues : 33,60 € retenue ici (un fichier du logiciel l'emporte sur son journal) ;
    autres : 30,00 € (lu dans gestpsad.log, ligne capturée à 11:00:03.128 UTC (heure du journal : …), colonnes
    65–69) », after the sentence of a value the product gave several ways (``read``: the value kept, formatted); ""
    when it gave one. ``corrected``: the operator's value was kept instead, so the one read is not said kept."""
    if not isinstance(conflict, Mapping) or not conflict.get("others"):
        return ""
    others = [
        t("{value} (lu dans {where})").format(
            value=quote(other.get("value", "")), where=Provenance.from_dict(other.get("provenance") or {}).describe(t)
        )
        for other in conflict["others"]
        if isinstance(other, Mapping)
    ]
    if corrected:
        return t(" — {count} valeurs différentes lues : {kept} lue dans ce fichier ; autres : {others}").format(
            count=1 + len(others), kept=read, others=" ; ".join(others)
        )
    why = ", ".join(t(RULES[rule]) for rule in conflict.get("rules") or () if rule in RULES)
    return t(" — {count} valeurs différentes lues : {kept} retenue ici ({why}) ; autres : {others}").format(
        count=1 + len(others), kept=read, why=why, others=" ; ".join(others)
    )
