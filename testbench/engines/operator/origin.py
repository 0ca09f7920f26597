"""Where an observed value comes from, in words: one sentence for the report and the workstation.

« observé 163.80 — lot 000015.b2, enregistrement 3, colonnes 45–52 » for an extracted value; a
correction says so, with the value that was read, where, and the operator's reason; a value the operator
keyed in (operator mode, a manual step) « saisi par l'opérateur : 33,60 € ». An engine's result has no
provenance and no sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from testbench import fmt
from testbench.domain.vocabulary import is_amount, is_rate
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


#: a value the operator keyed in (operator mode, a manual step), said as a correction is: it has no provenance
KEYED = _t("saisi par l'opérateur : {value}")


def keyed(path: str, value: Any, source: str) -> bool:
    """Whether a value of ``source`` at ``path`` is one the operator keyed in, which :func:`origin_text` says so:
    not who performed the step nor their note (``operator``, ``operator_note``), not a field left empty."""
    who = path.rpartition(".")[2] in ("operator", "operator_note")
    return source == "operator" and not who and value not in (None, "")


def quoted(path: str, value: Any, lang: str | None = None, value_type: str = "") -> str:
    """An observed value as :func:`origin_text` quotes it, as the value column beside it shows it: an amount as
    money (« observé 3 112,46 € — FSE_…xml, ligne 9 »), a decimal (``value_type``, else a rate by its name) as
    the language writes numbers (« 60,0 »), a boolean oui/non (« true », as recorded), anything else as the
    language writes it; an engine's known status word in words (« sécurisée » for ``secured``), as the value column
    says it (:func:`fmt.status_word`)."""
    word = fmt.status_word(path, value, lang)
    if word is not None:
        return word
    if isinstance(value, str):
        if is_amount(path):
            return fmt.money(value, lang)
        if value_type in ("", "boolean") and value in ("true", "false"):
            return fmt.yes_no(value == "true", lang)
        if value_type == "decimal" or (not value_type and is_rate(path)):
            return fmt.number(value, lang)
    return fmt.value(value, lang)


def origin_text(
    value: str,
    provenance: Mapping[str, Any] | None,
    t: Callable[[str], str],
    *,
    quote: Callable[[Any], str] = str,
    written: str = "",
    redacted: bool = True,
    keyed: bool = False,
) -> str:
    """The sentence for ``value`` (already formatted for the reader) read at ``provenance``; without one, the
    operator's if ``keyed`` (:func:`keyed`: the bench did not read it, a person typed it), else "".
    ``quote`` formats the value a correction replaced as ``value`` was (:func:`quoted`).

    ``written``: the SHA-256 of the file as the software wrote it, when the copy a reader has of it (the exam
    book's: ``redacted``, or only its PIN codes masked) may have its bytes elsewhere: the byte offset and columns
    are then said to be counted in the file as written."""
    if not provenance:
        return t(KEYED).format(value=value) if keyed else ""
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
