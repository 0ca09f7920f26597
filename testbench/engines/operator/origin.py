"""Where an observed value comes from, in words: one sentence for the report and the workstation.

« observé 163.80 — lot 000015.b2, enregistrement 3, colonnes 45–52 » for an extracted value; a
correction says so, with the value that was read, where, and the operator's reason. Values of other
sources (an engine's result, a value keyed in) have no provenance and no sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from testbench.extract.model import Provenance


def origin_text(value: str, provenance: Mapping[str, Any] | None, t: Callable[[str], str]) -> str:
    """The sentence for ``value`` (already formatted for the reader) read at ``provenance``; "" without one."""
    if not provenance:
        return ""
    where = Provenance.from_dict(provenance).describe(t)
    correction = provenance.get("correction")
    if isinstance(correction, Mapping):
        text = t("corrigé par l'opérateur : {value} au lieu de {extracted} lu dans {where}").format(
            value=value, extracted=correction.get("extracted", ""), where=where
        )
        reason = str(correction.get("reason") or "")
        return text + (t(" — motif : {reason}").format(reason=reason) if reason else "")
    return t("observé {value} — {where}").format(value=value, where=where)
