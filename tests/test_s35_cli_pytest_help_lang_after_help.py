"""``pytest --help --casebook-lang en`` shows the plugin's help in English, as ``--casebook-lang en --help`` does
(docs/ci.md: « English with ``TESTBENCH_LANG=en`` or ``--casebook-lang en`` on the same line »). pytest stops
parsing at ``--help``, so an option written after it was never read and the help stayed French."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_pytest_plugin import pytest_in

from testbench.i18n import translator
from testbench.pytest_plugin import _GROUP


def group_title(tmp: Path, *args: str, lang: str | None = None) -> str:
    """The title of the plugin's group in ``pytest ARGS`` (which holds ``--help``), and its first option."""
    done = pytest_in(tmp, *args, lang=lang)
    assert done.returncode == 0, done.stdout + done.stderr
    (ours,) = [part for part in done.stdout.split("\n\n") if "--casebook-session" in part]
    return re.sub(r"\s+", " ", ours)


@pytest.mark.parametrize(
    ("args", "env", "lang", "metavar"),
    [
        (("--help", "--casebook-lang", "en"), None, "en", "--casebook=FILE"),
        (("--help", "--casebook-lang=en"), None, "en", "--casebook=FILE"),
        (("-h", "--casebook-lang", "fr", "--casebook-lang", "en"), None, "en", "--casebook=FILE"),
        (("--help", "--casebook-lang", "fr"), "en", "fr", "--casebook=FICHIER"),
        (("--help",), None, "fr", "--casebook=FICHIER"),
    ],
)
def test_the_language_given_after_help_is_the_helps(
    tmp_path: Path, args: tuple[str, ...], env: str | None, lang: str, metavar: str
) -> None:
    shown = group_title(tmp_path, *args, lang=env)
    assert shown.startswith(translator(lang)(_GROUP)), shown
    assert metavar in shown, shown
