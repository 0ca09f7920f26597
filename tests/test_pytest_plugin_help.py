"""``pytest --help`` shows the plugin's options in the project's language: French by default (help and
metavars: « --casebook=FICHIER »), English with ``TESTBENCH_LANG=en`` or ``--casebook-lang en`` on the same
line, one language at a time. pytest's own options and titles are pytest's (English): docs/ci.md says so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_pytest_plugin import pytest_in

from testbench.i18n import translator
from testbench.pytest_plugin import _GROUP, _OPTIONS


def plugin_help(tmp: Path, *args: str, lang: str | None = None) -> str:
    """The plugin's section of ``pytest --help``, its lines joined (argparse wraps them at its width)."""
    done = pytest_in(tmp, *args, "--help", lang=lang)
    assert done.returncode == 0, done.stdout + done.stderr
    section = done.stdout.split("\n\n")
    (ours,) = [part for part in section if "--casebook-session" in part]
    return re.sub(r"\s+", " ", ours)


@pytest.mark.parametrize(
    ("args", "env", "lang"),
    [
        ((), None, "fr"),
        ((), "en", "en"),
        (("--casebook-lang", "en"), None, "en"),
        (("--casebook-lang", "fr"), "en", "fr"),
    ],
)
def test_the_plugins_help_and_metavars_are_in_the_asked_language(
    tmp_path: Path, args: tuple[str, ...], env: str | None, lang: str
) -> None:
    shown = plugin_help(tmp_path, *args, lang=env)
    t, metavar = translator(lang), translator(lang, "metavar")
    assert shown.startswith(t(_GROUP)), shown
    for name, (help_text, word) in _OPTIONS.items():
        assert t(help_text) in shown, (name, shown)
        if word is not None:
            assert f"{name}={metavar(word)} " in shown, (name, shown)
    other = "en" if lang == "fr" else "fr"
    words = [translator(other, "metavar")(w) for _h, w in _OPTIONS.values() if w is not None]
    words = [w for w in words if w not in ("SESSION",)]  # the same word in both languages
    helps = [translator(other)(h) for h, _w in _OPTIONS.values()]
    assert len(words) >= 4 and not [w for w in (*words, *helps) if w in shown], shown  # one language at a time
