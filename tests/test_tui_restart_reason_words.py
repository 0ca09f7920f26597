"""The notice of a case starting again names why its attempt stayed unfinished once: an attempt a stopped process
left reads « restée inachevée (processus arrêté avant le verdict) », never « (tentative interrompue (processus
arrêté avant le verdict)) » — in either language; any other reason as recorded."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from testbench.i18n import translator
from testbench.runner.reasons import INTERRUPTED
from testbench.tui.run_handlers import RESTART, RunHandlers


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "C-1 : la tentative 2 est restée inachevée (processus arrêté avant le verdict) ; le cas reprend"),
        ("en", "C-1: attempt 2 was left unfinished (process stopped before the verdict); the case starts again"),
    ],
)
def test_a_stopped_process_s_attempt_is_said_once(lang: str, expected: str) -> None:
    host = SimpleNamespace(t=translator(lang))
    said = RunHandlers._restart_said(host, RESTART, "C-1", SimpleNamespace(number=2, reason=INTERRUPTED))  # type: ignore[arg-type]
    assert said.startswith(expected), said
    assert said.count("(") == said.count(")") and "((" not in said and "))" not in said


def test_another_reason_is_said_as_recorded() -> None:
    host = SimpleNamespace(t=translator("fr"))
    attempt = SimpleNamespace(number=1, reason="étape s-secure en attente de l'opérateur")
    said = RunHandlers._restart_said(host, RESTART, "C-1", attempt)  # type: ignore[arg-type]
    assert said.startswith("C-1 : la tentative 1 est restée inachevée (étape s-secure en attente de l'opérateur) ;")
