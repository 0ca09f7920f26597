"""Assisted operator mode: the operator performs each step in the application, the bench reads its outputs.

For each engine call the bench notes the step's start and the files the profile's extractors read;
asks the operator to perform the step (the prompt names only the values no extractor gives, with the
profile's guidance for that call); once the operator says the step is done, waits for the new complete
files and the log lines the call should produce — no longer than the engine timeout, and not at all once
each extractor has its input — runs the extractors that apply to the call, and merges:

- an extracted value is an observation of source ``extraction`` with its provenance (file and offset,
  or log line);
- a value only the operator keyed is of source ``operator``;
- a value the operator changed when shown the extracted values (an operator with ``review``: what they
  accept there is what is recorded), or, for an operator who cannot review, keyed over an extracted one
  with the attestation's note as its reason, is a ``correction``: the operator's value, with the extracted
  value, its provenance and the reason kept beside it. A correction always has its reason, and the same
  amount written otherwise (« 56,00 » for "56.0") is not one.

Each extractor of the step that gave nothing (no new file, no matching log line, no value for some of its
paths) is a :class:`NotFound` naming it as the profile does and what it looked at, shown to the operator
with the values read, so that the person knows where to look, and kept with the step (:class:`StepNotes`:
the book says why a value is absent). When several places give one path different values, the bench keeps
one by a fixed rule (:func:`_chosen`: a file over a log line, the newest file, the latest line) and the
others beside it. A file of the product that cannot be read (malformed, or never ended by its closing
record) is an :class:`ExtractionFailed` naming the file and the offset: the product's failure, with the file
kept as evidence; the campaign goes on. The runner takes each call's origins with
:meth:`AssistedOperatorEngine.take_origins` and its notes with :meth:`AssistedOperatorEngine.take_notes`.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple, dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from testbench.casebook.model import StepKind
from testbench.domain.attestation import Unreviewed
from testbench.domain.decimals import read_decimal
from testbench.domain.observe import flatten, unflatten
from testbench.domain.refusal import EngineError, EngineRefusal
from testbench.domain.vocabulary import CALL_ROOTS, STEP_ACTIONS
from testbench.engines.api import JsonObject
from testbench.engines.operator import filesig
from testbench.engines.operator.engine import CAPTURED, OperatorPrompt
from testbench.engines.operator.filesig import Snapshot
from testbench.engines.operator.mode import OperatorModeEngine
from testbench.engines.operator.values import status_keyed
from testbench.fmt import seconds as fmt_seconds
from testbench.i18n import _t, tn
from testbench.sut.filenames import readable_name
from testbench.traces.clock import mono_ns
from testbench.traces.model import TraceLine

if TYPE_CHECKING:
    from testbench.casebook.model import Case, Step
    from testbench.extract.model import Extracted
    from testbench.extract.spec import ExtractorSpec
    from testbench.sut.profile import SutProfile

#: observation sources of assisted mode, as the store records them
EXTRACTION, OPERATOR, CORRECTION = "extraction", "operator", "correction"

#: (source, provenance) of an observation path
Origin = tuple[str, dict[str, Any] | None]


class ExtractionFailed(EngineError):
    """An output file of the step cannot be read (a malformed record, half an FSE, a lot never ended by its
    closing record): the product's failure, not the bench's. The message names file and offset; ``files`` are
    the step's files as read (name, bytes), the offending one among them, kept as the step's evidence."""

    def __init__(self, message: str, files: Sequence[tuple[str, bytes]] = ()) -> None:
        super().__init__(message)
        self.files = list(files)


#: the reason of a case whose product wrote a file the bench cannot read (the extractor's message: file, offset)
OUTPUT_INVALID = _t("sortie du logiciel invalide : {error}")
#: the same, as sessions recorded it when the bench took it for its own error: their reasons read back in English
RECORDED_BEFORE = _t("extraction impossible : {error}")
#: a file an extractor does not read, said with the step (not an error: a PDF beside the FSE)
NOT_OF_KIND = {
    "xpath": _t("extracteur « {name} » : {file} ignoré, ce n'est pas un document XML"),
    "json": _t("extracteur « {name} » : {file} ignoré, ce n'est pas un document JSON"),
    "fixed": _t("extracteur « {name} » : {file} ignoré, ce n'est pas un fichier texte"),
}
#: a new file gone before it could be read whole (moved to an « envoyés » folder): said with the step
VANISHED = _t("extracteur « {name} » : {file} a disparu avant d'avoir pu être lu (déplacé ou supprimé)")
#: a file an earlier step left unfinished, written on during this one: the earlier step's, not read (said)
BEGUN_BEFORE = _t(
    "extracteur « {name} » : {file} ignoré, fichier commencé avant l'étape (encore inachevé à la fin de l'étape"
    " précédente)"
)
#: a file of a watched folder that changed during a step but is none of that step's outputs (one the application
#: wrote after its own step's wait ended, or while the values were shown): kept as the case's evidence, said
LATE_FILE = _t(
    "fichier {file} écrit par le logiciel pendant l'étape sans être une de ses sorties attendues (arrivé après la"
    " fin de l'attente de son étape ?) : gardé comme pièce du cas, ses valeurs ne sont pas lues"
)
#: the same file, gone before the bench could keep it
LATE_FILE_GONE = _t(
    "fichier {file} écrit par le logiciel pendant l'étape sans être une de ses sorties attendues, puis disparu"
    " avant d'avoir pu être gardé"
)
#: a file of the kind the step's own extractors read that came once its wait had ended (while the values were shown)
LATE_OWN = _t(
    "fichier {file} : sortie de l'étape arrivée après la fin de son attente : gardée comme pièce, ses valeurs ne sont"
    " pas lues"
)
#: why a file extractor gave nothing when its step's own output came only after the wait (:data:`LATE_OWN`), one file
LATE_READ_NONE = _t(
    "extracteur « {name} » : aucun fichier nouveau ou modifié dans {where} pendant l'attente de l'étape ({seconds} s) ;"
    " {files} est arrivé après : gardé comme pièce, ses valeurs ne sont pas lues"
)
#: the same, several files
LATE_READ_NONE_MANY = _t(
    "extracteur « {name} » : aucun fichier nouveau ou modifié dans {where} pendant l'attente de l'étape ({seconds} s) ;"
    " {files} sont arrivés après : gardés comme pièces, leurs valeurs ne sont pas lues"
)
#: a file that came after the case's last step ended, before the case's end (:meth:`AssistedOperatorEngine.after_case`)
AFTER_LAST_STEP = _t(
    "fichier {file} écrit par le logiciel après la fin de l'étape, dernière du cas, sans être une de ses sorties"
    " attendues : gardé comme pièce du cas, ses valeurs ne sont pas lues"
)
#: the same file, gone before the bench could keep it
AFTER_LAST_STEP_GONE = _t(
    "fichier {file} écrit par le logiciel après la fin de l'étape, dernière du cas, puis disparu avant d'avoir pu être"
    " gardé"
)
#: the key of :func:`snapshot_record` under which a step's start keeps every watched folder's files (no extractor is
#: named "": a profile's names are non-empty): what the application writes while the bench is closed on that step is
#: then measured from it, whichever folder it lands in
EVERY_FOLDER = ""
#: the key of :meth:`AssistedOperatorEngine.written_since` under which the files that did not exist at all when the
#: step the bench was closed on began are listed (a control character: no extractor's name holds one): those of them
#: none of that step's extractors reads are offered to the later step of the case that reads them
#: (:meth:`AssistedOperatorEngine.passed_on`)
NEW_WHILE_CLOSED = "\x00new"
#: the key of a step's :func:`snapshot_record` (as :attr:`AssistedOperatorEngine.on_step_files` is told it) under
#: which the log lines on offer to that step are kept (:meth:`AssistedOperatorEngine._pass_lines_on`): the step that
#: left them, and each line as its :class:`TraceLine` fields. Should the bench be closed again before that step ends,
#: :meth:`AssistedOperatorEngine.written_since` carries them on, and the step reads them when it goes on, as it reads
#: the files still on offer (a control character: no extractor's name holds one)
OFFERED_LINES = "\x00lines"
#: said with the step the bench continues at: a file written meanwhile that none of its extractors reads, left to the
#: later step of the case whose extractor reads it (the operator went on in the application with the bench closed)
PASSED_ON = _t(
    "fichier {file} créé depuis le début de l'étape, banc fermé entre-temps : aucun extracteur de cette étape ne le"
    " lit, il est laissé à l'étape {step}, la première du cas dont un extracteur le lit"
)
#: said with that later step, which reads it as its new file
TAKEN_ON = _t(
    "fichier {file} créé pendant que le banc était fermé, laissé par l'étape {step} : lu par cette étape-ci, la"
    " première du cas après elle dont un extracteur le lit"
)
#: said with the step the bench continues at, of a file created meanwhile in a folder it reads, among others created
#: there: shared out among the steps of the case that read that folder (two invoices made, two invoice steps)
PASSED_ON_SHARED = _t(
    "fichier {file} créé depuis le début de l'étape, banc fermé entre-temps, parmi d'autres du même dossier : laissé"
    " à l'étape {step}"
)
#: said with the later step that reads it
TAKEN_ON_SHARED = _t(
    "fichier {file} créé pendant que le banc était fermé, laissé par l'étape {step} parmi d'autres du même dossier :"
    " lu par cette étape-ci"
)
#: said with a later step whose log extractors read values in lines the step the bench continued at left (the lines
#: written since that step began, the bench closed meanwhile, that none of its extractors matched)
LINES_TAKEN_ON = _t(
    "valeurs lues par cette étape-ci dans des lignes du journal écrites pendant que le banc était fermé, laissées par"
    " l'étape {step} : {count}"
)
#: the reason of a case whose XML or JSON document was still cut short when the wait ended (as a lot never closed)
OUTPUT_CUT_SHORT = _t("sortie du logiciel incomplète après {seconds} s d'attente : {error}")
#: several places gave one path different values: which one the bench kept, and the others
CONFLICT = _t("{path} : {count} valeurs différentes lues — retenue : {kept} ; autres : {others}")
#: the same, the operator having corrected the value: theirs was kept, none of those read
CONFLICT_CORRECTED = _t(
    "{path} : {count} valeurs différentes lues : {read} — retenue : {value}, corrigée par l'opérateur"
)
#: the values read kept as read because nobody reviewed them: the run stopped (Ctrl+T, the workstation closed, its
#: terminal gone) while they were shown
UNREVIEWED = _t(
    "valeurs lues gardées telles quelles, sans revue : l'exécution s'est arrêtée pendant qu'elles étaient montrées"
)
#: what was typed in that window and never confirmed: said with the step, never applied
UNCONFIRMED = _t("correction tapée, non confirmée : {path} = {value} (motif : {reason})")
#: why a value is absent, after the comparison's « valeur absente : … » (testbench.runner.runner)
ABSENT_BECAUSE = _t("valeur absente : {path} — {why}")
ABSENT_BECAUSE_NAMED = _t("{expectation} : valeur absente : {path} — {why}")
#: how long the bench goes on reading log lines once every extractor has its input: a line that follows at once
#: (the application's final line after a draft one) still counts
SETTLE = 0.2
#: how long, past the wait, the bench may take to read the followed logs up to their size when the wait ended, before
#: a log extractor that found nothing is said to have found nothing (a flood puts the capture seconds behind)
CATCH_UP = 5.0


@dataclass(frozen=True)
class OutputsAwaited:
    """The operator said a step done: the bench now waits for the application's outputs (``awaited``: each
    extractor's folder and glob, « fse (*.xml) », or its name for a log extractor, « journal ») until the monotonic
    time ``until`` at most (``seconds`` from now). Told to the run's listener, so that a screen says it."""

    step_id: str
    awaited: tuple[str, ...]
    seconds: float
    until: float


