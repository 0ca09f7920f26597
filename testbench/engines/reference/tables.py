"""Tariff, rate and withholding tables, each entry valid over ``[valid_from, valid_to)``.

Every figure the rules use comes from here and is chosen by the date of care (FIDES RG_VF630: the
price reference date is the execution date of each prestation). The bundled tables
(``data/tables.json``) hold public example values (docs/reference-engine.md, « Tables »); ``lpp_import`` loads the
public LPP formats into the same objects.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from testbench.engines.reference.money import parse_decimal

FAR_FUTURE = date(9999, 12, 31)
FAR_PAST = date(1, 1, 1)  # the start of a row whose true start is not known (``valid_from: null``)
TABLES_FORMAT = "testbench-billing-tables/1"


@dataclass(frozen=True)
class TariffEntry:
    """One tariff of an LPP code or an NGAP letter key, valid over a period."""

    nomenclature: str  # LPP | NGAP
    code: str
    valid_from: date
    valid_to: date
    tariff: Decimal  # LPP: tarif de responsabilité; NGAP: letter-key value
    plv: Decimal | None = None  # LPP prix limite de vente; None = no PLV (free price)
    category: str = "lpp"  # rate category: lpp | auxiliaire | medecin | ...
    label: str = ""
    prestation: str = ""  # B2 prestation code (AAD, PPC, AMI...)
    lpp_type: str = ""  # A/L/S/V/R/E for LPP
    franchise: bool = False  # an act that bears the franchise médicale (auxiliaries)
    pf: bool = False  # an act that bears the participation forfaitaire (physicians, biology, radiology)
    #: LPP: the rental-duration code of the forfait (hebdomadaire, mensuel, journalier), "" when not a rental
    rental_code: str = ""
    #: LPP: the cumulative rental weeks this code covers, (first, last); last None = no end
    rental_weeks: tuple[int, int | None] | None = None
    travel: bool = False  # NGAP: a travel allowance (IFD, IK), not an act
    majoration: str = ""  # NGAP: a majoration that follows its act ("acte-unique", "coordination")
    #: NGAP: values other than the métropole one, by variant ("dom", "montagne", "dom+pied-ski"...)
    variants: dict[str, Decimal] = field(default_factory=dict, compare=False, hash=False)
    #: the period over which the bundled sources show this value in force (None: they do not say); a date of
    #: care outside it is priced with a warning (docs/reference-engine.md, « Tables »)
    attested_from: date | None = None
    attested_to: date | None = None

    @property
    def start_unknown(self) -> bool:
        """The row's true start is not in the sources (``valid_from: null``): it prices any earlier date."""
        return self.valid_from == FAR_PAST


@dataclass(frozen=True)
class RateEntry:
    """The AMO rate of a category and modulation over a period."""

    category: str
    modulation: str  # "" (standard), "alsace-moselle", "aspa"
    valid_from: date
    valid_to: date
    rate: Decimal  # percent
    unverified: bool = False  # no public text confirms it (billing-rules §3–4 [UNVERIFIED]): priced with a warning


@dataclass(frozen=True)
class WithholdingEntry:
    """A participation forfaitaire or franchise amount over a period, and its daily cap."""

    kind: str  # participation_forfaitaire | franchise
    valid_from: date
    valid_to: date
    amount: Decimal  # per act
    daily_cap: Decimal | None  # per professional, per patient, per day


class _Periods:
    """Entries of one key sorted by start date; lookup is a bisect (the engine must be fast)."""

    __slots__ = ("entries", "starts")

    def __init__(self) -> None:
        self.entries: list[Any] = []
        self.starts: list[date] = []

    def add(self, entry: Any) -> None:
        self.entries.append(entry)
        self.entries.sort(key=lambda e: e.valid_from)
        self.starts = [e.valid_from for e in self.entries]

    def at(self, when: date) -> Any | None:
        i = bisect_right(self.starts, when) - 1
        if i < 0:
            return None
        entry = self.entries[i]
        return entry if when < entry.valid_to else None


