"""docs/reports.md's promises that no other test held, each through the real CLI in a subprocess on a session on disk.

- « The book's language is ``--lang``'s, else ``TESTBENCH_LANG``'s, else French, for every file and the ``--junit``
  file alike. »
- « The session file must keep its name »: a copy renamed ``exam-copy.tbsession`` rebuilds an ``index.html`` and a
  ``report.json`` (hence a ``manifest.json``) that differ by that name alone; the other files keep their bytes.
- « Rebuild and compare »: ``verify REPORT --session s2.tbsession``, then ``report s2.tbsession -o REPORT2`` and
  ``diff -r --exclude=manifest.sig.json`` find the same content; a signed report differs from an unsigned rebuild by
  its signer alone (``report.json``'s ``signer``, the cover's signature line, ``manifest.sig.json``); « the only
  time-dependent value, the signing time, lives in ``manifest.sig.json`` ».
- the workstation's ``g`` during its own run; the PDF untagged and opening on its attachments; a report folder given
  to ``report``, ``merge`` or ``review`` for a session names the session it was built from.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree
from test_report_build import campaign

from testbench.signing import init_key


def cli(cwd: Path, *args: str | Path, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command, in a throw-away home; ``TESTBENCH_LANG`` only when given."""
    env = {k: v for k, v in os.environ.items() if k not in ("TESTBENCH_LANG", "TESTBENCH_SIGNING_KEY")}
    env |= {"HOME": str(cwd), "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": str(cwd / "cache")}
    if lang is not None:
        env["TESTBENCH_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def book_language(folder: Path) -> str:
    """The language the page declares, cross-checked with a word the cover prints in that language."""
    html = (folder / "index.html").read_text(encoding="utf-8")
    lang = etree.HTML(html).xpath("string(/html/@lang)")
    assert ("Généré depuis le fichier de session" in html) == (lang == "fr"), lang
    return lang


def junit_language(junit: Path) -> str:
    """The failing case's message says its amounts the way its language writes them (« 99,99 € » / "€99.99")."""
    text = junit.read_text(encoding="utf-8")
    french, english = re.search(r"attendu 99,99\s€", text) is not None, "expected €99.99" in text
    assert french != english, text
    return "fr" if french else "en"


def json_language(report: Path) -> str:
    """``report.json``'s words for a person (a case's ``final_label``) are in the book's language."""
    labels = {case["final_label"] for case in json.loads(report.read_bytes())["cases"]}
    assert labels in ({"réussi", "échec"}, {"passed", "failed"}), labels
    return "fr" if "échec" in labels else "en"


def trace_header_language(folder: Path) -> str:
    traces = sorted((folder / "evidence" / "traces").iterdir())
    assert traces
    first = traces[0].read_text(encoding="utf-8").splitlines()[0]
    if first.startswith("# testbench — trace complète du cas"):
        return "fr"
    assert first.startswith("# testbench — full trace of case"), first
    return "en"


def test_the_books_language_is_lang_else_testbench_lang_else_french(tmp_path: Path) -> None:
    session = campaign(tmp_path, extra_lines=80)  # a full trace in evidence/traces, a failing case for the JUnit
    cases = (
        ("fr-default", None, []),
        ("env-en", "en", []),
        ("env-fr", "fr", []),
        ("lang-over-env", "en", ["--lang", "fr"]),
        ("lang-en", None, ["--lang", "en"]),
    )
    expected = {"fr-default": "fr", "env-en": "en", "env-fr": "fr", "lang-over-env": "fr", "lang-en": "en"}
    for name, env_lang, option in cases:
        folder, junit = tmp_path / name, tmp_path / f"{name}.xml"
        done = cli(tmp_path, "report", session, "-o", folder, "--junit", junit, *option, lang=env_lang)
        assert done.returncode == 0, (name, done.stderr)
        said = {
            "page": book_language(folder),
            "report.json": json_language(folder / "report.json"),
            "junit.xml": junit_language(folder / "junit.xml"),
            "--junit": junit_language(junit),
            "evidence/traces": trace_header_language(folder),
        }
        assert set(said.values()) == {expected[name]}, (name, said)


def test_a_renamed_session_rebuilds_a_book_that_differs_by_that_name_alone(tmp_path: Path) -> None:
    session = campaign(tmp_path, name="s2.tbsession", extra_lines=80)
    copy = tmp_path / "exam-copy.tbsession"
    shutil.copyfile(session, copy)
    assert cli(tmp_path, "report", session, "-o", tmp_path / "a").returncode == 0
    assert cli(tmp_path, "report", copy, "-o", tmp_path / "b").returncode == 0
    a, b = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert set(a) == set(b) and any(name.startswith("evidence/traces/") for name in a)
    assert {name for name in a if a[name] != b[name]} == {"index.html", "report.json", "manifest.json"}
    assert json.loads(a["report.json"])["session"]["file"] == "s2.tbsession"
    assert json.loads(b["report.json"])["session"]["file"] == "exam-copy.tbsession"
    for data, name in ((a, "s2.tbsession"), (b, "exam-copy.tbsession")):
        cover = "".join(etree.HTML(data["index.html"].decode()).xpath("//p[@class='muted'][1]//text()"))
        assert f"Généré depuis le fichier de session {name}" in " ".join(cover.split()), cover
    # the name alone: put back under the report's name, the page and the JSON are the same bytes again
    same = [b[n].replace(b"exam-copy.tbsession", b"s2.tbsession") == a[n] for n in ("index.html", "report.json")]
    assert same == [True, True]
    copied_back = tmp_path / "back" / "s2.tbsession"
    copied_back.parent.mkdir()
    shutil.copyfile(copy, copied_back)
    assert cli(tmp_path, "report", copied_back, "-o", tmp_path / "c").returncode == 0
    assert files_of(tmp_path / "c") == a


def test_rebuild_and_compare_finds_the_same_content_and_a_signed_book_differs_by_its_signer(tmp_path: Path) -> None:
    session = campaign(tmp_path, name="s2.tbsession", extra_lines=80)
    key = tmp_path / "editor.pem"
    init_key(key)
    for name, signing in (("unsigned", []), ("signed", ["--sign", "--key", key])):
        assert cli(tmp_path, "report", session, "-o", tmp_path / name, *signing).returncode == 0
    checked = cli(tmp_path, "verify", tmp_path / "unsigned", "--session", session)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert cli(tmp_path, "report", session, "-o", tmp_path / "rebuilt").returncode == 0
    if shutil.which("diff"):  # the recipe's own command, where the system has it
        recipe = ["diff", "-r", "--exclude=manifest.sig.json", tmp_path / "unsigned", tmp_path / "rebuilt"]
        assert subprocess.run(list(map(str, recipe)), capture_output=True).returncode == 0
    assert files_of(tmp_path / "unsigned") == files_of(tmp_path / "rebuilt")
    signed, rebuilt = files_of(tmp_path / "signed"), files_of(tmp_path / "rebuilt")
    differing = {n for n in set(signed) | set(rebuilt) if signed.get(n) != rebuilt.get(n)}
    # its signer alone: report.json's signer and the cover's line, hence the manifest, and the signature file
    assert differing == {"index.html", "report.json", "manifest.json", "manifest.sig.json"}, differing
    # « the only time-dependent value, the signing time, lives in manifest.sig.json »: signed again later
    time.sleep(1.1)
    assert cli(tmp_path, "report", session, "-o", tmp_path / "signed-again", "--sign", "--key", key).returncode == 0
    again = files_of(tmp_path / "signed-again")
    assert json.loads(again["manifest.sig.json"])["signed_at"] != json.loads(signed["manifest.sig.json"])["signed_at"]
    assert {n for n in again if again[n] != signed.get(n)} == {"manifest.sig.json"}
    signed_json, rebuilt_json = json.loads(signed["report.json"]), json.loads(rebuilt["report.json"])
    assert signed_json["signer"] and not rebuilt_json["signer"]
    assert {k: v for k, v in signed_json.items() if k != "signer"} == {
        k: v for k, v in rebuilt_json.items() if k != "signer"
    }


def test_the_workstations_g_during_its_own_run_says_the_book_waits_and_writes_nothing(tmp_path: Path) -> None:
    """« the workstation's ``g`` during its own run: « Une exécution est en cours : le rapport se construit une fois
    terminée. » »: a run waiting on its manual step is under way; the book is not built, no folder is made."""
    import asyncio

    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    from test_tui_app import SIZE, select
    from test_tui_helpers import make_app

    from testbench.tui.screens import AttestScreen

    said: list[str] = []
    WAITS = "Une exécution est en cours : le rapport se construit une fois terminée."

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("r")
            for _ in range(100):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            assert isinstance(app.screen, AttestScreen) and app.running
            app.action_report()  # the binding's action: the modal has the keys while the step waits
            await pilot.pause()
            # said where the workstation says it over a window with fields: that window's notice line
            said.extend(m for m in (WAITS,) if app.in_sight(m))
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()

    asyncio.run(scenario())
    assert said == [WAITS]
    assert not (tmp_path / "exam-report").exists()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="headless Chromium is not installed")
