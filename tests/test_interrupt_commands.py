"""A CI's cancel or timeout (SIGTERM) and a terminal's ^C stop every command a CI runs the same way (CI audit
F1, F3, F8): « interrompu », exit 2 — never 143 —, the engine stopped, no temporary file left; a run interrupted
while its JUnit and report are written keeps each output written whole and says the ``testbench report``
command that writes the others.

Each signal is real and sent at a known moment: the command runs in a process of its own where one function is
made to stop, say so on stdout and wait (:data:`PAUSE`), or where the engine says it has started.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from shard_content import DEMO, run_demo
from test_merge_whole import shards

from testbench.report.build import BuildOptions, build_report

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM a process can handle is POSIX")
ATTESTATIONS = DEMO.with_name("demo-attestations.json")
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(ATTESTATIONS)]

#: ``testbench ARGS`` in a process of its own where each function named in PAUSE_AT (``module.function``, or
#: ``module.function+``: once it has returned) says « at NAME » on stdout and waits for a line on stdin
PAUSE = textwrap.dedent(
    """
    import importlib, os, sys
    from testbench.cli.main import main

    for spec in os.environ["PAUSE_AT"].split(","):
        where, _, name = spec.rstrip("+").rpartition(".")
        module = importlib.import_module(where)

        def paused(*args, _real=getattr(module, name), _spec=spec, **kwargs):
            if not _spec.endswith("+"):
                print("at " + _spec, flush=True)
                sys.stdin.readline()  # the test signals the process here
            done = _real(*args, **kwargs)
            if _spec.endswith("+"):
                print("at " + _spec, flush=True)
                sys.stdin.readline()
            return done

        setattr(module, name, paused)
    sys.exit(main(sys.argv[1:]))
    """
)


def paused(args: list[str], *where: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PAUSE_AT": ",".join(where)}
    env.pop("TESTBENCH_LANG", None)
    return subprocess.Popen(
        [sys.executable, "-c", PAUSE, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def reach(proc: subprocess.Popen[str], where: str) -> None:
    """Wait until ``proc`` stops at ``where``."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if line == f"at {where}\n":
            return
    raise AssertionError(f"ended before {where}: {proc.wait()} {proc.stderr.read() if proc.stderr else ''}")


