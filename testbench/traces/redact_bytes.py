"""Personal data inside bytes: card fields of APDU responses, and known values in hex or base64.

Three searches, run by :class:`~testbench.traces.redact.Redactor` (the first two after its text steps, the
third before them):

- **By structure** (:func:`mask_apdu_fields`): the card layer knows which TLV fields of a Vitale or CPS
  file hold a NIR, a name, a birth date, an RPPS… (``testbench.cards.layout.PERSONAL_FIELDS``, and the card
  number, ``PERSONAL_OBJECTS``). In an APDU line (``A<< 65 11 93 0F 31 38 …``, or the ``"response"`` of a
  JSON record) the bytes of those fields become a marker with their length — ``65 11 93 0F ‹NIR masqué, 15
  octets› 9000`` — and the tags, the lengths and every other byte stay readable. A Vitale 1 is read by
  address (``BC B0 AH AL Le``) in whatever pieces the reader chooses, so a response may start inside a
  field, where no structure tells a name from the rest: such a response (its command on the same line or in
  the same record) is masked whole unless its bytes are whole objects of the card's zones.
- **By content** (:class:`EncodedValues`): what is left of any hex run (spaced ``45 53 53``, with colons,
  or unspaced ``455353``, in either case) and any base64 token is decoded and searched for the session's
  known values as ASCII, Latin-1, cp1252, UTF-8 or UTF-16 of either byte order; a run glued to letters
  (« DATA=x3138…38y »), or whose value starts at an odd digit (« 0313830… »), is read at both alignments of its
  digits, for values of four bytes or more (:meth:`EncodedValues._glued`). A hit in hex masks those bytes only;
  a hit in base64 masks the whole token (its bytes cannot be cut apart in the text). In a fixed-width record the
  mask keeps the width of what it replaces (testbench.traces.redact_rules.same_width_mask).
- **Across a dump's line break** (:meth:`EncodedValues.sub_cut`, at export): the bytes that end a dump line and those
  that start the next line of the same source, read together, for a known value the break cut (see the section
  below); each line's piece masked.

Names follow the text rule (testbench.traces.known): whole words only, given name or surname first (« MARTIN,
Éloïse »), and a one-word name only as a name is written (capitals or capitalised).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, MutableSequence, Sequence
from functools import partial

from testbench.cards import layout as L
from testbench.cards import vitale1 as V1
from testbench.cards.decode import PersonalField, personal_fields
from testbench.cards.layout import PERSONAL_FIELDS, PERSONAL_OBJECTS
from testbench.cards.tlv import iter_spans
from testbench.traces.known import (
    FIELD_KINDS,
    KnownValues,
    ascii_spelling,
    date_spellings,
    name_words,
    single_word_forms,
)
from testbench.traces.redact_rules import (
    CONTINUED_DUMP,
    DIRECTION,
    MARKERS,
    PACKED_HEAD,
    STAMP_LINE,
    DumpBytes,
    DumpSpan,
    b64_bytes,
    continued_head,
    dump_tail,
    keep_piece,
    same_width_mask,
    span_bytes,
    wrapped_b64,
)

#: what the marker says, per card field or redaction kind (French; English in testbench/i18n.py)
LABELS: dict[str, str] = {
    "nir": "NIR masqué",
    "name": "nom masqué",
    "first_name": "prénom masqué",
    "usual_name": "nom d'usage masqué",
    "structure": "raison sociale masquée",
    "birth_date": "date de naissance masquée",
    "rpps": "RPPS masqué",
    "finess": "FINESS masqué",
    "adeli": "ADELI masqué",
    "am_number": "n° AM masqué",
    "id_ps": "n° de PS masqué",
    "base64": "base64 masqué",
    "card_number": "n° de carte masqué",
    "card_data": "données de carte masquées",
}

Translate = Callable[[str], str]


def marker(label: str, size: int, t: Translate) -> str:
    """``‹NIR masqué, 15 octets›``: what was there and how long it was, never the value."""
    unit = t("octet") if size == 1 else t("octets")
    return f"‹{t(LABELS[label])}, {size} {unit}›"


# ------------------------------------------------------------------------------ by structure

#: a response whose first object (after 00/FF padding) is a file that can hold personal fields: the
#: other responses (status words alone, FCI, EF.SN.ICC…) cost one failed match, not a decoding
_PARENTS = "|".join(sorted({f"{parent:02X}" for parent, _ in PERSONAL_FIELDS} | {f"{o:02X}" for o in PERSONAL_OBJECTS}))
#: the redaction kind of a card object masked whole (the card number holds the holder's NIR)
_OBJECT_KINDS = {"card_number": "nir"}
_APDU_RESPONSE = re.compile(
    rf"(?i)(?<=A<< )((?:(?:00|FF) )*(?:{_PARENTS}) (?:[0-9A-F]{{2}} )*)(?=[0-9A-F]{{4}}(?![0-9A-Z]))"
)
_JSON_RESPONSE = re.compile(r'("response"\s*:\s*")([0-9A-Fa-f]+)(")')


def _mask_fields(hex_bytes: list[str], kinds: frozenset[str], t: Translate, counts: Counter[str]) -> list[str] | None:
    data = bytes.fromhex("".join(hex_bytes))
    fields = [f for f in personal_fields(data) + _personal_objects(data) if _kind(f.field) in kinds]
    if not fields:
        return None
    out: list[str] = []
    pos = 0
    for f in sorted(fields, key=lambda f: f.start):
        if f.start < pos:  # overlapping (malformed data): already masked
            continue
        out += hex_bytes[pos : f.start]
        out.append(marker(f.field, f.end - f.start, t))
        counts[_kind(f.field)] += 1
        pos = f.end
    return out + hex_bytes[pos:]


def _kind(field: str) -> str:
    return _OBJECT_KINDS.get(field) or FIELD_KINDS[field]


def _personal_objects(data: bytes) -> list[PersonalField]:
    """The top-level objects personal as a whole (the card number of EF 2F02)."""
    if not data or data[0] not in PERSONAL_OBJECTS:
        return []  # the common case: a file of fields (65, 66…), whose first object is not one
    return [
        PersonalField(PERSONAL_OBJECTS[tag], start, end)
        for tag, start, end in iter_spans(data)
        if tag in PERSONAL_OBJECTS and end > start
    ]


# ---- Vitale 1: memory read by address

#: the children each top-level object of a Vitale 1 zone may have (testbench.cards.virtual.vitale_files)
_V1_CHILDREN: dict[int, frozenset[int]] = {
    L.TAG_BENEFICIARY: frozenset({L.TAG_NAME, L.TAG_FIRST_NAME, L.TAG_BIRTH_DATE, L.TAG_NATIONALITY, L.TAG_NIR}),
    L.TAG_CARD: frozenset({L.TAG_CARD_START, *range(L.TAG_CARD_NATURE, L.TAG_RIGHTS_END + 1)}),
    L.TAG_RIGHTS_ENTRY: frozenset(
        {L.TAG_R_RANK, L.TAG_R_QUALITE, L.TAG_R_TWIN_RANK, L.TAG_R_USUAL_NAME, *L.COVERAGE_TAGS.values()}
    ),
    **{tag: frozenset({L.TAG_PERIOD_START, L.TAG_PERIOD_END}) for tag in L.COVERAGE_TAGS.values()},
}
_V1_TOP = frozenset({L.TAG_BENEFICIARY, L.TAG_CARD, L.TAG_RIGHTS_ENTRY})
#: ``A>> BC B0 AH AL Le  A<< data SW`` (testbench.runner.tracing), and a JSON record's command then response
#: (testbench.cards.trace)
_V1_LINE = re.compile(
    r"(?<=A>> BC B0 )([0-9A-F]{2}) ([0-9A-F]{2}) [0-9A-F]{2}  A<< ((?:[0-9A-F]{2} )+)(?=[0-9A-F]{4}(?![0-9A-Z]))"
)
_V1_JSON = re.compile(r'("command"\s*:\s*"BCB0([0-9A-F]{4})[0-9A-F]{2}",\s*"response"\s*:\s*")([0-9A-F]+)(")')


def _whole_objects(data: bytes, start: int, end: int, allowed: frozenset[int]) -> bool:
    """Whether ``data[start:end]`` is a run of objects of tags ``allowed`` (their children checked alike), the
    last one possibly cut by the end of the read: what a read from the start of an object gives."""
    pos = start
    while pos < end:
        tag = data[pos]
        if tag in (0x00, 0xFF) and allowed is _V1_TOP:  # padding between objects
            pos += 1
            continue
        if tag not in allowed:
            return False
        if pos + 1 >= end:
            return True
        length, head = data[pos + 1], 2
        if length == 0x81:
            if pos + 2 >= end:
                return True
            length, head = data[pos + 2], 3
        elif length >= 0x80:
            return False
        children = _V1_CHILDREN.get(tag)
        value = pos + head
        if children is not None and not _whole_objects(data, value, min(value + length, end), children):
            return False
        pos = value + length
    return True


def _mask_vitale1(
    address: int, hex_bytes: list[str], kinds: frozenset[str], t: Translate, counts: Counter[str]
) -> list[str] | None:
    """A Vitale 1 response read at ``address``: its fields masked by structure when it is whole objects, else
    whole (it may start inside a name); the directory at 0200h (addresses and lengths) stays. None: unchanged."""
    skip = min(len(hex_bytes), max(0, V1.START + V1.DIRECTORY_LENGTH - address))
    body = hex_bytes[skip:]
    if not body:
        return None
    data = bytes.fromhex("".join(body))
    if _whole_objects(data, 0, len(data), _V1_TOP):
        masked = _mask_fields(body, kinds, t, counts)
        return None if masked is None else hex_bytes[:skip] + masked
    kind = next((k for k in ("name", "nir", "birth_date") if k in kinds), None)
    if kind is None:
        return None
    counts[kind] += 1
    return [*hex_bytes[:skip], marker("card_data", len(body), t)]


def apdu_responses(text: str) -> Iterator[bytes]:
    """The response bytes of the APDU exchanges written in a trace line (both shapes above)."""
    if "A<< " in text:
        for m in _APDU_RESPONSE.finditer(text):
            yield bytes.fromhex(m.group(1))
    if '"response"' in text:
        for m in _JSON_RESPONSE.finditer(text):
            if len(m.group(2)) % 2 == 0:
                yield bytes.fromhex(m.group(2))


def mask_apdu_fields(text: str, kinds: frozenset[str], t: Translate, counts: Counter[str]) -> str:
    """Mask the personal fields of the APDU responses of a trace line (see the module's docstring);
    ``counts`` gets one per masked field, by redaction kind."""
    if "A>> BC B0 " in text:

        def vitale1(m: re.Match[str]) -> str:
            masked = _mask_vitale1(int(m.group(1) + m.group(2), 16), m.group(3).split(), kinds, t, counts)
            return m.group() if masked is None else m.group()[: m.start(3) - m.start()] + " ".join(masked) + " "

        text = _V1_LINE.sub(vitale1, text)
    if '"BCB0' in text:

        def record(m: re.Match[str]) -> str:
            digits = m.group(3)
            if len(digits) % 2:
                return m.group()
            pairs = [digits[i : i + 2] for i in range(0, len(digits), 2)]
            masked = _mask_vitale1(int(m.group(2), 16), pairs, kinds, t, counts)
            if masked is None:
                return m.group()
            return m.group(1) + "".join(f" {p} " if p[0] == "‹" else p for p in masked).strip() + m.group(4)

        text = _V1_JSON.sub(record, text)
    if "A<< " in text:

        def spaced(m: re.Match[str]) -> str:
            masked = _mask_fields(m.group(1).split(), kinds, t, counts)
            return m.group() if masked is None else " ".join(masked) + " "

        text = _APDU_RESPONSE.sub(spaced, text)
    if '"response"' in text:

        def packed(m: re.Match[str]) -> str:
            digits = m.group(2)
            if len(digits) % 2:
                return m.group()
            masked = _mask_fields([digits[i : i + 2] for i in range(0, len(digits), 2)], kinds, t, counts)
            if masked is None:
                return m.group()
            # a marker glued to unspaced hex gets spaces, so the bytes around it stay readable
            return m.group(1) + "".join(f" {p} " if p[0] == "‹" else p for p in masked).strip() + m.group(3)

        text = _JSON_RESPONSE.sub(packed, text)
    return text


# ------------------------------------------------------------------------------ by content

_HEX_PAIR = re.compile(r"[0-9A-Fa-f]{2}")
#: a run of three bytes or more in hex, spaced or packed (:meth:`EncodedValues.answer_dates`)
_SHORT_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{2}(?:(?:  |[ :])?[0-9A-Fa-f]{2}){2,}(?![0-9A-Za-z])")
#: base64 tokens worth decoding (at least {n} characters): base64 of a known value always holds a
#: capital past its first character (the first character of each group of four encodes the top bits of
#: a byte: Q…W for capitals, M…O for digits), so a token without one — a word, a number, a path, a
#: date — is skipped
_B64_TOKEN = (
    r"(?<![A-Za-z0-9+/_-])(?=[A-Za-z0-9+/_-]{{{n}}})[A-Za-z0-9+/_-]*?[A-Za-z0-9+/_-][A-Z][A-Za-z0-9+/_-]*={{0,2}}"
    r"(?![A-Za-z0-9+/=_-])"
)
_LETTER = rb"A-Za-z0-9\x80-\xff"
_DIGIT = rb"0-9"
#: how a value is written in bytes, by the width of its characters: one byte (latin-1, cp1252, UTF-8), or
#: UTF-16 in either order — little-endian as a Windows API wide string, big-endian as Java and the network
#: write it (each ASCII character ``00 XX``)
_FAMILIES = {
    "latin-1": "bytes",
    "cp1252": "bytes",
    "utf-8": "bytes",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
}


def _spellings(text: str) -> dict[str, set[bytes]]:
    """``text`` as bytes in the encodings cards and logs use, and without its accents, by family (see
    :data:`_FAMILIES`): Windows applications write cp1252, which spells « œ », « Œ » and « Ÿ » where latin-1
    has none, and dump wide strings in UTF-16."""
    out: dict[str, set[bytes]] = {}
    for variant in {text, ascii_spelling(text)}:
        for encoding, family in _FAMILIES.items():
            try:
                out.setdefault(family, set()).add(variant.encode(encoding))
            except UnicodeEncodeError:
                continue
    return out


def _bounded(family: str, alternatives: set[bytes], edge: bytes) -> bytes:
    """``alternatives`` (patterns) standing apart from the characters of class ``edge`` around them, a
    character being one byte or, in UTF-16, two: the byte of the character before a little-endian value is
    two bytes back (``X 00``), the byte of the character after a big-endian one a byte further (``00 X``), so
    « ESSAIS » and « xESSAI » are other words in every width, and neither order is found one byte off inside
    the other. A byte order mark before a value is no letter. Every big-endian alternative starts with 00:
    written once, before them, so that the regex engine tries them only where 00 stands before the byte
    they need."""
    body = b"|".join(sorted(alternatives, key=len, reverse=True))
    if family == "utf-16-le":
        return rb"(?<![" + edge + rb"]\x00)(?:" + body + rb")(?![" + edge + rb"])"
    if family == "utf-16-be":
        return rb"(?:(?<=\xfe\xff)|(?<![" + edge + rb"]))\x00(?:" + body + rb")(?!\x00[" + edge + rb"])"
    return rb"(?<![" + edge + rb"])(?:" + body + rb")(?![" + edge + rb"])"


def _unbounded(family: str, alternatives: set[bytes]) -> bytes:
    """``alternatives`` wherever they stand (the longest first), as :func:`_bounded` spells them."""
    body = b"|".join(sorted(alternatives, key=len, reverse=True))
    return (b"\\x00(?:" if family == "utf-16-be" else b"(?:") + body + b")"


def _literal(family: str, spelled: bytes) -> bytes:
    """``spelled`` as a pattern of :func:`_bounded`'s ``family`` (a big-endian one without its first 00)."""
    return re.escape(spelled[1:] if family == "utf-16-be" else spelled)


#: what stands between the words of a name in bytes: spaces, apostrophes, dashes; surname first, a comma before
#: them (« MARTIN, Éloïse »), whose UTF-16 spelling has its 00 byte (the space's own 00 is in the words' bytes)
_BETWEEN = dict.fromkeys(("bytes", "utf-16-le", "utf-16-be"), rb"[\s'-]+")
_BETWEEN_SURNAME_FIRST = {
    "bytes": rb",?[\s'-]+",
    "utf-16-le": rb"(?:,\x00)?[\s'-]+",
    "utf-16-be": rb"(?:,\x00)?[\s'-]+",
}


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def bcd_dates(date: str) -> set[bytes]:
    """A birth date in BCD, two digits a byte, in the orders a card or a program packs it: year first (« 19 61 03 17 »)
    and day first (« 17 03 19 61 »); 8 digits, never the 6 of a short year (3 bytes are too common by chance)."""
    iso = next((s for s in date_spellings(date) if _ISO_DATE.fullmatch(s)), None)  # its one ISO spelling
    if iso is None:
        return set()
    y, m, d = iso.split("-")
    return {bytes.fromhex(y + m + d), bytes.fromhex(d + m + y)}


def short_bcd_dates(date: str) -> set[bytes]:
    """A birth date in BCD with a two-digit year (« 80 01 15 », « 15 01 80 »): 3 bytes, which occur by chance in any
    dump, so looked for in a card's answer only (:meth:`EncodedValues.answer_dates`)."""
    return {packed[1:] if packed[:1] in (b"\x19", b"\x20") else packed[:2] + packed[3:] for packed in bcd_dates(date)}


def _known_pattern(known: KnownValues, kinds: frozenset[str]) -> re.Pattern[bytes] | None:
    """One bytes pattern with a named group per redaction kind (a hit's ``lastgroup`` is its kind)."""
    groups: dict[str, bytes] = {}
    families = sorted(set(_FAMILIES.values()))
    if "name" in kinds:
        alternatives: dict[str, set[bytes]] = {family: set() for family in families}
        for name in known.names:
            words = name_words(name)
            if len(words) == 1:
                for form in single_word_forms(name):
                    for family, spelled in _spellings(form).items():
                        alternatives[family] |= {_literal(family, b) for b in spelled}
            elif words:  # several words: any case, any separator; surname first too (« MARTIN, Éloïse »)
                for order, between in ((words, _BETWEEN), ([words[-1], *words[:-1]], _BETWEEN_SURNAME_FIRST)):
                    for family, spelled in _spellings(" ".join(order)).items():
                        for b in spelled:
                            head, *rest = b.split(b" ")
                            parts = [_literal(family, head), *(re.escape(w) for w in rest)]
                            alternatives[family].add(b"(?i:" + between[family].join(parts) + b")")
        if any(alternatives.values()):
            groups["name"] = b"|".join(_bounded(f, a, _LETTER) for f, a in alternatives.items() if a)
    values: dict[str, set[str]] = {}
    if "birth_date" in kinds:
        values["birth_date"] = {s for d in known.birth_dates for s in date_spellings(d)}
    values |= {kind: v for kind, v in known.numbers.items() if kind in kinds}
    bcd = {packed for d in known.birth_dates for packed in bcd_dates(d)} if "birth_date" in kinds else set()
    for kind, spellings in values.items():
        if spellings:
            # a NIR's body is found among other digits too, as the text rule finds it: a card number holds it
            # between zeros (testbench.cards.virtual), and 13 digits of a known NIR are no coincidence
            fence = _unbounded if kind == "nir" else partial(_bounded, edge=_DIGIT)
            groups[kind] = b"|".join(
                fence(family, {_literal(family, value.encode(encoding)) for value in spellings})
                for encoding, family in (("utf-8", "bytes"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"))
            )
    if bcd:  # a birth date packed two digits a byte, as a Vitale 1 card or another program stores it
        groups["birth_date"] = b"|".join(filter(None, [groups.get("birth_date"), _alternatives(bcd)]))
    if not groups:
        return None
    return re.compile(b"|".join(b"(?P<" + k.encode() + b">" + v + b")" for k, v in groups.items()))


# A known name as a card field holds it, in another program's dump of a card's memory (a Vitale 1 record read in
# pieces of its own size, 16 bytes a line): the field's length byte before it, then the next field's tag, which may be
# any byte (« 05 52 4F 47 45 52 82 »: ROGER, then tag 82, a letter in Latin-1, which the edge of a word rejects); or
# cut by the end of a read or of a dump's line (« … 05 52 4F 47 » then « 45 52 82 08 … »).
#: the shortest piece of a name masked at a run's end after its length byte, and at a run's start without it
_CUT_MIN = 2
_START_MIN = 2
#: the least evidence of a piece at the edge of one token of hex digits (:data:`_SEPARATED`), the field's bytes included
_UNBROKEN_MIN = 4
# A piece of one letter is no evidence alone (a dump's line starts or ends with any letter): it is masked with the
# card's bytes around it, the field's tag and length before a first letter at a run's end (« 81 05 52 », then « 4F 47
# 45 52 … »), the next field after a last letter at a run's start (« 52 » then the birth date « 82 08 3x », or the
# first name after the surname, « 81 05 » and its first letter).
#: the tags of the card fields that hold a name (testbench.cards.layout.PERSONAL_FIELDS: Vitale 80, 81, E5/C3; CPS C1,
#: C2), and those of a field that follows one
_NAME_TAGS = rb"[\x80\x81\xc1\xc2\xc3]"
_NEXT_NAME_TAGS = rb"[\x81\xc2]"
#: a run that starts with a dump line's offset (``hexdump -C`` writes two spaces after it, read as a separator)
_RUN_OFFSET = re.compile(r"[0-9A-Fa-f]{4,8}(?=[ ]{1,2}[0-9A-Fa-f]{2}(?:[ :]|$))")
#: a run whose bytes are set apart (« 52 4F », « 524F 4745 », « 52:4F »): a dump's line. One token of hex digits may
#: be a dump's line too (« RX 4F8105524F… ») but is more often a value of its own, a digest or a key, whose edges read
#: as two letters of a name and a byte no character by chance (a SHA-256 starting « 4552 93 » for ROGER): in such a
#: token a piece at an edge is masked only with four bytes of evidence, the field's bytes around it included
#: (:class:`_FieldSearch`)
_SEPARATED = re.compile(r"[ :]")
#: the fewest bytes of a known value looked for in a run of hex digits glued to letters, or read at its other
#: alignment (:meth:`EncodedValues._glued`): among letters a piece of two or three bytes is too often there by chance
_GLUED_MIN = 4
#: a dump line's column of characters, ``|…|``, or after two spaces
_COLUMN_BARS = re.compile(r"\|(?P<col>[^|]*)\|[ \t]*$")
_COLUMN_GAP = re.compile(r"[ \t]{2,}(?P<col>\S[^\t]*?)[ \t]*$")


def _field_spellings(names: set[str]) -> set[bytes]:
    """Each known name as a card field may hold it: as recorded, in capitals, without accents, one byte a
    character (a Vitale 1 field is no UTF-16)."""
    out: set[bytes] = set()
    for name in names:
        for variant in {name, name.upper(), ascii_spelling(name), ascii_spelling(name).upper()}:
            out |= {b for b in _spellings(variant).get("bytes", set()) if 2 <= len(b) < 0x80}
    return out


def _nested(value: bytes, shortest: int) -> bytes:
    """A pattern of the prefixes of ``value`` of ``shortest`` bytes or more but not all of it (« R(?:O(?:G)?)? »)."""
    head = re.escape(value[:shortest])
    tail = b""
    for byte in reversed(value[shortest:-1]):
        tail = b"(?:" + re.escape(bytes([byte])) + tail + b")?"
    return head + tail


def _alternatives(values: set[bytes]) -> bytes:
    """A pattern of any of ``values``, the longest first."""
    return b"|".join(map(re.escape, sorted(values, key=len, reverse=True)))


def _first_pieces(spellings: set[bytes], shortest: int) -> re.Pattern[bytes] | None:
    """A name's first piece of ``shortest`` bytes or more after its length byte at a run's end, or of one byte fewer
    after its field's tag too."""
    firsts = [re.escape(bytes([len(b)])) + _nested(b, shortest) for b in spellings if len(b) > shortest]
    firsts += [
        b"(?<=" + _NAME_TAGS + b")" + re.escape(bytes([len(b)])) + _nested(b, shortest - 1)
        for b in spellings
        if len(b) > shortest - 1
    ]
    return re.compile(b"(?:" + b"|".join(firsts) + rb")\Z") if firsts else None


def _last_pieces(
    spellings: set[bytes], shortest: int, before_next: set[bytes], following: bytes
) -> re.Pattern[bytes] | None:
    """At a run's start: a name of ``shortest`` bytes or more where no letter or digit follows, or its last piece
    of as many where no printable character does (a piece starts inside a word: a whole word of a name of several
    words, « Martin » of « Éloïse Martin », is no known name alone, as in text; 2 letters and a space or a dot start
    many a dump line of text, « er fichier », where a card's field is followed by the next one's tag or length); or
    one of ``before_next`` where the next field (``following``) follows."""
    whole = {b for b in spellings if len(b) >= shortest}
    pieces = {b[-k:] for b in spellings for k in range(shortest, len(b)) if b[-k - 1 : -k].isalpha()}
    parts = [b"(?:" + _alternatives(whole) + rb")(?![A-Za-z0-9])"] if whole else []
    if pieces:
        parts.append(b"(?:" + _alternatives(pieces) + rb")(?![\x20-\x7e])")
    if before_next and following:
        parts.append(b"(?:" + _alternatives(before_next) + b")(?=" + following + b")")
    return re.compile(b"|".join(parts)) if parts else None


class _FieldSearch:
    """The known names as card fields in a run's bytes (see above): whole after their length byte, whatever
    follows; a first piece after its length byte at the run's end; a last piece (or the whole name) at the run's
    start, where no letter or digit follows."""

    def __init__(self, names: set[str]) -> None:
        spellings = _field_spellings(names)
        by_length: dict[int, set[bytes]] = {}
        for b in spellings:
            by_length.setdefault(len(b), set()).add(b)
        self.whole = re.compile(
            b"|".join(
                b"(?<=" + re.escape(bytes([n])) + b")(?:" + b"|".join(map(re.escape, sorted(v))) + b")"
                for n, v in sorted(by_length.items())
            )
        )
        # a first letter alone: after its field's tag and length (:data:`_NAME_TAGS`)
        starts = {bytes([len(b)]) + b[:1] for b in spellings if len(b) > 1}
        # a last letter alone: the next field after it, a birth date (« 82 08 » and a digit) or a name (its tag, its
        # length and its first letter)
        following = rb"\x82\x08[0-9]|" + _NEXT_NAME_TAGS + b"(?:" + _alternatives(starts) + b")" if starts else b""
        letters = {b[-1:] for b in spellings if b[-2:-1].isalpha()}
        self.first = _first_pieces(spellings, _CUT_MIN)
        self.last = _last_pieces(spellings, _START_MIN, letters, following)
        # in one token of hex digits (:data:`_SEPARATED`), four bytes at least: a first piece of 3 letters after its
        # length byte, or of 2 after its tag and length; a last piece of 4, or any last piece before the next field
        suffixes = {b[-k:] for b in spellings for k in range(1, len(b) + 1) if k == len(b) or b[-k - 1 : -k].isalpha()}
        self.first_unbroken = _first_pieces(spellings, _UNBROKEN_MIN - 1)
        self.last_unbroken = _last_pieces(spellings, _UNBROKEN_MIN, suffixes, following)
        self.longest = max(map(len, spellings))

    def spans(self, data: bytes, starts: tuple[int, ...], unbroken: bool) -> list[tuple[int, int, str]]:
        """(start, end, edge) of each name found in ``data``; ``edge``: « end », « start » for a piece cut at the
        run's edge (its column of characters shows it so), else ""; ``starts``: where the run's bytes start (after
        a dump line's offset too); ``unbroken``: the run is one token of hex digits (see :data:`_SEPARATED`)."""
        found = [(m.start(), m.end(), "") for m in self.whole.finditer(data)]
        last, first = (self.last_unbroken, self.first_unbroken) if unbroken else (self.last, self.first)
        for start in starts:
            m = last.match(data, start) if last is not None else None
            if m is not None:
                found.append((m.start(), m.end(), "start"))
                break
        if first is not None:
            m = first.search(data, max(0, len(data) - self.longest - 1))
            if m is not None:
                found.append((m.start() + 1, m.end(), "end"))
        return found


class EncodedValues:
    """Finds the known values of a session in hex runs and base64 tokens of a line (see the module)."""

    def __init__(self, known: KnownValues, kinds: frozenset[str], t: Translate) -> None:
        self._pattern = _known_pattern(known, kinds)
        spelled = _field_spellings(known.names) if "name" in kinds else set()
        self._fields = _FieldSearch(known.names) if spelled else None
        self._t = t
        lengths = [len(n.encode("utf-8")) for n in known.names] + [len(v) for vs in known.numbers.values() for v in vs]
        lengths += [4] * bool(known.birth_dates)  # a birth date in BCD: 4 bytes
        self._shortest = max(2, min(lengths, default=2))
        # hex runs (spaced, with colons, or packed) and base64 tokens long enough to hold a known value
        # hexdump -C writes two spaces in the middle of its 16 bytes: a name across them is one run
        self._hex_run = re.compile(
            rf"(?<![0-9A-Za-z])[0-9A-Fa-f]{{2}}(?:(?:  |[ :])?[0-9A-Fa-f]{{2}}){{{self._shortest - 1},}}"
            r"(?![0-9A-Za-z])"
        )
        self._b64_token = re.compile(_B64_TOKEN.format(n=-(-self._shortest * 4 // 3)))
        # every run of hex digits long enough for the glued search (:meth:`_glued`), wherever it stands
        glued = max(self._shortest, _GLUED_MIN)
        self._any_hex = re.compile(
            rf"(?<![0-9A-Fa-f])[0-9A-Fa-f](?:(?:  |[ :])?[0-9A-Fa-f]){{{2 * glued - 1},}}(?![0-9A-Fa-f])"
        )
        self._glued_seen: dict[tuple[str, bool, int], tuple[str, Counter[str]]] = {}
        self._bcd = {packed for d in known.birth_dates for packed in bcd_dates(d)}
        short = {packed for d in known.birth_dates for packed in short_bcd_dates(d)} if "birth_date" in kinds else ()
        self._short_bcd = re.compile(b"|".join(re.escape(p) for p in sorted(short))) if short else None
        # hex runs, base64 tokens: see _once
        self._seen: dict[tuple[str, bool], tuple[str, Counter[str], list[tuple[str, str]]]] = {}
        self._cut: list[tuple[str, str]] = []
        self._known = known
        self._kinds = kinds
        self._across: _AcrossSearch | None = None  # made at the first line that continues a dump (:meth:`sub_cut`)
        self._pairs: dict[tuple[str, str], tuple[str, str, Counter[str]] | None] = {}

    def __bool__(self) -> bool:
        return self._pattern is not None

    def __call__(self, text: str, counts: Counter[str], *, fixed: bool = False) -> str:
        """``text`` with the known values found in its hex and base64 masked; ``counts`` gets them by kind.
        ``fixed``: ``text`` is a fixed-width record, whose masks keep the width of what they replace."""
        if self._pattern is None:
            return text
        hexes = partial(self._hex, fixed=True) if fixed else self._hex
        tokens = partial(self._base64, fixed=True) if fixed else self._base64
        edges: list[tuple[str, str]] = []
        text = self._hex_run.sub(lambda m: self._once(hexes, m.group(), counts, fixed, edges), text)
        if edges:
            text = _mask_column_edges(text, edges, same_width_mask if fixed else lambda _: MARKERS["name"])
        text = self._any_hex.sub(lambda m: self._glued(m, counts, fixed), text)
        text = self._b64_token.sub(lambda m: self._once(tokens, m.group(), counts, fixed), text)
        return self.answer_dates(text, counts, fixed) if self._short_bcd is not None else text

    def answer_dates(self, text: str, counts: Counter[str], fixed: bool) -> str:
        """A known birth date in BCD with a two-digit year (« 80 01 15 ») in the bytes of a card's answer: after the
        line's last direction mark, when it is an answer's (« << », « R-APDU », « resp », « réponse », a JSON record's
        « response »). Elsewhere three bytes are no evidence (:func:`short_bcd_dates`)."""
        last = next(reversed([*DIRECTION.finditer(text)]), None)
        if last is None or last.group("answer") is None:
            return text
        at = last.end()
        return text[:at] + _SHORT_RUN.sub(lambda m: self._short_dates(m.group(), counts, fixed), text[at:])

    def _short_dates(self, run: str, counts: Counter[str], fixed: bool) -> str:
        """:meth:`answer_dates` on one run of hex (not one of decimal digits packed: a number)."""
        assert self._short_bcd is not None
        if run.isdigit():
            return run
        data = bytes.fromhex(run.replace(":", " "))
        hits = list(self._short_bcd.finditer(data))
        if not hits:
            return run
        pairs = list(_HEX_PAIR.finditer(run))
        out, pos = [], 0
        for hit in hits:
            start, end = pairs[hit.start()].start(), pairs[hit.end() - 1].end()
            counts["birth_date"] += 1
            head = run[pos:start]
            if fixed:
                out.append(head + same_width_mask(run[start:end]))
            else:
                glued_before = " " if head and head[-1] not in " :" else ""
                glued_after = " " if end < len(run) and run[end] not in " :" else ""
                out.append(head + glued_before + marker("birth_date", 3, self._t) + glued_after)
            pos = end
        return "".join(out) + run[pos:]

    def _once(
        self,
        search: Callable[..., str],
        token: str,
        counts: Counter[str],
        fixed: bool,
        edges: list[tuple[str, str]] | None = None,
    ) -> str:
        """``search(token)``, once per token: lines repeat the same tokens (a timestamp, an XML attribute's
        name, an APDU's bytes); what it masked is counted each time. ``edges``: gets the pieces of names a hex
        run was cut in (:meth:`_hex`)."""
        hit = self._seen.get((token, fixed))
        if hit is None:
            found: Counter[str] = Counter()
            self._cut = cut = []  # what :meth:`_hex` finds cut at its run's edges
            hit = (search(token, found), found, cut)
            if len(self._seen) >= 4096:  # bounded: unique tokens do not grow the memory
                self._seen.clear()
            self._seen[(token, fixed)] = hit
        if hit[1]:
            counts.update(hit[1])
        if edges is not None and hit[2]:
            edges += hit[2]
        return hit[0]

    def _glued(self, m: re.Match[str], counts: Counter[str], fixed: bool) -> str:
        """A run of hex digits the search of whole runs (:meth:`_hex`) did not read as bytes, or read at one
        alignment only: glued to a letter or a digit (« DATA=x3138… », « …3638G », « tag31 38 30… »), of an odd
        count of digits (« 0313830… »), or packed (a value after a nibble: « 0313830…8A »). Its bytes are read at
        both alignments of its digits (the other one only, for a packed run :meth:`_hex` read), and a known value of
        :data:`_GLUED_MIN` bytes or more found in them is masked (fewer are no evidence among letters); a byte must
        be two digits written together, so a spaced run is read only as its bytes are written."""
        run = m.group()
        text = m.string
        glued = (m.start() and text[m.start() - 1].isalnum()) or (m.end() < len(text) and text[m.end()].isalnum())
        spaced = " " in run or ":" in run
        odd = (len(run.replace(" ", "").replace(":", "")) if spaced else len(run)) % 2
        if not glued and not odd and spaced:
            return run  # a run of whole bytes set apart: :meth:`_hex` read it as written
        shifts = (0, 1) if glued or odd else (1,)
        key = (run, fixed, len(shifts))
        hit = self._glued_seen.get(key)
        if hit is None:
            found: Counter[str] = Counter()
            hit = (self._glued_run(run, found, fixed, shifts), found)
            if len(self._glued_seen) >= 4096:  # bounded: unique runs do not grow the memory
                self._glued_seen.clear()
            self._glued_seen[key] = hit
        counts.update(hit[1])
        masked = hit[0]
        if masked is run or fixed:
            return masked
        # a marker glued to a letter or a digit around the run gets its space
        before = " " if masked[:1] == "‹" and m.start() and text[m.start() - 1].isalnum() else ""
        after = " " if masked[-1:] == "›" and m.end() < len(text) and text[m.end()].isalnum() else ""
        return before + masked + after

    def _glued_run(self, run: str, counts: Counter[str], fixed: bool, shifts: tuple[int, ...]) -> str:
        """:meth:`_glued`'s search of one run at ``shifts`` (the digit its first byte starts at): ``run`` with the
        known values found masked (``run`` itself when none)."""
        assert self._pattern is not None
        spaced = " " in run or ":" in run
        digits = run.replace(" ", "").replace(":", "") if spaced else run
        where: list[int] = []  # each digit's place in the run (a spaced run's: read at the first hit)
        found: list[tuple[int, int, str]] = []  # (first digit, digit after the last, kind)
        for shift in shifts:
            usable = (len(digits) - shift) // 2 * 2
            data = bytes.fromhex(digits[shift : shift + usable])
            for hit in self._pattern.finditer(data):
                start, end, kind = shift + 2 * hit.start(), shift + 2 * hit.end(), str(hit.lastgroup)
                if hit.end() - hit.start() < _GLUED_MIN:
                    continue
                if spaced:
                    where = where or [i for i, c in enumerate(run) if c not in " :"]
                    if any(where[i + 1] != where[i] + 1 for i in range(start, end, 2)):
                        continue  # a « byte » whose two digits a separator parts: not how the run writes its bytes
                if kind == "birth_date" and data[hit.start() : hit.end()] in self._bcd and digits.isdigit():
                    continue  # a date in BCD among decimal digits: a number, which the text rule reads apart
                found.append((start, end, kind))
        if not found:
            return run
        where = where or list(range(len(run)))
        found.sort(key=lambda h: (h[0], -h[1]))
        out, pos, last = [], 0, -1
        for start, end, kind in found:
            if start < last:  # overlapping (the other alignment): already masked
                continue
            counts[kind] += 1
            lo, hi = where[start], where[end - 1] + 1
            if fixed:
                out.append(run[pos:lo] + same_width_mask(run[lo:hi]))
            else:
                head = run[pos:lo]
                head += " " if head and head[-1] not in " :" else ""
                out.append(head + marker(kind, (end - start) // 2, self._t))
                if hi < len(run) and run[hi] not in " :":
                    out.append(" ")
            pos, last = hi, end
        out.append(run[pos:])
        return "".join(out)

    def _hits(self, run: str, data: bytes) -> list[tuple[int, int, str, str]]:
        """(start, end, kind, edge) of the known values in a run's bytes, in order, none overlapping: the
        pattern's, and the names as card fields (:class:`_FieldSearch`)."""
        assert self._pattern is not None
        hits = [(m.start(), m.end(), str(m.lastgroup), "") for m in self._pattern.finditer(data)]
        if self._fields is not None:
            offset = _RUN_OFFSET.match(run)
            starts = (0, len(offset.group()) // 2) if offset is not None else (0,)
            unbroken = _SEPARATED.search(run) is None
            hits += [(start, end, "name", edge) for start, end, edge in self._fields.spans(data, starts, unbroken)]
            hits.sort(key=lambda h: (h[0], -h[1]))
            kept: list[tuple[int, int, str, str]] = []
            for hit in hits:
                if not kept or hit[0] >= kept[-1][1]:
                    kept.append(hit)
            hits = kept
        return hits

    def _hex(self, run: str, counts: Counter[str], fixed: bool = False) -> str:
        """``run`` with the known values in its bytes masked; the pieces of names cut at its edges (their text)
        are added to ``self._cut``, which the caller reads."""
        data = bytes.fromhex(run.replace(":", " "))  # fromhex takes spaces between bytes
        hits = self._hits(run, data)
        if not hits:  # the common case: a dump, a timestamp
            return run
        pairs = list(_HEX_PAIR.finditer(run))
        out, pos = [], 0
        for hit_start, hit_end, kind, edge in hits:
            start, end = pairs[hit_start].start(), pairs[hit_end - 1].end()
            counts[kind] += 1
            if edge:
                self._cut.append((edge, data[hit_start:hit_end].decode("latin-1")))
            if fixed:
                out.append(run[pos:start] + same_width_mask(run[start:end]))
                pos = end
                continue
            head = run[pos:start]
            if pos and head and head[0] not in " :":  # after a marker: the bytes glued to it get their space
                head = " " + head
            out.append(head + (" " if head and head[-1] not in " :" else ""))
            out.append(marker(kind, hit_end - hit_start, self._t))
            pos = end
        tail = run[pos:]
        out.append((" " if tail and tail[0] not in " :" and not fixed else "") + tail)
        return "".join(out)

    def sub_cut(self, lines: MutableSequence[str], sources: Sequence[str | None], counts: Counter[str]) -> None:
        """Mask, in ``lines`` (a trace in its order; ``sources``: each line's source), each known value a dump's line
        breaks cut (see :class:`_AcrossSearch`): on each line the piece it holds, and the same piece in its column of
        characters; ``counts`` gets one per value. A line is read with the line of the same source before it, other
        sources' lines between them skipped (captures interleave), and its own source's lines that hold a timestamp
        alone (:data:`~testbench.traces.redact_rules.STAMP_LINE`: a logger stamps each write); a value over three lines
        or more (a dump of fewer bytes a line than it holds) is found on the chain of such lines. A line whose source
        is None is left out (a source whose every line is whole)."""
        if self._pattern is None:
            return
        self._sub_wrapped(lines, sources, counts)
        continued = CONTINUED_DUMP.match
        # most lines continue no dump: one comprehension finds the few that may, then the line of their source before
        pairs = enumerate(zip(sources, lines, strict=True))
        found = [i for i, (source, text) in pairs if source is not None and continued(text)]
        chains: list[list[int]] = []
        ends: dict[int, list[int]] = {}  # a chain's last line → the chain
        for i in found:
            before = self._before(lines, sources, i)
            if before < 0:
                continue
            chain = ends.pop(before, None)
            if chain is None:
                chain = [before]
                chains.append(chain)
            chain.append(i)
            ends[i] = chain
        for chain in chains:
            if len(chain) >= 3:
                self._sub_chain(lines, chain, counts)
            for before, i in itertools.pairwise(chain):
                first, second = lines[before], lines[i]
                key = (first, second)
                if key in self._pairs:
                    hit = self._pairs[key]
                else:
                    hit = self._across_pair(first, second)
                    if len(self._pairs) >= 4096:  # bounded: unique lines do not grow the memory
                        self._pairs.clear()
                    self._pairs[key] = hit
                if hit is not None:
                    lines[before], lines[i] = hit[0], hit[1]
                    counts.update(hit[2])
        self._sub_packed(lines, sources, counts)

    def _sub_packed(self, lines: MutableSequence[str], sources: Sequence[str | None], counts: Counter[str]) -> None:
        """A known value cut between two lines of a dump written packed (« …2031352F3031 » then « 2F31393830… »), or cut
        inside a byte (« …31393939393 » then « 9390303136… »): the hex digits that end a line (:func:`_packed_end`) read
        with those that start the next line of its source (:data:`~testbench.traces.redact_rules.PACKED_HEAD`), other
        sources' lines between skipped, and a value across the break masked on both lines. Most lines end with no hex
        digit: a test of their last character leaves them out."""
        ends = [
            i
            for i, text in enumerate(lines)
            if (text[-1:] in _HEX_SET and text[-_PACKED_MIN : 1 - _PACKED_MIN] in _HEX_SET) or text[-1:] in _BLANKS
        ]
        self._sub_packed_chains(lines, sources, ends, counts)
        for i in ends:
            source = sources[i]
            if source is None or (at := _packed_end(lines[i])) is None:
                continue
            for j in range(i + 1, min(len(lines), i + 1 + _OTHER_LINES_BETWEEN)):
                if sources[j] == source:
                    self._packed_pair(lines, (i, at), j, counts)
                    break

    def _sub_packed_chains(
        self, lines: MutableSequence[str], sources: Sequence[str | None], ends: Sequence[int], counts: Counter[str]
    ) -> None:
        """A known value a packed dump cuts over three lines or more (a dump of 4 or 8 bytes a line): the chain of lines
        whose packed digits run on (every line but the first and the last holds bytes alone after its head) is read
        whole, and a value that crosses two breaks or more is masked on every line it spans (the pairs are
        :meth:`_packed_pair`'s)."""
        chains: list[list[tuple[int, int, int]]] = []  # each line of a chain: (index, where its digits start, end)
        ends_at: dict[int, list[tuple[int, int, int]]] = {}
        for i in ends:
            source = sources[i]
            if source is None or (at := _packed_end(lines[i])) is None:
                continue
            for j in range(i + 1, min(len(lines), i + 1 + _OTHER_LINES_BETWEEN)):
                if sources[j] != source:
                    continue
                head = PACKED_HEAD.match(lines[j])
                if head is not None:
                    chain = ends_at.pop(i, None)
                    if chain is None:
                        chain = [(i, at, len(lines[i].rstrip()))]
                        chains.append(chain)
                    chain.append((j, head.start("hex"), head.end("hex")))
                    if head.end("hex") == len(lines[j].rstrip()):  # bytes alone: the value may run on
                        ends_at[j] = chain
                break
        for chain in chains:
            if len(chain) >= 3:
                self._packed_chain(lines, chain, counts)

    def _packed_chain(
        self, lines: MutableSequence[str], chain: list[tuple[int, int, int]], counts: Counter[str]
    ) -> None:
        """:meth:`_sub_packed_chains` on one chain, its digits read whole bytes from the first line's run on."""
        if self._across is None:
            self._across = _AcrossSearch(self._known, self._kinds)
        digits = [lines[i][start:end] for i, start, end in chain]
        if any(len(d) % 2 for d in digits):
            return  # cut inside a byte over three lines: left to the pairs
        joined = "".join(digits)
        offsets = list(itertools.accumulate((len(d) // 2 for d in digits), initial=0))
        hits = self._across.hits(bytes.fromhex(joined), offsets[1:-1], least=2, bcd=not joined.isdigit())
        pieces: dict[int, list[tuple[int, int, str]]] = {}
        for start, end, kind in hits:
            counts[kind] += 1
            for n in range(len(chain)):
                lo, hi = max(start, offsets[n]) - offsets[n], min(end, offsets[n + 1]) - offsets[n]
                if lo < hi:
                    pieces.setdefault(n, []).append((lo, hi, kind))
        for n, found in pieces.items():
            i, at, _ = chain[n]
            text = lines[i]
            for lo, hi, kind in reversed(found):
                before, after = text[: at + 2 * lo], text[at + 2 * hi :]
                text = (
                    before
                    + (" " if before[-1:].isalnum() else "")
                    + marker(kind, hi - lo, self._t)
                    + (" " if after[:1].isalnum() else "")
                    + after
                )
            lines[i] = text

    def _packed_pair(self, lines: MutableSequence[str], before: tuple[int, int], i: int, counts: Counter[str]) -> None:
        """:meth:`_sub_packed` on one line that ends with packed digits (``before``: its index, where they start) and
        the next line of its source, ``lines[i]``."""
        head = PACKED_HEAD.match(lines[i])
        if head is None:
            return
        if self._across is None:
            self._across = _AcrossSearch(self._known, self._kinds)
        n, at = before
        first = lines[n].rstrip()
        tail, digits = first[at:], head.group("hex")
        joined, cut = tail + digits, len(tail)
        whole = at == 0 or first[at - 1] not in _HEX_SET  # the tail's first digit starts a byte
        decimal = joined.isdigit()  # a number in BCD is the text rules' (a known number a message's break cut)
        for shift in (0, 1):
            usable = (len(joined) - shift) // 2 * 2
            data = bytes.fromhex(joined[shift : shift + usable])
            k, odd = divmod(cut - shift, 2)
            cuts = [c for c in ((k, k + 1) if odd else (k,)) if 0 < c < len(data)]
            least = 1 if shift == 0 and whole else _GLUED_MIN  # at the other alignment, no evidence in a few bytes
            hits = [
                h
                for h in (self._across.hits(data, cuts, bcd=not decimal) if cuts else ())
                if h[1] - h[0] >= least and not (decimal and data[h[0] : h[1]] in self._bcd)
            ]
            if not hits:
                continue
            start, end, kind = hits[0]
            lo, hi = shift + 2 * start, shift + 2 * end
            if not lo < cut < hi:
                continue
            counts[kind] += 1
            kept = first[: at + lo]
            lines[n] = kept + (" " if kept[-1:].isalnum() else "") + marker(kind, (cut - lo + 1) // 2, self._t)
            text, stop = lines[i], head.start("hex") + hi - cut
            rest = text[stop:]
            lines[i] = (
                text[: head.start("hex")]
                + marker(kind, (hi - cut + 1) // 2, self._t)
                + (" " if rest[:1].isalnum() else "")
                + rest
            )
            return
        if whole and cut % 2 == 0:  # no value across: a known name glued to the next line's letters is none either
            start = self._across.name_then_letters(bytes.fromhex(joined[: len(joined) // 2 * 2]), cut // 2)
            if start is not None:
                lines[n] = first[: at + 2 * start] + keep_piece(first[at + 2 * start :])

    def _sub_wrapped(self, lines: MutableSequence[str], sources: Sequence[str | None], counts: Counter[str]) -> None:
        """A base64 token wrapped over lines of one source (MIME's 76 columns, PEM's 64, or fewer:
        testbench.traces.redact_rules.wrapped_b64) whose joined bytes hold a known value: every piece masked (each line
        alone holds a piece of the bytes, or of the value, that no search of one line finds), one counted a kind."""
        assert self._pattern is not None
        # the lines a wrapped token may start on: 16 of its characters at their end (most lines end with a word, a
        # number, a bracket); then the next lines of its source (other sources' lines between skipped), while they
        # end so too, and one more (its last piece)
        ends = _TOKEN_END.search
        starts = [
            i
            for i, (text, source) in enumerate(zip(lines, sources, strict=True))
            if source is not None and (" " not in text[-16:] or text[-1:] == " ") and ends(text, max(0, len(text) - 24))
        ]
        pending, after = set(starts), 0
        for i in starts:
            if i < after:  # a line of a chain already read
                continue
            source, chain, j = sources[i], [i], i + 1
            while j < len(lines) and j - chain[-1] <= _OTHER_LINES_BETWEEN:
                if sources[j] == source:
                    chain.append(j)
                    if j not in pending:
                        break
                j += 1
            after = chain[-1]
            if len(chain) < 2:
                continue
            texts = [lines[n] for n in chain]
            for pieces in wrapped_b64(texts):
                data = b64_bytes("".join(texts[n][start:end] for n, start, end in pieces))
                kinds = {str(m.lastgroup) for m in self._pattern.finditer(data)} if data else set()
                if not kinds:
                    continue
                counts.update(kinds)
                for n, start, end in pieces:
                    size = len(texts[n][start:end].rstrip("=")) * 3 // 4
                    lines[chain[n]] = texts[n][:start] + marker("base64", size, self._t) + texts[n][end:]

    @staticmethod
    def _before(lines: Sequence[str], sources: Sequence[str | None], i: int) -> int:
        """The line of ``i``'s source before it that a dump's line ``i`` continues: other sources' lines and, at most
        :data:`_STAMPS_BETWEEN` of its own, timestamps alone, skipped; -1 when there is none."""
        source, before, stamps = sources[i], i - 1, 0
        while before >= 0:
            if sources[before] == source:
                if stamps >= _STAMPS_BETWEEN or not STAMP_LINE.fullmatch(lines[before] + " "):
                    return before
                stamps += 1
            before -= 1
        return -1

    def _sub_chain(self, lines: MutableSequence[str], chain: Sequence[int], counts: Counter[str]) -> None:
        """Mask the known values that cross two breaks or more of ``chain`` (the indexes of a dump's lines, each
        continuing the one before): the first line's last bytes, every byte of the lines wholly inside the value, the
        last line's first bytes. The values that cross one break are :meth:`_across_pair`'s."""
        if self._across is None:
            self._across = _AcrossSearch(self._known, self._kinds)
        segment: list[tuple[int, DumpSpan]] = []
        for n, i in enumerate(chain):
            head = continued_head(lines[i]) if n else None
            tail = dump_tail(lines[i])
            if segment and head is not None:
                segment.append((i, head))
                # a line whose head holds all its bytes (a short line) lets a value run on into the next one
                if tail is not None and head[0] == tail[0] and head[2] == tail[2]:
                    continue
            if len(segment) >= 3:
                self._sub_segment(lines, segment, counts)
            segment = [(i, tail)] if tail is not None else []
        if len(segment) >= 3:
            self._sub_segment(lines, segment, counts)

    def _sub_segment(
        self, lines: MutableSequence[str], segment: list[tuple[int, DumpSpan]], counts: Counter[str]
    ) -> None:
        """:meth:`_sub_chain` on one run of lines whose bytes follow on (``segment``: each line and its span)."""
        assert self._across is not None
        data = b"".join(span[2] for _, span in segment)
        offsets = [0]
        for _, span in segment:
            offsets.append(offsets[-1] + len(span[2]))
        hits = self._across.hits(data, offsets[1:-1], least=2)
        touched: set[int] = set()
        for start, end, kind in hits:
            parts = [n for n in range(len(segment)) if offsets[n] < end and start < offsets[n + 1]]
            if touched & set(parts):  # a line another value already cut: its text moved (rare; left to the pairs)
                continue
            touched |= set(parts)
            counts[kind] += 1
            for n in parts:
                i, span = segment[n]
                lo, hi = max(start, offsets[n]) - offsets[n], min(end, offsets[n + 1]) - offsets[n]
                spans = span_bytes(lines[i], span)
                lines[i] = _mask_cut_piece(
                    lines[i], spans[lo:hi], span[3], span[2][lo:hi], kind, self._t, at_end=n == parts[0]
                )

    def _across_pair(self, first: str, second: str) -> tuple[str, str, Counter[str]] | None:
        """``first`` and ``second`` with the known values the break between them cut masked, and their count; None
        when there is none (most pairs: ``second`` is no dump line)."""
        head = continued_head(second)
        if head is None:
            return None
        tail = dump_tail(first)
        if tail is None:
            return None
        if self._across is None:
            self._across = _AcrossSearch(self._known, self._kinds)
        cut = len(tail[2])
        data = tail[2] + head[2]
        hits = self._across.hits(data, cut)
        if not hits:  # most pairs: the bytes' positions in the text are never needed
            start = self._across.name_then_letters(data, cut)
            if start is None:
                return None
            return _keep_cut_piece(first, span_bytes(first, tail)[start:], tail[3], data[start:cut]), second, Counter()
        counts: Counter[str] = Counter()
        tail_bytes, head_bytes = span_bytes(first, tail), span_bytes(second, head)
        for start, end, kind in hits:  # one at most: every hit holds the bytes each side of the break
            counts[kind] += 1
            piece, rest = data[start:cut], data[cut:end]
            first = _mask_cut_piece(first, tail_bytes[start:cut], tail[3], piece, kind, self._t, at_end=True)
            second = _mask_cut_piece(second, head_bytes[: end - cut], head[3], rest, kind, self._t, at_end=False)
        return first, second, counts

    def _base64(self, token: str, counts: Counter[str], fixed: bool = False) -> str:
        data = b64_bytes(token)
        if data is None or len(data) < self._shortest:
            return token
        assert self._pattern is not None
        kinds = {str(hit.lastgroup) for hit in self._pattern.finditer(data)}
        if not kinds:
            return token
        counts.update(kinds)
        return same_width_mask(token) if fixed else marker("base64", len(data), self._t)



_HEX_SET = frozenset("0123456789abcdefABCDEF")
_BLANKS = frozenset(" \t\r")
#: the digits a line's packed end is read in (64 bytes: a whole dump line of 16 or 32), and the fewest it holds
_PACKED_SIDE = 128
_PACKED_MIN = 8
_PACKED_END = re.compile(r"[0-9A-Fa-f]+\Z")
_PACKED_LAST = re.compile(rf"[0-9A-Fa-f]{{{_PACKED_MIN}}}")


def _packed_end(text: str) -> int | None:
    """Where the packed hex digits that end ``text`` start (its last :data:`_PACKED_SIDE`, eight at least, standing
    apart from a word), else None."""
    if not text or text[-1] not in _HEX_SET:
        if not text or text[-1] not in " \t\r":
            return None
        text = text.rstrip()
        if not text or text[-1] not in _HEX_SET:
            return None
    if len(text) < _PACKED_MIN or not _PACKED_LAST.fullmatch(text, len(text) - _PACKED_MIN):
        return None  # most lines that end with a digit end with a number, a word or an amount (« 14.00 »)
    window = max(0, len(text) - _PACKED_SIDE)
    found = _PACKED_END.search(text, window)
    if found is None or found.end() - found.start() < _PACKED_MIN:
        return None
    start = found.start()
    if start > window and text[start - 1].isalnum():
        return None  # glued to a word (« FACT000123456789 »): an identifier, not a dump's bytes
    return start


def _mask_column_edges(text: str, edges: list[tuple[str, str]], mask: Callable[[str], str]) -> str:
    """A dump line whose bytes were cut inside a name (:class:`_FieldSearch`): the same piece at the edge of its
    column of characters (« |..e...PROTO..ROG| », then « |ER..| »), masked too (counted once, with its bytes)."""
    found = _COLUMN_BARS.search(text) if text.rstrip().endswith("|") else _COLUMN_GAP.search(text)
    if found is None:
        return text
    col, start, end = found.group("col"), found.start("col"), found.end("col")
    for edge, piece in edges:
        if not piece.isascii() or not piece.isprintable():
            continue
        if edge == "end" and col.endswith(piece):
            col = col[: len(col) - len(piece)] + mask(piece)
        elif edge == "start" and col.startswith(piece):
            col = mask(piece) + col[len(piece) :]
    return text[:start] + col + text[end:]


# ------------------------------------------------------------------------------ across a dump's line break

# An application that dumps a card's answer 16 bytes a line cuts a value anywhere: a NIR's digits, a birth date, a
# name, part on one line and the rest on the next; each line alone holds a piece no search of one line can take for
# the value. The bytes that end a line's area of bytes and those that start the next line of the same source (a dump's
# continuation: testbench.traces.redact_rules.continued_head) are read together, and a known value across the break is
# masked on both lines; a value cut over three lines or more (a dump of fewer bytes a line than the value holds) on the
# chain of the dump's lines (:meth:`EncodedValues._sub_chain`).
#: the fewest letters of a known name looked for across a break: a piece of a two-letter name on each side of a break
#: is no evidence (any two bytes may read so)
_ACROSS_NAME_LETTERS = 3
#: a line that ends with a piece of a wrapped base64 token (testbench.traces.redact_rules.wrapped_b64: 16 characters
#: at least), and the lines of other sources a wrap may have between two of its lines (captures interleave)
_TOKEN_END = re.compile(r"[A-Za-z0-9+/_-]{16}[ \t\r]*\Z")
_OTHER_LINES_BETWEEN = 16
#: the lines of a dump's own source that hold a timestamp alone, skipped between two of its lines
_STAMPS_BETWEEN = 2
#: a byte of a word's letters (Latin-1): a name glued to the next line's one goes on into another word
_WORD_BYTE = re.compile(rb"[A-Za-z]")  # not Latin-1's capitals: a card's tags C1, C2, C3 read so


class _AcrossSearch:
    """The known values in the joined bytes of two dump lines: as :func:`_known_pattern` spells them (names of
    :data:`_ACROSS_NAME_LETTERS` letters or more), a name as a card field holds it (after its length byte, whatever
    follows: :class:`_FieldSearch`), and the known numbers in BCD — a NIR packed two digits a byte, whose hex is its
    digits (« 18 00 19 99 99 00 16 8F »: on one line the text rule finds it, its digits read with spaces between)."""

    def __init__(self, known: KnownValues, kinds: frozenset[str]) -> None:
        names = {n for n in known.names if sum(c.isalpha() for c in n) >= _ACROSS_NAME_LETTERS}
        numbers = {kind: set(values) for kind, values in known.numbers.items() if kind in kinds and values}
        self._pattern = _known_pattern(KnownValues(names, set(known.birth_dates), numbers), kinds)
        self._fields = _FieldSearch(names).whole if "name" in kinds and _field_spellings(names) else None
        groups = [
            f"(?P<{kind}>" + "|".join(sorted((re.escape(v.lower()) for v in values), key=len, reverse=True)) + ")"
            for kind, values in numbers.items()
        ]
        self._bcd = re.compile("|".join(groups)) if groups else None
        # the bytes a value's spelling may hold (any case: a name of several words is found so; the separators between
        # its words): both bytes each side of a break must be among them, or no value holds them — most breaks of a
        # dump of binary data are passed over without the long search
        texts = {*names, *(s for d in known.birth_dates for s in date_spellings(d))}
        texts |= {v for values in numbers.values() for v in values}
        forms = {f for text in texts for f in (text, text.upper(), text.lower(), ascii_spelling(text))}
        self._bytes = frozenset(
            b
            for form in forms
            for encoding in _FAMILIES
            for b in form.encode(encoding, "ignore")
        ) | frozenset(b" \t\n\r\x0b\x0c'-,")
        self._bytes |= frozenset(b"".join(bcd for d in known.birth_dates for bcd in bcd_dates(d)))  # in BCD too

    def hits(
        self, data: bytes, cut: int | Sequence[int], least: int = 1, *, bcd: bool = True
    ) -> list[tuple[int, int, str]]:
        """(start, end, kind) of the known values in ``data`` that cross ``least`` or more of the ``cut`` offsets (the
        line breaks: a value starts before one and ends after it), in order, none overlapping; ``bcd``: the known
        numbers in BCD too."""
        cuts = (cut,) if isinstance(cut, int) else tuple(cut)
        found: list[tuple[int, int, str]] = []
        if any(data[c - 1] in self._bytes and data[c] in self._bytes for c in cuts):
            if self._pattern is not None:
                found += [(m.start(), m.end(), str(m.lastgroup)) for m in self._pattern.finditer(data)]
            if self._fields is not None:
                found += [(m.start(), m.end(), "name") for m in self._fields.finditer(data)]
        if self._bcd is not None and bcd:  # a digit's nibble: the bytes it stands in
            found += [(m.start() // 2, (m.end() + 1) // 2, str(m.lastgroup)) for m in self._bcd.finditer(data.hex())]
        crossing = (h for h in found if sum(h[0] < c < h[1] for c in cuts) >= least)
        kept: list[tuple[int, int, str]] = []
        for hit in sorted(crossing, key=lambda h: (h[0], -h[1])):
            if not kept or hit[0] >= kept[-1][1]:
                kept.append(hit)
        return kept

    def name_then_letters(self, data: bytes, cut: int) -> int | None:
        """Where a known name starts that ends ``data[:cut]`` (a dump line's bytes) when the next line's bytes go on
        with its word (« ESSAI » then « S »: ESSAIS, no name; one line's own redaction would take it for the name), else
        None."""
        if self._pattern is None or cut >= len(data) or not _WORD_BYTE.match(data, cut):
            return None
        ends = [m.start() for m in self._pattern.finditer(data[:cut]) if m.lastgroup == "name" and m.end() == cut]
        if not ends or not _WORD_BYTE.match(data, cut - 1) or (ends[0] and data[ends[0] - 1] == cut - ends[0]):
            return None  # no name, or one a card's field holds (after its length byte): whatever follows is a tag
        return ends[0]


def _keep_cut_piece(line: str, spans: DumpBytes, area_end: int, piece: bytes) -> str:
    """``line`` with the bytes of ``spans`` (the end of its area of bytes, ``piece``), and the same piece at the end of
    its column of characters, kept out of the later rules (redact_rules.keep_piece)."""
    start, stop = spans[0][1], spans[-1][2]
    line = line[:start] + keep_piece(line[start:stop]) + line[stop:]
    chars, rest = _dump_chars(piece), line[area_end:].rstrip()
    column_end = len(rest) - (1 if rest.endswith("|") else 0)
    if rest.strip() and rest[:column_end].endswith(chars):
        at = area_end + column_end - len(chars)
        line = line[:at] + keep_piece(chars) + line[at + len(chars) :]
    return line


def _dump_chars(data: bytes) -> str:
    """``data`` as a dump's column of characters shows it (``hexdump -C``, ``xxd``: a dot for a byte not printable)."""
    return "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in data)


def _mask_cut_piece(
    line: str, spans: DumpBytes, area_end: int, piece: bytes, kind: str, t: Translate, *, at_end: bool
) -> str:
    """``line`` with the bytes of ``spans`` (the piece of a value a break cut, ``piece``) replaced by their marker,
    and the same piece at the edge of its column of characters (after ``area_end``, its area of bytes: the end of
    the column for a piece that ends the line's bytes, ``at_end``, else its start) by the value's marker."""
    before, after = line[: spans[0][1]], line[spans[-1][2] :]
    # a group of ``xxd`` cut by the value (« 0545 »): its other byte stays apart from the marker
    masked = (
        before
        + (" " if before[-1:].isalnum() else "")
        + marker(kind, len(spans), t)
        + (" " if after[:1].isalnum() else "")
        + after
    )
    chars = _dump_chars(piece)
    rest = line[area_end:]
    if not rest.strip() or not any(c.isalnum() for c in chars):
        return masked
    column = rest.strip()
    if column.startswith("|") and column.endswith("|") and len(column) >= 2:
        column = column[1:-1]
    if not (column.endswith(chars) if at_end else column.startswith(chars)):
        return masked
    # the column is the line's end, which the replacement before it did not move
    stop = len(masked) - (len(rest) - len(rest.rstrip())) - (1 if rest.rstrip().endswith("|") else 0)
    start = stop - len(column)
    at = stop - len(chars) if at_end else start
    return masked[:at] + MARKERS[kind] + masked[at + len(chars) :]
