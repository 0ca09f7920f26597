"""PDF of the exam book, printed from the same HTML by headless Chromium.

Why Chromium and not WeasyPrint: the PDF then matches what the reviewer sees in a browser (same
layout engine as the HTML, same print style sheet), Chromium is already a system package of the
bench (``scripts/setup.sh``), and no Python package with native Pango/Cairo dependencies is added.
The browser runs with no network, no extensions, no sync, and a throwaway profile.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from testbench.fmt import os_reason
from testbench.i18n import _t

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome", "msedge")

#: Windows: where Chrome and Edge install themselves (neither is on the PATH): (environment variable, path
#: under it); Edge, a Chromium that prints the same way, is on every Windows 10 and 11
WINDOWS_INSTALLS = (
    ("ProgramFiles", ("Google", "Chrome", "Application", "chrome.exe")),
    ("ProgramFiles(x86)", ("Google", "Chrome", "Application", "chrome.exe")),
    ("LOCALAPPDATA", ("Google", "Chrome", "Application", "chrome.exe")),
    ("ProgramFiles(x86)", ("Microsoft", "Edge", "Application", "msedge.exe")),
    ("ProgramFiles", ("Microsoft", "Edge", "Application", "msedge.exe")),
)

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
    """The browser to print with: ``explicit``, else ``TESTBENCH_CHROMIUM``, else the first one on the PATH,
    else (Windows) Chrome or Edge where they install themselves.

    A path given that names no program is said with the OS's reason in words, not run (Python's own
    « [Errno 2] … » would reach the person)."""
    windows = sys.platform == "win32"
    given = explicit or os.environ.get("TESTBENCH_CHROMIUM")
    if given:
        found = shutil.which(given)
        if found is None:
            said = (
                _t("Chromium {path} : {reason} ; corrigez TESTBENCH_CHROMIUM (chemin de chrome.exe ou msedge.exe)")
                if windows
                else _t("Chromium {path} : {reason} ; corrigez TESTBENCH_CHROMIUM ou installez le paquet chromium")
            )
            raise PdfError(said.format(path=given, reason=os_reason(OSError(_not_a_program(given), given))))
        return found
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    if windows:
        for place in _windows_installs():
            if os.path.isfile(place):
                return place
        raise PdfError(
            _t(
                "Chromium introuvable : ni Google Chrome ni Microsoft Edge dans leurs dossiers d'installation ;"
                " installez l'un des deux, ou indiquez le navigateur par TESTBENCH_CHROMIUM=chemin de chrome.exe"
                " ou msedge.exe"
            )
        )
    raise PdfError(_t("Chromium introuvable (installez le paquet chromium, ou TESTBENCH_CHROMIUM=chemin)"))


def _windows_installs() -> list[str]:
    """Chrome's and Edge's program files on Windows, in the order they are tried (their folders read from the
    environment: ``%ProgramFiles%``, ``%ProgramFiles(x86)%``, ``%LOCALAPPDATA%``)."""
    return [os.path.join(base, *parts) for variable, parts in WINDOWS_INSTALLS if (base := os.environ.get(variable))]


def _not_a_program(path: str) -> int:
    """Why ``path`` cannot be run, as an errno for :func:`testbench.fmt.os_reason`."""
    if not os.path.lexists(path):
        return errno.ENOENT
    return errno.EISDIR if os.path.isdir(path) else errno.EACCES


def html_to_pdf(html: Path, target: Path, *, chromium: str | None = None, timeout: float = 600.0) -> Path:
    exe = find_chromium(chromium)
    with tempfile.TemporaryDirectory(prefix="testbench-chromium-") as profile:
        cmd = [
            exe,
            *HEADLESS_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            # the structure tree of a tagged PDF is 60 % of a 700-case book and half its print time; the
            # accessible form of the report is index.html (semantic HTML), the PDF is for print and archive
            "--disable-pdf-tagging",
            f"--print-to-pdf={target.resolve()}",
            html.resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except OSError as exc:
            said = _t("impression PDF impossible : Chromium {path} : {reason}")
            raise PdfError(said.format(path=exe, reason=os_reason(exc))) from None
        except subprocess.TimeoutExpired:
            said = _t("impression PDF impossible : Chromium n'a pas fini en {seconds} s")
            raise PdfError(said.format(seconds=f"{timeout:g}")) from None
    if proc.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
        said = _t("Chromium n'a pas produit le PDF (code {code}) : {output}")
        raise PdfError(said.format(code=proc.returncode, output=" | ".join(tail) or _t("aucun message")))
    _freeze_dates(target)
    _set_language(target, html)
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


_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", re.S)


def embed_files(pdf: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Attach ``files`` (name, bytes) to ``pdf`` as embedded files, by an incremental update.

    Chromium cannot attach files, and rewriting a 700-page PDF costs more than printing it: the update
    appends the compressed files, their file specifications, a name tree and a new catalog that points to
    it (and opens the viewer's attachments panel), then a cross-reference section that chains to
    Chromium's. Names are written as given (ASCII file names). Deterministic: same files, same bytes.
    Returns the number of files attached.
    """
    files = sorted(files)
    if not files:
        return 0
    data = pdf.read_bytes()
    size, root, info_ref, prev, catalog = _tail(data)
    if catalog is None or b"/Names" in catalog or b"/PageMode" in catalog:
        raise PdfError(_t("catalogue du PDF inattendu : pièces jointes impossibles"))
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets: dict[int, int] = {}

    def put(number: int, body: bytes) -> None:
        offsets[number] = len(out)
        out.extend(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    number, names = size, []
    for name, content in files:
        packed = zlib.compress(content, 9)
        put(
            number,
            b"<</Type /EmbeddedFile /Subtype /text#2Fplain /Filter /FlateDecode /Length %d /Params <</Size %d>>>>"
            b"\nstream\n" % (len(packed), len(content)) + packed + b"\nendstream",
        )
        label = _pdf_string(name)
        put(number + 1, b"<</Type /Filespec /F %s /UF %s /EF <</F %d 0 R>>>>" % (label, label, number))
        names.append(b"%s %d 0 R" % (label, number + 1))
        number += 2
    put(number, b"<</Names [" + b" ".join(names) + b"]>>")
    put(root, b"<<" + catalog + b"\n/Names <</EmbeddedFiles %d 0 R>>\n/PageMode /UseAttachments>>" % number)
    xref = len(out)
    out.extend(
        b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n%d %d\n"
        % (root, offsets[root], size, number + 1 - size)
    )
    out.extend(b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(size, number + 1)))
    out.extend(
        b"trailer\n<</Size %d /Root %d 0 R%s /Prev %d>>\nstartxref\n%d\n%%%%EOF\n"
        % (number + 1, root, info_ref, prev, xref)
    )
    pdf.write_bytes(bytes(out))
    return len(files)


