"""The command line's last wording slips: a value given to a flag is refused, not « ignored »; the téléservices'
sentence takes the French colon; a key under a file names the file; a bare ``testbench`` on a dumb terminal says
one line; an ASCII output spells quotes and accents in ASCII rather than « ? »."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.fmt import PLAIN
from testbench.paths import CASEBOOKS_DIR
from testbench.services.process import ServicesDown, ServicesProcess

DEMO = CASEBOOKS_DIR / "demo.xml"


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        ("fr", "argument --resume : cette option ne prend pas de valeur : « yes »", "ignoré"),
        ("en", "argument --resume: this option takes no value: “yes”", "ignored"),
    ],
)
def test_a_value_given_to_a_flag_is_said_refused(
    lang: str, said: str, not_said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``run --resume=yes`` is refused (exit 3): « argument explicite ignoré » said the opposite."""
    with pytest.raises(SystemExit) as ended:
        main(["--lang", lang, "run", str(DEMO), "--session", str(tmp_path / "s.tbsession"), "--resume=yes"])
    err = capsys.readouterr().err
    assert ended.value.code == 3 and said in err and not_said not in err, err


def _taken_port() -> socket.socket:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "testbench services : serveur de téléservices impossible à démarrer : port {port} déjà utilisé\n"),
        ("en", "testbench services: teleservice server cannot start: port {port} already in use\n"),
    ],
)
def test_the_services_sentence_takes_the_colon_of_its_language(lang: str, said: str) -> None:
    with _taken_port() as taken:
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "testbench", "--lang", lang, "services", "serve", "--port", str(port)]
        done = subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", timeout=60, stdin=subprocess.DEVNULL
        )
    assert done.returncode == 2
    assert done.stderr == said.format(port=port)


def test_the_bench_reads_the_french_sentence_of_its_simulator_back() -> None:
    """The bench starts its simulator in French: its reason, after « testbench services : », is the bench's."""
    with _taken_port() as taken:
        port = taken.getsockname()[1]
        argv = [sys.executable, "-P", "-m", "testbench", "services", "serve", "--lang", "fr", "--port", str(port)]
        with pytest.raises(ServicesDown) as down:
            ServicesProcess(argv=argv).ensure()
    assert str(down.value).endswith(f"; serveur de téléservices impossible à démarrer : port {port} déjà utilisé")


@pytest.mark.parametrize("colon", [": ", " : "])
def test_the_bench_reads_either_colon(colon: str) -> None:
    """The command line's own net writes « testbench services : » in French, an English server « …: »."""
    said = f"import sys; print('testbench services{colon}erreur interne de testbench', file=sys.stderr); sys.exit(2)"
    with pytest.raises(ServicesDown) as down:
        ServicesProcess(argv=[sys.executable, "-c", said]).ensure()
    assert str(down.value).endswith("(code 2) ; erreur interne de testbench"), str(down.value)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "{file} est un fichier, pas un dossier ; indiquez un chemin dans un dossier"),
        ("en", "{file} is a file, not a folder; give a path inside a folder"),
    ],
)
@pytest.mark.parametrize("under", [["k.pem"], ["sub", "k.pem"]])
def test_a_key_under_a_file_names_the_file(
    lang: str, said: str, under: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``keys init --key afile/k.pem``, ``afile`` a file: « existe déjà » (the system's EEXIST) said the opposite."""
    afile = tmp_path / "afile"
    afile.write_text("notes", encoding="utf-8")
    key = afile.joinpath(*under)
    assert main(["--lang", lang, "keys", "init", "--key", str(key)]) == 3
    err = capsys.readouterr().err
    assert f"{key}{': ' if lang == 'en' else ' : '}{said.format(file=afile)}" in err, err
    assert "existe" not in err and "exists" not in err
    assert afile.read_text(encoding="utf-8") == "notes" and sorted(tmp_path.iterdir()) == [afile]


@pytest.mark.skipif(sys.platform == "win32", reason="a symbolic link needs a privilege on Windows")
def test_a_key_under_a_link_to_a_missing_folder_says_the_drive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "usb").symlink_to(tmp_path / "absent")
    assert main(["keys", "init", "--key", str(tmp_path / "usb" / "k.pem")]) == 3
    said = f"{tmp_path / 'usb'} est un lien vers un dossier absent ({tmp_path / 'absent'}) — un disque non monté ?"
    assert said in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal (pty) is POSIX")
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "testbench : terminal sans écran plein (TERM=dumb) : le poste d'examen ne peut pas s'y dessiner"),
        ("en", "testbench: terminal without full screen (TERM=dumb): the exam workstation cannot draw on it"),
    ],
)
def test_a_bare_testbench_on_a_dumb_terminal_says_one_line(lang: str, said: str, tmp_path: Path) -> None:
    """It said « démo : session … » (the demo it would open), then the ``testbench ui :`` refusal."""
    import pty

    env = {
        **os.environ,
        "TERM": "dumb",
        "TESTBENCH_LANG": lang,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    master, slave = pty.openpty()
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "testbench"], stdin=slave, stdout=slave, stderr=slave, env=env, cwd=tmp_path
        )
        os.close(slave)
        shown = _read_all(master)
        assert child.wait(timeout=60) == 3
    finally:
        os.close(master)
    lines = shown.decode("utf-8").replace("\r\n", "\n").splitlines()
    assert len(lines) == 1 and lines[0].startswith(said), lines
    assert sorted(tmp_path.iterdir()) == []  # no demo session named, nothing made


def _read_all(fd: int) -> bytes:
    """What the child wrote on its terminal, until it closed it (EIO on Linux once the last writer is gone)."""
    shown = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return shown
        if not chunk:
            return shown
        shown += chunk


def test_an_ascii_output_spells_quotes_and_accents_in_ascii(tmp_path: Path) -> None:
    """``PYTHONIOENCODING=ascii``: « argument … : ? yes ? » and « NUM?RO » in the usage line."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "TESTBENCH_LANG": "fr"}
    command = [sys.executable, "-m", "testbench", "run", str(DEMO), "--session", "s.tbsession", "--resume=yes"]
    done = subprocess.run(command, capture_output=True, env=env, cwd=tmp_path, timeout=60)
    err = done.stderr.decode("ascii")  # ASCII throughout: never a traceback
    assert done.returncode == 3
    assert 'cette option ne prend pas de valeur : " yes "' in err and "--agrement NUMERO" in err, err
    assert "?" not in err, err


@pytest.mark.parametrize(
    ("text", "encoding", "spelt"),
    [
        ("attribut « x » : « Hélène Œuvre — 12\u00a0€ »", "ascii", 'attribut " x " : " Helene OEuvre - 12 EUR "'),
        ("“quoted” ‘it’s’ … ﬁ", "ascii", "\"quoted\" 'it's' ... fi"),
        ("½ 日", "ascii", "? ?"),  # no accented ASCII letter: « ? » as before
        ("Hélène → « x »", "cp1252", "Hélène -> « x »"),  # cp1252 keeps what it spells
    ],
)
def test_the_plain_spelling(text: str, encoding: str, spelt: str) -> None:
    assert text.encode(encoding, errors=PLAIN).decode(encoding) == spelt
