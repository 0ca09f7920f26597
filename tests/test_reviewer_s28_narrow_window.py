"""The exam book in a window narrower than a laptop screen (the reviewer's half screen, the book beside the traces
or the casebook): headless Chromium lays it out in a frame of that width and the page must not scroll sideways.

The cover's card table (its ATRs unbroken), its fixed label column and the identifiers of « Attendu / observé »
made the page about 1040 px wide whatever the window, cutting the cover's right edge off at a half screen.
The frame is read by a page of the test's own (file pages share an origin with ``--allow-file-access-from-files``);
the book keeps its CSP, so nothing is injected into it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from test_report_browser import CHROMIUM

from testbench.report.pdf import HEADLESS_FLAGS

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh installs it)")

PROBE = """<!DOCTYPE html><html><body>
<iframe id="book" src="index.html" style="width:{width}px;height:700px;border:0"></iframe>
<p id="out">pending</p>
<script>
document.getElementById("book").addEventListener("load", function () {{
  var doc = this.contentDocument, root = doc.documentElement, wide = [];
  doc.querySelectorAll("section").forEach(function (s) {{ s.style.contentVisibility = "visible"; }});
  doc.querySelectorAll("main > section").forEach(function (s) {{
    if (s.getBoundingClientRect().right > root.clientWidth + 1 || s.scrollWidth > s.clientWidth + 1) {{
      wide.push(s.id);
    }}
  }});
  document.getElementById("out").textContent = root.scrollWidth + " " + root.clientWidth + " " + wide.join(",");
}});
</script></body></html>"""


def laid_out(book: Path, width: int, work: Path) -> tuple[int, int, str]:
    """(the page's width, the frame's, the sections wider than it) for the book shown ``width`` px wide."""
    probe = book / f"probe-{width}.html"
    probe.write_text(PROBE.format(width=width), encoding="utf-8")
    cmd = [
        str(CHROMIUM),
        *HEADLESS_FLAGS,
        f"--user-data-dir={work / 'profile'}",
        "--allow-file-access-from-files",
        "--window-size=1400,900",
        "--virtual-time-budget=3000",
        "--dump-dom",
        probe.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    out = etree.HTML(proc.stdout.decode("utf-8")).findtext(".//p[@id='out']")
    scroll, client, wide = (out + " ").split(" ", 2)
    assert scroll.isdigit(), out  # the frame was read
    return int(scroll), int(client), wide.strip()


@pytest.mark.parametrize("width", [768, 1024])
def test_the_book_fits_a_half_screen_window(demo_books: dict[str, Path], tmp_path: Path, width: int) -> None:
    book = tmp_path / "book"  # the page alone (it is self-contained), beside the probe: the shared book is left
    book.mkdir()
    shutil.copy(demo_books["fr"] / "index.html", book)
    scroll, client, wide = laid_out(book, width, tmp_path)
    assert client > width - 40  # the frame's own width, less a scroll bar
    assert (scroll, wide) == (client, ""), f"{scroll} px of page in a {client} px window; too wide: {wide}"


def test_the_probe_sees_a_page_that_scrolls_sideways(tmp_path: Path) -> None:
    """The control: a page wider than its window is measured as such (the detector can fail)."""
    book = tmp_path / "wide"
    book.mkdir()
    (book / "index.html").write_text(
        '<!DOCTYPE html><html><body><main><section id="cover"><table><tr><td style="white-space:nowrap">'
        + "x" * 400
        + "</td></tr></table></section></main></body></html>",
        encoding="utf-8",
    )
    scroll, client, wide = laid_out(book, 768, tmp_path)
    assert scroll > client and wide == "cover"
