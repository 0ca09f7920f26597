"""What a Windows workstation does differently, tested on Linux: each rule is a pure function given Windows'
inputs (``ntpath``, ``PureWindowsPath``, a command line with backslashes), or the code's Windows branch run
with ``sys.platform``/``os.name`` patched, or the bytes a child process writes whatever its locale says."""

from __future__ import annotations

import ast
import errno
import io
import json
import ntpath
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from testbench import cmdline
from testbench.fmt import os_reason
from testbench.i18n import translator

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "testbench"

# -- 1. a command line split as Windows does: backslashes kept, double quotes removed -----------------------


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (r"C:\Editeur\moteur.exe --stdio", [r"C:\Editeur\moteur.exe", "--stdio"]),
        (r'"C:\Program Files\Editeur\moteur.exe" --port 3', [r"C:\Program Files\Editeur\moteur.exe", "--port", "3"]),
        (r"\\serveur\partage\moteur.exe", [r"\\serveur\partage\moteur.exe"]),
        (r'"C:\Program Files\x.exe" --name="a b"', [r"C:\Program Files\x.exe", "--name=a b"]),
        (r'"C:\dossier\\" suite', ["C:\\dossier\\", "suite"]),  # 2n backslashes before a quote: n, quote closes
        (r"a\"b c\\\"d", ['a"b', 'c\\"d']),  # 2n+1: n backslashes and a literal quote
        ('"dit ""bonjour"""', ['dit "bonjour"']),  # inside quotes, "" is a quote
        ("'C:\\a b'", ["'C:\\a", "b'"]),  # single quotes are ordinary characters on Windows
        ('""  \t x', ["", "x"]),
    ],
)
def test_a_windows_command_line_keeps_its_backslashes(line: str, words: list[str]) -> None:
    assert cmdline.split(line, windows=True) == words


def test_the_windows_splitter_reads_back_what_the_joiner_writes() -> None:
    words = [r"C:\Program Files\moteur.exe", "", 'dit "oui"', "fin\\", r"a\\b", "x\ty", "--name=a b"]
    assert cmdline.split(cmdline.join(words, windows=True), windows=True) == words
    assert cmdline.split(cmdline.join(words, windows=False), windows=False) == words


def test_an_open_quote_is_refused_on_both_systems() -> None:
    with pytest.raises(ValueError):
        cmdline.split(r'"C:\Program Files\moteur.exe --stdio', windows=True)
    with pytest.raises(ValueError):
        cmdline.split("python3 'x", windows=False)
    assert cmdline.split(r"python3 'a b' c\ d", windows=False) == ["python3", "a b", "c d"]  # POSIX: the shell's


def test_the_engine_command_and_the_workstation_split_the_same_way_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    from testbench.runner.assemble import _engine_words
    from testbench.tui.tools import join_words, split_words

    line = r"C:\Editeur\moteur.exe --stdio"
    monkeypatch.setattr(os, "name", "nt")
    engine, typed, joined = _engine_words(line), split_words(line), join_words([r"C:\Program Files\m.exe", "-v"])
    monkeypatch.undo()
    assert engine == typed == [r"C:\Editeur\moteur.exe", "--stdio"]  # POSIX shlex gave C:Editeurmoteur.exe
    assert joined == r'"C:\Program Files\m.exe" -v'


# -- 2. the téléservices simulator writes its records in UTF-8 whatever the locale ------------------------


def test_the_simulators_records_are_utf8_bytes() -> None:
    from testbench.services.serve import _writer

    out = io.BytesIO()
    _writer(out)({"patient": "Hélène Assuré ✔"})
    assert out.getvalue() == '{"patient": "Hélène Assuré ✔"}\n'.encode()


CHILD = """
import sys
import testbench.services.serve as serve
made = serve.make_app
def make_app(log):
    log({"patient": "Hélène Assuré ✔"})
    return made(log)
serve.make_app = make_app
sys.exit(serve.serve(port=int(sys.argv[1]), stdin=sys.stdin.buffer))
"""