@dataclass
class StepNotes:
    """What the bench has to say of one step's extraction besides its values (French, recorded as such).

    ``said``: each sentence for the step's trace (a file skipped, a file gone, values in conflict);
    ``absent``: by observation path, why no extractor gave it (the first :class:`NotFound` of it);
    ``conflicts``: by observation path, the values that differed and the one kept (:data:`CONFLICT`);
    ``late``: the files of the watched folders written during the step that are none of its outputs.
    """

    said: list[str] = field(default_factory=list)
    absent: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, str] = field(default_factory=dict)
    #: the files that changed during the step but are none of its outputs (:data:`LATE_FILE`), as read (name,
    #: bytes): the runner keeps them as the step's evidence, so that nothing the product wrote is lost
    late: list[tuple[str, bytes]] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """The notes as the step's end records them (only what there is)."""
        out: dict[str, Any] = {}
        if self.said:
            out["notes"] = list(self.said)
        if self.absent:
            out["not_found"] = dict(self.absent)
        if self.conflicts:
            out["conflicts"] = dict(self.conflicts)
        return out


@runtime_checkable
class ObservationOrigins(Protocol):
    """An engine whose observations have each their own source and provenance."""

    def take_origins(self) -> dict[str, Origin]: ...


@dataclass(frozen=True)
class NotFound:
    """An extractor of the step that gave no value for ``paths``: its name in the profile, and what it looked at.

    ``cause`` is ``file`` (no new or changed file where it reads), ``late`` (none during the wait, ``waited``
    seconds; ``late`` names those that came after it, kept as the step's evidence, their values not read), ``gone``
    (new files came but went before they could be read: ``looked_at`` names them), ``begun`` (the only files that
    changed were an earlier step's, still unfinished when it ended, the application finishing them: ``looked_at``
    names them), ``line`` (no line of its channel matched since the step began), ``lagging`` (none of the lines read
    matched, and the log could not be read to its end in time: the line may be among those not read yet) or
    ``value`` (it read ``looked_at``, the files or lines, but found none of ``paths`` there). ``looked_at`` is the
    folder and glob, or the logs followed, as the profile resolves them.
    """

    extractor: str
    cause: str
    looked_at: str
    paths: tuple[str, ...]
    channel: str = ""  # a regex extractor's trace channel
    late: tuple[str, ...] = ()  # the files (names) that came after the wait, of a ``late`` cause
    waited: float = 0.0  # how long the step waited, of a ``late`` cause

    def describe(self, t: Callable[[str], str], lang: str | None = None) -> str:
        """One sentence in the language of ``t`` (``lang``, that of its number of seconds): which extractor, what it
        looked at, what it did not find."""
        if self.cause == "late":
            template = LATE_READ_NONE if len(self.late) == 1 else LATE_READ_NONE_MANY
            return t(template).format(
                name=self.extractor,
                where=self.looked_at,
                seconds=fmt_seconds(self.waited, lang),
                files=", ".join(self.late),
            )
        template = {
            "file": _t("extracteur « {name} » : aucun fichier nouveau ou modifié dans {where} pendant l'étape"),
            "gone": _t(
                "extracteur « {name} » : {where} est apparu pendant l'étape puis a disparu avant d'avoir pu être lu"
                " (déplacé ou supprimé)"
            ),
            "begun": _t(
                "extracteur « {name} » : seul {where} a changé pendant l'étape, et c'est la suite d'un fichier de"
                " l'étape précédente (encore inachevé à la fin de celle-ci)"
            ),
            "line": _t(
                "extracteur « {name} » : aucune ligne ne correspond dans {where} (canal {channel}) depuis le début"
                " de l'étape"
            ),
            "value": _t("extracteur « {name} » : rien trouvé pour ces valeurs dans {where}"),
            "lagging": _t(
                "extracteur « {name} » : {where} (canal {channel}) n'a pas pu être lu jusqu'au bout avant la fin de"
                " l'étape (la capture du journal avait du retard) ; aucune des lignes lues ne correspond"
            ),
        }[self.cause]
        return t(template).format(name=self.extractor, where=self.looked_at, channel=self.channel)


@dataclass(frozen=True)
class Correction:
    """An operator's correction of an extracted value."""

    value: str
    reason: str


