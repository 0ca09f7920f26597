"""The application profile (``sut.toml``, our format; docs/sut-profile.md): read and checked here.

A profile says what the bench needs to know of the editor's application on exam day: its identity
(the report's cover), the logs it writes (followed like ``--app-log``), its syslog port, the folders it
writes its FSE, lots and returns into, the extractors that read observations out of those, and how the
product performs each engine step (guidance for the operator). Relative paths are read from the
profile's folder, so a profile travels with the application's folder.

Errors name the place, ``file:line:col``, for the TOML syntax and for every problem of a table's key or value
(``file:line:col: [logs][2].format : message``, where the key or value is written; a key left out: at its
table), in French (the catalogue gives their English, :meth:`SutProfileError.text`); only a missing
``[product]`` has no line to name (``file: [product] : message``).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from glob import escape
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from testbench.casebook.source import SourceText
from testbench.domain.vocabulary import ENGINE_CALLS
from testbench.fmt import REGEX_ERRORS, control_in, os_reason, regex_reason, visible_controls
from testbench.i18n import _t, colon, translator
from testbench.sut.filenames import named, partial
from testbench.tomlfile import KeyPath, TomlSyntaxError, parse_toml, path_problem, place, read_config
from testbench.traces.capture import LOG_CHANNELS
from testbench.traces.logtext import check_encoding
from testbench.traces.parsers import PRESETS, LineFormat, get_format

if TYPE_CHECKING:
    from testbench.extract.spec import ExtractorSpec


class SutProfileError(Exception):
    """A profile that cannot be used; ``text()`` says where and why, in the language asked."""

    def __init__(
        self,
        file: Path,
        message: str,
        *,
        where: str = "",
        line: int | None = None,
        col: int | None = None,
        placed: bool = False,
        **params: Any,
    ) -> None:
        self.file, self.message, self.where, self.line, self.col, self.params = file, message, where, line, col, params
        self.placed = placed  # the message names its table itself (an extractor's): file, line, col go before it
        super().__init__(self.text("fr"))

    def text(self, lang: str | None = None) -> str:
        """Where and why, a control character the profile holds (a NUL, an escape) shown, never sent raw."""
        return visible_controls(self._text(lang))

    def _text(self, lang: str | None) -> str:
        t = translator(lang)
        if self.placed:  # « [extractors][2] : … », where the message starts with its table, at its line when known
            place = f"{self.file}:{self.line}:{self.col}: " if self.line is not None else f"{self.file}: "
            return place + t(self.message)
        message = t(self.message).format(**{k: t(v) if isinstance(v, str) else v for k, v in self.params.items()})
        if self.line is not None:
            where = f"{self.where}{colon(lang)}" if self.where else ""
            return f"{self.file}:{self.line}:{self.col}: {where}{message}"
        if self.where:
            return f"{self.file}: {self.where}{colon(lang)}{message}"
        return f"{self.file}: {message}"


@dataclass(frozen=True)
class Product:
    """The product's identity, as the report's cover names it."""

    name: str
    version: str = ""
    editor: str = ""
    agrement: str = ""


@dataclass(frozen=True)
class LogSource:
    """One ``[[logs]]`` entry: what :meth:`TraceCapture.add_files` needs to follow it."""

    path: str  # absolute path or glob
    encoding: str = "utf-8"
    channel: str = "app"
    fmt: str | LineFormat = "auto"  # a preset name, "auto", or the profile's own pattern
    clock_offset_ms: float = 0.0

    def capture_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``TraceCapture.add_files`` for this source."""
        return {
            "patterns": self.path,
            "channel": self.channel,
            "fmt": self.fmt,
            "encoding": self.encoding,
            "clock_offset_s": self.clock_offset_ms / 1000 if self.clock_offset_ms else None,
        }

    def spec(self) -> str:
        """The same source as an ``--app-log`` spec string (a custom pattern cannot travel there: ``auto``)."""
        fmt = self.fmt if isinstance(self.fmt, str) else "auto"
        parts = [self.path, f"channel={self.channel}", f"format={fmt}", f"encoding={self.encoding}"]
        if self.clock_offset_ms:
            parts.append(f"offset={self.clock_offset_ms / 1000:g}")
        return ";".join(parts)


