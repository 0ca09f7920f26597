"""``testbench sut check``: what a profile would capture and extract from what is there now.

Reads the last lines of each log source (with the format the capture would use), lists each output
folder's newest files, and runs each extractor on the newest complete file of its folder, or on the
last log lines of its channel: the values the bench would observe for the application's last case,
each with its provenance. Nothing is written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from testbench.extract.model import Extracted, ExtractError
from testbench.extract.spec import ExtractorSpec
from testbench.i18n import _t, tn
from testbench.sut.filenames import partial, readable_name
from testbench.sut.profile import LogSource, SutProfile, output_warnings
from testbench.traces import logtext
from testbench.traces.model import TraceLine
from testbench.traces.parsers import LineFormat, StreamParser, detect_format, get_format
from testbench.traces.redact import redact_pins_lines
from testbench.traces.tail import log_files

#: bytes read from the end of a log file to find its last lines
TAIL_BYTES = 256 << 10
#: a log that matches no file, or cannot be read: warned as a missing output folder is (profile.output_warnings)
LOG_MISSING = _t(
    "le journal {path} ne correspond encore à aucun fichier — le logiciel doit le créer à sa première écriture,"
    " sinon aucune de ses lignes ne sera capturée"
)
LOG_UNREADABLE = _t("le journal {path} est illisible, aucune de ses lignes ne sera capturée ({reason})")
#: the last lines of each log read at a run's start and as the workstation opens (a stack trace may end it)
WARN_LINES = 20
#: a log whose format gives timestamps but reads none on its last lines: no application time, no clock offset
LOG_UNTIMED = _t(
    "le journal {path} : son format de ligne ({fmt}) ne lit l'heure d'aucune de ses dernières lignes — elles seront"
    " capturées sans l'heure du logiciel (vérifiez format ou pattern dans le profil)"
)
#: a log none of whose last lines (:data:`MIN_JUDGED` at least: a stack trace may end it) its format reads
LOG_UNREAD = _t(
    "le journal {path} : aucune de ses {count} dernières lignes ne suit son format de ligne ({fmt}) — leur heure et"
    " leur niveau ne seront pas lus (vérifiez format ou pattern dans le profil)"
)
MIN_JUDGED = 5
#: a log whose first bytes say UTF-16 while the profile gives another encoding: read in UTF-16 all the same
LOG_UTF16 = _t(
    "ce fichier est en UTF-16, le profil dit « {encoding} » : le banc le lit en UTF-16 (écrivez"
    ' encoding = "utf-16" dans le profil)'
)
#: a log that starts with UTF-8's byte order mark while the profile gives another encoding: read in UTF-8 all the same
LOG_UTF8_BOM = _t(
    "ce fichier commence par la marque d'ordre des octets d'UTF-8, le profil dit « {encoding} » : le banc le lit en"
    ' UTF-8 (écrivez encoding = "utf-8" dans le profil)'
)


#: a file extractor of an ``[outputs]`` key that reads nothing, while its subfolders hold a file of its kind
IN_SUBFOLDER = _t(
    'aucun fichier ne correspond à {where} ; {file} est dans un sous-dossier, que files = "{key}" ne lit pas (le'
    " dossier lui-même seulement) : pour lire ses sous-dossiers, écrivez files = '{glob}'"
)
#: a log extractor that read no value in the last lines of its channel (:func:`_unmatched`)
UNMATCHED_LINE = _t("la ligne lue ne correspond pas au motif : {files} (canal {channel})")
UNMATCHED_LINES = _t("aucune des {count} lignes lues ne correspond au motif : {files} (canal {channel})")
NO_LINE_READ = _t("aucune ligne lue : {files} (canal {channel})")
NO_LOG_ON_CHANNEL = _t("aucun journal du profil n'écrit sur le canal {channel} : cet extracteur ne lira aucune ligne")


class OutputFile(NamedTuple):
    mtime: float
    name: str
    size: int


@dataclass
class LogReading:
    """One source's last lines as the capture would parse them."""

    source: LogSource
    file: Path | None
    fmt: str  # the preset used (``auto`` resolved)
    lines: list[TraceLine] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # each line's message, as its format reads it
    problem: str = ""
    warning: str = ""  # the problem as the bench warns of it (French, composed)
    note: str = ""  # how the file is read when it is not as the profile says (French, composed)