class AssistedOperatorEngine(OperatorModeEngine):
    """Operator mode with the application's outputs read by the profile's extractors."""

    observation_source = OPERATOR

    def __init__(
        self,
        profile: SutProfile,
        lines: Callable[[], Sequence[TraceLine]] = list,
        *,
        timeout: float = 10.0,
        poll: float = 0.05,
        **kwargs: Any,
    ) -> None:
        super().__init__(None, poll=poll, **kwargs)  # the profile's extractors say which files to watch
        self.profile = profile
        self.lines = lines  # the current attempt's trace lines (the recorder's)
        self.timeout = timeout
        self._notes = StepNotes()
        #: told, as each step begins, its folders' files as they are (step id, :func:`snapshot_record`): kept, so
        #: that what the application writes while the bench is closed on that step is measured from them
        self.on_step_files: Callable[[str, dict[str, Any]], None] | None = None
        #: told when the operator said a step done and its files were read (step id): its gap is spent
        self.on_step_read: Callable[[str], None] | None = None
        #: told, once the operator said a step done, what the bench waits for and until when (:class:`OutputsAwaited`)
        self.on_waiting: Callable[[OutputsAwaited], None] | None = None
        #: the capture's drain (``TraceCapture.drain``): every line the followed logs hold now handed on within the
        #: seconds given; False when it could not (the capture lags)
        self.read_log: Callable[[float], bool] | None = None
        self._continued: dict[tuple[str, str], tuple[Mapping[str, Any] | None, tuple[TraceLine, ...]]] = {}
        #: the files a step saw that were still unfinished (being written, or malformed) when its wait ended, with
        #: the bytes it read in them: the application finishing them later (writing on after those bytes) does not
        #: make them a later step's output; rewriting them does
        self._unfinished: dict[Path, bytes] = {}
        #: every watched folder's files as the last step that ended left them: what changes after is the next step's
        #: to keep (:meth:`_late`), even what came between two steps
        self._last_listing: Snapshot | None = None
        self._last_specs: tuple[ExtractorSpec, ...] = ()  # the extractors of the last step begun
        #: the files written while the bench was closed that the step it continued at does not read, offered to a
        #: later step of that case (:meth:`passed_on`): case id, and by the later step's id its files (path → sig)
        self._offers: tuple[str, dict[str, Snapshot]] = ("", {})
        self._offered_by = ""  # the step those files were written while the bench was closed on
        #: the log lines that step left (none of its extractors matched them), read by the later steps of the case
        self._offered_lines: tuple[str, tuple[TraceLine, ...]] = ("", ())
        self._lines_by = ""  # the step that left those lines

    def continue_step(
        self, case_id: str, step_id: str, written: Mapping[str, Any] | None, lines: Sequence[TraceLine] = ()
    ) -> None:
        """The step ``step_id`` of ``case_id`` goes on where it stopped (the bench was closed): the files
        ``written`` while it was closed (:func:`snapshot_record`, :meth:`written_since`) count as its new files,
        whatever other cases wrote in between does not; its log extractors read ``lines`` (what it had before it
        stopped, the lines written while the bench was closed included) and every line of the attempt since."""
        self._continued[(case_id, step_id)] = (written, tuple(lines))

    def written_since(self, listing: Mapping[str, Any]) -> dict[str, Any]:
        """The files of the folders ``listing`` has (:func:`snapshot_record`, as a step found them when it began)
        that are new or changed since: what the application wrote for that step, the bench closed included."""
        out: dict[str, Snapshot] = {}
        for spec in self.profile.extractors:
            if spec.kind == "regex" or spec.name not in listing:
                continue
            then = snapshot_from(listing[spec.name])
            now = filesig.snapshot(self.profile.watched_files(spec))
            out[spec.name] = {path: sig for path, sig in now.items() if not filesig.same(then.get(path), sig, path)}
        if EVERY_FOLDER in listing:  # every watched folder: what is none of the step's outputs is kept with it too
            then = snapshot_from(listing[EVERY_FOLDER])
            now = self._listing()
            out[EVERY_FOLDER] = {path: sig for path, sig in now.items() if not filesig.same(then.get(path), sig, path)}
            out[NEW_WHILE_CLOSED] = {path: sig for path, sig in out[EVERY_FOLDER].items() if path not in then}
        record = snapshot_record(out)
        if OFFERED_LINES in listing:  # the lines on offer to the step: still its own to read when it goes on
            record[OFFERED_LINES] = listing[OFFERED_LINES]
        return record

    # -- what the operator is asked -------------------------------------------------------------
    def specs(self, action: str) -> tuple[ExtractorSpec, ...]:
        return tuple(s for s in self.profile.extractors if action in s.applies_to)

    def extracted_paths(self, action: str) -> set[str]:
        """The observation paths the profile's extractors give for ``action`` (``{n}`` templates as written)."""
        return set(self.profile.read_paths(action))

    def keyed_fields(self, prompt: OperatorPrompt) -> tuple[tuple[str, str], ...]:
        root = CALL_ROOTS.get(prompt.action, prompt.action)
        covered = _covering(self.extracted_paths(prompt.action))
        return tuple((p, label) for p, label in super().keyed_fields(prompt) if not covered(f"{root}.{p}"))

    def instruction(self, prompt: OperatorPrompt) -> str:
        """The call's instruction and how this product performs it (the profile's guidance); the values
        still to key in are the step's ``observe`` list, named there."""
        guidance = self.profile.guidance.get(prompt.action)
        how = " — ".join(p for p in (getattr(guidance, "menu", ""), getattr(guidance, "note", "")) if p)
        if not how:
            return prompt.instruction
        return _t("{instruction} Dans le logiciel : {guidance}").format(instruction=prompt.instruction, guidance=how)

    # -- one engine call ------------------------------------------------------------------------
    def begin_step(self, case: Case, step: Step) -> None:
        """A new case starts from the folders as they are: what came before it (another case's late file) is not its
        own (:meth:`after_case` gave the last case what came before its end)."""
        if case is not self._case:
            self._last_listing = None
        if self._offers[0] != case.id:
            self._offers = ("", {})
        if self._offered_lines[0] != case.id:
            self._offered_lines = ("", ())
        super().begin_step(case, step)

    def after_case(self, case: Case) -> tuple[Step | None, StepNotes]:
        """At ``case``'s end: the files of the watched folders changed since its last step ended (:meth:`_late`), said
        and kept with that step, so that a file the application writes just after a case is not the next case's;
        (None, no notes) when that step did not end with its files listed (refused, failed)."""
        since, step = self._last_listing, self._step
        # a later step that never came: its files stay where they are, as the case's evidence
        self._offers, self._offered_lines = ("", {}), ("", ())
        if case is not self._case or step is None or since is None:
            self._last_listing = None
            return None, StepNotes()
        self._notes = StepNotes()
        self._late(since, _StepFiles([]), self._last_specs, after=True)
        self._last_listing = None
        return step, self.take_notes()

    def take_notes(self) -> StepNotes:
        """What the last call's extraction has to say besides its values (then forgotten): :class:`StepNotes`."""
        notes, self._notes = self._notes, StepNotes()
        return notes

    def _prompt(self, action: str, request: JsonObject, doc_kind: str | None = None) -> JsonObject:
        self._origins, self._notes = {}, StepNotes()
        specs = self.specs(action)
        start_ns = mono_ns()  # the clock the captured lines are stamped on
        step_id = self._step.id if self._step is not None else ""
        written, lines_then = self._continued.pop((self._case.id if self._case else "", step_id), (None, None))
        if written is not None and self._case is not None:  # the lines on offer to it when the bench was closed
            lines_by, kept = lines_from(written.get(OFFERED_LINES))
            if kept:
                self._offered_lines, self._lines_by = (self._case.id, kept), lines_by
        if lines_then is not None or written is not None:  # continued: what it leaves is offered to the later steps
            self._offered_by = step_id
        passed = self.passed_on(specs, written) if written is not None else {}
        taken = self._taken(step_id)
        offered = self._offered_lines[1] if self._case is not None and self._offered_lines[0] == self._case.id else ()
        before = self._before(specs, written, taken, passed)
        since, self._last_listing = self._since(written), None
        self._last_specs = specs
        if self.on_step_files is not None and step_id:
            # a file still offered to a later step is left out of the folders as recorded: should the bench be closed
            # again before that step, the file is still new to this one, and offered on again when it goes on
            on_offer = {path for files in self._offers[1].values() for path in files}
            recorded = {path: sig for path, sig in since.items() if path not in on_offer}
            record = snapshot_record({**before, EVERY_FOLDER: recorded})
            if offered:  # and the lines on offer to it, for the same reason (:data:`OFFERED_LINES`)
                record[OFFERED_LINES] = lines_record(self._lines_by, offered)
            self.on_step_files(step_id, record)
        own = self._files_read(specs) if passed else set()
        for path, later in passed.items():  # one it reads too was shared out among the steps reading its folder
            said = PASSED_ON_SHARED if path in own else PASSED_ON
            self._notes.said.append(said.format(file=readable_path(path), step=later))
        begun = self._begun(specs, before)
        try:
            answer = super()._prompt(action, request, None)  # the operator performs the step ("done" returns)
        except EngineRefusal:  # rejected: the application's lines that follow at once are this step's still
            self.read_on()
            raise
        # a continued step reads every line of the attempt since it continued: they came after it began; a later step
        # of its case reads first the lines it left (:meth:`_pass_lines_on`), a continued one before its own
        watch = _LineWatch(specs, start_ns if lines_then is None else None, offered, lines_then or ())
        self._tell_waiting(step_id, specs)
        files = self._wait(specs, before, watch, begun)
        lagging = not self._caught_up(watch)
        self._tell_waiting(step_id, ())  # the wait is over
        try:
            by_spec = self._extract(specs, files, watch)
        finally:  # what the step left unfinished, as it read it (the step may fail on one of them)
            self._unfinished.update(files.unfinished())
        seen = {path for paths in files.seen.values() for path in paths}
        shared = self._read_by_step(self._offered_by) if taken else set()
        for path in (path for path in taken if path in seen):  # taken on from the step the bench continued at
            said = TAKEN_ON_SHARED if path in shared else TAKEN_ON
            self._notes.said.append(said.format(file=readable_path(path), step=self._offered_by))
        if watch.from_earlier:
            self._notes.said.append(LINES_TAKEN_ON.format(step=self._lines_by, count=watch.from_earlier))
        if lines_then is not None:
            before_start = (line for line in self.lines() if line.mono_ns < start_ns)
            self._pass_lines_on(specs, [*offered, *lines_then, *before_start])
            self._lines_by = step_id
        elif offered:
            self._pass_lines_on(specs, offered)
        if self.on_step_read is not None and step_id:
            self.on_step_read(step_id)
        extracted = [item for items in by_spec.values() for item in items]
        root = CALL_ROOTS.get(action, action)
        missing = self._not_found(specs, files, by_spec, lagging)
        for item in missing:  # why each path is absent: the first extractor that should have given it
            for path in item.paths:
                self._notes.absent.setdefault(path, item.describe(str, "fr"))
        result = self._merge(root, answer, extracted, missing, _order(files, watch))
        self._came_late(missing, specs, self._late(since, files, specs, passed=set(passed)))
        read = files.evidence()
        if read:  # every new file the step's values were read from is evidence, as the application wrote it
            result[CAPTURED] = read
            self._origins.update(_captured_origins(root, files.evidence_paths()))
        return result

    def _listing(self) -> Snapshot:
        """Every file extractor's files as they are now, whatever step reads them."""
        out: Snapshot = {}
        for spec in self.profile.extractors:
            if spec.kind != "regex":
                out.update(filesig.snapshot(self.profile.watched_files(spec)))
        return out

    def _since(self, written: Mapping[str, Any] | None) -> Snapshot:
        """What the step's late files (:meth:`_late`) are measured from: the end of the case's step before it, else
        the folders as they are now; for a step continued after the bench was closed on it, the folders as they
        were when it began, which the files written while the bench was closed (``written``) are new to."""
        gap = (written or {}).get(EVERY_FOLDER)
        if gap is not None:
            closed = snapshot_from(gap)
            return {path: sig for path, sig in self._listing().items() if path not in closed}
        return self._last_listing if self._last_listing is not None else self._listing()

    def _late(
        self,
        since: Snapshot,
        files: _StepFiles,
        specs: Sequence[ExtractorSpec],
        *,
        after: bool = False,
        passed: set[Path] | None = None,
    ) -> list[Path]:
        """The files changed ``since`` (the step's start, or the end of the step before it) that the step did not take
        as its own: one its own step's wait ended before, or written while the values were shown (``after``: since
        the step ended, before its case's end). Kept with the step (:attr:`StepNotes.late`) and said, so that
        nothing the product wrote during the case is lost; one its own extractors read is said as its late output.
        Those ``passed`` on to a later step (:meth:`passed_on`) are that step's: neither kept nor said here. Returns
        the files kept."""
        now = self._listing()
        kept: list[Path] = []
        own = {path for paths in files.seen.values() for path in paths}
        own.update(path for paths in files.begun_changed.values() for path in paths)
        own.update(passed or ())
        kind = {path for spec in specs if spec.kind != "regex" for path in self.profile.watched_files(spec)}
        for path, sig in now.items():
            if path in own or filesig.same(since.get(path), sig, path):
                continue
            data = _read(path)
            if data is None:
                gone = AFTER_LAST_STEP_GONE if after else LATE_FILE_GONE
                self._notes.said.append(gone.format(file=readable_path(path)))
                continue
            self._notes.late.append((readable_name(path.name), data))
            kept.append(path)
            said = LATE_OWN if path in kind else AFTER_LAST_STEP if after else LATE_FILE
            self._notes.said.append(said.format(file=readable_path(path)))
        self._last_listing = now
        return kept

    def _came_late(self, missing: Sequence[NotFound], specs: Sequence[ExtractorSpec], late: Sequence[Path]) -> None:
        """Why a file extractor that found no file during the wait gave nothing, once its step's ``late`` files are
        known: those of them it reads came after the wait (:data:`LATE_READ_NONE`), not « none during the step »,
        which would send the operator looking for a file that is there. Recorded where its first saying was."""
        if not late:
            return
        by_name = {spec.name: spec for spec in specs}
        for item in missing:
            spec = by_name.get(item.extractor)
            if item.cause != "file" or spec is None:
                continue
            read = set(self.profile.watched_files(spec))
            names = tuple(readable_name(path.name) for path in late if path in read)
            if not names:
                continue
            first = item.describe(str, "fr")
            why = NotFound(item.extractor, "late", item.looked_at, item.paths, item.channel, names, self.timeout)
            for path in item.paths:
                if self._notes.absent.get(path) == first:
                    self._notes.absent[path] = why.describe(str, "fr")

    def _tell_waiting(self, step_id: str, specs: Sequence[ExtractorSpec]) -> None:
        """Tell :attr:`on_waiting` what the step's extractors wait for, and for how long at most; nothing
        (no ``specs``): the wait is over."""
        if self.on_waiting is None:
            return
        awaited = tuple(dict.fromkeys(map(self._awaited, specs)))
        seconds = self.timeout if awaited else 0.0
        self.on_waiting(OutputsAwaited(step_id, awaited, seconds, time.monotonic() + seconds))

    def _awaited(self, spec: ExtractorSpec) -> str:
        """What one extractor waits for, shortly: its folder's name and glob (« fse (*.xml) »), or its own name."""
        if spec.kind == "regex":
            return spec.name
        folder, _, patterns = self.profile.watched(spec).partition(" (")
        return f"{PurePath(folder).name} ({patterns}" if patterns else spec.name

    def read_on(self) -> None:
        """Read the application's log on for :data:`SETTLE` seconds, as an accepted step does once its values came:
        after a rejected step and at a case's end, so that a line the application writes at once (its own account
        of the step) lands in this case, not in the next one or in none."""
        time.sleep(SETTLE)
        if self.read_log is not None:
            self.read_log(SETTLE)

    def _begun(self, specs: Sequence[ExtractorSpec], before: Mapping[str, Snapshot]) -> dict[Path, bytes]:
        """The files an earlier step left unfinished that are still so as this step begins, with the bytes that step
        read in them: what the application writes on after those bytes finishes that step's output, not this one's
        (:class:`_StepFiles`). One finished since counts as any other (a lot or journal the application writes on
        at each step is read again once it changes)."""
        from testbench.extract.run import file_ready

        out: dict[Path, bytes] = {}
        for spec in specs:
            for path in before.get(spec.name, {}):
                if path not in self._unfinished:
                    continue
                if file_ready(spec, path):
                    del self._unfinished[path]
                else:
                    out[path] = self._unfinished[path]
        return out

    def _caught_up(self, watch: _LineWatch) -> bool:
        """Whether the step's log lines were all read when a log extractor still has nothing: the capture is then
        asked for every line the logs hold now (:data:`CATCH_UP` at most); True when no extractor needs it."""
        if not watch.specs or all(watch.found.values()) or self.read_log is None:
            return True
        return self.read_log(CATCH_UP)

    def _before(
        self,
        specs: Sequence[ExtractorSpec],
        written: Mapping[str, Any] | None,
        taken: Snapshot | None = None,
        passed: Mapping[Path, str] | None = None,
    ) -> dict[str, Snapshot]:
        """Each file extractor's files before the step: as they are now, but those ``written`` while the bench was
        closed on it (a continued step: those created then in its folders included, should its record leave one
        out: a file on offer when it was closed again), and those ``taken`` on from the step it continued at
        (:meth:`passed_on`), which so count as new; those ``passed`` on to a later step are that step's, not new."""
        created = snapshot_from((written or {}).get(NEW_WHILE_CLOSED))
        out: dict[str, Snapshot] = {}
        for spec in specs:
            if spec.kind == "regex":
                continue
            gap = snapshot_from((written or {}).get(spec.name))
            now = filesig.snapshot(self.profile.watched_files(spec))
            new = {*gap, *(path for path in now if path in created), *(taken or {})} - set(passed or {})
            out[spec.name] = {path: sig for path, sig in now.items() if path not in new}
        return out

    def passed_on(self, specs: Sequence[ExtractorSpec], written: Mapping[str, Any]) -> dict[Path, str]:
        """The files written while the bench was closed on the step it continues at (``specs``: that step's
        extractors) that did not exist when that step began and that go to a later step of the case: by path, that
        step's id. The operator who went on in the application with the bench closed (the lot built) need not do
        that step again: the later step reads that file as its own new file (:meth:`_taken`).

        One none of that step's extractors reads goes to the first later step one of whose extractors reads it (its
        folder and glob). One it reads too (two invoices made, two invoice steps) is shared (:func:`_shared_out`):
        the newest go one each to the later steps that read them, the oldest of those to the first; the step keeps
        the rest, at least one, the newest of which it retains (a redo of its own before going on). A file that
        existed when the step began (rewritten meanwhile: an earlier output written again) is offered to none, nor
        one no later step reads: both stay with the step it continues at (:meth:`_late`), as before."""
        case, step = self._case, self._step
        created = snapshot_from(written.get(NEW_WHILE_CLOSED))
        if case is None or step is None or not created:
            return {}
        own = self._files_read(specs)
        left = {path: sig for path, sig in created.items() if path not in own}
        later = self._later_steps()
        read_by = {after.id: self._files_read(specs_after) for after, specs_after in later}
        offers: dict[str, Snapshot] = {}
        out: dict[Path, str] = {}
        for after, _specs in later:
            for path in [path for path in left if path in read_by[after.id]]:
                offers.setdefault(after.id, {})[path] = left.pop(path)
                out[path] = after.id
        shared = {path: sig for path, sig in created.items() if path in own}
        for path, later_id in _shared_out(shared, [(after.id, read_by[after.id]) for after, _specs in later]).items():
            offers.setdefault(later_id, {})[path] = shared[path]
            out[path] = later_id
        self._offers = (case.id, offers)
        return out

    def _files_read(self, specs: Sequence[ExtractorSpec]) -> set[Path]:
        """The files of their folders, as they are now, that the file extractors among ``specs`` read."""
        return {path for spec in specs if spec.kind != "regex" for path in self.profile.watched_files(spec)}

    def _pass_lines_on(self, specs: Sequence[ExtractorSpec], lines: Sequence[TraceLine]) -> None:
        """Offer the later steps of the case the ``lines`` none of ``specs``' log extractors matched: the lines of the
        step the bench continued at since it began (before the bench was closed, and while it was), then what each
        later step left of them. A later step's log extractors read them before its own lines, as the files the
        application wrote meanwhile (:meth:`passed_on`): an operator who went on in the application with the bench
        closed (« Lot n°2 télétransmis ») need not do that step again. A line one step matched goes to no later one,
        nor one no later step's log extractor matches: the session keeps those on offer (:data:`OFFERED_LINES`)."""
        from testbench.extract.run import extract_lines

        regex = [spec for spec in specs if spec.kind == "regex"]
        later = [spec for _step, specs_after in self._later_steps() for spec in specs_after if spec.kind == "regex"]
        left = tuple(
            line
            for line in lines
            if not any(extract_lines(spec, [line]) for spec in regex)
            and any(extract_lines(spec, [line]) for spec in later)
        )
        if self._case is not None:
            self._offered_lines = (self._case.id, left)

    def _later_steps(self) -> list[tuple[Step, tuple[ExtractorSpec, ...]]]:
        """The steps of the case after the current one, each with its extractors (an action step's; none else)."""
        case, step = self._case, self._step
        if case is None or step is None:
            return []
        later = case.steps[[item.id for item in case.steps].index(step.id) + 1 :]
        return [(after, self._step_specs(after)) for after in later]

    def _step_specs(self, step: Step) -> tuple[ExtractorSpec, ...]:
        """A step's extractors: an action step's call's; none for any other step."""
        calls = {a.name: a.call for a in STEP_ACTIONS if a.call}
        call = calls.get(step.action) if step.kind is StepKind.ACTION else None
        return self.specs(call) if call else ()

    def _read_by_step(self, step_id: str) -> set[Path]:
        """The files the step ``step_id`` of the case reads, as they are now (none for a step not in the case)."""
        steps = [item for item in self._case.steps if item.id == step_id] if self._case is not None else []
        return self._files_read(self._step_specs(steps[0])) if steps else set()

    def _taken(self, step_id: str) -> Snapshot:
        """The files :meth:`passed_on` offered this step of the case (then no longer on offer)."""
        case_id, offers = self._offers
        if self._case is None or case_id != self._case.id:
            return {}
        return offers.pop(step_id, {})

    def _wait(
        self,
        specs: Sequence[ExtractorSpec],
        before: Mapping[str, Snapshot],
        watch: _LineWatch,
        begun: Mapping[Path, bytes] | None = None,
    ) -> _StepFiles:
        """The step's new files per file extractor, each read as soon as it may be (so that a file the
        application moves away at once is read all the same); returns when every extractor has its input (new
        files, each read whole; a matching line in the step's window), and no new value came on the log for
        :data:`SETTLE` seconds, or when the timeout has passed.

        A poll costs a listing of each watched folder once, a stat of each new file, and the regex
        extractors over the lines that came since the last poll only (a long step at thousands of log
        lines a second would otherwise read all its lines again at each poll). A file is read when
        :func:`extract.run.file_ready` says it may be: its closing record its last line (fixed width with
        ``closing``), a whole document (XML, JSON), else its size stable for the spec's ``stable_for``.
        """
        deadline = time.monotonic() + self.timeout
        files = _StepFiles([spec for spec in specs if spec.name in before], begun)
        settled_at: float | None = None
        values = -1
        while True:
            files.poll(self.profile, before)
            lines_in = watch.poll(self.lines())
            now = time.monotonic()
            if now >= deadline:
                return files
            if files.complete() and lines_in:
                count = sum(map(len, watch.found.values()))
                if not watch.specs:
                    return files
                if count != values:  # a value came since: the log may still be writing the step's lines
                    values, settled_at = count, now
                elif settled_at is not None and now - settled_at >= SETTLE:
                    return files
            time.sleep(self.poll)

    def _extract(
        self, specs: Sequence[ExtractorSpec], files: _StepFiles, watch: _LineWatch
    ) -> dict[str, list[Extracted]]:
        """The values each extractor gave, by its name, in the profile's order. A file that is not of the
        extractor's kind is skipped and said (:attr:`StepNotes.said`), as is a new file gone before it could be
        read; one that cannot be read, or that never got its closing record, is :class:`ExtractionFailed`."""
        from testbench.extract.complete import OUTPUT_UNCLOSED
        from testbench.extract.model import ExtractError
        from testbench.extract.run import extract_data, of_kind, unclosed

        watch.poll(self.lines())  # the lines that came since the wait's last poll
        out: dict[str, list[Extracted]] = {}
        for spec in specs:
            if spec.kind == "regex":
                out[spec.name] = list(watch.found[spec.name])
                continue
            out[spec.name] = []
            for path in files.begun_changed.get(spec.name, []):
                self._notes.said.append(BEGUN_BEFORE.format(name=spec.name, file=readable_path(path)))
            for path in files.seen.get(spec.name, []):
                data, ready = files.take(spec, path)
                if data is None:
                    files.gone.append(path)
                    self._notes.said.append(VANISHED.format(name=spec.name, file=readable_path(path)))
                    continue
                if not of_kind(spec, data):
                    self._notes.said.append(NOT_OF_KIND[spec.kind].format(name=spec.name, file=readable_path(path)))
                    continue
                if path not in files.read:
                    files.read.append(path)
                if not ready and unclosed(spec, data):  # the wait is over, its closing record never came
                    waited = fmt_seconds(self.timeout, "fr")
                    said = OUTPUT_UNCLOSED.format(closing=spec.closing, file=readable_path(path), seconds=waited)
                    raise ExtractionFailed(said, files.evidence())
                try:
                    # the values' provenance names the file as a person reads it (the bytes were read at ``path``)
                    out[spec.name].extend(extract_data(spec, Path(readable_path(path)), data))
                except ExtractError as exc:
                    raise ExtractionFailed(self._failed(spec, data, ready, exc), files.evidence()) from exc
        return out

    def _failed(self, spec: ExtractorSpec, data: bytes, ready: bool, exc: Exception) -> str:
        """Why a step's file cannot be read: a document still cut short when the wait ended is incomplete, as a lot
        never closed is (:data:`OUTPUT_CUT_SHORT`); anything else is invalid (:data:`OUTPUT_INVALID`)."""
        if not ready and _cut_short(spec, data):
            waited = fmt_seconds(self.timeout, "fr")
            return OUTPUT_CUT_SHORT.format(seconds=waited, error=exc)
        return OUTPUT_INVALID.format(error=exc)

    def _not_found(
        self,
        specs: Sequence[ExtractorSpec],
        files: _StepFiles,
        by_spec: Mapping[str, Sequence[Extracted]],
        lagging: bool = False,
    ) -> list[NotFound]:
        """Each extractor with paths no extractor of the step gave a value for, and what it looked at (``lagging``:
        the log was not read to its end)."""
        given = [item.path for items in by_spec.values() for item in items]
        out = []
        for spec in specs:
            paths = tuple(p for p in dict.fromkeys(spec.fields.values()) if not any(map(_covering({p}), given)))
            if not paths:
                continue
            read = [path for path in files.seen.get(spec.name, []) if path in files.read]
            gone = [path for path in files.seen.get(spec.name, []) if path in files.gone]
            begun = files.begun_changed.get(spec.name, [])
            if spec.kind == "regex":
                cause = "value" if by_spec.get(spec.name) else "lagging" if lagging else "line"
                where = self.profile.followed(spec)
            elif read:
                cause, where = "value", ", ".join(map(readable_path, read))
            elif gone:
                cause, where = "gone", ", ".join(map(readable_path, gone))
            elif begun and not files.seen.get(spec.name):
                cause, where = "begun", ", ".join(map(readable_path, begun))
            else:
                cause, where = "file", self.profile.watched(spec)
            out.append(NotFound(spec.name, cause, where, paths, spec.channel or ""))
        return out

    def _merge(
        self,
        root: str,
        answer: JsonObject,
        extracted: Sequence[Extracted],
        missing: Sequence[NotFound] = (),
        order: Callable[[Extracted], tuple[float, ...]] | None = None,
    ) -> JsonObject:
        """The call's result: for each path, the value kept among those read (:func:`_chosen`, the others beside
        it in its provenance when they differ), or the operator's correction of it; then what only the operator
        keyed."""
        prefix = f"{root}."
        values: dict[str, Any] = {}
        origins: dict[str, Origin] = {}
        given: dict[str, list[Extracted]] = {}
        for item in extracted:
            if item.path.startswith(prefix):
                given.setdefault(item.path, []).append(item)
        shown: dict[str, Extracted] = {}
        conflicts: dict[str, dict[str, Any]] = {}
        for path, items in given.items():
            shown[path], conflict = _chosen(items, order or _listed(extracted))
            if conflict:
                conflicts[path] = conflict
        keyed = {f"{prefix}{k}": v for k, v in flatten(answer).items()}
        corrections = self._review(shown, missing, conflicts)
        note = str(answer.get("operator_note") or "").strip()
        for path, item in shown.items():
            provenance = item.provenance.to_dict()
            if path in conflicts:
                provenance["conflict"] = conflicts[path]
            if corrections is not None:  # the operator saw the values read: what they accepted stands
                fix = corrections.get(path)
            else:  # keyed over a value read, with the attestation's note as the reason
                fix = Correction(str(keyed[path]), note) if path in keyed else None
            if fix is not None and fix.reason.strip() and not same_value(fix.value, item.value):
                values[path] = _as_extracted(fix.value)
                correction = {"extracted": item.value, "reason": fix.reason, "operator": answer.get("operator", "")}
                origins[path] = (CORRECTION, {**provenance, "correction": correction})
            else:
                values[path] = item.value
                origins[path] = (EXTRACTION, provenance)
            if path in conflicts:  # said once the value kept is known: the operator's, when corrected
                corrected = values[path] if origins[path][0] == CORRECTION else None
                self._notes.conflicts[path] = _conflict_said(path, item, conflicts[path], corrected)
                self._notes.said.append(self._notes.conflicts[path])
        for path, value in keyed.items():  # a value keyed over one read without a reason is not recorded
            if path not in values:  # written as a correction is (« 33,60 » → « 33.60 »): the book says it as money
                values[path] = _as_extracted(value) if isinstance(value, str) else value
        self._origins = origins
        return unflatten({k.removeprefix(prefix): v for k, v in values.items()})

    def _review(
        self, shown: Mapping[str, Extracted], missing: Sequence[NotFound], conflicts: Mapping[str, Mapping[str, Any]]
    ) -> dict[str, Correction] | None:
        """An operator that can review extracted values (``review(case, step, extracted, missing, conflicts)``: the
        values read, the extractors that found nothing, and by path the values the product gave otherwise and why
        the one shown was kept) corrects them; None when the operator cannot (a prepared attestations file: what
        was keyed is the answer)."""
        review = getattr(self._operator, "review", None)
        if not callable(review):
            return None
        if not shown and not missing:
            return {}
        answer = review(self._case, self._step, list(shown.values()), list(missing), dict(conflicts))
        if isinstance(answer, Unreviewed):  # nobody accepted them: the record says so, with what was typed
            self._notes.said.append(UNREVIEWED)
            said = UNCONFIRMED.format
            self._notes.said.extend(said(path=path, value=value, reason=why) for path, (value, why) in answer.items())
            return {}
        answer = answer or {}
        # a status corrected as the person says it (« sécurisée ») is the engine's word, as a keyed one is
        return {
            path: Correction(status_keyed(path, str(value)) or str(value), str(reason))
            for path, (value, reason) in answer.items()
        }


