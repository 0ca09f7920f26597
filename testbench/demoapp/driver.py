"""The scripted operator: performs each engine step in the demo application, keys no value.

In assisted operator mode the runner hands every engine step to the campaign's operator as a manual step
whose ``params`` carry the engine call and the request the bench would have sent
(:mod:`testbench.engines.operator.mode`). :class:`ScriptedOperator` turns it into the application's
command, sends it to the demo application's process and attests the step done with NO values: every
observed value must then come from the bench's own extraction of the application's log and files, as on
exam day. Manual steps of the casebook go to a fallback operator (prepared attestations, or nobody).

:func:`start_demo_app` starts the application as a separate process (``python -m testbench.demoapp``)
in a working folder; the returned :class:`DemoApp` gives its profile and a scripted operator.
"""

from __future__ import annotations

import contextlib
import json
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from testbench.demoapp import FLAWS, PROFILE
from testbench.domain.attestation import SCRIPTED_OPERATOR, Attestation, Operator
from testbench.engines.operator.mode import OperatorPending
from testbench.engines.protocol.process import ChildPopen
from testbench.i18n import _t

OPERATOR_NAME = SCRIPTED_OPERATOR  # the bench's own words, which the exam book reads in its language
ANSWER_TIMEOUT = 60.0  # seconds: the application's first invoice starts its engine


#: Why a step of the demo application waits (French, recorded as the case's reason; the catalogue has the English):
#: the application's process ended (killed, crashed), or it did not answer in time
APP_STOPPED = _t(
    "étape {step} non exécutée : l'application de démonstration s'est arrêtée (processus {pid}) ; "
    "relancez la démo pour exécuter les cas restants"
)
APP_SILENT = _t(
    "étape {step} non exécutée : l'application de démonstration ne répond pas depuis {seconds} s (processus {pid}) ;"
    " relancez la démo pour exécuter les cas restants"
)


class DemoAppError(Exception):
    """The demo application is not running (``stopped``), or did not answer in time."""

    def __init__(self, stopped: bool) -> None:
        super().__init__("stopped" if stopped else "silent")
        self.stopped = stopped


class DemoApp:
    """The demo application's process: one JSON command per line in, one JSON answer per line out."""

    def __init__(self, workdir: Path, flaw: str | None = None, timeout: float = ANSWER_TIMEOUT) -> None:
        if flaw is not None and flaw not in FLAWS:
            raise ValueError(f"défaut inconnu : {flaw} (défauts connus : {', '.join(FLAWS)})")
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.profile_path = self.workdir / PROFILE.name  # its paths are the working folder's
        shutil.copyfile(PROFILE, self.profile_path)
        self._install()
        self.flaw = flaw
        self.timeout = timeout
        command = [sys.executable, "-P", "-m", "testbench.demoapp", "--workdir", str(self.workdir)]
        if flaw:
            command += ["--flaw", flaw]
        self._proc = ChildPopen(  # an interrupt while it starts kills it: no one else would
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        self._answers: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        try:
            threading.Thread(target=self._read, daemon=True).start()  # waits for the thread to run
        except BaseException:  # an interrupt (^C, SIGTERM) before the caller holds the application: it ends here
            self._proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=10)
            raise

    def _install(self) -> None:
        """The profile's output folders, made as an installed application's are there: the process makes them
        too, but as it starts, while the bench, which warns of a missing one (sut.profile.output_warnings),
        starts its run at once."""
        from testbench.sut.profile import load_profile

        for folder in load_profile(self.profile_path).outputs.values():
            folder.mkdir(parents=True, exist_ok=True)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self._answers.put(line)
        self._answers.put(None)

    def send(self, command: dict[str, Any]) -> dict[str, Any]:
        """Send one command and wait for its answer (a portable pipe read by a thread, with a timeout)."""
        with self._lock:
            if self._proc.poll() is not None or self._proc.stdin is None:
                raise DemoAppError(stopped=True)
            try:
                self._proc.stdin.write(json.dumps(command) + "\n")
                self._proc.stdin.flush()
                line = self._answers.get(timeout=self.timeout)
            except OSError:  # its end of the pipe is closed: it has ended
                raise DemoAppError(stopped=True) from None
            except queue.Empty:
                raise DemoAppError(stopped=self._proc.poll() is not None) from None
            if line is None:
                raise DemoAppError(stopped=True)
            answer = json.loads(line)
            return answer if isinstance(answer, dict) else {"ok": False, "error": "réponse illisible"}

    def operator(self, fallback: Operator | None = None) -> ScriptedOperator:
        return ScriptedOperator(self, fallback)

    def close(self) -> None:
        """Ask the application to quit (it stops its engine and closes its log), else end it."""
        with contextlib.suppress(DemoAppError, OSError, ValueError):
            self.send({"do": "quit"})
        with contextlib.suppress(OSError):
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> DemoApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_demo_app(workdir: Path, flaw: str | None = None) -> DemoApp:
    """Start the demo application in ``workdir`` (its logs/ and out/ folders), as a separate process."""
    return DemoApp(workdir, flaw)


class ScriptedOperator:
    """An :class:`Operator` that performs engine steps in the demo application and keys no value."""

    def __init__(self, app: DemoApp, fallback: Operator | None = None, name: str = OPERATOR_NAME) -> None:
        self.app = app
        self.fallback = fallback
        self.name = name
        self._attempt: str | None = None  # the case, and the bench's invoice prefix (unique per attempt)
        self._invoices: list[str] = []  # the application's ids of the invoices created in this attempt

    def command(self, case_id: str, call: str, request: dict[str, Any]) -> dict[str, Any]:
        """The application command for an engine call: what the operator does in its screens.

        Securing and building a lot act on the invoices this operator created in the case (the invoice
        on screen), whatever the bench calls them; the bench's own ids are the fallback.
        """
        if call == "create_invoice":
            attempt = f"{case_id}/{str(request.get('invoice_ref', '')).rpartition('-')[0]}"
            if attempt != self._attempt:  # a new case, or the same case run again
                self._attempt, self._invoices = attempt, []
            return {"do": "create_invoice", "request": request}
        if call == "secure_invoice":
            return {
                "do": "secure_invoice",
                "invoice_id": self._invoices[-1] if self._invoices else request.get("invoice_id"),
            }
        if call == "build_lot":
            return {"do": "build_lot", "invoice_ids": list(self._invoices) or list(request.get("invoice_ids") or [])}
        return {"do": call, "request": request}

    def perform(self, case: Any, step: Any) -> Attestation | None:
        params = getattr(step, "params", None) or {}
        call = params.get("engine_call")
        if not call:  # a manual step of the casebook
            return self.fallback.perform(case, step) if self.fallback is not None else None
        try:
            answer = self.app.send(self.command(case.id, str(call), dict(params.get("request") or {})))
        except DemoAppError as exc:  # nobody can perform it: the case waits, its reason saying why (console, session)
            said = APP_STOPPED if exc.stopped else APP_SILENT
            seconds = f"{self.app.timeout:g}"
            raise OperatorPending(said.format(step=step.id, pid=self.app.pid, seconds=seconds)) from None
        if not answer.get("ok"):
            refusal = answer.get("refusal")
            note = f"{refusal} : {answer.get('error', '')}" if refusal else str(answer.get("error", ""))
            return Attestation(confirmed=False, operator=self.name, note=note)
        if call == "create_invoice" and answer.get("invoice_id"):
            self._invoices.append(str(answer["invoice_id"]))
        return Attestation(confirmed=True, operator=self.name)

    def notify(self, message: str) -> None:
        if self.fallback is not None:
            self.fallback.notify(message)
