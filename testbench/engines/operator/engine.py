"""``OperatorEngine``: the operator performs each engine step in the application under test.

Every call becomes an :class:`OperatorPrompt` handed to a callback (the TUI or a console prompt): an
instruction in French, the request, and the values the operator is asked to report. For invoices and
lots the engine also watches the application's output folder and attaches the new FSE / B2 files it
finds (:data:`CAPTURED`: each file's name and bytes as written, whole), so the evidence is captured rather
than pasted. Portable: the folder is polled (no inotify); a file rewritten at the same size within one tick of a
coarse clock (FAT, an SMB share) is told by its content (:mod:`~testbench.engines.operator.filesig`).
"""

from __future__ import annotations

import contextlib
import fnmatch
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testbench.domain.refusal import EngineRefusal
from testbench.domain.vocabulary import CALL_ROOTS, ENGINE_CALLS
from testbench.engines.api import EngineInfo, EngineNotLaunched, JsonObject
from testbench.engines.operator import filesig
from testbench.engines.operator.filesig import Snapshot
from testbench.i18n import _t
from testbench.sut.filenames import partial

DEFAULT_PATTERNS: dict[str, tuple[str, ...]] = {
    "fse": ("*.xml", "*.XML", "*.json", "*.JSON", "*.fse", "*.FSE"),
    "b2": ("*.b2", "*.B2", "B2*", "*.lot", "*.LOT"),
}
#: Result key of the files the application wrote for a step: ``[(name, bytes)]``, each file whole and as
#: written (no decoding, no size limit); the runner stores them as the step's evidence under their names, as a
#: person reads them (one in the application's Windows code page: :func:`~testbench.sut.filenames.readable_name`).
CAPTURED = "captured_files"
#: seconds a new file's size must hold still before it is captured (the application may write it in parts)
STABLE_FOR = 0.2


