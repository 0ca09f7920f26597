"""README's command lines and tables, held to what the command line accepts: every ``testbench …`` line of its
code blocks parses as written, every option of the « Useful options of `run` » table is an option of ``run``,
``ui`` and ``demo`` take the bench, capture and identity options README says they share, and every file of the
repository README names (layout, documentation, the tests it cites) is there. A README line that drifts from
the parser, or a renamed file, fails here rather than on a reader's machine."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _code_block_lines() -> list[str]:
    """The ``testbench …`` lines of README's ```bash blocks, comments dropped (as bash reads them)."""
    lines: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "testbench":
                lines.append(shlex.join(words))
    return lines


CODE_LINES = _code_block_lines()
# inline commands of § Usage and § Quick start that run as written (no placeholder word)
INLINE_LINES = [
    "testbench --lang en cards list",
    "testbench cards --lang en list",
    "testbench cards list --lang en",
    "testbench demo --headless",
    "testbench demo --exam",
]


def _options(*command: str) -> dict[str, object]:
    """The option strings of a (sub-)command of the real parser."""
    parser = build_parser(list(command))
    for word in command:
        sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
        parser = sub.choices[word]  # type: ignore[attr-defined]
    return dict(parser._option_string_actions)


def test_readme_has_the_command_lines_this_file_checks() -> None:
    """The extraction itself: the four blocks of § Usage and the quick start's are all read."""
    assert len(CODE_LINES) >= 24
    for expected in ("testbench cards probe", "testbench sut init", "testbench engine check", "testbench verify"):
        assert any(line.startswith(expected) for line in CODE_LINES), expected


@pytest.mark.parametrize("line", CODE_LINES + INLINE_LINES)
def test_every_command_line_of_the_readme_parses_as_written(line: str) -> None:
    argv = shlex.split(line)[1:]
    try:
        args = build_parser(argv).parse_args(argv)
    except SystemExit as stop:  # argparse's refusal: the line is not what the command takes
        pytest.fail(f"README's « {line} » is refused by the parser (exit {stop.code})")
    assert getattr(args, "func", None) is not None or argv == [], line


def _run_table_options() -> list[str]:
    """The options README's « Useful options of `run` » table names in its first column."""
    table = README.split("Useful options of `run`:", 1)[1].split("\n\n", 2)[1]
    options: list[str] = []
    for row in table.splitlines()[2:]:
        first = row.split(" | ", 1)[0]
        for quoted in re.findall(r"`([^`]*)`", first):
            options += re.findall(r"(?<![\w-])(-{1,2}[a-z][a-z-]*)", quoted)
    return options


def test_the_run_table_names_the_options_it_should() -> None:
    options = _run_table_options()
    for expected in ("--engine", "--watch", "--cards", "--resume", "--failed", "-k", "--shard", "--junit"):
        assert expected in options


@pytest.mark.parametrize("option", _run_table_options())
def test_every_option_of_the_run_table_is_an_option_of_run(option: str) -> None:
    assert option in _options("run")


# README § Exam day: "`testbench ui` and `testbench demo` take the same bench, capture and identity options"
# (the prepared ``--attestations`` are a rehearsal's input, not a bench option: the workstation's person attests)
SHARED = ["--engine", "--engine-timeout", "--engine-cards", "--cards", "--allow-real-cards", "--watch", "--sut-profile",
          "--app-log", "--syslog", "--sut", "--sut-version", "--agrement", "--operator"]  # fmt: skip


@pytest.mark.parametrize("command", ["ui", "demo"])
def test_ui_and_demo_take_runs_bench_capture_and_identity_options(command: str) -> None:
    run, other = _options("run"), _options(command)
    for option in SHARED:
        assert option in run, option
        assert option in other, f"{command} {option}"


def test_demo_takes_the_options_readme_gives_it() -> None:
    """« `testbench demo` itself … takes the same options (`--headless`, `--output DIR`, `--cards`, `--engine`,
    `--lang en`…) », and `--exam`, `--flaw ald-rate` of the exam rehearsal; `ui --workers N`."""
    demo = _options("demo")
    for option in ("--headless", "--output", "--cards", "--engine", "--lang", "--exam", "--flaw"):
        assert option in demo, option
    assert "ald-rate" in demo["--flaw"].choices  # type: ignore[attr-defined]
    assert "--workers" in _options("ui")


def _named_repository_paths() -> set[str]:
    """Every backquoted path of the repository README names (generated outputs and placeholders aside)."""
    named = set()
    for quoted in re.findall(r"`([^`\s]+)`", README):
        placeholder = any(mark in quoted for mark in ("*", "…", "NAME"))
        if re.match(r"(testbench|casebooks|docs|tests|scripts|benchmarks|\.ci)/", quoted) and not placeholder:
            named.add(quoted.rstrip("/"))
    return named


def test_every_file_readme_names_is_in_the_repository() -> None:
    named = _named_repository_paths()
    assert {"docs/tui.md", "tests/test_store_batched_commits.py", "testbench/runner/options.py"} <= named
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert missing == []


def test_the_layout_table_names_every_layer_of_the_package() -> None:
    """§ Layout lists each sub-package of ``testbench/`` (a new layer is documented there)."""
    layout = README.split("## Layout", 1)[1].split("## Documentation", 1)[0]
    listed = set(re.findall(r"`testbench/([a-z_]+)`", layout))
    packages = {p.parent.name for p in (ROOT / "testbench").glob("*/__init__.py")}
    assert packages - {"bundled", "locale"} <= listed


