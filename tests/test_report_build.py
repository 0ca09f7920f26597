"""The report folder: content from the session alone, redaction by default, evidence hashed, JSON schema."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import jsonschema
from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value
from lxml import etree

from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report
from testbench.report.jsonreport import schema
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.session import SessionStore
from testbench.traces.model import TraceLine

XSS_TRACE = (
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','trace')\"><script>document.title='PWNED'</script>"
)
XSS_TITLE = "<svg onload=\"document.body.setAttribute('data-pwned','title')\"></svg>\"><script>alert(1)</script>"
PERSONAL = "patient nom=DUPONT né le 01/02/1980 NIR 1 80 01 75 123 456 78 FINESS 750000001 RPPS 10001234567"


def campaign(
    tmp: Path,
    name: str = "s.tbsession",
    *,
    amo: str = "33.60",
    unit_price: str = "14.00",
    extra_lines: int = 0,
    hostile: bool = True,
    case_ids: tuple[str, ...] = ("OK-1", "KO-1"),
) -> Path:
    """A session run through the real Runner with in-process fakes; ``KO-1`` expects a wrong amount."""
    cases = []
    for cid in case_ids:
        expected = "99.99" if cid.startswith("KO") else amo
        case = make_case(cid, (invoice_step(unit_price=unit_price),), (value("e1", "invoice.totals.amo", expected),))
        if hostile and cid == case_ids[0]:
            case = dataclasses.replace(case, title=XSS_TITLE)
        cases.append(case)
    cb = make_casebook(tuple(cases), tmp)
    session = tmp / name
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, c.id) for c in cb.cases])
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        runner = Runner(store, FakeEngine(bay, trace=recorder.engine_sink), bay, recorder)
        run_id = store.begin_run(["test"], {}, {})
        runner.run(run_id, [(cb, c) for c in cb.cases])
        lines = [TraceLine("app", 10**12 + i, 1.7e9 + i, f"ligne {i} ok", attempt_id=1) for i in range(extra_lines)]
        if hostile:
            # personal values known by their path, and a bare name in free text (found through them)
            store.add_observations(
                1,
                "s2",
                {
                    "vitale.beneficiaries[0].birth_date": "1975-03-04",
                    "cps.rpps": "10009876543",
                    "patient.name": "DURAND",
                },
                "engine",
            )
            lines += [
                TraceLine("app", 10**13 + 2, 1.7e9, "bonjour Durand, au revoir", attempt_id=1),
                TraceLine("app", 10**13, 1.7e9, XSS_TRACE, attempt_id=1),
                TraceLine("app", 10**13 + 1, 1.7e9, PERSONAL, attempt_id=1),
            ]
        store.add_trace_lines(lines)
        store.end_run(run_id)
    return session


def all_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_session_gives_the_same_folder_bytes(tmp_path: Path) -> None:
    session = campaign(tmp_path, extra_lines=80)
    first = all_bytes(build_report(session, tmp_path / "r1").folder)
    second = all_bytes(build_report(session, tmp_path / "r2").folder)
    assert first == second
    assert {"index.html", "report.json", "junit.xml", "journal-chain.json", "manifest.json"} <= set(first)


def test_personal_data_is_redacted_by_default_everywhere(tmp_path: Path) -> None:
    session = campaign(tmp_path, extra_lines=80)  # the full trace goes to evidence/
    folder = build_report(session, tmp_path / "r").folder
    files = all_bytes(folder)
    assert any(name.startswith("evidence/traces/") for name in files)
    for name, data in files.items():
        for secret in (
            b"DUPONT",
            b"01/02/1980",
            b"750000001",
            b"10001234567",
            b"123 456 78",
            b"1975-03-04",
            b"10009876543",
            b"DURAND",
            b"Durand",
        ):
            assert secret not in data, (name, secret)
    html = files["index.html"].decode()
    assert "‹NOM›" in html and "‹NIR›" in html and 'id="no-redact"' not in html
    counts = json.loads(files["report.json"])["redaction"]["counts"]
    assert counts["name"] >= 1 and counts["nir"] >= 1


def test_no_redact_is_explicit_and_visible(tmp_path: Path) -> None:
    session = campaign(tmp_path)
    folder = build_report(session, tmp_path / "r", BuildOptions(redact=False)).folder
    html = (folder / "index.html").read_text(encoding="utf-8")
    doc = etree.HTML(html)
    banner = doc.xpath("//p[@id='no-redact']")
    assert banner and "SANS anonymisation" in "".join(banner[0].itertext())
    assert "DUPONT" in html
    assert json.loads((folder / "report.json").read_bytes())["redaction"]["enabled"] is False


def test_long_traces_go_to_hashed_evidence_and_the_page_keeps_an_excerpt(tmp_path: Path) -> None:
    session = campaign(tmp_path, extra_lines=300)
    folder = build_report(session, tmp_path / "r", BuildOptions(excerpt=20)).folder
    data = json.loads((folder / "report.json").read_bytes())
    case = next(c for c in data["cases"] if c["key"]["case_id"] == "OK-1")
    trace = case["trace"]
    assert trace["count"] > 300 and trace["omitted"] == trace["count"] - 20
    ref = trace["file"]
    blob = (folder / ref["path"]).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == ref["sha256"] and len(blob) == ref["size"]
    text = blob.decode()
    header = [line for line in text.splitlines() if line.startswith("#")]  # what the file is, read alone
    assert text.startswith("# testbench — trace complète du cas OK-1 (") and len(header) == 5, header
    assert text.count("\n") == len(header) + trace["count"]
    html = (folder / "index.html").read_text(encoding="utf-8")
    link = etree.HTML(html).xpath(f"//a[@href='{ref['path']}']")
    assert link, "the excerpt links to the full trace"
    assert ref["sha256"] in html
    manifest = json.loads((folder / "manifest.json").read_bytes())
    assert manifest["files"][ref["path"]]["sha256"] == ref["sha256"]


def test_produced_files_are_exported_with_both_hashes(tmp_path: Path) -> None:
    folder = build_report(campaign(tmp_path), tmp_path / "r").folder
    data = json.loads((folder / "report.json").read_bytes())
    evidence = [e for c in data["cases"] for e in c["evidence"]]
    assert evidence, "the fake engine produces an FSE per invoice"
    for e in evidence:
        exported = (folder / e["file"]["path"]).read_bytes()
        assert hashlib.sha256(exported).hexdigest() == e["file"]["sha256"]
        assert len(e["sha256_session"]) == 64


def test_json_report_validates_against_the_published_schema(tmp_path: Path) -> None:
    folder = build_report(campaign(tmp_path, extra_lines=60), tmp_path / "r").folder
    data = json.loads((folder / "report.json").read_bytes())
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    # the schema is strict enough to catch a wrong document
    broken = json.loads((folder / "report.json").read_bytes())
    broken["cases"][0]["verdict"] = "passed"
    assert list(jsonschema.Draft202012Validator(schema()).iter_errors(broken))


def test_cover_summary_and_failures_first(tmp_path: Path) -> None:
    folder = build_report(campaign(tmp_path, case_ids=("OK-1", "KO-1", "OK-2")), tmp_path / "r").folder
    data = json.loads((folder / "report.json").read_bytes())
    assert [c["key"]["case_id"] for c in data["cases"]] == ["KO-1", "OK-1", "OK-2"]
    assert data["summary"]["by_verdict"] == {"fail": 1, "pass": 2}
    assert data["summary"]["by_domain"] == {"fse": {"fail": 1, "pass": 2}}
    assert data["cover"]["sut"]["name"] == "non renseigné"  # the runner does not record it yet
    assert data["cover"]["casebooks"][0]["plan_id"] == "PDT-TEST-001"
    doc = etree.HTML((folder / "index.html").read_text(encoding="utf-8"))
    assert doc.xpath("//section[@id='cover']") and doc.xpath("//svg[contains(@class,'chart')]")
    assert len(doc.xpath("//section[@class='case']//div[@class='visa']")) == 3
    # timeline marks link to their case
    hrefs = set(doc.xpath("//svg//a/@href"))
    assert {f"#{c['anchor']}" for c in data["cases"]} == hrefs


def test_cli_report_writes_pdf_with_a_page_per_case(tmp_path: Path) -> None:
    session = campaign(tmp_path, case_ids=("OK-1", "KO-1", "OK-2"))
    out = tmp_path / "r"
    assert main(["report", str(session), "-o", str(out), "--pdf"]) == 0
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages >= 1 + 3  # cover and summary, then at least a page per case
    assert "report.pdf" in json.loads((out / "manifest.json").read_bytes())["files"]
    again = build_report(session, tmp_path / "r2", BuildOptions(pdf=True)).pdf
    # same session, same PDF, wherever it is built: print dates frozen, no absolute path inside
    assert again is not None and again.read_bytes() == pdf
    assert b"file:" not in pdf and str(tmp_path).encode() not in pdf


def test_cli_report_usage_errors(tmp_path: Path, capsys) -> None:
    assert main(["report", str(tmp_path / "missing.tbsession"), "-o", str(tmp_path / "r")]) == 3
    assert (
        main(
            [
                "report",
                str(campaign(tmp_path)),
                "-o",
                str(tmp_path / "r"),
                "--sign",
                "--key",
                str(tmp_path / "no-key.pem"),
            ]
        )
        == 3
    )
    assert "keys init" in capsys.readouterr().err


def test_cover_reads_cards_engine_and_product_from_the_session(tmp_path: Path) -> None:
    cb = make_casebook(tuple(make_case(c, (invoice_step(),)) for c in ("A-1", "A-2")), tmp_path)
    session = tmp_path / "cover.tbsession"
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        options = {"sut": {"name": "Logiciel LPP", "version": "4.2"}, "agrement": "AG-2026-001"}
        env = {"engine": {"name": "moteur", "version": "1.40.8", "agrement": "X", "socle_version": "5.1"}}
        run = store.begin_run([], options, env)
        for cid, card, nature, atr in (("A-1", "v-test", "T", "3B 01"), ("A-2", "v-real", "R", "3B 02")):
            attempt = store.start_attempt(run, cb.sha256, cid)
            store.add_event(
                "card-present", {"slot": "vitale", "card": card, "profile": f"{card}.xml"}, attempt_id=attempt
            )
            check = {"slot": "vitale", "reader": "Lecteur 0", "family": "vitale2", "nature": nature, "atr": atr}
            store.add_event("card-guard", {"checks": [check]}, attempt_id=attempt)
            store.finish_attempt(attempt, "pass", "")
        store.end_run(run)
    data = json.loads((build_report(session, tmp_path / "r").folder / "report.json").read_bytes())
    cover = data["cover"]
    assert cover["sut"] == {"name": "Logiciel LPP", "version": "4.2"} and cover["agrement"] == "AG-2026-001"
    assert cover["engine"]["socle_version"] == "5.1"
    cards = {c["card"]: (c["nature"], c["atr"], c["reader"]) for c in cover["cards"]}
    assert cards == {"v-test": ("T", "3B 01", "Lecteur 0"), "v-real": ("R", "3B 02", "Lecteur 0")}
    assert cover["operators"] == ["non renseigné"]


def test_a_case_not_run_still_shows_what_it_expects(tmp_path: Path) -> None:
    case = make_case("NR-1", (invoice_step(),), (value("e-amo", "invoice.totals.amo", "12.34"),))
    cb = make_casebook((case,), tmp_path)
    session = tmp_path / "nr.tbsession"
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, "NR-1")])
    folder = build_report(session, tmp_path / "r").folder
    data = json.loads((folder / "report.json").read_bytes())
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    (nr,) = data["cases"]
    assert nr["verdict"] == "none" and nr["expectations"][0]["expected"] == "12.34"
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "12,34\u00a0€" in html and "non évalué" in html  # an amount as money, as an evaluated one reads
    english = build_report(session, tmp_path / "en", BuildOptions(lang="en")).folder / "index.html"
    assert "€12.34" in english.read_text(encoding="utf-8")


def test_the_covers_casebook_date_reads_as_the_language_writes_dates(tmp_path: Path) -> None:
    """« version 01.00 (01/01/2026) » in French, as every other date of the French book; ISO in English."""
    from testbench import fmt

    session = campaign(tmp_path, hostile=False)
    fr = (build_report(session, tmp_path / "fr").folder / "index.html").read_text(encoding="utf-8")
    english = build_report(session, tmp_path / "en", BuildOptions(lang="en")).folder
    en = (english / "index.html").read_text(encoding="utf-8")
    assert "01.00 (01/01/2026)" in fr and "(2026-01-01)" not in fr
    assert "01.00 (2026-01-01)" in en
    assert fmt.day("2026-13-01", "fr") == "2026-13-01" and fmt.day("", "fr") == "—"  # unreadable: as recorded