#: What the operator does in the application, by engine call; what to report is said apart
#: (:data:`REPORT`), only when the step has values to key in (assisted mode may read them all itself).
_INSTRUCTIONS = {
    "read_cps": _t("Lisez la carte CPS dans le logiciel (emplacement « {slot} »)."),
    "read_vitale": _t("Lisez la carte Vitale dans le logiciel (emplacement « {slot} »)."),
    "adri_query": _t("Interrogez ADRi pour le bénéficiaire indiqué."),
    "create_invoice": _t("Saisissez la facture {ref} dans le logiciel et validez-la."),
    "secure_invoice": _t("Sécurisez la facture {invoice_id} dans le logiciel."),
    "build_lot": _t("Constituez dans le logiciel le lot des factures {invoice_ids}."),
    "read_returns": _t("Intégrez le retour « {scenario} » dans le logiciel."),
    "apcv_context": _t("Lisez l'application carte Vitale présentée (téléservice ApCV)."),
    "insi_query": _t("Interrogez INSi pour le patient indiqué."),
    "eprescription_fetch": _t("Récupérez l'ordonnance numérique n° {number}."),
}
#: ``build_lot`` with one invoice: « le lot de la facture 1 », not « des factures 1 »
ONE_INVOICE_LOT = _t("Constituez dans le logiciel le lot de la facture {invoice_ids}.")
#: An instruction with values to key in: the operator reports what the application shows, field by field
REPORT = _t("{instruction} Puis reportez ci-dessous les valeurs que le logiciel affiche.")
#: The values the operator reads on screen and keys in, by engine call: (path in the call's result,
#: label, French like the instructions). One table for the prompt and for operator mode; it asks every
#: total the reference engine returns and the casebooks expect (an invoice's ``totals.billed`` and
#: ``totals.base`` both); line details are not asked.
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "read_cps": (("rpps", _t("RPPS du professionnel")), ("name", _t("Nom du porteur"))),
    "read_vitale": (("nir", _t("NIR de l'assuré")), ("beneficiaries[0].name", _t("Nom du bénéficiaire 1"))),
    "adri_query": (("rights_open", _t("Droits ouverts (oui/non)")),),
    "create_invoice": (
        ("number", _t("Numéro de la facture")),
        ("totals.billed", _t("Total facturé")),
        ("totals.base", _t("Base de remboursement")),
        ("totals.amo", _t("Part AMO")),
        ("totals.amc", _t("Part AMC")),
        ("totals.patient", _t("Reste à charge")),
        ("totals.depassement", _t("Dépassement")),
    ),
    # the status as the person says it (« sécurisée », "secured"): recorded as the casebook writes it (values.py)
    "secure_invoice": (("status", _t("Statut (« sécurisée » si la facture l'est)")),),
    "build_lot": (
        ("number", _t("Numéro du lot")),
        ("invoice_count", _t("Nombre de factures")),
        ("totals.amo", _t("Part AMO du lot")),
    ),
    "read_returns": (("status", _t("Statut du retour")), ("codes", _t("Codes (séparés par des espaces)"))),
    "apcv_context": (("status", _t("Statut du contexte ApCV")), ("nir", _t("NIR de l'assuré"))),
    "insi_query": (("status", _t("Résultat INSi")), ("ins", _t("Matricule INS"))),
    "eprescription_fetch": (("number", _t("Numéro de l'ordonnance")), ("line_count", _t("Nombre de lignes"))),
}
_EXPECTS = {call: tuple(path for path, _label in fields) for call, fields in FIELDS.items()}
#: The words of a value a case expects beyond its call's fields, by the last part of its path: an invoice's
#: totals' words (FIELDS), which its lines' amounts share, and the rate only a line has.
_LEAVES = {
    **{path.removeprefix("totals."): label for path, label in FIELDS["create_invoice"] if path.startswith("totals.")},
    "rate": _t("Taux de remboursement"),
}
_LINE = re.compile(r"(?:^|\.)lines\[(\d+|\{n\})\]\.(\w+)$")  # {n}: an extractor's, every line (extract.spec.RANK)
#: a card's beneficiary at a place (``beneficiaries[2].rank``), by its number on the card (3)
_BENEFICIARY = re.compile(r"(?:^|\.)beneficiaries\[(\d+)\]\.(\w+)$")
#: the words of a card's beneficiary's values, asked at their place on the card (``n``: 1 for ``beneficiaries[0]``)
BENEFICIARY_FIELDS = {"rank": _t("Rang du bénéficiaire {n}"), "name": _t("Nom du bénéficiaire {n}")}
#: a call's fields by their observation path (``lot.totals.amo`` → « Part AMO du lot »)
_OBSERVED = {f"{CALL_ROOTS.get(call, call)}.{path}": label for call, fields in FIELDS.items() for path, label in fields}


def path_label(path: str) -> str:
    """A person's words for a value the operator keys in or reviews (``lines[0].base`` or
    ``invoice.lines[0].base`` → « Base de remboursement, ligne 1 », ``vitale.beneficiaries[2].rank`` → « Rang
    du bénéficiaire 3 », an extractor's ``invoice.lines[{n}].base`` → « Base de remboursement de chaque ligne »); the
    path itself when the bench has no words for it."""
    if path in _OBSERVED:
        return _OBSERVED[path]
    beneficiary = _BENEFICIARY.search(path)
    if beneficiary and beneficiary.group(2) in BENEFICIARY_FIELDS:
        return BENEFICIARY_FIELDS[beneficiary.group(2)].format(n=int(beneficiary.group(1)) + 1)
    line = _LINE.search(path)
    if line and line.group(2) in _LEAVES and line.group(1) == "{n}":  # an extractor's target: each line it reads
        return _t("{label} de chaque ligne").format(label=_LEAVES[line.group(2)])
    if line and line.group(2) in _LEAVES:
        return _t("{label}, ligne {n}").format(label=_LEAVES[line.group(2)], n=int(line.group(1)) + 1)
    return _LEAVES.get(path.rpartition(".")[2], path)


@dataclass(frozen=True)
class OperatorPrompt:
    """What the operator is asked to do in the application for one engine call, and the paths to key in."""

    action: str
    instruction: str  # French (the session keeps it so), shown in the reader's language
    request: JsonObject
    expects: tuple[str, ...]  # dotted paths the operator should fill in


#: Shows the prompt and returns the operator's answer; None means the operator gave up.
#: An answer ``{"refusal": CODE, "message": ...}`` reports that the application refused the step.
OperatorCallback = Callable[[OperatorPrompt], JsonObject | None]


