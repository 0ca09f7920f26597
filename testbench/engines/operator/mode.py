"""Operator mode: the operator performs the engine's steps in the application under test.

The :class:`~testbench.engines.operator.engine.OperatorEngine` turns each engine call into a prompt; here the
prompt becomes a manual step for whichever :class:`Operator` runs the campaign — the workstation's
modal, a prepared attestations file, or nobody (the case then waits, ``pending``). What the operator
keys in becomes the step's observations, recorded with the source ``operator``; the files the
application writes in the watched folder are captured as evidence. The operator's attestation itself
(confirmed or rejected, by whom, the note, the values keyed) goes to the runner's record as it is given;
a rejection always has its reason: asked once more when the operator gave none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from testbench.casebook.model import Case, ExpectationKind, Observe, Step, StepKind
from testbench.domain.attestation import Attestation, Operator, attest
from testbench.domain.hooks import AttestationSink
from testbench.domain.observe import unflatten
from testbench.domain.vocabulary import CALL_ROOTS
from testbench.engines.api import JsonObject
from testbench.engines.operator.engine import FIELDS, REPORT, OperatorEngine, OperatorPrompt, path_label
from testbench.engines.operator.values import as_recorded
from testbench.i18n import _t

_CODE = re.compile(r"[A-Z][A-Z0-9_]{2,}")
#: observation source of a value the bench set itself (an invoice's handle it made up: no number given)
BENCH = "bench"
#: (source, provenance) of an observation path, as the store records it
Origin = tuple[str, dict[str, Any] | None]
#: the invoice steps' instructions in operator mode, naming the invoice as the casebook does (its case, its step)
_NAMED = {
    "create_invoice": _t("Saisissez la facture de l'étape {step} du cas {case} dans le logiciel et validez-la."),
    "secure_invoice": _t("Sécurisez dans le logiciel la facture de l'étape {step} du cas {case}."),
    "build_lot": _t("Constituez dans le logiciel le lot des factures du cas {case}."),
}
#: ``build_lot`` of one invoice the application gave no number: named by its step, as the securing step names it
_ONE_NAMED_LOT = _t("Constituez dans le logiciel le lot de la facture de l'étape {step} du cas {case}.")


def card_rank(step: Step) -> int:
    """The rank of the beneficiary a ``read-vitale`` step reads on the card (its ``beneficiary``; 1 without one,
    or with one that is no whole number, which the casebook's check refuses anyway)."""
    try:
        rank = int(str(step.params.get("beneficiary") or 1).strip())
    except ValueError:
        return 1
    return rank if rank >= 1 else 1


def card_fields(fields: tuple[tuple[str, str], ...], step: Step) -> tuple[tuple[str, str], ...]:
    """The card read's fields for the beneficiary the case reads: a card carries several. For the first, the
    table's (« Nom du bénéficiaire 1 »); for another (``beneficiary="3"``), the rank the application shows for
    it and its name, at its place on the card (``beneficiaries[2]``: « Rang du bénéficiaire 3 », « Nom du
    bénéficiaire 3 »), so that the invoice bills the beneficiary of the rank keyed
    (:func:`~testbench.engines.operator.engine.card_shape`), and a rank the application shows otherwise is
    recorded as shown."""
    rank = card_rank(step)
    if rank == 1:
        return fields
    place = f"beneficiaries[{rank - 1}]"
    asked = tuple((path, label) for path, label in fields if not path.startswith("beneficiaries["))
    return (*asked, *((f"{place}.{leaf}", path_label(f"{place}.{leaf}")) for leaf in ("rank", "name")))


def sentence(text: str) -> str:
    """``text`` ended as a sentence, so that the next one does not run into it (a profile's guidance
    « … puis Valider » before « Puis reportez … »)."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…" else f"{text}."


class OperatorPending(Exception):
    """Nobody could perform the step now: the case waits for the operator, like a manual step."""


class OperatorModeEngine(OperatorEngine):
    """An OperatorEngine that asks the campaign's operator, step by step."""

    observation_source = "operator"

    def __init__(self, watch_dir: Path | None = None, **kwargs: Any) -> None:
        super().__init__(self._ask, watch_dir, **kwargs)
        self._operator: Operator | None = None
        self._record: AttestationSink | None = None
        self._case: Case | None = None
        self._step: Step | None = None
        self._origins: dict[str, Origin] = {}
        self._unnumbered: dict[str, str] = {}  # the case's invoices the product gave no number: their step, by handle
        #: the same, by case id, for a continued attempt's invoices made before the bench was closed
        #: (:meth:`invoice_restored`): the case's own once its next step begins
        self._restored: dict[str, dict[str, str]] = {}

    def attach_operator(self, operator: Operator, record: AttestationSink | None = None) -> None:
        self._operator, self._record = operator, record

    def begin_step(self, case: Case, step: Step) -> None:
        if case is not self._case:
            self._unnumbered.clear()
        self._unnumbered.update(self._restored.pop(case.id, {}))
        self._case, self._step = case, step
        self._origins = {}

    def take_origins(self) -> dict[str, Origin]:
        """The source and provenance of the paths of the last call's result that have their own (then
        forgotten); the others are the operator's."""
        origins, self._origins = self._origins, {}
        return origins

    def derived(self, path: str, basis: str | None) -> None:
        """A value the bench set from another (the invoice's handle from its number) has that value's origin
        (an extractor's, with its provenance); one keyed, or one the bench made up, is the bench's own."""
        origin = self._origins.get(basis) if basis else None
        self._origins[path] = origin or (BENCH, None)

    def instruction_of(self, action: str, request: JsonObject) -> str:
        """The invoice steps' instructions name what the operator knows: the number the application gave an
        invoice, else the case and the step that created it (never the bench's internal reference)."""
        case, step = self._case, self._step
        if case is None or step is None or action not in _NAMED:
            return super().instruction_of(action, request)
        ids = [str(i) for i in request.get("invoice_ids", []) or []] if action == "build_lot" else []
        created = self._unnumbered.get(str(request.get("invoice_id", "")))
        if action == "create_invoice" or (action == "secure_invoice" and created):
            return _NAMED[action].format(case=case.id, step=created or step.id)
        if action == "build_lot" and len(ids) == 1 and ids[0] in self._unnumbered:
            return _ONE_NAMED_LOT.format(case=case.id, step=self._unnumbered[ids[0]])
        if action == "build_lot" and any(i in self._unnumbered for i in ids):
            return _NAMED[action].format(case=case.id)
        return super().instruction_of(action, request)

    def invoice_restored(self, case: Case, step: Step, invoice: Mapping[str, Any]) -> None:
        """An invoice of ``case`` made at ``step`` before the bench was closed, its attempt now continued
        (``runner.actions.restore``): the later steps name it as they would have, by its step when the application
        gave it no number — never by the bench's own handle, which the application never showed."""
        if not invoice.get("number"):
            self._restored.setdefault(case.id, {})[str(invoice.get("invoice_id", ""))] = step.id

    def create_invoice(self, request: JsonObject) -> JsonObject:
        step = self._step
        result = super().create_invoice(request)
        if step is not None and not result.get("number"):  # no number given: the instructions name its step
            self._unnumbered[str(result.get("invoice_id", ""))] = step.id
        return result

    def keyed_fields(self, prompt: OperatorPrompt) -> tuple[tuple[str, str], ...]:
        """The values the operator keys in for ``prompt``: (path in the call's result, label) — the call's
        fields, then any other value the case expects from this step (a casebook may expect what the table
        does not ask of every step: an AMC routing, a téléservice's answer), in words (:func:`path_label`).
        The workstation's window leaves a field the case does not expect optional."""
        fields = FIELDS.get(prompt.action) or tuple((p, p) for p in prompt.expects)
        if self._case is None or self._step is None:
            return fields
        if prompt.action == "read_vitale":
            fields = card_fields(fields, self._step)
        prefix = f"{CALL_ROOTS.get(prompt.action, prompt.action)}."
        known = {path for path, _label in fields}
        extra = [
            exp.path.removeprefix(prefix)
            for exp in self._case.expectations
            if exp.kind is ExpectationKind.VALUE and exp.step == self._step.id and exp.path.startswith(prefix)
        ]
        return (*fields, *((path, path_label(path)) for path in dict.fromkeys(extra) if path not in known))

    def instruction(self, prompt: OperatorPrompt) -> str:
        """What the operator reads (assisted mode adds the product's guidance and names what to key)."""
        return prompt.instruction

    def _ask(self, prompt: OperatorPrompt) -> JsonObject | None:
        if self._operator is None or self._case is None or self._step is None:
            raise OperatorPending(_t("aucun opérateur pour cette étape"))
        fields = self.keyed_fields(prompt)
        root = CALL_ROOTS.get(prompt.action, prompt.action)
        instruction = self.instruction(prompt)
        step = Step(
            id=self._step.id,
            kind=StepKind.MANUAL,
            params={"engine_call": prompt.action, "request": prompt.request},  # for a scripted operator
            # "report what the application shows" only when something is to be keyed
            instruction=REPORT.format(instruction=sentence(instruction)) if fields else instruction,
            observe=tuple(Observe(f"{root}.{path}", label) for path, label in fields),
            source=self._step.source,
        )
        # an amount keyed « 56,00 » is recorded « 56.00 », as an extractor writes it: the book shows it as money
        attestation = as_recorded(self._case, self._attest(self._operator, self._case, step), root)
        if self._record is not None:
            self._record(step.id, attestation)
        if not attestation.confirmed:
            match = _CODE.search(attestation.note)
            return {"refusal": match.group(0) if match else "REFUS_LOGICIEL", "message": attestation.note}
        prefix = f"{root}."
        values = {k.removeprefix(prefix): v for k, v in attestation.values.items()}
        if "codes" in values:
            values["codes"] = values["codes"].split()  # type: ignore[assignment]
        result = unflatten(values)
        result["operator"] = attestation.operator
        if attestation.note:
            result["operator_note"] = attestation.note
        return result

    @staticmethod
    def _attest(operator: Operator, case: Case, step: Step) -> Attestation:
        """The operator's attestation of ``step`` (:func:`~testbench.domain.attestation.attest`), or pending."""
        attestation = attest(operator, case, step)
        if attestation is None:
            raise OperatorPending(_t("étape {step} en attente de l'opérateur (mode opérateur)").format(step=step.id))
        return attestation
