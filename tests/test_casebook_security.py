"""Hostile XML (XXE, billion laughs, network DTD): a casebook is refused fast, clearly, with no network; every
other XML a person gives (card profile, return file, FSE, office document, produced file) is refused or read
with no entity expanded, nothing read from the disk or the network."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook
from tests.listener import nobody_connected

DATA = Path(__file__).resolve().parent / "data" / "casebooks"


def _hostile(tmp_path: Path, name: str, server: socket.socket) -> Path:
    port = server.getsockname()[1]
    text = (DATA / name).read_text(encoding="utf-8").replace("PORT", str(port))
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["xxe.xml", "billion-laughs.xml", "external-dtd.xml"])
def test_doctype_is_refused_fast_clearly_and_offline(tmp_path: Path, listener: socket.socket, name: str) -> None:
    path = _hostile(tmp_path, name, listener)
    start = time.perf_counter()
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"refusal took {elapsed:.3f} s"
    (problem,) = info.value.problems
    doctype_line = next(
        n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if "<!DOCTYPE" in line
    )
    assert (problem.source.file, problem.source.line, problem.source.col) == (str(path), doctype_line, 1)
    assert "DOCTYPE" in problem.message and "XXE" in problem.message
    assert "root:" not in str(info.value)  # nothing of /etc/passwd leaked into the message
    assert nobody_connected(listener)


def test_doctype_hidden_after_a_byte_order_mark_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bom.xml"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "billion-laughs.xml").read_bytes())
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    assert "DOCTYPE" in info.value.problems[0].message


def test_undeclared_entity_is_a_syntax_problem_not_an_expansion(tmp_path: Path) -> None:
    path = tmp_path / "entity.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<casebook xmlns="urn:testbench:casebook:1" format-version="1">&xxe;</casebook>\n',
        encoding="utf-8",
    )
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    (problem,) = info.value.problems
    assert problem.source.line == 2 and "xxe" in problem.message


# ---------------------------------------------------------------- every other XML a person gives

#: lol1 … lol9: « lol » ten to the power nine times once expanded
_LAUGHS = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{n} "{10 * f"&lol{n - 1};"}">' for n in range(1, 10))


def _payloads(port: int) -> dict[str, tuple[str, str]]:
    """name -> (the DOCTYPE put after the XML declaration, the references put in the document's first text)."""
    return {
        "xxe": (
            '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
            f'<!ENTITY net SYSTEM "http://127.0.0.1:{port}/leak">]>',
            "&xxe;&net;",
        ),
        "billion-laughs": (f"<!DOCTYPE r [{_LAUGHS}]>", "&lol9;"),
        "network-dtd": (f'<!DOCTYPE r SYSTEM "http://127.0.0.1:{port}/r.dtd">', ""),
        "parameter-entity": (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]>', ""),
    }


PAYLOADS = list(_payloads(0))


def _inject(xml: bytes, payload: str, port: int, text_before: bytes) -> bytes:
    """``xml`` with the payload's DOCTYPE after its declaration and its references before ``text_before``."""
    doctype, references = _payloads(port)[payload]
    start = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    xml = xml[:start] + doctype.encode() + xml[start:]
    at = xml.index(text_before)
    return xml[:at] + references.encode() + xml[at:]


def _nothing_leaked(said: object) -> None:
    text = str(said)
    assert "root:x:" not in text and "nologin" not in text, text  # nothing of /etc/passwd
    assert "lollollol" not in text, text[:200]  # no entity expanded


@pytest.mark.parametrize("name", ["xxe.xml", "billion-laughs.xml", "external-dtd.xml"])
def test_the_validate_command_refuses_the_same_casebooks_offline(
    tmp_path: Path, listener: socket.socket, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from testbench.cli.main import main

    path = _hostile(tmp_path, name, listener)
    assert main(["validate", str(path)]) != 0
    said = capsys.readouterr()
    assert "DOCTYPE" in said.err + said.out and "Traceback" not in said.err
    _nothing_leaked(said)
    assert nobody_connected(listener)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_card_profile_is_refused_offline(listener: socket.socket, payload: str) -> None:
    from testbench.cards.profile import ProfileError, parse_profile
    from testbench.paths import CARD_PROFILES_DIR

    sample = sorted(CARD_PROFILES_DIR.glob("*.xml"))[0].read_bytes()
    data = _inject(sample, payload, listener.getsockname()[1], b"</")
    start = time.perf_counter()
    with pytest.raises(ProfileError) as info:
        parse_profile(data, "hostile.xml")
    assert time.perf_counter() - start < 1.0
    _nothing_leaked(info.value)
    assert nobody_connected(listener)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_return_file_is_refused_or_read_without_expansion(
    tmp_path: Path, listener: socket.socket, payload: str
) -> None:
    """A return file (an FSE, a lot, an RSP) the application writes: an entity declared is refused, at its
    place; a DTD named only is never fetched, and the document is read as it stands."""
    from testbench.extract.model import ExtractError
    from testbench.extract.run import extract_file
    from testbench.extract.spec import parse_extractor

    spec = parse_extractor(
        {
            "name": "retours XML",
            "kind": "xpath",
            "applies_to": ["read_returns"],
            "files": "rxml",
            "namespaces": {"r": "urn:audit:rsp:1"},
            "fields": {"string(/r:rsp/r:paid)": "returns.paid"},
        },
        "sut.toml: extractors[1]",
    )
    path = tmp_path / "rsp.xml"
    document = b'<?xml version="1.0"?>\n<rsp xmlns="urn:audit:rsp:1"><paid>12.50</paid></rsp>\n'
    path.write_bytes(_inject(document, payload, listener.getsockname()[1], b"12.50"))
    try:
        values = extract_file(spec, path)
    except ExtractError as exc:
        assert "entité refusée" in str(exc), exc
        _nothing_leaked(exc)
    else:
        assert payload in ("network-dtd",), values
        assert [value.value for value in values] == ["12.50"]
    assert nobody_connected(listener)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_fse_fails_the_schema_check_without_expansion(listener: socket.socket, payload: str) -> None:
    from testbench.engines.reference.fse import validate_fse

    fse = '<?xml version="1.0"?>\n<fse xmlns="urn:testbench:fse:1">X</fse>'
    errors = validate_fse(_inject(fse.encode(), payload, listener.getsockname()[1], b"X<").decode())
    assert errors
    _nothing_leaked(errors)
    assert nobody_connected(listener)


@pytest.mark.parametrize(
    ("lang", "failed", "said"),
    [
        ("fr", "ÉCHEC", "déclaration DOCTYPE refusée : une FSE ne doit contenir ni DTD ni entités"),
        ("en", "FAIL", "DOCTYPE declaration refused: an FSE contains neither DTD nor entities"),
    ],
)
def test_the_engine_check_refuses_a_hostile_fse_offline(
    tmp_path: Path, listener: socket.socket, capsys: pytest.CaptureFixture[str], lang: str, failed: str, said: str
) -> None:
    """A real engine process whose invoice carries an XXE and a network entity: the ``fse`` check fails and says
    why (its entities used to stop the XSD check: « bench error »), and nothing is read from disk or network."""
    import sys

    from testbench.cli.main import main

    fse = tmp_path / "fse.xml"
    document = b'<?xml version="1.0"?>\n<fse xmlns="urn:testbench:fse:1">X</fse>'
    fse.write_bytes(_inject(document, "xxe", listener.getsockname()[1], b"X<"))
    engine = Path(__file__).resolve().parent / "data" / "engines" / "hostile_fse_reference.py"
    command = ["engine", "check", "--lang", lang, "--timeout", "5", "--", sys.executable, str(engine), str(fse)]
    assert main(command) == 1
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if "  fse  " in line]
    assert line.startswith(failed) and line.endswith(said), out
    _nothing_leaked(out)
    assert nobody_connected(listener)


#: (document, its part given the payload, a text of that part the references go before)
OFFICE_PARTS = [
    ("xlsx", "xl/worksheets/sheet1.xml", b"</"),
    ("xlsx", "xl/workbook.xml", b"</"),
    ("docx", "word/document.xml", b"EX-FSE-001"),
    ("ods", "content.xml", b"EX-FSE-001"),
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("kind", "part", "before"), OFFICE_PARTS)
def test_a_hostile_office_document_is_refused_or_read_without_expansion(
    tmp_path: Path, listener: socket.socket, kind: str, part: str, before: bytes, payload: str
) -> None:
    """openpyxl, python-docx and the ODS reader parse an exam book's parts with no entity expanded, no DTD or
    entity fetched: the document is refused as damaged (« illisible ») or read without the entities' text."""
    import zipfile

    from testbench.office.mapping import load_mapping
    from testbench.office.problems import OfficeError
    from testbench.office.tables import read_table
    from testbench.paths import CASEBOOKS_DIR

    examples = CASEBOOKS_DIR / "examples"
    document = tmp_path / f"hostile.{kind}"
    with zipfile.ZipFile(examples / f"cahier-exemple.{kind}") as source, zipfile.ZipFile(document, "w") as hostile:
        assert part in source.namelist()
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                data = _inject(data, payload, listener.getsockname()[1], before)
            hostile.writestr(info, data)
    start = time.perf_counter()
    try:
        table = read_table(document, load_mapping(examples / "cahier-exemple.mapping.toml"))
    except OfficeError as exc:
        _nothing_leaked([problem.message for problem in exc.problems])
        assert "illisible" in exc.problems[0].message
    else:
        _nothing_leaked([[cell.text for cell in row] for row in table.rows])
    assert time.perf_counter() - start < 2.0
    assert nobody_connected(listener)


def test_openpyxl_reads_sheets_through_defusedxml() -> None:
    """openpyxl streams a sheet with the standard library's parser unless defusedxml is installed (then any
    entity declared is refused): a guard against losing it (it comes with odfpy)."""
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_produced_file_adds_no_expanded_value_to_the_report_masks(
    listener: socket.socket, payload: str
) -> None:
    """The report's redaction reads the XML files the application produced (recovering a malformed one): an
    entity is neither expanded nor fetched there either."""
    from testbench.report.personal import known_values
    from tests.test_report_known_full_names import _Session

    fse = b'<?xml version="1.0"?>\n<fse><beneficiaire nom="DURAND">X</beneficiaire></fse>'
    blob = _inject(fse, payload, listener.getsockname()[1], b"X<")

    class _WithFse(_Session):
        def artifact_blobs(self, media: str) -> list[bytes]:
            return [blob] if media == "application/xml" else []

    known = known_values(_WithFse([]))  # type: ignore[arg-type]
    _nothing_leaked(vars(known))
    assert nobody_connected(listener)


@pytest.mark.parametrize("name", ["xxe.xml", "billion-laughs.xml", "external-dtd.xml"])
def test_the_casebook_comparison_reads_a_hostile_casebook_offline(
    tmp_path: Path, listener: socket.socket, name: str
) -> None:
    """A casebook with a DOCTYPE is not one to compare with (the loader refuses it): the import says the file
    is not a casebook rather than stopping on an entity reference."""
    from testbench.office.diff import read_cases

    assert read_cases(_hostile(tmp_path, name, listener).read_bytes()) is None
    assert nobody_connected(listener)
