"""What a tool says, drawn in the language asked when shown: the CLI prints it, the workstation shows it."""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from testbench.fmt import os_reason
from testbench.i18n import translator
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE

T = Callable[[str], str]
#: a line drawn with the translator of a language and the language (``None``: the active one); written
#: ``lambda t, lang: t("…")`` so that the catalogue's extraction sees the French literal
Render = Callable[[T, "str | None"], str]


class Said(Protocol):
    """A problem that says itself in a language (casebook, office and profile problems)."""

    def text(self, lang: str | None = None) -> str: ...


@dataclass(frozen=True)
class Line:
    """One line a tool says, drawn in the language of whoever shows it."""

    render: Render
    error: bool = False  # the CLI writes it on stderr; the workstation draws it in red
    prefixed: bool = False  # the CLI puts ``testbench COMMAND:`` before it


@dataclass
class ToolResult:
    """A tool's exit code (runner.exits), its lines in the order said, and the files it wrote."""

    code: int = EXIT_OK
    lines: list[Line] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def say(self, render: Render) -> None:
        self.lines.append(Line(render))

    def warn(self, render: Render, *, prefixed: bool = False) -> None:
        self.lines.append(Line(render, error=True, prefixed=prefixed))

    def warn_each(self, problems: Iterable[Said]) -> None:
        """Each problem as an error line, in the language shown."""
        for problem in problems:
            self.warn(lambda _t, lang, problem=problem: problem.text(lang))

    def fail(self, code: int, render: Render, *, prefixed: bool = True) -> ToolResult:
        """Refused or failed: the reason (an error line) and the exit code; the result, to return it at once."""
        self.warn(render, prefixed=prefixed)
        self.code = code
        return self

    def texts(self, lang: str | None) -> list[tuple[str, bool]]:
        """Each line in ``lang``, with whether it is an error."""
        t = translator(lang)
        return [(line.render(t, lang), line.error) for line in self.lines]

    def print(self, command: str, lang: str | None) -> int:
        """The CLI's output: normal lines on stdout, errors on stderr (``testbench COMMAND: `` first when
        the line is the command's own refusal); returns the exit code."""
        t = translator(lang)
        for line in self.lines:
            text = line.render(t, lang)
            if line.error:
                print(f"testbench {command}: {text}" if line.prefixed else text, file=sys.stderr)
            else:
                print(text)
        return self.code


def french(text: str) -> Render:
    """A sentence the core wrote in French (the store's, a key's), read in the language shown."""
    return lambda t, _lang: t(text)


def unwritten(path: Path, exc: OSError) -> Render:
    """« écriture impossible de PATH : the OS's reason », in the language shown."""
    return lambda t, _lang: t("écriture impossible de {path} : {reason}").format(path=path, reason=os_reason(exc, t))


#: The OS errors that are the machine's, not the path's: a full disk or a failing one, and a file-size limit (a
#: process's ``ulimit -f``, FAT32's 4 GiB), which ``run`` counts among the bench's faults too.
DISK_FAULTS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG})


def unwritten_code(exc: OSError) -> int:
    """The exit code of a write the system refused: 2 for a full or failing disk (the environment, README § Exit
    codes, as ``run`` and ``report`` give it), else 3 (the path the person gave)."""
    return EXIT_ENVIRONMENT if exc.errno in DISK_FAULTS else EXIT_USAGE


def option(name: str, t: T) -> str:
    """An input as a refusal names it: a CLI flag as written (``--id``), a window's field by its label
    (French, given as written in the tool's table) in the language shown."""
    return name if name.startswith("--") else t(name)


def forced_by(name: str, t: T) -> str:
    """What overrides a refusal: a CLI flag as written (``--force``), or a window's yes/no field set to yes."""
    return name if name.startswith("--") else t("« {field} » à oui").format(field=t(name))