class _StepFiles:
    """The new files of a step's file extractors, each read as soon as it may be and its bytes kept: what is
    extracted and kept as evidence is what was read, even when the application moves or removes the file
    right after writing it."""

    def __init__(self, specs: Sequence[ExtractorSpec], begun: Mapping[Path, bytes] | None = None) -> None:
        self.specs = list(specs)
        self.seen: dict[str, list[Path]] = {spec.name: [] for spec in self.specs}  # new or changed, in order
        # unfinished by an earlier step, with the bytes it read there (AssistedOperatorEngine._begun): not this
        # step's while the application only writes on after them
        self.begun = dict(begun or {})
        self.begun_changed: dict[str, list[Path]] = {}  # those written on during the step, said once each
        self._continued: dict[Path, tuple[float, int]] = {}  # the signature each was last found continuing at
        self.gone: list[Path] = []  # new files gone before they could be read
        self.kept: dict[Path, tuple[tuple[float, int], bytes]] = {}  # read when it could be: (signature, bytes)
        self.now: dict[Path, tuple[float, int]] = {}  # the signature of each new file still there at the last poll
        self.read: list[Path] = []  # the files values were read from (the step's evidence), in order
        self.used: dict[Path, bytes] = {}  # the bytes each was read in
        # its modification time and its place among them, by the name its values' provenance gives
        self.when: dict[str, tuple[float, int]] = {}

    def poll(self, profile: SutProfile, before: Mapping[str, Snapshot]) -> None:
        """List each watched folder once, read each new file that may be read and was not read as it is (or, once
        its size holds still, that is not of the extractor's kind at all: it will be skipped, not waited for)."""
        from testbench.extract.run import file_complete, file_ready, of_kind

        listed: dict[tuple[str | None, str], Snapshot] = {}
        self.now = {}
        for spec in self.specs:
            key = (spec.files, spec.kind)
            if key not in listed:
                listed[key] = filesig.snapshot(profile.watched_files(spec))
            for path, sig in listed[key].items():
                if filesig.same(before[spec.name].get(path), sig, path):
                    continue
                if path in self.begun and self._continues(spec, path, sig):
                    continue
                self.now[path] = sig
                if path not in self.seen[spec.name]:
                    self.seen[spec.name].append(path)
                kept = self.kept.get(path)
                if kept is not None and filesig.same(kept[0], sig, path):
                    continue
                if file_ready(spec, path):
                    data = _read(path)
                elif file_complete(path, spec.stable_for):  # a PDF where an XML is read never parses
                    data = _read(path)
                    data = data if data is not None and not of_kind(spec, data) else None
                else:
                    data = None
                if data is not None:  # its digest is of the bytes read: a rewrite after them is seen
                    self.kept[path] = ((sig[0], sig[1], filesig.data_digest(data) if filesig.hot(sig[0]) else ""), data)

    def _continues(self, spec: ExtractorSpec, path: Path, sig: tuple[float, int]) -> bool:
        """Whether ``path``, left unfinished by an earlier step and changed since this one began, still starts with
        all the bytes that step read there (the application finishing it: not this step's output, said once). Read
        once per change of its signature; once it no longer does (truncated, rewritten, replaced), it is this
        step's, read as any new file."""
        if not filesig.same(self._continued.get(path), sig, path):
            data = _read(path)  # None: held by the application for now, looked at again at the next poll
            if data is not None and not data.startswith(self.begun[path]):
                del self.begun[path]
                for changed in self.begun_changed.values():
                    with contextlib.suppress(ValueError):
                        changed.remove(path)
                return False
            if data is not None:
                self._continued[path] = sig
        changed = self.begun_changed.setdefault(spec.name, [])
        if path not in changed:
            changed.append(path)
        return True

    def complete(self) -> bool:
        """Whether every file extractor has a new file, and each new file was read as it is now (or is gone)."""
        return all(self.seen[spec.name] and all(map(self._settled, self.seen[spec.name])) for spec in self.specs)

    def unfinished(self) -> dict[Path, bytes]:
        """The new files not read as they are now (still being written, or never whole), with the bytes last read
        in them: a later step's wait does not take their continuation for its own (an empty one holds nothing of
        this step's)."""
        out: dict[Path, bytes] = {}
        for path in (path for paths in self.seen.values() for path in paths if not self._settled(path)):
            data = self.used.get(path) or _read(path)
            if data:
                out[path] = data
        return out

    def _settled(self, path: Path) -> bool:
        sig = self.now.get(path)
        if sig is None:  # gone: read before it went, or said as gone
            return True
        kept = self.kept.get(path)
        return kept is not None and filesig.same(kept[0], sig, path)

    def take(self, spec: ExtractorSpec, path: Path) -> tuple[bytes | None, bool]:
        """The bytes ``spec`` reads in ``path`` (None: gone before it could be read), and whether they were read
        when it could be; a file not ready when the wait ended is read as it is then (it may be cut short)."""
        from testbench.extract.run import file_ready

        kept = self.kept.get(path)
        if kept is not None and self._settled(path):
            return self._use(path, kept[1], kept[0][0]), True
        ready = file_ready(spec, path)  # it may have come to be since the last poll
        data = _read(path)
        if data is None:
            return (None, False) if kept is None else (self._use(path, kept[1], kept[0][0]), True)
        with contextlib.suppress(OSError):
            return self._use(path, data, path.stat().st_mtime), ready
        return self._use(path, data, time.time()), ready

    def _use(self, path: Path, data: bytes, mtime: float) -> bytes:
        self.used[path] = data
        self.when[readable_path(path)] = (mtime, len(self.when))
        return data

    def evidence(self) -> list[tuple[str, bytes]]:
        """Each file values were read from, as it was read: its name and bytes (the same file found twice, by
        a recursive glob after a move, once)."""
        return list(self._evidence())

    def evidence_paths(self) -> list[Path]:
        """Where each file of :meth:`evidence` was read, in its order."""
        return list(self._evidence().values())

    def _evidence(self) -> dict[tuple[str, bytes], Path]:
        out: dict[tuple[str, bytes], Path] = {}
        for path in self.read:
            out.setdefault((readable_name(path.name), self.used[path]), path)
        return out