@dataclass
class _Watch:
    """The folder where the application writes its files, and the patterns of each document kind."""

    folder: Path | None
    patterns: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_PATTERNS))

    def snapshot(self, *, digests: bool = True) -> Snapshot:
        """The folder's files and their :data:`~testbench.engines.operator.filesig.Signature` (``digests=False``:
        stats only, for a listing :meth:`new_files` compares with one that has them)."""
        if self.folder is None or not self.folder.is_dir():
            return {}
        files = []
        for path in self.folder.iterdir():
            with contextlib.suppress(OSError):
                if path.is_file():
                    files.append(path)
        return filesig.snapshot(files, digests=digests)

    def new_files(self, before: Snapshot, kind: str) -> list[Path]:
        """The files of ``kind`` written or changed since ``before`` — one rewritten at the same size within one tick
        of a coarse clock (FAT, an SMB share) too, by its content (:func:`~testbench.engines.operator.filesig.same`);
        never one still being written under a temporary name, nor one set aside (``FSE_0001.xml.tmp``,
        ``~$FSE_0001.xml``: the extractors' rule, :func:`~testbench.sut.filenames.partial`): the application renames
        it, and the final name is captured."""
        now = self.snapshot(digests=False)
        pats = self.patterns.get(kind, ())
        ours = [p for p in now if not partial(p.name) and any(fnmatch.fnmatch(p.name, pat) for pat in pats)]
        return sorted((p for p in ours if not filesig.same(before.get(p), now[p], p)), key=lambda p: p.name)


class OperatorEngine:
    """An :class:`Engine` whose steps the operator performs, with the output folder watched."""

    def __init__(
        self,
        ask: OperatorCallback,
        watch_dir: Path | None = None,
        *,
        file_wait: float = 5.0,
        poll: float = 0.2,
        patterns: dict[str, tuple[str, ...]] | None = None,
        name: str = "opérateur",
    ) -> None:
        self.ask = ask
        self.watch = _Watch(Path(watch_dir) if watch_dir else None, dict(patterns or DEFAULT_PATTERNS))
        self.file_wait = file_wait
        self.poll = poll
        self.name = name

    def describe(self) -> EngineInfo:
        return EngineInfo(name=self.name, version="", socle_version=_t("logiciel sous test"), capabilities=ENGINE_CALLS)

    def instruction_of(self, action: str, request: JsonObject) -> str:
        """What the operator does in the application for ``action`` (French), the request's values in it."""
        fmt_args: dict[str, Any] = {
            "slot": request.get("slot", ""),
            "ref": request.get("invoice_ref", ""),
            "invoice_id": request.get("invoice_id", ""),
            "invoice_ids": ", ".join(map(str, request.get("invoice_ids", []) or [])),
            "scenario": request.get("scenario", ""),
            "number": request.get("number", ""),
        }
        template = _INSTRUCTIONS[action]
        if action == "build_lot" and len(request.get("invoice_ids", []) or []) == 1:
            template = ONE_INVOICE_LOT
        return template.format(**fmt_args)

    def _prompt(self, action: str, request: JsonObject, doc_kind: str | None = None) -> JsonObject:
        before = self.watch.snapshot() if doc_kind else {}
        prompt = OperatorPrompt(action, self.instruction_of(action, request), dict(request), _EXPECTS[action])
        answer = self.ask(prompt)
        if answer is None:
            raise EngineNotLaunched(_t("{action} : l'opérateur a abandonné l'étape").format(action=action))
        if answer.get("refusal"):
            raise EngineRefusal(str(answer["refusal"]), str(answer.get("message", "")), {"source": "operateur"})
        result = dict(answer)
        if doc_kind and self.watch.folder is not None and doc_kind not in result:
            files = self._wait_for_files(before, doc_kind)
            if files:
                result[CAPTURED] = captured(files)
        return result

    def _wait_for_files(self, before: Snapshot, kind: str) -> list[Path]:
        """The new files of ``kind`` once each is complete (its size stable, and open to reading: Windows
        refuses a file the application still holds), or what there is at ``file_wait``."""
        from testbench.extract.complete import file_complete

        deadline = time.monotonic() + self.file_wait
        while True:
            files = self.watch.new_files(before, kind)
            if (files and all(file_complete(p, STABLE_FOR) for p in files)) or time.monotonic() >= deadline:
                return files
            time.sleep(self.poll)

    def read_cps(self, slot: str) -> JsonObject:
        return self._prompt("read_cps", {"slot": slot})

    def read_vitale(self, slot: str) -> JsonObject:
        return card_shape(self._prompt("read_vitale", {"slot": slot}))

    def adri_query(self, request: JsonObject) -> JsonObject:
        return self._prompt("adri_query", request)

    def derived(self, path: str, basis: str | None) -> None:
        """A value of a call's result the bench set itself (``path``), from another value (``basis``) or made up
        (None); operator mode records where it comes from, never as keyed by the operator."""

    def create_invoice(self, request: JsonObject) -> JsonObject:
        result = self._prompt("create_invoice", request, "fse")
        # the bench's handle on the invoice for the steps that follow (secure it, put it in a lot): the number
        # keyed or read, else the bench's own reference; no casebook path expects it (not an observed value)
        if "invoice_id" not in result:
            number = result.get("number")
            result["invoice_id"] = str(number or request.get("invoice_ref", ""))
            self.derived("invoice.invoice_id", "invoice.number" if number else None)
        return result

    def secure_invoice(self, request: JsonObject) -> JsonObject:
        # its status is what the operator keyed or an extractor read, never made up: a securing the product
        # did not report leaves ``secure.status`` absent, and a case that expects it fails (« valeur absente »)
        return self._prompt("secure_invoice", request)

    def build_lot(self, request: JsonObject) -> JsonObject:
        return self._prompt("build_lot", request, "b2")

    def read_returns(self, request: JsonObject) -> JsonObject:
        return self._prompt("read_returns", request)

    def apcv_context(self, request: JsonObject) -> JsonObject:
        result = self._prompt("apcv_context", request)
        # the context's beneficiary has its rank, as every engine gives it (the reference's: 1 when the
        # téléservice names none); the operator keys it only when the case expects it
        result["rank"] = _rank(result.get("rank"), 1)
        return result

    def insi_query(self, request: JsonObject) -> JsonObject:
        return self._prompt("insi_query", request)

    def eprescription_fetch(self, request: JsonObject) -> JsonObject:
        return self._prompt("eprescription_fetch", request)

    def close(self) -> None:
        return None


