"""Line parsers: find a line's own timestamp and level, with presets for the formats a bench meets.

A :class:`LineFormat` is a regex with named groups ``ts``, ``level`` and ``msg`` (each optional) and a
timestamp format: ``"iso"`` (ISO 8601, via ``datetime.fromisoformat``), ``"syslog3164"`` (``Nov  5
09:10:11``, no year) or a ``strptime`` format. Timestamps without a zone are read in ``tz``: ``"local"``
(the bench machine's zone) or ``"utc"``; those without a year are put in the year nearest now, those without a
date (``09:14:02,123``) on the day nearest now.

A line that does not match the regex is a *continuation* (a stack trace, a wrapped message): it keeps
its own text and inherits the timestamp and level of the last line that matched, so it stays attached
to it in every view and is attributed to the same step (:class:`StreamParser`). :func:`join_records`
merges continuations into their header line for offline use.

The ``log4crc`` preset reads the FSV engine traces configured by ``log4crc.xml``. Their exact layout is
not public: the preset is our best reading — log4crc.xml is the configuration file name of the log4c C
library, whose "dated" layout writes ``YYYYMMDD HH:MM:SS.mmm PRIORITY category- message`` in UTC. Adjust
it in the configuration if the traces differ.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

#: Levels are normalised to these names (what the UI colours and filters on).
LEVEL_ALIASES: Mapping[str, str] = {
    "TRACE": "TRACE",
    "FINEST": "TRACE",
    "FINER": "TRACE",
    "VERBOSE": "TRACE",
    "DEBUG": "DEBUG",
    "DBG": "DEBUG",
    "FINE": "DEBUG",
    "INFO": "INFO",
    "INF": "INFO",
    "INFORMATION": "INFO",
    "CONFIG": "INFO",
    "NOTICE": "NOTICE",
    "WARN": "WARN",
    "WARNING": "WARN",
    "WRN": "WARN",
    "ERROR": "ERROR",
    "ERR": "ERROR",
    "ERREUR": "ERROR",
    "SEVERE": "ERROR",
    "CRIT": "FATAL",
    "CRITICAL": "FATAL",
    "FATAL": "FATAL",
    "ALERT": "FATAL",
    "EMERG": "FATAL",
    "EMERGENCY": "FATAL",
    "PANIC": "FATAL",
}

#: syslog severities 0..7 (RFC 5424 §6.2.1) on the same names.
SYSLOG_SEVERITY = ("FATAL", "FATAL", "FATAL", "ERROR", "WARN", "NOTICE", "INFO", "DEBUG")

#: English month abbreviations, independent of the locale (strptime %b is not).
MONTHS = {
    m: i
    for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)
}


def normalise_level(level: str | None) -> str | None:
    if not level:
        return None
    key = level.strip().strip("[]").upper()
    return LEVEL_ALIASES.get(key, key or None)


@dataclass(frozen=True)
class LineFormat:
    """How to read one source's lines. ``pattern`` must be anchored by the caller's intent (``match``)."""

    name: str
    pattern: str
    ts_format: str | None = "iso"  # "iso", "syslog3164", "dmy", a strptime format, or None
    tz: str = "local"  # "local" or "utc" for timestamps without a zone
    description: str = ""

    def compile(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


class Parsed(NamedTuple):
    ts: str | None
    level: str | None
    msg: str
    continuation: bool


_LEVEL_WORDS = (
    r"TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|SEVERE|CRIT(?:ICAL)?|FATAL|ALERT|EMERG|FINE|FINER|FINEST"
)
_ISO_TS = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}(?::?\d{2})?)?"

PRESETS: dict[str, LineFormat] = {
    "iso8601": LineFormat(
        name="iso8601",
        pattern=(
            rf"^\[?(?P<ts>{_ISO_TS})\]?\s+"
            rf"(?:\[?(?P<level>(?i:{_LEVEL_WORDS}))\]?(?=[\s:\]-]|$)[\s:\-]*)?"
            r"(?P<msg>.*)$"
        ),
        description="journal applicatif horodaté ISO 8601 (2026-11-25T10:00:00.123+01:00 INFO …)",
    ),
    "log4j": LineFormat(
        name="log4j",
        # log4j PatternLayout "%d [%t] %-5p %c - %m%n", log4net "%date [%thread] %-5level %logger - %message"
        pattern=(
            r"^(?P<ts>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d{1,6})?)\s+"
            r"(?:\[(?P<thread>[^\]]*)\]\s+)?"
            rf"(?P<level>{_LEVEL_WORDS})\s+"
            r"(?P<msg>.*)$"
        ),
        description="log4j / log4net (2026-11-25 10:00:00,123 [main] INFO  com.x.Y - message)",
    ),
    "syslog3164": LineFormat(
        name="syslog3164",
        pattern=(
            r"^(?:<(?P<pri>\d{1,3})>)?"
            r"(?P<ts>[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2})\s+"
            r"(?P<msg>\S+\s+.*)$"
        ),
        ts_format="syslog3164",
        description="syslog RFC 3164 (Nov 25 10:00:00 hôte app[123]: message)",
    ),
    "syslog5424": LineFormat(
        name="syslog5424",
        pattern=(r"^(?:<(?P<pri>\d{1,3})>)?\d{1,2} (?P<ts>\S+) (?P<msg>.*)$"),
        description="syslog RFC 5424 (<14>1 2026-11-25T10:00:00.123Z hôte app 123 - - message)",
    ),
    "log4crc": LineFormat(
        name="log4crc",
        # log4c "dated" layout: "%04d%02d%02d %02d:%02d:%02d.%03d %-8s %s- %s"
        pattern=(
            r"^(?P<ts>\d{8} \d{2}:\d{2}:\d{2}\.\d{3})\s+"
            r"(?P<level>[A-Z]+)\s+"
            r"(?P<msg>.*)$"
        ),
        ts_format="%Y%m%d %H:%M:%S.%f",
        tz="utc",
        description=(
            "traces FSV (log4crc.xml) : notre lecture, format non public — "
            "disposition « dated » de log4c, 20261125 10:00:00.123 DEBUG    ssv- message, en UTC"
        ),
    ),
    "dmy": LineFormat(
        name="dmy",
        # the day first, as French Windows software often writes its dates: 06/12/2026 08:31:54,170 [INFO ] …
        pattern=(
            r"^(?P<ts>\d{2}/\d{2}/\d{4}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,6})?)\s+"
            rf"(?:\[?\s*(?P<level>(?i:{_LEVEL_WORDS}))\s*\]?(?=[\s:\]-]|$)[\s:\-]*)?"
            r"(?P<msg>.*)$"
        ),
        ts_format="dmy",
        description="date jour d'abord, à la française (06/12/2026 08:31:54,170 [INFO ] message), heure locale",
    ),
    "plain": LineFormat(name="plain", pattern=r"^(?P<msg>.*)$", ts_format=None, description="sans horodatage"),
}


#: The format name that asks each file's format to be recognised from its first lines (:func:`detect_format`).
AUTO = "auto"


def format_name(name: str) -> str:
    """A format name as a person wrote it (``format=Auto``, ``Log4J``), as the bench names it: ``auto`` or a
    preset's name, case aside; an unknown one refused with every known name, ``auto`` first."""
    return AUTO if name.strip().lower() == AUTO else get_format(name).name