def ended(proc: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def junit_cases(path: Path) -> int:
    return len(list(ET.parse(path).getroot().iter("testcase")))


# -- F1: run, interrupted while its outputs are written ------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_a_run_interrupted_while_its_report_is_written_keeps_its_junit_and_says_the_command(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """Before: the interrupt reached the command line's net: « interrompu » alone, no command (and 143 when the
    SIGTERM came as the handler was being removed)."""
    session, junit, book = tmp_path / "s.tbsession", tmp_path / "j.xml", tmp_path / "book"
    args = ["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit), "--report", str(book)]
    proc = paused(args, "testbench.report.build._build")  # the JUnit is written, the book is being built
    reach(proc, "testbench.report.build._build")
    proc.send_signal(sig)
    code, err = ended(proc)
    assert code == 2 and "Traceback" not in err, err
    command = f"testbench report {session} -o {book}"  # the book alone: the JUnit is there
    assert err.splitlines()[-2:] == [
        "interrompu",
        f"{book} : écriture non terminée ; la session garde les verdicts, cette commande les écrit : {command}",
    ], err
    assert junit_cases(junit) == 22  # whole
    assert not book.exists() and hidden(tmp_path) == []  # nothing half-built, no temporary folder nor lock
    rebuilt = subprocess.run([sys.executable, "-m", *shlex.split(command)], capture_output=True, text=True)
    assert rebuilt.returncode == 0 and (book / "index.html").is_file(), rebuilt.stderr


def test_a_run_interrupted_while_its_junit_is_written_says_the_command_for_both_in_english(tmp_path: Path) -> None:
    session, junit, book = tmp_path / "s.tbsession", tmp_path / "j.xml", tmp_path / "book"
    args = ["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit), "--report", str(book)]
    proc = paused([*args, "--lang", "en"], "testbench.report.junit.write_junit")
    reach(proc, "testbench.report.junit.write_junit")
    proc.send_signal(signal.SIGTERM)
    code, err = ended(proc)
    assert code == 2, err
    command = f"testbench report {session} -o {book} --junit {junit} --lang en"
    assert err.splitlines()[-2:] == [
        "interrupted",
        f"{junit}, {book}: not fully written; the session keeps the verdicts, this command writes them: {command}",
    ], err
    assert not junit.exists() and not book.exists() and hidden(tmp_path) == []


def test_a_second_ctrl_c_while_an_interrupted_run_writes_its_outputs_says_the_command_for_the_rest(
    tmp_path: Path,
) -> None:
    """^C at the end of the cases: the run writes its JUnit and report; a second ^C while the report is built
    stops it, the JUnit stays whole, and the command that writes the report is said."""
    session, junit, book = tmp_path / "s.tbsession", tmp_path / "j.xml", tmp_path / "book"
    args = ["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit), "--report", str(book)]
    proc = paused(args, "testbench.runner.campaign.run_campaign+", "testbench.report.build._build")
    reach(proc, "testbench.runner.campaign.run_campaign+")
    proc.send_signal(signal.SIGINT)  # the run is interrupted: it writes its outputs…
    reach(proc, "testbench.report.build._build")
    proc.send_signal(signal.SIGINT)  # …and is interrupted again
    code, err = ended(proc)
    assert code == 2 and "Traceback" not in err, err
    assert err.splitlines()[-1] == (
        f"{book} : écriture non terminée ; la session garde les verdicts, cette commande les écrit :"
        f" testbench report {session} -o {book}"
    ), err
    assert junit_cases(junit) == 22 and not book.exists() and hidden(tmp_path) == []


#: the console script's ``main()`` (the process's own command line), then a wait: what comes after it
ENDING = textwrap.dedent(
    """
    import sys
    from testbench.cli.main import main

    code = main()
    print("returned", flush=True)
    sys.stdin.readline()  # the test signals the process here, as the interpreter would be shutting down
    sys.exit(code)
    """
)


def test_a_signal_after_the_command_has_ended_does_not_change_its_exit_code(tmp_path: Path) -> None:
    """Before: the handler was removed when the command returned; a SIGTERM while the process ended killed it (143)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", ENDING, "validate", str(DEMO)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert "returned\n" in iter(proc.stdout.readline, "")
    proc.send_signal(signal.SIGTERM)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.2)  # the signals are handled (ignored) before the process is let go
    code, err = ended(proc)
    assert (code, "Traceback" in err) == (0, False), err


# -- F3: engine check, report, merge ----------------------------------------------------------------------------

#: an engine that says it has started (its pid in a file) and never answers
HANGING = "import os, sys, time\nopen(sys.argv[1], 'w').write(str(os.getpid()))\ntime.sleep(100)\n"


