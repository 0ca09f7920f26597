"""``testbench validate`` as the operator runs it: a real subprocess, exit codes, no traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "casebooks"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))


def validate(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "testbench", "validate", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )


def _workspace(tmp_path: Path) -> Path:
    (tmp_path / "cards").mkdir()
    for card in ("cps", "vitale"):
        (tmp_path / "cards" / f"{card}.xml").write_text("<placeholder/>\n", encoding="utf-8")
    for item in DATA.iterdir():
        shutil.copyfile(item, tmp_path / item.name)
    return tmp_path


def test_valid_casebook_exits_0_with_a_summary(tmp_path: Path) -> None:
    work = _workspace(tmp_path)
    result = validate("minimal.xml", cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (line,) = result.stdout.splitlines()
    assert line.startswith("minimal.xml : valide") and "1 cas" in line and "PDT-TEST-001" in line
    digest = __import__("hashlib").sha256((work / "minimal.xml").read_bytes()).hexdigest()
    assert digest[:12] in line


def test_every_kind_of_bad_input_exits_3_without_traceback(tmp_path: Path) -> None:
    work = _workspace(tmp_path)
    (work / "sub").mkdir()
    bad = [
        "missing.xml",
        "sub",
        "empty.xml",
        "not-xml.txt",
        "truncated.xml",
        "wrong-root.xml",
        "wrong-namespace.xml",
        "latin1.xml",
        "xxe.xml",
        "billion-laughs.xml",
        "misspelled.xml",
        "several-problems.xml",
    ]
    result = validate("minimal.xml", *bad, cwd=work)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stdout.startswith("minimal.xml : valide")  # the good file is still summarised
    lines = [line for line in result.stderr.splitlines() if line]
    for name in bad:
        assert any(line.startswith(f"{name}:") for line in lines), (name, result.stderr)
    problem_lines = lines[:-1]
    assert all(line.split(":", 3)[1].isdigit() and line.split(":", 3)[2].isdigit() for line in problem_lines)
    assert lines[-1] == f"{len(bad)} cahier(s) sur {len(bad) + 1} invalide(s)"


def test_usage_error_exits_3(tmp_path: Path) -> None:
    result = validate(cwd=tmp_path)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    result = validate("--max-size", "0", "x.xml", cwd=tmp_path)
    assert result.returncode == 3 and "--max-size" in result.stderr