@dataclass(frozen=True)
class Guidance:
    """How this product performs one engine call (« Facturation > Nouvelle facture »)."""

    menu: str = ""
    note: str = ""


@dataclass(frozen=True)
class SutProfile:
    """A loaded profile: every path absolute, every extractor checked (:func:`load_profile`)."""

    product: Product
    log_sources: tuple[LogSource, ...]
    syslog_port: int | None
    outputs: Mapping[str, Path]
    extractors: tuple[ExtractorSpec, ...]
    guidance: Mapping[str, Guidance]
    path: Path
    logs: tuple[str, ...] = field(default=())  # the sources as --app-log spec strings
    sha256: str = ""  # of the profile's bytes, as read

    def record(self) -> dict[str, Any]:
        """What a run records of the profile (``runs.options``): the report's cover names the profile used,
        the logs it followed and the folders it watched."""
        return {
            "file": str(self.path),
            "sha256": self.sha256,
            "name": self.product.name,
            "logs": [source.path for source in self.log_sources],
            "outputs": {key: str(folder) for key, folder in self.outputs.items()},
        }

    def __post_init__(self) -> None:
        if not self.logs:
            object.__setattr__(self, "logs", tuple(s.spec() for s in self.log_sources))

    def read_paths(self, action: str) -> tuple[str, ...]:
        """The observation paths the extractors give for ``action``, in the profile's order, once each (``{n}``
        templates as written): what the bench reads from the application's outputs, never asked of the operator."""
        paths = (path for spec in self.extractors if action in spec.applies_to for path in spec.fields.values())
        return tuple(dict.fromkeys(paths))

    def _folder_glob(self, spec: ExtractorSpec) -> tuple[Path, tuple[str, ...]] | None:
        """The folder a file extractor reads and the globs of its files there, relative to it (None: it reads
        log lines). An ``[outputs]`` key reads the usual names of the extractor's kind in that folder itself
        (:data:`KIND_PATTERNS`); a glob reads what it matches from its first part holding a wildcard, at any
        depth where it says ``**`` (``out/fse/**/*.xml``)."""
        if not spec.files:
            return None
        if spec.files in self.outputs:
            return self.outputs[spec.files], KIND_PATTERNS.get(spec.kind, ("*",))
        glob = Path(spec.files).expanduser()
        return _split_glob(glob if glob.is_absolute() else self.path.parent / glob)

    def watched(self, spec: ExtractorSpec) -> str:
        """Where a file extractor looks, for a person: « /app/out/fse (*.xml) », « /app/out (fse/**/*.xml) »."""
        folder, patterns = self._folder_glob(spec) or (self.path.parent, ())
        return f"{folder} ({', '.join(patterns)})"

    def followed(self, spec: ExtractorSpec) -> str:
        """What a regex extractor reads, for a person: the logs followed on its channel (« /app/logs/erp.log »),
        and syslog when it is received there; « — » when nothing of the profile feeds that channel."""
        channel = spec.channel or "app"
        sources = [source.path for source in self.log_sources if source.channel == channel]
        if self.syslog_port is not None and channel == "app":
            sources.append("syslog")
        return ", ".join(sources) or "—"

    def watched_files(self, spec: ExtractorSpec) -> list[Path]:
        """The files an extractor reads (its ``files``: an output key, or a glob), oldest first; never a file
        still being written under a temporary name (:data:`~testbench.sut.filenames.PARTIAL_NAMES`), nor one
        removed meanwhile."""
        where = self._folder_glob(spec)
        if where is None:
            return []
        folder, patterns = where
        if not folder.is_dir():
            return []
        paths: list[Path] = []
        if spec.files in self.outputs:  # the kind's names, whatever their case (FSE_0001.XML)
            with contextlib.suppress(OSError):  # the folder removed meanwhile
                paths = [Path(entry.path) for entry in os.scandir(folder) if named(entry.name, patterns)]
        else:
            with contextlib.suppress(OSError):  # a subfolder removed or refused meanwhile
                paths = [path for pattern in patterns for path in folder.glob(pattern)]
        found = {}
        for path in paths:
            if partial(path.name):
                continue
            with contextlib.suppress(OSError):  # a file the application removed meanwhile
                if path.is_file():
                    found[path] = (path.stat().st_mtime, str(path), path)
        return [path for *_, path in sorted(found.values())]

    def in_subfolders(self, spec: ExtractorSpec) -> tuple[Path, str] | None:
        """The newest file of ``spec``'s kind in the subfolders of its ``[outputs]`` folder, which ``files = "fse"``
        does not read (an application writing its FSE in dated folders, « out/fse/2026/12/ »), and the glob that
        would read it (``out/fse/**/*.XML``, its own suffix: a glob's case counts on Linux); None when there is none,
        or for a glob or a log extractor. At most :data:`SUBFOLDER_DEPTH` levels and :data:`SUBFOLDER_ENTRIES` names
        are looked at: a hint for ``sut check``, not a search of a whole drive."""
        if spec.files not in self.outputs:
            return None
        folder, patterns = self.outputs[spec.files], KIND_PATTERNS.get(spec.kind, ("*",))
        found: list[tuple[float, str, Path]] = []
        seen = 0
        for root, dirs, names in os.walk(folder):
            depth = len(Path(root).relative_to(folder).parts)
            dirs[:] = sorted(d for d in dirs if not partial(d)) if depth < SUBFOLDER_DEPTH else []
            seen += len(names) + len(dirs)
            if depth:
                for name in names:
                    if named(name, patterns) and not partial(name):
                        with contextlib.suppress(OSError):
                            found.append((os.stat(Path(root) / name).st_mtime, name, Path(root) / name))
            if seen > SUBFOLDER_ENTRIES:
                break
        if not found:
            return None
        path = max(found)[2]
        pattern = next(p for p in patterns if named(path.name, (p,)))
        if pattern.startswith("*."):
            pattern = "*" + path.name[len(path.name) - len(pattern) + 1 :]  # the suffix as the application writes it
        base = folder.relative_to(self.path.parent) if folder.is_relative_to(self.path.parent) else folder
        return path, f"{base.as_posix()}/**/{pattern}"


