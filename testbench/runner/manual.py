"""Manual steps without the workstation: nobody at the keyboard, or attestations prepared in a file.

The runner never blocks on a person by itself: an :class:`~testbench.domain.attestation.Operator`
answers, or says it cannot answer now (the case then stays ``pending`` and ``--resume`` or the TUI
completes it later). The workstation's operator is in :mod:`testbench.tui.operator_prompt`.
"""

from __future__ import annotations

import getpass
import json
import math
from collections.abc import Iterable
from pathlib import Path

from testbench.casebook.model import Case, Step
from testbench.domain.attestation import Attestation
from testbench.fmt import yes_no
from testbench.tomlfile import read_config


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
        data = _read_json(path)
        if not isinstance(data, dict):
            raise ValueError("le fichier doit être un objet JSON dont chaque clé est « CAS/ÉTAPE »")
        self._operator = str(data.pop("operator", getpass.getuser()))
        self._answers = {key: _attestation(key, answer, self._operator) for key, answer in data.items()}

    def perform(self, case: Case, step: Step) -> Attestation | None:
        return self._answers.get(f"{case.id}/{step.id}")

    def unknown_keys(self, cases: Iterable[Case]) -> list[str]:
        """The file's keys that name no step of ``cases`` (« DEMO-FSE-03O/m1 »: a typo leaves the case pending
        with nothing said), in the file's order."""
        known = {f"{case.id}/{step.id}" for case in cases for step in case.steps}
        return [key for key in self._answers if key not in known]


def _read_json(path: Path) -> object:
    """The file's JSON, read as every configuration file is (a size cap: a device is refused); its errors are
    said by :func:`testbench.fmt.json_reason`, but for an integer of thousands of digits (Python's limit on
    int ↔ str conversions)."""
    text = read_config(path).decode("utf-8-sig")  # a byte-order mark is no part of the JSON
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        raise ValueError("nombre trop long") from None


def _attestation(key: str, answer: object, operator: str) -> Attestation:
    """One prepared answer, checked as strictly as the workstation's form: « "confirmed": "false" » (a string,
    truthy) must not attest a step the person meant to reject, nor ``null`` read as « None »."""
    if "/" not in key or not isinstance(answer, dict) or not isinstance(answer.get("values", {}), dict):
        raise ValueError(
            f"« {key} » : une attestation est un objet (confirmed, values, note) sous une clé « CAS/ÉTAPE »"
        )
    confirmed, note = answer.get("confirmed", False), answer.get("note", "")
    if not isinstance(confirmed, bool):
        raise ValueError(f"« {key} » : « confirmed » vaut true ou false, sans guillemets")
    if not isinstance(note, str):
        raise ValueError(f"« {key} » : « note » est un texte entre guillemets")
    values = {str(name): _value_text(key, str(name), value) for name, value in answer.get("values", {}).items()}
    return Attestation(confirmed=confirmed, operator=operator, note=note, values=values)


def _value_text(key: str, name: str, value: object) -> str:
    """A value as the workstation's form would have taken it: text; a JSON number as written; true/false as the
    bench's « oui » / « non » (testbench.fmt.BOOLEAN_WORDS)."""
    if isinstance(value, bool):
        return yes_no(value, "fr")  # recorded in the bench's French, as every value a person gives
    if isinstance(value, str):
        return value
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return repr(value)
    raise ValueError(f"« {key} » : la valeur de « {name} » est un texte, un nombre ou true/false")
