"""The report's files written case by case: a campaign's content is never in memory at once.

Each case's HTML section (and its printed form, for the PDF) and its JSON go to anonymous spool files in
the report's folder as the case is gathered. Once every case is known, the page around the sections and
the JSON document around the cases are written, each spool copied in its place: the same bytes as
rendering the whole content at once, with memory bounded by one batch of cases.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from testbench.report.content import row
from testbench.report.html import HtmlBook


def json_text(value: Any) -> str:
    """The report's JSON form: compact (the C encoder is five times faster than the indenting one at
    campaign scale) and with sorted keys, so that the same content gives the same bytes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _CaseJson:
    """A case's JSON, its observations encoded once per entry: the report makes an observation without
    provenance once and hands the same dict to every case that recorded it (``Scrubber.once``), and they
    are most of a case's JSON (60,900 entries, about 2,200 distinct, for the 700 cases of the peer job).
    The same bytes as :func:`json_text` of the whole case: with sorted keys and no indentation, an entry's
    JSON does not depend on where it sits."""

    KEY = "observations"

    def __init__(self) -> None:
        self._encoded: dict[int, tuple[Any, str]] = {}  # id → (the entry, held so that its id stays its own; JSON)

    def __call__(self, case: dict[str, Any]) -> str:
        entries = case.get(self.KEY)
        if not entries:
            return json_text(case)
        before = json_text({k: v for k, v in case.items() if k < self.KEY})[:-1]
        after = json_text({k: v for k, v in case.items() if k > self.KEY})[1:]
        return "".join(
            (
                before,
                "," if len(before) > 1 else "",
                f'"{self.KEY}":[',
                ",".join(map(self._entry, entries)),
                "]",
                "," if len(after) > 1 else "",
                after,
            )
        )

    def _entry(self, entry: Any) -> str:
        hit = self._encoded.get(id(entry))
        if hit is None:
            if len(self._encoded) >= 4096:  # bounded like the memo that shares the entries
                self._encoded.clear()
            hit = self._encoded[id(entry)] = (entry, json_text(entry))
        return hit[1]


def _spool(folder: Path, mode: str) -> IO[Any]:
    """An anonymous file in the report's folder (the same disk as the files it is copied into)."""
    if "b" in mode:
        return tempfile.TemporaryFile(mode, dir=folder)
    return tempfile.TemporaryFile(mode, encoding="utf-8", newline="", dir=folder)  # no newline translation


class CaseSpool:
    """Hand each case's content to it (``spool(case)``), then write the files around the spooled cases."""

    def __init__(
        self,
        folder: Path,
        lang: str,
        *,
        printed: bool = False,
        signer: str | None = None,
        casebook_langs: Mapping[str, str] | None = None,
    ) -> None:
        self.screen = HtmlBook(lang, signer=signer, casebook_langs=casebook_langs)
        self.printed = HtmlBook(lang, for_print=True, signer=signer, casebook_langs=casebook_langs) if printed else None
        self._files = ExitStack()
        self._html: IO[str] = self._files.enter_context(_spool(folder, "w+"))
        self._print: IO[str] | None = self._files.enter_context(_spool(folder, "w+")) if printed else None
        self._json: IO[bytes] = self._files.enter_context(_spool(folder, "w+b"))
        self._cases = 0
        self._case_json = _CaseJson()

    def __call__(self, case: dict[str, Any]) -> dict[str, Any]:
        """Spool the case; return what the page around the sections keeps of it."""
        self._html.write(self.screen.section(case))
        if self._print is not None and self.printed is not None:
            self._print.write(self.printed.section(case))
        self._json.write(("," if self._cases else "").encode() + self._case_json(case).encode("utf-8"))
        self._cases += 1
        return row(case, whole_trace=self.printed is not None)

    def write_html(self, data: dict[str, Any], target: Path, *, printed: bool = False) -> Path:
        """The page (``printed``: the PDF's) with the spooled sections; ``data`` the content around them."""
        book, spool = (self.printed, self._print) if printed else (self.screen, self._html)
        assert book is not None and spool is not None, "a printed page needs a spool made with printed=True"
        head, tail = book.page(data)
        with target.open("w", encoding="utf-8", newline="") as out:  # "\n" on every system: the same bytes
            out.write(head)
            spool.seek(0)
            shutil.copyfileobj(spool, out)
            out.write(tail)
        return target

    def write_json(self, data: dict[str, Any], target: Path) -> Path:
        """``report.json``: ``data`` with the spooled cases as its ``cases`` (the document's first key)."""
        rest = {k: v for k, v in data.items() if k != "cases"}
        assert min(rest) > "cases", "the cases are the first key of the sorted document"
        with target.open("wb") as out:
            out.write(b'{"cases":[')
            self._json.seek(0)
            shutil.copyfileobj(self._json, out)
            out.write(b"]," + json_text(rest)[1:].encode("utf-8") + b"\n")
        return target

    def close(self) -> None:
        self._files.close()

    def __enter__(self) -> CaseSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
