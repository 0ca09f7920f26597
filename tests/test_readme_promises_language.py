"""README § Usage: « Every command speaks French; `--lang en` anywhere on the line before a `--` (or
`TESTBENCH_LANG=en`) asks for English — `testbench --lang en cards list`, `testbench cards --lang en list` and
`testbench cards list --lang en` alike: usage, help texts and argparse's error words ». Real ``testbench``
processes; ``cards list`` on the running pcscd's virtual readers, held for the test so that no card moves between
the runs compared."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

#: README's three spellings of one command in English
PLACES = [["--lang", "en", "cards", "list"], ["cards", "--lang", "en", "list"], ["cards", "list", "--lang", "en"]]


def _testbench(argv: list[str], home: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TESTBENCH_LANG"}
    env.update(HOME=str(home), **extra_env)
    return subprocess.run([sys.executable, "-m", "testbench", *argv], env=env, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip


@pytest.mark.integration
def test_cards_list_in_english_wherever_lang_is_on_the_line(vpcd_lock: list[str], tmp_path: Path) -> None:
    french = _testbench(["cards", "list"], tmp_path)
    assert french.returncode == 0, french.stderr
    assert all(reader in french.stdout for reader in vpcd_lock)  # the readers, one line each
    english = [_testbench(argv, tmp_path) for argv in PLACES]
    english.append(_testbench(["cards", "list"], tmp_path, TESTBENCH_LANG="en"))
    for done in english:
        assert done.returncode == 0, done.stderr
        assert done.stdout == english[0].stdout, (done.args, done.stdout)
    assert english[0].stdout != french.stdout
    assert "vide" not in english[0].stdout and "empty" not in french.stdout


@pytest.mark.parametrize("argv", PLACES)
def test_help_and_argparse_words_in_english_wherever_lang_is(argv: list[str], tmp_path: Path) -> None:
    helped = _testbench([*argv, "--help"], tmp_path)
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("usage: testbench cards list")
    assert "show this help message and exit" in helped.stdout
    refused = _testbench([*argv, "--zzz"], tmp_path)
    assert refused.returncode == 3
    assert "testbench cards list: error: unrecognized arguments: --zzz" in refused.stderr, refused.stderr


def test_french_by_default(tmp_path: Path) -> None:
    done = _testbench(["cards", "list", "--zzz"], tmp_path)
    assert done.returncode == 3
    assert "testbench cards list : erreur : arguments non reconnus : --zzz" in done.stderr, done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="/bin/false stands for an engine that does not start")
def test_lang_after_a_double_dash_is_the_engine_commands_not_testbench(tmp_path: Path) -> None:
    """« before a `--` »: after it, ``--lang en`` belongs to the engine command, and testbench stays French."""
    after = _testbench(["engine", "check", "--timeout", "5", "--", "/bin/false", "--lang", "en"], tmp_path)
    assert after.returncode == 1, after.stderr
    assert after.stdout.startswith("Conformité du moteur : /bin/false --lang en"), after.stdout
    before = _testbench(["engine", "check", "--lang", "en", "--timeout", "5", "--", "/bin/false"], tmp_path)
    assert before.returncode == 1, before.stderr
    assert before.stdout.startswith("Engine conformance: /bin/false"), before.stdout