def _as_extracted(keyed: str) -> str:
    """A corrected value written as an extractor writes its values (« 30,00 » → « 30.00 »), so that the session,
    the comparison and the report read it as they read the value it replaces."""
    from testbench.extract.values import normalise_decimal

    return normalise_decimal(keyed)


def _cut_short(spec: ExtractorSpec, data: bytes) -> bool:
    """Whether ``data`` is the beginning of an XML or JSON document that stops before its end (the application was
    still writing it), rather than a document wrong somewhere in its middle."""
    from lxml import etree

    from testbench.xmlsafe import pull_parser

    if spec.kind == "xpath":
        parser = pull_parser()
        try:
            parser.feed(data)
        except etree.XMLSyntaxError:  # wrong before the end (a mismatched tag)
            return False
        try:
            parser.close()
        except etree.XMLSyntaxError as exc:  # cut short only where the data stops: an error in the middle (an
            return _at_end(data, exc.position)  # undefined entity, a bare « & ») is said before it, or at (0, 0)
        return False
    if spec.kind == "json":
        try:
            text = data.decode(spec.encoding or "utf-8").lstrip("\ufeff")
            json.loads(text)
        except json.JSONDecodeError as exc:
            return exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        except (UnicodeDecodeError, LookupError, RecursionError):  # nested too deep: wrong, not cut short
            return False
    return False


