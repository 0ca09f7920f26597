"""Loaders for the public LPP formats into :class:`TariffEntry` rows (docs/reference-engine.md, « Loading the
public LPP data »).

Public, documented formats:
- SNDS ``IR_LPP_V`` (``LPP_COD; VAL_DTD; LPP_TAR; LPP_PRU``), ``;``-separated CSV, one row per tariff
  change; ``LPP_PRU`` read as the PLV (0 = no PLV), an inference docs/reference-engine.md states;
- SNDS ``NT_LPP`` (``LPP_PRS_IDE; LPP_RED_LIB; LPP_VAL_DTF; ...; LPP_PRS_TYP``) for labels, types and
  end dates;
- the CNAM LPP DBF (cp850) "fiche" file: ``CODE_TIPS, NOM_COURT, AGE_MAX, TYPE_PREST, DATE_FIN``.

Our assumptions (not public): the tariff-history DBF published beside the fiche has unknown column
names; :data:`DEFAULT_DBF_TARIFF_COLUMNS` is a guess that callers override. Dates in the SNDS CSV are
read as ISO ``YYYY-MM-DD`` or French ``DD/MM/YYYY``.
"""

from __future__ import annotations

import csv
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from testbench.engines.reference.money import parse_decimal
from testbench.engines.reference.tables import FAR_FUTURE, TariffEntry

#: Assumed columns of the CNAM tariff-history DBF (not documented publicly): override them.
DEFAULT_DBF_TARIFF_COLUMNS = {"code": "CODE_TIPS", "date": "DATE_DEBUT", "tariff": "TARIF", "plv": "PU_LIMITE"}


@dataclass(frozen=True)
class LppLabel:
    code: str
    label: str
    lpp_type: str
    end: date | None


def _parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d%b%Y:%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date non reconnue: {text!r}")


def _histories(rows: list[tuple[str, date, Decimal, Decimal]], labels: dict[str, LppLabel]) -> list[TariffEntry]:
    """Turn (code, start, tariff, plv) rows into periods: each runs to the next start or the code's end."""
    by_code: dict[str, list[tuple[date, Decimal, Decimal]]] = {}
    for code, start, tariff, plv in rows:
        by_code.setdefault(code, []).append((start, tariff, plv))
    entries: list[TariffEntry] = []
    for code, history in by_code.items():
        history.sort(key=lambda item: item[0])
        meta = labels.get(code)
        for i, (start, tariff, plv) in enumerate(history):
            end = history[i + 1][0] if i + 1 < len(history) else (meta.end if meta and meta.end else FAR_FUTURE)
            entries.append(
                TariffEntry(
                    nomenclature="LPP",
                    code=code,
                    valid_from=start,
                    valid_to=end,
                    tariff=tariff,
                    plv=plv if plv > 0 else None,
                    label=meta.label if meta else "",
                    lpp_type=meta.lpp_type if meta else "",
                )
            )
    return entries


def read_snds_labels(path: Path, encoding: str = "utf-8") -> dict[str, LppLabel]:
    """Read SNDS ``NT_LPP.csv``."""
    out: dict[str, LppLabel] = {}
    with Path(path).open(encoding=encoding, newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            code = row["LPP_PRS_IDE"].strip()
            out[code] = LppLabel(
                code=code,
                label=(row.get("LPP_RED_LIB") or "").strip(),
                lpp_type=(row.get("LPP_PRS_TYP") or "").strip(),
                end=_parse_date(row.get("LPP_VAL_DTF") or ""),
            )
    return out


def load_snds_lpp(tariffs_csv: Path, labels_csv: Path | None = None, encoding: str = "utf-8") -> list[TariffEntry]:
    """Read SNDS ``IR_LPP_V.csv`` (+ optional ``NT_LPP.csv``) into dated tariff entries."""
    labels = read_snds_labels(labels_csv, encoding) if labels_csv else {}
    rows: list[tuple[str, date, Decimal, Decimal]] = []
    with Path(tariffs_csv).open(encoding=encoding, newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            start = _parse_date(row["VAL_DTD"])
            if start is None:
                continue
            rows.append(
                (
                    row["LPP_COD"].strip(),
                    start,
                    parse_decimal(row["LPP_TAR"] or "0"),
                    parse_decimal(row.get("LPP_PRU") or "0"),
                )
            )
    return _histories(rows, labels)


def read_dbf(path: Path, encoding: str = "cp850") -> Iterator[dict[str, str]]:
    """A minimal dBase III reader (character, numeric, date and logical fields), enough for the LPP files.

    Values are returned as stripped strings; deleted records are skipped.
    """
    with Path(path).open("rb") as fh:
        header = fh.read(32)
        if len(header) < 32:
            raise ValueError(f"{path} : en-tête DBF tronqué")
        count, header_len, record_len = struct.unpack("<IHH", header[4:12])
        fields: list[tuple[str, int]] = []
        while True:
            desc = fh.read(32)
            if not desc or desc[0] == 0x0D:
                break
            name = desc[:11].split(b"\x00", 1)[0].decode("ascii", "replace").strip()
            fields.append((name, desc[16]))
        fh.seek(header_len)
        for _ in range(count):
            record = fh.read(record_len)
            if len(record) < record_len:
                break
            if record[:1] == b"*":
                continue
            pos = 1
            row: dict[str, str] = {}
            for name, length in fields:
                row[name] = record[pos : pos + length].decode(encoding, "replace").strip()
                pos += length
            yield row


def read_ameli_fiche(path: Path) -> dict[str, LppLabel]:
    """Read the CNAM LPP "fiche" DBF (``CODE_TIPS, NOM_COURT, TYPE_PREST, DATE_FIN``)."""
    out: dict[str, LppLabel] = {}
    for row in read_dbf(path):
        code = row.get("CODE_TIPS", "")
        if code:
            out[code] = LppLabel(
                code, row.get("NOM_COURT", ""), row.get("TYPE_PREST", ""), _parse_date(row.get("DATE_FIN", ""))
            )
    return out


def load_ameli_lpp(
    tariff_dbf: Path, fiche_dbf: Path | None = None, columns: dict[str, str] | None = None
) -> list[TariffEntry]:
    """Read the CNAM tariff-history DBF (columns per ``columns``, see the module docstring)."""
    cols = {**DEFAULT_DBF_TARIFF_COLUMNS, **(columns or {})}
    labels = read_ameli_fiche(fiche_dbf) if fiche_dbf else {}
    rows: list[tuple[str, date, Decimal, Decimal]] = []
    for row in read_dbf(tariff_dbf):
        missing = [c for c in (cols["code"], cols["date"], cols["tariff"]) if c not in row]
        if missing:
            found = ", ".join(sorted(row))  # names, never a Python list's repr
            raise ValueError(f"{tariff_dbf} : colonnes absentes {', '.join(missing)} (colonnes : {found})")
        start = _parse_date(row[cols["date"]])
        if start is None:
            continue
        rows.append(
            (
                row[cols["code"]],
                start,
                parse_decimal(row[cols["tariff"]] or "0"),
                parse_decimal(row.get(cols["plv"]) or "0"),
            )
        )
    return _histories(rows, labels)
