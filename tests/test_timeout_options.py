"""A time limit of zero or less, or beyond a day, is a usage error (exit 3), said in the person's language, before
anything runs.

It used to be taken: every call then timed out at once, as « pas de réponse en -1 s », an engine's fault
(exit 2) that hid what the engine did (a crash read as a timeout); a huge one crashed the system's waits
(« erreur interne (OverflowError) », « banc indisponible : timeout is too large » and a session left behind).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

NOT_POSITIVE = "n'est pas un nombre de secondes positif"
TOO_LARGE = "dépasse la limite de 86400 secondes (un jour)"
BAD = (
    ("-1", NOT_POSITIVE),
    ("0", NOT_POSITIVE),
    ("abc", NOT_POSITIVE),
    ("nan", NOT_POSITIVE),
    ("inf", NOT_POSITIVE),
    ("1e9", TOO_LARGE),
    ("1e300", TOO_LARGE),
)


def started(tmp_path: Path) -> tuple[list[str], Path]:
    """An engine command that leaves a mark when it starts: nothing may start it."""
    mark = tmp_path / "started"
    script = tmp_path / "engine.py"
    script.write_text(f"open({str(mark)!r}, 'w').close()\n", encoding="utf-8")
    return [sys.executable, str(script)], mark


@pytest.mark.parametrize(("value", "said"), BAD)
def test_engine_check_refuses_a_timeout_that_is_not_positive(
    value: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command, mark = started(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(["engine", "check", "--timeout", value, "--", *command])
    assert stopped.value.code == 3 and not mark.exists()
    err = capsys.readouterr().err
    assert f"argument --timeout : « {value} » {said}" in err, err


@pytest.mark.parametrize(("value", "said"), BAD)
def test_run_refuses_an_engine_timeout_that_is_not_positive(
    value: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command, mark = started(tmp_path)
    session = tmp_path / "s.tbsession"
    args = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    with pytest.raises(SystemExit) as stopped:
        main([*args, "--engine", " ".join(command), "--engine-timeout", value, "-k", "DEMO-FSE-001"])
    assert stopped.value.code == 3 and not mark.exists() and not session.exists()
    err = capsys.readouterr().err
    assert f"argument --engine-timeout : « {value} » {said}" in err, err


def test_the_refusal_reads_in_english_and_a_positive_limit_is_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command, mark = started(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(["--lang", "en", "engine", "check", "--timeout", "-0.5", "--", *command])
    assert stopped.value.code == 3
    assert "argument --timeout: “-0.5” is not a positive number of seconds" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["--lang", "en", "run", "x.xml", "--session", str(tmp_path / "s.tbsession"), "--engine-timeout", "1e9"])
    assert stopped.value.code == 3
    assert "argument --engine-timeout: “1e9” exceeds the limit of 86400 seconds (one day)" in capsys.readouterr().err
    # it starts, then says nothing: the engine's fault (NON CONFORME), not the bench's
    assert main(["engine", "check", "--timeout", "0.5", "--", *command]) == 1
    assert mark.exists()


@pytest.mark.parametrize(
    "command", [["ui", "x.xml"], ["demo"], ["engine", "check"]], ids=["ui", "demo", "engine-check"]
)
def test_every_bench_command_bounds_its_time_limit(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ui`` and ``demo`` take ``run``'s bench options: the same bound, said before anything opens."""
    monkeypatch.chdir(tmp_path)
    flag = "--timeout" if command[0] == "engine" else "--engine-timeout"
    with pytest.raises(SystemExit) as stopped:
        main([*command, flag, "1e300"])
    assert stopped.value.code == 3 and not list(tmp_path.iterdir())
    assert f"argument {flag} : « 1e300 » dépasse la limite de 86400 secondes (un jour)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ["cards", "watch", "--timeout"],
        ["cards", "emulate", "profile.xml", "--duration"],
        ["cards", "replay", "record.jsonl", "--duration"],
        ["sut", "init", "--watch-seconds"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
@pytest.mark.parametrize(("value", "said"), [("nan", NOT_POSITIVE), ("-5", NOT_POSITIVE), ("1e9", TOO_LARGE)])
def test_every_other_seconds_option_takes_the_same_rule(
    command: list[str], value: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The card and profile tools' durations: a card removed after « nan » seconds, a watch that ends before it
    starts, were taken as given."""
    with pytest.raises(SystemExit) as stopped:
        main([*command, value])
    assert stopped.value.code == 3
    assert f"argument {command[-1]} : « {value} » {said}" in capsys.readouterr().err


def test_a_time_limit_in_a_recorded_reason_reads_as_each_language_writes_it() -> None:
    """« pas de réponse en 0,5 s » in French (it was « 0.5 s »), "within 0.5 s" in English."""
    from testbench.i18n import english

    assert english("read_vitale : pas de réponse en 0,5 s") == "read_vitale: no answer within 0.5 s"
    assert english("pas de réponse en 0,5 s") == "no answer within 0.5 s"
    assert english("pas de réponse en 10 s") == "no answer within 10 s"