def test_the_layout_names_every_utility_module() -> None:
    """« `testbench/*.py` | small utilities that import no layer: `i18n`, `fmt`, … ; the pytest plugin » (the
    import contract « utilities » in pyproject.toml holds the « import no layer »)."""
    layout = README.split("## Layout", 1)[1].split("## Documentation", 1)[0]
    row = next(line for line in layout.splitlines() if line.startswith("| `testbench/*.py`"))
    listed = set(re.findall(r"`([a-z0-9_]+)`", row.split(" | ", 1)[1]))
    modules = {p.stem for p in (ROOT / "testbench").glob("*.py")} - {"__init__", "__main__", "pytest_plugin"}
    assert listed == modules
    assert "the pytest plugin" in row and (ROOT / "testbench/pytest_plugin.py").is_file()


def test_the_documentation_list_names_every_document() -> None:
    listed = set(re.findall(r"^- `(docs/[^`]+)`", README, flags=re.M))
    assert {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")} <= listed


def test_the_readme_figures_of_the_bundled_casebooks_hold() -> None:
    """« `casebooks/exam-demo.xml` (25 cases) » and « the bundled casebooks (over 400 cases …) » (§ Documentation)."""
    from testbench.casebook.loader import load_casebook

    books = sorted((ROOT / "casebooks").glob("*.xml"))
    counts = {p.name: len(load_casebook(p).cases) for p in books}
    assert counts["exam-demo.xml"] == 25
    assert sum(counts.values()) > 400


def test_the_readonly_rule_is_where_readme_says() -> None:
    assert "def connect_readonly(" in (ROOT / "testbench/store/connection.py").read_text(encoding="utf-8")


def test_ci_run_runs_exactly_the_readme_test_command() -> None:
    """« `.ci/run` runs exactly `bash scripts/test.sh` », and test.sh reads ``TESTBENCH_TEST_WORKERS``."""
    commands = [line for line in (ROOT / ".ci/run").read_text().splitlines() if line and not line.startswith("#")]
    assert commands[-1] == "exec bash scripts/test.sh"
    test_sh = (ROOT / "scripts/test.sh").read_text()
    assert 'workers=${TESTBENCH_TEST_WORKERS:-3}' in test_sh and '-n "$workers"' in test_sh


def test_the_python_line_that_prints_the_bundled_folder() -> None:
    """README gives ``python -c "from testbench.paths import CASEBOOKS_DIR; print(CASEBOOKS_DIR)"`` to find the
    bundled files: a real interpreter prints a folder that holds them."""
    code = README.split("(`python -c ", 1)[1].split("`", 1)[0]
    argv = [sys.executable, "-c", *shlex.split(code)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd=ROOT.parent, check=True).stdout
    folder = Path(out.strip())
    for name in ("demo.xml", "billing.xml", "plans", "cards", "demo-attestations.json"):
        assert (folder / name).exists(), name


def test_the_workstations_tools_group_does_what_readme_lists() -> None:
    """« F1 lists every key (its « Outils » group does what `diff`, `export`, … do) »: README's list is the
    group's, each tool naming its command in its help line."""
    from testbench.tui.actions import ACTIONS

    sentence = " ".join(README.split("its « Outils » group does what ", 1)[1].split(" do)", 1)[0].split())
    listed = set(re.findall(r"`([a-z ]+)`", sentence))
    tools = {re.findall(r"\(([a-z ]+)\)", a.help)[0] for a in ACTIONS if a.group == "Outils"}
    assert listed == {"keys" if tool.startswith("keys ") else tool for tool in tools}


# the workstation's keys README names, with what it says each does
README_KEYS = {
    "x": "run-rest",  # « `x` runs the rest of the session »
    "r": "run-case",  # « `r` the case under the cursor »
    "f1": "help",  # « F1 lists every key »
    "ctrl+q": "quit",  # « When you quit (`ctrl+q`) »
    "g": "report",  # « unless `g` already wrote the session's report »
    "f2": "language",  # « its path said in the language F2 left »
    "7": "view-exam",  # « on its exam view (`7`) »
    "o": "run-options",  # « `o` chooses parallel benches and a CI shard »
    "f": "run-failed",  # « The workstation's `f` does the same »
    "d": "glossary",  # docs/glossary.md « (key `d`, …) »
}


@pytest.mark.parametrize(("key", "action"), sorted(README_KEYS.items()))
def test_the_keys_readme_names_do_what_it_says(key: str, action: str) -> None:
    from testbench.tui.actions import BY_ID

    assert key in BY_ID[action].key.split(",")
    assert f"`{key}`" in README or key.upper() in README


def test_readme_never_sends_a_user_to_the_pypi_name_of_another_project() -> None:
    """testbench is not on PyPI, where ``testbench`` is an unrelated project: README installs the wheel built
    from a clone, as tests/test_packaging.py builds and installs it (``pip wheel --no-deps -w``, then the file)."""
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    lines = [" ".join(line.split("#", 1)[0].split()) for block in blocks for line in block.splitlines()]
    assert not [line for line in lines if re.fullmatch(r"pipx? install testbench\b.*", line)]
    assert "pip wheel --no-deps -w dist ." in lines and "pip install dist/testbench-*.whl" in lines
    assert "unrelated project" in README


def test_the_schema_version_readme_names_is_the_stores() -> None:
    """§ The session file: « A step's observed values are one row (schema v5 …) » — a new schema is said there."""
    from testbench.store.schema import SCHEMA_VERSION

    assert re.findall(r"\(schema v(\d+):", README) == [str(SCHEMA_VERSION)]
