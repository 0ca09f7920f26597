"""One language at a time in review, merge, the report's progress and its comparisons, schema errors and the
workstation's report folder (wave 8 audit, part F3).

Each test reads what a person sees (a command's stderr, report.json, a schema error, the folder written) in
English, and, where the French is the point, in French too.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path

import pytest
from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value
from test_report_build import campaign

from testbench.cli.main import main
from testbench.i18n import colon
from testbench.report.build import BuildOptions, build_report
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.signing import init_key
from testbench.store.read import SHARD_META
from testbench.store.session import SessionStore

#: French words of the messages these tests read in English
FRENCH = re.compile(r"introuvable|absent de la session|clé|manifeste|partition|lisible|fichier de session")


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "signer.pem"
    init_key(path)
    return path


def review(session: Path, case: str, key: Path, lang: str, capsys) -> tuple[int, str]:
    code = main(["review", str(session), case, "--accept", "--reason", "vu", "--key", str(key), "--lang", lang])
    return code, capsys.readouterr().err


def test_review_errors_read_in_the_chosen_language(tmp_path: Path, key: Path, capsys) -> None:
    """Finding 6: a missing key, a key others can read, a missing session, an unknown case."""
    session = campaign(tmp_path)
    code, err = review(session, "NOPE", key, "en", capsys)
    assert (code, err) == (3, "testbench review: case NOPE not in the session\n")
    code, err = review(session, "NOPE", key, "fr", capsys)
    assert (code, err) == (3, "testbench review : cas NOPE absent de la session\n")
    code, err = review(tmp_path / "nothere.tbsession", "OK-1", key, "en", capsys)
    assert (code, err) == (3, f"testbench review: {tmp_path / 'nothere.tbsession'}: session file not found\n")
    code, err = review(session, "OK-1", tmp_path / "no-key.pem", "en", capsys)
    assert code == 3 and "signing key unreadable (" in err and "create it with" in err, err
    assert not FRENCH.search(err), err
    if os.name == "posix":
        key.chmod(0o644)
        code, err = review(session, "OK-1", key, "en", capsys)
        assert code == 3 and f"{key}: private key readable by other users; chmod 600 {key}" in err, err


def test_merging_a_file_that_is_not_there_says_so(tmp_path: Path, capsys) -> None:
    """A shard beside a file that does not exist: the file is not found, not a « missing shard »."""
    session = campaign(tmp_path)
    with SessionStore.open(session) as store:
        sha = store.conn.execute("SELECT casebook_sha FROM cases LIMIT 1").fetchone()[0]
        store.set_meta(SHARD_META, json.dumps({"index": 1, "count": 2, "campaign": [[sha, "OK-1"], [sha, "KO-1"]]}))
    missing = tmp_path / "nothere.tbsession"
    for lang, said in (("en", "session file not found"), ("fr", "fichier de session introuvable")):
        code = main(["merge", str(session), str(missing), "-o", str(tmp_path / "m.tbsession"), "--lang", lang])
        err = capsys.readouterr().err
        assert (code, err) == (3, f"testbench merge{colon(lang)}{missing}{colon(lang)}{said}\n")
    assert not (tmp_path / "m.tbsession").exists()


def test_report_signing_progress_reads_in_english(tmp_path: Path, key: Path, capsys) -> None:
    """Finding 12: the last stage of ``report --sign`` was « manifeste » + « et signature »."""
    session = campaign(tmp_path)
    assert main(["report", str(session), "-o", str(tmp_path / "r"), "--sign", "--key", str(key), "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "report: manifest and signature…" in err and "manifeste" not in err, err
    assert main(["report", str(session), "-o", str(tmp_path / "r2"), "--sign", "--key", str(key)]) == 0
    assert "rapport : manifeste et signature…" in capsys.readouterr().err


class MarkingEngine(FakeEngine):
    """An invoice whose ADRI marking is the domain's code « aucun » and whose guarantee is false."""

    def create_invoice(self, request):
        return {**super().create_invoice(request), "adri": {"marking": "aucun", "guarantee": False}}