def running(pid: int) -> bool:
    """Whether ``pid`` runs (neither gone nor a zombie)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="processes are looked at in /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_an_interrupted_engine_check_stops_its_engine(tmp_path: Path, sig: signal.Signals) -> None:
    """Before: SIGTERM killed the command (143) and the engine, in a process group of its own, ran on; ^C ended
    the command (2) and left the engine too."""
    engine, started = tmp_path / "engine.py", tmp_path / "engine.pid"
    engine.write_text(HANGING, encoding="utf-8")
    command = [sys.executable, "-m", "testbench", "engine", "check", "--timeout", "30"]
    proc = subprocess.Popen(
        [*command, "--", sys.executable, str(engine), str(started)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    pid = 0
    try:
        deadline = time.monotonic() + 30
        while not pid and time.monotonic() < deadline:
            time.sleep(0.02)  # the engine writes its pid: no event to wait on
            pid = int(started.read_text() or 0) if started.exists() else 0
        assert pid, "the engine did not start"
        signalled = time.monotonic()
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
        assert (proc.returncode, err.decode()) == (2, "interrompu\n")
        assert time.monotonic() - signalled < 10  # not the engine's 30 s timeout
        assert not running(pid)
    finally:
        if pid and running(pid):
            os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.wait()


def test_a_report_stopped_by_sigterm_leaves_no_temporary_folder(tmp_path: Path) -> None:
    """Before: 143 and a hidden ``.book.new-XXXXXXXX`` folder beside the report folder."""
    session, book = tmp_path / "s.tbsession", tmp_path / "book"
    assert run_demo(session, "-k", "DEMO-FSE-001") == 0
    proc = paused(["report", str(session), "-o", str(book)], "testbench.report.build._build")
    reach(proc, "testbench.report.build._build")
    assert any(name.startswith(".book.new-") for name in hidden(tmp_path))  # the book is built there
    proc.send_signal(signal.SIGTERM)
    assert ended(proc) == (2, "interrompu\n")
    assert hidden(tmp_path) == [] and not book.exists()


def test_the_temporary_folder_of_a_killed_report_is_removed_by_the_next_one_not_a_live_one(tmp_path: Path) -> None:
    """A build killed outright (SIGKILL: no clean-up) leaves its folder beside the report; the next build of that
    report removes it — ours by its name, its lock free —, not a build under way (its lock held) nor a folder
    that is not ours."""
    from filelock import FileLock

    session, book = tmp_path / "s.tbsession", tmp_path / "book"
    assert run_demo(session, "-k", "DEMO-FSE-001") == 0
    killed, live, others = tmp_path / ".book.new-k1ll3d_x", tmp_path / ".book.new-l1ve0000", tmp_path / "keep"
    for folder in (killed, live, others / ".book.new-k1ll3d_x"):
        (folder / "evidence").mkdir(parents=True)
    (tmp_path / ".book.new-notours!").mkdir()
    (tmp_path / ".other.new-k1ll3d_x").mkdir()
    with FileLock(f"{live}.lock", timeout=0):  # another process's build under way
        build_report(session, book, BuildOptions(lang="fr"))
        assert (book / "index.html").is_file()
        left = [".book.new-l1ve0000", ".book.new-l1ve0000.lock", ".book.new-notours!", ".other.new-k1ll3d_x"]
        assert hidden(tmp_path) == left
    assert (others / ".book.new-k1ll3d_x").is_dir()  # beside another folder than the report's


def test_a_merge_stopped_as_its_file_is_created_leaves_nothing(tmp_path: Path) -> None:
    """Before: a SIGTERM while the merge's own file was being set up (about 1 run in 30) left ``*.partial`` and
    ``*.partial.lock``, though docs/ci.md says a cancelled merge leaves nothing."""
    inputs = shards(tmp_path, "1", "2")
    output = tmp_path / "campaign.tbsession"
    proc = paused(["merge", *map(str, inputs), "-o", str(output)], "testbench.store.session.migrate")
    reach(proc, "testbench.store.session.migrate")
    assert "campaign.tbsession.partial.lock" in [p.name for p in tmp_path.glob("campaign*")]  # being set up
    proc.send_signal(signal.SIGTERM)
    assert ended(proc) == (2, "interrompu\n")
    assert sorted(p.name for p in tmp_path.glob("campaign*")) == []


#: ``testbench ARGS`` that stops, says « swapping » and waits for a line on stdin once the rebuilt book's swap has
#: moved its second file (the previous book's files moved aside, the new ones not all in place)
SWAPPING = textwrap.dedent(
    """
    import os, sys
    import testbench.report.build as build
    from testbench.cli.main import main

    real_replace, real_swap, moved = os.replace, build._swap_in, []

    def replace(src, dst, *args, **kwargs):
        done = real_replace(src, dst, *args, **kwargs)
        if moved:
            moved.append(dst)
            if len(moved) == 3:
                print("swapping", flush=True)
                sys.stdin.readline()  # the test signals the process here
        return done

    def swap(*args, **kwargs):
        moved.append(None)
        try:
            return real_swap(*args, **kwargs)
        finally:
            moved.clear()

    os.replace, build._swap_in = replace, swap
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_a_signal_in_the_middle_of_the_swap_leaves_a_whole_book(
    tmp_path: Path, sig: signal.Signals, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rebuilt book's files are renamed in place one by one: an interrupt among those renames waits for the
    last one. Before: the previous book's files moved aside were never put back (a book missing its files, a
    hidden ``.book.old-…`` folder left)."""
    from testbench.cli.main import main

    session, book = tmp_path / "s.tbsession", tmp_path / "book"
    assert run_demo(session, "-k", "DEMO-FSE-001", "--report", str(book)) == 0
    proc = subprocess.Popen(
        [sys.executable, "-c", SWAPPING, "report", str(session), "-o", str(book)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline() == "swapping\n"
    proc.send_signal(sig)
    time.sleep(0.2)  # the signal is received before the swap goes on
    with contextlib.suppress(BrokenPipeError):  # (a process the signal ended reads no more)
        proc.stdin.write("\n")
        proc.stdin.flush()
    code, err = ended(proc)
    assert code == 2 and err.endswith("interrompu\n") and "Traceback" not in err, err
    assert hidden(tmp_path) == []
    capsys.readouterr()
    assert main(["verify", str(book), "--session", str(session)]) == 0, capsys.readouterr()