#: how deep and how many names :meth:`SutProfile.in_subfolders` looks at
SUBFOLDER_DEPTH = 4
SUBFOLDER_ENTRIES = 5000

#: The files a folder form reads (``files = "fse"``, a key of ``[outputs]``), by extractor kind: the usual
#: names of its documents, whatever their case. Any other name: a glob (``files = "out/lots/*.txt"``).
KIND_PATTERNS: dict[str, tuple[str, ...]] = {
    "xpath": ("*.xml",),
    "json": ("*.json",),
    "fixed": ("*.b2", "*.lot", "B2*"),
}
#: a declared output folder that is not there: warned, never refused — an application may create its folders
#: at its first write, but the files it writes elsewhere (a mistyped path) are never captured
OUTPUT_MISSING = _t(
    "le dossier de sortie « {key} » n'existe pas encore : {folder} — le logiciel doit le créer à sa première"
    " écriture, sinon aucun fichier n'y sera capturé (FSE, lots…)"
)
#: a file where the profile names a folder (an output, the folder of an extractor's glob or of a log), itself or one
#: of its parents: nothing can ever be written there — refused at the profile's line (:meth:`_Reader.in_place`)
FOLDER_IS_A_FILE = _t(
    "ce chemin est un fichier, pas un dossier : {folder} — aucun fichier n'y sera jamais capturé (FSE, lots…)"
)
FOLDER_UNDER_A_FILE = _t("{found} est un fichier, pas un dossier : aucun fichier ne sera jamais capturé dans {folder}")
LOG_UNDER_A_FILE = _t("{found} est un fichier, pas un dossier : le journal {path} ne pourra jamais y être écrit")
#: a log path (no wildcard) that names a folder: it matches no file, ever
LOG_IS_A_FOLDER = _t("{path} est un dossier, pas un journal : donnez ses fichiers ({pattern})")
#: an extractor's glob (``files = "out/fse/**/*.xml"``) whose folder, before its first wildcard, is not there
GLOB_FOLDER_MISSING = _t(
    "l'extracteur « {name} » lit {pattern} dans {folder}, qui n'existe pas encore — le logiciel doit le créer à sa"
    " première écriture, sinon aucun fichier n'y sera lu"
)