def get_format(spec: str | LineFormat | Mapping[str, str] | None) -> LineFormat:
    """A preset name, a :class:`LineFormat`, or a mapping (``pattern``, ``ts_format``, ``tz``) from a config."""
    if spec is None:
        return PRESETS["plain"]
    if isinstance(spec, LineFormat):
        return spec
    if isinstance(spec, str):
        try:
            return PRESETS[spec.strip().lower()]  # « Log4J » is log4j, as « Auto » is auto (format_name)
        except KeyError:
            names = ", ".join([AUTO, *sorted(PRESETS)])  # every caller that reads a person's name takes auto
            raise ValueError(f"format de trace inconnu « {spec} » (formats connus : {names})") from None
    fmt = LineFormat(
        name=spec.get("name", "custom"),
        pattern=spec["pattern"],
        ts_format=spec.get("ts_format", "iso"),
        tz=spec.get("tz", "local"),
    )
    compiled = fmt.compile()  # fail now, with the regex error, not on the first line
    if "msg" not in compiled.groupindex:
        raise ValueError(f"le motif du format {fmt.name!r} doit avoir un groupe nommé 'msg'")
    return fmt


@dataclass
class LineParser:
    """Parses lines of one format; stateless (see :class:`StreamParser` for continuations)."""

    fmt: LineFormat
    _regex: re.Pattern[str] = field(init=False, repr=False)
    _has_pri: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._regex = self.fmt.compile()
        self._has_pri = "pri" in self._regex.groupindex

    def match(self, text: str) -> Parsed | None:
        m = self._regex.match(text)
        if m is None:
            return None
        groups = m.groupdict()
        level = normalise_level(groups.get("level"))
        if level is None and self._has_pri and groups.get("pri"):
            level = SYSLOG_SEVERITY[int(groups["pri"]) % 8]
        return Parsed(groups.get("ts"), level, groups.get("msg") or "", False)

    def to_epoch(self, ts: str, *, now: float | None = None) -> float | None:
        """POSIX seconds of a timestamp written by this source; None if unreadable."""
        return parse_timestamp(ts, self.fmt.ts_format, self.fmt.tz, now=now)


