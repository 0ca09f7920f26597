"""What docs/architecture.md promises and no other test held: its layers and utilities are the import-linter
contracts', no module but the workstation's imports Textual (the ``textual`` contract names every other package and
module; a lazy import is read from the sources), only ``demo`` imports the demo application and the demo
application uses what the doc says, every tool is called by both faces, every ``EN_SHAPES`` is read,
``interrupts`` has the users the doc names, trace lines are written at least every 100 ms, and the modules and
names the doc cites exist.

Held elsewhere: tests/test_contracts.py (the contracts hold, and each breaks on a forbidden import),
tests/test_store_boundary.py (only ``store`` touches SQLite), tests/test_xml_parsers_owned.py,
tests/test_portability.py, tests/test_catalogue.py, tests/test_i18n_plural.py.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import tomllib
from pathlib import Path

import pytest

import testbench

REPO = Path(__file__).resolve().parents[1]
PACKAGE = Path(testbench.__file__).parent
DOC = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
CONTRACTS = {c["id"]: c for c in tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"]["contracts"]}  # fmt: skip


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of its code (a function's lazy import too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def assigned(path: Path) -> set[str]:
    """The names a module assigns at its top level."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def dotted(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


def test_the_docs_layers_are_the_contracts_in_order_and_the_test_script_checks_them() -> None:
    table = re.search(r"## The layers, from the top\n\n(.+?)\n\n", DOC, re.S).group(1)
    rows = re.findall(r"^\| `(\w+)` \|", table, re.M)
    assert [f"testbench.{name}" for name in rows] == CONTRACTS["layers"]["layers"]
    assert len(rows) == 17 and "each of the seventeen layers" in DOC
    assert "There are three contracts" in DOC and len(CONTRACTS) == 3
    script = (REPO / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert re.search(r"^\S*lint-imports\b", script, re.M)


def test_the_docs_utilities_are_the_utilities_contract() -> None:
    bullet = re.search(r"- `utilities` — the utilities named after the table \((.+?)\)", DOC, re.S).group(1)
    named = set(re.findall(r"`(\w+)`", bullet))
    sources = {name.removeprefix("testbench.") for name in CONTRACTS["utilities"]["source_modules"]}
    assert named == sources
    words = {9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
    assert f"Beside the layers, {words[len(sources)]} small utilities that import no layer" in DOC
    for name in sources:  # each is a module or a package of its own, beside the layers
        assert (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name).is_dir(), name


def test_the_textual_contract_names_every_package_and_module_but_the_workstation() -> None:
    """A package added beside the others is under the contract, not left out of it unnoticed."""
    top = {p.stem for p in PACKAGE.iterdir() if (p.suffix == ".py" or (p / "__init__.py").is_file())}
    top -= {"__init__", "__main__", "tui", "bundled"}  # the package itself, its entry point, the workstation
    named = {name.removeprefix("testbench.") for name in CONTRACTS["textual"]["source_modules"]}
    assert named == top


def test_no_module_but_the_workstations_imports_textual() -> None:
    """Read from the sources, a lazy import in a function too (the contract sees only what it can import)."""
    found = [
        dotted(path)
        for path in modules()
        if path.relative_to(PACKAGE).parts[0] != "tui"
        and any(name == "textual" or name.startswith("textual.") for name in imported(path))
    ]
    assert found == []


def test_a_textual_import_outside_the_workstation_would_be_seen(tmp_path: Path) -> None:
    """The reading above finds a lazy import inside a function."""
    module = tmp_path / "xmlsafe.py"
    module.write_text("def f():\n    from textual.app import App\n    return App\n", encoding="utf-8")
    assert "textual.app" in imported(module)


def test_only_the_demo_command_imports_the_demo_application_which_uses_what_the_doc_says() -> None:
    importers = {
        dotted(path)
        for path in modules()
        if path.relative_to(PACKAGE).parts[0] != "demoapp"
        and any(name == "testbench.demoapp" or name.startswith("testbench.demoapp.") for name in imported(path))
    }
    assert importers == {"testbench.cli.demo_cmd"}
    allowed = {
        "app.py": ("testbench.engines.protocol.client", "testbench.domain", "testbench.i18n", "testbench.xmlsafe"),
        "driver.py": ("testbench.domain", "testbench.i18n", "testbench.engines.operator",
                      "testbench.engines.protocol.process", "testbench.sut.profile"),
    }  # fmt: skip
    for path in sorted((PACKAGE / "demoapp").glob("*.py")):
        uses = {n for n in imported(path) if n.startswith("testbench.") and not n.startswith("testbench.demoapp")}
        permitted = allowed.get(path.name, ())
        for name in uses:
            assert any(name == p or name.startswith(p + ".") for p in permitted), (path.name, name)
    assert (PACKAGE / "demoapp" / "sut.toml").is_file()


def test_every_tool_is_called_by_both_faces() -> None:
    tools = {
        node.name
        for path in sorted((PACKAGE / "tools").glob("*.py"))
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and node.name.endswith("_tool")
    }
    assert len(tools) >= 12
    for face in ("cli", "tui"):
        texts = "\n".join(p.read_text(encoding="utf-8") for p in sorted((PACKAGE / face).rglob("*.py")))
        assert [tool for tool in tools if not re.search(rf"\b{tool}\b", texts)] == [], face
    cell = re.search(r"^\| `tools` \| (.+?) \|", DOC, re.M).group(1)
    for word in ("`diff`", "`export`", "`import`", "`merge`", "`new case`", "`keys`", "`sut check`",
                 "`engine check`", "`report`", "`verify`", "`cover`"):  # fmt: skip
        assert word in cell, word


def test_every_en_shapes_is_read_back_by_english() -> None:
    """A module's ``EN_SHAPES`` that ``i18n`` does not list would never be read: its sentences stay French."""
    from testbench import i18n

    defining = {dotted(path) for path in modules() if "EN_SHAPES" in assigned(path)}
    assert defining == set(i18n._SHAPE_MODULES)
    for name in defining:  # the doc names each module (by its file name, or its path in its package)
        file = name.rsplit(".", 1)[-1] + ".py"
        assert f"`{file}`" in DOC or f"/{file}`" in DOC, name


def test_the_interruption_is_used_where_the_doc_says() -> None:
    users = {
        dotted(path).split(".")[1]
        for path in modules()
        if dotted(path) != "testbench.interrupts" and any(n.startswith("testbench.interrupts") for n in imported(path))
    }
    sentence = re.search(r"`interrupts` \(\^C and SIGTERM as one interruption: used by (.+?)\)\n", DOC, re.S)
    assert users == set(re.findall(r"`(\w+)`", sentence.group(1)))


def test_trace_lines_are_written_at_least_every_100_ms() -> None:
    from testbench.runner.tracing import TraceRecorder
    from testbench.traces.capture import TraceCapture

    for cls in (TraceCapture, TraceRecorder):
        assert inspect.signature(cls).parameters["flush_interval"].default <= 0.1, cls


#: the modules and files the doc names
FILES = (
    "runner/campaign.py", "runner/options.py", "runner/exits.py", "tools/result.py", "report/personal.py",
    "scope/plan.py", "sut/profile.py", "store/session.py", "store/chain.py", "store/read.py", "store/model.py",
    "store/verdicts.py", "store/traceindex.py", "store/location.py", "traces/tail.py", "traces/syslog.py",
    "traces/clock.py", "traces/parsers.py", "traces/redact.py", "cards/link.py", "runner/tracing.py",
    "runner/assemble.py", "runner/actions.py", "runner/compare.py", "runner/runner.py", "runner/shard.py",
    "cli/console.py", "cli/demo_cmd.py", "demoapp/driver.py", "demoapp/sut.toml", "engines/operator/__init__.py",
    "locale/extract.py", "integrity/verify.py", "integrity/manifest.py", "report/build.py", "report/diff.py",
    "report/owner.py", "casebook/loader.py", "casebook/selection.py", "casebook/scaffold.py", "domain/verdict.py",
    "domain/teleservices.py", "store/merge.py", "sut/check.py", "engines/protocol/conformance.py",
    "engines/protocol/client.py", "cards/nir.py", "pytest_plugin.py", "locale/en/LC_MESSAGES/testbench.po",
    "locale/fr/LC_MESSAGES/argparse.po", "locale/en/LC_MESSAGES/argparse.po",
)  # fmt: skip
#: the names the doc cites: (module, attribute)
NAMES = (
    ("testbench.runner.campaign", "Campaign"), ("testbench.store.read", "SessionView"),
    ("testbench.store.read", "read_integrity"), ("testbench.store.traceindex", "TraceSource"),
    ("testbench.traces.capture", "TraceCapture"), ("testbench.store.session", "SessionStore"),
    ("testbench.engines.api", "Engine"), ("testbench.cards.api", "CardBay"), ("testbench.cards.api", "CardChannel"),
    ("testbench.runner.options", "CampaignOptions"), ("testbench.paths", "CASEBOOKS_DIR"),
    ("testbench.i18n", "translator"), ("testbench.i18n", "t"), ("testbench.i18n", "english"),
    ("testbench.i18n", "tn"), ("testbench.i18n", "_AS_RECORDED"), ("testbench.tui.texts", "make_translator"),
    ("testbench.cli.texts", "cli_translator"), ("testbench.wholefile", "replace_over"),
    ("testbench.xmlsafe", "from_bytes"), ("testbench.xmlsafe", "parse_file"), ("testbench.xmlsafe", "parser"),
    ("testbench.xmlsafe", "iterparse"), ("testbench.xmlsafe", "pull_parser"),
)  # fmt: skip


@pytest.mark.parametrize("file", FILES)
def test_each_file_the_doc_names_exists(file: str) -> None:
    assert (PACKAGE / file).is_file(), file


@pytest.mark.parametrize(("module", "name"), NAMES, ids=[f"{m}.{n}" for m, n in NAMES])
def test_each_name_the_doc_cites_exists(module: str, name: str) -> None:
    assert hasattr(importlib.import_module(module), name)


def test_the_calls_the_doc_cites_take_what_it_says() -> None:
    from testbench.runner.campaign import Campaign
    from testbench.runner.tracing import TraceRecorder
    from testbench.store.session import SessionStore

    assert list(inspect.signature(Campaign.run).parameters)[1:3] == ["targets", "stop"]
    assert callable(Campaign.case_by_case) and callable(TraceRecorder.set_context)
    assert callable(SessionStore.add_trace_lines)
    assert (PACKAGE / "bundled").is_dir() or (REPO / "casebooks").is_dir()
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["entry-points"]["pytest11"] == {"testbench": "testbench.pytest_plugin"}
