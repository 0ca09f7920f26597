"""A deterministic mutation fuzz of what users hand to the tool: bad input gets a clear error and loses nothing.

The shipped inputs — the demo's casebook, a card profile it names, the sample exam book as XLSX, ODS and CSV, the
demo application's profile ``sut.toml``, the demo's exam plan — are mutated (truncated, bytes flipped, inserted or
deleted, a BOM, CRLF, NUL bytes, bytes that are no UTF-8, a line or an element dropped or written twice, an
attribute dropped or doubled, values of the wrong type, huge numbers, empty strings, very long values, deeply nested
elements, a DOCTYPE with entities; cells of a workbook rewritten, rows and columns dropped or doubled) and each
mutant is handed to the command that reads it, in process (``testbench.cli.main.main``). Whatever the mutant, the
command ends with its documented code, prints no traceback, no « erreur interne », no Python class name, no raw
Python value, no library's English and no raw control character, and a casebook it refuses is refused at its place
(``file:line:col``; a cell ``sheet!cell`` or a row for a workbook). Then a session file damaged in a few ways:
``report``, ``verify`` and ``run --resume`` refuse it in words and leave its bytes as they were.

Seeded: the same mutants on every run (``random.Random(SEED + n)``); a failure names the mutant's seed and what was
done. The mutants a past run found are kept below as named regression tests.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

REPO = Path(__file__).resolve().parents[1]
#: another seed or more mutants of each input for a longer hunt (``TESTBENCH_FUZZ_SEED=1 TESTBENCH_FUZZ_SCALE=20``);
#: the suite runs the first ones of its own seed
SEED = int(os.environ.get("TESTBENCH_FUZZ_SEED", "20261207"))
SCALE = int(os.environ.get("TESTBENCH_FUZZ_SCALE", "1"))
SUT_PROFILE = REPO / "testbench" / "demoapp" / "sut.toml"
EXAMPLES = CASEBOOKS_DIR / "examples"
CARD = "vitale2-adult-standard.xml"  # the card of DEMO-FSE-001, the case the runs below run

#: a Python class name (« ValueError », « KeyError: … »), a raw value, a traceback: never on a person's screen
CLASS_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception|Warning)\b|\bKeyError\b|\bStopIteration\b")
RAW_VALUE = re.compile(
    r"\bNone\b|\bTrue\b|\bFalse\b|\{'|\['|\[\]|(?:^|[\s(\[«=])b['\"]|<class |<[a-z_.]+ object at 0x", re.M
)
INTERNAL = ("Traceback", "erreur interne", "internal error")
#: a library's English reaching a French screen (libxml2's, Python's, openpyxl's…)
ENGLISH = re.compile(
    r"\bThe value\b|\bElement '|\bis not (?:a |an )?(?:valid|allowed|expected|accepted)\b|\b[Ff]ailed\b|"
    r"\b[Uu]nexpected\b|\b[Ii]nvalid\b|\bNo such file\b|\bnot found\b|\bcannot\b|\bmust be\b"
)
#: a control character of the input sent raw to the terminal (a NUL, an escape sequence)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: a place in a file: « demo.xml:12:7: »
XML_PLACE = re.compile(r"\.xml:\d+:\d+: ")


# ---- mutations -------------------------------------------------------------------------------------------------


def _spot(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def _truncate(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    at = rng.randrange(len(data))
    return f"truncated at byte {at}", data[:at]


def _flip(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    at, bit = rng.randrange(len(data)), 1 << rng.randrange(8)
    return f"bit {bit:#x} of byte {at} flipped", data[:at] + bytes([data[at] ^ bit]) + data[at + 1 :]


def _insert(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    at, what = _spot(rng, data), bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
    return f"{what!r} inserted at byte {at}", data[:at] + what + data[at:]


def _delete(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    at = rng.randrange(len(data))
    size = rng.randint(1, 40)
    return f"bytes {at}..{at + size} deleted", data[:at] + data[at + size :]


def _nul(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    at = _spot(rng, data)
    return f"NUL at byte {at}", data[:at] + b"\x00" + data[at:]


def _not_utf8(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    if rng.random() < 0.3:
        return "saved as cp1252", data.decode("utf-8").encode("cp1252", errors="replace")
    at, what = _spot(rng, data), rng.choice([b"\xe9", b"\xff", b"\xc3", b"\x80\x80", b"\xed\xa0\x80"])
    return f"{what!r} (no UTF-8) at byte {at}", data[:at] + what + data[at:]


def _bom(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    kind = rng.choice(["utf-8", "utf-16", "utf-16-le", "double"])
    if kind == "utf-8":
        return "UTF-8 BOM", b"\xef\xbb\xbf" + data
    if kind == "double":
        return "two UTF-8 BOMs", b"\xef\xbb\xbf\xef\xbb\xbf" + data
    return f"re-encoded {kind}", data.decode("utf-8").encode(kind)


def _line_ends(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    kind = rng.choice(["crlf", "cr", "mixed"])
    if kind == "crlf":
        return "CRLF line ends", data.replace(b"\n", b"\r\n")
    if kind == "cr":
        return "CR line ends", data.replace(b"\n", b"\r")
    lines = data.split(b"\n")
    return "mixed line ends", b"".join(line + rng.choice([b"\n", b"\r\n", b"\r"]) for line in lines)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _dup_line(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    lines = _lines(data)
    at = rng.randrange(len(lines))
    return f"line {at + 1} written twice", b"\n".join(lines[: at + 1] + lines[at:])


def _drop_line(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    lines = _lines(data)
    at = rng.randrange(len(lines))
    return f"line {at + 1} dropped", b"\n".join(lines[:at] + lines[at + 1 :])


def _swap_lines(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    lines = _lines(data)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return f"lines {a + 1} and {b + 1} swapped", b"\n".join(lines)


def _sub_one(
    rng: random.Random, data: bytes, pattern: bytes, make: Callable[[re.Match[bytes]], bytes], what: str
) -> tuple[str, bytes]:
    found = list(re.finditer(pattern, data))
    if not found:
        return f"{what}: nothing to change", data
    hit = rng.choice(found)
    new = make(hit)
    return f"{what} at byte {hit.start()}: {new[:60]!r}", data[: hit.start()] + new + data[hit.end() :]


HUGE = [b"9" * 40, b"-1", b"-0", b"1e309", b"0x1F", b"1_000", b"NaN", b"inf", b"99999999999999999999.999", b"00"]


def _number(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    return _sub_one(rng, data, rb"\d+(?:[.,]\d+)?", lambda m: rng.choice(HUGE), "a number replaced")


STRINGS = [
    b"",
    b" ",
    b"x" * 70000,
    b"\xc3\xa9" * 3000,
    b"\x01\x1b[31m",
    b"\\",
    b"{0}{name}%s",
    b"\xe2\x80\xae",
    b"${HOME}",
    b"\t",
]


def _value(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """A quoted value (an attribute, a TOML string) replaced: empty, spaces, very long, control characters…"""
    new = rng.choice(STRINGS)
    return _sub_one(rng, data, rb'"[^"\n]*"', lambda m: b'"' + new + b'"', "a quoted value replaced")


def _text(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """An element's text replaced (XML)."""
    new = rng.choice([*STRINGS, *HUGE])
    return _sub_one(rng, data, rb">([^<>\n]+)<", lambda m: b">" + new + b"<", "a text replaced")