@dataclass
class ExtractorReading:
    name: str
    kind: str
    read: str  # the file read, or the channel
    values: list[Extracted] = field(default_factory=list)
    note: str = ""  # nothing to read yet (not an error)
    problem: str = ""  # what it read, it could not read (ExtractError)


@dataclass
class CheckReport:
    profile: SutProfile
    logs: list[LogReading]
    outputs: list[tuple[str, Path, list[OutputFile]]]  # key, folder, newest files first
    extractors: list[ExtractorReading]

    @property
    def ok(self) -> bool:
        """No extractor failed to read what is there (else ``sut check`` exits 3)."""
        return not any(r.problem for r in self.extractors)

    @property
    def warnings(self) -> list[str]:
        """What is declared but not there now, a French sentence each: a log that matches no file (or cannot
        be read), an output folder that does not exist (``sut check`` exits 2; the profile itself is fine)."""
        return profile_warnings(self.profile, self.logs)


def profile_warnings(profile: SutProfile, logs: list[LogReading] | None = None) -> list[str]:
    """What the profile declares but is not there now, a French sentence each (read in the person's language
    through the catalogue): a log that matches no file or cannot be read, then each output folder missing
    (:func:`~testbench.sut.profile.output_warnings`); ``logs`` the sources already read, else read here.

    The one check of ``testbench sut check``, of the start of a run (:class:`~testbench.runner.campaign.Campaign`)
    and of the workstation as it opens: a warning, not a refusal (the application creates them as it writes)."""
    readings = logs if logs is not None else [read_log(source, WARN_LINES) for source in profile.log_sources]
    return [log.warning for log in readings if log.warning] + output_warnings(profile)


def last_lines(path: Path, count: int, encoding: str) -> list[str]:
    """The last ``count`` complete lines of a file (a line still being written is left out), decoded as the
    capture decodes them (:mod:`testbench.traces.logtext`: UTF-16, cp1252 lines in a UTF-8 log…)."""
    return logtext.last_lines(path, count, encoding, TAIL_BYTES)[0]


def read_log(source: LogSource, count: int) -> LogReading:
    """The newest file of a source and its last ``count`` lines, parsed."""
    files = [Path(p) for p in log_files(source.path) if os.path.isfile(p)]
    if not files:
        problem, warning = _t("aucun fichier ne correspond"), LOG_MISSING.format(path=source.path)
        return LogReading(source, None, _fmt_name(source.fmt), problem=problem, warning=warning)
    newest: Path | None = None
    try:
        newest = max(files, key=lambda p: (p.stat().st_mtime, p.name))
        texts, read_as = logtext.last_lines(newest, count, source.encoding, TAIL_BYTES)
    except OSError as exc:
        from testbench.fmt import os_reason

        reason = os_reason(exc)
        warning = LOG_UNREADABLE.format(path=newest or source.path, reason=reason)
        return LogReading(source, newest, _fmt_name(source.fmt), problem=reason, warning=warning)
    texts = redact_pins_lines(texts)  # as the capture stores them: a PIN is shown no more than stored
    fmt: LineFormat = detect_format(texts) if source.fmt == "auto" else get_format(source.fmt)
    parser = StreamParser(fmt)
    lines, messages, heads, timed = [], [], 0, 0
    for text in texts:
        parsed = parser.parse(text)
        messages.append(parsed.msg)
        epoch = parser.to_epoch(parsed.ts) if parsed.ts else None
        if not parsed.continuation:  # a record's first line: a stack trace's lines say nothing of the format
            heads, timed = heads + 1, timed + (epoch is not None)
        lines.append(
            TraceLine(
                channel=source.channel,
                mono_ns=0,
                wall=epoch or 0.0,
                text=text,
                source=str(newest),
                source_ts=parsed.ts,
                level=parsed.level,
            )
        )
    warning, named = "", fmt.name if isinstance(source.fmt, str) else "pattern"
    if not heads and len(texts) >= MIN_JUDGED:  # not one record begins as the format says: it reads nothing
        warning = LOG_UNREAD.format(path=newest, fmt=named, count=len(texts))
    elif heads and not timed and fmt.ts_format is not None and "(?P<ts>" in fmt.pattern:  # a time it never reads
        warning = LOG_UNTIMED.format(path=newest, fmt=named)
    note, given = "", logtext.check_encoding(source.encoding)
    if read_as in logtext.UTF16 and given not in logtext.UTF16:
        note = LOG_UTF16.format(encoding=source.encoding)
    elif read_as == "utf-8" and given != "utf-8":  # only its byte order mark reads a file so
        note = LOG_UTF8_BOM.format(encoding=source.encoding)
    return LogReading(source, newest, fmt.name, lines, messages, warning=warning, note=note)


