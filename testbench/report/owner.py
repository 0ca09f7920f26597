"""Whose report a folder holds, as its own ``report.json`` says: the one place that decides it.

A report folder is rebuilt (``report``, ``run --report``) or linked to (``export --report``) only for the
session that made it: another session's exam book, perhaps signed, is never replaced nor linked silently.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from testbench.i18n import translator
from testbench.integrity.jsonparts import read_members
from testbench.integrity.manifest import REPORT_NAMES

REPORT_JSON = "report.json"


def default_folder(session: Path) -> Path:
    """The report folder beside a session, ``SESSION-report/``: where the workstation's ``g`` writes the exam
    book, where its export links to, and what an interrupted run's recovery command names."""
    return session.with_name(f"{session.stem}-report")


class NotAReport(ValueError):
    """The folder holds no readable testbench report (``report.json`` absent, damaged or of another shape)."""


#: What the readers of a folder's report use of its JSON document: whose it is, the chain it was built from, and
#: each case's key and anchor (an export's links). Not its whole: 754 cases, 45 MB, took 300 MB read whole.
_MEMBERS = ("session", "integrity", "cases")
_CASE_FIELDS = ("key", "anchor")


def _case_part(case: object) -> object:
    return {k: v for k, v in case.items() if k in _CASE_FIELDS} if isinstance(case, dict) else case


def read_report(folder: Path) -> dict[str, Any]:
    """The report's ``session`` (whose ``id`` names the session it was built from), ``integrity`` and ``cases``,
    each case with its ``key`` and ``anchor`` only (:data:`_MEMBERS`)."""
    try:
        data = read_members(folder / REPORT_JSON, _MEMBERS, {"cases": _case_part})
        if isinstance(data["session"]["id"], str):
            return data
    except (OSError, ValueError, KeyError, TypeError):
        pass
    raise NotAReport(str(folder))


def foreign_files(folder: Path) -> list[str]:
    """The names a build writes that ``folder`` holds while it is no testbench report (no readable
    ``report.json``): a person's own ``index.html`` or ``evidence/``, which a build would replace and delete.
    ``junit.xml`` is left out: an output a CI's ``--junit`` rewrites, as every output is."""
    if not os.path.isdir(folder):
        return []
    try:
        read_report(folder)
    except NotAReport:
        return [name for name in REPORT_NAMES if name != "junit.xml" and os.path.lexists(folder / name)]
    return []


def is_other_session(data: dict[str, Any], session_id: str | None) -> bool:
    """Whether the report ``data`` is another session's than ``session_id`` (None: a session not made yet)."""
    return data["session"]["id"] != session_id


def other_session_problem(
    folder: Path, mine: str | None, lang: str | None = None, session: Path | None = None
) -> str | None:
    """The sentence refusing to write the report of the session ``mine`` (its id; None: a session not made
    yet) into ``folder`` when the folder holds another session's report, or None. ``session``: the file being
    reported on — a report of an earlier session of the same name (the file made again since) says so. A folder
    holding files a build writes without being a report (:func:`foreign_files`) is refused too."""
    t = translator(lang)
    try:
        data = read_report(folder)
    except NotAReport:
        if found := foreign_files(folder):
            return t(
                "{path} : ce dossier contient {names} sans être un rapport testbench (aucun report.json lisible) ;"
                " rien n'y a été remplacé. Indiquez un autre dossier, ou déplacez d'abord ces fichiers"
            ).format(path=folder, names=", ".join(found))
        return None
    if not is_other_session(data, mine):
        return None
    other = data["session"].get("file") or data["session"]["id"]
    if session is not None and other == session.name:
        return t(
            "{path} : ce dossier contient le rapport d'une session antérieure du même nom ({other}) : ce fichier de"
            " session a été refait depuis ; le rapport n'a pas été remplacé. Indiquez un autre dossier, ou supprimez"
            " d'abord ce rapport"
        ).format(path=folder, other=other)
    return t(
        "{path} : ce dossier contient le rapport d'une autre session ({other}) ; il n'a pas été remplacé. "
        "Indiquez un autre dossier, ou supprimez d'abord ce rapport"
    ).format(path=folder, other=other)
