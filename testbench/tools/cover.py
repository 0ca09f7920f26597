"""The exam book's cover completed after the runs (``testbench cover``; the workstation's « Page de garde »).

The cover names the software, its version, the agrément and the operator from what the runs recorded
(``--sut``, ``--sut-version``, ``--agrement``, ``--operator``). A field no run named can be completed
afterwards without running a case again: it goes into the session's meta (chained like the rest), and
``store.read.COMPLETED_META`` keeps what was completed, when and by whom, which the book prints. A field a
run named stays as recorded: the record is not rewritten.
"""

from __future__ import annotations

import getpass
import json
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from testbench.fmt import visible_controls
from testbench.i18n import LANGUAGES, _t, colon, default_language
from testbench.report.cover import CoverField, identity, session_cover
from testbench.runner.exits import EXIT_USAGE
from testbench.store.connection import SessionError
from testbench.store.read import COMPLETABLE, COMPLETED_META, completions, modified_entries, read_session
from testbench.store.session import SessionStore
from testbench.tools.result import ToolResult, french
from testbench.traces.redact import redact_pins

#: the cover's lines the tool says once done (``report.cover.cover_fields`` keys)
SHOWN = ("sut", "agrement", "operators", "completed")


def recorded_by_runs(runs: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """What the runs (their options and environments, as the cover reads them) already name of COMPLETABLE."""
    runs = list(runs)
    named = identity([*(r.get("options") or {} for r in runs), *(r.get("environment") or {} for r in runs)])
    values = {"sut": named["name"], "sut_version": named["version"], **named}
    return {key: str(values[key]) for key in COMPLETABLE if values.get(key)}


def cover_tool(session: Path, values: Mapping[str, str]) -> ToolResult:
    """Complete the cover of ``session`` with ``values`` (keys of COMPLETABLE; blank ones ignored), then say its
    identity lines as the book will print them. Exit 0 when done (a field a run named is said and left, one
    completed already with the same value is said and not recorded again), 3 when the session cannot be read
    or written, or every field given is one a run already names."""
    result = ToolResult()
    # a PIN is never stored (« code porteur : 4719 » typed in an operator's name): masked as the capture masks it
    given = {k: redact_pins(v.strip()) for k, v in values.items() if k in COMPLETABLE and v and v.strip()}
    try:
        with read_session(session) as view:
            named = recorded_by_runs(view.runs)
            before = completions(view.meta)
    except SessionError as exc:
        return result.fail(EXIT_USAGE, french(str(exc)))
    for key in given.keys() & named.keys():
        result.warn(
            lambda t, _lang, key=key: t("{field} : déjà enregistré par les exécutions (« {value} ») ; inchangé").format(
                field=t(COMPLETABLE[key]), value=visible_controls(named[key])
            )
        )
    if given and given.keys() <= named.keys():
        return result.fail(EXIT_USAGE, lambda t, _lang: t("rien à compléter : les exécutions nomment déjà ces champs"))
    completed = {e.get("field"): e.get("value") for e in before}  # the latest completion of each field
    todo = {k: v for k, v in given.items() if k not in named and completed.get(k) != v}
    same = [k for k in given if k not in named and k not in todo]
    if same:  # completed again with the same value: nothing recorded twice
        result.say(
            lambda t, _lang: t("déjà complété avec cette valeur, rien d'enregistré : {fields}").format(
                fields=", ".join(t(COMPLETABLE[k]) for k in same)
            )
        )
    if todo:
        try:
            modified = modified_entries(session)
        except SessionError as exc:
            return result.fail(EXIT_USAGE, french(str(exc)))
        if modified:  # as ``merge`` refuses it: the cover of an altered record is not completed
            for line in modified:
                result.warn(french(line), prefixed=True)
            return result.fail(EXIT_USAGE, lambda t, _lang: t(COVER_REFUSED))
        at, by = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), _user()
        entries = [*before, *({"field": k, "value": v, "by": by, "at": at} for k, v in todo.items())]
        try:
            with SessionStore.open(session) as store:
                for key, value in todo.items():
                    store.set_meta(key, value)
                store.set_meta(COMPLETED_META, json.dumps(entries, ensure_ascii=False))
        except SessionError as exc:
            return result.fail(EXIT_USAGE, french(str(exc)))
        result.say(
            lambda t, _lang: t("page de garde complétée : {fields}").format(
                fields=", ".join(t(COMPLETABLE[k]) for k in todo)
            )
        )
    with read_session(session) as view:  # the cover as the book will print it, in either language shown
        covers = {lang: session_cover(view, lang) for lang in LANGUAGES}
    for i, line in enumerate(covers["fr"]):
        if line.key in SHOWN:
            result.say(lambda _t, lang, i=i: _line(covers[lang or default_language()][i], lang))
    return result


def _line(line: CoverField, lang: str | None) -> str:
    """A cover line as the terminal shows it: a control character typed in a value is a visible marker, as in
    the book, never an escape sequence the terminal obeys."""
    return f"{line.label}{colon(lang)}{visible_controls(line.value)}"


#: the refusal after the journal's problems, as ``merge`` says its own (« fusion refusée : … »)
COVER_REFUSED = _t("page de garde non complétée : la session a été modifiée")


def _user() -> str:
    """Who completed the cover: the account the workstation or the command runs as."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
