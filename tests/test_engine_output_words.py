"""An engine's bad output reaches a person as the bench's own sentence, in the person's language.

No decoder's English (« Expecting value: line 1 column 1 (char 0) », « 'utf-8' codec can't decode… »)
in a check's line or a case's reason, and no control character the engine wrote reaches the terminal
raw: an escape sequence would recolour it; each is shown as a visible ``⟨U+001B⟩`` marker (testbench.fmt).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.domain.refusal import EngineRefusal
from testbench.engines.protocol import jsonrpc as J
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

FAULTY = Path(__file__).resolve().parent / "data" / "engines" / "faulty_reference.py"
#: what the decoders say in English, and what a terminal obeys
RAW = ("Expecting", "codec", "char 0", "\x1b", "\x00")


def engine(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "engine.py"
    script.write_text("import sys\n" + body, encoding="utf-8")
    return [sys.executable, str(script)]


def check(command: list[str], lang: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["engine", "check", "--lang", lang, "--timeout", "2", "--", *command]) == 1  # it ran: NON CONFORME
    out = capsys.readouterr().out
    assert not [raw for raw in RAW if raw in out], out
    return out


def test_an_engine_that_writes_no_json_is_told_plainly_its_escape_sequences_visible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = engine(
        tmp_path, 'for line in sys.stdin:\n    print("\\x00\\xff garbage \\x1b[31m not json", flush=True)\n'
    )
    out = check(garbage, "fr", capsys)
    assert "sortie qui n'est pas du JSON-RPC (JSON illisible à la colonne 1) : « ⟨U+0000⟩ÿ garbage ⟨U+001B⟩[31m" in out
    out = check(garbage, "en", capsys)
    assert "output that is not JSON-RPC (unreadable JSON at column 1): “⟨U+0000⟩ÿ garbage ⟨U+001B⟩[31m" in out


def test_an_engine_that_writes_no_utf8_is_told_which_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    latin = engine(
        tmp_path,
        'for line in sys.stdin:\n    sys.stdout.buffer.write(b"{\\"x\\": \\"\\xe9\\"}\\n")\n    sys.stdout.flush()\n',
    )
    assert "(octet 8 qui n'est pas de l'UTF-8)" in check(latin, "fr", capsys)
    assert "(byte 8 is not UTF-8)" in check(latin, "en", capsys)


def test_what_a_crashed_engine_wrote_on_stderr_is_shown_with_its_controls_visible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crash = engine(tmp_path, 'sys.stderr.write("\\x1b[2J\\x1b[31mboom\\rokay\\n")\nsys.exit(3)\n')
    assert "stderr : ⟨U+001B⟩[2J⟨U+001B⟩[31mboom⟨U+000D⟩okay" in check(crash, "fr", capsys)


def test_an_engines_error_words_are_kept_with_their_controls_visible() -> None:
    refusal = J.exception_from_error(
        {"code": J.REFUSAL, "message": "m", "data": {"code": "CODE\u009b", "message": "prix \x1b[31mtrop haut"}}
    )
    assert isinstance(refusal, EngineRefusal)
    assert (refusal.code, refusal.message) == ("CODE⟨U+009B⟩", "prix ⟨U+001B⟩[31mtrop haut")
    crash = J.exception_from_error({"code": J.INTERNAL_ERROR, "message": "\x1b]0;titre\x07"})
    assert str(crash) == "erreur interne du moteur : ⟨U+001B⟩]0;titre⟨U+0007⟩"


def test_an_engine_defect_is_said_in_its_words_without_a_python_class_name() -> None:
    """A defect of an engine served by testbench (the reference engine through the protocol) answers with
    its message alone; the case's reason reads « erreur interne du moteur : … » in French, in English on request."""
    from testbench.i18n import english

    reply = J.error_from_exception(7, ValueError("year 10000 is out of range"))
    assert reply["error"]["message"] == "year 10000 is out of range"
    assert J.error_from_exception(8, RuntimeError())["error"]["message"] == "erreur sans message"
    crash = J.exception_from_error(reply["error"])
    assert str(crash) == "erreur interne du moteur : year 10000 is out of range"
    assert english(str(crash)) == "engine internal error: year 10000 is out of range"


def test_a_babbling_engine_fails_the_case_with_a_french_reason_read_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The case's reason is stored in French, without the decoder's words or the engine's escapes, and
    the run's lines say it in English on request."""
    command = f"{sys.executable} {FAULTY} --babble create_invoice"
    session = tmp_path / "s.tbsession"
    bench = ["--cards", "inprocess", "--engine", command, "-k", "DEMO-FSE-001"]
    assert main(["--lang", "en", "run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), *bench]) == 1
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert not [raw for raw in RAW if raw in shown], shown
    assert "create_invoice: output that is not JSON-RPC (unreadable JSON at column 1)" in shown, shown
    with read_session(session) as s:
        (case,) = s.cases
        reason = case.attempts[-1].reason
    assert "sortie qui n'est pas du JSON-RPC (JSON illisible à la colonne 1) : « ⟨U+001B⟩[31mDEBUG" in reason, reason
