"""Build a report folder from a session file, once, at the end: HTML, evidence, JSON, JUnit, chain, manifest.

Layout of the folder (every file listed with its SHA-256 in ``manifest.json``)::

    index.html          the exam book (self-contained; links to evidence/)
    evidence/           full traces and produced files, hashed
    report.json         the same content as data (schema: testbench/report/schema/report-1.schema.json)
    junit.xml           for CI servers
    journal-chain.json  the session journal's hash chain (hashes only, no personal data)
    report.pdf          with --pdf
    manifest.json       SHA-256 of every file above
    manifest.sig.json   Ed25519 signature of the manifest (with --sign)

The build streams (:mod:`testbench.report.stream`): each case's section and JSON are written as the case
is gathered, so its memory does not grow with the campaign's content.

The whole folder is built in a temporary folder beside the target and its files swapped in only when it is
complete: a rebuild that fails (a full disk) or is interrupted (^C, a CI's SIGTERM) leaves the previous book,
perhaps signed, as it was, and nothing half-written; the temporary folder a build killed outright left is
removed by the next build of that folder. The previous book's files the new one has not (its signature, when
rebuilt without a key; its PDF) go with it, named in ``BuildResult.dropped`` for the caller to say. A PDF
that cannot be printed (no working Chromium) is only left out: the rest of the book is whole, manifested and
signed, and the caller says the PDF is missing (``BuildResult.pdf_missing``).
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from testbench.integrity import manifest
from testbench.interrupts import deferred
from testbench.report.content import gather
from testbench.report.coverage_page import gather_coverage
from testbench.report.evidence import Evidence
from testbench.report.html import casebook_languages
from testbench.report.junit import junit_bytes, junit_tree
from testbench.report.options import DEFAULT_EXCERPT, Options
from testbench.report.stream import CaseSpool
from testbench.scope.plan import load_plan
from testbench.signing import Signer
from testbench.store import chain
from testbench.store.read import read_session
from testbench.wholefile import replace_over


@dataclass
class BuildOptions:
    lang: str = "fr"
    redact: bool = True
    excerpt: int = DEFAULT_EXCERPT
    signer: Signer | None = None
    pdf: bool = False
    junit: bool = True
    chromium: str | None = None
    plan: Path | None = None  # the exam plan of the coverage page; default: the one the session recorded
    progress: Callable[[str], None] | None = None  # told each stage as it starts (the CLI prints it)
    chain_head: tuple[int, str] | None = None  # (length, head) the writing process left: see Options


@dataclass
class BuildResult:
    folder: Path
    html: Path
    files: list[str] = field(default_factory=list)
    pdf: Path | None = None
    pdf_missing: str | None = None  # why report.pdf, asked for, could not be printed (French, as recorded)
    signed: bool = False
    redaction_counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for benchmarks
    chain_problems: list[str] = field(default_factory=list)  # the session's chain as checked: [] when whole
    #: the previous book's files the new one has not (its signature, its PDF): gone with it, for the caller to say
    dropped: list[str] = field(default_factory=list)


def _scratch(out_dir: Path, kind: str) -> Path:
    """A temporary folder on the report folder's disk, so that its files move in by renaming: beside it
    (nothing left in the report if the process is killed), else inside it — when the folder is a mount
    point (a USB stick's root: beside is another disk) or its parent cannot be written."""
    place = out_dir.absolute()
    if not _mounted(place):
        try:
            return Path(tempfile.mkdtemp(prefix=f".{place.name}.{kind}-", dir=place.parent))
        except PermissionError:
            pass
    place.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".testbench-{kind}-", dir=place))


def _mounted(place: Path) -> bool:
    return place.is_dir() and os.stat(place).st_dev != os.stat(place.parent).st_dev


#: the random part of a name :mod:`tempfile` makes
_TEMPORARY = re.compile(r"[a-z0-9_]{8}")
_LOCK = ".lock"
#: a lock file without its folder older than this is a leftover (a build makes the folder just after it)
_ORPHAN_AGE = 60.0


def _new_scratch(out_dir: Path) -> tuple[Path, FileLock]:
    """The folder a build fills, where :func:`_scratch` puts it (``.NAME.new-XXXXXXXX`` beside the report
    folder, ``.testbench-new-XXXXXXXX`` inside it), held while the build runs by a lock file beside it (the
    same name, ``.lock``). The folders a build killed outright (SIGKILL, a power cut) left there — ours by their
    name, their lock free — are removed first: a build under way holds its own."""
    place = out_dir.absolute()
    if not _mounted(place):
        try:
            return _held_scratch(place.parent, f".{place.name}.new-")
        except PermissionError:
            pass
    place.mkdir(parents=True, exist_ok=True)
    return _held_scratch(place, ".testbench-new-")


