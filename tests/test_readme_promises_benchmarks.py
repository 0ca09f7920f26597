"""README § Layout: « `benchmarks/` scripts that print performance figures », and § Documentation: the performance
document's figures come from ``benchmarks/peer_ratio.py`` and its siblings. Each command line README and docs/ give
for a benchmark (``benchmarks/NAME.py --option …``) names a script that is there and options it takes, and a few
cheap ones run at a tiny size as real processes and print their figures. The figures themselves are the scripts'
to measure, on a quiet machine: only that they still run and print is held here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _command_lines() -> dict[str, set[str]]:
    """Benchmark script → the options README and docs/ give it (in code spans)."""
    given: dict[str, set[str]] = {}
    for text in TEXTS:
        for span in re.findall(r"`([^`]*benchmarks/[a-z_]+\.py[^`]*)`", text.read_text(encoding="utf-8")):
            script, rest = re.search(r"benchmarks/([a-z_]+\.py)(.*)", span).groups()  # type: ignore[union-attr]
            given.setdefault(script, set()).update(re.findall(r"--[a-z][a-z-]*", rest))
    return given


GIVEN = _command_lines()


def test_the_texts_give_benchmark_command_lines() -> None:
    assert "peer_ratio.py" in GIVEN  # README's own
    assert len(GIVEN) >= 10 and any(GIVEN.values())


@pytest.mark.parametrize("script", sorted(GIVEN))
def test_each_benchmark_the_texts_name_takes_the_options_they_give(script: str) -> None:
    path = ROOT / "benchmarks" / script
    assert path.is_file(), script
    if "argparse" not in path.read_text(encoding="utf-8"):
        assert not GIVEN[script], (script, GIVEN[script])  # no option to give a script that takes none
        return
    done = subprocess.run([sys.executable, str(path), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert sorted(o for o in GIVEN[script] if o not in done.stdout) == [], done.stdout


@pytest.mark.parametrize(
    ("argv", "figure"),
    [
        (["extract.py", "--lines", "1000", "--megabytes", "1"], r"[\d,]+ lines/s"),
        (["engine_throughput.py", "--invoices", "5", "--calls", "5"], r"[\d,]+ factures par seconde"),
        (["office_import.py", "--rows", "10", "--runs", "1"], r"\d+\.\d+ s"),
    ],
)
def test_a_benchmark_at_a_tiny_size_prints_its_figures(argv: list[str], figure: str, tmp_path: Path) -> None:
    script = ROOT / "benchmarks" / argv[0]
    done = subprocess.run([sys.executable, str(script), *argv[1:]], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stderr  # 1: a target not met on this (shared) machine, said
    assert re.search(figure, done.stdout), done.stdout