def _child(port: int) -> subprocess.CompletedProcess[bytes]:
    """The simulator in a child whose text streams are cp1252 (as Windows' redirected pipes are)."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0", "TESTBENCH_LANG": "fr"}
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(port)], input=b"", capture_output=True, env=env, cwd=ROOT, timeout=60
    )


def test_a_child_with_a_cp1252_locale_still_writes_utf8_records_and_errors() -> None:
    done = _child(0)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]  # bytes read as UTF-8, as the bench does
    assert {"patient": "Hélène Assuré ✔"} in records
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        failed = _child(taken.getsockname()[1])
    assert failed.returncode == 2
    said = failed.stderr.splitlines()[-1].decode("utf-8")  # UTF-8: « à » is not cp1252's 0xE0
    assert said.startswith("testbench services : serveur de téléservices impossible à démarrer : port ")


# -- 3. SQLite's URI for a session: UNC and drive paths it accepts, special characters escaped ------------


def test_a_session_uri_is_one_sqlite_accepts_for_unc_drive_and_posix_paths() -> None:
    from testbench.store.connection import sqlite_uri

    unc = sqlite_uri(PureWindowsPath(r"\\serveur\partage\examen\s.tbsession"), "ro")
    assert unc == "file:////serveur/partage/examen/s.tbsession?mode=ro"  # empty authority: SQLite's UNC form
    assert sqlite_uri(PureWindowsPath(r"C:\Examen\ma session.tbsession"), "rw") == (
        "file:///C:/Examen/ma%20session.tbsession?mode=rw"
    )
    assert sqlite_uri(PurePosixPath("/x/a?b#c%d é.tbsession"), "ro") == (
        "file:///x/a%3Fb%23c%25d%20%C3%A9.tbsession?mode=ro"
    )
    # Path.as_uri() gave file://serveur/…, which SQLite refuses before looking for the file
    with pytest.raises(sqlite3.OperationalError, match="authority"):
        sqlite3.connect(PureWindowsPath(r"\\serveur\partage\s.tbsession").as_uri() + "?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as refused:
        sqlite3.connect(unc, uri=True)  # on Linux: a file that is not there, not a bad URI
    assert "authority" not in str(refused.value)


def test_a_session_whose_path_has_spaces_and_uri_characters_opens_and_folds_its_wal(tmp_path: Path) -> None:
    from testbench.store.connection import fold_wal, open_readonly

    folder = tmp_path / "dossier ?#% é"
    folder.mkdir()
    source = tmp_path / "source.tbsession"
    writer = sqlite3.connect(source, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (x)")
    writer.execute("INSERT INTO t VALUES (1)")
    writer.execute("PRAGMA user_version=1")
    session = folder / "s #1 ?.tbsession"
    shutil.copy(source, session)  # a writer that was killed: its WAL left beside the file
    shutil.copy(source.with_name(source.name + "-wal"), session.with_name(session.name + "-wal"))
    writer.close()
    fold_wal(session)
    assert not session.with_name(session.name + "-wal").exists()
    conn = open_readonly(session)
    try:
        assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
    finally:
        conn.close()


# -- 4. report --pdf finds Chrome or Edge where Windows installs them --------------------------------------


@pytest.fixture
def windows_without_browser_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    from testbench.report import pdf

    monkeypatch.setattr(pdf.sys, "platform", "win32")
    monkeypatch.setattr(pdf.shutil, "which", lambda name, *args, **kwargs: None)
    monkeypatch.delenv("TESTBENCH_CHROMIUM", raising=False)
    for variable in ("ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"):
        monkeypatch.setenv(variable, str(tmp_path / variable))
    return tmp_path


def _program(path: Path) -> Path:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"MZ")
    return path


def test_windows_finds_edge_in_its_install_folder_and_prefers_chrome(windows_without_browser_on_path: Path) -> None:
    from testbench.report.pdf import find_chromium

    root = windows_without_browser_on_path
    edge = _program(root / "ProgramFiles(x86)" / "Microsoft" / "Edge" / "Application" / "msedge.exe")
    assert find_chromium() == str(edge)
    chrome = _program(root / "LOCALAPPDATA" / "Google" / "Chrome" / "Application" / "chrome.exe")
    assert find_chromium() == str(chrome)


def test_windows_says_what_to_install_when_no_browser_is_there(windows_without_browser_on_path: Path) -> None:
    from testbench.report.pdf import PdfError, find_chromium

    with pytest.raises(PdfError) as missing:
        find_chromium()
    said = str(missing.value)
    assert "Microsoft Edge" in said and "TESTBENCH_CHROMIUM" in said and "paquet" not in said
    assert translator("en")(said).startswith("Chromium not found: neither Google Chrome nor Microsoft Edge")
    with pytest.raises(PdfError) as wrong:
        find_chromium(str(windows_without_browser_on_path / "nulle-part.exe"))
    assert "msedge.exe" in str(wrong.value) and "paquet" not in str(wrong.value)


def test_msedge_on_the_path_is_a_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    from testbench.report import pdf

    monkeypatch.delenv("TESTBENCH_CHROMIUM", raising=False)
    monkeypatch.setattr(pdf.shutil, "which", lambda name, *args, **kwargs: "/opt/msedge" if name == "msedge" else None)
    assert pdf.find_chromium() == "/opt/msedge"


def test_linux_still_says_to_install_the_chromium_package(monkeypatch: pytest.MonkeyPatch) -> None:
    from testbench.report import pdf

    monkeypatch.setattr(pdf.sys, "platform", "linux")
    monkeypatch.setattr(pdf.shutil, "which", lambda name, *args, **kwargs: None)
    monkeypatch.delenv("TESTBENCH_CHROMIUM", raising=False)
    with pytest.raises(pdf.PdfError, match="installez le paquet chromium"):
        pdf.find_chromium()


# -- 5. a file open in another program is not a lack of rights ---------------------------------------------


@pytest.mark.parametrize("winerror", [32, 33])
def test_a_file_locked_by_another_program_is_said_so(winerror: int) -> None:
    locked = PermissionError(errno.EACCES, "Le processus ne peut pas accéder au fichier", "livre.xlsx")
    locked.winerror = winerror  # type: ignore[attr-defined]  # what Windows' sharing and lock violations carry
    assert os_reason(locked) == (
        "fichier ouvert dans un autre programme (Excel, lecteur PDF…) : fermez-le puis recommencez"
    )
    assert os_reason(locked, translator("en")) == (
        "file open in another program (Excel, a PDF reader…): close it and try again"
    )
    assert os_reason(PermissionError(errno.EACCES, "x")) == "accès refusé (droits insuffisants)"


# -- 6. export --report links to the report on another drive by an absolute URI ----------------------------


def test_the_exports_report_link_falls_back_to_a_file_uri_across_drives(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from testbench.office import export

    page = tmp_path / "rapport" / "index.html"
    assert export._page_link(page, tmp_path) == "rapport/index.html"

    def other_drive(path: str, start: str | None = None) -> str:
        raise ValueError("path is on mount 'D:', start on mount 'E:'")

    monkeypatch.setattr(export.os.path, "relpath", other_drive)
    assert export._page_link(page, tmp_path) == page.as_uri()


# -- 7. files the report hashes are written with "\n" on every system ---------------------------------------


MODE = re.compile(r"[rwxabt+U]+")


def _text_writes_without_newline(folder: Path) -> list[str]:
    """``open(…, "w")``/``Path.open("w")``/``write_text`` calls in text mode that do not set ``newline``:
    on Windows they write CRLF, so the same session would not give the same bytes there."""
    found = []
    for source in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            keywords = {k.arg: k.value for k in node.keywords}
            if name == "write_text":
                writes = True
            elif name == "open":
                mode = keywords.get("mode")
                if mode is None:
                    args = node.args[1:] if isinstance(node.func, ast.Name) else node.args
                    mode = args[0] if args else None
                text = mode.value if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else "r"
                text = text if MODE.fullmatch(text) else "r"  # ``archive.open("content.xml")``: a member's name
                writes = "b" not in text and any(c in text for c in "wax+")
            else:
                continue
            if writes and "newline" not in keywords:
                found.append(f"{source.relative_to(folder.parent)}:{node.lineno}")
    return found


def test_the_report_and_integrity_files_are_written_without_newline_translation() -> None:
    assert _text_writes_without_newline(PACKAGE / "report") == []  # index.html was written with CRLF on Windows
    assert _text_writes_without_newline(PACKAGE / "integrity") == []
    # what a person shares or the bench hashes: a casebook, a workbook, a diff, a session, a key
    for folder in ("casebook", "office", "tools", "store", "scope", "engines", "runner", "services"):
        assert _text_writes_without_newline(PACKAGE / folder) == [], folder


def test_the_scan_sees_a_translated_write(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "m.py").write_text(
        'p.open("w", encoding="utf-8")\nopen(p, "wb")\nopen(p, "w", newline="")\nq.write_text("x")\n'
        'zipped.open("content.xml")\n',
        encoding="utf-8",
    )
    assert _text_writes_without_newline(folder) == ["pkg/m.py:1", "pkg/m.py:4"]


# -- 8. a Windows path between double quotes in a TOML file -------------------------------------------------

HINT = "chemin Windows entre guillemets doubles : écrivez-le entre apostrophes ('C:\\…') ou avec des /"
HINT_EN = "Windows path between double quotes: write it between single quotes ('C:\\…') or with /"


def _profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sut.toml"
    path.write_text('[product]\nname = "Logiciel"\n' + body, encoding="utf-8")
    return path


def test_a_path_read_with_toml_escapes_is_refused_with_how_to_write_it(tmp_path: Path) -> None:
    from testbench.sut.profile import SutProfileError, load_profile
    from testbench.tomlfile import parse_toml, path_problem

    assert parse_toml('p = "D:\\tmp\\fse"') == {"p": "D:\tmp\x0cse"}  # TOML's escapes: no error of its own
    assert path_problem("D:\tmp\x0cse") == HINT and path_problem("D:/tmp/fse") is None
    for body, where in (
        ('[[logs]]\npath = "D:\\tmp\\fse.log"\n', "[logs][1].path"),
        ('[outputs]\nfse = "D:\\tmp\\fse"\n', "[outputs].fse"),
    ):
        with pytest.raises(SutProfileError) as refused:
            load_profile(_profile(tmp_path, body))
        assert f"{where} : caractère de contrôle dans le chemin ; {HINT}" in refused.value.text("fr")
        assert f"{where}: control character in the path; {HINT_EN}" in refused.value.text("en")
    literal = load_profile(_profile(tmp_path, "[outputs]\nfse = 'D:\\tmp\\fse'\n")).outputs["fse"]
    assert literal.name == "D:\\tmp\\fse"  # between apostrophes: read as written (a relative name on Linux)


def test_a_toml_syntax_error_on_a_windows_path_line_says_how_to_write_it(tmp_path: Path) -> None:
    from testbench.office.mapping import load_mapping
    from testbench.office.problems import OfficeError
    from testbench.scope.plan import PlanError, parse_plan
    from testbench.sut.profile import SutProfileError, load_profile
    from testbench.tomlfile import TomlSyntaxError, parse_toml

    with pytest.raises(TomlSyntaxError) as bad:
        parse_toml('a = 1\npath = "C:\\Users\\examen\\app.log"\n')  # \U wants eight hex digits
    assert (bad.value.line, bad.value.hint) == (2, HINT)
    with pytest.raises(TomlSyntaxError) as other:
        parse_toml("a = 1\n[b\n")
    assert other.value.hint is None  # a mistake of another kind gets no such hint
    with pytest.raises(SutProfileError) as profile:
        load_profile(_profile(tmp_path, '[[logs]]\npath = "C:\\Users\\examen\\app.log"\n'))
    assert profile.value.text("fr").endswith(f":4:13: syntaxe TOML invalide ; {HINT}")
    assert profile.value.text("en").endswith(f":4:13: invalid TOML syntax; {HINT_EN}")
    with pytest.raises(PlanError) as plan:
        parse_plan('format = "testbench-plan/1"\n[[casebooks]]\npath = "C:\\Users\\cahier.xml"\n', "plan.toml")
    assert plan.value.lines("fr") == [f"plan.toml:3:13: syntaxe TOML invalide ; {HINT}"]
    assert plan.value.lines("en") == [f"plan.toml:3:13: invalid TOML syntax; {HINT_EN}"]
    mapping = tmp_path / "m.mapping.toml"
    mapping.write_text('format = "testbench-mapping/1"\nfixtures = "C:\\Users\\f.xml"\n', encoding="utf-8")
    with pytest.raises(OfficeError) as office:
        load_mapping(mapping)
    assert [p.text("fr") for p in office.value.problems] == [f"{mapping}:2:17: syntaxe TOML invalide ; {HINT}"]
    assert [p.text("en") for p in office.value.problems] == [f"{mapping}:2:17: invalid TOML syntax; {HINT_EN}"]


def test_the_plan_and_the_mapping_refuse_a_path_read_with_toml_escapes(tmp_path: Path) -> None:
    from testbench.office.mapping import load_mapping
    from testbench.office.problems import OfficeError
    from testbench.scope.plan import PlanError, parse_plan

    text = 'format = "testbench-plan/1"\n[[casebooks]]\nplan-id = "PDT-1"\npath = "D:\\tmp\\fse.xml"\n'
    with pytest.raises(PlanError) as plan:
        parse_plan(text, "plan.toml")
    assert f"plan.toml:4:8: chemin de « PDT-1 » : caractère de contrôle ; {HINT}" in plan.value.lines("fr")
    assert f"plan.toml:4:8: path of “PDT-1”: control character; {HINT_EN}" in plan.value.lines("en")
    mapping = tmp_path / "m.mapping.toml"
    mapping.write_text('format = "testbench-mapping/1"\nfixtures = "D:\\tmp\\f.xml"\n', encoding="utf-8")
    with pytest.raises(OfficeError) as office:
        load_mapping(mapping)
    assert f"caractère de contrôle dans le chemin ; {HINT}" in str(office.value)
    assert any(f"control character in the path; {HINT_EN}" in p.text("en") for p in office.value.problems)


# -- 9. a path pasted with Explorer's quotes in a workstation field -----------------------------------------


def test_a_pasted_path_loses_its_surrounding_quotes() -> None:
    from testbench.tui.tools import _optional, _path, unquoted

    assert unquoted('  "C:\\Examen\\livre.xlsx" ') == "C:\\Examen\\livre.xlsx"
    assert unquoted("'/home/x/ma session.tbsession'") == "/home/x/ma session.tbsession"
    assert unquoted("\"a'") == "\"a'" and unquoted('"') == '"'  # quotes that do not pair are kept
    assert _path('"/tmp/examen/livre.xlsx"') == Path("/tmp/examen/livre.xlsx")
    assert _optional('""') is None and _optional(' "/tmp/k.pem" ') == Path("/tmp/k.pem")


def test_a_tool_reads_a_quoted_path(tmp_path: Path) -> None:
    from testbench.tui.tools import TOOLS

    profile = _profile(tmp_path, "")
    result = TOOLS["sut-check"].run({"profile": f'"{profile}"', "lines": "10"}, None)  # type: ignore[arg-type]
    assert result.code == 0, result


# -- 10. evidence names that differ only by case are two files on Windows too -------------------------------


def test_evidence_names_differing_by_case_do_not_overwrite_each_other(tmp_path: Path) -> None:
    from testbench.report.cases import _slug
    from testbench.report.evidence import Evidence

    with Evidence(tmp_path) as evidence:
        first = evidence.add(f"traces/{_slug('FSE-01a')}-0123abcd-t1.txt", b"premier", "text/plain")
        second = evidence.add(f"traces/{_slug('FSE-01A')}-0123abcd-t1.txt", b"second", "text/plain")
        again = evidence.add(f"traces/{_slug('FSE-01a')}-0123abcd-t1.txt", b"encore", "text/plain")
    names = [str(first["path"]), str(second["path"]), str(again["path"])]
    assert len({name.casefold() for name in names}) == 3
    assert names[0] == "evidence/traces/FSE-01a-0123abcd-t1.txt"  # the first keeps its name
    assert [(tmp_path / name).read_bytes() for name in names] == [b"premier", b"second", b"encore"]


def test_a_long_application_file_name_is_cut_to_fit_windows_paths_and_stays_distinct(tmp_path: Path) -> None:
    """An application may name its FSE after the patient's file and the invoice (200 characters): the evidence
    copy's name is cut to ``MAX_NAME``, extension kept, its hash marking it, so that the report folder's paths
    stay under Windows' 260 characters and two such names stay two files."""
    from testbench.report.evidence import MAX_NAME, Evidence

    long_a = "FSE_" + "dossier-patient-" * 12 + "facture-000123.xml"
    long_b = "FSE_" + "dossier-patient-" * 12 + "facture-000124.xml"
    with Evidence(tmp_path) as evidence:
        a = str(evidence.add(f"files/CAS-001/{long_a}", b"a", "application/xml")["path"])
        b = str(evidence.add(f"files/CAS-001/{long_b}", b"b", "application/xml")["path"])
        short = str(evidence.add("files/CAS-001/FSE-000125.xml", b"c", "application/xml")["path"])
    assert a != b and all(len(part) <= MAX_NAME for name in (a, b) for part in name.split("/")), (a, b)
    assert a.endswith(".xml") and a.startswith("evidence/files/CAS-001/FSE_dossier-patient-")
    assert short == "evidence/files/CAS-001/FSE-000125.xml"  # an ordinary name is kept as it is
    assert (tmp_path / a).read_bytes() == b"a" and (tmp_path / b).read_bytes() == b"b"
    assert len(str(Path("C:/Users/examinateur/Documents/Examen CNDA 2026/rapport-examen") / a)) < 260


