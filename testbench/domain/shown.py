"""How a value at an observation path reads for a person: :func:`fmt.typed` (oui/non, money, grouped numbers)
and an engine's known status words in the person's language. One map for the workstation and the exam book."""

from __future__ import annotations

from typing import Any

from testbench import fmt
from testbench.domain.vocabulary import is_amount
from testbench.i18n import _t, translator

#: An engine's status word (``pin.status`` = ``verified``) as a person reads it, as a boolean reads oui/non: the
#: session and the casebook keep the engine's word; one not listed is shown as recorded
STATUS_LABELS: dict[str, dict[str, str]] = {
    "pin.status": {"verified": _t("vérifié"), "changed": _t("changé"), "unblocked": _t("débloqué")},
    "insi.status": {"found": _t("trouvé"), "not-found": _t("non trouvé"), "several": _t("plusieurs")},
    "apcv.status": {"valid": _t("valide")},
    "returns.status": {
        "accepted": _t("accepté"),
        "rejected": _t("rejeté"),
        "paid": _t("payé"),
        "partial": _t("partiel"),
    },
}


def status_word(path: str, item: Any, lang: str | None = None) -> str | None:
    """An engine's known status word at ``path`` in the person's language; None for any other value."""
    label = STATUS_LABELS.get(path, {}).get(item) if isinstance(item, str) else None
    return None if label is None else translator(lang)(label)


def shown_value(path: str, value_type: str, item: Any, lang: str | None = None) -> str:
    """An expected or observed value at ``path`` as the views show it: :func:`fmt.typed` (oui/non, money), an
    engine's known status word in the person's language."""
    word = status_word(path, item, lang)
    return word if word is not None else fmt.typed(value_type, item, lang, is_amount(path))
