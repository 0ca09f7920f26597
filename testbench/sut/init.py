"""``testbench sut init``: a first profile from the application's folders and a moment of its logs.

The folders come from the options, else from questions on standard input; the logs are watched for a
few seconds (their last lines and what arrives meanwhile), and the line format that reads them best
(:func:`testbench.traces.parsers.detect_format`) is proposed. The profile written is commented, in the
person's language, and loads as it is; extractors and guidance are left as commented examples.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from testbench.i18n import tn
from testbench.sut.check import last_lines
from testbench.traces.logtext import HEAD_BYTES, utf16_order
from testbench.traces.parsers import LineParser, detect_format, get_format
from testbench.traces.tail import log_files

#: lines of each log file read before watching
SAMPLE_LINES = 200


@dataclass
class InitAnswers:
    """What the person said (options or answers); empty means « none »."""

    logs: str = ""
    fse: str = ""
    lots: str = ""
    returns: str = ""
    name: str = ""
    version: str = ""
    agrement: str = ""

    def unfilled(self) -> list[str]:
        """The ``[product]`` keys of the exam book's cover left empty (the name is required anyway)."""
        return [key for key in ("version", "agrement") if not getattr(self, key).strip()]


@dataclass
class LogSample:
    files: list[Path]
    lines: list[str]
    encoding: str
    fmt: str  # the preset proposed, or "auto" when none reads the lines
    pattern: str = ""  # a pattern proposed instead of the preset, when it reads what the preset leaves (a level)


#: An ISO 8601 time, then a level between bars (« 2026-12-06 19:10:20.033 | INFO  | message », loguru's layout):
#: the iso8601 preset reads the time but leaves « | INFO  | » in the message, the level unread. As the profile's
#: ``pattern`` (a TOML literal string: no quote), with ``ts_format = 'iso'``.
BARRED_LEVEL = (
    r"^(?P<ts>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}(?::?\d{2})?)?)\s*\|\s*"
    r"(?P<level>(?i:TRACE|DEBUG|INFO|NOTICE|SUCCESS|WARN(?:ING)?|ERROR|ERR|CRIT(?:ICAL)?|FATAL))\s*\|\s*(?P<msg>.*)$"
)


def _barred_level(lines: list[str]) -> str:
    """:data:`BARRED_LEVEL` when it reads the time and the level of at least half of ``lines`` (as the capture
    would, through the profile), else ""."""
    sample = [line for line in lines if line.strip()]
    parser = LineParser(get_format({"pattern": BARRED_LEVEL, "ts_format": "iso"}))
    read = [parsed for parsed in map(parser.match, sample) if parsed is not None and parsed.level]
    return BARRED_LEVEL if sample and 2 * len(read) >= len(sample) else ""


def ask_missing(answers: InitAnswers, ask: Callable[[str], str], t: Callable[[str], str]) -> InitAnswers:
    """Ask for what the options did not give; an empty answer (or the end of input) leaves it empty."""
    questions = {
        "name": t("Nom du logiciel testé"),
        "version": t("Version du logiciel testé (vide : à remplir plus tard)"),
        "agrement": t("Numéro d'agrément ou de test (vide : à remplir plus tard)"),
        "logs": t("Journal de l'application (chemin ou motif glob, vide : aucun)"),
        "fse": t("Dossier où il écrit ses FSE (vide : aucun)"),
        "lots": t("Dossier où il écrit ses lots (vide : aucun)"),
        "returns": t("Dossier où il reçoit les retours NOEMIE (vide : aucun)"),
    }
    for key, question in questions.items():
        if not getattr(answers, key):
            setattr(answers, key, ask(question).strip())
    return answers


def _encoding(files: list[Path], data: bytes) -> str:
    """The encoding to propose for log files whose recent bytes are ``data``: UTF-16 when a file's first bytes
    say so (a byte order mark, a NUL byte beside each character), else UTF-8 when ``data`` reads as UTF-8."""
    for path in files:
        try:
            with path.open("rb") as f:
                if utf16_order(f.read(HEAD_BYTES)):
                    return "utf-16"  # a Windows application's; its byte order is read in each file
        except OSError:
            continue
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"  # what a Windows application writes when it is not UTF-8
    return "utf-8"


def _sizes(files: list[Path]) -> dict[Path, int]:
    out = {}
    for path in files:
        try:
            out[path] = path.stat().st_size
        except OSError:
            continue
    return out


