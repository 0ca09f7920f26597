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
with the values read, so that the person knows where to look. A malformed file is an
:class:`ExtractionFailed` naming the file and the offset: the case errs, the campaign goes on. The runner
takes each call's origins with :meth:`AssistedOperatorEngine.take_origins`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from testbench.domain.decimals import read_decimal
from testbench.domain.observe import flatten, unflatten
from testbench.domain.refusal import EngineError
from testbench.domain.vocabulary import CALL_ROOTS
from testbench.engines.api import JsonObject
from testbench.engines.operator.engine import CAPTURED, OperatorPrompt, _t, captured
from testbench.engines.operator.mode import OperatorModeEngine
from testbench.traces.clock import mono_ns
from testbench.traces.model import TraceLine

if TYPE_CHECKING:
    from testbench.extract.model import Extracted
    from testbench.extract.spec import ExtractorSpec
    from testbench.sut.profile import SutProfile

#: observation sources of assisted mode, as the store records them
EXTRACTION, OPERATOR, CORRECTION = "extraction", "operator", "correction"

#: (source, provenance) of an observation path
Origin = tuple[str, dict[str, Any] | None]
Snapshot = dict[Path, tuple[float, int]]


class ExtractionFailed(EngineError):
    """An output file of the step cannot be read (malformed record…): the message names file and offset."""


@runtime_checkable
class ObservationOrigins(Protocol):
    """An engine whose observations have each their own source and provenance."""

    def take_origins(self) -> dict[str, Origin]: ...