# ---- XML ---------------------------------------------------------------------------------------------------------


def _drop_attribute(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    return _sub_one(rng, data, rb' [a-z-]+="[^"]*"', lambda m: b"", "an attribute dropped")


def _dup_attribute(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    return _sub_one(rng, data, rb' [a-z-]+="[^"]*"', lambda m: m.group(0) * 2, "an attribute written twice")


def _dup_element(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    return _sub_one(rng, data, rb"<([a-z-]+)\b[^<>]*/>", lambda m: m.group(0) * 2, "an empty element written twice")


def _drop_element(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    if rng.random() < 0.5:
        return _sub_one(rng, data, rb"<([a-z-]+)\b[^<>]*/>", lambda m: b"", "an empty element dropped")
    return _sub_one(rng, data, rb"<([a-z-]+)\b[^<>/]*>[^<]*</\1>", lambda m: b"", "an element dropped")


def _rename_element(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    name = rng.choice([b"x", b"case", b"steps", b"casebook", b"card-profile", b"fixtures", b"holder"])
    return _sub_one(rng, data, rb"<([a-z-]+)\b", lambda m: b"<" + name, "an element renamed")


def _nest(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    depth = rng.choice([300, 3000, 20000])
    tag = rng.choice([b"x", b"case", b"step"])
    deep = (b"<" + tag + b">") * depth + (b"</" + tag + b">") * depth
    return _sub_one(rng, data, rb"</[a-z-]+>", lambda m: deep + m.group(0), f"{depth} nested elements inserted")


DOCTYPES = [
    b'<!DOCTYPE casebook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n',
    b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
    b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">\n',
    b'<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n',
]
REFERENCES = [b"&d;", b"&xxe;", b"&a;", b"&undefined;", b"&#0;", b"&#x110000;", b"&#65;"]


def _doctype(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    doctype = rng.choice(DOCTYPES)
    end = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
    data = data[:end] + b"\n" + doctype + data[end:]
    reference = rng.choice(REFERENCES)
    said, data = _sub_one(rng, data, rb">([^<>\n]+)<", lambda m: b">" + reference + b"<", "a reference")
    return f"DOCTYPE {doctype[:40]!r}…, {said}", data


BYTES = [_truncate, _flip, _insert, _delete, _nul, _not_utf8, _bom, _line_ends, _dup_line, _drop_line, _swap_lines]
TEXT = [_number, _value]
XML = [_drop_attribute, _dup_attribute, _dup_element, _drop_element, _rename_element, _nest, _doctype, _text]


# ---- TOML --------------------------------------------------------------------------------------------------------

TOML_VALUES = [
    b'""',
    b"1",
    b"-1",
    b"99999999999999999999999",
    b"1.5",
    b"true",
    b"[]",
    b"[1, 2]",
    b'["a", 1]',
    b"{}",
    b'{ a = "b" }',
    b"1979-05-27",
    b"1979-05-27T07:32:00Z",
    b"nan",
    b'"\\u0000"',
    b"'''\nx\n'''",
    b'"' + b"y" * 70000 + b'"',
]


def _toml_value(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """A key's value replaced by a value of another type (a number for a text, a table for a list…)."""
    new = rng.choice(TOML_VALUES)
    return _sub_one(
        rng, data, rb"(?m)^([\w\"-]+\s*=\s*)(.+)$", lambda m: m.group(1) + new, "a TOML value of another type"
    )


def _toml_key(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    new = rng.choice([b"x", b"name", b"path", b"format", b"id", b'"" ', b'"a.b"', b"kind"])
    return _sub_one(rng, data, rb"(?m)^([\w-]+)(\s*=)", lambda m: new + m.group(2), "a TOML key renamed")


def _toml_table(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    new = rng.choice([b"[product]", b"[[product]]", b"[x]", b"[[casebooks]]", b"[outputs]", b"[[extractors]]", b""])
    return _sub_one(rng, data, rb"(?m)^\[\[?[\w.-]+\]\]?", lambda m: new, "a TOML table header replaced")


TOML = [_toml_value, _toml_key, _toml_table]


Mutation = Callable[[random.Random, bytes], tuple[str, bytes]]


def mutants(source: bytes, kinds: list[Mutation], count: int, salt: int) -> Iterator[tuple[int, str, bytes]]:
    """``count`` mutants of ``source``: (seed, what was done, bytes); one to three mutations each."""
    for n in range(count * SCALE):
        seed = SEED + salt * 100_000 + n
        rng = random.Random(seed)
        data, done = source, []
        for _ in range(1 if rng.random() < 0.7 else rng.randint(2, 3)):
            if not data:
                break
            try:
                said, data = rng.choice(kinds)(rng, data)
            except Exception:  # a mutation that needs what an earlier one broke (UTF-8, a zip): skipped
                continue
            done.append(said)
        yield seed, "; ".join(done), data


# ---- running a command -------------------------------------------------------------------------------------------


@dataclass
class Said:
    code: int
    out: str
    err: str
    lang: str = "fr"


def lang(seed: int) -> list[str]:
    """One mutant in four said in English: the catalogue's read-back of what a problem quotes is a path of its own."""
    return ["--lang", "en"] if seed % 4 == 3 else []


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away HOME, working folder and temporary folder (where an internal error's details would go)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("TESTBENCH_LANG", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def command(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Said:
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's usage errors
        code = stop.code if isinstance(stop.code, int) else 3
    out, err = capsys.readouterr()
    return Said(code, out, err, "en" if "en" in argv[:2] else "fr")


def faults(said: Said, codes: set[int]) -> list[str]:
    """What is wrong with what a command said: its code outside ``codes``, a traceback, a class name, a raw value."""
    wrong = []
    text = said.out + said.err
    if said.code not in codes:
        wrong.append(f"exit code {said.code}")
    wrong += [f"« {word} » said" for word in INTERNAL if word in text]
    if found := CLASS_NAME.search(text):
        wrong.append(f"class name « {found.group(0)} »")
    if said.lang == "fr" and (found := ENGLISH.search(text)):
        wrong.append(f"English « {found.group(0)} » on a French screen")
    if found := CONTROL.search(text):
        wrong.append(f"raw control character {found.group(0)!r} (a terminal would act on it)")
    if found := RAW_VALUE.search(text):
        line = text[text.rfind("\n", 0, found.start()) + 1 : text.find("\n", found.end())]
        wrong.append(f"raw value « {found.group(0)} » in « {line[:200]} »")
    return wrong


class Failures:
    """The failing mutants of one fuzz, said together at the end (each with its seed, what was done and why)."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.codes: Counter[int] = Counter()  # the exit codes met: a fuzz whose mutants all pass mutates nothing

    def check(self, seed: int, done: str, said: Said, wrong: list[str]) -> None:
        self.codes[said.code] += 1
        if wrong:
            details = "".join(p.read_text(errors="replace")[-1500:] for p in Path(tempfile.gettempdir()).glob("*.txt"))
            self.found.append(f"seed {seed} ({done}): {', '.join(wrong)}\n{said.err[-800:]}\n{details}")

    def __bool__(self) -> bool:
        return bool(self.found)

    def __str__(self) -> str:
        return f"{len(self.found)} failing mutant(s):\n\n" + "\n\n".join(self.found[:8])


def shipped_casebook(folder: Path) -> Path:
    """The demo's casebook and its card profiles, copied into ``folder``."""
    folder.mkdir(exist_ok=True)
    shutil.copyfile(CASEBOOKS_DIR / "demo.xml", folder / "demo.xml")
    shutil.copytree(CASEBOOKS_DIR / "cards", folder / "cards", dirs_exist_ok=True)
    return folder / "demo.xml"


# ---- casebooks and card profiles ---------------------------------------------------------------------------------


def check_validate(said: Said, place: re.Pattern[str]) -> list[str]:
    wrong = faults(said, {0, 3})
    if said.code == 3 and not place.search(said.err):
        wrong.append("refused without a file:line:col")
    return wrong


def test_casebook_mutants_validate(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``validate`` of a mutated casebook: valid (0) or refused (3) at ``demo.xml:line:col``, never worse."""
    casebook = shipped_casebook(home / "book")
    source = casebook.read_bytes()
    failures = Failures()
    for seed, done, data in mutants(source, BYTES + TEXT + XML + XML, 400, salt=1):
        casebook.write_bytes(data)
        said = command(capsys, [*lang(seed), "validate", str(casebook)])
        failures.check(seed, done, said, check_validate(said, re.compile(r"demo\.xml:\d+:\d+: ")))
    assert not failures, str(failures)
    assert failures.codes[0] and failures.codes[3], failures.codes


def test_casebook_mutants_run(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``run`` of a mutated casebook (one case, in-process cards and engine): any documented code, in words; a
    casebook refused (3) is refused at its place and leaves no session behind."""
    casebook = shipped_casebook(home / "book")
    source = casebook.read_bytes()
    failures = Failures()
    for seed, done, data in mutants(source, BYTES + TEXT + XML, 60, salt=2):
        casebook.write_bytes(data)
        session = home / f"s{seed}.tbsession"
        argv = ["run", str(casebook), "--cards", "inprocess", "--engine", "inprocess", "--session", str(session)]
        said = command(capsys, [*lang(seed), *argv, "-k", "DEMO-FSE-001"])
        wrong = faults(said, {0, 1, 2, 3})
        if said.code == 3 and "demo.xml:" in said.err and not XML_PLACE.search(said.err):
            wrong.append("casebook refused without a file:line:col")
        if said.code == 3 and session.exists():
            wrong.append("a session written for a refused casebook")
        failures.check(seed, done, said, wrong)
    assert not failures, str(failures)
    assert failures.codes[0] and failures.codes[3], failures.codes


def test_card_profile_mutants(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A mutated card profile the demo's casebook names: ``validate`` refuses it at the profile's own place."""
    casebook = shipped_casebook(home / "book")
    profile = casebook.parent / "cards" / CARD
    source = profile.read_bytes()
    failures = Failures()
    for seed, done, data in mutants(source, BYTES + TEXT + XML + XML, 240, salt=3):
        profile.write_bytes(data)
        said = command(capsys, [*lang(seed), "validate", str(casebook)])
        failures.check(seed, done, said, check_validate(said, re.compile(r"\.xml:\d+:\d+: ")))
    assert not failures, str(failures)
    assert failures.codes[0] and failures.codes[3], failures.codes


# ---- workbooks ---------------------------------------------------------------------------------------------------

#: a place in a workbook or a document: a cell or a row (« 'Cahier de tests'!R7 », « Feuille1!7:7 »), a line of
#: the CSV, the mapping's or the fixtures' line, the document said unreadable as a whole, or a key of the mapping
#: left out
WORKBOOK_PLACE = re.compile(
    r"(?m)!\$?[A-Z]*\$?\d+|!\d+:\d+|\.(csv|toml|xml):\d+|^\S*cahier-exemple\.\w+ ?: "
    r"|\.toml ?: [^\n]*(manquant|absente?|missing)\b|\.toml ?: (format attendu|expected format)"  # a key left out
)


def check_import(said: Said, out: Path) -> list[str]:
    """Written (0) or refused (3) at a place; « rien n'est écrit » only when nothing is."""
    wrong = faults(said, {0, 3})
    if said.code == 3 and not WORKBOOK_PLACE.search(said.err):
        wrong.append("refused without a place")
    if out.exists() and said.code == 3 and "rien n'est écrit" in said.err:
        wrong.append("« rien n'est écrit » but a casebook was written")
    return wrong


def _xlsx_mutant(rng: random.Random, source: bytes) -> tuple[str, bytes]:
    """The sample workbook with a cell, a row, a column or the sheet changed through openpyxl."""
    book = openpyxl.load_workbook(io.BytesIO(source))
    sheet = book["Cahier de tests"]
    row, column = rng.randint(1, sheet.max_row + 1), rng.randint(1, sheet.max_column + 1)
    kind = rng.randrange(9)
    if kind == 0:
        value = rng.choice(
            ["", " ", 10**30, -1, 1e308, 0.1 + 0.2, True, "=1/0", "=A1", "x" * 32000, "\u202e", "N/A", "#REF!"]
        )
        sheet.cell(row, column).value = value
        done = f"cell {sheet.cell(row, column).coordinate} = {str(value)[:30]!r}"
    elif kind == 1:
        import datetime

        sheet.cell(row, column).value = datetime.datetime(1900, 1, 1, 12, 30)
        done = f"cell {sheet.cell(row, column).coordinate} = a date"
    elif kind == 2:
        sheet.delete_rows(row)
        done = f"row {row} deleted"
    elif kind == 3:
        sheet.insert_rows(row)
        for c in range(1, sheet.max_column + 1):
            sheet.cell(row, c).value = sheet.cell(row + 1, c).value
        done = f"row {row + 1} written twice"
    elif kind == 4:
        sheet.delete_cols(column)
        done = f"column {column} deleted"
    elif kind == 5:
        sheet.insert_cols(column)
        for r in range(1, sheet.max_row + 1):
            sheet.cell(r, column).value = sheet.cell(r, column + 1).value
        done = f"column {column + 1} written twice"
    elif kind == 6:
        sheet.title = rng.choice(["Feuille1", "Cahier de tests ", "x" * 31])
        done = f"sheet renamed {sheet.title!r}"
    elif kind == 7:
        for c in range(1, sheet.max_column + 1):
            sheet.cell(row, c).value = None
        done = f"row {row} emptied"
    else:
        sheet.merge_cells(start_row=row, start_column=column, end_row=row + 1, end_column=column + 1)
        done = f"cells merged from {sheet.cell(row, column).coordinate}"
    buffer = io.BytesIO()
    book.save(buffer)
    return done, buffer.getvalue()


def _import_fuzz(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    kinds: list[Mutation],
    count: int,
    salt: int,
    mutated: str | None = None,
) -> None:
    """``import`` of the sample exam book ``name`` with its mapping, ``count`` mutants of ``mutated`` (the book
    itself by default; its mapping or its fixtures file)."""
    folder = home / "exam"
    shutil.copytree(EXAMPLES, folder)
    shutil.copytree(CASEBOOKS_DIR / "cards", home / "cards")  # the fixtures' card profiles, beside the casebooks
    document, target = folder / name, folder / (mutated or name)
    source = target.read_bytes()
    failures = Failures()
    for seed, done, data in mutants(source, kinds, count, salt=salt):
        target.write_bytes(data)
        out = home / f"o{seed}.xml"
        argv = ["import", str(document), "--mapping", str(folder / "cahier-exemple.mapping.toml"), "-o", str(out)]
        said = command(capsys, [*lang(seed), *argv])
        failures.check(seed, done, said, check_import(said, out))
    assert not failures, str(failures)
    assert failures.codes[0] and failures.codes[3], failures.codes


def test_xlsx_mutants(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``import`` of a mutated XLSX workbook: written (0) or refused (3) at a cell, a row or as a whole."""
    _import_fuzz(home, capsys, "cahier-exemple.xlsx", [_xlsx_mutant] * 6 + [_truncate, _flip], 60, salt=4)


def _ods_mutant(rng: random.Random, source: bytes) -> tuple[str, bytes]:
    """The sample ODS with its content.xml mutated (an XML or text mutation), the other parts as they are."""
    with zipfile.ZipFile(io.BytesIO(source)) as package:
        parts = [(info, package.read(info.filename)) for info in package.infolist()]
    buffer, done = io.BytesIO(), ""
    with zipfile.ZipFile(buffer, "w") as package:
        for info, data in parts:
            if info.filename == "content.xml":
                done, data = rng.choice([_truncate, _flip, _nul, _text, _dup_element, _drop_element, _nest,
                                         _doctype, _drop_attribute, _value, _number])(rng, data)  # fmt: skip
            package.writestr(info, data)
    return f"content.xml: {done}", buffer.getvalue()


def test_ods_mutants(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``import`` of a mutated ODS document (its content.xml, or the package's bytes)."""
    _import_fuzz(home, capsys, "cahier-exemple.ods", [_ods_mutant] * 6 + [_truncate, _flip], 80, salt=5)


def test_csv_mutants(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``import`` of a mutated CSV exam book."""
    _import_fuzz(home, capsys, "cahier-exemple.csv", BYTES + TEXT, 150, salt=6)


def test_mapping_mutants(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``import`` with a mutated mapping file (TOML): refused at ``mapping.toml:line:col``, or the cases written."""
    _import_fuzz(home, capsys, "cahier-exemple.csv", BYTES + TEXT + TOML + TOML, 200, 9, "cahier-exemple.mapping.toml")


def test_fixtures_mutants(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``import`` with a mutated fixtures file (XML): refused at ``fixtures.xml:line``, or the cases written."""
    _import_fuzz(home, capsys, "cahier-exemple.csv", BYTES + TEXT + XML, 150, 10, "cahier-exemple.fixtures.xml")


# ---- application profile, exam plan ------------------------------------------------------------------------------


def test_sut_profile_mutants(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``sut check`` of a mutated ``sut.toml``: read (0, or 2 for what the application has not written yet) or
    refused (3) at ``sut.toml:line:col`` (only a profile without ``[product]`` has no line to name)."""
    profile = home / "app" / "sut.toml"
    profile.parent.mkdir()
    source = SUT_PROFILE.read_bytes()
    failures = Failures()
    for seed, done, data in mutants(source, BYTES + TEXT + TOML + TOML, 400, salt=7):
        profile.write_bytes(data)
        said = command(capsys, [*lang(seed), "sut", "check", str(profile)])
        wrong = faults(said, {0, 2, 3})
        if said.code == 3 and not re.search(r"sut\.toml:\d+:\d+: |sut\.toml ?: \[product\]", said.err):
            wrong.append("refused without a file:line:col")
        failures.check(seed, done, said, wrong)
    assert not failures, str(failures)
    assert failures.codes[2] and failures.codes[3], failures.codes  # 2: the demo's folders not made yet


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed one-case session of the demo's casebook (DEMO-FSE-001 passed)."""
    folder = tmp_path_factory.mktemp("recorded")
    casebook = shipped_casebook(folder / "book")
    argv = ["run", str(casebook), "--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]
    assert main([*argv, "--session", str(folder / "s.tbsession")]) == 0
    return folder / "s.tbsession"


def test_exam_plan_mutants(home: Path, recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``coverage --plan`` with a mutated exam plan: read (0 ready, 1 not) or refused (3) at ``plan.toml:line:col``
    (the session is another input: never touched)."""
    plan = home / "plans" / "demo-plan.toml"
    plan.parent.mkdir()
    shipped_casebook(home)  # the plan names ../demo.xml
    source = (CASEBOOKS_DIR / "plans" / "demo-plan.toml").read_bytes()
    session = home / "s.tbsession"
    shutil.copyfile(recorded, session)
    before = session.read_bytes()
    failures = Failures()
    for seed, done, data in mutants(source, BYTES + TEXT + TOML + TOML, 300, salt=8):
        plan.write_bytes(data)
        said = command(capsys, [*lang(seed), "coverage", str(session), "--plan", str(plan)])
        wrong = faults(said, {0, 1, 3})
        if said.code == 3 and not re.search(r"demo-plan\.toml:\d+(:\d+)?: ", said.err):
            wrong.append("refused without a file:line:col")
        failures.check(seed, done, said, wrong)
    assert session.read_bytes() == before
    assert not failures, str(failures)
    assert failures.codes[1] and failures.codes[3], failures.codes  # 1: one case of the plan's run, not ready


# ---- session files -----------------------------------------------------------------------------------------------


def _session_mutants(recorded: Path) -> Iterator[tuple[str, bytes]]:
    source = recorded.read_bytes()
    page = sqlite3.connect(recorded).execute("PRAGMA page_size").fetchone()[0]
    pages = len(source) // page
    rng = random.Random(SEED)
    yield "empty file", b""
    yield "not a SQLite file", b"PK\x03\x04 a workbook renamed .tbsession\n" * 50
    yield "a SQLite header only", source[:100]
    for n in rng.sample(range(1, pages), min(3, pages - 1)):
        yield f"truncated after page {n}", source[: n * page]
    for _ in range(3):
        at = rng.randrange(page, len(source))
        yield f"byte {at} flipped", source[:at] + bytes([source[at] ^ 0xFF]) + source[at + 1 :]
    at = len(source) // 2
    yield "a page in the middle zeroed", source[: at - at % page] + bytes(page) + source[at - at % page + page :]


def test_damaged_sessions_refused_in_words_and_kept(
    home: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``report``, ``verify`` and ``run --resume`` on a damaged session: refused in words (3), its bytes unchanged.
    A flipped byte SQLite and the journal's chain both read past (free space, a byte of a page no table uses) is
    no damage: the commands read the session, and ``run --resume`` may then write into it."""
    casebook = shipped_casebook(home / "book")
    failures = Failures()
    for n, (done, data) in enumerate(_session_mutants(recorded)):
        session = home / f"d{n}.tbsession"
        session.write_bytes(data)
        refused = False
        for argv in (["report", str(session), "-o", str(home / f"rep{n}")], ["verify", str(session)]):
            said = command(capsys, argv)
            wrong = faults(said, {0, 1, 2, 3})
            refused |= said.code == 3
            if session.read_bytes() != data:
                wrong.append("the damaged session was changed")
            if said.code != 3 and n < 3:
                wrong.append("a file that is no session not refused")
            failures.check(n, f"{done}, {argv[0]}", said, wrong)
        argv = ["run", str(casebook), "--cards", "inprocess", "--engine", "inprocess", "--session", str(session)]
        said = command(capsys, [*argv, "--resume"])
        wrong = faults(said, {3} if refused else {0, 1, 2})
        if refused and session.read_bytes() != data:
            wrong.append("a session the readers refuse was written by --resume")
        failures.check(n, f"{done}, run --resume", said, wrong)
    assert not failures, str(failures)


# ---- regressions: the mutants the fuzz found, minimised ----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "<patient>, attribut « card » : valeur très longue, non citée : plus longue que le maximum permis"),
        ("en", '<patient>, attribute “card”: very long value, not quoted: longer than the allowed maximum'),
    ],
    ids=["fr", "en"],
)
def test_a_value_too_long_for_libxml2_to_quote_is_said_in_words(
    home: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """A card reference of 70 000 characters (a paste gone wrong): libxml2 cuts its message at 64 000 bytes, in the
    middle of the value, and its English (« Element 'patient', attribute 'card': [facet 'maxLength'] The value
    'xxx… ») reached the screen whole."""
    casebook = shipped_casebook(home / "book")
    text = casebook.read_text(encoding="utf-8")
    casebook.write_text(text.replace('card="vitale-std"', 'card="' + "x" * 70000 + '"', 1), encoding="utf-8")
    done = command(capsys, ["--lang", lang, "validate", str(casebook)])
    assert done.code == 3
    assert re.search(r"demo\.xml:\d+:\d+: [^\n]*" + re.escape(said), done.err), done.err[:500]
    assert "[facet" not in done.err and "The value" not in done.err


def test_resume_refuses_a_session_whose_text_is_no_utf8_and_leaves_it(
    home: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A byte damaged inside a case's recorded definition (a lone 0xFF: no UTF-8) passes ``PRAGMA quick_check``:
    ``report`` and ``verify`` refused the session (« texte de la base endommagé, illisible en UTF-8 », exit 3) but
    ``run --resume`` wrote into it, the damage kept, and exited 0."""
    session = home / "d.tbsession"
    shutil.copyfile(recorded, session)
    conn = sqlite3.connect(session)
    with conn:  # a case never run: the resume would not read it
        damaged = "CAST(x'7b22ff' AS TEXT)"
        conn.execute(f"UPDATE cases SET definition = {damaged} WHERE rowid = (SELECT max(rowid) FROM cases)")
    conn.close()
    before = session.read_bytes()
    casebook = shipped_casebook(home / "book")
    argv = ["run", str(casebook), "--cards", "inprocess", "--engine", "inprocess", "--session", str(session)]
    done = command(capsys, [*argv, "--resume"])
    assert done.code == 3
    assert "fichier de session endommagé ou illisible (texte de la base endommagé, illisible en UTF-8)" in done.err
    assert not faults(done, {3})
    assert session.read_bytes() == before
    assert not list(home.glob("d.tbsession?*"))  # no lock, journal or WAL left beside it


@pytest.mark.parametrize("value", ["NaN", "sNaN", "-NaN"])
def test_a_plv_written_nan_is_a_problem_not_an_internal_error(
    home: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    """``plv="NaN"`` (a number the schema refuses) still reached the rule comparing the PLV with the tariff, where
    Python's Decimal refuses to compare a NaN: « erreur interne », exit 2."""
    casebook = shipped_casebook(home / "book")
    text = casebook.read_text(encoding="utf-8")
    casebook.write_text(text.replace('plv="14.00"', f'plv="{value}"', 1), encoding="utf-8")
    done = command(capsys, ["validate", str(casebook)])
    assert done.code == 3
    assert re.search(r"demo\.xml:84:\d+: [^\n]*« " + value, done.err), done.err
    assert not faults(done, {3})


@pytest.mark.parametrize(
    ("old", "new", "attribute"),
    [
        ('end="2030-12-31"', 'end="20301-12-31"', "end"),  # xs:date takes a year of five digits
        ('start="2024-01-01"/>', 'start="2024-01-01Z"/>', "start"),  # and a time zone
        ('birth-date="1980-01-15"', 'birth-date="1980-01-15+01:00"', "birth-date"),
    ],
)
def test_a_card_profile_date_the_schema_takes_but_python_cannot_read_is_placed(
    home: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, attribute: str
) -> None:
    """A date valid for the card profile's schema (``xs:date``) but not for Python's ``date.fromisoformat`` made
    ``validate`` fail with « erreur interne » (exit 2): now a problem at the profile's element."""
    casebook = shipped_casebook(home / "book")
    profile = casebook.parent / "cards" / CARD
    text = profile.read_text(encoding="utf-8")
    assert old in text
    profile.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = command(capsys, ["validate", str(casebook)])
    assert done.code == 3
    value = new.split('"')[1]
    said = f"profil de carte invalide : attribut « {attribute} » : date « {value} » illisible : AAAA-MM-JJ attendu"
    assert re.search(rf"cards/{re.escape(CARD)}:\d+:3: {re.escape(said)}", done.err), done.err
    assert not faults(done, {3})


@pytest.mark.parametrize(
    ("header", "typo"),
    [("[guidance.secure_invoice]", "[gumdance.secure_invoice]"), ("[[extractors.records]]", "[[ex4ractors.records]]")],
)
def test_an_unknown_dotted_section_of_a_sut_profile_is_placed(
    home: Path, capsys: pytest.CaptureFixture[str], header: str, typo: str
) -> None:
    """One bit flipped in ``[guidance.secure_invoice]`` made ``[gumdance.secure_invoice]`` (or in
    ``[[extractors.records]]``, ``[[ex4ractors.records]]``): refused as an unknown section without a line, where an
    unknown ``[gumdance]`` is placed (a dotted header opened no place for its first key)."""
    profile = home / "app" / "sut.toml"
    profile.parent.mkdir()
    text = SUT_PROFILE.read_text(encoding="utf-8")
    line = text[: text.index(header)].count("\n") + 1
    profile.write_text(text.replace(header, typo, 1), encoding="utf-8")
    done = command(capsys, ["sut", "check", str(profile)])
    assert done.code == 3
    section = typo.strip("[]").split(".")[0]
    assert f"sut.toml:{line}:1: [{section}] : section inconnue" in done.err, done.err


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_output_folder_the_system_cannot_name_is_refused_at_its_line(
    home: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """``[outputs].fse`` of 3 000 « é » (6 000 bytes, past the system's name limit): ``os.path``'s tests read past
    it at load, then ``sut check`` met « File name too long » listing the folder: « erreur interne », exit 2."""
    profile = home / "app" / "sut.toml"
    profile.parent.mkdir()
    text = SUT_PROFILE.read_text(encoding="utf-8")
    profile.write_text(text.replace('fse = "out/fse"', 'fse = "' + "é" * 3000 + '"', 1), encoding="utf-8")
    line = text[: text.index('fse = "out/fse"')].count("\n") + 1
    done = command(capsys, ["--lang", lang, "sut", "check", str(profile)])
    assert done.code == 3
    said = {
        "fr": " : le système ne peut pas nommer ce dossier (nom trop long pour le système de fichiers) — aucun fichier",
        "en": ": the system cannot name this folder (name too long for the file system) — no file will ever",
    }[lang]
    assert f"sut.toml:{line}:7: [outputs].fse" in done.err and said in done.err, done.err[-400:]
    assert not faults(done, {3}) if lang == "fr" else "Traceback" not in done.err


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        # an element's text of the wrong type: libxml2's « Element 'effective-date': 'xxx… is not a valid value »
        ("<effective-date>2026-01-01<", "<effective-date>" + "x" * 70000 + "<", "<effective-date> : valeur très "),
        # a fixed value: « Element 'casebook', attribute 'format-version': The value 'xxx… does not match »
        (
            'format-version="1"',
            'format-version="' + "x" * 70000 + '"',
            "<casebook>, attribut « format-version » : valeur très ",
        ),
    ],
    ids=["type", "fixed"],
)
def test_other_values_too_long_for_libxml2_to_quote(
    home: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, said: str
) -> None:
    """The other shapes libxml2 cuts in the middle of the value: said in words too, without the value."""
    casebook = shipped_casebook(home / "book")
    text = casebook.read_text(encoding="utf-8")
    assert old in text
    casebook.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = command(capsys, ["validate", str(casebook)])
    assert done.code == 3
    assert re.search(r"demo\.xml:\d+:\d+: non conforme au schéma : " + re.escape(said), done.err), done.err[:300]
    assert not faults(done, {3})


def test_a_nul_in_a_log_encoding_is_refused_at_its_line(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``encoding = "\\u0000"`` in ``[[logs]]``: Python's codec lookup raises ValueError (« embedded null character »),
    not LookupError, and ``sut check`` said « erreur interne » (exit 2). Now an unknown encoding, the NUL shown."""
    profile = home / "app" / "sut.toml"
    profile.parent.mkdir()
    text = SUT_PROFILE.read_text(encoding="utf-8")
    line = text[: text.index('encoding = "cp1252"')].count("\n") + 1
    profile.write_text(text.replace('encoding = "cp1252"', 'encoding = "\\u0000"', 1), encoding="utf-8")
    done = command(capsys, ["sut", "check", str(profile)])
    assert done.code == 3
    assert f"sut.toml:{line}:12: [logs][1].encoding : encodage inconnu « ⟨U+0000⟩ »" in done.err, done.err
    assert "\x00" not in done.err and not faults(done, {3})


@pytest.mark.parametrize(("key", "value"), [("title", "\\u0000"), ("name", "Logiciel\\u001b[31m")])
def test_a_control_character_in_a_plan_text_is_refused_at_its_place(
    home: Path, recorded: Path, capsys: pytest.CaptureFixture[str], key: str, value: str
) -> None:
    """A requirement's ``title = "\\u0000"`` (or an escape sequence in the product's name) went to the screen raw, a
    NUL in the middle of ``coverage``'s lines: now a problem of the plan at its value, like a value of another
    type."""
    plan = home / "plans" / "demo-plan.toml"
    plan.parent.mkdir()
    shipped_casebook(home)
    text = (CASEBOOKS_DIR / "plans" / "demo-plan.toml").read_text(encoding="utf-8")
    written = re.search(rf'(?m)^{key} = "[^"]*"', text)
    assert written is not None
    line = text.count("\n", 0, written.start()) + 1
    plan.write_text(text[: written.start()] + f'{key} = "{value}"' + text[written.end() :], encoding="utf-8")
    done = command(capsys, ["coverage", str(recorded), "--plan", str(plan)])
    assert done.code == 3
    char = "U+0000" if key == "title" else "U+001B"
    said = f"demo-plan.toml:{line}:{len(key) + 4}: {key} : caractère de contrôle {char} dans le texte : retapez-le"
    assert said in done.err, done.err
    assert not re.search(r"[\x00\x1b]", done.out + done.err)


@pytest.mark.parametrize("key", ["name", "agrement"])
def test_a_control_character_in_the_product_of_a_sut_profile_is_refused(
    home: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    """``agrement = "\\u0000"``: accepted, then printed raw by ``sut check`` (« agrément ou numéro de test : » and a
    NUL), as it would be on the report's cover. Now refused at its value."""
    profile = home / "app" / "sut.toml"
    profile.parent.mkdir()
    text = SUT_PROFILE.read_text(encoding="utf-8")
    written = re.search(rf'(?m)^{key} = "[^"]*"', text)
    assert written is not None
    line = text.count("\n", 0, written.start()) + 1
    profile.write_text(text[: written.start()] + f'{key} = "\\u0000"' + text[written.end() :], encoding="utf-8")
    done = command(capsys, ["sut", "check", str(profile)])
    assert done.code == 3
    said = f"sut.toml:{line}:{len(key) + 4}: [product].{key} : caractère de contrôle U+0000 dans le texte : retapez-le"
    assert said in done.err, done.err
    assert "\x00" not in done.out + done.err


def test_a_control_character_a_workbook_cell_holds_is_shown_not_sent(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A BEL and a DEL typed in a CSV cell: the import reads the BEL as a space but its problem quoted the DEL raw
    (a terminal may act on it, and it is invisible). Now shown as ⟨U+007F⟩."""
    folder = home / "exam"
    shutil.copytree(EXAMPLES, folder)
    shutil.copytree(CASEBOOKS_DIR / "cards", home / "cards")
    document = folder / "cahier-exemple.csv"
    text = document.read_text(encoding="utf-8-sig")
    document.write_text(text.replace(";FSE;Sécurisé;", ";FSE\x07\x7f;Sécurisé;", 1), encoding="utf-8-sig")
    argv = ["import", str(document), "--mapping", str(folder / "cahier-exemple.mapping.toml"), "-o", "o.xml"]
    done = command(capsys, argv)
    assert done.code == 3
    assert "'cahier-exemple'!D5: colonne « Domaine » : « FSE ⟨U+007F⟩ » n'est pas un domaine" in done.err, done.err
    assert not CONTROL.search(done.out + done.err)


def test_a_control_character_in_an_extractor_name_is_refused(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An extractor's ``name = "\\u0000"`` went raw into ``sut check``'s « Extracteur « … » » line."""
    profile = home / "app" / "sut.toml"
    profile.parent.mkdir()
    text = SUT_PROFILE.read_text(encoding="utf-8")
    line = text[: text.index('name = "FSE : totaux et lignes"')].count("\n") + 1
    profile.write_text(text.replace('name = "FSE : totaux et lignes"', 'name = "FSE\\u001b[2J"', 1), encoding="utf-8")
    done = command(capsys, ["sut", "check", str(profile)])
    assert done.code == 3
    assert f"sut.toml:{line}:8: [extractors][1] : caractère de contrôle U+001B dans le nom : retapez-le" in done.err
    assert not CONTROL.search(done.out + done.err)


def _exam_book(home: Path) -> Path:
    """The sample exam book's folder (its CSV, mapping and fixtures), the card profiles beside the casebooks."""
    folder = home / "exam"
    shutil.copytree(EXAMPLES, folder)
    shutil.copytree(CASEBOOKS_DIR / "cards", home / "cards")
    return folder


def test_a_mapping_not_in_utf8_is_placed_on_its_first_bad_byte(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A mapping saved in cp1252 (Notepad's « ANSI ») was refused with no place, where a plan or a profile saved so
    is placed on its first bad byte (docs/office-import.md: the mapping's problems at line and column)."""
    folder = _exam_book(home)
    mapping = folder / "cahier-exemple.mapping.toml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_bytes(text.encode("cp1252", errors="replace"))
    first = next(n for n, row in enumerate(text.splitlines(), 1) if not row.isascii())
    col = next(i for i, char in enumerate(text.splitlines()[first - 1], 1) if not char.isascii())
    argv = ["import", str(folder / "cahier-exemple.csv"), "--mapping", str(mapping), "-o", "o.xml"]
    done = command(capsys, argv)
    assert done.code == 3
    said = f"cahier-exemple.mapping.toml:{first}:{col}: fichier de correspondance illisible : il n'est pas en UTF-8"
    assert said in done.err, done.err


def test_a_doctype_in_the_fixtures_file_is_placed(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A DOCTYPE in the fixtures file was refused with no place, where a casebook's is placed at its line."""
    folder = _exam_book(home)
    fixtures = folder / "cahier-exemple.fixtures.xml"
    text = fixtures.read_text(encoding="utf-8")
    fixtures.write_text(text.replace("<fixtures ", '<!DOCTYPE x [<!ENTITY a "b">]>\n<fixtures ', 1), encoding="utf-8")
    line = text[: text.index("<fixtures ")].count("\n") + 1
    argv = ["import", str(folder / "cahier-exemple.csv"), "--mapping", str(folder / "cahier-exemple.mapping.toml")]
    done = command(capsys, [*argv, "-o", "o.xml"])
    assert done.code == 3
    said = f"cahier-exemple.fixtures.xml:{line}:1: déclaration DOCTYPE refusée : un fichier de fixtures ne doit"
    assert said in done.err, done.err


def test_a_card_profile_path_too_long_in_the_fixtures_is_placed_at_its_card(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A card's ``profile`` of 70 000 characters in the fixtures file: the check that it exists met « File name too
    long » and the import said « écriture impossible de o.xml : nom trop long… » — of the casebook it writes, not of
    the fixtures' line that names the profile."""
    folder = _exam_book(home)
    fixtures = folder / "cahier-exemple.fixtures.xml"
    text = fixtures.read_text(encoding="utf-8")
    old = 'profile="../cards/vitale2-adult-standard.xml"'
    line = text[: text.index(old)].count("\n") + 1
    fixtures.write_text(text.replace(old, 'profile="' + "x" * 70000 + '"', 1), encoding="utf-8")
    argv = ["import", str(folder / "cahier-exemple.csv"), "--mapping", str(folder / "cahier-exemple.mapping.toml")]
    done = command(capsys, [*argv, "-o", "o.xml"])
    assert done.code == 3
    said = f"cahier-exemple.fixtures.xml:{line}: profil de carte illisible : nom trop long pour le système de fichiers"
    assert said in done.err, done.err
    assert "écriture impossible" not in done.err and not (home / "o.xml").exists()


def test_a_fixtures_path_too_long_in_the_mapping_is_placed_at_its_value(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The mapping's ``fixtures = "yyy…"`` (5 000 characters): its check met « File name too long » and the import
    said « écriture impossible de o.xml : nom trop long… », of the casebook, where the mapping's value is wrong."""
    folder = _exam_book(home)
    mapping = folder / "cahier-exemple.mapping.toml"
    text = mapping.read_text(encoding="utf-8")
    old = 'fixtures = "cahier-exemple.fixtures.xml"'
    line = text[: text.index(old)].count("\n") + 1
    mapping.write_text(text.replace(old, 'fixtures = "' + "y" * 5000 + '"', 1), encoding="utf-8")
    argv = ["import", str(folder / "cahier-exemple.csv"), "--mapping", str(mapping), "-o", "o.xml"]
    done = command(capsys, argv)
    assert done.code == 3
    said = f"cahier-exemple.mapping.toml:{line}:12: fichier de fixtures illisible : nom trop long pour le système"
    assert said in done.err, done.err
    assert "écriture impossible" not in done.err and not (home / "o.xml").exists()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_workbook_cell_of_70000_characters_is_quoted_cut(
    home: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """A CSV cell of 70 000 characters where a domain is expected was quoted whole by its problem: one line of
    70 000 characters on the screen (the DOCX fuzz's seed 21461279, the same in every format). Its first 200
    characters now, the cut marked."""
    folder = _exam_book(home)
    document = folder / "cahier-exemple.csv"
    text = document.read_text(encoding="utf-8-sig")
    document.write_text(text.replace(";FSE;Sécurisé;", ";" + "é" * 70000 + ";Sécurisé;", 1), encoding="utf-8-sig")
    argv = ["import", str(document), "--mapping", str(folder / "cahier-exemple.mapping.toml"), "-o", "o.xml"]
    done = command(capsys, ["--lang", lang, *argv])
    assert done.code == 3
    assert max(len(line) for line in done.err.splitlines()) < 600, done.err[:600]
    quoted = {"fr": "« " + "é" * 199 + "… »", "en": "“" + "é" * 199 + "…”"}[lang]
    assert "'cahier-exemple'!D5: " in done.err and quoted in done.err, done.err[:600]