def test_the_pdf_is_untagged_and_opens_on_its_attachments(tmp_path: Path) -> None:
    """« The PDF is printed **untagged** (``--disable-pdf-tagging``) » and « a viewer lists them in its attachments
    panel, which the PDF opens on »: no structure tree in the file, the catalog's page mode the attachments'."""
    session = campaign(tmp_path, extra_lines=80)
    done = cli(tmp_path, "report", session, "-o", tmp_path / "r", "--pdf")
    assert done.returncode == 0, done.stderr
    pdf = (tmp_path / "r" / "report.pdf").read_bytes()
    assert b"/StructTreeRoot" not in pdf and b"/StructParents" not in pdf
    catalogs = re.findall(rb"/Type\s*/Catalog\b.*?/PageMode\s*/(\w+)", pdf, re.S)
    assert catalogs and catalogs[-1] == b"UseAttachments", catalogs  # the incremental update's catalog wins


@pytest.mark.parametrize(
    ("command", "written"),
    [
        (["report", "livret", "-o", "out"], "out"),
        (["merge", "livret", "s.tbsession", "-o", "m.tbsession"], "m.tbsession"),
        (["review", "livret", "KO-1", "--comment", "--reason", "relu", "--key", "k.pem"], None),
    ],
    ids=["report", "merge", "review"],
)
def test_a_report_folder_given_for_a_session_names_the_session_it_was_built_from(
    tmp_path: Path, command: list[str], written: str | None
) -> None:
    """« a report folder given to ``report``, ``diff``, ``merge`` or ``review`` where a session file is expected names
    the session its ``report.json`` was built from » (``diff``'s own test: tests/test_store_s28_path_colon.py)."""
    session = campaign(tmp_path, hostile=False)
    init_key(tmp_path / "k.pem")
    assert cli(tmp_path, "report", session.name, "-o", "livret").returncode == 0
    before = files_of(tmp_path / "livret")
    done = cli(tmp_path, *command)
    said = "livret : est un dossier de rapport (construit depuis la session s.tbsession), pas un fichier de session"
    assert done.returncode == 3 and done.stderr.splitlines()[-1] == f"testbench {command[0]} : {said}", done.stderr
    assert files_of(tmp_path / "livret") == before  # nothing written there, nor beside it
    assert written is None or not (tmp_path / written).exists()


