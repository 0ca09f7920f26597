"""Personal data on its way out of a session: what the session knows to be personal, and the scrubber.

Every export — the report (HTML, PDF, JSON, evidence), the JUnit file, the diff of two sessions —
passes its text through one :class:`Scrubber`, built from one session (or two, for a diff):

- the **known values** of the session: what its card reads observed (``vitale.beneficiaries[0].name``…)
  and what its casebooks expect at such paths (a reason reads « attendu MODELE »), the identifiers its
  casebooks' steps give (a line's ``prescriber``: a refusal message names it); the personal fields
  of every card file in its APDU trace lines (the card layer's TLV layout: this is where a card that no
  step read — the guard's check alone — gets its holder's name known); the identities the guard
  compared, the card found and the card expected (a refusal names the expected holder, whose card
  was never read); the fixtures its casebooks declare, recorded with the session (meta ``fixtures:<sha256>``):
  patients' rights, prescriptions, the holders of every declared card profile — so that what an export masks
  does not depend on which cases ran (a ``-k`` selection, a shard, a ``--failed`` rerun);
- a :class:`~testbench.traces.redact.Redactor` that looks for them in text, hex and base64, masks card
  fields in APDU lines, and applies the pattern rules;
- for the produced files, the records of the reference engine's B2-like lot masked by column (NIR, key,
  birth date: :func:`mask_b2_record`), every mask of a fixed-width record keeping the width of its value;
- the explicit opt-out (``--no-redact``), which keeps everything but PIN codes: those never leave.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from testbench.domain.events import EventKind
from testbench.engines.reference import b2
from testbench.fmt import NBSP
from testbench.i18n import _t, default_language, translator
from testbench.report.hidden_difference import deviation_notes, difference, guard_notes, noted
from testbench.store.read import FIXTURES_META, SessionView
from testbench.traces import redact
from testbench.traces.known import FIRST_NAME_FIELDS, NUMBER_KINDS, SURNAME_FIELDS, KnownValues
from testbench.traces.redact_bytes import apdu_responses
from testbench.traces.redact_rules import prescriber_kind, same_width_mask
from testbench.xmlsafe import from_bytes

#: observed values whose path says what they are: redacted whole, whatever their text looks like
PATH_KINDS = (
    (re.compile(r"(?i)(^|[._])(nom|name|prenom|prénom|first_?name|last_?name|nom_?usuel)$"), "name"),
    (re.compile(r"(?i)(^|[._])(birth_?date|date_?naissance|ddn|dob)$"), "birth_date"),
    (re.compile(r"(?i)(^|[._])(nir|ins|immatriculation|matricule)$"), "nir"),
    (re.compile(r"(?i)(^|[._])rpps$"), "rpps"),
    (re.compile(r"(?i)(^|[._])adeli$"), "adeli"),
    (re.compile(r"(?i)(^|[._])finess(_?\w+)?$"), "finess"),
    (re.compile(r"(?i)(^|[._])(num(ero)?_?ps|id_?ps)$"), "id_ps"),
    # an RPPS or an AM number, told apart by the value (value_kind)
    (re.compile(r"(?i)(^|[._])(prescripteur|prescriber)(_?(rpps|id|num(ero)?|am))?$"), "prescriber"),
)
_INDEX = re.compile(r"\[\d+\]")
#: lines a memo holds: emptied when full, so that a campaign's unique lines (a produced file's records, a
#: trace's timestamps) never make the report's memory grow with the campaign; the repeated ones come back
_MEMO_MAX = 4096


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= _MEMO_MAX:
        memo.clear()
    memo[key] = value


def _path_kind(path: str) -> str | None:
    last = _INDEX.sub("", path)
    return next((kind for pattern, kind in PATH_KINDS if pattern.search(last)), None)


@functools.lru_cache(maxsize=4096)
def path_kind(path: str) -> str | None:
    """The redaction kind of an observation path (``vitale.beneficiaries[0].nir`` → ``nir``), if any.

    Memoised: a campaign repeats the same few hundred paths in every case (139,300 lookups, seven
    patterns each, for 700 cases)."""
    return _path_kind(path)


def value_kind(path: str, value: Any, kind_of: Callable[[str], str | None] = path_kind) -> str | None:
    """The redaction kind of ``value`` observed at ``path``: a prescriber's identifier is an RPPS or an
    AM number, told by its length (testbench.traces.redact_rules.prescriber_kind)."""
    kind = kind_of(path)
    return prescriber_kind(str(value or "").strip()) if kind == "prescriber" else kind


#: the kind of a step's parameter name, memoised apart from :func:`path_kind` (a parameter's name is no observation
#: path): every case of a campaign gives its steps the same few names (14,000 look-ups for the peer job's 700 cases)
_param_kind = functools.lru_cache(maxsize=1024)(_path_kind)


def _step_identifiers(known: KnownValues, params: Any, key: str = "") -> None:
    """The identifiers (NIR, RPPS, n° de PS… never a name: a step's ``name`` is a file's) a step gives.
    Its parameters' names are not observation paths: looked up through their own memo, not :func:`path_kind`'s."""
    if isinstance(params, dict):
        for name, value in params.items():
            _step_identifiers(known, value, str(name))
    elif isinstance(params, list):
        for value in params:
            _step_identifiers(known, value, key)
    elif key and (kind := value_kind(key, params, _param_kind)) in NUMBER_KINDS:
        known.add(str(kind), params)


@dataclass
class PersonalValues(KnownValues):
    """The known values, and apart the card holders' full names (a first name with a surname of one holder, as
    :meth:`KnownValues.add_person` pairs them): the only known names a person's own declared name is masked for
    (:meth:`Scrubber.person`)."""

    people: set[str] = field(default_factory=set)

    def add_person(self, first_names: Iterable[object], surnames: Iterable[object]) -> None:
        firsts = [str(f).strip() for f in first_names if f and str(f).strip()]
        lasts = [str(s).strip() for s in surnames if s and str(s).strip()]
        super().add_person(firsts, lasts)
        self.people |= {f"{first} {last}" for first in firsts for last in lasts} & self.names

    def update(self, other: KnownValues) -> None:
        super().update(other)
        self.people |= getattr(other, "people", set())


def known_values(session: SessionView) -> PersonalValues:
    """The personal values this session holds (see the module's docstring)."""
    known = PersonalValues()
    people: dict[str, dict[str, set[str]]] = {}  # a holder's path → its name fields → their values
    # only personal paths' values decoded, each once
    for path, value in session.observation_values(keep=path_kind, distinct=True):
        kind = value_kind(path, value)
        if kind is not None:
            known.add(kind, value)
        if kind == "name" and isinstance(value, str):
            _person_part(people, path, value)
    for fields in people.values():
        if all(len(values) == 1 for values in fields.values()):  # one holder there: its names are a real pair
            known.add_card_fields({leaf: next(iter(values)) for leaf, values in fields.items()})
    for definition in session.case_definitions():  # a casebook may expect a name
        for expectation in (definition or {}).get("expectations", []):
            kind = value_kind(str(expectation.get("path") or ""), expectation.get("expected"))
            if kind is not None:
                known.add(kind, expectation.get("expected"))
        for step in (definition or {}).get("steps", []):  # and give a prescriber a refusal names
            _step_identifiers(known, (step or {}).get("params"))
    # a patient without a card, a card no case of this session read (a -k selection, a shard): the casebook's
    for key, recorded in session.meta.items():
        if key.startswith(FIXTURES_META):
            _add_fixtures(known, json.loads(recorded))
    for blob in session.artifact_blobs("application/xml"):  # the application's FSE names its beneficiary
        _add_xml_fields(known, blob)
    for blob in session.artifact_blobs("application/octet-stream"):  # as does one in windows-1252, or malformed
        if _looks_like_xml(blob):
            _add_xml_fields(known, blob)
    files: set[bytes] = set()  # every case reads the same few card files: each decoded once
    for text in session.trace_texts("apdu", distinct=True):  # and exchanges them in the same few lines
        files.update(apdu_responses(text))
    for response in files:
        known.add_card_file(response)
    for data in session.event_data(EventKind.CARD_GUARD):
        for check in (data or {}).get("checks", []):
            identity = str(check.get("identity") or "")
            family = str(check.get("family") or "")
            known.add("rpps" if family.startswith("cps") else "nir", identity)
            known.add_card_fields(check.get("expected_holder"))  # a refusal names the expected card's holder
            known.add_card_fields(check.get("found_holder"))
    return known


def _person_part(people: dict[str, dict[str, set[str]]], path: str, value: str) -> None:
    """Files ``value`` (a name observed at ``path``) under its holder, the path without its last part
    (``vitale.beneficiaries[0]``), by name field. The observations come distinct, not by case: a holder path
    with one value per field is one person; one that saw several cards (a campaign) pairs nothing, each first
    name with each surname being mostly people who do not exist (and twice the names to look for) — the card
    files of its APDU trace pair each holder's names exactly."""
    holder, _, leaf = path.rpartition(".")
    part = _INDEX.sub("", leaf).lower()
    if part in FIRST_NAME_FIELDS or part in SURNAME_FIELDS:
        people.setdefault(holder, {}).setdefault(part, set()).add(value)


def _add_fixtures(known: KnownValues, fixtures: dict[str, dict[str, Any]]) -> None:
    """A casebook's patients' rights (``name``, ``nir``, ``birth-date``), its prescriptions' identifiers and the
    holders of the card profiles it declares (card fields, one holder each: testbench.runner.fixtures_meta) — known
    whichever cases the session ran: a title names the holder of a card no selected case read."""
    for holders in fixtures.get("cards", {}).values():
        for holder in holders:
            known.add_card_fields(holder)
    for patient in fixtures.get("patients", {}).values():
        for name, value in patient.items():
            if (kind := value_kind(name.replace("-", "_"), value, _path_kind)) is not None:
                known.add(kind, value)
        known.add_card_fields({name.replace("-", "_"): value for name, value in patient.items()})
    for prescription in fixtures.get("prescriptions", {}).values():
        _step_identifiers(known, prescription)


#: a file's start, read to tell XML from other bytes: a UTF-8 BOM, then a declaration or a first element
_XML_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*<[?!A-Za-z_]")


def _looks_like_xml(blob: bytes) -> bool:
    """An XML file the store could not keep as text (``application/octet-stream``: an FSE in windows-1252 or
    UTF-16): its first bytes say so; lxml then reads the encoding its declaration (or BOM) gives."""
    if blob[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16, its BOM first
        return _XML_START.match(blob[:256].decode("utf-16", "replace").encode("utf-8")) is not None
    return _XML_START.match(blob, 0, 256) is not None


def _add_xml_fields(known: KnownValues, blob: bytes) -> None:
    """Personal attributes and leaf elements of a produced XML file (``nir=``, ``dateNaissance=``, ``<nom>``).

    Other files carry the same values without their names (a B2 lot packs the NIR between other fields),
    so what the XML names is what the whole export then looks for.
    """
    try:
        # ``recover``: a malformed FSE (the very failure a case reports) still names its beneficiary, and what
        # it names must be masked wherever the export writes it
        root = from_bytes(blob, recover=True)
    except etree.XMLSyntaxError:  # nothing recovered (no element at all)
        return
    if root is None:
        return
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            kind = value_kind(name.rpartition("}")[2], value)  # the local name of ``{namespace}name``
            if kind is not None:
                known.add(kind, value)
        if len(element) == 0 and element.text and (kind := value_kind(element.tag.rpartition("}")[2], element.text)):
            known.add(kind, element.text)


#: the characters of one value an export shows: an engine or an application may answer a value of megabytes (a
#: 3 MB invoice id), which the redaction read whole at each place it is shown (seven seconds of a report's build for
#: one value); the rest is cut, the cut said in the value, and stays whole in the session (:meth:`Scrubber.value`)
VALUE_CHARS = 4096
#: what the redaction reads past the cut, so that a NIR or a name the cut falls in is masked whole, never half shown
_CUT_MARGIN = 256
_CUT = _t(" … [valeur coupée ici : {total} caractères en tout ; elle est entière dans la session]")
#: the same cut said of a text a document gave (an exam book's cell): the whole is in the document
_CUT_DOCUMENT = _t(" … [valeur coupée ici : {total} caractères en tout ; elle est entière dans le document]")
#: the end of a run of base64 (or hex) characters: a blob the cut falls in is read from its start in whole groups of
#: four, or it decodes to nothing and a known value it encodes would be shown unmasked
_TOKEN_END = re.compile(r"[A-Za-z0-9+/_-]+\Z")


def _count(number: int, lang: str | None) -> str:
    """A count of characters grouped by thousands as the language writes it (« 3 000 000 », "3,000,000")."""
    grouped = f"{number:,}"
    return grouped if (lang or default_language()) == "en" else grouped.replace(",", NBSP)


def cut_note(total: int, lang: str | None, *, in_document: bool = False) -> str:
    """What a cut text ends with (« … [valeur coupée ici : 3 000 000 caractères en tout ; elle est entière dans la
    session] »): its length and where it stays whole, the session (``in_document``: the document it came from)."""
    return translator(lang)(_CUT_DOCUMENT if in_document else _CUT).format(total=_count(total, lang))


_CUT_DIFFERENCE = _t("valeurs différentes après la coupure : à partir du caractère {position}")


def cut_difference(one: Any, other: Any, lang: str | None) -> str:
    """Where two values that the cut shows alike differ: their first :data:`VALUE_CHARS` characters are the same and
    the rest is not (« valeurs différentes après la coupure : à partir du caractère 5 001 »); "" otherwise. Cut, two
    3 MB invoice ids differing in their last character were shown as one value, the diff saying they differ with
    nothing to tell how. A position, no character of either value: nothing personal is shown."""
    if not (isinstance(one, str) and isinstance(other, str)) or one == other:
        return ""
    if max(len(one), len(other)) <= VALUE_CHARS or one[:VALUE_CHARS] != other[:VALUE_CHARS]:
        return ""
    position = next((i for i, (x, y) in enumerate(zip(one, other, strict=False)) if x != y), min(len(one), len(other)))
    return translator(lang)(_CUT_DIFFERENCE).format(position=_count(position + 1, lang))


def _common_end(one: str, other: str) -> int:
    """How many characters ``one`` and ``other`` end with alike."""
    count = 0
    while count < min(len(one), len(other)) and one[-1 - count] == other[-1 - count]:
        count += 1
    return count


#: the runner's line for a manual step (testbench.runner.runner): its operator is a name the person declared
_MANUAL_LINE = re.compile(
    r"(?P<head>étape manuelle \S+ (?:confirmée|rejetée) par )(?P<name>.+?)(?P<note> : .*)?", re.DOTALL
)
#: the options whose value is a name a person declared about themselves
_DECLARED_NAMES = ("--operator", "--reviewer")


#: the channels whose every line is whole, written by the bench itself (an exchange with a card, a sentence): no dump
#: of theirs runs onto a next line
_WHOLE_LINES = frozenset({"apdu", "bench"})


class Scrubber:
    """Redaction of everything an export writes, with a memo (trace lines repeat: the same APDUs in every
    case) and the counts the report's cover states. ``enabled=False`` is the explicit opt-out."""

    def __init__(self, enabled: bool, known: KnownValues | None = None, lang: str | None = None) -> None:
        self.enabled = enabled
        self.lang = lang
        self._known = known
        self._redactor = redact.Redactor(known=known, lang=lang) if enabled else None
        self._records = redact.Redactor(known=known, lang=lang, records=True) if enabled else None
        self._people: redact.Redactor | None = None  # made when a person's name is first redacted (:meth:`person`)
        self._wording: redact.Redactor | None = None  # made when a casebook's text is first redacted (:meth:`wording`)
        self._wording_memo: dict[str, tuple[str, Counter[str] | None]] = {}
        self._memo: dict[str, tuple[str, Counter[str] | None]] = {}
        self._person_memo: dict[str, tuple[str, Counter[str] | None]] = {}
        self._record_memo: dict[str, tuple[str, Counter[str] | None]] = {}
        self._built: dict[Any, tuple[Any, Counter[str] | None]] = {}
        self.counts: Counter[str] = Counter()

    @classmethod
    def for_sessions(cls, *sessions: SessionView, enabled: bool = True, lang: str | None = None) -> Scrubber:
        known = PersonalValues()
        if enabled:
            for session in sessions:
                known.update(known_values(session))
        return cls(enabled, known, lang)

    def __call__(self, text: str) -> str:
        return self._redacted(text, self._redactor, self._memo)

    def person(self, name: str) -> str:
        """A name a person of the bench declared about themselves (an operator, a reviewer, an attesting or
        correcting operator), redacted alike in every export and in ``verify``: by the pattern rules and the known
        numbers and dates, but of the known names only a card holder's full name — a colleague named Jean is not
        the holder JEAN, whom free text masks even alone (a one-word name written as a name)."""
        if self._people is None and self._redactor is not None:
            known = self._known or KnownValues()
            people = KnownValues(set(getattr(known, "people", ())), set(known.birth_dates), dict(known.numbers))
            self._people = redact.Redactor(known=people, lang=self.lang)
        return self._redacted(name, self._people, self._person_memo)

    def wording(self, text: str) -> str:
        """A casebook's own text (a case's title, objective, comment, a step's instruction, the casebook's title) as
        an export writes it: redacted as any text, but a known name of one word is a name there only in capitals as a
        card writes it (« Cahier de ESSAI ») or after a civility (« Mme Essai ») — a persona named EXEMPLE, ESSAI or
        CLAIRE leaves « Exemple de facture », « Essai de lecture » as their author wrote them (whole names, NIRs,
        dates and the pattern rules as everywhere: testbench.traces.redact.Redactor's ``wording``)."""
        if self._wording is None and self._redactor is not None:
            self._wording = redact.Redactor(known=self._known, lang=self.lang, wording=True)
        return self._redacted(text, self._wording, self._wording_memo)

    def trace_line(self, channel: str, text: str) -> str:
        """A trace line redacted: the operator the bench's manual-step line names (« étape manuelle X confirmée
        par NAME : note ») is a declared name (:meth:`person`), as the cover and the step give it; the rest as
        any text."""
        found = _MANUAL_LINE.fullmatch(text) if channel == "bench" else None
        if found is None:
            return self(text)
        return found["head"] + self.person(found["name"]) + self(found["note"] or "")

    def trace_lines(self, rows: Sequence[tuple[str, str]]) -> list[str]:
        """A trace's lines (``rows``: channel and text, in the trace's order) redacted as :meth:`trace_line` does each,
        after the known values a dump's line break cut between two lines of one channel are masked on both (each line
        alone holds a piece no rule takes for the value: testbench.traces.redact_bytes)."""
        texts = self.cut_values(rows)
        return [self.trace_line(channel, text) for (channel, _), text in zip(rows, texts, strict=True)]

    def cut_values(self, rows: Sequence[tuple[str, str]]) -> list[str]:
        """The texts of a trace's ``rows`` (channel and text, in the trace's order) with the known values a line break
        cut between two lines of one channel masked on both, counted; each line's own redaction still to do (as
        :meth:`trace_lines` does it). ``diff`` needs it apart: it compares the lines as recorded, shows them masked."""
        texts = [text for _, text in rows]
        if self._redactor is not None and len(texts) > 1:
            sources = [None if channel in _WHOLE_LINES else channel for channel, _ in rows]
            self._redactor.sub_cut_values(texts, sources, self.counts)
        return texts

    def argv(self, argv: Iterable[object]) -> list[str]:
        """A recorded command line redacted: the names its person declared (``--operator``, ``--reviewer``) as
        :meth:`person` gives them elsewhere in the book, the rest (a log's path may name a patient) as text."""
        said: list[str] = []
        for arg in map(str, argv):
            option, equals, value = arg.partition("=")
            if said and said[-1] in _DECLARED_NAMES:
                said.append(self.person(arg))
            elif equals and option in _DECLARED_NAMES:
                said.append(f"{option}={self.person(value)}")
            else:
                said.append(self(arg))
        return said

    def _redacted(self, text: str, redactor: redact.Redactor | None, memo: dict[str, Any]) -> str:
        """``text`` through ``redactor`` (None: the opt-out, PINs alone), memoised, what it masked counted."""
        if not text:
            return text
        hit = memo.get(text)
        if hit is not None:
            if hit[1]:
                self.counts.update(hit[1])
            return str(hit[0])
        if redactor is None:
            out, counts = redact.redact_pins(text), None  # PINs never leave, even with --no-redact
        else:
            result = redactor.redact_with_report(text)
            out, counts = result.text, (result.counts or None)
            if counts:
                self.counts.update(counts)
        _remember(memo, text, (out, counts))
        return out

    def cut(self, text: str, limit: int = VALUE_CHARS) -> str:
        """``text``'s first ``limit`` characters (:data:`VALUE_CHARS`) redacted, then the cut said (« … [valeur coupée
        ici : 3 000 000 caractères en tout ; elle est entière dans la session] »). The redaction reads
        :data:`_CUT_MARGIN` characters more: what it masked across the cut is shown masked whole (the shown text ends
        after its marker), and the unchanged rest of the margin is left out — a NIR the cut falls in never shows its
        first digits. A base64 blob the cut falls in is read in whole groups of four from its start, so that it
        decodes."""
        seen = text[: limit + _CUT_MARGIN]
        run = _TOKEN_END.search(seen)
        if run is not None and len(text) > len(seen) and _TOKEN_END.match(text, len(seen), len(seen) + 1):
            seen = seen[: run.start() + (len(seen) - run.start()) // 4 * 4]  # the blob in whole groups of four
        redacted = self(seen)
        margin = seen[limit:]
        shown = redacted[: len(redacted) - _common_end(redacted, margin)]  # the margin's end left as it was: out
        return shown + cut_note(len(text), self.lang)

    def record(self, line: str) -> str:
        """A line of a produced text file (an FSE, a B2 lot): fixed-width records pack values between fields,
        and keep their width (a lot read back by column)."""
        if self._records is None:
            return self(line)
        hit = self._record_memo.get(line)
        if hit is None:
            masked, counts = mask_b2_record(line)
            result = self._records.redact_with_report(masked)
            counts.update(result.counts)
            hit = (result.text, counts or None)
            _remember(self._record_memo, line, hit)
        if hit[1]:
            self.counts.update(hit[1])
        return hit[0]

    def once(self, key: Any, build: Callable[..., Any], *args: Any) -> Any:
        """``build(*args)``, made once per ``key`` (a redacted entry a campaign repeats in every case, such as
        an observed value): what it redacted is counted again each time. Read the result, never change it."""
        hit = self._built.get(key)
        if hit is None:
            before = self.counts.copy()
            made = build(*args)
            hit = (made, (self.counts - before) or None)
            _remember(self._built, key, hit)
        elif hit[1]:
            self.counts.update(hit[1])
        return hit[0]

    def at_path(self, path: str, value: Any, limit: int = VALUE_CHARS) -> Any:
        """A value observed at ``path``: personal fields are replaced whole, other text is redacted (cut past
        ``limit`` characters, :meth:`value`)."""
        if self._redactor is not None and value not in (None, "", True, False):
            kind = value_kind(path, value)
            if kind is not None:
                self.counts[kind] += 1
                return self._redactor.marker(kind)
        return self.value(value, limit)

    def difference(self, comparison: Mapping[str, Any]) -> str:
        """How a failed comparison's expected and observed values differ when :meth:`at_path` hides both whole, as
        one kind (:mod:`testbench.report.hidden_difference`): « ‹NIR› » against « ‹NIR› » says nothing else; or
        when the cut shows both alike (:func:`cut_difference`, the opt-out too). "" otherwise: the values themselves
        are shown."""
        if str(comparison.get("outcome")) in ("pass", "none", ""):
            return ""
        path, expected, observed = str(comparison.get("path") or ""), comparison.get("expected"), comparison["observed"]
        kind = value_kind(path, expected) if self._redactor is not None else None
        if kind is None or comparison.get("kind") == "trace":
            return cut_difference(expected, observed, self.lang)
        if any(v in (None, "", True, False) for v in (expected, observed)) or kind != value_kind(path, observed):
            return ""
        return difference(kind, expected, observed, self.lang)

    def noted(self, text: str, t: Callable[[str], str], comparisons: Iterable[Mapping[str, Any]] = ()) -> str:
        """A text recorded in French (a reason, a card guard's refusal) as an export shows it, ``self(t(text))``, with
        how the values it names and the redaction hid differ: the guard's differences (« NIR du bénéficiaire 1 :
        ‹NIR› au lieu de ‹NIR› »), the deviations of ``comparisons`` (:meth:`difference`)."""
        said = self(t(text))
        if self._redactor is None or "‹" not in said:
            return said
        notes = guard_notes(text, self.lang) + deviation_notes(comparisons, self.difference)
        return noted(said, notes, lambda raw: self(t(raw))) if notes else said

    def provenance(self, provenance: Mapping[str, Any] | None, path: str | None = None) -> dict[str, Any] | None:
        """Where a value was read, as an export writes it: the file's path (an application may name its FSE after
        its patient, « FSE_299990000000042_F0001.xml »), the line or record read, the locator and a correction's
        reason redacted like any text, its operator as a declared name (:meth:`person`); with ``path`` (the value's
        observation path), the value a correction replaced as that value is (:meth:`at_path`) — without, the caller
        quotes it so itself."""
        if provenance is None:
            return None
        out = {**provenance, "excerpt": self(str(provenance.get("excerpt") or ""))}
        for key in ("source", "locator"):
            if isinstance(out.get(key), str):
                out[key] = self(out[key])
        correction = provenance.get("correction")
        if isinstance(correction, Mapping):
            out["correction"] = {**correction, "reason": self(str(correction.get("reason") or ""))}
            if "operator" in correction:  # who corrected: a declared name
                out["correction"]["operator"] = self.person(str(correction["operator"]))
            if path is not None and "extracted" in correction:
                out["correction"]["extracted"] = self.at_path(path, correction["extracted"])
        conflict = provenance.get("conflict")  # the other values the product gave for the path, and where
        if isinstance(conflict, Mapping):
            others = [o for o in conflict.get("others") or () if isinstance(o, Mapping)]
            out["conflict"] = {
                **conflict,
                "others": [
                    {
                        **o,
                        "value": self.at_path(path, o.get("value")) if path is not None else self.value(o.get("value")),
                        "provenance": self.provenance(o.get("provenance")),
                    }
                    for o in others
                ],
            }
        return out

    def value(self, value: Any, limit: int = VALUE_CHARS) -> Any:
        """A value as an export shows it: text redacted, its texts past ``limit`` characters (:data:`VALUE_CHARS`;
        less where a place holds several values, an XLSX cell) cut."""
        if isinstance(value, str):
            return self(value) if len(value) <= limit else self.cut(value, limit)
        if isinstance(value, dict):
            return {k: self.value(v, limit) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, limit) for v in value]
        return value


#: the fields of the reference engine's B2-like records (engines/reference/data/b2_layout.json) that hold
#: personal data, by redaction kind
#: a prescriber is an RPPS or an AM number (records 210 and 3F1): a PS identifier either way
B2_PERSONAL_FIELDS = {"nir": "nir", "cle_nir": "nir", "date_naissance": "birth_date", "prescripteur": "id_ps"}


@functools.cache
def _b2_personal_columns() -> dict[str, tuple[tuple[int, int, str], ...]]:
    """Record type → (start, end, kind) of its personal fields, 0-based, from the engine's layout."""
    out = {}
    for rtype, fields in b2.layout().items():
        columns = tuple(
            (f.start - 1, f.start - 1 + f.length, B2_PERSONAL_FIELDS[f.name])
            for f in fields
            if f.name in B2_PERSONAL_FIELDS
        )
        if columns:
            out[rtype] = columns
    return out


def mask_b2_record(line: str) -> tuple[str, Counter[str]]:
    """``line`` with the personal fields of a B2-like record masked by column, and what was masked.

    The lot's layout says where the NIR, its key, the birth date and a prescriber are (as the card layer's TLV layout
    does for an APDU): by column, a birth date packed ``AAMMJJ`` between other digits is found, which no
    text rule can tell from the digits around it. Each mask keeps the field's width, zeros for digits
    (a date field's « absent » value), so the lot is still read back by its parser. A line that is not
    such a record (another type, another length, a field that does not parse) is returned as it is.
    """
    counts: Counter[str] = Counter()
    record = line.removesuffix("\r")
    columns = _b2_personal_columns().get(record[:3])
    if columns is None or len(record) != b2.RECORD_LENGTH:
        return line, counts
    try:
        b2.parse_record(record)
    except ValueError:  # same type and length in another layout: the text rules' business
        return line, counts
    masked = set()
    for start, end, kind in columns:
        value = record[start:end]
        hidden = same_width_mask(value)
        if hidden != value:
            record = record[:start] + hidden + record[end:]
            masked.add(kind)
    counts.update(masked)  # the NIR and its key are one NIR
    return record + line[len(record) :], counts
