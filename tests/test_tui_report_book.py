"""``g`` writes the exam book an engineer hands over, through ``testbench report``'s build: signed with the
reviewer's key when it exists, printed to PDF when Chromium is there, into one folder whatever the language
shown; what it lacks is said (Pilot, session file on disk, headless Chromium)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
from pathlib import Path

import pytest
from test_tui_app import select
from test_tui_helpers import make_app, run_log, wait_run

from testbench.i18n import colon
from testbench.integrity.verify import verify_report
from testbench.tui.review import create_signing_key

SIZE = (130, 40)


async def report(app, pilot) -> None:
    await pilot.press("g")
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="headless Chromium is not installed")
def test_g_signs_with_the_key_prints_the_pdf_and_keeps_one_folder_after_f2(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "signing.key"
    create_signing_key(key)  # as « Créer ma clé » in the review window does

    async def scenario() -> None:
        app = make_app(tmp_path)
        app.settings.signing_key = key
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            await report(app, pilot)
            folder = tmp_path / "exam-report"
            assert f"✔ Rapport écrit : {folder / 'index.html'} (signé)" in run_log(app)
            assert (folder / "report.pdf").is_file() and (folder / "manifest.sig.json").is_file()
            verdict = verify_report(folder)
            assert verdict.ok and not verdict.unsigned, verdict.lines()
            await pilot.press("f2")  # the same session's book, in English, in the same folder
            await report(app, pilot)
            assert f"✔ Report written: {folder / 'index.html'} (signed)" in run_log(app)
            assert sorted(p.name for p in tmp_path.iterdir() if "-r" in p.name) == ["exam-report"]
            assert 'lang="en"' in (folder / "index.html").read_text(encoding="utf-8")

    asyncio.run(scenario())


def test_g_without_a_key_or_chromium_says_what_the_book_lacks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TESTBENCH_CHROMIUM", str(tmp_path / "no-chromium"))

    async def scenario() -> None:
        app = make_app(tmp_path)
        app.settings.signing_key = tmp_path / "keys" / "none.key"
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            await report(app, pilot)
            log = run_log(app)
            assert "(signé)" not in log
            assert f"⚠ rapport non signé : pas de clé de signature ({tmp_path / 'keys' / 'none.key'})" in log
            assert "⚠ report.pdf non imprimé : Chromium " in log
            folder = tmp_path / "exam-report"
            assert (folder / "index.html").is_file() and not (folder / "manifest.sig.json").exists()
            await pilot.press("f2")
            await report(app, pilot)
            log = run_log(app)
            assert f"⚠ unsigned report: no signing key ({tmp_path / 'keys' / 'none.key'}); create it" in log
            assert "⚠ report.pdf not printed: Chromium " in log

    asyncio.run(scenario())


def test_g_refuses_as_testbench_report_does_in_the_same_words(tmp_path: Path, monkeypatch, capsys) -> None:
    """``g`` goes through ``testbench report``'s own checks (tools.report): a file where the book's folder goes
    is refused with the command's sentence, in either language, and the file is left as it was."""
    from testbench.cli.main import main

    monkeypatch.setenv("TESTBENCH_CHROMIUM", str(tmp_path / "no-chromium"))
    (tmp_path / "exam-report").write_text("not a folder", encoding="utf-8")
    seen: list[str] = []

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            await report(app, pilot)
            seen.append(run_log(app))
            await pilot.press("f2")  # the log drawn again in English, then the second refusal said in English
            await report(app, pilot)
            seen.append(run_log(app))

    asyncio.run(scenario())
    capsys.readouterr()
    for log, lang, impossible in ((seen[0], "fr", "✘ Rapport impossible : "), (seen[1], "en", "✘ Report failed: ")):
        code = main(["--lang", lang, "report", str(tmp_path / "exam.tbsession"), "-o", str(tmp_path / "exam-report")])
        assert code == 3
        refused = capsys.readouterr().err.strip().removeprefix(f"testbench report{colon(lang)}")
        times = 1 if lang == "fr" else 2  # in English, the first refusal drawn again and the second
        assert "exam-report" in refused and log.count(impossible + refused) == times, (refused, log)
    assert "Rapport impossible" not in seen[1]
    assert (tmp_path / "exam-report").read_text(encoding="utf-8") == "not a folder"
