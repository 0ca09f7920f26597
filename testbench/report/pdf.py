"""PDF of the exam book, printed from the same HTML by headless Chromium.

Why Chromium and not WeasyPrint: the PDF then matches what the reviewer sees in a browser (same
layout engine as the HTML, same print style sheet), Chromium is already a system package of the
bench (``scripts/setup.sh``), and no Python package with native Pango/Cairo dependencies is added.
The browser runs with no network, no extensions, no sync, and a throwaway profile.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")

#: flags for every headless run: nothing leaves the machine, nothing persists
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--mute-audio",
)


class PdfError(Exception):
    pass


def find_chromium(explicit: str | None = None) -> str:
    if explicit:
        return explicit
    env = os.environ.get("TESTBENCH_CHROMIUM")
    if env:
        return env
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError("Chromium introuvable (installez le paquet chromium, ou TESTBENCH_CHROMIUM=chemin)")


def html_to_pdf(html: Path, target: Path, *, chromium: str | None = None, timeout: float = 600.0) -> Path:
    exe = find_chromium(chromium)
    with tempfile.TemporaryDirectory(prefix="testbench-chromium-") as profile:
        cmd = [
            exe,
            *HEADLESS_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            f"--print-to-pdf={target.resolve()}",
            html.resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"impression PDF impossible : {exc}") from None
    if proc.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise PdfError(f"Chromium n'a pas produit le PDF (code {proc.returncode}) : {' | '.join(tail)}")
    _freeze_dates(target)
    return target


_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9Z+\-']{8,}\)")


def _freeze_dates(pdf: Path) -> None:
    """Replace the print time by a fixed date of the same length, so the same HTML gives the same PDF."""
    data = pdf.read_bytes()

    def repl(m: re.Match[bytes]) -> bytes:
        head = b"/" + m.group(1) + b" (D:"
        body_len = len(m.group(0)) - len(head) - 1
        fixed = (b"20000101000000+00'00'" + b" " * body_len)[:body_len]
        return head + fixed + b")"

    new = _DATE.sub(repl, data)
    if new != data:
        pdf.write_bytes(new)