_CATALOG = re.compile(rb"\d+ 0 obj\s*<<(.*?)>>\s*endobj", re.S)


def _tail(data: bytes) -> tuple[int, int, bytes, int, bytes | None]:
    """What an incremental update of Chromium's PDF builds on: its object count, its catalog's number, its trailer's
    ``/Info`` entry, where its last cross-reference section is, and its catalog's entries (None: not a dictionary)."""
    trailer = _TRAILER.search(data[-4096:])
    if trailer is None:
        raise PdfError(_t("PDF sans table de références classique : pièces jointes impossibles"))
    fields, prev = trailer.group(1), int(trailer.group(2))
    size = int(re.search(rb"/Size (\d+)", fields).group(1))  # type: ignore[union-attr]
    root = int(re.search(rb"/Root (\d+) 0 R", fields).group(1))  # type: ignore[union-attr]
    info = re.search(rb"/Info (\d+) 0 R", fields)
    catalog = _CATALOG.match(data, _offset(data, prev, root))
    return size, root, b" /Info %s 0 R" % info.group(1) if info else b"", prev, catalog and catalog.group(1)


#: the page's language as its template writes it, at its start
_LANG = re.compile(rb'<html lang="([A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*)"')


def _set_language(pdf: Path, html: Path) -> None:
    """The page's language (its ``<html lang>``) as the PDF's ``/Lang``, by an incremental update: Chromium writes
    none in an untagged PDF, and a reader's speech would read the book in the viewer's language. A PDF not as
    Chromium writes it is left as it is (:func:`embed_files` then says why)."""
    with html.open("rb") as page:
        found = _LANG.search(page.read(4096))
    data = pdf.read_bytes()
    try:
        size, root, info_ref, prev, catalog = _tail(data)
    except PdfError:
        return
    if found is None or catalog is None or b"/Lang" in catalog:
        return
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offset = len(out)
    out.extend(b"%d 0 obj\n<<%s\n/Lang (%s)>>\nendobj\n" % (root, catalog, found.group(1)))
    xref = len(out)
    out.extend(b"xref\n%d 1\n%010d 00000 n \n" % (root, offset))
    trailer = b"trailer\n<</Size %d /Root %d 0 R%s /Prev %d>>\nstartxref\n%d\n%%%%EOF\n"
    out.extend(trailer % (size, root, info_ref, prev, xref))
    pdf.write_bytes(bytes(out))


def _offset(data: bytes, xref: int, number: int) -> int:
    """Where object ``number`` starts, read from the cross-reference section at ``xref`` (Chromium writes one)."""
    head = re.compile(rb"xref\s+(\d+) (\d+)\r?\n").match(data, xref)
    if head is None or not int(head.group(1)) <= number < int(head.group(1)) + int(head.group(2)):
        raise PdfError(_t("table de références du PDF inattendue : pièces jointes impossibles"))
    entry = head.end() + 20 * (number - int(head.group(1)))
    return int(data[entry : entry + 10])


def _pdf_string(text: str) -> bytes:
    """A PDF literal string of a file name (ASCII; parentheses and backslashes escaped)."""
    raw = text.encode("ascii", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
