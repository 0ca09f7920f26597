"""Act codes a pricing table does not know, or does not price at the date of care: a warning, never an error.

An invoice line whose LPP code or NGAP letter key is in no table of the reference engine, and that pins no
tariff, is refused ``UNKNOWN_CODE`` when the reference engine runs it (``NO_TARIFF_AT_DATE`` when the code is
known but has no tariff at that date): the author would learn of a mistyped code only then. Yet an editor's
casebook may rightly bill a code our tables lack (the product under test is the editor's application, run
through its own engine), so ``validate`` warns, naming the closest known codes, and the casebook stays valid.
The known codes are given by the caller (the engines are a layer above).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from testbench.casebook.lazy import CaseParts
from testbench.i18n import _t

Report = Callable[..., None]
REFUSAL = "UNKNOWN_CODE"
NO_TARIFF = "NO_TARIFF_AT_DATE"
#: A code of the nomenclature's shape (checks.py refuses the others): only those are looked up
_SHAPES = {"LPP": re.compile(r"\d{7}"), "NGAP": re.compile(r"[A-Z]{1,5}")}
#: How alike a known code must be to be offered: a 7-digit LPP code differing by one digit or a swap scores 0.86,
#: a letter key one letter off (AMJ, AMI) 0.67
_CUTOFF = {"LPP": 0.8, "NGAP": 0.6}
_UNKNOWN = _t(
    "attention : code {nomenclature} « {code} » absent des tables du moteur de référence : sans tarif sur la ligne"
    " (attribut tariff), ce moteur le refusera ({refusal}){near}"
)
_NO_TARIFF = _t(
    "attention : code {nomenclature} « {code} » sans tarif au {day} dans les tables du moteur de référence : sans"
    " tarif sur la ligne (attribut tariff), ce moteur le refusera ({refusal})"
)
_NEAR = _t(" — vouliez-vous dire {codes} ?")
_QUOTED = _t("« {name} »")


@dataclass(frozen=True)
class KnownCodes:
    """The codes a pricing table knows, by nomenclature (``LPP``, ``NGAP``)."""

    codes: dict[str, frozenset[str]]
    #: whether the table has a tariff of a known code at a date of care (None: every date is priced)
    priced_at: Callable[[str, str, date], bool] | None = None

    @classmethod
    def of(
        cls, pairs: Iterable[tuple[str, str]], priced_at: Callable[[str, str, date], bool] | None = None
    ) -> KnownCodes:
        """From (nomenclature, code) pairs, as the reference engine's tables key their tariffs."""
        by_nomenclature: dict[str, set[str]] = {}
        for nomenclature, code in pairs:
            by_nomenclature.setdefault(nomenclature, set()).add(code)
        return cls({name: frozenset(codes) for name, codes in by_nomenclature.items()}, priced_at)

    def knows(self, nomenclature: str, code: str) -> bool:
        return code in self.codes.get(nomenclature, frozenset())

    def near(self, nomenclature: str, code: str) -> list[str]:
        """The known codes closest to ``code`` (three at most, closest first)."""
        import difflib  # only for a hint: a run never needs it

        known = sorted(self.codes.get(nomenclature, ()))
        return difflib.get_close_matches(code, known, n=3, cutoff=_CUTOFF.get(nomenclature, 0.6))


def check_act_codes(parts: CaseParts, codes: KnownCodes, warn: Report) -> None:
    """Warn at each invoice line billing, without a tariff of its own, a code ``codes`` lacks or does not price at
    the line's date of care, unless the step expects that refusal (``UNKNOWN_CODE``, ``NO_TARIFF_AT_DATE``): the
    case tests it."""
    expected = parts.expectations
    refused = {attrs.get("step"): attrs.get("code") for kind, _id, attrs, _at in expected if kind == "refusal"}
    for action, sid, params, _at, line_offsets, _text, _observe in parts.steps:
        if action != "invoice":
            continue
        refusal = refused.get(sid)
        for line, at in zip(params.get("lines", ()), line_offsets, strict=False):
            nomenclature, code = line.get("nomenclature", ""), line.get("code", "")
            shape = _SHAPES.get(nomenclature)
            if "tariff" in line or shape is None or not shape.fullmatch(code):
                continue
            if not codes.knows(nomenclature, code):
                if refusal != REFUSAL:
                    _warn_unknown(nomenclature, code, at, codes, warn)
                continue
            day = _date(line.get("date") or params.get("care-date", ""))  # the date the engine prices the line at
            priced = codes.priced_at is None or day is None or codes.priced_at(nomenclature, code, day)
            if not priced and refusal != NO_TARIFF:
                said = day.isoformat() if day else ""
                warn(at, _NO_TARIFF, "code", nomenclature=nomenclature, code=code, day=said, refusal=NO_TARIFF)


def _warn_unknown(nomenclature: str, code: str, at: int, codes: KnownCodes, warn: Report) -> None:
    near = codes.near(nomenclature, code)

    def hint(t: Callable[[str], str]) -> str:
        return t(_NEAR).format(codes=", ".join(t(_QUOTED).format(name=c) for c in near)) if near else ""

    warn(at, _UNKNOWN, "code", nomenclature=nomenclature, code=code, near=hint, refusal=REFUSAL)


def _date(text: str) -> date | None:
    """The date of care, or None when the schema refuses it (and says so)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


__all__ = ["KnownCodes", "check_act_codes"]
