"""Manual steps without the workstation: nobody at the keyboard, or attestations prepared in a file.

The runner never blocks on a person by itself: an :class:`~testbench.domain.attestation.Operator`
answers, or says it cannot answer now (the case then stays ``pending`` and ``--resume`` or the TUI
completes it later). The workstation's operator is in :mod:`testbench.tui.operator_prompt`.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

from testbench.casebook.model import Case, Step
from testbench.domain.attestation import Attestation


class HeadlessOperator:
    """No person at the keyboard: manual steps stay pending."""

    def __init__(self, out: object = None) -> None:
        self._out = out

    def perform(self, case: Case, step: Step) -> Attestation | None:
        return None

    def notify(self, message: str) -> None:
        if self._out is not None:
            print(message, file=self._out)  # type: ignore[call-overload]


class ScriptedOperator(HeadlessOperator):
    """Attestations prepared in advance, in a JSON file keyed by ``CASE_ID/STEP_ID``.

    For rehearsals and CI: ``{"FSE-012/s3": {"confirmed": true, "values": {"manual.total": "33.60"},
    "note": "montant lu à l'écran"}}``. The file says who prepared it in ``"operator"``.
    """

    def __init__(self, path: Path, out: object = None) -> None:
        super().__init__(out)
        data = json.loads(path.read_bytes().decode("utf-8-sig"))  # a byte-order mark is no part of the JSON
        if not isinstance(data, dict):
            raise ValueError("le fichier doit être un objet JSON dont chaque clé est « CAS/ÉTAPE »")
        self._operator = str(data.pop("operator", getpass.getuser()))
        for key, answer in data.items():
            if "/" not in key or not isinstance(answer, dict) or not isinstance(answer.get("values", {}), dict):
                raise ValueError(
                    f"« {key} » : une attestation est un objet (confirmed, values, note) sous une clé « CAS/ÉTAPE »"
                )
        self._answers = data

    def perform(self, case: Case, step: Step) -> Attestation | None:
        answer = self._answers.get(f"{case.id}/{step.id}")
        if answer is None:
            return None
        return Attestation(
            confirmed=bool(answer.get("confirmed", False)),
            operator=self._operator,
            note=str(answer.get("note", "")),
            values={str(k): str(v) for k, v in answer.get("values", {}).items()},
        )