@dataclass(frozen=True)
class NotFound:
    """An extractor of the step that gave no value for ``paths``: its name in the profile, and what it looked at.

    ``cause`` is ``file`` (no new or changed file where it reads), ``line`` (no line of its channel matched
    since the step began) or ``value`` (it read ``looked_at``, the files or lines, but found none of
    ``paths`` there). ``looked_at`` is the folder and glob, or the logs followed, as the profile resolves
    them.
    """

    extractor: str
    cause: str
    looked_at: str
    paths: tuple[str, ...]
    channel: str = ""  # a regex extractor's trace channel

    def describe(self, t: Callable[[str], str]) -> str:
        """One sentence in the language of ``t``: which extractor, what it looked at, what it did not find."""
        template = {
            "file": _t("extracteur « {name} » : aucun fichier nouveau ou modifié dans {where} pendant l'étape"),
            "line": _t(
                "extracteur « {name} » : aucune ligne ne correspond dans {where} (canal {channel}) depuis le début"
                " de l'étape"
            ),
            "value": _t("extracteur « {name} » : rien trouvé pour ces valeurs dans {where}"),
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
        self._origins: dict[str, Origin] = {}

    # -- what the operator is asked -------------------------------------------------------------
    def specs(self, action: str) -> tuple[ExtractorSpec, ...]:
        return tuple(s for s in self.profile.extractors if action in s.applies_to)

    def extracted_paths(self, action: str) -> set[str]:
        """The observation paths the profile's extractors give for ``action`` (``{n}`` templates as written)."""
        paths: set[str] = set()
        for spec in self.specs(action):
            paths.update(spec.fields.values())
        return paths

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
    def take_origins(self) -> dict[str, Origin]:
        """The source and provenance of each path of the last call's result (then forgotten)."""
        origins, self._origins = self._origins, {}
        return origins

    def _prompt(self, action: str, request: JsonObject, doc_kind: str | None = None) -> JsonObject:
        self._origins = {}
        specs = self.specs(action)
        start_ns = mono_ns()  # the clock the captured lines are stamped on
        before = {spec.name: _snapshot(self.profile.watched_files(spec)) for spec in specs if spec.kind != "regex"}
        answer = super()._prompt(action, request, None)  # the operator performs the step ("done" returns)
        watch = _LineWatch(specs, start_ns)
        files = self._wait(specs, before, watch)
        by_spec = self._extract(specs, files, watch)
        extracted = [item for items in by_spec.values() for item in items]
        root = CALL_ROOTS.get(action, action)
        result = self._merge(root, answer, extracted, self._not_found(specs, files, by_spec))
        read = list(dict.fromkeys(path for paths in files.values() for path in paths))
        if read:  # every new file the step's values were read from is evidence, as the application wrote it
            result[CAPTURED] = captured(read)
        return result

    def _wait(
        self, specs: Sequence[ExtractorSpec], before: Mapping[str, Snapshot], watch: _LineWatch
    ) -> dict[str, list[Path]]:
        """New files per file extractor, once each may be read; returns when every extractor has its input
        (a new file, a matching line in the step's window) or the timeout has passed.

        A poll costs a listing of each watched folder once, a stat of each new file, and the regex
        extractors over the lines that came since the last poll only (a long step at thousands of log
        lines a second would otherwise read all its lines again at each poll). A file is ready when its
        size has been stable for the spec's ``stable_for``, or at once when its closing record is there
        (fixed width) or it parses as a whole XML document (XPath): see :func:`extract.run.file_ready`.
        """
        from testbench.extract.run import file_ready

        deadline = time.monotonic() + self.timeout
        file_specs = [spec for spec in specs if spec.name in before]
        while True:
            listed: dict[str | None, list[Path]] = {}
            files: dict[str, list[Path]] = {}
            for spec in file_specs:
                if spec.files not in listed:
                    listed[spec.files] = self.profile.watched_files(spec)
                files[spec.name] = _changed(listed[spec.files], before[spec.name])
            complete = all(files[s.name] and all(file_ready(s, p) for p in files[s.name]) for s in file_specs)
            lines_in = watch.poll(self.lines())
            if (complete and lines_in) or time.monotonic() >= deadline:
                return files
            time.sleep(self.poll)

    def _extract(
        self, specs: Sequence[ExtractorSpec], files: Mapping[str, list[Path]], watch: _LineWatch
    ) -> dict[str, list[Extracted]]:
        """The values each extractor gave, by its name, in the profile's order."""
        from testbench.extract.model import ExtractError
        from testbench.extract.run import extract_file

        watch.poll(self.lines())  # the lines that came since the wait's last poll
        out: dict[str, list[Extracted]] = {}
        for spec in specs:
            if spec.kind == "regex":
                out[spec.name] = list(watch.found[spec.name])
                continue
            out[spec.name] = []
            for path in files.get(spec.name, []):
                try:
                    out[spec.name].extend(extract_file(spec, path))
                except ExtractError as exc:
                    raise ExtractionFailed(_t("extraction impossible : {error}").format(error=exc)) from exc
        return out

    def _not_found(
        self,
        specs: Sequence[ExtractorSpec],
        files: Mapping[str, list[Path]],
        by_spec: Mapping[str, Sequence[Extracted]],
    ) -> list[NotFound]:
        """Each extractor with paths no extractor of the step gave a value for, and what it looked at."""
        given = [item.path for items in by_spec.values() for item in items]
        out = []
        for spec in specs:
            paths = tuple(p for p in dict.fromkeys(spec.fields.values()) if not any(map(_covering({p}), given)))
            if not paths:
                continue
            read = files.get(spec.name, [])
            if spec.kind == "regex":
                cause, where = ("value" if by_spec.get(spec.name) else "line"), self.profile.followed(spec)
            elif read:
                cause, where = "value", ", ".join(str(path) for path in read)
            else:
                cause, where = "file", self.profile.watched(spec)
            out.append(NotFound(spec.name, cause, where, paths, spec.channel or ""))
        return out

    def _merge(
        self, root: str, answer: JsonObject, extracted: Sequence[Extracted], missing: Sequence[NotFound] = ()
    ) -> JsonObject:
        prefix = f"{root}."
        values: dict[str, Any] = {}
        origins: dict[str, Origin] = {}
        shown: dict[str, Extracted] = {}
        for item in extracted:
            if item.path.startswith(prefix) and item.path not in shown:  # the first extractor to give a path wins
                shown[item.path] = item
        keyed = {f"{prefix}{k}": v for k, v in flatten(answer).items()}
        corrections = self._review(shown, missing)
        note = str(answer.get("operator_note") or "").strip()
        for path, item in shown.items():
            provenance = item.provenance.to_dict()
            if corrections is not None:  # the operator saw the values read: what they accepted stands
                fix = corrections.get(path)
            else:  # keyed over a value read, with the attestation's note as the reason
                fix = Correction(str(keyed[path]), note) if path in keyed else None
            if fix is not None and fix.reason.strip() and not same_value(fix.value, item.value):
                values[path] = fix.value
                correction = {"extracted": item.value, "reason": fix.reason, "operator": answer.get("operator", "")}
                origins[path] = (CORRECTION, {**provenance, "correction": correction})
            else:
                values[path] = item.value
                origins[path] = (EXTRACTION, provenance)
        for path, value in keyed.items():  # a value keyed over one read without a reason is not recorded
            if path not in values:
                values[path] = value
        self._origins = origins
        return unflatten({k.removeprefix(prefix): v for k, v in values.items()})

    def _review(self, shown: Mapping[str, Extracted], missing: Sequence[NotFound]) -> dict[str, Correction] | None:
        """An operator that can review extracted values (``review(case, step, extracted, missing)``: the
        values read, and the extractors that found nothing) corrects them; None when the operator cannot (a
        prepared attestations file: what was keyed is the answer)."""
        review = getattr(self._operator, "review", None)
        if not callable(review):
            return None
        if not shown and not missing:
            return {}
        answer = review(self._case, self._step, list(shown.values()), list(missing)) or {}
        return {path: Correction(str(value), str(reason)) for path, (value, reason) in answer.items()}


class _LineWatch:
    """A step's regex extractors over the attempt's lines, each line read once.

    The attempt's lines only grow during a step (a new attempt starts a new list): each :meth:`poll`
    extracts from the lines that came since the last one and keeps the values, with the ``{n}`` ranks
    going on across polls, so the step's extraction is the sum of the polls.
    """

    def __init__(self, specs: Sequence[ExtractorSpec], start_ns: int) -> None:
        self.specs = [spec for spec in specs if spec.kind == "regex"]
        self.start_ns = start_ns
        self._restart()

    def _restart(self) -> None:
        from testbench.extract.values import Ranks

        self._seen = 0
        self._ranks = {spec.name: Ranks() for spec in self.specs}
        self.found: dict[str, list[Extracted]] = {spec.name: [] for spec in self.specs}

    def poll(self, lines: Sequence[TraceLine]) -> bool:
        """Read the lines not read yet; whether every regex extractor has found a value by now."""
        from testbench.extract.run import extract_lines

        if len(lines) < self._seen:  # not the list the last poll read: read it all again
            self._restart()
        new = lines[self._seen :]
        self._seen = len(lines)
        for spec in self.specs:
            found = extract_lines(spec, new, since=self.start_ns, ranks=self._ranks[spec.name])
            self.found[spec.name].extend(found)
        return all(self.found.values())


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


def _snapshot(paths: Sequence[Path]) -> Snapshot:
    out: Snapshot = {}
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        out[path] = (st.st_mtime, st.st_size)
    return out


def _changed(paths: Sequence[Path], before: Snapshot) -> list[Path]:
    """The files new or changed since ``before``, in the order given (oldest first)."""
    now = _snapshot(paths)
    return [p for p, sig in now.items() if before.get(p) != sig]
