"""Mutation fuzz of what the editor's application writes, read by the bench in assisted operator mode.

On exam day the product under test is someone else's program: the bench only watches its FSE, its lot, its JSON
output and its log. A stand-in application writes, for each case, a mutant of one of them (seeded: the same
mutants at every run); a person accepts whatever is read. For every mutant:

- no exception escapes the campaign, no case blames the bench (« erreur interne », « défaut du banc »);
- a failing case says why in words, blaming the application's output (« sortie du logiciel invalide : … »,
  « … incomplète … ») or a value absent and why — never a raw Python value;
- every file the application wrote is kept as the case's evidence, byte for byte;
- the session verifies, and ``testbench report`` builds (exit 0 or 1, never 2) a book holding no raw control
  character.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import CASEBOOK

from testbench.casebook.loader import load_casebook
from testbench.domain.attestation import Attestation
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session

REPO = Path(__file__).resolve().parents[1]
SEED = 20261207

HEAD = """
[product]
name = "GestFuzz"

[[logs]]
path = "logs/app.log"
encoding = "cp1252"
channel = "app"
format = "{log_format}"

[outputs]
fse = "out/fse"
lots = "out/lots"
json = "out/json"
"""

XML_EXTRACTOR = """
[[extractors]]
name = "FSE XML"
kind = "xpath"
applies_to = ["create_invoice"]
files = "fse"
fields = { "string(/FSE/Totaux/@amo)" = "invoice.totals.amo" }
"""

JSON_EXTRACTOR = """
[[extractors]]
name = "FSE JSON"
kind = "json"
applies_to = ["create_invoice"]
files = "json"
fields = { "/totaux/amo" = "invoice.totals.amo" }
"""

LOG_EXTRACTOR = """
[[extractors]]
name = "journal facture"
kind = "regex"
applies_to = ["create_invoice"]
pattern = 'Facture F\\d+ créée : total AMO (?P<amo>[\\d,]+) EUR'
fields = { amo = "invoice.totals.amo" }
"""

LOT_EXTRACTOR = """
[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
encoding = "cp1252"
record_length = 20
closing = "999"
fields = { "190.amo" = "lot.totals.amo" }
[[extractors.records]]
type = "190"
fields = [ { name = "amo", start = 4, length = 11, type = "decimal", scale = 2 } ]
"""

INVOICE_CASE = """
    <case id="{id}" domain="fse" mode="degrade" tags="lpp">
      <title>{id}</title>
      <objective>fuzz</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <invoice id="s-invoice" patient="p" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
      </steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
      </expectations>
    </case>"""

LOT_CASE = """
    <case id="{id}" domain="fse" mode="degrade" tags="lpp">
      <title>{id}</title>
      <objective>fuzz</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <invoice id="s-invoice" patient="p" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
        <secure id="s-secure"/>
        <build-lot id="s-lot"/>
      </steps>
      <expectations>
        <value id="e-lot" step="s-lot" path="lot.totals.amo" type="decimal" expected="33.60"/>
      </expectations>
    </case>"""

#: what a failing case may say: the application's output, or a value absent / different, and why
BLAMES_OUTPUT = (
    "sortie du logiciel invalide : ",
    "sortie du logiciel incomplète",
    "e-amo : valeur absente : invoice.totals.amo — ",
    "e-lot : valeur absente : lot.totals.amo — ",
    "e-amo : attendu ",
    "e-lot : attendu ",
    "e-amo : valeur observée « ",  # « NaN », « 1e999 », « 33,60,1 » : ce n'est pas un nombre
    "e-lot : valeur observée « ",
)
#: a raw Python value or a bench fault in words a person reads
RAW = re.compile(r"Traceback|\bNone\b|\bTrue\b|\bFalse\b|\{'|erreur interne|défaut du banc|Error\b|Exception\b")
#: a control character other than a line's end or a tab
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
C0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


# -- what the application writes, and its mutants --------------------------------------------------------------


def fse(amo: str = "33,60", encoding: str = "ISO-8859-1") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\r\n<FSE>\r\n'
        f'  <Totaux amo="{amo}"/>\r\n  <Commentaire>Facturée par Hélène</Commentaire>\r\n</FSE>\r\n'
    ).encode("latin-1")


def lot_records(amo: str = "00000003360") -> list[str]:
    return ["100GESTFUZZ".ljust(20), f"190{amo}".ljust(20), "999FIN".ljust(20)]


def lot(records: list[str] | None = None, newline: str = "\r\n", encoding: str = "cp1252") -> bytes:
    return (newline.join(lot_records() if records is None else records) + newline).encode(encoding)


def fse_json(amo: Any = "33,60") -> bytes:
    return json.dumps({"numero": "F1", "totaux": {"amo": amo}, "note": "Hélène"}, ensure_ascii=False).encode()


def xml_mutants(rng: random.Random) -> dict[str, bytes]:
    good = fse()
    cut = rng.randrange(10, len(good) - 10)
    deep = rng.randrange(2000, 5000)
    return {
        "X-GOOD": good,  # the control: read, the case passes
        "X-TRUNC": good[:cut],
        "X-DOCTYPE": good.replace(
            b"<FSE>", b'<!DOCTYPE FSE [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\r\n<FSE>'
        ).replace(b'amo="33,60"', b'amo="&b;"'),
        "X-XXE": good.replace(b"<FSE>", b'<!DOCTYPE FSE [<!ENTITY x SYSTEM "file:///etc/passwd">]>\r\n<FSE>').replace(
            "Hélène".encode("latin-1"), b"&x;"
        ),
        "X-ENC-LIE": fse(encoding="UTF-8"),  # declares UTF-8, writes Latin-1 bytes
        "X-UTF16-DECL-UTF8": fse(encoding="UTF-16"),
        "X-BOM8": b"\xef\xbb\xbf" + good,
        "X-BOM16": b"\xff\xfe" + good.decode("latin-1").replace("ISO-8859-1", "UTF-16").encode("utf-16-le"),
        "X-NUL": good[:cut] + b"\x00" + good[cut:],
        "X-BIG-ATTR": good.replace(b"<Commentaire>", b'<Commentaire x="' + b"A" * (5 * 1024 * 1024) + b'">'),
        "X-DEEP": good.replace(b"<Commentaire>", b"<d>" * deep + b"</d>" * deep + b"<Commentaire>"),
        "X-DUP": good.replace(b"  <Totaux", b'  <Totaux amo="44,80"/>\r\n  <Totaux'),
        "X-NAN": fse("NaN"),
        "X-INF": fse("1e999"),
        "X-NEGZERO": fse("-0"),
        "X-TWO-COMMAS": fse("33,60,1"),
        "X-BINARY": b"<" + rng.randbytes(600),
        "X-HUGE-VALUE": fse("9" * (1024 * 1024)),
        "X-TAB-VALUE": fse("33,60&#9;&#10;&#13;"),
    }


def lot_mutants(rng: random.Random) -> dict[str, bytes]:
    records = lot_records()
    return {
        "L-GOOD": lot(),
        "L-SHORT": lot([records[0][:12], records[1][:9], records[2]]),
        "L-LONG": lot([r + "X" * rng.randrange(1, 30) for r in records]),
        "L-MIXED-EOL": (records[0] + "\r\n" + records[1] + "\n" + records[2] + "\r\n").encode("cp1252"),
        "L-UTF8": lot(["100GESTFUZZ Hélène".ljust(20), *records[1:]], encoding="utf-8"),
        "L-NO-CLOSE": lot(records[:2]),
        "L-BINARY": lot(records[:1]) + rng.randbytes(300) + lot(records[1:]),
        "L-NAN": lot([records[0], "190NaN".ljust(20), records[2]]),
        "L-NEG": lot([records[0], "190-0000000000".ljust(20), records[2]]),
        "L-ESC": lot([records[0], "190\x1b[31m0003360".ljust(20), records[2]]),
        "L-UNDEFINED": lot().replace(b"19000000003360", b"190\x81\x8d000003360"),  # no character in cp1252
    }


def json_mutants(rng: random.Random) -> dict[str, bytes]:
    good = fse_json()
    return {
        "J-GOOD": good,
        "J-TRUNC": good[: rng.randrange(5, len(good) - 2)],
        "J-BOM": b"\xef\xbb\xbf" + good,
        "J-CP1252": good.decode().encode("cp1252"),
        "J-NAN": b'{"totaux": {"amo": NaN}}',
        "J-INF": b'{"totaux": {"amo": 1e999}}',
        "J-NEGZERO": b'{"totaux": {"amo": -0}}',
        "J-TWO-COMMAS": fse_json("33,60,1"),
        "J-OBJECT": fse_json({"a": [1, None, True]}),
        "J-DEEP": b'{"totaux": {"amo": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
        "J-DUP": b'{"totaux": {"amo": "44,80", "amo": "33,60"}}',
        "J-NUL": good.replace(b"F1", b"F\x001"),
        "J-HUGE-VALUE": fse_json("9" * (1024 * 1024)),
    }


LINE = "Facture F0001 créée : total AMO 33,60 EUR"


def log_mutants(rng: random.Random) -> dict[str, Callable[[Path], None]]:
    def append(data: bytes) -> Callable[[Path], None]:
        def write(root: Path) -> None:
            with (root / "logs" / "app.log").open("ab") as f:
                f.write(data)

        return write

    def rotate(root: Path) -> None:
        log = root / "logs" / "app.log"
        append(b"avant rotation\r\n")(root)
        os.replace(log, root / "logs" / "app.log.1")
        log.write_bytes(LINE.encode("cp1252") + b"\r\n")

    noise = rng.randbytes(200).replace(b"\n", b"").replace(b"\r", b"")
    return {
        "G-GOOD": append(LINE.encode("cp1252") + b"\r\n"),
        "G-UTF8": append(LINE.encode("utf-8") + b"\r\n"),
        "G-UTF16": append(LINE.encode("utf-16") + "\r\n".encode("utf-16-le")),
        "G-INVALID": append(noise + b"\r\n" + LINE.encode("cp1252") + b"\xff\xfe\x81\r\n"),
        "G-MEGA": append(b"x" * (1024 * 1024) + b"\r\n" + LINE.encode("cp1252") + b"\r\n"),
        "G-FUTURE": append(b"2099-01-01T00:00:00Z " + LINE.encode("cp1252") + b"\r\n"),
        "G-PAST": append(b"1970-01-01 00:00:00,000 INFO " + LINE.encode("cp1252") + b"\r\n"),
        "G-ROTATE": rotate,
        "G-ANSI": append(b"\x1b[31m" + LINE.encode("cp1252") + b"\x1b[0m\x1b]0;titre\x07\r\n"),
        "G-NUL": append(LINE.encode("cp1252").replace(b"AMO", b"A\x00MO") + b"\r\n\x00\x00\r\n"),
        "G-CR-ONLY": append(LINE.encode("cp1252") + b"\r" + b"suite\r"),
    }


# -- the stand-in application, the person, the campaign --------------------------------------------------------


class StandIn:
    """The stand-in application (each case's step performed by ``steps[(case, call)]``) and the person at it, who
    keys nothing and accepts what is read."""

    def __init__(self, root: Path, steps: dict[tuple[str, str], Callable[[Path], None]]) -> None:
        self.root, self.steps = root, steps

    def perform(self, case: Any, step: Any) -> Attestation:
        action = self.steps.get((case.id, step.params["engine_call"]))
        if action is not None:
            action(self.root)
        return Attestation(True, "Camille")

    def review(self, case: Any, step: Any, extracted: Any, missing: Any, conflicts: Any = None) -> dict[str, Any]:
        return {}

    def notify(self, message: str) -> None:
        return None


def run_campaign(
    tmp_path: Path, profile: str, cases: str, steps: dict[tuple[str, str], Callable[[Path], None]]
) -> tuple[Path, dict[str, str], Path]:
    app = tmp_path / "app"
    for folder in ("logs", "out/fse", "out/lots", "out/json"):
        (app / folder).mkdir(parents=True)
    (app / "logs" / "app.log").write_bytes(b"")
    (app / "sut.toml").write_text(profile, encoding="utf-8")
    (tmp_path / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book = tmp_path / "fuzz.xml"
    book.write_text(CASEBOOK.format(cases=cases), encoding="utf-8")
    casebook = load_casebook(book)
    session = tmp_path / "s.tbsession"
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=0.6, sut_profile=app / "sut.toml")
    )
    result = Campaign([casebook], session, options, operator=StandIn(app, steps)).run_selection(
        [(casebook, c) for c in casebook.cases]
    )
    return session, dict(result.verdicts), app


def outcome(session: Path) -> dict[str, tuple[str, str, dict[str, bytes]]]:
    """Each case's verdict, reason and the files kept as its evidence."""
    with read_session(session) as view:
        found = {}
        for case in view.cases:
            attempt = case.latest
            files = {a["name"]: view.artifact_data(a["sha256"]) for a in view.artifacts(attempt.id)}
            found[case.case_id] = (attempt.verdict, attempt.reason or "", files)
        return found


def check_book(session: Path, tmp_path: Path) -> list[str]:
    """Verify the session and build its book; the problems found, in words (none when all is well)."""
    from testbench.cli.main import main

    problems = []
    if (code := main(["verify", str(session)])) != 0:
        problems.append(f"verify exit {code}")
    folder = tmp_path / "book"
    if (code := main(["report", str(session), "-o", str(folder)])) not in (0, 1):
        return [*problems, f"report exit {code}"]
    # what a person opens: no raw control character; the evidence copied into the book is the application's bytes
    # (not looked at), and JSON escapes the C0 characters of what it quotes (« \\u001b ») but not DEL nor C1
    for page in sorted(p for p in folder.rglob("*") if p.is_file() and "evidence" not in p.relative_to(folder).parts):
        if page.suffix in (".html", ".json", ".xml", ".txt", ".csv", ".md"):
            text = page.read_bytes().decode("utf-8", errors="replace")
            if match := (C0 if page.suffix == ".json" else CONTROL).search(text):
                near = text[max(0, match.start() - 80) :][:160]
                problems.append(f"{page.name}: control character {match.group()!r} near {near!r}")
    return problems


def judge(
    found: dict[str, tuple[str, str, dict[str, bytes]]],
    verdicts: dict[str, str],
    written: dict[str, tuple[str, bytes]],
    *,
    may_pass: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[str]:
    """What is wrong with each mutant's case: a bench fault, a reason not in words, evidence not kept."""
    problems = []
    for case_id, verdict in verdicts.items():
        stored_verdict, why, files = found[case_id]
        if stored_verdict != verdict:
            problems.append(f"{case_id}: the session says {stored_verdict}, the run {verdict}")
        if verdict not in ("pass", "fail"):
            problems.append(f"{case_id}: verdict {verdict} — {why}")
            continue
        if RAW.search(why) or CONTROL.search(why):
            problems.append(f"{case_id}: reason not in words: {why[:300]!r}")
        if verdict == "fail" and not why.startswith(BLAMES_OUTPUT):
            problems.append(f"{case_id}: reason does not blame the output: {why[:300]!r}")
        if verdict == "pass" and case_id not in may_pass:
            problems.append(f"{case_id}: passed a mutant that should fail: {why[:200]!r}")
        if case_id in written:
            name, data = written[case_id]
            if files.get(name) != data:
                problems.append(f"{case_id}: {name} not kept byte for byte (kept: {sorted(files)})")
    return problems


# -- the fuzz, one campaign per kind of output -------------------------------------------------------------------


def _writer(name: str, folder: str, data: bytes) -> Callable[[Path], None]:
    return lambda root: (root / folder / name).write_bytes(data)


def test_fse_xml_mutants_fail_their_case_blaming_the_output_and_are_kept(tmp_path: Path) -> None:
    mutants = xml_mutants(random.Random(SEED))
    written = {cid: (f"FSE_{cid}.xml", data) for cid, data in mutants.items()}
    written["X-NAME-ESC"] = ("FSE_\x1b[31m\x07.xml", fse()[:40])  # the name holds an escape, the FSE cut short
    written["X-NAME-ESC-OK"] = ("FSE_\x1b]0;t\x07.xml", fse())
    steps = {(cid, "create_invoice"): _writer(name, "out/fse", data) for cid, (name, data) in written.items()}
    cases = "".join(INVOICE_CASE.format(id=cid) for cid in written)
    session, verdicts, _ = run_campaign(tmp_path, HEAD.format(log_format="plain") + XML_EXTRACTOR, cases, steps)
    assert set(verdicts) == set(written)
    # a UTF-16 byte order mark, a big attribute or a deep tree beside the value, white space around it, a strange
    # name: a well-formed FSE reading 33,60 (a tree deeper than the parser goes is said malformed)
    may_pass = {"X-GOOD", "X-BOM16", "X-BIG-ATTR", "X-DEEP", "X-TAB-VALUE", "X-NAME-ESC-OK"}
    assert verdicts["X-GOOD"] == "pass"  # the stand-in's own FSE is read: the harness reads what it writes
    problems = judge(outcome(session), verdicts, written, may_pass=may_pass)
    problems += check_book(session, tmp_path)
    assert not problems, "\n".join(problems)


def test_lot_mutants_fail_their_case_blaming_the_output_and_are_kept(tmp_path: Path) -> None:
    mutants = lot_mutants(random.Random(SEED))
    written = {cid: (f"LOT_{cid}.b2", data) for cid, data in mutants.items()}
    steps = {(cid, "build_lot"): _writer(name, "out/lots", data) for cid, (name, data) in written.items()}
    cases = "".join(LOT_CASE.format(id=cid) for cid in mutants)
    session, verdicts, _ = run_campaign(tmp_path, HEAD.format(log_format="plain") + LOT_EXTRACTOR, cases, steps)
    assert set(verdicts) == set(mutants)
    assert verdicts["L-GOOD"] == "pass"
    problems = judge(outcome(session), verdicts, written, may_pass={"L-GOOD", "L-MIXED-EOL", "L-LONG", "L-UTF8"})
    problems += check_book(session, tmp_path)
    assert not problems, "\n".join(problems)


def test_json_mutants_fail_their_case_blaming_the_output_and_are_kept(tmp_path: Path) -> None:
    mutants = json_mutants(random.Random(SEED))
    written = {cid: (f"FSE_{cid}.json", data) for cid, data in mutants.items()}
    steps = {(cid, "create_invoice"): _writer(name, "out/json", data) for cid, (name, data) in written.items()}
    cases = "".join(INVOICE_CASE.format(id=cid) for cid in mutants)
    session, verdicts, _ = run_campaign(tmp_path, HEAD.format(log_format="plain") + JSON_EXTRACTOR, cases, steps)
    assert set(verdicts) == set(mutants)
    assert verdicts["J-GOOD"] == "pass"
    problems = judge(outcome(session), verdicts, written, may_pass={"J-GOOD", "J-BOM", "J-DUP"})
    problems += check_book(session, tmp_path)
    assert not problems, "\n".join(problems)


def test_log_mutants_never_fault_the_bench_and_the_book_holds_no_control_character(tmp_path: Path) -> None:
    mutants = log_mutants(random.Random(SEED))
    steps = {(cid, "create_invoice"): action for cid, action in mutants.items()}
    cases = "".join(INVOICE_CASE.format(id=cid) for cid in mutants)
    # « auto »: each file's first lines choose its format, so timestamps in the future or the past, lines without
    # any, a line of a megabyte are all met by the format detection as well as by the regex extractor
    session, verdicts, _ = run_campaign(tmp_path, HEAD.format(log_format="auto") + LOG_EXTRACTOR, cases, steps)
    assert set(verdicts) == set(mutants)
    assert verdicts["G-GOOD"] == "pass"
    # what matches the extractor's pattern once read as the profile says (cp1252, a BOM or NULs telling UTF-16,
    # escapes and timestamps around it) is read; any may fail, saying which extractor looked where
    problems = judge(outcome(session), verdicts, {}, may_pass=set(mutants))
    problems += check_book(session, tmp_path)
    assert not problems, "\n".join(problems)


# -- regressions the fuzz found, minimised ------------------------------------------------------------------------


def test_a_json_output_nested_thousands_deep_is_invalid_output_at_its_deepest_byte_not_a_bench_fault() -> None:
    """J-DEEP: Python's parser gave up (RecursionError) and the case read « défaut du banc »."""
    import tomllib

    from testbench.extract.jsonfile import extract_json
    from testbench.extract.model import ExtractError
    from testbench.extract.spec import parse_extractor
    from testbench.i18n import translator

    spec = parse_extractor(tomllib.loads(JSON_EXTRACTOR)["extractors"][0], "sut.toml")
    data = b'\xef\xbb\xbf{"note": "[[", "amo": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    with pytest.raises(ExtractError) as caught:
        extract_json(spec, Path("F.json"), data)
    assert str(caught.value) == "F.json, octet 5024 : JSON invalide : imbrication trop profonde pour être lue"
    assert data[5024:5026] == b"[]"  # the deepest « [ », past the BOM and the brackets inside a string
    assert translator("en")(str(caught.value)).endswith(": invalid JSON: nested too deep to be read")


def test_a_json_output_nested_thousands_deep_fails_its_case_as_invalid_output_kept_byte_for_byte(
    tmp_path: Path,
) -> None:
    """J-DEEP in a campaign: telling « cut short » from « invalid » parsed it again, and the bench faulted."""
    data = b'{"totaux": {"amo": ' + b"[" * 5000 + b"]" * 5000 + b"}}"
    steps = {("J-DEEP", "create_invoice"): _writer("FSE_1.json", "out/json", data)}
    profile = HEAD.format(log_format="plain") + JSON_EXTRACTOR
    session, verdicts, app = run_campaign(tmp_path, profile, INVOICE_CASE.format(id="J-DEEP"), steps)
    verdict, why, files = outcome(session)["J-DEEP"]
    assert verdicts == {"J-DEEP": verdict} == {"J-DEEP": "fail"}
    assert why == (
        f"sortie du logiciel invalide : {app / 'out' / 'json' / 'FSE_1.json'}, octet 5018 : JSON invalide :"
        " imbrication trop profonde pour être lue"
    )
    assert files == {"FSE_1.json": data}


def test_a_json_number_is_observed_as_the_file_writes_it_even_with_an_exponent() -> None:
    """J-INF: « 1e999 » was observed « 1E+999 » (Decimal's words, not the file's)."""
    import tomllib

    from testbench.extract.jsonfile import extract_json
    from testbench.extract.spec import parse_extractor

    spec = parse_extractor(tomllib.loads(JSON_EXTRACTOR)["extractors"][0], "sut.toml")
    for written in ("1e999", "3.36E1", "33.60", "-0.0", "33"):
        (value,) = extract_json(spec, Path("F.json"), b'{"totaux": {"amo": %s}}' % written.encode())
        assert value.value == written


def test_a_lot_amount_holding_an_escape_is_invalid_output_said_with_a_visible_marker_never_raw() -> None:
    """L-ESC: the lot's « \\x1b[31m… » reached the case's reason (and the run's terminal line) raw."""
    import tomllib

    from testbench.extract.fixed import extract_fixed
    from testbench.extract.model import ExtractError
    from testbench.extract.spec import parse_extractor
    from testbench.i18n import translator

    spec = parse_extractor(tomllib.loads(LOT_EXTRACTOR)["extractors"][0], "sut.toml")
    data = lot([lot_records()[0], "190\x1b[31m0003360".ljust(20), lot_records()[2]])
    with pytest.raises(ExtractError) as caught:
        extract_fixed(spec, Path("L.b2"), data)
    said = str(caught.value)
    assert said.endswith(" : champ amo (colonnes 4–14) : « ⟨U+001B⟩[31m000336 » n'est pas un nombre"), said
    assert not CONTROL.search(said) and not CONTROL.search(translator("en")(said))


def test_an_amount_of_a_million_digits_is_shown_as_written_not_a_bench_fault() -> None:
    """X-HUGE-VALUE, J-HUGE-VALUE: showing the amount observed overflowed the decimal context (« défaut du banc »)."""
    from testbench import fmt

    huge = "9" * (1024 * 1024)
    assert fmt.money(huge) == huge and fmt.money("-" + huge, "en") == "-" + huge
    assert fmt.money("33.60") == "33,60\u00a0€"


def test_a_file_name_holding_an_escape_is_said_with_a_visible_marker_in_the_reason() -> None:
    """X-NAME-ESC: the application named its FSE « FSE_\\x1b[31m.xml »: the reason held the escape raw."""
    import tomllib

    from testbench.extract.model import ExtractError
    from testbench.extract.spec import parse_extractor
    from testbench.extract.xmlfile import extract_xml

    spec = parse_extractor(tomllib.loads(XML_EXTRACTOR)["extractors"][0], "sut.toml")
    with pytest.raises(ExtractError) as caught:
        extract_xml(spec, Path("FSE_\x1b[31m\x07.xml"), fse()[:40])
    said = str(caught.value)
    assert said.startswith("FSE_⟨U+001B⟩[31m⟨U+0007⟩.xml:1:41 : XML mal formé"), said
    assert caught.value.source == "FSE_\x1b[31m\x07.xml"  # the file itself is named as it is


def test_a_value_with_a_control_character_or_a_megabyte_is_quoted_visibly_and_cut() -> None:
    """The comparison's sentence quotes an observed value shown (an escape as ⟨U+001B⟩, a NEL as ⟨U+0085⟩) and cut
    past 200 characters; the value itself is recorded whole beside it."""
    from testbench.casebook.model import Expectation, ExpectationKind
    from testbench.runner.compare import compare_value

    def compared(observed: str, value_type: str = "decimal") -> Any:
        exp = Expectation(id="e", kind=ExpectationKind.VALUE, path="invoice.totals.amo", expected="33.60",
                          value_type=value_type)  # fmt: skip
        return compare_value(exp, {"invoice": {"totals": {"amo": observed}}})

    escaped = compared("\x1b[31m33,60")
    assert escaped.message == "valeur observée « ⟨U+001B⟩[31m33,60 » : ce n'est pas un nombre", escaped.message
    assert escaped.observed == "\x1b[31m33,60"
    assert "⟨U+0085⟩" in compared("33,60\x85").message
    long = compared("X" * 1_000_000, "string")
    assert len(long.message) < 500 and long.message.count("…") == 1, long.message[:300]
    assert long.observed == "X" * 1_000_000