def _at_end(data: bytes, position: tuple[int, int]) -> bool:
    """Whether libxml2's ``position`` (line, column, in characters) of an error is where ``data`` stops: on its last
    line, past its last character (a byte of a letter cut in two counts as one), or anywhere in an XML declaration
    not ended yet (libxml2 places its error at the start of the word it was reading there)."""
    from testbench.traces.logtext import HEAD_BYTES, utf16_order

    order = utf16_order(data[:HEAD_BYTES])
    whole = data[: len(data) - len(data) % 2] if order else data  # a UTF-16 unit cut in two: not a character yet
    text = whole.decode(order or "utf-8", "replace").removeprefix("\ufeff")
    if text.startswith("<?xml") and "?>" not in text:
        return True
    lines = text.split("\n")
    line, column = position
    return line > len(lines) or (line == len(lines) and column >= len(lines[-1]))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # moved, removed, or still held by the application on Windows
        return None


#: why the kept value of a path was kept over another one read, in the rule's order (docs/assisted-mode.md)
RULES = ("file", "newest", "first", "latest")


def _chosen(items: Sequence[Extracted], when: Callable[[Extracted], tuple[float, int]]) -> tuple[Extracted, Any]:
    """The value kept for a path several places gave, and, when they differ, the others and why (``None``
    when all say the same, however written: « 33,60 » and "33.60").

    The rule (docs/assisted-mode.md): a value read in a file of the product (FSE, lot: the documents it sends)
    over one read in its log; among files, the newest one's, and in one file the first; among log lines, the
    latest line's (a draft total then the final one)."""
    files = [item for item in items if item.provenance.kind != "log"]
    if files:  # the newest file (the later one of two written in the same instant), its first value
        newest = max(map(when, files))
        kept = next(item for item in files if when(item) == newest)
    else:
        kept = max(items, key=when)
    others = [item for item in items if item is not kept and not same_value(item.value, kept.value)]
    if not others:
        return kept, None
    rules = {_rule(kept, other) for other in others}
    # where each other value was read, without its excerpt (a log line may name the patient: the kept value's
    # own excerpt is the one the report redacts)
    places = [{k: v for k, v in other.provenance.to_dict().items() if k != "excerpt"} for other in others]
    return kept, {
        "others": [{"value": other.value, "provenance": place} for other, place in zip(others, places, strict=True)],
        "rules": [rule for rule in RULES if rule in rules],
    }


