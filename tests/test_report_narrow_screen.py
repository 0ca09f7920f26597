"""The exam book on a phone (360 px wide): the page itself never scrolls sideways; a table too wide for the
screen scrolls in its own box (``overflow-x: auto``), never clipped; the trace lines of an opened case wrap.

Headless Chromium lays the demo's book out in a frame of the phone's width (as
tests/test_reviewer_s28_narrow_window.py does for a half screen), with the failed case opened through its
anchor and every folded trace unfolded, and lists the elements that stick out of the screen other than
inside a box that scrolls. A control page proves the detector sees a bare wide element and a clipped one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from test_report_browser import CHROMIUM

from testbench.report.pdf import HEADLESS_FLAGS

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh installs it)")

FAILED = "DEMO-FSE-099"  # the demo's failed case, its trace lines in the page

PROBE = """<!DOCTYPE html><html><body>
<iframe id="book" src="index.html#@HASH@" style="width:@WIDTH@px;height:700px;border:0"></iframe>
<pre id="out">pending</pre>
<script>
document.getElementById("book").addEventListener("load", function () {
  var win = this.contentWindow, doc = this.contentDocument, root = doc.documentElement;
  doc.querySelectorAll("section").forEach(function (s) { s.style.contentVisibility = "visible"; });
  doc.querySelectorAll("details").forEach(function (d) { d.open = true; });
  setTimeout(function () {
    var width = root.clientWidth, wide = [], scrolling = [];
    function scrolls(e) {
      var x = win.getComputedStyle(e).overflowX;
      return x === "auto" || x === "scroll";
    }
    function name(e) { var a = e.closest("[id]"); return e.tagName.toLowerCase() + (a ? " in #" + a.id : ""); }
    doc.querySelectorAll("body *").forEach(function (e) {
      var r = e.getBoundingClientRect();
      if (scrolls(e) && e.scrollWidth > e.clientWidth + 1) { scrolling.push(name(e)); }
      if ((r.width === 0 && r.height === 0) || (r.right <= width + 1 && r.left >= -1)) { return; }
      for (var a = e.parentElement; a && a !== doc.body; a = a.parentElement) {
        if (scrolls(a) && a.getBoundingClientRect().right <= width + 1) { return; }
      }
      wide.push(name(e));
    });
    var failed = doc.querySelector("section.case[data-case='@FAILED@']");
    document.getElementById("out").textContent = JSON.stringify({
      scroll: root.scrollWidth, client: width, wide: wide, scrolling: scrolling,
      traceRows: failed ? failed.querySelectorAll("table.trace tr").length : 0,
      indexDisplay: win.getComputedStyle(doc.getElementById("index")).display
    });
  }, 300);
});
</script></body></html>"""


def laid_out(page: Path, width: int, work: Path, anchor: str = "") -> dict:
    """What the probe measured of ``page`` (copied beside it) shown ``width`` px wide at ``anchor``."""
    book = work / f"book-{width}"
    book.mkdir()
    shutil.copy(page, book / "index.html")
    probe = book / "probe.html"
    probe.write_text(
        PROBE.replace("@HASH@", anchor).replace("@WIDTH@", str(width)).replace("@FAILED@", FAILED), encoding="utf-8"
    )
    cmd = [
        str(CHROMIUM),
        *HEADLESS_FLAGS,
        f"--user-data-dir={work / 'profile'}",
        "--allow-file-access-from-files",
        "--window-size=1400,900",
        "--virtual-time-budget=4000",
        "--dump-dom",
        probe.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    out = etree.HTML(proc.stdout.decode("utf-8")).findtext(".//pre[@id='out']")
    assert out and out != "pending", out  # the frame was read
    return json.loads(out)


def failed_anchor(page: Path) -> str:
    (anchor,) = etree.HTML(page.read_text(encoding="utf-8")).xpath(
        f"//section[@class='case'][@data-case='{FAILED}']/@id"
    )
    return anchor


def test_the_book_fits_a_phone_screen(demo_books: dict[str, Path], tmp_path: Path) -> None:
    page = demo_books["fr"] / "index.html"
    seen = laid_out(page, 360, tmp_path, failed_anchor(page))
    assert seen["client"] > 320  # the frame's own width, less a scroll bar
    assert seen["traceRows"] > 10  # the failed case's trace lines were on the page when it was measured
    assert (seen["scroll"], seen["wide"]) == (seen["client"], []), f"{seen['scroll']} px of page in {seen['client']}"
    # the long tables are whole, in a box of their own that scrolls: the case index, the cover's cards
    assert "div in #cases" in seen["scrolling"]
    assert "table in #cover" in seen["scrolling"]


def test_a_desktop_window_keeps_its_tables(demo_books: dict[str, Path], tmp_path: Path) -> None:
    """The phone's layout is the phone's only: at 1280 px nothing scrolls in a box and the index is a table."""
    seen = laid_out(demo_books["fr"] / "index.html", 1280, tmp_path)
    assert (seen["scroll"], seen["wide"], seen["scrolling"]) == (seen["client"], [], [])
    assert seen["indexDisplay"] == "table"


def test_the_probe_sees_what_sticks_out(tmp_path: Path) -> None:
    """The control: a bare wide cell and a clipped one are reported, one in a box that scrolls is not."""
    cell = '<table><tr><td style="white-space:nowrap">' + "x" * 300 + "</td></tr></table>"
    page = tmp_path / "wide.html"
    page.write_text(
        '<!DOCTYPE html><html><body><table id="index"></table>'
        f'<section id="bare">{cell}</section>'
        f'<section id="clipped"><div style="overflow:hidden">{cell}</div></section>'
        f'<section id="boxed"><div style="overflow-x:auto">{cell}</div></section></body></html>',
        encoding="utf-8",
    )
    seen = laid_out(page, 360, tmp_path)
    assert seen["scroll"] > seen["client"]
    assert "td in #bare" in seen["wide"] and "td in #clipped" in seen["wide"]
    assert not [w for w in seen["wide"] if w.endswith("#boxed")]
    assert "div in #boxed" in seen["scrolling"]
