"""Audit 13: values a person types wrong get a sentence in their language, never Python's words or a traceback.

A trace source (``--app-log``) with an unknown format, encoding or option; an encoding Python does not know
(it raised ``LookupError``) or that is no text encoding; a port out of range (``OverflowError`` from the
socket) or already taken (« [Errno 98] Address already in use »); a trace pattern whose repetition count is
beyond C's integers (``OverflowError`` from ``re``) or whose syntax is wrong (``re``'s English).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import colon
from testbench.runner.exits import EXIT_USAGE

REPO = Path(__file__).resolve().parents[1]
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
#: French words a sentence in English must not hold, and Python's own words or values no one must see
FRENCH = ("inconnu", "encodage", "décalage", "sans chemin", "source de traces", "déjà", "motif", "caractère")
PYTHON = ("Traceback", "Errno", "LookupError", "OverflowError", "position", "unterminated", "repetition number")
#: a Python repr's quote: one not after a letter (a French apostrophe, « d'horloge », follows one)
REPR_QUOTE = re.compile(r"(?<![^\W\d_])'")


def _pythonic(said: str) -> bool:
    return any(word in said for word in PYTHON) or REPR_QUOTE.search(said) is not None


def _said(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture
def casebook(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "cards")
    shutil.copyfile(REPO / "casebooks" / "demo.xml", tmp_path / "demo.xml")
    return tmp_path / "demo.xml"


@pytest.mark.parametrize(
    ("spec", "english", "french"),
    [
        ("x.log;format=nope", "unknown trace format “nope”", "format de trace inconnu « nope »"),
        ("x.log;encoding=klingon", "encoding not supported when following a log: “klingon”", "« klingon »"),
        ("x.log;encoding=rot13", "encoding not supported", "encodage non pris en charge"),
        ("x.log;encoding=utf-32", "encoding not supported", "encodage non pris en charge"),
        ("x.log;bogus=1", "unknown trace option “bogus=1”", "option de trace inconnue « bogus=1 »"),
        ("x.log;offset=abc", "unreadable clock offset “abc”", "décalage d'horloge illisible « abc »"),
        (";x", "trace source without a path", "source de trace sans chemin"),
        (
            "x.log;channel=nope",
            "trace channel “nope” cannot be used for a log in “x.log;channel=nope” (channels: app, engine)",
            "canal de trace « nope » impossible pour un journal dans « x.log;channel=nope » (canaux : app, engine)",
        ),
        ("x.log;channel=bench", "trace channel “bench” cannot be used", "canal de trace « bench » impossible"),
        ("x.log;offset=nan", "unreadable clock offset “nan”", "décalage d'horloge illisible « nan »"),
        ("x.log;offset=1e400", "unreadable clock offset “1e400”", "décalage d'horloge illisible « 1e400 »"),
        (
            "x.log;offset=-1e300",
            "clock offset “-1e300” out of bounds in “x.log;offset=-1e300” (at most 86400 seconds)",
            "décalage d'horloge « -1e300 » hors limites dans « x.log;offset=-1e300 » (au plus 86400 secondes)",
        ),
    ],
)
def test_a_bad_trace_source_is_said_in_each_language(
    tmp_path: Path, casebook: Path, capsys: pytest.CaptureFixture[str], spec: str, english: str, french: str
) -> None:
    session = tmp_path / "s.tbsession"
    code, said = _said(
        capsys, ["--lang", "en", "run", *BENCH, "--session", str(session), "--app-log", spec, str(casebook)]
    )
    assert code == 3
    assert said.startswith("trace source: ") and english in said, said
    assert not any(word in said for word in FRENCH) and not _pythonic(said), said
    code, said = _said(capsys, ["run", *BENCH, "--session", str(session), "--app-log", spec, str(casebook)])
    assert code == 3 and said.startswith("source de traces : ") and french in said, said
    assert not _pythonic(said), said
    assert not session.exists()  # refused before the campaign opens it, as --sut-profile, --plan, --attestations


@pytest.mark.parametrize(
    "command",
    [["run", *BENCH, "--session", "s.tbsession", "demo.xml"], ["ui", "--session", "s.tbsession", "demo.xml"], ["demo"]],
    ids=["run", "ui", "demo"],
)
def test_a_watch_folder_that_is_not_there_is_refused_before_anything_runs(
    casebook: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """``run --engine operator --watch /nonexistent/dir`` said nothing: every step found the folder empty."""
    monkeypatch.chdir(casebook.parent)
    monkeypatch.setenv("XDG_DATA_HOME", str(casebook.parent / "data"))  # the demo's folder, were it reached
    (casebook.parent / "a-file").write_text("", encoding="utf-8")
    before = sorted(casebook.parent.iterdir())
    for lang, folder, said in (
        ("fr", "absent/dir", "argument --watch : dossier introuvable « absent/dir » (support non monté ?) : le "
         "logiciel testé doit y écrire ses FSE et lots B2 ; créez-le ou corrigez le chemin"),
        ("en", "absent/dir", "argument --watch: folder not found “absent/dir” (drive not mounted?): the application "
         "under test must write its FSE and B2 lots there; create it or correct the path"),
        ("en", "a-file", "argument --watch: “a-file” is not a folder"),
    ):  # fmt: skip
        with pytest.raises(SystemExit) as stop:
            main(["--lang", lang, *command, "--engine", "operator", "--watch", folder])
        err = capsys.readouterr().err
        assert stop.value.code == EXIT_USAGE and said in err and not _pythonic(err), err
    assert sorted(casebook.parent.iterdir()) == before  # no session, no demo folder


@pytest.mark.parametrize("port", ["99999", "-1", "abc", "1e3"])
@pytest.mark.parametrize(
    "command", [["run", *BENCH, "--session", "s.tbsession", "demo.xml", "--syslog"], ["services", "serve", "--port"]]
)
def test_a_port_out_of_range_is_a_usage_error(
    casebook: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: list[str], port: str
) -> None:
    monkeypatch.chdir(casebook.parent)
    with pytest.raises(SystemExit) as stop:
        main(["--lang", "en", *command, port])
    said = capsys.readouterr().err
    assert stop.value.code == EXIT_USAGE
    assert f"“{port}” is not a port (a number from 0 to 65535)" in said, said
    assert not (casebook.parent / "s.tbsession").exists()


def test_a_syslog_port_already_taken_is_said_plainly(
    tmp_path: Path, casebook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = str(taken.getsockname()[1])
        argv = ["run", *BENCH, "--session", str(tmp_path / "s.tbsession"), "--syslog", port, str(casebook)]
        code, said = _said(capsys, argv)
        assert code == 3 and said.strip() == "source de traces : port déjà utilisé par un autre programme", said
        code, said = _said(capsys, ["--lang", "en", *argv])
        assert said.strip() == "trace source: port already in use by another program", said


@pytest.mark.parametrize(
    ("pattern", "english", "french"),
    [
        ("a{99999999999}", "repetition count too large", "nombre de répétitions trop grand"),
        (
            "(unclosed",
            "parenthesis opened and never closed, character 1",
            "parenthèse ouverte jamais fermée, caractère 1",
        ),
    ],
)
def test_a_trace_pattern_that_does_not_compile_is_placed_and_said_in_each_language(
    casebook: Path, capsys: pytest.CaptureFixture[str], pattern: str, english: str, french: str
) -> None:
    text = casebook.read_text(encoding="utf-8")
    assert text.count('pattern="1241763"') == 1
    line = text[: text.index('pattern="1241763"')].count("\n") + 1
    casebook.write_text(text.replace('pattern="1241763"', f'pattern="{pattern}"'), encoding="utf-8")
    code, said = _said(capsys, ["--lang", "en", "validate", str(casebook)])
    assert code == 3
    assert f"demo.xml:{line}:62: invalid trace pattern (regular expression): {english}\n" in said, said
    assert not any(word in said for word in FRENCH) and not _pythonic(said), said
    code, said = _said(capsys, ["validate", str(casebook)])
    assert f"demo.xml:{line}:62: motif de trace invalide (expression régulière) : {french}\n" in said, said


@pytest.mark.parametrize(
    ("argv", "french", "english"),
    [
        (["cards", "bogus"], "« bogus » n'est pas une commande de testbench cards (commandes : list, watch, probe,",
         "“bogus” is not a command of testbench cards (commands: list, watch, probe,"),
        (["bogus"], "« bogus » n'est pas une commande de testbench (commandes : validate, run,",
         "“bogus” is not a command of testbench (commands: validate, run,"),
        (["run", "--cards", "nope", "x.xml"],
         "argument --cards : « nope » n'est pas une valeur permise (valeurs : auto,",
         "argument --cards: “nope” is not an allowed value (values: auto,"),
        (["diff", "a", "b", "--context", "deux"], "argument --context : « deux » n'est pas un nombre entier",
         "argument --context: “deux” is not a whole number"),
        (["diff", "a", "b", "--context", "-1"],
         "argument --context : « -1 » n'est pas un nombre de lignes de contexte (de 0 à 1000)",
         "argument --context: “-1” is not a number of context lines (from 0 to 1000)"),
        (["diff", "a", "b", "--context", "99999999999999999999"],
         "argument --context : « 99999999999999999999 » n'est pas un nombre de lignes de contexte (de 0 à 1000)",
         "argument --context: “99999999999999999999” is not a number of context lines (from 0 to 1000)"),
    ],
)  # fmt: skip
def test_a_choice_outside_the_list_names_the_command_not_an_internal_name(
    capsys: pytest.CaptureFixture[str], argv: list[str], french: str, english: str
) -> None:
    """argparse said « argument cards_command : choix invalide : 'bogus' (…) »: an internal name, Python's quotes."""
    for lang, said in (("fr", french), ("en", english)):
        with pytest.raises(SystemExit) as stop:
            main(["--lang", lang, *argv])
        err = capsys.readouterr().err
        assert stop.value.code == EXIT_USAGE and said in err, err
        assert "_command" not in err and "argument command" not in err and not _pythonic(err), err