def _rank(keyed: Any, place: int) -> Any:
    """A beneficiary's rank: the one keyed, as the number it is; ``place`` when none was keyed. A rank keyed
    as something else than a number stays as keyed (the case's expectation then says so; it matches no
    beneficiary)."""
    if keyed is None or (isinstance(keyed, str) and not keyed.strip()):
        return place
    try:
        return int(str(keyed).strip())
    except ValueError:
        return keyed


def card_shape(result: JsonObject) -> JsonObject:
    """A Vitale card read as the operator reported it, in the shape every engine gives
    (docs/engine-protocol.md, ``read_vitale``): each beneficiary an object with its ``rank``. The fields are
    asked by place on the card (« Nom du bénéficiaire 1 » is ``beneficiaries[0]``): a beneficiary the operator
    reported has the rank they keyed, else its place; a place they reported nothing of stays an empty object
    (a value keyed at the place itself stays as keyed), so that the later places keep their index, and no
    beneficiary is made up."""
    beneficiaries = result.get("beneficiaries")
    if not isinstance(beneficiaries, list):
        return result
    shaped = []
    for place, ben in enumerate(beneficiaries, start=1):
        if isinstance(ben, dict) and ben:
            shaped.append({**ben, "rank": _rank(ben.get("rank"), place)})
        else:
            shaped.append({} if ben is None else ben)
    return {**result, "beneficiaries": shaped}


def captured(paths: list[Path]) -> list[tuple[str, bytes]]:
    """Each file's name and bytes, read whole (a file removed meanwhile is left out)."""
    out = []
    for path in paths:
        try:
            out.append((path.name, path.read_bytes()))
        except OSError:
            continue
    return out
