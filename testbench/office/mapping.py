"""The mapping file (TOML, ``format = "testbench-mapping/1"``, ours: docs/office-import.md).

It says where a document's cases are (sheet, Word table or CSV dialect; header and first data rows), which
column holds which field of a case, how a cell splits into steps and expectations, how values convert
(« 12,50 € », « 01/02/2026 », « Oui »), the casebook's identity and fixtures, and which columns the
export of results fills. Loading checks everything and places each problem at ``mapping.toml:LINE:COL``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testbench.casebook.source import SourceText
from testbench.casebook.xsd_messages import ATTRIBUTE_DID_YOU_MEAN
from testbench.domain.vocabulary import ACTIONS, OBSERVATION_PATHS, known_path
from testbench.fmt import os_reason
from testbench.i18n import _t
from testbench.office.problems import OfficeError, Problem
from testbench.tomlfile import KeyPath, TomlSyntaxError, parse_toml, path_problem, place, read_config

FORMAT = "testbench-mapping/1"

#: Fields of a case read from its first row.
CASE_FIELDS = ("id", "title", "objective", "comment", "domain", "mode", "tags", "requirements", "cards")
#: Fields read from every row of a case (continuation rows add to them).
MULTI_FIELDS = ("steps", "expected", "refusal")
#: Attributes of the case's ``invoice`` step (first row that gives them).
INVOICE_FIELDS = ("patient", "prescription", "care-date", "tiers-payant", "amc", "amc-cap")
#: Attributes of an invoice ``<line>``: one line per row that gives a ``code``.
LINE_FIELDS = (
    "nomenclature",
    "code",
    "quantity",
    "coefficient",
    "unit-price",
    "tariff",
    "plv",
    "line-date",
    "ald",
    "exo",
)
FIELDS = CASE_FIELDS + MULTI_FIELDS + INVOICE_FIELDS + LINE_FIELDS
#: Fields a mapping must give a column for.
REQUIRED_COLUMNS = ("id", "title", "steps")
#: Attributes every invoice ``<line>`` must have (casebook-1.xsd): once ``code`` is mapped, each needs a column
#: or a [defaults] value, else every invoice case would be refused one by one by the casebook's schema
REQUIRED_LINE_FIELDS = ("nomenclature", "quantity", "unit-price")
_NO_LINE_FIELD = _t(
    "champ « {field} » ni dans [columns] ni dans [defaults] : chaque ligne de facture (champ code) en demande un"
)
#: The casebook's ``<identity>`` children, all required.
IDENTITY_FIELDS = (
    "plan-id",
    "evolution",
    "document-version",
    "effective-date",
    "cdc-version",
    "addendum",
    "ps-category",
    "title",
)
#: Columns the export of results fills (``[results]``).
RESULT_FIELDS = ("verdict", "observed", "evidence")
#: A result column that a [columns] field reads or another result key names (the export checks the columns
#: the document resolves too)
RESULT_CLASH = _t("colonne « {column} » de [results] ({key}) déjà occupée par {field} : le résultat l'écraserait")
EXPECT_TYPES = ("decimal", "integer", "string", "date", "boolean")

_TOP = (
    "format",
    "source",
    "identity",
    "fixtures",
    "columns",
    "defaults",
    "split",
    "steps",
    "expected",
    "values",
    "results",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what a casebook (XML) cannot hold
_PARAM_NAME = re.compile(r"[a-z][a-z0-9-]{0,40}")
_LETTER = re.compile(r"[A-Z]{1,3}")
_CELL = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
#: After a word of the mapping that is none of those known: the closest one (``read-cps`` for ``read-cp``), else
#: the list, worded as the casebook words a misspelt attribute
_DID_YOU_MEAN = ATTRIBUTE_DID_YOU_MEAN
DID_YOU_MEAN = _DID_YOU_MEAN  # the importer offers a cell's closest step phrase in the same words
_UNKNOWN_FIELD = "champ inconnu « {value} » {hint}"
_UNKNOWN_KEY = "clé inconnue « {value} » {hint}"
_KEYS = "(clés : {known})"
#: Keys of [values]: yes/no words, date formats, and synonyms of a field or a card slot
_VALUE_KEYS = ("true", "false", "date-formats", "slot", *FIELDS)
#: Observation paths a label of ``[expected]`` may name, ``[i]`` being the row's invoice line
_EXACT_PATHS = tuple(p for p in OBSERVATION_PATHS if not p.endswith(".*"))


@dataclass(frozen=True)
class SourceSpec:
    """Where the cases are: a sheet (XLSX/ODS, by name; None = the first), a Word table (1-based), a CSV dialect."""

    sheet: str | None = None
    table: int = 1
    delimiter: str = ";"
    encoding: str = "utf-8-sig"
    header_row: int = 1
    first_data_row: int = 2


@dataclass(frozen=True)
class ResultColumns:
    """Columns of the export of results (header text or letter; the export adds missing headers)."""

    verdict: str | None = None
    observed: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class CellRef:
    """An identity value read from one cell of the sheet (``B2``)."""

    column: int  # 1-based
    row: int  # 1-based
    text: str  # as written in the mapping


@dataclass(frozen=True)
class StepSpec:
    """What one phrase of a steps cell becomes: an action and its fixed parameters."""

    action: str
    params: tuple[tuple[str, str], ...] = ()
    phrase: str = field(default="", compare=False)  # as the mapping writes it: offered for a cell's typo


@dataclass(frozen=True)
class ExpectSpec:
    """What one label of an expected-values cell becomes: an observation path (``[i]`` = the row's line) and a type."""

    path: str
    type: str = "string"


@dataclass(frozen=True)
class Conversions:
    """How cell texts convert: booleans, dates and synonyms of domains, modes, slots and more (keys casefolded)."""

    true_words: frozenset[str] = frozenset({"oui", "o", "x", "vrai", "true", "yes", "1"})
    false_words: frozenset[str] = frozenset({"non", "n", "faux", "false", "no", "0"})
    date_formats: tuple[str, ...] = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d")
    synonyms: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> casefolded text -> value
    #: field -> value -> the sheet's first word for it, as the mapping writes it (« AMO + AMC » for amo+amc)
    words: dict[str, dict[str, str]] = field(default_factory=dict)

    def synonym(self, name: str, text: str) -> str:
        """``text`` through the synonyms of field ``name`` (unchanged when none applies)."""
        return self.synonyms.get(name, {}).get(folded(text), text.strip())


@dataclass(frozen=True)
class Mapping:
    """A loaded, checked mapping file."""

    path: Path
    source: SourceSpec
    columns: dict[str, str]  # field -> header text as written, or a column letter
    results: ResultColumns
    identity: dict[str, str | CellRef] = field(default_factory=dict)
    fixtures: Path | None = None
    defaults: dict[str, str] = field(default_factory=dict)
    separators: tuple[str, ...] = ("\n",)
    steps: dict[str, StepSpec] = field(default_factory=dict)  # casefolded phrase -> step
    expected: dict[str, ExpectSpec] = field(default_factory=dict)  # casefolded label -> path and type
    conversions: Conversions = field(default_factory=Conversions)
    identity_places: dict[str, str] = field(default_factory=dict)  # identity key -> ``mapping.toml:LINE:COL``
    result_places: dict[str, str] = field(default_factory=dict)  # [results] key -> ``mapping.toml:LINE:COL``


def is_letter(spec: str) -> bool:
    """A column given by letter (``D``) rather than by header text."""
    return bool(_LETTER.fullmatch(spec))


def column_index(letters: str) -> int:
    """``A`` -> 1, ``AA`` -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(index: int) -> str:
    """1 -> ``A``, 27 -> ``AA``."""
    out = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def same_column(spec: str) -> str:
    """A column spec as compared with another (spaces collapsed, case aside): equal specs name the same column."""
    return folded(spec)


def folded(text: str) -> str:
    """A word of the sheet as compared with the mapping's: case aside, spaces collapsed — a non-breaking space
    (pasted from a PDF, put by a word processor) is a space, an invisible format character (a zero-width space
    pasted from a web page) nothing: « Lecture CPS » with one was an unknown step, said in words that showed no
    difference."""
    if not text.isascii():
        text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(text.split()).casefold()


def closest(word: str, known: list[str] | tuple[str, ...]) -> str | None:
    """The known word ``word`` most likely misspells: among the close ones, the one sharing its longest start
    (« Facturation » is « Facturer » misspelt, not « Sécurisation », which shares more letters but not its start)."""
    near = difflib.get_close_matches(word, known, n=3)

    def start(other: str) -> int:
        shared = min(len(word), len(other))
        return next((i for i, (a, b) in enumerate(zip(word, other, strict=False)) if a != b), shared)

    return max(near, key=start, default=None)


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; raise :class:`OfficeError` listing every problem (placed ``file:line:col``)."""
    path = Path(path)
    try:
        raw = read_config(path)
        raw_text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise OfficeError([_unreadable(path, exc)]) from None
    except UnicodeDecodeError:  # placed on its first bad byte, as a plan's or a profile's is
        bom, where = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0, str(path)
        try:
            raw[bom:].decode("utf-8")
        except UnicodeDecodeError as exc:
            at = SourceText(str(path), raw).ref_at(bom + exc.start)
            where = f"{path}:{at.line}:{at.col}"
        raise OfficeError([Problem.of(where, "fichier de correspondance illisible : il n'est pas en UTF-8")]) from None
    try:
        data = parse_toml(raw_text)
    except TomlSyntaxError as exc:
        said, params = exc.said()

        def worded(t: Callable[[str], str]) -> str:
            return t(said).format(**{k: t(v) for k, v in params.items()})

        raise OfficeError([Problem.worded(f"{path}:{exc.line}:{exc.col}", worded)]) from None
    reader = _Reader(path, raw_text)
    mapping = reader.read(data)
    if reader.problems:
        raise OfficeError(reader.problems)
    assert mapping is not None
    return mapping


def _unreadable(path: Path, exc: OSError) -> Problem:
    return Problem.worded(
        path, lambda t: t("fichier de correspondance illisible : {reason}").format(reason=os_reason(exc, t))
    )


class _Reader:
    """Builds a :class:`Mapping` from parsed TOML, collecting every problem with the line and column of its key."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.toml = text  # the file as written, where keys are placed
        self.problems: list[Problem] = []
        self.section: str | None = None  # the table being read: a key is looked for in it

    def place(self, where: str | KeyPath, *, on_key: bool = False) -> str:
        """``file:line:col`` of ``where`` (a key of the table being read, or a whole key path): its value, or
        with ``on_key`` its key; the nearest table that holds it when it is not written; else the file."""
        path = where if isinstance(where, tuple) else ((self.section, where) if self.section else (where,))
        found = place(self.toml, path, key=on_key)
        return f"{self.path}:{found[0]}:{found[1]}" if found else str(self.path)

    def problem(self, where: str | KeyPath, template: str, /, *, on_key: bool = False, **fields: object) -> None:
        self.problems.append(Problem.of(self.place(where, on_key=on_key), template, **fields))

    def unknown(
        self,
        where: str | KeyPath,
        template: str,
        value: str,
        known: tuple[str, ...],
        listed: str,
        /,
        *,
        on_key: bool = False,
        **fields: object,
    ) -> None:
        """``value`` is none of ``known``: ``template`` names it, then ``{hint}`` gives the closest known word
        (a typo), else the list (``listed``, a template of ``{known}``)."""
        near = closest(value, known)

        def said(t: Callable[[str], str]) -> str:
            hint = t(_DID_YOU_MEAN).format(name=near) if near else t(listed).format(known=", ".join(known))
            return t(template).format(value=value, hint=hint, **fields)

        self.problems.append(Problem.worded(self.place(where, on_key=on_key), said))

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        self.section = None
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(key, "« {key} » doit être une table TOML ([{key}])", key=key)
            return {}
        self.section = key
        return value

    def text(self, key: str, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or _CONTROL.search(str(value)):
            self.problem(key, "« {key} » doit être un texte", key=key)
            return None
        return str(value)

    def read(self, data: dict[str, Any]) -> Mapping | None:
        if data.get("format") != FORMAT:
            self.problem("format", "format attendu « {expected} »", expected=FORMAT)
        misspelt = [key for key in data if key not in _TOP]
        for key in misspelt:
            self.unknown(key, _UNKNOWN_KEY, key, _TOP, _KEYS, on_key=True)
        source = self.source(self.table(data, "source"))
        columns = self.columns(self.table(data, "columns"))
        results = self.results(self.table(data, "results"), columns)
        result_places = {key: self.place(key) for key in RESULT_FIELDS if getattr(results, key)}
        said = any(closest(key, _TOP) == "identity" for key in misspelt)
        identity = self.identity(self.table(data, "identity"), absent="identity" not in data, said=said)
        identity_places = {key: self.place(key) for key in identity}
        defaults = self.defaults(self.table(data, "defaults"))
        self.section = None
        fixtures = self.fixtures(data.get("fixtures"))
        separators = self.separators(self.table(data, "split"))
        steps = self.steps(self.table(data, "steps"))
        expected = self.expected(self.table(data, "expected"))
        conversions = self.conversions(self.table(data, "values"))
        self.section = None
        for name in REQUIRED_COLUMNS:
            if name not in columns:
                self.problem("columns", "colonne obligatoire absente de [columns] : « {field} »", field=name)
        if "code" in columns:
            for name in REQUIRED_LINE_FIELDS:
                if name not in columns and not defaults.get(name, "").strip():
                    self.problem("columns", _NO_LINE_FIELD, field=name)
        return Mapping(
            path=self.path,
            source=source,
            columns=columns,
            results=results,
            identity=identity,
            fixtures=fixtures,
            defaults=defaults,
            separators=separators,
            steps=steps,
            expected=expected,
            conversions=conversions,
            identity_places=identity_places,
            result_places=result_places,
        )

    def positive(self, key: str, value: Any, default: int) -> int:
        if value is None:
            return default
        if isinstance(value, str):  # « header-row = "4" »: the quotes make it a text
            said = "« {key} » attend un nombre entier, sans guillemets (ici le texte « {value} »)"
            self.problem(key, said, key=key, value=value)
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem(key, "« {key} » doit être un entier positif", key=key)
            return default
        return value

    def source(self, table: dict[str, Any]) -> SourceSpec:
        known = ("sheet", "table", "delimiter", "encoding", "header-row", "first-data-row")
        for key in table:
            if key not in known:
                self.unknown(key, _UNKNOWN_KEY, key, known, _KEYS, on_key=True)
        sheet = table.get("sheet")
        sheet = self.text("sheet", sheet) if sheet is not None else None
        delimiter = self.text("delimiter", table.get("delimiter", ";")) or ";"
        if len(delimiter) != 1:
            self.problem("delimiter", "« delimiter » doit être un seul caractère")
            delimiter = ";"
        encoding = self.text("encoding", table.get("encoding", "utf-8-sig")) or "utf-8-sig"
        try:
            "".encode(encoding)
        except LookupError:
            self.problem("encoding", "encodage inconnu « {encoding} »", encoding=encoding)
            encoding = "utf-8-sig"
        header_row = self.positive("header-row", table.get("header-row"), 1)
        first = self.positive("first-data-row", table.get("first-data-row"), header_row + 1)
        if first <= header_row:
            self.problem("first-data-row", "« first-data-row » doit suivre « header-row »")
        return SourceSpec(
            sheet=sheet,
            table=self.positive("table", table.get("table"), 1),
            delimiter=delimiter,
            encoding=encoding,
            header_row=header_row,
            first_data_row=first,
        )

    def columns(self, table: dict[str, Any]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in table.items():
            if key not in FIELDS:
                self.unknown(key, _UNKNOWN_FIELD, key, FIELDS, "(champs : {known})", on_key=True)
                continue
            text = self.text(key, value)
            if text is not None and text.strip():
                out[key] = text.strip()
        return out

    def results(self, table: dict[str, Any], columns: dict[str, str]) -> ResultColumns:
        """The result columns; one a [columns] field reads, or two keys share, is refused (the export would write
        the results over the case's id, its expected values…)."""
        values: dict[str, str | None] = {}
        for key, value in table.items():
            if key not in RESULT_FIELDS:
                self.unknown(key, _UNKNOWN_KEY, key, RESULT_FIELDS, _KEYS, on_key=True)
                continue
            if not isinstance(value, str):  # ``verdict = 3`` would name a column « 3 »: a header or a letter
                self.problem(key, "« {key} » doit être un texte entre guillemets (en-tête ou lettre)", key=key)
                continue
            values[key] = self.text(key, value)
            if values[key]:
                self.result_clash(key, values[key] or "", columns, values)
        return ResultColumns(**values)

    def result_clash(self, key: str, spec: str, columns: dict[str, str], results: dict[str, str | None]) -> None:
        """``spec`` (the column of result ``key``) is a column of [columns] or of an earlier result key: said."""
        wanted = same_column(spec)
        taken = [name for name, other in columns.items() if same_column(other) == wanted]
        taken += [name for name, other in results.items() if name != key and other and same_column(other) == wanted]
        if taken:
            self.problem(key, RESULT_CLASH, column=spec, key=key, field=taken[0])

    def identity(self, table: dict[str, Any], *, absent: bool = False, said: bool = False) -> dict[str, str | CellRef]:
        """The casebook's identity. No [identity] table at all: said once (not once per field), and not at all
        when a misspelt section (``[identite]``) was already said with « identity » as its closest key."""
        out: dict[str, str | CellRef] = {}
        if absent:
            if not said:
                fields = ", ".join(IDENTITY_FIELDS)
                self.problem("identity", "table [identity] absente : elle déclare {fields}", fields=fields)
            return out
        for key in IDENTITY_FIELDS:
            if key not in table:
                self.problem("identity", "identité : « {key} » manquant", key=key)
        for key, value in table.items():
            if key not in IDENTITY_FIELDS:
                self.unknown(key, _UNKNOWN_KEY, key, IDENTITY_FIELDS, _KEYS, on_key=True)
            elif isinstance(value, dict):
                ref = str(value.get("cell", "")).strip().upper()
                cell = _CELL.fullmatch(ref)
                if set(value) != {"cell"} or not cell:
                    self.problem(key, 'identité : « {key} » attend un texte ou {{ cell = "B2" }}', key=key)
                    continue
                out[key] = CellRef(column=column_index(cell.group(1)), row=int(cell.group(2)), text=ref)
            else:
                text = self.text(key, value)
                if text is not None:
                    out[key] = text
        return out

    def defaults(self, table: dict[str, Any]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in table.items():
            if key not in FIELDS or key == "id":
                known = tuple(name for name in FIELDS if name != "id")
                self.unknown(key, _UNKNOWN_FIELD, key, known, "(champs : {known})", on_key=True)
                continue
            text = self.text(key, value)
            if text is not None:
                out[key] = text
        return out

    def fixtures(self, value: Any) -> Path | None:
        if value is None:
            return None
        found = path_problem(value) if isinstance(value, str) else None
        if found is not None:  # a Windows path between double quotes, its « \t » read as a tab
            hint: str = found

            def hinted(t: Callable[[str], str]) -> str:
                return t("caractère de contrôle dans le chemin ; {hint}").format(hint=t(hint))

            self.problems.append(Problem.worded(self.place("fixtures"), hinted))
            return None
        text = self.text("fixtures", value)
        if text is None:
            return None
        path = self.path.parent / text
        try:
            found_file = path.is_file()
        except OSError as exc:  # a name the system refuses (too long): said here, not as the casebook's write
            error = exc

            def unreadable(t: Callable[[str], str]) -> str:
                return t("fichier de fixtures illisible : {reason}").format(reason=os_reason(error, t))

            self.problems.append(Problem.worded(self.place("fixtures"), unreadable))
            return None
        if not found_file:
            self.problem("fixtures", "fichier de fixtures introuvable : {path}", path=path)
        return path

    def separators(self, table: dict[str, Any]) -> tuple[str, ...]:
        for key in table:
            if key != "separators":
                self.unknown(key, _UNKNOWN_KEY, key, ("separators",), _KEYS, on_key=True)
        value = table.get("separators", ["\n"])
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            self.problem("separators", "« separators » doit être une liste de textes non vides")
            return ("\n",)
        return tuple(value)

    def steps(self, table: dict[str, Any]) -> dict[str, StepSpec]:
        out: dict[str, StepSpec] = {}
        for phrase, value in table.items():
            params: dict[str, Any] = {}
            where: KeyPath = ("steps", phrase)
            if isinstance(value, dict):
                params = dict(value)
                value = params.pop("action", None)
                where = (*where, "action")
            if not all(_PARAM_NAME.fullmatch(str(k)) for k in params):
                self.problem(
                    phrase, "étape « {phrase} » : nom de paramètre invalide (minuscules, chiffres, -)", phrase=phrase
                )
                continue
            if not isinstance(value, str):
                self.problem(
                    where,
                    "étape « {phrase} » : action inconnue (actions : {known})",
                    phrase=phrase,
                    known=", ".join(ACTIONS),
                )
                continue
            if value not in ACTIONS:
                said = "étape « {phrase} » : action inconnue « {value} » {hint}"
                self.unknown(where, said, value, ACTIONS, "(actions : {known})", phrase=phrase)
                continue
            pairs = tuple((str(k), str(v).lower() if isinstance(v, bool) else str(v)) for k, v in params.items())
            out[folded(phrase)] = StepSpec(action=value, params=pairs, phrase=" ".join(phrase.split()))
        return out

    def expected(self, table: dict[str, Any]) -> dict[str, ExpectSpec]:
        out: dict[str, ExpectSpec] = {}
        for label, value in table.items():
            if isinstance(value, str):
                value = {"path": value}
            path = value.get("path") if isinstance(value, dict) else None
            kind = value.get("type", "string") if isinstance(value, dict) else None
            if isinstance(path, str) and path and isinstance(kind, str) and kind not in EXPECT_TYPES:
                said = "valeur attendue « {label} » : type inconnu « {value} » {hint}"
                self.unknown(("expected", label, "type"), said, kind, EXPECT_TYPES, "(types : {known})", label=label)
                continue
            if not isinstance(path, str) or not path or kind not in EXPECT_TYPES:
                self.problem(
                    label,
                    'valeur attendue « {label} » : {{ path = "…", type = "…" }} attendu (types : {types})',
                    label=label,
                    types=", ".join(EXPECT_TYPES),
                )
                continue
            if not known_path(path.replace("[i]", "[0]")):  # a typo here would be blamed on every row using it
                said = "valeur attendue « {label} » : chemin d'observation inconnu « {value} » {hint}"
                listed = "(docs/casebook-format.md, chemins d'observation)"
                self.unknown(("expected", label, "path"), said, path, _EXACT_PATHS, listed, label=label)
                continue
            out[folded(label)] = ExpectSpec(path=path, type=kind)
        return out

    def conversions(self, table: dict[str, Any]) -> Conversions:
        base = Conversions()
        true_words, false_words, formats = base.true_words, base.false_words, base.date_formats
        given: dict[str, list[str]] = {}  # "true"/"false" -> the words as written
        synonyms: dict[str, dict[str, str]] = {}
        words_of: dict[str, dict[str, str]] = {}
        for key, value in table.items():
            if key in ("true", "false"):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    self.problem(key, "« {key} » doit être une liste de textes", key=key)
                    continue
                given[key] = value
                words = frozenset(folded(v) for v in value)
                true_words, false_words = (words, false_words) if key == "true" else (true_words, words)
            elif key == "date-formats":
                if not isinstance(value, list) or not all(isinstance(v, str) and "%" in v for v in value):
                    self.problem(key, "« date-formats » doit être une liste de formats (%d/%m/%Y)")
                    continue
                broken = [form for form in value if not _date_format_works(form)]
                if broken:
                    self.problem(
                        key,
                        "format de date invalide « {form} » : il ne relit pas la date qu'il écrit (ex. %d/%m/%Y)",
                        form=broken[0],
                    )
                    continue
                formats = tuple(value)
            elif key in FIELDS or key == "slot":
                if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                    self.problem(key, "synonymes de « {key} » : une table texte = valeur attendue", key=key)
                    continue
                synonyms[key] = {folded(str(k)): v for k, v in value.items()}
                words_of[key] = {}
                for word, meant in value.items():
                    if str(word).strip():
                        words_of[key].setdefault(meant, str(word).strip())
            else:
                self.unknown(key, _UNKNOWN_KEY, key, _VALUE_KEYS, _KEYS, on_key=True)
        both = true_words & false_words  # such a word read as true: the other list silently lost it
        where = "false" if "false" in given else "true"
        written = [w.strip() for w in given.get(where, []) if folded(w) in both] or sorted(both)
        for word in dict.fromkeys(written):
            self.problem(where, "« {word} » à la fois dans « true » et dans « false »", word=word)
        return Conversions(
            true_words=true_words, false_words=false_words, date_formats=formats, synonyms=synonyms, words=words_of
        )


#: A day, a month and a year no other can be mistaken for: a date format must write it and read it back.
_SAMPLE_DATE = dt.date(2026, 11, 23)


def _date_format_works(form: str) -> bool:
    """Whether ``form`` writes a date that it reads back as the same date (« %Q », « % », « %d/%m » do not)."""
    try:
        written = _SAMPLE_DATE.strftime(form)
        return dt.datetime.strptime(written, form).date() == _SAMPLE_DATE
    except ValueError:
        return False