def output_warnings(profile: SutProfile) -> list[str]:
    """What the bench says of each ``[outputs]`` folder that is not a folder now, and of each extractor's glob
    whose folder is not there, a sentence each (French, as every notice; read in the person's language through
    the catalogue); empty when all are there.

    The folders' half of :func:`testbench.sut.check.profile_warnings` (with the logs'), the one check of ``testbench
    sut check``, of the start of a run and of the workstation as it opens: a warning, not a refusal.
    """
    said = []
    for key, folder in profile.outputs.items():
        if folder.is_dir():
            continue
        blocked = _in_the_way(folder)  # a file put there since the profile was loaded: said as its refusal says it
        said.append(blocked[0].format(**blocked[1]) if blocked else OUTPUT_MISSING.format(key=key, folder=folder))
    for spec in profile.extractors:
        where = profile._folder_glob(spec)
        if where is None or spec.files in profile.outputs or where[0].is_dir():
            continue
        blocked = _in_the_way(where[0])
        missing = GLOB_FOLDER_MISSING.format(name=spec.name, pattern=", ".join(where[1]), folder=where[0])
        said.append(blocked[0].format(**blocked[1]) if blocked else missing)
    return said


def _split_glob(glob: Path) -> tuple[Path, tuple[str, ...]]:
    """The folder before a glob's first folder holding ``*`` or ``?``, and the rest (a plain path: its folder, its
    name). A folder's brackets are taken as written, as a log's are (``C:\\GestPSAD [PROD]\\Sorties\\*.xml``: read as
    a pattern, « [PROD] » was one letter of four and nothing was ever read there); only the file name's ``[…]`` match
    as in a shell."""
    parts = glob.parts
    last = len(parts) - 1
    first = next((i for i, part in enumerate(parts[:last]) if _wild(part)), last)
    rest = [part if _wild(part) else escape(part) for part in parts[first:last]]
    return Path(*parts[:first]), ("/".join([*rest, parts[last]]),)


def _wild(part: str) -> bool:
    """Whether a folder of a glob is a pattern: ``*`` or ``?`` (brackets alone are a folder's name)."""
    return "*" in part or "?" in part


def _file_in_the_way(folder: Path) -> Path | None:
    """The first of ``folder``'s parents, or ``folder`` itself, that exists and is no folder: unlike a folder not
    made yet, nothing can ever be written under it. ``os.path``'s tests: a part the system will not look into
    (no permission) is not said to be a file."""
    for part in (*reversed(folder.parents), folder):
        if not os.path.isdir(part):
            return part if os.path.exists(part) else None
    return None


#: a folder whose name the system refuses (too long, a loop of symbolic links): nothing can ever be written there
FOLDER_UNNAMABLE = _t("{folder} : le système ne peut pas nommer ce dossier ({reason}) — aucun fichier n'y sera capturé")
#: what the system answers for a path it cannot name
_UNNAMABLE = (errno.ENAMETOOLONG, errno.ELOOP)


def _in_the_way(folder: Path) -> tuple[str, dict[str, Any]] | None:
    """What to say of a file where ``folder`` (or a parent) should be, or of a name the system refuses, as a
    template and its parts; None if none (``os.path``'s tests read past both: ``sut check`` then failed)."""
    try:
        os.stat(folder)
    except OSError as exc:
        if exc.errno in _UNNAMABLE:
            return FOLDER_UNNAMABLE, {"folder": folder, "reason": os_reason(exc)}
    except ValueError:  # a NUL in the name: refused where the path is read
        pass
    file = _file_in_the_way(folder)
    if file is None:
        return None
    if file == folder:
        return FOLDER_IS_A_FILE, {"folder": folder}
    return FOLDER_UNDER_A_FILE, {"found": file, "folder": folder}


# --- reading ---------------------------------------------------------------------------------------

_SECTIONS = {"product", "logs", "syslog", "outputs", "extractors", "guidance"}
_PRODUCT_KEYS = {"name", "version", "editor", "agrement"}
_LOG_KEYS = {"path", "encoding", "channel", "format", "pattern", "ts_format", "tz", "clock_offset_ms"}
_GUIDANCE_KEYS = {"menu", "note"}


