"""The stderr tail in a reason is bounded in characters, not only in lines: one 5 MB stderr line made a 19 KB
verdict (audit 21). Its end is kept: what the engine said last."""

from __future__ import annotations

import sys

from testbench.engines.protocol import process


def test_one_huge_stderr_line_gives_a_short_tail() -> None:
    script = "import sys; sys.stderr.write('E' * 5_000_000 + 'LAST'); sys.stderr.flush(); sys.exit(9)"
    proc = process.EngineProcess([sys.executable, "-c", script], 1024, None, None)
    try:
        proc.popen.wait(timeout=20)
        tail = proc.stderr_tail()
    finally:
        proc.kill()
    assert tail.startswith(" ; stderr : …") and tail.endswith("LAST")
    assert len(tail) <= process.STDERR_CHARS + len(" ; stderr : ")