def sample_logs(pattern: str, seconds: float, stop: threading.Event | None = None) -> LogSample:
    """The log files' last lines plus what they receive during ``seconds``, and the format proposed."""
    files = sorted(Path(p) for p in log_files(pattern) if os.path.isfile(p))
    before = _sizes(files)
    (stop or threading.Event()).wait(seconds)  # the application writes meanwhile
    files = sorted(Path(p) for p in log_files(pattern) if os.path.isfile(p))
    raw = b""
    for path in files:
        try:
            with path.open("rb") as f:
                f.seek(max(0, before.get(path, 0) - 64 * 1024))
                raw += f.read()
        except OSError:
            continue
    encoding = _encoding(files, raw)
    lines: list[str] = []
    for path in files:
        try:
            lines += last_lines(path, SAMPLE_LINES, encoding)
        except OSError:
            continue
    fmt = detect_format(lines).name if lines else "plain"
    pattern = _barred_level(lines) if fmt == "iso8601" else ""
    return LogSample(files, lines, encoding, "auto" if fmt == "plain" else fmt, pattern)


def _toml(text: str) -> str:
    """A TOML string: literal when it can be (Windows paths keep their backslashes), else basic."""
    if "'" not in text and "\n" not in text:
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)


def _relative(path: str, base: Path) -> str:
    """``path`` relative to the profile's folder when it is below it (the profile travels with it), else absolute,
    without its « .. » (« /x/init/../app/out » is /x/app/out: what ``sut check`` and a run name)."""
    p = Path(path).expanduser()
    absolute = Path(os.path.normpath(p if p.is_absolute() else Path.cwd() / p))
    try:
        return absolute.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(absolute)


def profile_text(answers: InitAnswers, sample: LogSample | None, output: Path, t: Callable[[str], str]) -> str:
    """The commented profile to write at ``output``, in the active language (``t``); it loads (``load_profile``)."""
    base = output.parent
    out = [
        "# " + t("Profil du logiciel testé (testbench) — format : docs/sut-profile.md"),
        "# " + t("Vérifiez-le avec : testbench sut check {file}").format(file=output.name),
        "",
        "[product]",
        f"name = {_toml(answers.name)}",
        f"version = {_toml(answers.version.strip())}  # " + t("version du produit"),
        'editor = ""',
        f"agrement = {_toml(answers.agrement.strip())}  # " + t("numéro d'agrément ou de test"),
        "",
    ]
    if answers.logs:
        out.append("[[logs]]")
        out.append(f"path = {_toml(_relative(answers.logs, base))}")
        if sample is not None:
            out.append(f"encoding = {_toml(sample.encoding)}")
            files = tn("{count} fichier", "{count} fichiers", len(sample.files))
            seen = tn(
                "{count} ligne lue dans {files}", "{count} lignes lues dans {files}", len(sample.lines), files=files
            )
            if sample.pattern:  # its own layout: the time and the level a preset would leave in the message
                out.append(f"pattern = {_toml(sample.pattern)}  # {t('motif proposé')} ({seen})")
                out.append("ts_format = 'iso'")
            elif sample.fmt == "auto":
                out.append(f'format = "auto"  # {t("aucun format connu ne lit ces lignes")} ({seen})')
                out.append("# " + t("sinon, un motif à vous (groupes nommés ts, level, msg) :"))
                out.append(
                    "# pattern = '^(?P<ts>\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2}) (?P<level>\\w+) (?P<msg>.*)$'"
                )
                out.append("# ts_format = '%d/%m/%Y %H:%M:%S'")
            else:
                out.append(f"format = {_toml(sample.fmt)}  # {t('format proposé')} ({seen})")
        out.append("clock_offset_ms = 0")
        out.append("")
    outputs = [(key, getattr(answers, key)) for key in ("fse", "lots", "returns") if getattr(answers, key)]
    if outputs:
        out.append("[outputs]  # " + t("dossiers surveillés (chemins relatifs au dossier du profil)"))
        out += [f"{key} = {_toml(_relative(folder, base))}" for key, folder in outputs]
        out.append("")
    out += [
        "# " + t("Extracteurs (docs/extractors.md), par exemple :"),
        "# [[extractors]]",
        t("# name = 'montants FSE'"),  # the whole line: an example's words, never a product's own menu or name
        "# kind = 'xpath'",
        "# applies_to = ['create_invoice']",
        "# files = 'fse'",
        "# fields = { 'string(//totals/@amo)' = 'invoice.totals.amo' }",
        "",
        "# " + t("Comment ce logiciel réalise chaque étape, pour l'opérateur :"),
        "# [guidance.create_invoice]",
        t("# menu = 'Facturation > Nouvelle facture'"),
        "# note = ''",
    ]
    return "\n".join(out) + "\n"
