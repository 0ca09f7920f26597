"""Audit s20: when the demo application died during ``demo --exam``, the remaining cases said « étape s-invoice en
attente de l'opérateur (mode opérateur) » with no word of the application, in the console, the session and the
report: its error went to notify(), which a headless run does not show, in French the catalogue did not hold. Now
the step waits with the application's own reason, recorded as the case's, in the user's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.demoapp.driver import DemoAppError, start_demo_app
from testbench.engines.operator.mode import OperatorPending
from testbench.i18n import english
from tests.test_demoapp_driver import _engine


def test_a_stopped_application_is_the_reason_the_step_waits(tmp_path: Path) -> None:
    app = start_demo_app(tmp_path / "app")
    try:
        app._proc.kill()  # the audit's ``kill <pid>``
        app._proc.wait()
        engine, _case, request = _engine(app)
        with pytest.raises(OperatorPending) as caught:
            engine.create_invoice(request)
    finally:
        app.close()
    said = str(caught.value)
    assert said == (
        f"étape s-invoice non exécutée : l'application de démonstration s'est arrêtée (processus {app.pid}) ; "
        "relancez la démo pour exécuter les cas restants"
    )
    assert english(said) == (
        f"step s-invoice not performed: the demo application has stopped (process {app.pid}); "
        "run the demo again to perform the remaining cases"
    )


class Silent:
    """An application that no longer answers."""

    pid = 4242
    timeout = 60.0

    def send(self, command: dict) -> dict:
        raise DemoAppError(stopped=False)


def test_a_silent_application_is_said_with_how_long_it_was_waited_for() -> None:
    engine, _case, request = _engine(Silent())
    with pytest.raises(OperatorPending) as caught:
        engine.create_invoice(request)
    assert "l'application de démonstration ne répond pas depuis 60 s (processus 4242)" in str(caught.value)
    assert "the demo application has not answered for 60 s (process 4242)" in english(str(caught.value))

