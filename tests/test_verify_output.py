"""What ``testbench verify`` prints, as a reviewer reads it: each problem before any reassuring « ok » line, the
verdict last, and a date as the language writes it (``testbench.fmt.timestamp``), never ISO 8601."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.fmt import timestamp
from testbench.integrity.manifest import SIGNATURE
from testbench.integrity.verify import Verdict, verdict_lines
from testbench.report.build import BuildOptions, build_report
from testbench.signing import init_key, load_signer

#: an ISO 8601 time (« 2026-12-05T04:58:07Z »): the record's, not a person's
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
OK = {"fr": "ok : ", "en": "ok: "}
VERDICTS = {"fr": ("INTÈGRE", "ALTÉRÉ"), "en": ("INTACT", "ALTERED")}
LIMIT = {"fr": "limite : ", "en": "limit: "}


def verify(capsys, *argv: str, lang: str) -> tuple[int, list[str]]:
    code = main(["verify", *argv, "--lang", lang])
    out = capsys.readouterr().out
    assert out.endswith("\n")
    return code, out.splitlines()


def problems_first(lines: list[str], lang: str) -> None:
    """Every line before the verdict: the problems, then the « ok » lines, never one after the other."""
    body = lines[:-1]
    kinds = [line.startswith(OK[lang]) for line in body]
    assert kinds == sorted(kinds), lines  # False (a problem) before True (ok)


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path]:
    """A session and its signed report."""
    key = tmp_path / "keys" / "signer.pem"
    init_key(key)
    session = campaign(tmp_path, hostile=False)
    folder = build_report(session, tmp_path / "signed", BuildOptions(signer=load_signer(key))).folder
    return session, folder


def tampered_copy(session: Path) -> Path:
    copy = session.with_name("tampered.tbsession")
    shutil.copyfile(session, copy)
    with contextlib.closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute("UPDATE attempts SET reason = 'autre'")
    return copy


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_whole_session_says_ok_then_intact_without_an_iso_date(tmp_path: Path, capsys, lang: str) -> None:
    session = campaign(tmp_path, hostile=False)
    code, lines = verify(capsys, str(session), lang=lang)
    assert code == 0 and lines[-1] == VERDICTS[lang][0], lines
    assert lines[-2].startswith(LIMIT[lang]), lines  # a session alone vouches only for itself, said before its verdict
    assert all(line.startswith(OK[lang]) for line in lines[:-2]) and len(lines) >= 3, lines
    assert not ISO.search("\n".join(lines)), lines


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_tampered_session_says_its_problems_and_altered(tmp_path: Path, capsys, lang: str) -> None:
    session = tampered_copy(campaign(tmp_path, hostile=False))
    code, lines = verify(capsys, str(session), lang=lang)
    assert code == 1 and lines[-1] == VERDICTS[lang][1], lines
    assert lines[:-1] and not any(line.startswith(OK[lang]) for line in lines[:-1]), lines
    problems_first(lines, lang)
    assert not ISO.search("\n".join(lines)), lines


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_signed_report_gives_its_signing_date_as_the_language_writes_it(
    signed: tuple[Path, Path], capsys, lang: str
) -> None:
    _, folder = signed
    signed_at = json.loads((folder / SIGNATURE).read_text(encoding="utf-8"))["signed_at"]
    assert ISO.match(signed_at)  # the signature file keeps ISO 8601: it is what was signed
    code, lines = verify(capsys, str(folder), lang=lang)
    assert code == 0 and lines[-1] == VERDICTS[lang][0], lines
    said = timestamp(signed_at, lang)
    if lang == "fr":
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2} UTC", said)
        assert lines[0].startswith("ok : signature Ed25519 valide, clé ") and f"(signé le {said})" in lines[0]
    else:
        assert lines[0].startswith("ok: valid Ed25519 signature, key ") and f"(signed on {said})" in lines[0]
    assert not ISO.search("\n".join(lines)), lines


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_changed_report_names_the_change_before_any_ok_line(signed: tuple[Path, Path], capsys, lang: str) -> None:
    _, folder = signed
    with (folder / "index.html").open("ab") as fh:
        fh.write(b"<p>ajout</p>")
    code, lines = verify(capsys, str(folder), lang=lang)
    assert code == 1 and lines[-1] == VERDICTS[lang][1], lines
    assert lines[0] == ("modifié : index.html" if lang == "fr" else "modified: index.html"), lines
    assert any(line.startswith(OK[lang]) for line in lines), lines  # the signature still holds: said after
    problems_first(lines, lang)
    assert not ISO.search("\n".join(lines)), lines


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_report_checked_against_a_tampered_session_says_the_session_first(
    signed: tuple[Path, Path], capsys, lang: str
) -> None:
    session, folder = signed
    code, lines = verify(capsys, str(folder), "--session", str(tampered_copy(session)), lang=lang)
    assert code == 1 and lines[-1] == VERDICTS[lang][1], lines
    given = "session donnée : " if lang == "fr" else "given session: "
    assert lines[0].startswith(given), lines
    assert sum(line.startswith(OK[lang]) for line in lines) >= 2, lines  # the report's own files hold
    problems_first(lines, lang)
    assert not ISO.search("\n".join(lines)), lines


def test_verdict_lines_put_problems_first_and_read_the_date_in_each_language() -> None:
    from testbench.i18n import translator

    verdict = Verdict(problems=["journal-chain.json illisible ou incomplet"])
    verdict.signed = ("ab" * 32, "2026-12-05T04:58:07Z")
    french = verdict_lines(verdict, translator("fr"), "fr")
    assert french[0] == "journal-chain.json illisible ou incomplet"
    assert french[1] == f"ok : signature Ed25519 valide, clé {'ab' * 32} (signé le 05/12/2026 04:58:07 UTC)"
    assert french[-1] == "ALTÉRÉ" and len(french) == 3
    english = verdict_lines(verdict, translator("en"), "en")
    assert english[1] == f"ok: valid Ed25519 signature, key {'ab' * 32} (signed on 2026-12-05 04:58:07 UTC)"
    assert english[-1] == "ALTERED"