def test_diff_of_a_session_a_run_still_writes_says_so_and_keeps_its_exit_code(tmp_path: Path) -> None:
    """« ``coverage`` and ``diff`` read such a session as it stands and say so on stderr, exit code unchanged »: a
    regression still exits 1 while another process holds B's lock, and the warning goes once the lock is gone."""
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    a = campaign(tmp_path / "a", hostile=False)
    b = campaign(tmp_path / "b", hostile=False, unit_price="15.00")  # OK-1's amount moves: a regression
    assert cli(tmp_path, "diff", a, b).returncode == 1
    hold = "import sys; from testbench.store.session import SessionStore\nwith SessionStore.open(sys.argv[1]):\n"
    hold += "    print('ready', flush=True); sys.stdin.read()\n"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(b)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        live = cli(tmp_path, "diff", a, b)
    finally:
        holder.communicate("", timeout=30)
    said = f"testbench diff : session B ({b}) encore ouverte en écriture par un autre processus (pid {holder.pid} sur "
    assert live.returncode == 1, live.stderr
    assert said in live.stderr and live.stderr.rstrip().endswith("ses cas pas encore exécutés se lisent comme absents")
    assert "RÉGRESSION" in live.stdout
    after = cli(tmp_path, "diff", a, b)
    assert after.returncode == 1 and "encore ouverte" not in after.stderr


def test_a_long_evidence_name_is_cut_keeps_its_extension_and_is_marked_with_its_hash(tmp_path: Path) -> None:
    """« A file or folder name of the evidence longer than 96 characters … is cut, its extension kept, and marked with
    ``~`` and 8 hex digits of its name's SHA-256 »; one of 96 is kept whole; names differing by case get ``-2``."""
    import hashlib

    from testbench.report.evidence import Evidence

    name = "FSE_" + "DUPONT-Jean-dossier-" * 6 + "facture-000123.xml"
    kept = "F" * 92 + ".xml"
    with Evidence(tmp_path) as evidence:
        cut = str(evidence.add(f"files/CAS-001/{name}", b"a", "application/xml")["path"]).rsplit("/", 1)[1]
        whole = str(evidence.add(f"files/CAS-001/{kept}", b"b", "application/xml")["path"]).rsplit("/", 1)[1]
        other = str(evidence.add(f"files/CAS-001/{kept.lower()}", b"c", "application/xml")["path"]).rsplit("/", 1)[1]
    mark = "~" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8] + ".xml"
    assert len(cut) == 96 and cut.endswith(mark) and name.startswith(cut[: -len(mark)]), cut
    assert whole == kept and len(kept) == 96
    assert other == kept.lower()[:-4] + "-2.xml"
    assert (tmp_path / "evidence/files/CAS-001" / cut).read_bytes() == b"a"


