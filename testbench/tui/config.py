"""Where the workstation keeps its small files: settings, keymap and UI position (no Textual here).

Everything lives in one folder per user (``TESTBENCH_CONFIG_DIR`` overrides it, for tests and for
portable installs): ``tui.toml`` (settings and keymap, written by the user) and ``ui-state.json``
(written by the program: last session, selected case and view per session). Nothing here is
evidence: the session file is the record; losing these files only loses the cursor position.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testbench.fmt import os_reason
from testbench.i18n import LANGUAGES, default_language
from testbench.tomlfile import TomlSyntaxError, parse_toml, path_problem, read_config
from testbench.wholefile import replace_over

STATE_FILE = "ui-state.json"
SETTINGS_FILE = "tui.toml"


def config_dir() -> Path:
    """The per-user configuration folder, portable across Linux, macOS and Windows."""
    override = os.environ.get("TESTBENCH_CONFIG_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "testbench"


@dataclass
class Settings:
    lang: str = "fr"
    operator: str = ""  # who attests manual steps and signs annotations (the OS user when empty)
    keymap: dict[str, str] = field(default_factory=dict)  # action id -> key(s), e.g. {"run-case": "f5"}
    signing_key: Path | None = None  # the reviewer's private key (testbench keys init's default when None)
    problems: list[str] = field(default_factory=list)  # what was wrong in the file (shown, not fatal)


def load_settings(directory: Path | None = None) -> Settings:
    """Read ``tui.toml``; a bad file is reported in ``problems`` and ignored, never fatal."""
    path = (directory or config_dir()) / SETTINGS_FILE
    settings = Settings(lang=default_language())
    if not path.is_file():
        return settings
    try:
        data = parse_toml(read_config(path).decode("utf-8"))
    except OSError as exc:
        settings.problems.append(f"{path} : illisible ({os_reason(exc)})")
        return settings
    except UnicodeDecodeError:
        settings.problems.append(f"{path} : illisible (pas du texte UTF-8)")
        return settings
    except TomlSyntaxError as exc:  # placed as every TOML file of ours (file:line:col), with its reason
        said, params = exc.said()
        settings.problems.append(f"{path}:{exc.line}:{exc.col}: {said.format(**params)}")
        return settings
    lang = str(data.get("lang", settings.lang)).lower()
    if lang in LANGUAGES and "TESTBENCH_LANG" not in os.environ:
        settings.lang = lang
    elif lang not in LANGUAGES:
        settings.problems.append(f"{path} : langue inconnue « {lang} » (fr ou en)")
    settings.operator = str(data.get("operator", ""))
    if data.get("signing_key"):
        key = str(data["signing_key"])
        hint = path_problem(key)  # "C:\tmp\fse.pem" reads a tab and a form feed: refused with the hint
        if hint is not None:
            settings.problems.append(f"{path} : signing_key : caractère de contrôle dans le chemin ; {hint}")
        else:
            settings.signing_key = Path(key).expanduser()
    keymap = data.get("keymap", {})
    if isinstance(keymap, dict):
        settings.keymap = {str(k): str(v) for k, v in keymap.items()}
    else:
        settings.problems.append(f"{path} : [keymap] doit être une table action = touche")
    return settings


class UiState:
    """The small JSON file remembering the last session and, per session, the case and view."""

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory or config_dir()) / STATE_FILE
        self.data: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self.data = loaded

    def save(self) -> None:
        """Write atomically (temp file + replace) so a crash never leaves half a file. Best effort: a file that
        cannot be written (a full disk; on Windows, held by another program past a moment's wait) leaves the
        previous one and no temporary file, and the workstation goes on (it only forgets where it was)."""
        tmp = self.path.with_suffix(".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(self.data, ensure_ascii=False, indent=1), encoding="utf-8")
            replace_over(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    # -- last session ----------------------------------------------------------------------------
    def remember_last(self, session: Path, casebooks: list[Path], bench: dict[str, object] | None = None) -> None:
        self.data["last"] = {
            "session": str(session.resolve()),
            "casebooks": [str(p.resolve()) for p in casebooks],
            "bench": dict(bench or {}),
        }
        self.save()

    def last_bench(self) -> dict[str, object]:
        """The bench options the last session was opened with (engine, cards…)."""
        last = self.data.get("last")
        bench = last.get("bench") if isinstance(last, dict) else None
        return dict(bench) if isinstance(bench, dict) else {}

    def last(self) -> tuple[Path, list[Path]] | None:
        last = self.data.get("last")
        if not isinstance(last, dict) or "session" not in last:
            return None
        return Path(last["session"]), [Path(p) for p in last.get("casebooks", [])]

    # -- position in a session -------------------------------------------------------------------
    def position(self, session: Path) -> dict[str, str]:
        sessions = self.data.get("sessions", {})
        found = sessions.get(str(session.resolve()), {}) if isinstance(sessions, dict) else {}
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}

    def set_position(self, session: Path, **values: str) -> None:
        sessions = self.data.setdefault("sessions", {})
        entry = sessions.setdefault(str(session.resolve()), {})
        if all(entry.get(k) == v for k, v in values.items()):
            return
        entry.update(values)
        self.save()
