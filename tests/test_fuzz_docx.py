"""A deterministic mutation fuzz of the Word exam book ``testbench import`` reads (a table of a DOCX document).

The sample exam book's DOCX (``casebooks/examples/cahier-exemple.docx``, the import takes it whole) is mutated at
the package's level — cut off, a bit flipped, a CRC that does not match, a part left out (``word/document.xml``, the
content types, the relationships), parts added (a binary, a name written twice, a folder, a name leaving the
package), a part that decompresses to far more than it holds (a « zip bomb »), an OLE file in its place (a Word
97-2003 ``.doc`` renamed, a document encrypted by a password) — and in its ``word/document.xml``: bytes (cut,
flipped, a NUL, no UTF-8, a BOM), XML (a DOCTYPE with entities, an external entity, elements nested deep, dropped
or written twice) and the table itself (a cell left out or added, cells merged across or down, a row empty, left
out, written twice, shifted by ``w:gridBefore``, inside a content control, a table before it or inside a cell, a
cell's text replaced: control characters, very long, numbers with commas, tabs and line breaks).

Each mutant is imported in process (``testbench.cli.main.main``), as :mod:`test_fuzz_inputs` does it and with its
checks: the command ends with its documented code (0 written, 3 refused), prints no traceback, no « erreur
interne », no Python class name, no raw Python value, no library's English and no raw control character, a
refusal names its place (« tableau 1, ligne 7, colonne 3 », the mapping's line, or the document as a whole), the
document is left byte for byte, and the fuzz met both an accepted and a refused mutant. Seeded and scaled by
``TESTBENCH_FUZZ_SEED`` and ``TESTBENCH_FUZZ_SCALE`` as the other fuzzers; the mutants it found are kept below as
named regression tests.
"""

from __future__ import annotations

import copy
import functools
import io
import random
import re
import shutil
import struct
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from test_fuzz_inputs import (
    Failures,
    Mutation,
    Said,
    _bom,
    _delete,
    _doctype,
    _drop_element,
    _dup_element,
    _flip,
    _nest,
    _not_utf8,
    _nul,
    _number,
    _text,
    _truncate,
    _value,
    command,
    faults,
    lang,
    mutants,
)

from testbench.paths import CASEBOOKS_DIR
from testbench.xmlsafe import from_bytes

EXAMPLES = CASEBOOKS_DIR / "examples"
SOURCE = EXAMPLES / "cahier-exemple.docx"
DOCUMENT = "word/document.xml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: a refusal's place: a cell or a row of a Word table (« tableau 1, ligne 7, colonne 3 », "table 1 row 7"), the
#: mapping's or the fixtures' line, the document said unreadable as a whole
DOCX_PLACE = re.compile(
    r"(?m)tableau \d+, ligne \d+|table \d+ row \d+|\.(toml|xml):\d+|^\S*cahier\.docx ?: "
)


# ---- the package ---------------------------------------------------------------------------------------------------


