"""The exam book as a reviewer with a screen reader, a keyboard or a printer meets it, in a real Chromium driven
through its DevTools protocol (``--remote-debugging-pipe``: no extra package, no port).

- every case reaches the accessibility tree, Chromium's own, as a screen reader is given it
  (``--force-renderer-accessibility``): a case section off screen is not laid out when the page opens, and Chromium
  gives nothing of such a section to a screen reader until the page's script has laid it out;
- a « Sommaire » navigation landmark comes first, its first link going to the cases (a keyboard skips the cover);
  every table column has a name; the filter's count of cases is a status, said as it changes;
- the page printed from the browser (what ``Ctrl+P`` does) prints a passed case's trace excerpt, which the screen
  shows folded, and no « Afficher l'extrait de trace » control on paper;
- the PDF says the book's language (``/Lang``), which Chromium leaves out of an untagged PDF.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_report_browser import CHROMIUM
from test_report_build import campaign

from testbench.report.build import BuildOptions, build_report
from testbench.report.pdf import HEADLESS_FLAGS

PDFTOTEXT, PDFINFO, PDFDETACH = shutil.which("pdftotext"), shutil.which("pdfinfo"), shutil.which("pdfdetach")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh installs it)"),
    pytest.mark.skipif(sys.platform == "win32", reason="the DevTools pipe is passed as file descriptors 3 and 4"),
]
#: more cases than one screen shows, so that most sections start off screen
CASES = tuple(f"OK-{i:02d}" for i in range(30))


class DevTools:
    """A headless Chromium spoken to over ``--remote-debugging-pipe``: JSON messages ended by NUL, ours on its
    descriptor 3, its answers on 4."""

    def __init__(self, profile: Path, *flags: str) -> None:
        ours_read, its_write = os.pipe()
        its_read, ours_write = os.pipe()

        def descriptors() -> None:  # in the child: its ends as 3 and 4, whatever numbers they had
            import fcntl  # POSIX, as this test

            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 64) for fd in (its_read, its_write)]  # out of the way of 3 and 4
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        cmd = [str(CHROMIUM), *HEADLESS_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", *flags]
        self.proc = subprocess.Popen(
            [*cmd, "about:blank"],
            close_fds=False,
            preexec_fn=descriptors,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(its_read)
        os.close(its_write)
        self.out, self.into = os.fdopen(ours_read, "rb", buffering=0), os.fdopen(ours_write, "wb", buffering=0)
        self.pending, self.count, self.session, self.loaded = b"", 0, "", False

    def _message(self) -> dict[str, Any]:
        while b"\0" not in self.pending:
            chunk = self.out.read(1 << 16)
            assert chunk, "Chromium closed its DevTools pipe"
            self.pending += chunk
        message, _, self.pending = self.pending.partition(b"\0")
        return json.loads(message)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.count += 1
        message = {"id": self.count, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        self.into.write(json.dumps(message).encode() + b"\0")
        while (answer := self._message()).get("id") != self.count:
            if answer.get("method") == "Page.loadEventFired":
                self.loaded = True
        assert "error" not in answer, answer
        return answer["result"]

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.loaded = False
        self.call("Page.enable")
        self.call("Page.navigate", url=url)
        while not self.loaded:
            self.loaded = self._message().get("method") == "Page.loadEventFired"

    def value(self, expression: str) -> Any:
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("book")
    session = campaign(tmp, case_ids=CASES, hostile=False)
    return build_report(session, tmp / "r", BuildOptions()).html


def named(nodes: list[dict[str, Any]], role: str) -> list[str]:
    """The names of the accessibility tree's nodes of ``role``."""
    return [n.get("name", {}).get("value", "") for n in nodes if n.get("role", {}).get("value") == role]


def _browser(tmp_path: Path, *flags: str) -> DevTools:
    return DevTools(tmp_path / "profile", *flags)


def test_every_case_reaches_a_screen_reader_and_the_cases_come_first_by_keyboard(book: Path, tmp_path: Path) -> None:
    browser = _browser(tmp_path, "--force-renderer-accessibility=complete")
    try:
        browser.open(book.as_uri())
        deadline = time.monotonic() + 20  # the page's script lays out the cases off screen a few at a time
        while True:
            nodes = browser.call("Accessibility.getFullAXTree")["nodes"]
            headings = named(nodes, "heading")
            missing = [cid for cid in CASES if not any(h.startswith(cid + " ") for h in headings)]
            if not missing or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        first_link = browser.value("document.querySelector('a[href]').getAttribute('href')")
    finally:
        browser.close()
    assert missing == []
    assert "Étapes" in headings  # the sections' content too, not only their titles
    assert named(nodes, "navigation") == ["Sommaire"]
    assert "" not in named(nodes, "columnheader")  # every column says what it holds
    assert len(named(nodes, "status")) == 1  # the filter's count of cases, said as it changes
    assert first_link == "#cases"


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) not installed")
def test_the_page_printed_from_the_browser_prints_the_folded_traces(book: Path, tmp_path: Path) -> None:
    browser = _browser(tmp_path)
    try:
        browser.open(book.as_uri())
        pdf = base64.b64decode(browser.call("Page.printToPDF", preferCSSPageSize=True)["data"])
        folded_again = browser.value("document.querySelectorAll('details.lazy-trace[open]').length")
    finally:
        browser.close()
    (tmp_path / "page.pdf").write_bytes(pdf)
    text = subprocess.run([PDFTOTEXT, str(tmp_path / "page.pdf"), "-"], capture_output=True, check=True).stdout
    printed = text.decode()
    assert "Afficher l'extrait de trace" not in printed  # a control, not paper
    assert [cid for cid in CASES if f"début du cas {cid}" not in printed] == []  # each passed case's excerpt
    assert folded_again == 0  # the screen as the reader left it



@pytest.mark.skipif(PDFINFO is None or PDFDETACH is None, reason="poppler-utils not installed")
def test_the_pdf_says_the_book_s_language(tmp_path: Path) -> None:
    """Chromium writes no /Lang in an untagged PDF: the book's is added, and the PDF still reads whole (its
    attached traces included)."""
    session = campaign(tmp_path, hostile=False)
    pdf = build_report(session, tmp_path / "r", BuildOptions(lang="en", pdf=True)).pdf
    assert pdf is not None
    catalogs = re.findall(rb"/Type /Catalog(.*?)>>\s*endobj", pdf.read_bytes(), re.S)
    assert re.findall(rb"/Lang \(([^)]*)\)", catalogs[-1]) == [b"en"]  # the catalog the reader uses
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True)
    assert "Title:" in info.stdout and info.stderr == ""
    listed = subprocess.run([PDFDETACH, "-list", str(pdf)], capture_output=True, text=True, check=True)
    assert listed.stdout.startswith("2 embedded files") and listed.stderr == ""
