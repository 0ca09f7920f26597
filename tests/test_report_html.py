"""The first report: rebuilt from the session file alone, deterministic, French, failures first, inert text."""

from __future__ import annotations

import errno
import shutil
import sys
from pathlib import Path

import jinja2
import pytest
from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value
from lxml import etree

from testbench.report import html
from testbench.report.html import write_report
from testbench.report.junit import write_junit
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.session import SessionStore
from testbench.traces.model import TraceLine

XSS = "<script>alert('x')</script>"


def make_session(tmp_path: Path) -> Path:
    ok = make_case("OK-1", (invoice_step(),), (value("e1", "invoice.totals.amo", "33.60"),))
    ko = make_case("KO-1", (invoice_step(),), (value("e1", "invoice.totals.amo", "99.99"),))
    cb = make_casebook((ok, ko), tmp_path)
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, c.id) for c in cb.cases])
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        engine = FakeEngine(bay, trace=recorder.engine_sink)
        runner = Runner(store, engine, bay, recorder)
        run_id = store.begin_run([], {}, {})
        runner.run(run_id, [(cb, c) for c in cb.cases])
        # a hostile line in a case's trace must stay text
        store.add_trace_lines([TraceLine("app", 1, 1.0, XSS, attempt_id=1)])
    return session


def test_report_is_rebuilt_identically_from_the_session_alone(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    moved = tmp_path / "elsewhere" / "copy.tbsession"
    moved.parent.mkdir()
    shutil.copy(session, moved)
    first = write_report(session, tmp_path / "r1").read_bytes()
    # the casebook files are gone: only the session file remains
    (tmp_path / "cb.xml").unlink(missing_ok=True)
    (tmp_path / "vitale.xml").unlink()
    again = write_report(session, tmp_path / "r2").read_bytes()
    assert first == again
    assert "33,60\u00a0€".encode() in first  # the amount, as a person reads it


def test_report_is_french_and_shows_failures_first(tmp_path: Path) -> None:
    html = write_report(make_session(tmp_path), tmp_path / "r").read_text(encoding="utf-8")
    text = "".join(etree.HTML(html).itertext())
    assert "Cahier d'examen pré-validé" in text
    assert "Validé par l'examinateur" in text
    doc = etree.HTML(html)
    assert doc.xpath("//section[@class='case']/@data-case") == ["KO-1", "OK-1"]
    assert doc.xpath("//table[@id='index']//tr/@data-case") == ["KO-1", "OK-1"]
    assert "attendu 99,99\u00a0€, observé 33,60\u00a0€" in html
    assert not any(XSS in (s.text or "") for s in doc.iter("script"))
    assert "&lt;script&gt;alert" in html


def test_report_in_english_on_request(tmp_path: Path) -> None:
    html = write_report(make_session(tmp_path), tmp_path / "r", lang="en").read_text(encoding="utf-8")
    assert "Pre-validated exam book" in html and 'lang="en"' in html
    # every attribute a person reads (a search box's hint, a label) in English too
    assert 'placeholder="Filter (id, title, reason…)"' in html and "titre" not in html


def test_junit_counts(tmp_path: Path) -> None:
    target = write_junit(make_session(tmp_path), tmp_path / "junit.xml")
    suite = etree.parse(str(target)).getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "1" and suite.get("errors") == "0"
    failure = suite.find("testcase[@name='KO-1']/failure")
    assert failure is not None and "99,99\u00a0€" in failure.get("message", "")


def test_report_of_cards_presented_without_a_guard(tmp_path: Path) -> None:
    """A bench without a card guard still records which card went where; the cover must not break."""
    from fakes import CardRequirement

    case = make_case("CARD-1", (invoice_step(),), cards=(CardRequirement("vitale", "v1"),))
    cb = make_casebook((case,), tmp_path)
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, case.id)])
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        Runner(store, FakeEngine(bay), bay, recorder).run(store.begin_run([], {}, {}), [(cb, case)])
    html = write_report(session, tmp_path / "r").read_text(encoding="utf-8")
    assert "v1" in html and "vitale.xml" in html