def test_a_slug_never_ends_with_a_dot() -> None:
    from testbench.report.cases import _slug

    assert _slug("RETOUR.") == "RETOUR"
    assert _slug("..") == "cas"
    assert _slug("FSE-01.a") == "FSE-01.a"
    assert not _slug("A" * 79 + ".B").endswith(".")


# -- 11. an output named like an input, whatever its case, on Windows ---------------------------------------


def test_an_output_named_like_an_input_in_another_case_is_the_same_file_on_windows() -> None:
    from testbench.tools.outputs import _same_file

    inputs = PureWindowsPath(r"C:\Examen\Sortie.xml"), PureWindowsPath(r"c:\examen\SORTIE.XML")
    assert _same_file(*inputs, ntpath)  # type: ignore[arg-type]
    assert not _same_file(Path("/tmp/x/Sortie.xml"), Path("/tmp/x/sortie.xml"))  # POSIX: two files


def test_json_on_standard_output_is_ascii_so_any_console_carries_it(capsys: pytest.CaptureFixture[str]) -> None:
    """``--json`` written to standard output: a redirected output on Windows is in its code page (cp1252),
    where « ✔ » became « ? »; escaped (« \\u00e9 »), the JSON reads back the same on every system."""
    import sys

    from testbench.cli.main import main

    assert main(["engine", "check", "--json", "--", sys.executable, "-m", "testbench", "engine", "serve"]) == 0
    out = capsys.readouterr().out
    labels = " ".join(check["label"] for check in json.loads(out)["checks"])
    assert out.isascii() and "démarre" in labels


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("impossible à démarrer ✔".encode(), "impossible à démarrer ✔"),  # UTF-8, as on Linux
        ("impossible à démarrer".encode("cp1252"), "impossible à démarrer"),  # a Windows engine's stderr
    ],
)
def test_another_programs_stderr_reads_in_utf8_else_the_windows_code_page(raw: bytes, text: str) -> None:
    """An engine's standard error quoted in a verdict (« stderr : … »): a Windows program writes its code page;
    read as UTF-8 it showed « � » for each accent."""
    import collections

    from testbench.engines.protocol.process import _pump_stderr
    from testbench.fmt import program_text

    assert program_text(raw) == text
    tail: collections.deque[str] = collections.deque(maxlen=5)
    lines: collections.deque[str] = collections.deque()
    _pump_stderr(io.BytesIO(raw + b"\n"), tail, lines)
    assert list(tail) == list(lines) == [text]