@dataclass
class Tables:
    """All parameter tables; build with :func:`load_bundled_tables` or :meth:`from_dict`."""

    tariffs: dict[tuple[str, str], _Periods] = field(default_factory=dict)
    rates: dict[tuple[str, str], _Periods] = field(default_factory=dict)
    withholdings: dict[str, _Periods] = field(default_factory=dict)
    ps_categories: dict[str, str] = field(default_factory=dict)  # ps_category -> default rate category
    regimes: dict[str, str] = field(default_factory=dict)  # code grand régime -> label; empty = not checked
    description: str = ""

    def add_tariff(self, entry: TariffEntry) -> None:
        self.tariffs.setdefault((entry.nomenclature, entry.code), _Periods()).add(entry)

    def add_tariffs(self, entries: Iterable[TariffEntry]) -> None:
        for entry in entries:
            self.add_tariff(entry)

    def add_rate(self, entry: RateEntry) -> None:
        self.rates.setdefault((entry.category, entry.modulation), _Periods()).add(entry)

    def add_withholding(self, entry: WithholdingEntry) -> None:
        self.withholdings.setdefault(entry.kind, _Periods()).add(entry)

    def knows(self, nomenclature: str, code: str) -> bool:
        return (nomenclature, code) in self.tariffs

    def tariff(self, nomenclature: str, code: str, when: date) -> TariffEntry | None:
        periods = self.tariffs.get((nomenclature, code))
        return periods.at(when) if periods else None

    def rate(self, category: str, when: date, modulation: str = "") -> Decimal | None:
        entry = self.rate_entry(category, when, modulation)
        return entry.rate if entry else None

    def rate_entry(self, category: str, when: date, modulation: str = "") -> RateEntry | None:
        periods = self.rates.get((category, modulation))
        return periods.at(when) if periods else None

    def withholding(self, kind: str, when: date) -> WithholdingEntry | None:
        periods = self.withholdings.get(kind)
        return periods.at(when) if periods else None

    def category_for(self, nomenclature: str, ps_category: str) -> str:
        if nomenclature == "LPP":
            return "lpp"
        return self.ps_categories.get(ps_category, "auxiliaire")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tables:
        if data.get("format") != TABLES_FORMAT:
            raise ValueError(f"unknown tables format {data.get('format')!r} (expected {TABLES_FORMAT})")
        tables = cls(
            ps_categories=dict(data.get("ps_categories", {})),
            regimes=dict(data.get("regimes", {})),
            description=data.get("description", ""),
        )
        for row in data.get("lpp", []):
            tables.add_tariff(
                TariffEntry(
                    nomenclature="LPP",
                    code=row["code"],
                    valid_from=_start(row),
                    valid_to=_d(row.get("valid_to")),
                    tariff=parse_decimal(row["tariff"]),
                    plv=_plv(row.get("plv")),
                    category=row.get("category", "lpp"),
                    label=row.get("label", ""),
                    prestation=row.get("prestation", ""),
                    lpp_type=row.get("type", ""),
                    rental_code=row.get("rental_code", ""),
                    rental_weeks=_weeks(row.get("rental_weeks")),
                    **_attested(row),
                )
            )
        for row in data.get("ngap", []):
            tables.add_tariff(
                TariffEntry(
                    nomenclature="NGAP",
                    code=row["code"],
                    valid_from=_start(row),
                    valid_to=_d(row.get("valid_to")),
                    tariff=parse_decimal(row["value"]),
                    category=row.get("category", "auxiliaire"),
                    label=row.get("label", ""),
                    prestation=row.get("prestation", row["code"]),
                    franchise=bool(row.get("franchise", False)),
                    pf=bool(row.get("pf", False)),
                    travel=bool(row.get("travel", False)),
                    majoration=row.get("majoration", ""),
                    variants={k: parse_decimal(v) for k, v in row.get("variants", {}).items()},
                    **_attested(row),
                )
            )
        for row in data.get("rates", []):
            tables.add_rate(
                RateEntry(
                    category=row["category"],
                    modulation=row.get("modulation", ""),
                    valid_from=_d(row["valid_from"]),
                    valid_to=_d(row.get("valid_to")),
                    rate=parse_decimal(row["rate"]),
                    unverified=bool(row.get("unverified", False)),
                )
            )
        for row in data.get("withholdings", []):
            cap = row.get("daily_cap")
            tables.add_withholding(
                WithholdingEntry(
                    kind=row["kind"],
                    valid_from=_d(row["valid_from"]),
                    valid_to=_d(row.get("valid_to")),
                    amount=parse_decimal(row["amount"]),
                    daily_cap=parse_decimal(cap) if cap is not None else None,
                )
            )
        return tables

    @classmethod
    def from_file(cls, path: Path) -> Tables:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _d(value: str | None) -> date:
    return date.fromisoformat(value) if value else FAR_FUTURE


def _start(row: dict[str, Any]) -> date:
    """A tariff row's start; ``null`` when the sources do not give it (never a date made up to fill the gap)."""
    return date.fromisoformat(row["valid_from"]) if row["valid_from"] is not None else FAR_PAST


def _attested(row: dict[str, Any]) -> dict[str, date | None]:
    return {
        key: date.fromisoformat(row[key]) if row.get(key) else None for key in ("attested_from", "attested_to")
    }


def _weeks(value: Any) -> tuple[int, int | None] | None:
    if value is None:
        return None
    first, last = value
    return int(first), (int(last) if last is not None else None)


def _plv(value: Any) -> Decimal | None:
    """PLV 0 or absent means "no PLV" (as LPP_PRU = 0 in the SNDS table)."""
    if value is None:
        return None
    amount = parse_decimal(value)
    return amount if amount > 0 else None


_BUNDLED: Tables | None = None


def load_bundled_tables() -> Tables:
    """The tables shipped with the package (public example values; see docs/reference-engine.md)."""
    global _BUNDLED
    if _BUNDLED is None:
        text = resources.files("testbench.engines.reference").joinpath("data/tables.json").read_text("utf-8")
        _BUNDLED = Tables.from_dict(json.loads(text))
    return _BUNDLED