def test_a_case_section_escapes_each_value_once_around_its_own_markup(tmp_path: Path) -> None:
    """The section is written in Python (testbench.report.section): a value added after our markup (an
    origin after the observed value, a step's detail after its status) is escaped once, the markup not."""
    from testbench.report.content import gather
    from testbench.report.html import HtmlBook
    from testbench.store.read import read_session

    with read_session(make_session(tmp_path)) as session:
        case = next(c for c in gather(session).data["cases"] if c["comparisons"])
    case["comparisons"][0] |= {"observed": "1 < 2", "origin": "lu <ici> & là"}
    case["steps"][0]["detail"] = "refus <b>"
    case["steps"][0]["status"] = "refused"
    for book in (HtmlBook("fr"), HtmlBook("en", for_print=True)):
        html = book.section(case)
        assert '1 &lt; 2<br><span class="muted origin">lu &lt;ici&gt; &amp; là</span></td>' in html
        assert " — refus &lt;b&gt;</td>" in html
        assert "&amp;lt;" not in html and html.endswith("</section>\n")


def _compiles(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[str]:
    """The names of the templates compiled from now on, with ``folder`` as the compiled-template cache and
    the templates no longer in memory (as in a new process)."""
    monkeypatch.setattr(html._ENV, "bytecode_cache", html.CompiledTemplates(folder))
    html._ENV.cache.clear()
    names: list[str] = []
    real = html._ENV.compile
    monkeypatch.setattr(
        html._ENV, "compile", lambda source, name=None, *a, **k: names.append(name) or real(source, name, *a, **k)
    )
    return names


def test_the_page_templates_are_compiled_once_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = make_session(tmp_path)
    compiled = _compiles(monkeypatch, tmp_path / "cache")
    first = write_report(session, tmp_path / "a").read_bytes()
    assert "report.html.j2" in compiled and list((tmp_path / "cache").iterdir())
    compiled = _compiles(monkeypatch, tmp_path / "cache")  # the next report, in another process
    assert write_report(session, tmp_path / "b").read_bytes() == first
    assert compiled == []


@pytest.mark.parametrize("trouble", ["not-a-folder", "damaged", "full-disk"])
def test_a_cache_that_cannot_be_used_only_costs_the_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trouble: str
) -> None:
    session = make_session(tmp_path)
    _compiles(monkeypatch, tmp_path / "good")
    expected = write_report(session, tmp_path / "expected").read_bytes()
    folder = tmp_path / "cache"
    if trouble == "not-a-folder":  # a file where the folder would be: nothing can be read or written
        (tmp_path / "file").write_text("")
        folder = tmp_path / "file" / "templates"
    elif trouble == "damaged":  # the cache files cut in half (a crash, a full disk mid-write by another tool)
        _compiles(monkeypatch, folder)
        write_report(session, tmp_path / "filling")
        for cached in folder.iterdir():
            cached.write_bytes(cached.read_bytes()[: cached.stat().st_size // 2])
    else:  # the disk fills while the compiled code is written

        def full(self: object, f: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(jinja2.bccache.Bucket, "write_bytecode", full)
    compiled = _compiles(monkeypatch, folder)
    assert write_report(session, tmp_path / "r").read_bytes() == expected
    assert "report.html.j2" in compiled
    if trouble == "damaged":  # written again whole: the next report reads it
        compiled = _compiles(monkeypatch, folder)
        assert write_report(session, tmp_path / "r2").read_bytes() == expected and compiled == []
    if trouble == "full-disk":
        assert not folder.exists() or not list(folder.iterdir())  # no partial file left behind


@pytest.mark.skipif(sys.platform != "linux", reason="docs/reports.md names the Linux folder ($XDG_CACHE_HOME)")
def test_the_compiled_templates_are_kept_in_the_users_cache_folder_under_a_name_of_jinja_and_this_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/reports.md: ``$XDG_CACHE_HOME/testbench/templates/``, a file name that changes with Jinja's version
    and with the module that configures the environment (their compiled code would differ)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    def cache_file() -> Path:
        return Path(html.CompiledTemplates()._get_cache_filename(jinja2.bccache.Bucket(html._ENV, "k", "c")))

    kept = cache_file()
    assert kept.parent == tmp_path / "testbench" / "templates"
    monkeypatch.setattr(jinja2, "__version__", jinja2.__version__ + ".post1")
    assert cache_file().parent == kept.parent and cache_file().name != kept.name
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    real_read = Path.read_bytes
    own = Path(html.__file__)
    monkeypatch.setattr(Path, "read_bytes", lambda p: real_read(p) + b"#" if p == own else real_read(p))
    assert cache_file().name not in (kept.name, "") and cache_file().parent == kept.parent
