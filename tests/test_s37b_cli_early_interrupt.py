"""A ^C in the first moments of a command, while its modules load, printed Python's ``KeyboardInterrupt``
traceback: it is « interrompu », exit 2, as for any interrupted command — through ``python -m testbench`` and the
console script's entry function (pyproject's ``[project.scripts]``), in real processes sent a real SIGINT."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

import testbench
from testbench.runner.exits import EXIT_ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT sent to another process is POSIX's")

#: a finder that holds the command line's module while it loads and says so: the ^C lands then, at no guessed time
HOLD = """
import sys, time
class Hold:
    def find_spec(self, name, path=None, target=None):
        if name == "testbench.cli.main":
            sys.stdout.write("loading\\n")
            sys.stdout.flush()
            time.sleep(60)
        return None
sys.meta_path.insert(0, Hold())
sys.argv = ["testbench", *sys.argv[1:]]
"""


def console_script() -> str:
    """What the installer writes for pyproject's ``testbench`` script: import its function, call it."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        module, _, function = tomllib.load(f)["project"]["scripts"]["testbench"].partition(":")
    return f"from {module} import {function}\nsys.exit({function}())\n"


LAUNCHERS = {
    "python -m testbench": "import runpy\nrunpy.run_module('testbench', run_name='__main__', alter_sys=True)\n",
    "console script": console_script(),
}


@pytest.mark.parametrize(("lang", "said"), [("fr", "interrompu\n"), ("en", "interrupted\n")])
@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
def test_a_ctrl_c_while_the_modules_load_is_an_interruption(lang: str, said: str, launcher: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD + LAUNCHERS[launcher], "--lang", lang, "import", "x.ods"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == b"loading\n"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert (child.returncode, out, err.decode()) == (EXIT_ENVIRONMENT, b"", said)


PACKAGE = Path(testbench.__file__).resolve().parent  # not importing its __main__: it installs its guard
#: the line of the entry module that installs its guard: a ^C before it is the interpreter's own start-up's
GUARD_LINE = next(
    (i for i, line in enumerate((PACKAGE / "__main__.py").read_text().splitlines(), 1) if "= _guard()" in line), 0
)


def _before_the_guard(said: str) -> bool:
    """Whether a traceback stops in no code of the package that runs after the guard is installed: the
    interpreter's start-up, runpy, the package's ``__init__``, the entry module's first lines."""
    for file, line in re.findall(r'File "([^"]+)", line (\d+)', said):
        path = Path(file)
        if path.is_absolute() and path.resolve().is_relative_to(PACKAGE):
            if path.name == "__init__.py" and path.parent == PACKAGE:
                continue
            if path.name == "__main__.py" and path.parent == PACKAGE and int(line) <= GUARD_LINE:
                continue
            return False
    return True


def _outcome(delay: float) -> str:
    """``python -m testbench --lang en import x.ods`` sent ^C after ``delay`` seconds: « interrupted », « late »
    (it had ended), « early » (the interpreter was starting: no module of ours had run), or what it printed."""
    child = subprocess.Popen(
        [sys.executable, "-m", "testbench", "--lang", "en", "import", "x.ods"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
    )
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _out, err = child.communicate(timeout=60)
    said = err.decode(errors="replace")
    if (child.returncode, said) == (EXIT_ENVIRONMENT, "interrupted\n"):
        return "interrupted"
    if child.returncode == 3 and "Traceback" not in said:
        return "late"
    return "early" if _before_the_guard(said) else said


def test_a_ctrl_c_at_any_moment_of_the_start_is_never_a_traceback_of_ours() -> None:
    """No hook: the ^C's moment is searched for the first one that is not the interpreter's start-up — the
    command's modules loading — by halving (too early, later; else sooner), whatever the machine's load makes of
    the timing; at each moment tried it is « interrupted », or the command had ended, never our traceback."""
    early, later = 0.0, 0.5
    seen = []
    while later - early > 0.01 and len(seen) < 10:
        delay = (early + later) / 2
        outcome = _outcome(delay)
        seen.append((round(delay, 3), outcome))
        if outcome not in ("early", "interrupted", "late"):
            pytest.fail(f"^C after {delay:.3f} s: {outcome}")
        early, later = (delay, later) if outcome == "early" else (early, delay)
    assert any(outcome == "interrupted" for _delay, outcome in seen), seen