class _Reader:
    """Checks one parsed document; each problem raised as a :class:`SutProfileError` naming its key, at the line
    and column where it is written in ``text`` (the document's TOML), as a syntax error is.

    Each check takes the table's name for the message (``where``: « [logs][2] ») and its :data:`KeyPath` in the
    document (``at``: ``("logs", 1)``) for the place."""

    def __init__(self, file: Path, text: str = "") -> None:
        self.file, self.text = file, text  # errors name the file as the person gave it
        self.base = file.resolve().parent

    def fail(
        self, where: str, message: str, at: KeyPath = (), *, on_key: bool = False, **params: Any
    ) -> SutProfileError:
        """The error, placed at ``at``'s value (``on_key``: at its key; not written: at the table holding it)."""
        line, col = _place(self.text, at, key=on_key) if at else (None, None)
        return SutProfileError(self.file, message, where=where, line=line, col=col, **params)

    def table(self, value: Any, where: str, at: KeyPath) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, _t("une table est attendue"), at)
        return value

    def known(self, table: Mapping[str, Any], keys: set[str], where: str, at: KeyPath) -> None:
        for key in table:
            if key not in keys:
                allowed = ", ".join(sorted(keys))
                said = _t("clé inconnue (clés permises : {keys})")
                raise self.fail(f"{where}.{key}", said, (*at, key), on_key=True, keys=allowed)

    def string(self, table: Mapping[str, Any], key: str, where: str, at: KeyPath, *, required: bool = False) -> str:
        if key not in table:
            if required:  # placed at its table: the nearest place that holds it
                raise self.fail(f"{where}.{key}", _t("clé obligatoire absente"), (*at, key))
            return ""
        value = table[key]
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}", _t("une chaîne de caractères est attendue"), (*at, key))
        if required and not value.strip():
            raise self.fail(f"{where}.{key}", _t("valeur vide"), (*at, key))
        return value

    def free_text(
        self, table: Mapping[str, Any], key: str, where: str, at: KeyPath, *, required: bool = False
    ) -> str:
        """A free text a person reads (the product's name, a guidance note): a control character in it (a NUL, an
        escape) would reach every screen and report raw, so it is refused at its value."""
        value = self.string(table, key, where, at, required=required)
        if (char := control_in(value)) is not None:
            said = _t("caractère de contrôle {char} dans le texte : retapez-le")
            raise self.fail(f"{where}.{key}", said, (*at, key), char=char)
        return value

    def number(self, table: Mapping[str, Any], key: str, where: str, at: KeyPath) -> float:
        value = table.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(f"{where}.{key}", _t("un nombre est attendu"), (*at, key))  # TOML's inf and nan are none
        return float(value)

    def ts_format(self, table: Mapping[str, Any], where: str, at: KeyPath) -> str:
        """``iso``, ``syslog3164`` or a ``strptime`` format that reads back what it writes (« %Q » read no line);
        written from a time with its zone, so that ``%z`` (« +0100 », the log's own offset) and ``%Z`` read back."""
        fmt = self.string(table, "ts_format", where, at) or "iso"
        if fmt in ("iso", "syslog3164"):
            return fmt
        try:
            datetime.strptime(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC).strftime(fmt), fmt)
        except ValueError:
            said = _t("format d'horodatage invalide « {fmt} »")
            raise self.fail(f"{where}.ts_format", said, (*at, "ts_format"), fmt=fmt) from None
        return fmt

    def path(self, table: Mapping[str, Any], key: str, where: str, at: KeyPath) -> Path:
        """A path the profile names (required), absolute; one holding a control character (a Windows path
        between double quotes, its ``\\t`` read as a tab) refused with how to write it."""
        value = self.string(table, key, where, at, required=True)
        hint = path_problem(value)
        if hint is not None:
            said = _t("caractère de contrôle dans le chemin ; {hint}")
            raise self.fail(f"{where}.{key}", said, (*at, key), hint=hint)
        return self.resolve(value)

    def resolve(self, path: str) -> Path:
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.base / p

    def product(self, doc: Mapping[str, Any]) -> Product:
        if "product" not in doc:  # nowhere in the file to place it
            raise self.fail("[product]", _t("section obligatoire absente"))
        at: KeyPath = ("product",)
        table = self.table(doc["product"], "[product]", at)
        self.known(table, _PRODUCT_KEYS, "[product]", at)
        return Product(
            name=self.free_text(table, "name", "[product]", at, required=True),
            version=self.free_text(table, "version", "[product]", at),
            editor=self.free_text(table, "editor", "[product]", at),
            agrement=self.free_text(table, "agrement", "[product]", at),
        )

    def log_source(self, value: Any, rank: int) -> LogSource:
        """The ``rank``-th (0-based) ``[[logs]]`` table, checked."""
        where, at = f"[logs][{rank + 1}]", ("logs", rank)
        table = self.table(value, where, at)
        self.known(table, _LOG_KEYS, where, at)
        path = str(self.path(table, "path", where, at))
        encoding = self.string(table, "encoding", where, at) or "utf-8"
        try:
            "".encode(encoding)
        except (LookupError, ValueError):  # ValueError: a NUL in the name
            said = _t("encodage inconnu « {encoding} »")
            raise self.fail(f"{where}.encoding", said, (*at, "encoding"), encoding=encoding) from None
        try:  # the capture's own check: what it cannot follow (utf-32, rot13) is refused here, not on the day
            check_encoding(encoding)
        except ValueError:
            said = _t("encodage « {encoding} » impossible pour un journal (utf-8, cp1252, latin-1, utf-16…)")
            raise self.fail(f"{where}.encoding", said, (*at, "encoding"), encoding=encoding) from None
        fmt: str | LineFormat = self.string(table, "format", where, at) or "auto"
        if "pattern" in table:
            on_pattern = (*at, "pattern")
            if "format" in table:
                said = _t("« format » et « pattern » s'excluent : l'un ou l'autre")
                raise self.fail(f"{where}.pattern", said, on_pattern, on_key=True)
            pattern = self.string(table, "pattern", where, at, required=True)
            try:
                compiled = re.compile(pattern)
            except REGEX_ERRORS as exc:
                said = _t("motif invalide ({reason})")
                raise self.fail(f"{where}.pattern", said, on_pattern, reason=regex_reason(exc)) from None
            if "msg" not in compiled.groupindex:
                said = _t("le motif doit avoir un groupe nommé « msg » (le message)")
                raise self.fail(f"{where}.pattern", said, on_pattern)
            custom = {
                "name": "profil",
                "pattern": pattern,
                "ts_format": self.ts_format(table, where, at),
                "tz": (self.string(table, "tz", where, at) or "local").lower(),  # « UTC » as people write it
            }
            if custom["tz"] not in ("local", "utc"):  # any other zone was read as local time, silently
                raise self.fail(f"{where}.tz", _t("« local » ou « utc » est attendu"), (*at, "tz"))
            fmt = get_format(custom)
        elif fmt != "auto" and fmt not in PRESETS:
            names = ", ".join(["auto", *sorted(PRESETS)])
            said = _t("format inconnu « {fmt} » (formats : {names})")
            raise self.fail(f"{where}.format", said, (*at, "format"), fmt=fmt, names=names)
        else:
            for key in ("ts_format", "tz"):
                if key in table:
                    said = _t("n'a de sens qu'avec « pattern »")
                    raise self.fail(f"{where}.{key}", said, (*at, key), on_key=True)
        channel = (self.string(table, "channel", where, at) or "app").lower()
        if channel not in LOG_CHANNELS:  # its lines were stored where no view nor expectation reads them
            names = ", ".join(LOG_CHANNELS)
            raise self.fail(
                f"{where}.channel",
                _t("canal « {channel} » impossible pour un journal (canaux : {names})"),
                (*at, "channel"),
                channel=channel,
                names=names,
            )
        return LogSource(
            path=path,
            encoding=encoding,
            channel=channel,
            fmt=fmt,
            clock_offset_ms=self.number(table, "clock_offset_ms", where, at),
        )

    def array(self, doc: Mapping[str, Any], key: str) -> list[Any]:
        value = doc.get(key, [])
        if not isinstance(value, list):
            said = _t("un tableau de tables est attendu ([[{key}]])")
            raise self.fail(f"[[{key}]]", said, (key,), on_key=True, key=key)
        return value

    def syslog(self, doc: Mapping[str, Any]) -> int | None:
        if "syslog" not in doc:
            return None
        at: KeyPath = ("syslog",)
        table = self.table(doc["syslog"], "[syslog]", at)
        self.known(table, {"port"}, "[syslog]", at)
        port = table.get("port")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise self.fail("[syslog].port", _t("un port entre 0 et 65535 est attendu"), (*at, "port"))
        return port

    def outputs(self, doc: Mapping[str, Any]) -> dict[str, Path]:
        at: KeyPath = ("outputs",)
        table = self.table(doc.get("outputs", {}), "[outputs]", at)
        return {key: self.path(table, key, "[outputs]", at) for key in table}

    def extractors(self, doc: Mapping[str, Any], text: str) -> tuple[ExtractorSpec, ...]:
        """Each ``[[extractors]]`` table, checked; a problem is refused at the line and column of what it is about
        (the XPath, the group, the observation path, the kind…), as a syntax error is."""
        items = self.array(doc, "extractors")
        if not items:
            return ()
        from testbench.extract.spec import SpecError, parse_extractor

        specs = []
        for i, item in enumerate(items, start=1):
            where = f"[extractors][{i}]"
            if not isinstance(item, dict):
                line, col = _place(text, ("extractors", i - 1), key=True)
                raise SutProfileError(self.file, _t("une table est attendue"), where=where, line=line, col=col)
            try:
                specs.append(parse_extractor(item, where))
            except SpecError as exc:  # its message starts with the table
                line, col = _place(text, ("extractors", i - 1, *exc.at), key=exc.on_key)
                raise SutProfileError(self.file, str(exc), placed=True, line=line, col=col) from None
        return tuple(specs)

    def files_named(self, specs: tuple[ExtractorSpec, ...], outputs: Mapping[str, Path], text: str) -> None:
        """Each file extractor's ``files`` is a key of ``[outputs]`` or a glob: a bare word that is no key is
        a typo (« lots » for « lot »), which would read nothing on the day; refused at its line."""
        for i, spec in enumerate(specs, start=1):
            name = spec.files
            if (hint := path_problem(name or "")) is not None:
                message, fields = _t("caractère de contrôle dans le chemin ; {hint}"), {"hint": hint}
            elif name is None or name in outputs or any(c in name for c in "*?[/\\."):  # a glob, a path, a file
                continue
            else:
                message = _t(
                    "« {name} » n'est ni une clé de [outputs] ({keys}) ni un motif de fichiers (sortie/*.json)"
                )
                fields = {"name": name, "keys": ", ".join(outputs) or "—"}
            line, col = _place(text, ("extractors", i - 1, "files"))
            raise SutProfileError(self.file, message, where=f"[extractors][{i}].files", line=line, col=col, **fields)

    def channels_named(self, specs: tuple[ExtractorSpec, ...], text: str) -> None:
        """Each log extractor's ``channel`` is one the logs are stored on (« apps » would read nothing on the
        day); refused at its line, as a mistyped ``files``."""
        for i, spec in enumerate(specs, start=1):
            if spec.kind != "regex" or (spec.channel or "app") in LOG_CHANNELS:
                continue
            line, col = _place(text, ("extractors", i - 1, "channel"))
            said = _t("canal « {channel} » inconnu pour un extracteur de journal (canaux : {names})")
            where = f"[extractors][{i}].channel"
            names = ", ".join(LOG_CHANNELS)
            raise SutProfileError(self.file, said, where=where, line=line, col=col, channel=spec.channel, names=names)

    def in_place(self, profile: SutProfile) -> None:
        """Each folder the profile names (an output, an extractor's glob, a log's) is a folder or not there yet; a
        file in its place, or in a parent's, would let nothing be captured, ever: refused at the line naming it
        (a folder not there yet is only warned of, :func:`output_warnings`: the application may create it)."""
        for key, folder in profile.outputs.items():
            if (blocked := _in_the_way(folder)) is not None:
                raise self.fail(f"[outputs].{key}", blocked[0], ("outputs", key), **blocked[1])
        for rank, source in enumerate(profile.log_sources):
            self.log_in_place(source.path, rank)
        for i, spec in enumerate(profile.extractors):
            where = profile._folder_glob(spec)
            if where is None or spec.files in profile.outputs or (blocked := _in_the_way(where[0])) is None:
                continue
            raise self.fail(f"[extractors][{i + 1}].files", blocked[0], ("extractors", i, "files"), **blocked[1])

    def log_in_place(self, path: str, rank: int) -> None:
        """A log's folder is no file, and a log named without a wildcard is no folder: either matches no file, ever."""
        where, at = f"[logs][{rank + 1}].path", ("logs", rank, "path")
        file = _file_in_the_way(_split_glob(Path(path))[0])
        if file is not None:
            raise self.fail(where, LOG_UNDER_A_FILE, at, found=file, path=path)
        if not any(c in path for c in "*?[") and os.path.isdir(path):
            raise self.fail(where, LOG_IS_A_FOLDER, at, path=path, pattern=Path(path) / "*.log")

    def guidance(self, doc: Mapping[str, Any]) -> dict[str, Guidance]:
        table = self.table(doc.get("guidance", {}), "[guidance]", ("guidance",))
        out = {}
        for call, value in table.items():
            where, at = f"[guidance.{call}]", ("guidance", call)
            if call not in ENGINE_CALLS:
                calls = ", ".join(ENGINE_CALLS)
                raise self.fail(where, _t("étape inconnue (étapes : {calls})"), at, on_key=True, calls=calls)
            entry = self.table(value, where, at)
            self.known(entry, _GUIDANCE_KEYS, where, at)
            menu, note = self.free_text(entry, "menu", where, at), self.free_text(entry, "note", where, at)
            out[call] = Guidance(menu=menu, note=note)
        return out