def _fmt_name(fmt: str | LineFormat) -> str:
    return fmt if isinstance(fmt, str) else fmt.name


def newest_files(folder: Path, count: int) -> list[OutputFile]:
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        with contextlib.suppress(OSError):  # a file the application removed meanwhile
            if path.is_file() and not partial(path.name):  # what the extractors would read
                st = path.stat()
                found.append(OutputFile(st.st_mtime, path.name, st.st_size))
    return sorted(found, reverse=True)[:count]


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _newest_ready(spec: ExtractorSpec, newest_first: list[Path]) -> tuple[Path | None, bool]:
    """The file ``spec`` would read, and whether it is ready by the run's own test (``extract.run.file_ready``).

    The newest is given a moment to become ready; one that held still all along without becoming ready is read
    as it is, as the run reads it at the end of its wait (a malformed document is then said, whatever the
    clock of the disk that holds it); one still changing is being written: the newest of the older ones that
    are ready now is read instead.
    """
    from testbench.extract.run import file_ready, wait_complete

    if not newest_first:
        return None, False
    newest = newest_first[0]
    before = _signature(newest)
    if wait_complete(newest, spec.stable_for + 0.5, ready=lambda path: file_ready(spec, path)):
        return newest, True
    if before is not None and _signature(newest) == before:
        return newest, False
    return next((p for p in newest_first[1:] if file_ready(spec, p)), None), True


def _unclosed_problem(spec: ExtractorSpec, path: Path) -> str:
    """What the run says of a file left without its closing record at the end of its wait ("" if it has it)."""
    from testbench.extract.complete import OUTPUT_UNCLOSED
    from testbench.extract.run import unclosed
    from testbench.fmt import seconds

    try:
        data = path.read_bytes()
    except OSError:
        return ""  # the extraction says it
    if not unclosed(spec, data):
        return ""
    return OUTPUT_UNCLOSED.format(closing=spec.closing, file=path, seconds=seconds(spec.stable_for + 0.5, "fr"))


def _unmatched(channel: str, logs: list[LogReading], count: int) -> str:
    """Why a log extractor read no value, as a run says it (the logs it followed on its channel): the files read and
    how many of their last lines none matched, or that no log of the profile writes on its channel at all."""
    on_channel = [log for log in logs if log.source.channel == channel]
    if not on_channel:
        return NO_LOG_ON_CHANNEL.format(channel=channel)
    # a log that matched no file, or could not be read, read no line: named only when none was read
    read = [log for log in on_channel if log.file is not None and not log.problem] or on_channel
    files = ", ".join(str(log.file or log.source.path) for log in read)
    if not count:
        return NO_LINE_READ.format(files=files, channel=channel)
    # two sentences, not a plural entry: a note is recorded in French and read back by its shape
    return (UNMATCHED_LINE if count == 1 else UNMATCHED_LINES).format(count=count, files=files, channel=channel)


