"""Personal data on its way out of a session: what the session knows to be personal, and the scrubber.

Every export — the report (HTML, PDF, JSON, evidence), the JUnit file, the diff of two sessions —
passes its text through one :class:`Scrubber`, built from one session (or two, for a diff):

- the **known values** of the session: what its card reads observed (``vitale.beneficiaries[0].name``…)
  and what its casebooks expect at such paths (a reason reads « attendu MODELE »); the personal fields
  of every card file in its APDU trace lines (the card layer's TLV layout: this is where a card that no
  step read — the guard's check alone — gets its holder's name known); the identities the guard
  compared, the card found and the card expected (a refusal names the expected holder, whose card
  was never read);
- a :class:`~testbench.traces.redact.Redactor` that looks for them in text, hex and base64, masks card
  fields in APDU lines, and applies the pattern rules;
- the explicit opt-out (``--no-redact``), which keeps everything but PIN codes: those never leave.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from lxml import etree

from testbench.domain.events import EventKind
from testbench.store.read import SessionView
from testbench.traces import redact
from testbench.traces.known import KnownValues
from testbench.traces.redact_bytes import apdu_responses

#: observed values whose path says what they are: redacted whole, whatever their text looks like
PATH_KINDS = (
    (re.compile(r"(?i)(^|[._])(nom|name|prenom|prénom|first_?name|last_?name|nom_?usuel)$"), "name"),
    (re.compile(r"(?i)(^|[._])(birth_?date|date_?naissance|ddn|dob)$"), "birth_date"),
    (re.compile(r"(?i)(^|[._])(nir|ins|immatriculation|matricule)$"), "nir"),
    (re.compile(r"(?i)(^|[._])rpps$"), "rpps"),
    (re.compile(r"(?i)(^|[._])adeli$"), "adeli"),
    (re.compile(r"(?i)(^|[._])finess(_?\w+)?$"), "finess"),
    (re.compile(r"(?i)(^|[._])(num(ero)?_?ps|id_?ps)$"), "id_ps"),
)
_INDEX = re.compile(r"\[\d+\]")
#: lines a memo holds: emptied when full, so that a campaign's unique lines (a produced file's records, a
#: trace's timestamps) never make the report's memory grow with the campaign; the repeated ones come back
_MEMO_MAX = 4096


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= _MEMO_MAX:
        memo.clear()
    memo[key] = value


@functools.lru_cache(maxsize=4096)
def path_kind(path: str) -> str | None:
    """The redaction kind of an observation path (``vitale.beneficiaries[0].nir`` → ``nir``), if any.

    Memoised: a campaign repeats the same few hundred paths in every case (139,300 lookups, seven
    patterns each, for 700 cases)."""
    last = _INDEX.sub("", path)
    return next((kind for pattern, kind in PATH_KINDS if pattern.search(last)), None)


def known_values(session: SessionView) -> KnownValues:
    """The personal values this session holds (see the module's docstring)."""
    known = KnownValues()
    # only personal paths' values decoded, each once
    for path, value in session.observation_values(keep=path_kind, distinct=True):
        kind = path_kind(path)  # memoised
        if kind is not None:
            known.add(kind, value)
    for definition in session.case_definitions():  # a casebook may expect a name
        for expectation in (definition or {}).get("expectations", []):
            kind = path_kind(str(expectation.get("path") or ""))
            if kind is not None:
                known.add(kind, expectation.get("expected"))
    for blob in session.artifact_blobs("application/xml"):  # the application's FSE names its beneficiary
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


_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _add_xml_fields(known: KnownValues, blob: bytes) -> None:
    """Personal attributes and leaf elements of a produced XML file (``nir=``, ``dateNaissance=``, ``<nom>``).

    Other files carry the same values without their names (a B2 lot packs the NIR between other fields),
    so what the XML names is what the whole export then looks for.
    """
    try:
        root = etree.fromstring(blob, _XML)
    except etree.XMLSyntaxError:
        return
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            kind = path_kind(name.rpartition("}")[2])  # the local name of ``{namespace}name``, as etree.QName's
            if kind is not None:
                known.add(kind, value)
        if len(element) == 0 and element.text and (kind := path_kind(element.tag.rpartition("}")[2])):
            known.add(kind, element.text)


class Scrubber:
    """Redaction of everything an export writes, with a memo (trace lines repeat: the same APDUs in every
    case) and the counts the report's cover states. ``enabled=False`` is the explicit opt-out."""

    def __init__(self, enabled: bool, known: KnownValues | None = None, lang: str | None = None) -> None:
        self.enabled = enabled
        self._redactor = redact.Redactor(known=known, lang=lang) if enabled else None
        self._records = redact.Redactor(known=known, lang=lang, records=True) if enabled else None
        self._memo: dict[str, tuple[str, Counter[str] | None]] = {}
        self._record_memo: dict[str, tuple[str, Counter[str] | None]] = {}
        self._built: dict[Any, tuple[Any, Counter[str] | None]] = {}
        self.counts: Counter[str] = Counter()

    @classmethod
    def for_sessions(cls, *sessions: SessionView, enabled: bool = True, lang: str | None = None) -> Scrubber:
        known = KnownValues()
        if enabled:
            for session in sessions:
                known.update(known_values(session))
        return cls(enabled, known, lang)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        hit = self._memo.get(text)
        if hit is not None:
            if hit[1]:
                self.counts.update(hit[1])
            return hit[0]
        if self._redactor is None:
            out, counts = redact.redact_pins(text), None  # PINs never leave, even with --no-redact
        else:
            result = self._redactor.redact_with_report(text)
            out, counts = result.text, (result.counts or None)
            if counts:
                self.counts.update(counts)
        _remember(self._memo, text, (out, counts))
        return out

    def record(self, line: str) -> str:
        """A line of a produced text file (an FSE, a B2 lot): fixed-width records pack values between fields."""
        if self._records is None:
            return self(line)
        hit = self._record_memo.get(line)
        if hit is None:
            result = self._records.redact_with_report(line)
            hit = (result.text, result.counts or None)
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

    def at_path(self, path: str, value: Any) -> Any:
        """A value observed at ``path``: personal fields are replaced whole, other text is redacted."""
        if self._redactor is not None and value not in (None, "", True, False):
            kind = path_kind(path)
            if kind is not None:
                self.counts[kind] += 1
                return self._redactor.marker(kind)
        return self.value(value)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value
