"""A fault of the bench under a case: the case ends in error with a sentence a person reads in either language —
the system's words, or the defect's kind with where its call stack was recorded — never the exception's repr."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.i18n import english
from testbench.runner.runner import Runner


@pytest.mark.parametrize(
    ("exc", "french", "english_text"),
    [
        (
            KeyError("x"),
            "défaut du banc : erreur interne de testbench ; sa pile d'appels est dans le journal de la session",
            "bench fault: testbench internal error; its call stack is in the session's journal",
        ),
        (
            PermissionError(13, "Permission denied", "/media/cle/fse.xml"),
            "défaut du banc : /media/cle/fse.xml : accès refusé (droits insuffisants)",
            "bench fault: /media/cle/fse.xml: access denied (insufficient rights)",
        ),
    ],
)
def test_a_bench_fault_ends_the_case_in_error_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: Exception, french: str, english_text: str
) -> None:
    def broken(self: Runner, *_args: object, **_kwargs: object) -> None:
        raise exc

    monkeypatch.setattr(Runner, "_run_case", broken)
    conn = sqlite3.connect(campaign(tmp_path, hostile=False))
    attempts = set(conn.execute("SELECT verdict, reason FROM attempts"))
    faults = [json.loads(d) for (d,) in conn.execute("SELECT data FROM events WHERE kind = 'bench-fault'")]
    conn.close()
    assert attempts == {("error", french)}
    assert english(french) == english_text
    assert len(faults) == 2 and "Traceback" in faults[0]["traceback"]  # the call stack, in the journal
