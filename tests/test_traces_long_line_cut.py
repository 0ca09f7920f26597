"""A followed line longer than 1 MiB is emitted in pieces, each redacted alone: the cut goes where no personal value
is cut — a NIR (spaced or not), a known name, a labelled birth date, FINESS or RPPS straddling the limit stands whole
in one piece and is masked there — in plain text, JSON, XML, and UTF-16."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.traces.clock import RawLine
from testbench.traces.redact import Redactor
from testbench.traces.tail import MAX_LINE_BYTES, FileTailer

#: 13 digits + key, valid (vitale2-adult-standard.xml's)
NIR = "1 80 01 99 999 001 68"

#: (filler unit, value, the part of it before the limit, redactor's known names): each value's digits are
#: the only digits of its line
CASES = {
    "spaced-nir": ("texte sans chiffre. ", f"NIR {NIR}", 9, ()),
    "packed-nir": ("texte sans chiffre. ", f"patient {NIR.replace(' ', '')} lu", 14, ()),
    "known-name": ("texte sans chiffre. ", "patient Éloïse MARTIN présent", 14, ("Éloïse Martin",)),
    "birth-date": ("texte sans chiffre. ", "né le 12/05/1985 à Paris", 4, ()),
    "finess-label-gap": ("texte sans chiffre. ", "FINESS de l'établissement : 123456789", 12, ()),
    "rpps": ("texte sans chiffre. ", "RPPS 10001234567", 9, ()),
    "json-nir": ('"cle": "valeur sans chiffre", ', f'"nir": "{NIR}"', 12, ()),
    "json-name": ('"cle": "valeur sans chiffre", ', '"lastName": "MARTIN"', 13, ()),
    "xml-birth": ("<p>texte sans chiffre</p>", "<dateNaissance>1985-05-12</dateNaissance>", 18, ()),
}


def follow(path: Path, first: bytes, rest: bytes, encoding: str) -> list[RawLine]:
    """The lines read of a file whose long line arrives in two writes: ``first`` (over the limit), then ``rest``."""
    got: list[RawLine] = []
    path.write_bytes(b"")
    tailer = FileTailer([path], got.extend, encoding=encoding, from_start=True)
    tailer.poll()
    with path.open("ab") as out:
        out.write(first)
    tailer.poll()
    with path.open("ab") as out:
        out.write(rest)
    tailer.poll()
    tailer.close()
    return got


def long_line(unit: str, value: str, before: int, encoding: str, width: int = 1) -> tuple[bytes, bytes]:
    """A line whose ``value`` starts ``before`` characters before :data:`MAX_LINE_BYTES`: its bytes up to a few
    characters past the limit (inside the value), and the rest with its newline."""
    chars = MAX_LINE_BYTES // width - before
    filler = unit * (chars // len(unit)) + " " * (chars % len(unit))
    text = filler + value + " fin. " + unit * 3 + "\n"
    assert text.index(value) == MAX_LINE_BYTES // width - before
    data = text.encode(encoding)
    split = MAX_LINE_BYTES + 3 * width  # the first write ends inside the value
    return data[:split], data[split:]


@pytest.mark.parametrize("name", list(CASES))
def test_a_value_straddling_the_cut_is_masked(tmp_path: Path, name: str) -> None:
    unit, value, before, names = CASES[name]
    first, rest = long_line(unit, value, before, "utf-8")
    lines = follow(tmp_path / "app.log", first, rest, "utf-8")
    assert len(lines) >= 2, "the line is cut"
    assert "".join(line.text for line in lines) == (first + rest).decode("utf-8").rstrip("\n")  # nothing lost
    redactor = Redactor(names)
    redacted = [redactor.redact(line.text) for line in lines]
    for text in redacted:
        assert not any(c.isdigit() for c in text), text[-200:]
    joined = "".join(redacted)
    assert "‹" in joined
    assert not any(part in joined for part in ("MAR", "TIN", "Éloïse")), joined[-300:]
    assert all(len(line.text.encode("utf-8")) <= MAX_LINE_BYTES for line in lines)


def test_utf16_log_is_cut_at_a_boundary_too(tmp_path: Path) -> None:
    first, rest = long_line("texte sans chiffre. ", f"NIR {NIR}", 9, "utf-16-le", width=2)
    lines = follow(tmp_path / "app.log", first, rest, "utf-16-le")
    assert len(lines) >= 2
    redacted = [Redactor().redact(line.text) for line in lines]
    assert any("‹NIR›" in text for text in redacted)
    assert not any(c.isdigit() for text in redacted for c in text)


def test_a_line_with_no_boundary_is_still_cut_at_the_limit(tmp_path: Path) -> None:
    """A blob (no space, no markup): pieces of at most the limit, nothing lost, no character split."""
    text = "é" + "A" * (MAX_LINE_BYTES + 10) + "\n"
    data = text.encode("utf-8")
    lines = follow(tmp_path / "app.log", data[: MAX_LINE_BYTES + 5], data[MAX_LINE_BYTES + 5 :], "utf-8")
    assert all(len(line.text.encode("utf-8")) <= MAX_LINE_BYTES for line in lines)
    assert "".join(line.text for line in lines) == text.rstrip("\n")