def _place(text: str, path: KeyPath, *, key: bool = False) -> tuple[int | None, int | None]:
    """Line and column (1-based) where ``path`` is written in the profile's ``text`` (:func:`tomlfile.place`:
    the nearest table or key that holds it, when it is not written as such); none when not found."""
    found = place(text, path, key=key)
    return found if found is not None else (None, None)


def load_profile(path: Path | str) -> SutProfile:
    """Read and check a profile; :class:`SutProfileError` names the first problem's place."""
    file = Path(path)
    try:
        raw = read_config(file)
    except OSError as exc:
        raise SutProfileError(file, _t("profil illisible ({reason})"), reason=os_reason(exc)) from None
    try:
        text = raw.decode("utf-8")
        doc = parse_toml(text)
    except UnicodeDecodeError as exc:  # placed on the first bad byte (a profile saved in cp1252), as a plan's is
        at = SourceText(str(file), raw).ref_at(exc.start)
        said = _t("pas du texte UTF-8 (octet illisible) : enregistrez-le en UTF-8")
        raise SutProfileError(file, said, line=at.line, col=at.col) from None
    except TomlSyntaxError as exc:
        said, params = exc.said()
        raise SutProfileError(file, said, line=exc.line, col=exc.col, **params) from None
    reader = _Reader(file, text)
    for key in doc:
        if key not in _SECTIONS:
            names = ", ".join(sorted(_SECTIONS))
            said = _t("section inconnue (sections : {names})")
            raise reader.fail(f"[{key}]", said, (key,), on_key=True, names=names)
    sources = tuple(reader.log_source(value, rank) for rank, value in enumerate(reader.array(doc, "logs")))
    product, syslog_port = reader.product(doc), reader.syslog(doc)
    outputs, extractors = reader.outputs(doc), reader.extractors(doc, text)
    reader.files_named(extractors, outputs, text)
    reader.channels_named(extractors, text)
    profile = SutProfile(
        product=product,
        log_sources=sources,
        syslog_port=syslog_port,
        outputs=MappingProxyType(outputs),
        extractors=extractors,
        guidance=MappingProxyType(reader.guidance(doc)),
        path=file.resolve(),
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    reader.in_place(profile)
    return profile