def test_a_compared_value_reads_as_recorded_in_the_english_message(tmp_path: Path) -> None:
    """Finding 13: the code « aucun » compared equal read "expected none" beside expected "aucun"."""
    expectations = (
        value("e-mark", "invoice.adri.marking", "aucun", value_type="string"),
        value("e-guarantee", "invoice.adri.guarantee", "true", value_type="boolean"),
    )
    cb = make_casebook((make_case("MK-1", (invoice_step(),), expectations),), tmp_path)
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        run_id = store.begin_run(["test"], {}, {})
        Runner(store, MarkingEngine(bay, trace=recorder.engine_sink), bay, recorder).run(
            run_id, [(cb, c) for c in cb.cases]
        )
        store.end_run(run_id)
    for lang, marking, guarantee in (
        ("en", "expected aucun, observed aucun (equal)", "expected yes, observed no (different)"),
        ("fr", "attendu aucun, observé aucun (égal)", "attendu oui, observé non (différent)"),
    ):
        folder = build_report(session, tmp_path / f"r-{lang}", BuildOptions(lang=lang)).folder
        (case,) = json.loads((folder / "report.json").read_text(encoding="utf-8"))["cases"]
        shown = {c["expectation_id"]: (c["expected"], c["observed"], c["message"]) for c in case["comparisons"]}
        yes, no = ("yes", "no") if lang == "en" else ("oui", "non")
        assert shown == {"e-mark": ("aucun", "aucun", marking), "e-guarantee": (yes, no, guarantee)}, shown
        reason = "e-guarantee: " + guarantee if lang == "en" else "e-guarantee : " + guarantee
        assert case["reason"] == reason


@pytest.mark.parametrize(("lang", "suffix"), [("en", "report"), ("fr", "report")])
def test_the_workstation_names_its_report_folder_in_its_language(tmp_path: Path, lang: str, suffix: str) -> None:
    """Finding 18: an English workstation wrote its report to « exam-rapport/ »; audit 9 D2: one folder
    whatever the language shown (« exam-report/ », as the docs' « -o exam-report »), F2 makes no second book."""
    from test_tui_helpers import make_app, wait_run

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(130, 40)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-KO-002").key)  # a case without cards (see test_tui_app)
            await pilot.pause()
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("g")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.last_report == tmp_path / f"exam-{suffix}" / "index.html"

    asyncio.run(scenario())
    assert [p.name for p in tmp_path.iterdir() if p.is_dir() and p.name.startswith("exam-")] == [f"exam-{suffix}"]


def test_the_demo_names_its_software_the_same_in_both_languages(tmp_path: Path) -> None:
    """Finding 18: the demo's default software name was French (« démo testbench ») in an English report."""
    out = tmp_path / "demo"
    assert main(["demo", "--headless", "--lang", "en", "--cards", "inprocess", "--output", str(out)]) == 0
    cover = json.loads((out / "report.json").read_text(encoding="utf-8"))["cover"]
    assert cover["sut"]["name"] == "testbench-demo"


def test_a_report_the_workstation_cannot_write_says_why_without_python_words(tmp_path: Path) -> None:
    """The folder's place taken by a file: the OS's reason in the workstation's language, no exception name."""
    from test_tui_helpers import make_app
    from textual.widgets import Log

    (tmp_path / "exam-report").write_text("not a folder", encoding="utf-8")

    async def scenario() -> None:
        app = make_app(tmp_path, lang="en")
        async with app.run_test(size=(130, 40)) as pilot:
            await pilot.pause()
            await pilot.press("g")
            await app.workers.wait_for_complete()
            await pilot.pause()
            log = "\n".join(app.query_one("#run-log", Log).lines)
            assert f"✘ Report failed: {tmp_path / 'exam-report'}: " in log, log
            assert "Error" not in log and "Errno" not in log and "erreur" not in log, log

    asyncio.run(scenario())