def _held_scratch(folder: Path, prefix: str) -> tuple[Path, FileLock]:
    _sweep(folder, prefix)
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=_LOCK, dir=folder)  # the lock first, then its folder
    os.close(handle)
    lock = FileLock(name, timeout=0)
    scratch = Path(name[: -len(_LOCK)])
    try:
        lock.acquire()
        scratch.mkdir()
    except BaseException:
        _let_go(lock)
        raise
    return scratch, lock


def _let_go(lock: FileLock) -> None:
    """Remove the lock file, then release it (on Windows a held file cannot be removed: releasing removes it)."""
    with contextlib.suppress(OSError):
        os.unlink(lock.lock_file)
    lock.release()


def _discard(scratch: Path, lock: FileLock) -> None:
    shutil.rmtree(scratch, ignore_errors=True)
    _let_go(lock)


def _sweep(folder: Path, prefix: str) -> None:
    """Remove the build folders named ``prefix`` + tempfile's eight characters in ``folder`` whose lock is free
    (a killed build's), with their lock file; best effort: what cannot be removed stays."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        stem = name[: -len(_LOCK)] if name.endswith(_LOCK) else name
        if not (stem.startswith(prefix) and _TEMPORARY.fullmatch(stem[len(prefix) :])):
            continue
        scratch, lock_file = folder / stem, folder / (stem + _LOCK)
        if name == stem:
            if not scratch.is_dir() or scratch.is_symlink():
                continue
            lock = FileLock(lock_file, timeout=0)
            try:
                lock.acquire()
            except (Timeout, OSError):  # a build under way, or a folder where no lock can be made
                continue
            try:
                shutil.rmtree(scratch, ignore_errors=True)
            finally:
                _let_go(lock)
        elif not os.path.lexists(scratch):  # a lock whose folder is gone, left by a build killed at its end
            with contextlib.suppress(OSError):
                if time.time() - os.stat(lock_file).st_mtime > _ORPHAN_AGE:
                    os.unlink(lock_file)


def _swap_in(built: Path, out_dir: Path) -> list[str]:
    """Put the complete folder ``built`` in place of the report ``out_dir`` holds (other files are left):
    renames on one disk (:func:`~testbench.wholefile.replace_over`: on Windows a file a reviewer's browser or
    PDF reader holds is waited for a moment, then said open in another program), the previous report's files
    moved back if one fails. Returns the previous report's
    files the new one has not (``manifest.sig.json`` of a book rebuilt unsigned, ``report.pdf``). A folder whose
    files of those names are no report's (a person's own ``index.html``, ``evidence/``) is left as it is: an
    ``OSError`` (EEXIST), said as every write failure is (the commands refuse such a folder before building)."""
    from testbench.report.owner import foreign_files

    if found := foreign_files(out_dir):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(out_dir / found[0]))
    out_dir.mkdir(parents=True, exist_ok=True)
    old = _scratch(out_dir, "old")
    moved: list[str] = []
    placed: list[str] = []
    try:
        for name in manifest.REPORT_NAMES:  # what a build writes; the rest of the folder is left
            if os.path.lexists(out_dir / name):
                replace_over(out_dir / name, old / name)
                moved.append(name)
        for entry in sorted(built.iterdir()):
            replace_over(entry, out_dir / entry.name)
            placed.append(entry.name)
    except OSError:
        for name in placed:
            replace_over(out_dir / name, built / name)
        for name in moved:
            replace_over(old / name, out_dir / name)
        old.rmdir()
        raise
    shutil.rmtree(old, ignore_errors=True)
    return [name for name in moved if name not in placed]


def _print(spool: CaseSpool, data: dict[str, Any], out_dir: Path, chromium: str | None, result: BuildResult) -> None:
    """``report.pdf``, its full traces attached; a PDF that cannot be printed (no working Chromium) is left
    out, why in ``result.pdf_missing``: the rest of the book is whole, and gets its manifest and signature."""
    from testbench.report.attachments import trace_attachments
    from testbench.report.pdf import PdfError, embed_files, html_to_pdf

    target = out_dir / "report.pdf"
    try:
        with tempfile.TemporaryDirectory(prefix="testbench-print-") as tmp:
            page = spool.write_html(data, Path(tmp) / "index.html", printed=True)
            result.pdf = html_to_pdf(page, target, chromium=chromium)
        redacted = bool(data["redaction"]["enabled"])
        embed_files(result.pdf, trace_attachments(data["cases"], out_dir, spool.screen.lang, redacted))  # full traces
    except PdfError as exc:
        target.unlink(missing_ok=True)  # a PDF without its traces is not the book either
        result.pdf, result.pdf_missing = None, str(exc)


def _write_chain(target: Path, entries: Iterator[dict[str, Any]]) -> dict[str, Any]:
    """The journal's hash chain, entry by entry as the session yields them (ten thousand entries for a
    700-case campaign); its anchor (length and head) for the manifest."""
    length, head = 0, chain.GENESIS
    with target.open("wb") as out:
        out.write(b'{"format":"testbench-chain/1","entries":[')
        while chunk := list(itertools.islice(entries, 100)):  # a hundred entries per encoding: 1 % of the calls
            out.write(("," if length else "").encode() + json.dumps(chunk, separators=(",", ":"))[1:-1].encode())
            length, head = length + len(chunk), chunk[-1]["hash"]
        out.write(b"]}\n")
    return {"chain_length": length, "chain_head": head}


def build_report(session_path: Path, out_dir: Path, options: BuildOptions | None = None) -> BuildResult:
    """Build the report of ``session_path`` and put it in ``out_dir`` once complete; an ``OSError`` (a full
    disk…) leaves ``out_dir`` as it was."""
    options = options or BuildOptions()
    if options.plan is not None:  # a plan that cannot be read is said before the campaign is read and written out
        load_plan(options.plan)
    out_dir.absolute().parent.mkdir(parents=True, exist_ok=True)
    built, held = _new_scratch(out_dir)
    try:
        result = _build(session_path, built, options)
        with deferred():  # ^C or SIGTERM: after the renames, the book is the previous one or the new one
            dropped = _swap_in(built, out_dir)
    finally:  # ^C or SIGTERM included (the CLI raises it as KeyboardInterrupt): nothing of the build is left
        _discard(built, held)
    result.folder, result.html, result.dropped = out_dir, out_dir / result.html.name, dropped
    result.pdf = out_dir / result.pdf.name if result.pdf else None
    return result


def _build(session_path: Path, out_dir: Path, options: BuildOptions) -> BuildResult:
    """Every file of the report, written into the empty folder ``out_dir``."""
    signer_info = (
        {"public_key": options.signer.public.b64, "fingerprint": options.signer.public.fingerprint}
        if options.signer
        else None
    )
    say = options.progress or (lambda _stage: None)
    say("lecture de la session, anonymisation, pièces")
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    with (
        Evidence(out_dir) as evidence,
        read_session(session_path) as session,
        CaseSpool(
            out_dir,
            options.lang,
            printed=options.pdf,
            signer=signer_info and signer_info["fingerprint"],
            casebook_langs=casebook_languages(session.casebooks),
        ) as spool,
    ):
        gathering = Options(
            redact=options.redact,
            excerpt=options.excerpt,
            signer=signer_info,
            lang=options.lang,
            chain_head=options.chain_head,
        )
        content = gather(session, gathering, evidence, each=spool)  # each case spooled as it is gathered
        evidence.finish()  # every file on disk before the PDF and the manifest read them
        coverage = gather_coverage(
            session, options.plan, content.scrub, content.data["integrity"]["chain_problems"]
        )
        if coverage is not None:
            content.data["coverage"] = coverage
        lap("gather+evidence+sections")
        say("mise en page HTML")
        target = spool.write_html(content.data, out_dir / "index.html")
        lap("page")
        spool.write_json(content.data, out_dir / "report.json")
        chain_ok = content.data["integrity"]["chain_ok"]
        junit = junit_tree(session, options.lang, content.scrub, chain_ok=chain_ok) if options.junit else None
        checked = content.data["integrity"]["chain_length"]  # a run writing the session meanwhile adds none
        journal = _write_chain(out_dir / "journal-chain.json", session.chain_entries(upto=checked))
        if junit is not None:
            (out_dir / "junit.xml").write_bytes(junit_bytes(junit))
        lap("write json+junit+chain")
        result = BuildResult(
            out_dir,
            target,
            redaction_counts=dict(content.redaction_counts),
            timings=timings,
            chain_problems=list(content.data["integrity"]["chain_problems"]),
        )
        if options.pdf:
            # no figure: 700 cases took 5 s alone and 27 s on a loaded machine
            say("impression PDF par Chromium (jusqu'à quelques dizaines de secondes pour des centaines de cas)")
            _print(spool, content.data, out_dir, options.chromium, result)
            lap("pdf")
    say("manifeste et signature" if options.signer else "manifeste")  # each stage a whole entry of the catalogue
    manifest.write_manifest(out_dir, journal=journal)  # a later cut of the session shows
    if options.signer is not None:
        manifest.sign_manifest(out_dir, options.signer)
        result.signed = True
    lap("manifest+signature")
    result.files = manifest.report_files(out_dir)
    return result
