"""Every Python child the bench starts (engine, téléservices simulator, card emulators, the demo application and
its engine) runs with ``-P``: a folder named ``testbench`` in the current directory (the clone's parent, say)
would otherwise shadow the installed package in the child (« cannot import name '__version__' »)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "testbench"


def _module_commands() -> list[tuple[str, int, list[str]]]:
    """Each list literal of the package that holds « -m »: (file, line, its string items)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.List):
                items = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                if "-m" in items:
                    found.append((str(path.relative_to(PACKAGE)), node.lineno, items))
    return found


def test_every_python_module_command_of_the_package_starts_with_dash_p() -> None:
    commands = _module_commands()
    assert len(commands) >= 5  # engine, simulator, emulator, demo application and its engine
    assert [(f, line) for f, line, items in commands if items[: items.index("-m")] != ["-P"]] == []