def _rule(kept: Extracted, other: Extracted) -> str:
    if kept.provenance.kind == "log":
        return "latest"
    if other.provenance.kind == "log":
        return "file"
    return "first" if other.provenance.source == kept.provenance.source else "newest"


def _conflict_said(path: str, kept: Extracted, conflict: Mapping[str, Any], corrected: str | None = None) -> str:
    """:data:`CONFLICT` for ``path``: the values as recorded, each with the name of the file it was read in; with
    ``corrected`` (the operator's value, recorded instead), :data:`CONFLICT_CORRECTED`: none read was kept."""
    from testbench.extract.model import bench_time

    def named(value: str, provenance: Mapping[str, Any]) -> str:
        source = str(provenance.get("source") or "")
        where = [PurePath(source).name or source]
        if provenance.get("kind") == "log" and isinstance(provenance.get("wall"), int | float):
            where.append(f"{bench_time(provenance['wall'])} UTC")  # two lines of one log apart, on the book's clock
        elif provenance.get("kind") == "log" and provenance.get("locator"):
            where.append(str(provenance["locator"]))  # the line's own time
        return f"{value} ({', '.join(where)})"

    others = [named(str(o["value"]), o["provenance"]) for o in conflict["others"]]
    if corrected is not None:
        read = ", ".join([named(kept.value, kept.provenance.to_dict()), *others])
        return CONFLICT_CORRECTED.format(path=path, count=1 + len(others), read=read, value=corrected)
    return CONFLICT.format(
        path=path,
        count=1 + len(others),
        kept=named(kept.value, kept.provenance.to_dict()),
        others=", ".join(others),
    )


def _order(files: _StepFiles, watch: _LineWatch) -> Callable[[Extracted], tuple[float, int]]:
    """When each value was written, to compare two values of one path: a file's modification time, a log
    line's time on the bench clock (then its place among the values)."""
    stamps = watch.stamps()

    def when(item: Extracted) -> tuple[float, int]:
        if item.provenance.kind == "log":
            return stamps.get(id(item), (0.0, 0))
        return files.when.get(item.provenance.source, (0.0, 0))

    return when


def _listed(extracted: Sequence[Extracted]) -> Callable[[Extracted], tuple[float, int]]:
    """Each value's place in ``extracted``, as when it was written (no times known)."""
    places = {id(item): i for i, item in enumerate(extracted)}
    return lambda item: (0.0, places.get(id(item), 0))


