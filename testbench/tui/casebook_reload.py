"""The workstation follows its casebook files: a save reloads them and the problem list changes with it.

Authoring happens in an editor beside the workstation: each save is seen (``casebook.watch.watch_files``
in a thread worker, the files re-read there with ``casebook.problems.read_casebooks``), then applied on
the UI thread: the tree and the case shown are those of the file as saved, an invalid file's readable
cases are shown read-only with their problems beside them, and the workstation says what it reloaded.
A save during a run is applied when the run ends (the run holds the cases it started with).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual.message import Message

from testbench.casebook.problems import CasebookState, read_casebooks
from testbench.casebook.watch import watch_files
from testbench.i18n import _t, tn


@dataclass
class CasebooksRead(Message):
    """The casebook files were saved and read again (in the watch worker)."""

    states: list[CasebookState]
    changed: set[Path]


#: a casebook saved, shown as saved, but not recorded in the session (``reason``: the store's sentence)
NOT_RECORDED = _t("Cahier rechargé mais non enregistré dans la session : {reason}")


class CasebookReload:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`, whose state (``ws``, ``t``, the tree) it updates."""

    def init_casebook_watch(self) -> None:
        self.watch_stop = threading.Event()
        self.watch_ready = threading.Event()  # set once a save is seen (tests wait for it before saving)
        self.casebooks_reloaded = asyncio.Event()  # set after each reload is on screen (tests await it)
        self._pending_casebooks: CasebooksRead | None = None

    def setup_casebook_watch(self) -> None:
        """Start watching the casebook files (those whose folder exists: a test's in-memory casebook has none)."""
        paths = [s.path for s in self.ws.states if s.path.parent.is_dir()]
        if not paths:
            return
        # a thread of its own, not a Textual worker: it blocks in the watch until ``watch_stop`` (set on
        # unmount), and the app's shutdown must not wait for it
        threading.Thread(target=self._watch_thread, args=(paths,), name="casebook-watch", daemon=True).start()

    def _watch_thread(self, paths: list[Path]) -> None:
        """Watch thread: each save re-reads every file (a case id used twice spans them), then posts."""
        try:
            for changed in watch_files(paths, self.watch_stop, ready=self.watch_ready):
                self.post_message(CasebooksRead(read_casebooks(paths), changed))
        except OSError:  # the folder went away: the workstation keeps what it shows, nothing more to follow
            return

    def on_casebooks_read(self, message: CasebooksRead) -> None:
        if not self.query("#tree"):  # a save seen as the workstation closes: the next opening follows the file
            return
        if self.running:
            self._pending_casebooks = message
            self.log_line(lambda: f"↻ {self.t('cahier de tests modifié : rechargé à la fin de l’exécution')}")
            return
        self._apply_casebooks(message)

    def apply_pending_casebooks(self) -> None:
        """After a run: the save seen during it."""
        pending, self._pending_casebooks = self._pending_casebooks, None
        if pending is not None:
            self._apply_casebooks(pending)

    def stop_casebook_watch(self) -> None:
        self.watch_stop.set()

    def _reloaded(self, name: str, count: int) -> str:
        """« Cahier rechargé : … », in the language shown."""
        if count:
            return tn(
                "Cahier rechargé : {file} — {count} problème, lecture seule",
                "Cahier rechargé : {file} — {count} problèmes, lecture seule",
                count,
                self.lang,
                file=name,
            )
        return self.t("Cahier rechargé : {file} — valide").format(file=name)

    def _apply_casebooks(self, message: CasebooksRead) -> None:
        current = self.current_entry()
        problem = self.ws.reload_casebooks(message.states)
        self.follow_writer()  # another process writes the session (``testbench run``): read-only until it ends
        if problem is not None:  # shown, not recorded in the session: said, in the store's words
            said = partial(lambda problem: self.t(NOT_RECORDED).format(reason=self.t(problem)), problem)
            self.log_line(lambda: f"⚠ {said()}")
            self.notify(said(), severity="error", timeout=15)
        self._case_keys = {id(c): (cb.sha256, c.id) for cb in self.ws.casebooks for c in cb.cases}
        if current is not None:  # the same case in the file's new version
            found = next(
                (
                    e
                    for e in self.ws.entries
                    if e.casebook.path == current.casebook.path and e.case.id == current.case.id
                ),
                None,
            )
            self.current = found.key if found is not None else None
        self.rebuild_tree(force=True)
        if self.current is None and self.ws.entries:
            self.current = self.ws.entries[0].key
        if self.current is not None:
            self.goto_case(self.current)
        self.refresh_case_views()
        self.refresh_overview()
        for state in message.states:
            if state.path not in message.changed:
                continue
            count = len(state.all_problems())
            said = partial(self._reloaded, state.path.name, count)
            self.log_line(partial(lambda said: f"↻ {said()}", said))
            self.notify(said(), severity="warning" if count else "information", timeout=6)
        self.casebooks_reloaded.set()