class StreamParser:
    """One source's parser: a line that does not match continues the last one that did."""

    def __init__(self, fmt: LineFormat | str | None) -> None:
        self.parser = LineParser(get_format(fmt))
        self._last_ts: str | None = None
        self._last_level: str | None = None

    @property
    def fmt(self) -> LineFormat:
        return self.parser.fmt

    def parse(self, text: str) -> Parsed:
        parsed = self.parser.match(text)
        if parsed is None:
            return Parsed(self._last_ts, self._last_level, text, True)
        if parsed.ts is not None:
            self._last_ts = parsed.ts
        self._last_level = parsed.level
        return parsed

    def to_epoch(self, ts: str) -> float | None:
        return self.parser.to_epoch(ts)


#: Presets tried by :func:`detect_format`, most specific first (ties go to the earlier one).
DETECT_ORDER = ("log4crc", "log4j", "syslog5424", "syslog3164", "iso8601", "dmy")


def detect_format(lines: Iterable[str], *, min_share: float = 0.5) -> LineFormat:
    """The preset that reads the most of ``lines`` with a timestamp, or ``plain`` if none reads
    at least ``min_share`` of the non-empty lines (``fmt="auto"`` in the capture)."""
    sample = [line for line in lines if line.strip()][:500]
    if not sample:
        return PRESETS["plain"]
    best, best_hits = PRESETS["plain"], 0
    for name in DETECT_ORDER:
        parser = LineParser(PRESETS[name])
        hits = 0
        for line in sample:
            parsed = parser.match(line)
            if parsed is not None and parsed.ts and parser.to_epoch(parsed.ts) is not None:
                hits += 1
        if hits > best_hits:
            best, best_hits = PRESETS[name], hits
    return best if best_hits >= min_share * len(sample) else PRESETS["plain"]


def join_records(lines: Iterable[str], fmt: LineFormat | str | None) -> list[str]:
    """Offline: merge continuation lines into the line they continue (joined with ``\\n``)."""
    parser = LineParser(get_format(fmt))
    records: list[str] = []
    for line in lines:
        if records and parser.match(line) is None:
            records[-1] += "\n" + line
        else:
            records.append(line)
    return records


def parse_timestamp(ts: str, ts_format: str | None, tz: str = "local", *, now: float | None = None) -> float | None:
    """Seconds since the epoch, or None. Naive times are read in ``tz`` (``local`` or ``utc``); a time without a
    year, or without a date at all, is put nearest ``now`` (default: the current time)."""
    if not ts or ts_format is None:
        return None
    try:
        if ts_format == "iso":
            dt = datetime.fromisoformat(_iso_cleanup(ts))
        elif ts_format == "syslog3164":
            return _syslog3164_epoch(ts, tz, now)
        elif ts_format == "dmy":  # a fraction of 1 to 6 digits after « , » or « . », or none
            whole, _, fraction = ts.replace(",", ".").replace("T", " ").partition(".")
            dt = datetime.strptime(f"{whole}.{(fraction + '000000')[:6]}", "%d/%m/%Y %H:%M:%S.%f")
        else:
            return _strptime_epoch(ts, ts_format, tz, now)
        return _epoch(dt, tz)
    except (ValueError, OverflowError):
        return None