class _LineWatch:
    """A step's regex extractors over the attempt's lines, each line read once.

    The attempt's lines only grow during a step (a new attempt starts a new list): each :meth:`poll`
    extracts from the lines that came since the last one and keeps the values, with the ``{n}`` ranks
    going on across polls, so the step's extraction is the sum of the polls.
    """

    def __init__(
        self,
        specs: Sequence[ExtractorSpec],
        start_ns: int | None,
        offered: Sequence[TraceLine] = (),
        own: Sequence[TraceLine] = (),
    ) -> None:
        self.specs = [spec for spec in specs if spec.kind == "regex"]
        self.start_ns = start_ns  # None: every line of the attempt (a continued step)
        self.offered = list(offered)  # the lines an earlier step of the case left it, read first
        self.own = list(own)  # a continued step's lines from before it stopped, read next
        self._restart()

    def _restart(self) -> None:
        from testbench.extract.values import Ranks

        self._seen = 0
        self._ranks = {spec.name: Ranks() for spec in self.specs}
        self.found: dict[str, list[Extracted]] = {spec.name: [] for spec in self.specs}
        self._stamps: dict[str, list[int]] = {spec.name: [] for spec in self.specs}  # each value's line's time
        if self.offered:
            self._read(self.offered, None)
        self.from_earlier = sum(map(len, self.found.values()))  # the values the offered lines gave
        if self.own:
            self._read(self.own, None)

    def _read(self, lines: Sequence[TraceLine], since: int | None) -> None:
        from testbench.extract.run import extract_lines

        for spec in self.specs:
            stamps = self._stamps[spec.name]
            found = extract_lines(spec, lines, since=since, ranks=self._ranks[spec.name], stamps=stamps)
            self.found[spec.name].extend(found)

    def poll(self, lines: Sequence[TraceLine]) -> bool:
        """Read the lines not read yet; whether every regex extractor has found a value by now."""
        if len(lines) < self._seen:  # not the list the last poll read: read it all again
            self._restart()
        new = lines[self._seen :]
        self._seen = len(lines)
        self._read(new, self.start_ns)
        return all(self.found.values())

    def stamps(self) -> dict[int, tuple[float, int]]:
        """Each value found (by identity): its line's time on the bench clock, and its place among the values."""
        out: dict[int, tuple[float, int]] = {}
        place = 0
        for spec in self.specs:
            for item, stamp in zip(self.found[spec.name], self._stamps[spec.name], strict=False):
                place += 1
                out[id(item)] = (float(stamp), place)
        return out


def _covering(templates: set[str]) -> Callable[[str], bool]:
    """Whether an extractor gives a concrete path (``invoice.lines[0].base``): one of ``templates`` is that
    path, or has ``{n}`` where the path has a rank (``invoice.lines[{n}].base``)."""
    from testbench.extract.spec import RANK

    ranked = [
        re.compile(r"\d+".join(re.escape(part) for part in template.split(RANK)))
        for template in templates
        if RANK in template
    ]
    return lambda path: path in templates or any(pattern.fullmatch(path) for pattern in ranked)


def same_value(keyed: str, read: str) -> bool:
    """Whether a value the operator gives is the one read: the same text, or the same number however
    written (« 56,00 », "56.00", « 56,00 € » and "56.0" are one amount, not a correction)."""
    if keyed.strip() == read.strip():
        return True
    keyed_number, read_number = read_decimal(keyed), read_decimal(read)
    return keyed_number is not None and keyed_number == read_number


def _captured_origins(root: str, paths: Sequence[Path]) -> dict[str, Origin]:
    """The step's files (``files``) and their SHA-256 (``files_sha256``), as the runner records them: the bench
    captured them where the application wrote them (source ``extraction``, the file as provenance), no one keyed
    them."""
    out: dict[str, Origin] = {}
    for i, path in enumerate(paths):
        provenance = {"source": readable_path(path), "kind": "file"}
        out[f"{root}.files[{i}]"] = (EXTRACTION, provenance)
        out[f"{root}.files_sha256[{i}]"] = (EXTRACTION, dict(provenance))
    return out


def _shared_out(shared: Snapshot, later: Sequence[tuple[str, set[Path]]]) -> dict[Path, str]:
    """Of the files ``shared`` (created while the bench was closed on a step, in a folder that step reads), those a
    later step gets, by path, its id: ``later`` are the case's later steps in order, each with the files it reads.
    The files read by the same later steps (a folder and glob) go, the ``k`` newest of them (modification time, then
    name) for the ``k`` steps that read them, one each in case order, the oldest of those to the first: two invoices
    made with the bench closed on the first of two invoice steps are one each. The step the bench continues at keeps
    the rest, at least one (it was closed on it: its own output comes first)."""
    groups: dict[tuple[str, ...], list[Path]] = {}
    for path in shared:
        readers = tuple(step_id for step_id, read in later if path in read)
        if readers:
            groups.setdefault(readers, []).append(path)
    out: dict[Path, str] = {}
    for readers, paths in groups.items():
        newest = sorted(paths, key=lambda path: (shared[path][0], path.name))[1:][-len(readers) :]
        out.update(zip(newest, readers, strict=False))
    return out


def readable_path(path: Path) -> str:
    """``path`` as a person reads it and the session stores it: a name the application wrote in its Windows code
    page reads as its name (:func:`~testbench.sut.filenames.readable_name`), not as Python's surrogates, which
    SQLite refuses. The file itself is still opened at ``path``."""
    return readable_name(str(path))


def snapshot_record(before: Mapping[str, Snapshot]) -> dict[str, Any]:
    """Each file extractor's files before a step, as the session keeps them (JSON): name → [path, mtime, size], the
    path as a person reads it (:func:`readable_path`); one whose name is not that (bytes in the application's code
    page on Linux) has its real path after, in JSON's ASCII escapes (« \\udce9 »): a gap capture must find the very
    file again, and the session stores text only."""
    return {name: [_recorded(path, sig) for path, sig in files.items()] for name, files in before.items()}


def _recorded(path: Path, sig: tuple[float, int]) -> list[Any]:
    readable = readable_path(path)
    if readable == str(path):
        return [readable, sig[0], sig[1]]
    return [readable, sig[0], sig[1], json.dumps(str(path))]


def snapshot_from(recorded: Any) -> Snapshot:
    """A :func:`snapshot_record` entry read back, at each file's real path; what cannot be read is left out (the
    file then counts as new)."""
    out: Snapshot = {}
    for item in recorded if isinstance(recorded, list) else ():
        with contextlib.suppress(TypeError, ValueError, IndexError):
            real = json.loads(item[3]) if len(item) > 3 else item[0]
            out[Path(str(real))] = (float(item[1]), int(item[2]), "")
    return out


def lines_record(step_id: str, lines: Sequence[TraceLine]) -> dict[str, Any]:
    """The log lines on offer to a step as the session keeps them (:data:`OFFERED_LINES`, JSON): the step that left
    them, and each line's fields in :class:`TraceLine`'s order, so that the step reads them as they were captured."""
    return {"step": step_id, "lines": [list(astuple(line)) for line in lines]}


def lines_from(recorded: Any) -> tuple[str, tuple[TraceLine, ...]]:
    """A :func:`lines_record` read back: the step that left the lines, and the lines; a line that cannot be read is
    left out (an old or damaged record loses that line, not the step)."""
    if not isinstance(recorded, dict) or not isinstance(recorded.get("lines"), list):
        return "", ()
    out: list[TraceLine] = []
    for item in recorded["lines"]:
        with contextlib.suppress(TypeError, ValueError):
            line = TraceLine(*item)
            if isinstance(line.text, str) and isinstance(line.mono_ns, int):
                out.append(line)
    return str(recorded.get("step") or ""), tuple(out)


def explained(comparisons: Sequence[Any], notes: Mapping[str, StepNotes]) -> list[Any]:
    """The case's comparisons, each absent value's saying why when the step's extraction knows (the extractor
    that should have given it and where it looked): « valeur absente : secure.status — extracteur « journal » :
    aucune ligne ne correspond dans /app/app.log (canal app) depuis le début de l'étape »."""
    import dataclasses

    out = []
    for comparison in comparisons:
        why = _why_absent(notes, comparison.step, comparison.path)
        if why and comparison.message == f"valeur absente : {comparison.path}":
            comparison = dataclasses.replace(comparison, message=ABSENT_BECAUSE.format(path=comparison.path, why=why))
        out.append(comparison)
    return out


def _why_absent(notes: Mapping[str, StepNotes], step: str | None, path: str) -> str:
    for step_id, said in notes.items():
        if step is not None and step_id != step:
            continue
        for template, why in said.absent.items():
            if _covering({template})(path):
                return why
    return ""


def conflicts_said(comparisons: Sequence[Any], notes: Mapping[str, StepNotes]) -> str:
    """The first conflict of a value the case compares (:data:`CONFLICT`), and how many others there are; "" when
    none: the reason of a case that passes though its product gave one value two ways."""
    said = list(
        dict.fromkeys(
            notes[c.step].conflicts[c.path]
            for c in comparisons
            if c.step in notes and c.path in notes[c.step].conflicts
        )
    )
    if not said:
        return ""
    if len(said) == 1:
        return said[0]
    return tn(
        "{reason} (et {count} autre valeur en conflit)",
        "{reason} (et {count} autres valeurs en conflit)",
        len(said) - 1,
        "fr",
        reason=said[0],
    )
