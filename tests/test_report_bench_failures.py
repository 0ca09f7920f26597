"""What the outputs say when the bench itself fails: a PDF that cannot be printed (no working Chromium) leaves
the rest of the book whole, manifested and signed; an engine that cannot start still gives CI its JUnit and the
reviewer a report that says why nothing ran."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import colon
from testbench.store.read import read_session

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
ATTESTATIONS = DEMO.with_name("demo-attestations.json")
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]


@pytest.fixture
def signed_session(tmp_path: Path) -> tuple[Path, Path]:
    key = tmp_path / "k.pem"
    assert main(["keys", "init", "--key", str(key)]) == 0
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) == 0
    return session, key


@pytest.mark.parametrize(
    ("lang", "words", "missing", "unredacted"),
    [
        (
            "fr",
            "Chromium {path} : introuvable ; corrigez TESTBENCH_CHROMIUM ou installez le paquet chromium",
            "report.pdf manquant : le reste du rapport est complet, dans son manifeste",
            "ATTENTION rapport NON anonymisé (--no-redact)",
        ),
        (
            "en",
            "Chromium {path}: not found; correct TESTBENCH_CHROMIUM or install the chromium package",
            "report.pdf missing: the rest of the report is complete, in its manifest",
            "WARNING: report NOT redacted (--no-redact)",
        ),
    ],
)
def test_a_pdf_without_chromium_leaves_a_signed_book_that_verifies(
    tmp_path: Path,
    signed_session: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    words: str,
    missing: str,
    unredacted: str,
) -> None:
    session, key = signed_session
    nowhere = tmp_path / "no-chromium"
    monkeypatch.setenv("TESTBENCH_CHROMIUM", str(nowhere))
    book = tmp_path / "book"
    capsys.readouterr()
    argv = ["report", str(session), "-o", str(book), "--pdf", "--sign", "--key", str(key), "--no-redact"]
    code = main([*argv, "--lang", lang])
    out, err = capsys.readouterr()
    assert code == 2
    assert f"testbench report{colon(lang)}{words.format(path=nowhere)}" in err
    assert f"testbench report{colon(lang)}{missing}" in err
    assert f"testbench report{colon(lang)}{unredacted}" in err  # the warning is not lost on this path
    assert "Errno" not in err and "Traceback" not in err
    assert out.startswith(str(book / "index.html"))
    names = {p.name for p in book.iterdir()}
    assert {"index.html", "report.json", "manifest.json", "manifest.sig.json"} <= names
    assert "report.pdf" not in names
    assert main(["verify", str(book)]) == 0
    said = "".join(capsys.readouterr())
    assert "INTÈGRE" in said and "ALTÉRÉ" not in said


def test_a_chromium_that_fails_is_said_and_its_pdf_left_out(
    tmp_path: Path,
    signed_session: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    session, key = signed_session
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("TESTBENCH_CHROMIUM", str(broken))
    book = tmp_path / "book"
    capsys.readouterr()
    assert main(["report", str(session), "-o", str(book), "--pdf", "--sign", "--key", str(key)]) == 2
    err = capsys.readouterr().err
    assert "testbench report : Chromium n'a pas produit le PDF (code 1) : cannot open display" in err
    assert not (book / "report.pdf").exists() and (book / "manifest.sig.json").is_file()
    assert main(["verify", str(book)]) == 0

    broken.chmod(0o644)  # a file that is not a program
    assert main(["report", str(session), "-o", str(book), "--pdf", "--lang", "en"]) == 2
    assert f"Chromium {broken}: access denied (insufficient rights);" in capsys.readouterr().err


def junit_errors(path: Path) -> dict[str, str]:
    from lxml import etree

    suite = etree.parse(str(path)).getroot()
    return {
        tc.get("name"): tc.find("error").get("message") for tc in suite.iter("testcase") if tc.find("error") is not None
    }


def case_reasons(book: Path) -> dict[str, tuple[str, str]]:
    data = json.loads((book / "report.json").read_text(encoding="utf-8"))
    return {c["key"]["case_id"]: (c["verdict"], c["reason"]) for c in data["cases"]}


def test_an_engine_that_cannot_start_still_gives_the_junit_and_a_report_saying_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-engine"  # an engine that runs and stops is the product's: test_product_engine_faults
    session, book, junit = tmp_path / "s.tbsession", tmp_path / "rep", tmp_path / "junit.xml"
    cases = ["-k", "DEMO-FSE-030 or DEMO-FSE-001", "--cards", "inprocess"]
    argv = ["run", str(DEMO), *cases, "--session", str(session), "--report", str(book), "--junit", str(junit)]
    assert main([*argv, "--engine", str(missing)]) == 2
    err = capsys.readouterr().err
    why = "banc indisponible : impossible de lancer le moteur"
    assert why in err and "Traceback" not in err
    errors = junit_errors(junit)
    assert sorted(errors) == ["DEMO-FSE-001", "DEMO-FSE-030"]  # CI reads errors, each with the reason
    assert all(message.startswith(why) for message in errors.values())
    reasons = case_reasons(book)
    assert {case: verdict for case, (verdict, _) in reasons.items()} == {"DEMO-FSE-001": "none", "DEMO-FSE-030": "none"}
    assert all(reason.startswith(why) for _, reason in reasons.values())
    with read_session(session) as s:
        assert len(s.runs) == 1 and s.runs[0]["ended_wall"]  # the session records the run that ran nothing

    assert main(["report", str(session), "-o", str(tmp_path / "en"), "--lang", "en"]) == 0  # said later too
    english = "bench unavailable: cannot run the engine"
    assert all(reason.startswith(english) for _, reason in case_reasons(tmp_path / "en").values())

    # the engine mended, the same command runs the campaign (the session has no result yet) and the reason goes
    code = main([*argv, "--engine", "inprocess", "--attestations", str(ATTESTATIONS)])
    assert code == 0, capsys.readouterr().err
    assert {verdict for verdict, _ in case_reasons(book).values()} == {"pass"}
    assert junit_errors(junit) == {}
