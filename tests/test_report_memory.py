"""The report is built in a streaming pass (issue 16 §1): its memory does not grow with the campaign's content.

Each case's section and JSON are written as the case is gathered; what stays in memory per case is a
small row (index, summary) and the journal's bookkeeping. Doubling the cases therefore adds to the
build's peak a small fraction of what it adds to the files written (before: five times as much, the
whole content and the whole page were held at once).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from testbench.report import labels, personal
from testbench.report.build import BuildOptions, build_report
from testbench.store.read import chain_head
from testbench.tools.report import report_tool

_BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "report_build.py"


def _make_session(path: Path, cases: int, lines: int) -> None:
    """The synthetic campaign of ``benchmarks/report_build.py`` (real session file, cards' trace lines)."""
    spec = importlib.util.spec_from_file_location("report_build_bench", _BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make_session(path, cases, lines)


def _build(tmp: Path, cases: int, command: str = "run") -> tuple[int, int]:
    """(peak traced bytes of building the report as ``run --report`` or ``report`` does, bytes of index.html +
    report.json)."""
    session = tmp / f"s{cases}.tbsession"
    _make_session(session, cases, cases * 60)  # 60 lines a case: each trace beyond the excerpt, in evidence/
    out = tmp / f"r{cases}"
    tracemalloc.start()
    try:
        if command == "run":  # the run hands the chain's head it wrote over: only the links are checked
            build_report(session, out, BuildOptions(chain_head=chain_head(session)))
        else:  # ``testbench report``: every row re-hashed, the book written, what to warn about said
            assert report_tool(session, out).code == 0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, sum((out / name).stat().st_size for name in ("index.html", "report.json"))


@pytest.mark.parametrize("command", ["run", "report"])
def test_the_report_memory_grows_far_less_than_its_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    # the redaction memos are bounded by a constant (4,096 lines); a small one lets 100 cases go past it
    monkeypatch.setattr(personal, "_MEMO_MAX", 256)
    # the interpreter's table of interned strings (pathlib interns each part of a path) doubles at thresholds:
    # grown beforehand, its one-off doubling (2 MB, when the strings the tests run before interned bring it
    # near) cannot fall inside the 200 cases' build and pass for the build's growth
    headroom = [sys.intern(f"headroom {i}") for i in range(100_000)]
    _build(tmp_path, 10, command)  # once: templates compiled, modules' caches filled
    small_peak, small_files = _build(tmp_path, 100, command)
    large_peak, large_files = _build(tmp_path, 200, command)
    assert large_files - small_files > 1_000_000  # 100 more cases write over a megabyte more
    # measured: 0.25 (the rows, the chain's entries, the manifest's list), 0.47 with the bounded memos of
    # repeated values filling up (decoded values, observation entries, glossary links); 5.0 when the build
    # held it all; ``report`` 1.8 when it read report.json back whole to warn of an altered session
    assert (large_peak - small_peak) / (large_files - small_files) < 1.0
    assert len(headroom) == 100_000  # held to the end


def test_a_full_redaction_memo_starts_again_instead_of_growing_or_stopping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(personal, "_MEMO_MAX", 8)
    scrub = personal.Scrubber(True, personal.KnownValues())
    lines = [f"ligne {i} NIR 1 80 01 75 123 456 78" for i in range(50)]
    outs = [scrub(line) for line in lines]
    assert len(scrub._memo) <= 8  # bounded
    assert lines[-1] in scrub._memo  # still learning: a late case's repeated lines are remembered too
    assert all("123 456" not in out for out in outs)
    assert scrub(lines[0]) == outs[0]  # forgotten, redacted again the same way


def test_an_unsigned_report_does_not_load_the_signing_library() -> None:
    # cryptography alone is 7 MB of resident memory: the reader and the report import it when a key is used
    code = "import sys, testbench.report.build, testbench.store.read; print('cryptography' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_clock_memo_of_trace_times_stays_small_over_a_long_campaign() -> None:
    start = 1.7e9
    texts = [labels.clock_text(start + second + 0.25) for second in range(10_000)]  # ~3 hours of lines
    assert len(labels._CLOCK_MEMO) <= 4096
    assert texts[0].endswith(".250") and labels.clock_text(start + 0.25) == texts[0]