def test_a_price_beyond_any_care_amount_is_refused_by_the_schema(
    casebook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 29-digit price was valid, then a bench fault (« InvalidOperation: [<class 'decimal.InvalidOperation'>] »)
    and a report that could not be built."""
    from testbench.fmt import money

    huge = "99999999999999999999999999999.00"
    text = casebook.read_text(encoding="utf-8")
    assert 'unit-price="14.00"' in text
    casebook.write_text(text.replace('unit-price="14.00"', f'unit-price="{huge}"', 1), encoding="utf-8")
    code, said = _said(capsys, ["--lang", "en", "validate", str(casebook)])
    assert code == 3 and f'attribute “unit-price”: the value “{huge}” is above the allowed maximum' in said, said
    assert money(huge) == huge and money("1e30") == "1e30" and money("NaN") == "NaN"  # as recorded, never a crash


def _walkable_by_anyone(path: Path) -> bool:
    """Whether every folder down to ``path`` lets any user through (a clone in a private temporary folder does not)."""
    return all(folder.stat().st_mode & 0o001 for folder in [path, *path.parents])


@pytest.mark.skipif(
    not hasattr(os, "geteuid")
    or os.geteuid() != 0
    or shutil.which("setpriv") is None
    or not _walkable_by_anyone(Path(__file__).resolve().parents[1]),
    reason="needs root, setpriv and a checkout any user can read, to run as a user the folder refuses",
)
def test_a_session_in_a_folder_that_refuses_writes_is_said(tmp_path: Path, casebook: Path) -> None:
    """The lock file beside the session could not be made: « PermissionError » and a traceback."""
    (tmp_path / "ro").mkdir(mode=0o555)
    os.chmod(tmp_path, 0o777)
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "testbench"]
    command += ["run", casebook.name, *BENCH, "-k", "DEMO-FSE-001", "--session", "ro/s.tbsession"]  # relative: the
    # user cannot walk the test's parent folders
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "ro/s.tbsession : écriture impossible ici (accès refusé (droits insuffisants))" in done.stderr
    assert "Traceback" not in done.stderr and "PermissionError" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["run", "demo.xml", *BENCH, "--session", "s.tbsession", "--shard", "1/99999999999999999999"],
         "--shard expects K/N with 1 ≤ K ≤ N ≤ 10000 (for example 2/4), not “1/99999999999999999999”"),
    ],
)  # fmt: skip
def test_numbers_no_one_means_are_refused(
    casebook: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str], said: str
) -> None:
    """« --shard 1/99999999999999999999 » was an OverflowError traceback (« --max-size inf » too: now argparse's
    usage error, tests/test_validate_max_size_bounds.py)."""
    monkeypatch.chdir(casebook.parent)
    code, out = _said(capsys, ["--lang", "en", *argv])
    assert code == EXIT_USAGE and said in out and "Traceback" not in out, out


def test_an_engine_command_with_a_quote_left_open_is_said(
    tmp_path: Path, casebook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """shlex's « No closing quotation » reached the person as it was; it is a usage error said in words, before
    any session is made (tests/test_engine_command_option.py)."""
    argv = ["run", str(casebook), "--cards", "inprocess", "--engine", "python3 'x", "-k", "DEMO-FSE-001"]
    for lang, words in (
        ("en", "unreadable engine command (a quote or a “\\” left open): python3 'x"),
        ("fr", "commande du moteur illisible (guillemet ou « \\ » sans fin) : python3 'x"),
    ):
        with pytest.raises(SystemExit) as stopped:
            main(["--lang", lang, *argv, "--session", str(tmp_path / f"{lang}.tbsession")])
        said = capsys.readouterr().err
        assert stopped.value.code == 3 and words in said, said
        assert "No closing quotation" not in said and not (tmp_path / f"{lang}.tbsession").exists()


@pytest.mark.parametrize(
    ("content", "french", "english"),
    [
        (b"x", "JSON invalide ligne 1, colonne 1", "invalid JSON at line 1, column 1"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON trop imbriqué", "JSON nested too deeply"),
        (b"[1, 2]", "format inconnu", "unknown format"),
    ],
)
def test_a_manifest_that_is_no_manifest_is_said_in_each_language(
    tmp_path: Path, casebook: Path, capsys: pytest.CaptureFixture[str], content: bytes, french: str, english: str
) -> None:
    """« manifest.json illisible (Expecting value: line 1 column 1 (char 0)) »: Python's English, or a traceback."""
    report = tmp_path / "report"
    argv = ["run", str(casebook), *BENCH, "-k", "DEMO-FSE-001", "--session", str(tmp_path / "s.tbsession")]
    assert main([*argv, "--report", str(report)]) == 0
    (report / "manifest.json").write_bytes(content)
    capsys.readouterr()
    _code, said = _said(capsys, ["verify", str(report)])
    assert f"manifest.json illisible ({french})" in said, said
    _code, said = _said(capsys, ["--lang", "en", "verify", str(report)])
    assert f"manifest.json unreadable ({english})" in said and not _pythonic(said), said


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "serveur de téléservices impossible à démarrer : port {port} déjà utilisé"),
        ("en", "teleservice server cannot start: port {port} already in use"),
    ],
)
def test_services_serve_on_a_taken_port_says_it_in_the_language_asked(lang: str, said: str) -> None:
    """It printed French with JSON's escapes (« t\\u00e9l\\u00e9services ») whatever --lang said."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "testbench", "--lang", lang, "services", "serve", "--port", str(port)]
        done = subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", timeout=60, stdin=subprocess.DEVNULL
        )
    assert done.returncode == 2
    assert done.stderr == f"testbench services{colon(lang)}{said.format(port=port)}\n"  # a sentence, French colon too


@pytest.mark.skipif(sys.platform == "win32", reason="Windows hands every name to Python as Unicode")
def test_a_file_name_in_another_encoding_is_refused_before_anything_runs(
    casebook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A latin-1 « démo.xml » reaches Python as « d\\udce9mo.xml » (PEP 383): recording it in the session was a
    UnicodeEncodeError traceback, the session half made."""
    name = os.fsdecode(b"d\xe9mo.xml")
    session = casebook.parent / "s.tbsession"
    for lang, said in (
        (
            "fr",
            "/d\ufffdmo.xml » n'est pas du texte UTF-8 (écrit dans un autre encodage) : s'il s'agit d'un nom",
        ),
        ("en", "/d\ufffdmo.xml” is not UTF-8 text (written in another encoding): if it is a file name"),
    ):
        code, out = _said(
            capsys, ["--lang", lang, "run", str(casebook.parent / name), *BENCH, "--session", str(session)]
        )
        assert code == EXIT_USAGE and said in out, out
    assert not session.exists()


def test_a_lock_file_the_folder_refuses_is_said_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same path as above wherever the tests run: the lock's PermissionError (filelock raises it at once)."""
    from filelock import FileLock

    from testbench.store import session as store_session
    from testbench.store.connection import SessionError

    def refused(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(FileLock, "acquire", refused)
    monkeypatch.setattr(store_session, "_lock_problem", lambda _lock: "accès refusé (droits insuffisants)")
    said = re.escape("écriture impossible ici (accès refusé (droits insuffisants)) ; choisissez")
    with pytest.raises(SessionError, match=said):
        store_session.SessionStore.open(tmp_path / "s.tbsession")