def check_profile(profile: SutProfile, *, lines: int = 10, files: int = 5) -> CheckReport:
    """Read what is there now; nothing is written, nothing waits longer than a file's stability check."""
    from testbench.extract.run import extract_file, extract_lines

    logs = [read_log(source, lines) for source in profile.log_sources]
    outputs = [(key, folder, newest_files(folder, files)) for key, folder in profile.outputs.items()]
    readings = []
    for spec in profile.extractors:
        if spec.kind == "regex":
            channel = spec.channel or "app"
            channel_lines = [line for log in logs if log.source.channel == channel for line in log.lines]
            reading = ExtractorReading(spec.name, spec.kind, channel)
            try:
                reading.values = extract_lines(spec, channel_lines, captured=False)  # the log's own times only
            except ExtractError as exc:
                reading.problem = str(exc)
            if not reading.values and not reading.problem:
                reading.note = _unmatched(channel, logs, len(channel_lines))
            readings.append(reading)
            continue
        candidates = list(reversed(profile.watched_files(spec)))
        newest, ready = _newest_ready(spec, candidates)
        reading = ExtractorReading(spec.name, spec.kind, str(newest) if newest else spec.files or "")
        if newest is None:
            # where it looked, as the profile resolves it: a glob that matches nothing says so plainly
            complete, none = _t("aucun fichier complet dans {where}"), _t("aucun fichier ne correspond à {where}")
            reading.note = (complete if candidates else none).format(where=profile.watched(spec))
            if not candidates and (below := profile.in_subfolders(spec)) is not None:
                file, glob = below
                reading.note = IN_SUBFOLDER.format(where=profile.watched(spec), file=file, key=spec.files, glob=glob)
        else:
            reading.problem = "" if ready else _unclosed_problem(spec, newest)
            try:
                reading.values = [] if reading.problem else extract_file(spec, newest)
            except ExtractError as exc:
                reading.problem = str(exc)
        readings.append(reading)
    return CheckReport(profile, logs, outputs, readings)


def _when(mtime: float) -> str:
    return datetime.fromtimestamp(mtime).strftime("%Y-%m-%d %H:%M:%S")


def render(report: CheckReport, t: Callable[[str], str]) -> list[str]:
    """The report as lines, in the language of ``t``: the active one (its counts agree through ``tn``)."""
    product = report.profile.product
    out = [t("Profil : {path}").format(path=report.profile.path)]
    identity = " ".join(filter(None, [product.name, product.version]))
    out.append(t("Produit : {identity}").format(identity=identity))
    if product.editor:
        out.append("  " + t("éditeur : {editor}").format(editor=product.editor))
    if product.agrement:
        out.append("  " + t("agrément ou numéro de test : {number}").format(number=product.agrement))
    out.append("")
    if not report.logs:
        out.append(t("Aucun journal déclaré ([[logs]])."))
    for log in report.logs:
        fmt = log.fmt if isinstance(log.source.fmt, str) else t("motif du profil")
        out.append(
            t("Journal {path} (canal {channel}, encodage {encoding}, format {fmt})").format(
                path=log.source.path, channel=log.source.channel, encoding=log.source.encoding, fmt=fmt
            )
        )
        if log.problem:
            out.append("  " + t(log.problem))
            continue
        if log.note:
            out.append("  " + t(log.note))
        last = tn(
            "fichier {file} : {count} dernière ligne",
            "fichier {file} : {count} dernières lignes",
            len(log.lines),
            file=log.file,
        )
        if not log.lines:  # « 0 dernière ligne » said nothing: empty, or its one line not ended yet
            last = t("fichier {file} : aucune ligne complète pour l'instant").format(file=log.file)
        out.append("  " + last)
        out.extend(
            f"    [{line.source_ts or '—'}] [{line.level or '—'}] {msg}"
            for line, msg in zip(log.lines, log.messages, strict=True)
        )
    out.append("")
    for key, folder, files in report.outputs:
        out.append(
            tn(
                "Dossier {key} : {folder} ({count} fichier récent)",
                "Dossier {key} : {folder} ({count} fichiers récents)",
                len(files),
                key=key,
                folder=folder,
            )
        )
        if not folder.is_dir():
            out.append("  " + t("dossier absent"))
        out.extend(f"    {f.name}  {f.size} {t('octets')}  {_when(f.mtime)}" for f in files)
    if report.outputs:
        out.append("")
    if not report.extractors:
        out.append(t("Aucun extracteur déclaré ([[extractors]])."))
    for reading in report.extractors:
        out.append(
            t("Extracteur « {name} » ({kind}) sur {read}").format(
                name=reading.name, kind=reading.kind, read=reading.read
            )
        )
        if reading.problem:
            out.append("  " + t("erreur : {problem}").format(problem=t(reading.problem)))
        elif reading.note:
            out.append("  " + t(reading.note))
        elif not reading.values:
            out.append("  " + t("aucune valeur extraite"))
        out.extend(
            "  " + t("{path} = {value} — {where}").format(path=v.path, value=v.value, where=v.provenance.describe(t))
            for v in reading.values
        )
    return [readable_name(line) for line in out]  # a file named in cp1252 bytes reads as its name, not as escapes
