"""Audit 13: under each command's own errors, a net — never a traceback, whatever goes wrong.

A session damaged on disk (a bad sector, a copy cut short) made ``diff``, ``report``, ``merge``, ``coverage``
and ``export`` print « sqlite3.DatabaseError: database disk image is malformed » and a traceback: it is said
as a damaged session file, exit 3 as any unreadable session (README § Exit codes). Any other failure is
testbench's own: one sentence naming its kind and the file holding the details for the bug report, exit 2.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_redact_wrapped_base64 import VERIFY_FRAME, mime_lines

from testbench.cli import diff_cmd
from testbench.cli.main import main
from testbench.i18n import colon
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("damaged")
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(folder / "a.tbsession")]
    main([*argv, "--cards", "inprocess", "--engine", "inprocess"])
    damaged = bytearray((folder / "a.tbsession").read_bytes())
    assert len(damaged) > 8 * 4096
    damaged[4 * 4096 : len(damaged) - 4096] = b"\xa5" * (len(damaged) - 5 * 4096)  # every page but the first few
    (folder / "damaged.tbsession").write_bytes(bytes(damaged))
    return folder


@pytest.mark.parametrize(
    "argv",
    [
        ["diff", "damaged.tbsession", "a.tbsession"],
        ["report", "damaged.tbsession", "-o", "rep"],
        ["merge", "damaged.tbsession", "-o", "m.tbsession"],
        ["coverage", "damaged.tbsession"],
    ],
)
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "fichier de session endommagé ou illisible (base SQLite endommagée)"),
        ("en", "session file damaged or unreadable (damaged SQLite database)"),
    ],
)
def test_a_damaged_session_is_said_as_such_by_every_command(
    sessions: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    lang: str,
    said: str,
) -> None:
    shutil.copytree(sessions, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    assert main(["--lang", lang, *argv]) == EXIT_USAGE  # the input, not the bench: 2 before
    err = capsys.readouterr().err
    # the damaged one of the arguments
    assert f"testbench {argv[0]}{colon(lang)}damaged.tbsession{colon(lang)}{said}\n" in err, err
    assert "Traceback" not in err and "sqlite3" not in err
    assert not (tmp_path / "m.tbsession").exists()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "testbench diff : erreur interne de testbench ; le détail, pour la signaler, est dans ",
        ),
        ("en", "testbench diff: testbench internal error; the details, to report it, are in "),
    ],
)
def test_a_fault_of_testbench_is_one_sentence_and_its_details_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    def broken(_args: object) -> int:
        try:
            return 1 // 0
        except ZeroDivisionError as exc:  # a message carrying a PIN (a card library's error quoting its APDU)
            wrapped = "\n".join(mime_lines(VERIFY_FRAME))  # and a middleware's frame in base64, cut at 76 columns
            raise ZeroDivisionError(f"VERIFY 00 20 00 81 08 31 32 33 34 FF FF FF FF refusé\n{wrapped}") from exc

    monkeypatch.setattr(diff_cmd, "cmd_diff", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    assert main(["--lang", lang, "diff", "a", "b"]) == EXIT_ENVIRONMENT
    err = capsys.readouterr().err
    assert err.startswith(said) and "Traceback" not in err, err
    # the file's name and its command line in the person's language too
    name, doing = {"fr": ("testbench-erreur", "commande :"), "en": ("testbench-error", "command:")}[lang]
    (details,) = tmp_path.glob(f"{name}-*.txt")
    assert err.strip().endswith(str(details))
    text = details.read_text(encoding="utf-8")
    assert f"{doing} testbench --lang" in text and "ZeroDivisionError" in text and "Traceback" in text
    assert "‹PIN›" in text and "31 32 33 34" not in text  # a PIN is never written, even for a bug report
    assert not any(line in text for line in mime_lines(VERIFY_FRAME))