def _parts(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [(info, package.read(info.filename)) for info in package.infolist()]


def _package(parts: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # « Duplicate name »: one mutation writes a name twice
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            for name, data in parts:
                package.writestr(name, data)
    return buffer.getvalue()


def _with_document(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    return _package([(i.filename, change(part) if i.filename == DOCUMENT else part) for i, part in _parts(data)])


def _bad_crc(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """The CRC of a part, in its local header and the central directory, no longer that of its bytes."""
    name = rng.choice([DOCUMENT, "word/styles.xml", "[Content_Types].xml"])
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        info = package.getinfo(name)
    wrong = struct.pack("<I", info.CRC ^ 0x5A5A5A5A)
    out = bytearray(data)
    out[info.header_offset + 14 : info.header_offset + 18] = wrong
    central = out.find(b"PK\x01\x02")
    while central >= 0:  # the central directory's entry of ``name``
        size = struct.unpack("<H", out[central + 28 : central + 30])[0]
        if out[central + 46 : central + 46 + size] == name.encode():
            out[central + 16 : central + 20] = wrong
            break
        central = out.find(b"PK\x01\x02", central + 46)
    return f"CRC of {name} wrong", bytes(out)


def _drop_part(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    name = rng.choice([DOCUMENT, DOCUMENT, "[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
                       "word/styles.xml"])  # fmt: skip
    return f"{name} left out", _package([(i.filename, d) for i, d in _parts(data) if i.filename != name])


def _extra_part(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    parts = [(i.filename, d) for i, d in _parts(data)]
    name, extra = rng.choice(
        [
            ("word/media/image1.bin", bytes(rng.randrange(256) for _ in range(2000))),
            (DOCUMENT, b"<w:document/>"),  # a name written twice: which is read?
            ("word/", b""),
            ("../../escape.xml", b"<x/>"),
            ("word/document2.xml", dict(parts)[DOCUMENT]),
        ]
    )
    at = rng.randrange(len(parts) + 1)
    return f"part {name} added at {at}", _package([*parts[:at], (name, extra), *parts[at:]])


@functools.cache
def _bomb(size: int, source: Path = SOURCE, name: str = DOCUMENT, before: bytes = b"</w:body>") -> bytes:
    """``source`` with its part ``name`` holding ``size`` bytes of spaces (``before`` its element's end), deflated into
    a few hundred KB: a « zip bomb »'s ratio."""
    parts = _parts(source.read_bytes())
    xml = dict((info.filename, data) for info, data in parts)[name]
    at = xml.index(before)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for info, data in parts:
            if info.filename != name:
                package.writestr(info.filename, data)
        with package.open(name, "w", force_zip64=True) as part:
            part.write(xml[:at])
            block = b" " * (1 << 20)
            for _ in range(size >> 20):
                part.write(block)
            part.write(xml[at:])
    return buffer.getvalue()


def _zip_bomb(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    return "word/document.xml of 64 MiB of spaces (a zip bomb's ratio)", _bomb(64 << 20)


def _ole_file(encrypted: bool) -> bytes:
    """An OLE compound file: a Word 97-2003 document, or an OOXML one encrypted by a password."""
    stream = "EncryptionInfo" if encrypted else "WordDocument"
    return bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504) + stream.encode("utf_16_le") + bytes(1000)


def _ole(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """An OLE compound file named .docx."""
    encrypted = rng.random() < 0.5
    return ("an encrypted document" if encrypted else "a Word 97-2003 file"), _ole_file(encrypted)


def _document_bytes(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """word/document.xml's bytes or XML mutated (the fuzz of test_fuzz_inputs)."""
    kind = rng.choice([_truncate, _flip, _delete, _nul, _not_utf8, _bom, _doctype, _doctype, _nest, _text, _text,
                       _drop_element, _dup_element, _value, _number])  # fmt: skip
    said: list[str] = []

    def change(xml: bytes) -> bytes:
        done, out = kind(rng, xml)
        said.append(done)
        return out

    out = _with_document(data, change)
    return f"word/document.xml: {said[0]}", out


# ---- the table -----------------------------------------------------------------------------------------------------

TEXTS = [
    "",
    " ",
    "x" * 70000,
    "33,60",
    "1 234,56",
    "1,234.56",
    "12,5O €",
    "-0,00",
    "1e309",
    "NaN",
    "\x7f",
    "FSE\x85",
    "\u202eFSE",
    "\x9b31m",
    "\u00a0FSE\u00a0",
    "EX-FSE-001",
]
#: characters XML 1.0 cannot hold, written raw in the part (a damaged document)
RAW = [b"\x01", b"\x1b[31m", b"\xef\xbf\xbe"]


def _set_text(tc: etree._Element, text: str) -> None:
    for p in tc.findall(f"{W}p"):
        tc.remove(p)
    p = etree.SubElement(tc, f"{W}p")
    run = etree.SubElement(p, f"{W}r")
    for n, piece in enumerate(re.split(r"([\t\n])", text)):
        if piece == "\t":
            etree.SubElement(run, f"{W}tab")
        elif piece == "\n":
            etree.SubElement(run, f"{W}br")
        elif piece or n == 0:
            t = etree.SubElement(run, f"{W}t")
            t.text = piece
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _span(tc: etree._Element, tag: str, value: str | None) -> None:
    props = tc.find(f"{W}tcPr")
    if props is None:
        props = etree.Element(f"{W}tcPr")
        tc.insert(0, props)
    old = props.find(f"{W}{tag}")
    if old is not None:
        props.remove(old)
    element = etree.SubElement(props, f"{W}{tag}")
    if value is not None:
        element.set(f"{W}val", value)


def _table_mutant(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """The first table of word/document.xml changed as a person (or another word processor) may leave it."""
    said: list[str] = []
    raw: list[bytes] = []

    def change(xml: bytes) -> bytes:
        root = from_bytes(xml)
        body = root.find(f"{W}body")
        assert body is not None
        table = body.find(f"{W}tbl")
        assert table is not None
        rows = table.findall(f"{W}tr")
        r = rng.randrange(len(rows))
        row = rows[r]
        cells = row.findall(f"{W}tc")
        c = rng.randrange(len(cells)) if cells else 0
        kind = rng.randrange(16)
        if kind == 0 and cells:
            row.remove(cells[c])
            said.append(f"row {r + 1}: cell {c + 1} left out")
        elif kind == 1 and cells:
            row.insert(list(row).index(cells[c]), copy.deepcopy(cells[c]))
            said.append(f"row {r + 1}: cell {c + 1} written twice")
        elif kind == 2 and cells:
            span = rng.choice(["2", "3", "40", "1000000", "0", "-1", "x", ""])
            _span(cells[c], "gridSpan", span)
            said.append(f"row {r + 1}: cell {c + 1} gridSpan {span!r}")
        elif kind == 3 and cells and r + 1 < len(rows):
            below = rows[r + 1].findall(f"{W}tc")
            _span(cells[c], "vMerge", "restart")
            if c < len(below):
                _span(below[c], "vMerge", None)
                if rng.random() < 0.5:
                    _set_text(below[c], "")
            said.append(f"rows {r + 1}-{r + 2}: column {c + 1} merged down")
        elif kind == 4:
            empty = etree.Element(f"{W}tr")
            if rng.random() < 0.5:
                for _ in cells:
                    etree.SubElement(etree.SubElement(empty, f"{W}tc"), f"{W}p")
            row.addprevious(empty)
            said.append(f"an empty row before row {r + 1}")
        elif kind == 5:
            table.remove(row)
            said.append(f"row {r + 1} left out")
        elif kind == 6:
            row.addnext(copy.deepcopy(row))
            said.append(f"row {r + 1} written twice")
        elif kind == 7:
            props = row.find(f"{W}trPr")
            if props is None:
                props = etree.Element(f"{W}trPr")
                row.insert(0 if row.find(f"{W}tblPrEx") is None else 1, props)
            etree.SubElement(props, f"{W}gridBefore").set(f"{W}val", rng.choice(["1", "2"]))
            said.append(f"row {r + 1} shifted right by gridBefore")
        elif kind == 8:
            sdt = etree.Element(f"{W}sdt")
            row.addprevious(sdt)
            etree.SubElement(sdt, f"{W}sdtContent").append(row)
            said.append(f"row {r + 1} inside a content control")
        elif kind == 9 and cells:
            sdt = etree.Element(f"{W}sdt")
            cells[c].addprevious(sdt)
            etree.SubElement(sdt, f"{W}sdtContent").append(cells[c])
            said.append(f"row {r + 1}: cell {c + 1} inside a content control")
        elif kind == 10:
            small = copy.deepcopy(table)
            for extra in small.findall(f"{W}tr")[2:]:
                small.remove(extra)
            if rng.random() < 0.5:
                table.addprevious(small)
                said.append("a small table before the table")
            elif cells:
                cells[c].append(small)
                cells[c].append(etree.Element(f"{W}p"))
                said.append(f"row {r + 1}: a table inside cell {c + 1}")
        elif kind == 11 and cells:
            mark = rng.choice(RAW)
            _set_text(cells[c], "@@RAW@@")
            raw.append(mark)
            said.append(f"row {r + 1}: cell {c + 1} holds {mark!r} raw")
        elif cells:
            text = rng.choice([*TEXTS, "Lit\tmédical\nloué", rng.choice(TEXTS) + "\n" + rng.choice(TEXTS)])
            _set_text(cells[c], text)
            said.append(f"row {r + 1}: cell {c + 1} = {text[:30]!r}")
        else:
            said.append(f"row {r + 1}: nothing to change")
        out = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return out.replace(b"@@RAW@@", raw[0]) if raw else out

    out = _with_document(data, change)
    return f"table: {said[0]}", out


PACKAGE: list[Mutation] = [_truncate, _flip, _bad_crc, _drop_part, _extra_part, _zip_bomb, _ole]
DOCUMENT_XML: list[Mutation] = [_document_bytes]
TABLE: list[Mutation] = [_table_mutant]


# ---- running the import --------------------------------------------------------------------------------------------


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample exam book's folder in a throw-away HOME and working folder (the card profiles beside it)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("TESTBENCH_LANG", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "exam"
    shutil.copytree(EXAMPLES, folder)
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    return folder


def _import(capsys: pytest.CaptureFixture[str], folder: Path, document: Path, out: Path, *options: str) -> Said:
    argv = ["import", str(document), "--mapping", str(folder / "cahier-exemple.mapping.toml"), "-o", str(out)]
    return command(capsys, [*options, *argv])


def check_docx(said: Said, out: Path, document: Path, data: bytes) -> list[str]:
    """Written (0) or refused (3) at a place, the document left as it was, no entity resolved; « rien n'est écrit »
    only when nothing is."""
    wrong = faults(said, {0, 3})
    if said.code == 3 and not DOCX_PLACE.search(said.err):
        wrong.append("refused without a place")
    if out.exists() and said.code == 3 and "rien n'est écrit" in said.err:
        wrong.append("« rien n'est écrit » but a casebook was written")
    if document.read_bytes() != data:
        wrong.append("the document was changed")
    written = out.read_bytes() if out.exists() else b""
    if b"root:x:0:" in written or b"a" * 100 in written:  # an entity of a DOCTYPE resolved (a file, a billion laughs)
        wrong.append("an entity of the document's DOCTYPE was resolved")
    return wrong


def _docx_fuzz(book: Path, capsys: pytest.CaptureFixture[str], kinds: list[Mutation], count: int, salt: int) -> None:
    document = book / "cahier.docx"
    source = SOURCE.read_bytes()
    failures = Failures()
    for seed, done, data in mutants(source, kinds, count, salt=salt):
        document.write_bytes(data)
        out = book.parent / f"o{seed}.xml"
        said = _import(capsys, book, document, out, *lang(seed))
        failures.check(seed, done, said, check_docx(said, out, document, data))
    assert not failures, str(failures)
    assert failures.codes[0] and failures.codes[3], failures.codes


def test_docx_package_mutants(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The package mutated: written (0) when the table still reads, else refused (3) as a whole, in words."""
    _docx_fuzz(book, capsys, PACKAGE + DOCUMENT_XML * 3, 60, salt=11)


def test_docx_table_mutants(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The table mutated: written (0), or refused (3) at its cell, its row or the mapping's line."""
    _docx_fuzz(book, capsys, TABLE, 100, salt=12)


# ---- regressions: the mutants the fuzz found, minimised ----------------------------------------------------------


def _edited(change: Callable[[etree._Element, list[etree._Element]], object]) -> bytes:
    """The sample DOCX with its table changed by ``change(table, rows)``."""

    def edit(xml: bytes) -> bytes:
        root = from_bytes(xml)
        table = root.find(f"{W}body/{W}tbl")
        assert table is not None
        change(table, table.findall(f"{W}tr"))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return _with_document(SOURCE.read_bytes(), edit)


def _wrap(element: etree._Element) -> None:
    """``element`` moved inside a content control (``w:sdt``), as Word writes a repeating section or a form."""
    sdt = etree.Element(f"{W}sdt")
    element.addprevious(sdt)
    etree.SubElement(sdt, f"{W}sdtPr")
    etree.SubElement(sdt, f"{W}sdtContent").append(element)


def _cells(row: etree._Element) -> list[etree._Element]:
    return row.findall(f"{W}tc")


def _casebook(book: Path, data: bytes, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[Said, list[str]]:
    """The import of ``data``: what it said, and the casebook's lines without the comments naming the document."""
    document, out = book / "cahier.docx", book / "cahier.xml"
    document.write_bytes(data)
    said = _import(capsys, book, document, out, *options)
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    return said, [line for line in lines if "<!--" not in line]


@pytest.fixture
def sample(book: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The casebook the sample DOCX imports to, as it is."""
    said, lines = _casebook(book, SOURCE.read_bytes(), capsys)
    assert said.code == 0 and lines, said.err
    (book / "cahier.xml").unlink()
    return lines


def test_a_merge_across_a_million_columns_is_refused_at_its_cell(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``w:gridSpan="1000000"`` on one cell made every row of the table a million cells: 90 s, then one problem per
    mapped cell of the row (seed 21461242). Now refused at once, at the cell."""
    data = _edited(lambda table, rows: _span(_cells(rows[6])[18], "gridSpan", "1000000"))
    said, _ = _casebook(book, data, capsys)
    assert said.code == 3
    assert (
        "tableau 1, ligne 7, colonne 19: cellule fusionnée sur 1000000 colonnes (w:gridSpan), la ligne irait au-delà "
        "des 1000 colonnes d'un tableau : document endommagé"
    ) in said.err, said.err
    assert said.err.count("\n") < 5 and not faults(said, {3})


def test_a_row_shifted_past_any_table_is_refused_at_its_row(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def shift(table: etree._Element, rows: list[etree._Element]) -> None:
        props = etree.Element(f"{W}trPr")
        rows[6].insert(0, props)
        etree.SubElement(props, f"{W}gridBefore").set(f"{W}val", "5000")

    said, _ = _casebook(book, _edited(shift), capsys, "--lang", "en")
    assert said.code == 3
    assert "table 1 row 7: row shifted by 5000 columns (w:gridBefore)" in said.err, said.err


@pytest.mark.parametrize("span", ["0", "-1"])
def test_a_merge_of_no_column_is_one_column(
    book: Path, capsys: pytest.CaptureFixture[str], sample: list[str], span: str
) -> None:
    """``w:gridSpan="0"`` (Word reads it as 1) dropped the cell: the row's next cells moved under the headers on
    their left (seed 21461268: « Sécurisé » read as the domain)."""
    said, lines = _casebook(book, _edited(lambda table, rows: _span(_cells(rows[16])[3], "gridSpan", span)), capsys)
    assert said.code == 0, said.err
    assert lines == sample


def test_a_merge_count_that_is_no_number_is_refused_at_its_cell(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``w:gridSpan="x"``: the whole document said « fichier endommagé » with no place; now its cell."""
    said, _ = _casebook(book, _edited(lambda table, rows: _span(_cells(rows[16])[3], "gridSpan", "x")), capsys)
    assert said.code == 3
    said_fr = "tableau 1, ligne 17, colonne 4: nombre illisible « x » dans w:gridSpan : document endommagé"
    assert said_fr in said.err, said.err


def test_a_row_inside_a_content_control_is_imported(
    book: Path, capsys: pytest.CaptureFixture[str], sample: list[str]
) -> None:
    """A row inside a content control (Word's repeating section) was not read at all: case EX-FSE-014 left out
    without a word, exit 0 (seed 21461245)."""
    said, lines = _casebook(book, _edited(lambda table, rows: _wrap(rows[16])), capsys)
    assert said.code == 0, said.err
    assert lines == sample


def test_a_cell_inside_a_content_control_stays_in_its_column(
    book: Path, capsys: pytest.CaptureFixture[str], sample: list[str]
) -> None:
    """A cell inside a content control (a form's field) was dropped: the row's next cells moved one column left,
    under other headers (seed 21461233)."""
    said, lines = _casebook(book, _edited(lambda table, rows: _wrap(_cells(rows[16])[3])), capsys)
    assert said.code == 0, said.err
    assert lines == sample


def test_a_table_inside_a_content_control_is_counted(
    book: Path, capsys: pytest.CaptureFixture[str], sample: list[str]
) -> None:
    """The table of cases inside a content control: « tableau 1 absent (le document en a 0) »."""
    said, lines = _casebook(book, _edited(lambda table, rows: _wrap(table)), capsys)
    assert said.code == 0, said.err
    assert lines == sample


def test_a_row_shifted_right_is_read_under_the_columns_word_shows_it_under(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``w:gridBefore="1"``: Word shows the row one column right, EX-FSE-014 under « Intitulé »; it was read from
    the first column, the case imported as if nothing were amiss (seed 21461237). Now as Word shows it: a row
    without a case id."""

    def shift(table: etree._Element, rows: list[etree._Element]) -> None:
        props = etree.Element(f"{W}trPr")
        rows[16].insert(0, props)
        etree.SubElement(props, f"{W}gridBefore").set(f"{W}val", "1")
        rows[16].remove(_cells(rows[16])[-1])

    said, _ = _casebook(book, _edited(shift), capsys)
    assert said.code == 3
    assert "tableau 1, ligne 17, colonne 2: ligne sans n° de cas mais avec Intitulé" in said.err, said.err
    assert not faults(said, {3})


def test_a_table_inside_a_cell_is_read_not_dropped(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A table inside a cell (two tags set out as a small table) was dropped without a word: its text is the
    cell's now, its cells apart by tabs and its rows by line breaks, as Word copies it as text."""
    from testbench.office.mapping import load_mapping
    from testbench.office.tables import read_table

    def nest(table: etree._Element, rows: list[etree._Element]) -> None:
        cell = _cells(rows[16])[6]  # « Mots-clés »
        inner = etree.SubElement(cell, f"{W}tbl")
        for words in (("ald", "c2s"), ("exo", "")):
            tr = etree.SubElement(inner, f"{W}tr")
            for word in words:
                _set_text(etree.SubElement(tr, f"{W}tc"), word)
        etree.SubElement(cell, f"{W}p")

    (book / "cahier.docx").write_bytes(_edited(nest))
    table = read_table(book / "cahier.docx", load_mapping(book / "cahier-exemple.mapping.toml"))
    cell = next(row[6] for row in table.rows if row[0].text == "EX-FSE-014")
    assert cell.text.endswith("\nald\tc2s\nexo\t\n"), repr(cell.text)


def test_a_zip_bomb_is_refused_before_it_is_inflated(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A ``word/document.xml`` of 256 MiB of spaces in 300 KB: python-docx inflated it whole into memory, and
    libxml2 then refused it as damaged. Now refused from the package's directory, nothing inflated."""
    said, _ = _casebook(book, _bomb(256 << 20), capsys)
    assert said.code == 3
    assert re.search(
        r"cahier\.docx: document DOCX illisible : la partie « word/document\.xml » ferait "
        r"268\xa0\d{3}\xa0\d{3}\xa0octets une fois décompressée pour [\d\xa0]+\xa0octets dans le fichier "
        r"\(\d+ fois plus\) : archive piégée",
        said.err,
    ), said.err
    assert not faults(said, {3})


def test_a_part_written_twice_is_refused(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two ``word/document.xml`` in the package: python-docx read the last, another reader may read the first."""
    parts = [(info.filename, data) for info, data in _parts(SOURCE.read_bytes())]
    data = _package([(DOCUMENT, b"<w:document/>"), *parts])
    said, _ = _casebook(book, data, capsys)
    assert said.code == 3
    said_fr = "partie « word/document.xml » écrite deux fois dans l'archive : document endommagé"
    assert said_fr in said.err, said.err


@pytest.mark.parametrize(
    ("encrypted", "said"),
    [
        (False, "document Word 97-2003 (.doc) : enregistrez-le au format .docx et importez-le"),
        (True, "document protégé par mot de passe : enregistrez-en une copie sans mot de passe et importez-la"),
    ],
)
def test_an_old_or_encrypted_word_document_is_said_so(
    book: Path, capsys: pytest.CaptureFixture[str], encrypted: bool, said: str
) -> None:
    """An OLE file named .docx read « fichier endommagé ou d'un autre format », where an .xlsx says which."""
    done, _ = _casebook(book, _ole_file(encrypted), capsys)
    assert done.code == 3
    assert f"cahier.docx: document DOCX illisible : {said}" in done.err, done.err


def test_a_case_id_with_a_control_character_is_shown_in_the_closing_line(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A DEL typed as a case id: its problem showed it (⟨U+007F⟩), the closing « 1 cas laissé de côté : » sent it
    raw to the terminal (seed 21461235)."""
    said, _ = _casebook(book, _edited(lambda table, rows: _set_text(_cells(rows[17])[0], "\x7f")), capsys)
    assert said.code == 3
    assert "1 cas laissé de côté : ⟨U+007F⟩" in said.err, said.err
    assert not faults(said, {3})


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_cell_of_70000_characters_is_quoted_cut(book: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    """A cell of 70 000 characters (a paste gone wrong) was quoted whole: one line of 70 000 characters (seed
    21461279). Its first characters now, the cut marked."""
    data = _edited(lambda table, rows: _set_text(_cells(rows[17])[13], "x" * 70000))
    said, _ = _casebook(book, data, capsys, "--lang", lang)
    assert said.code == 3
    assert max(len(line) for line in said.err.splitlines()) < 400, said.err[:500]
    quoted = {"fr": "« " + "x" * 199 + "… »", "en": "“" + "x" * 199 + "…”"}[lang]
    assert {"fr": "tableau 1, ligne 18, colonne 14", "en": "table 1 row 18, column 14"}[lang] in said.err
    assert quoted in said.err, said.err[:500]


def _small_table(rows: int, texts: tuple[str, ...] = ("a", "b")) -> etree._Element:
    table = etree.Element(f"{W}tbl")
    for _ in range(rows):
        tr = etree.SubElement(table, f"{W}tr")
        for text in texts:
            _set_text(etree.SubElement(tr, f"{W}tc"), text)
    return table


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        (
            2,
            "cahier.docx: l'en-tête (ligne 4) est au-delà de la fin du tableau 1 (dernière ligne écrite : 2) : est-ce "
            "le bon tableau ? (table = dans [source], 1 = le premier)",
        ),
        (
            6,
            "tableau 1, ligne 4: aucune des colonnes attendues (N° cas, Intitulé, Objectif…) dans l'en-tête : est-ce "
            "le bon tableau ? (table = dans [source], 1 = le premier)",
        ),
        (1, "cahier.docx: tableau 1 vide : est-ce le bon tableau ? (table = dans [source], 1 = le premier)"),
    ],
    ids=["short", "other-header", "empty"],
)
def test_another_table_before_the_cases_is_said_a_table(
    book: Path, capsys: pytest.CaptureFixture[str], rows: int, said: str
) -> None:
    """A small table put before the table of cases (a revision history, seed 21461215): the import said « l'en-tête
    est au-delà de la fin du document », « est-ce la bonne feuille ? », « document vide » — of a document that goes
    on, and a sheet Word has not. Now the table read, and ``table =`` to choose another."""
    texts = ("", "") if rows == 1 else ("a", "b")
    done, _ = _casebook(book, _edited(lambda table, _rows: table.addprevious(_small_table(rows, texts))), capsys)
    assert done.code == 3
    assert said in done.err, done.err
    assert not faults(done, {3})


@pytest.mark.parametrize(
    ("kind", "name", "before"),
    [("xlsx", "xl/worksheets/sheet1.xml", b"</sheetData>"), ("ods", "content.xml", b"</office:body>")],
)
def test_a_workbook_zip_bomb_is_refused_too(
    book: Path, capsys: pytest.CaptureFixture[str], kind: str, name: str, before: bytes
) -> None:
    """The same check for a workbook (openpyxl and the ODS reader stream a part, inflating it all the same)."""
    document = book / f"cahier.{kind}"
    document.write_bytes(_bomb(64 << 20, EXAMPLES / f"cahier-exemple.{kind}", name, before))
    said = _import(capsys, book, document, book / "cahier.xml")
    assert said.code == 3
    assert f"document {kind.upper()} illisible : la partie « {name} » ferait 67\xa0" in said.err, said.err
    assert "archive piégée (« bombe zip ») ou endommagée, non décompressée" in said.err, said.err