def _epoch(dt: datetime, tz: str) -> float:
    """POSIX seconds of ``dt``; a naive ``dt`` is read in ``tz``."""
    if dt.tzinfo is None:
        if tz == "utc":
            dt = dt.replace(tzinfo=UTC)
        else:
            return time.mktime(dt.timetuple()) + dt.microsecond / 1e6
    return dt.timestamp()


def _closest(candidates: Iterable[datetime], tz: str, now: float) -> float | None:
    """The epoch of the candidate nearest ``now``; None if there is none."""
    return min((_epoch(dt, tz) for dt in candidates), key=lambda epoch: abs(epoch - now), default=None)


_DIRECTIVE = re.compile(r"%(.)")
#: strptime directives that give the year (%c, %x: the locale's date and time, or date).
_YEAR_DIRECTIVES = frozenset("YyGcx")
#: ... and those that give the day within a year.
_DATE_DIRECTIVES = frozenset("dmbBhjUWV")


def _strptime_epoch(ts: str, ts_format: str, tz: str, now: float | None) -> float | None:
    """A ``strptime`` format. One without a year (« 12/07 09:14:02 ») takes the year nearest ``now``, as syslog
    does; one without a date (« 09:14:02,123 », an application log that writes the time alone) takes the day
    nearest ``now`` — yesterday or tomorrow for a line written just before or after midnight — not 1 January 1900."""
    directives = set(_DIRECTIVE.findall(ts_format))
    if directives & _YEAR_DIRECTIVES:
        return _epoch(datetime.strptime(ts, ts_format), tz)
    dt = datetime.strptime(f"{ts}|2000", f"{ts_format}|%Y")  # a leap year: « 29/02 » is read
    now = time.time() if now is None else now
    zone = dt.tzinfo or (UTC if tz == "utc" else None)
    today = datetime.fromtimestamp(now, zone).date()
    if directives & _DATE_DIRECTIVES:
        return _closest(_in_years(dt, today.year), tz, now)
    return _closest((datetime.combine(today + timedelta(days=d), dt.timetz()) for d in (-1, 0, 1)), tz, now)


def _in_years(dt: datetime, year: int) -> Iterable[datetime]:
    """``dt`` in the year before, in and after ``year`` (a 29 February only in a leap year)."""
    for candidate in (year - 1, year, year + 1):
        try:
            yield dt.replace(year=candidate)
        except ValueError:
            continue


_FRACTION = re.compile(r"[.,](\d+)")


def _iso_cleanup(ts: str) -> str:
    ts = ts.replace(",", ".", 1)
    if ts.endswith("z"):
        ts = ts[:-1] + "Z"
    # fromisoformat wants 3 or 6 fraction digits before 3.11's relaxed parser: normalise to 6
    m = _FRACTION.search(ts)
    if m and len(m.group(1)) != 6:
        digits = (m.group(1) + "000000")[:6]
        ts = ts[: m.start(1)] + digits + ts[m.end(1) :]
    return ts


def _syslog3164_epoch(ts: str, tz: str, now: float | None) -> float | None:
    """``Mmm dd hh:mm:ss`` has no year: take the one that puts it closest to now (handles New Year)."""
    parts = ts.split()
    if len(parts) != 3 or parts[0] not in MONTHS:
        return None
    month, day = MONTHS[parts[0]], int(parts[1])
    hour, minute, second = (int(x) for x in parts[2].split(":"))
    now = time.time() if now is None else now
    year = time.gmtime(now).tm_year if tz == "utc" else time.localtime(now).tm_year
    dt = datetime(2000, month, day, hour, minute, second)  # a leap year: « Feb 29 » is read
    return _closest(_in_years(dt, year), tz, now)