def engine_bench(tmp: Path, command: str, said: str = "prêt", casebook: str = "cb.xml", line: str = "") -> Path:
    """One case, run through the real Runner (in-process fakes) by a bench whose external engine command is
    ``command``: the engine's log names its own command line, as a wrapper script's banner does; ``casebook`` is
    the command line's casebook argument, ``line`` an application line written as it is."""
    from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value

    from testbench.runner.campaign import record_casebooks
    from testbench.runner.runner import Runner
    from testbench.runner.tracing import TraceRecorder
    from testbench.store.session import SessionStore
    from testbench.traces.model import TraceLine

    tmp.mkdir()
    case = make_case("OK-1", (invoice_step(),), (value("e1", "invoice.totals.amo", "33.60"),))
    cb = make_casebook((case,), tmp)
    session = tmp / "s.tbsession"
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, case.id)])
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        runner = Runner(store, FakeEngine(bay, trace=recorder.engine_sink), bay, recorder)
        run_id = store.begin_run(["run", casebook], {"engine": command}, {})
        runner.run(run_id, [(cb, case)])
        banner = f"moteur démarré : {command} — {said}"
        lines = [TraceLine("engine", 10**12, 1.7e9, banner, attempt_id=1)]
        lines += [TraceLine("app", 10**12 + 1, 1.7e9, line.format(folder=tmp.resolve()), attempt_id=1)] if line else []
        store.add_trace_lines(lines)
        store.end_run(run_id)
    return session


def test_the_engine_command_line_of_each_bench_is_marked_not_compared(tmp_path: Path) -> None:
    """« Each session's … engine command line are replaced in its traces by … ``‹commande du moteur›`` » (rule
    ``commande du moteur``): the same product run by two benches whose engine lives elsewhere is the same case; a
    real change on that line still shows."""
    a = engine_bench(tmp_path / "a", "/opt/bench-1/acme-engine --port 4001")
    b = engine_bench(tmp_path / "b", "/srv/poste-2/acme-engine --port 4002")
    js = tmp_path / "d.json"
    same = cli(tmp_path, "diff", a, b, "--json", js)
    assert same.returncode == 0, same.stdout + same.stderr
    data = json.loads(js.read_text(encoding="utf-8"))
    assert [case["kind"] for case in data["cases"]] in ([], ["same"]), data["cases"]
    assert "commande du moteur" in same.stdout  # the rule is named under the bench's normalisation
    c = engine_bench(tmp_path / "c", "/srv/poste-2/acme-engine --port 4002", said="prêt, mode dégradé")
    changed = cli(tmp_path, "diff", a, c, "--json", js)
    assert changed.returncode == 0, changed.stdout + changed.stderr
    cases = json.loads(js.read_text(encoding="utf-8"))["cases"]
    assert [case["kind"] for case in cases] == ["details"], cases  # « valeurs ou traces changées »
    assert "‹commande du moteur› — prêt, mode dégradé" in changed.stdout, changed.stdout


def test_the_paths_of_each_bench_are_marked_not_compared(tmp_path: Path) -> None:
    """« paths (its command line's paths, the session's folder) … replaced in its traces by ``‹chemin›`` » (rule
    ``chemins``): the application's line naming the casebook given and the session's folder reads the same on two
    benches; the rest of that line is still compared."""
    line = "lecture de {casebook} ; journal dans {folder}/app.log"
    a_book, b_book = str(tmp_path / "a-books" / "cb.xml"), str(tmp_path / "b-books" / "cb.xml")
    a = engine_bench(tmp_path / "a", "reference", casebook=a_book, line=line.replace("{casebook}", a_book))
    b = engine_bench(tmp_path / "b", "reference", casebook=b_book, line=line.replace("{casebook}", b_book))
    js = tmp_path / "d.json"
    same = cli(tmp_path, "diff", a, b, "--json", js)
    assert same.returncode == 0, same.stdout + same.stderr
    assert [case["kind"] for case in json.loads(js.read_text(encoding="utf-8"))["cases"]] in ([], ["same"])
    assert "chemins" in same.stdout
    other = line.replace("{casebook}", b_book).replace("app.log", "autre.log")
    c = engine_bench(tmp_path / "c", "reference", casebook=b_book, line=other)
    changed = cli(tmp_path, "diff", a, c, "--json", js)
    assert [case["kind"] for case in json.loads(js.read_text(encoding="utf-8"))["cases"]] == ["details"]
    assert "lecture de ‹chemin› ; journal dans ‹chemin›/autre.log" in changed.stdout, changed.stdout
