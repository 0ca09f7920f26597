"""Manual steps without the workstation: nobody at the keyboard, or attestations prepared in a file.

The runner never blocks on a person by itself: an :class:`~testbench.domain.attestation.Operator`
answers, or says it cannot answer now (the case then stays ``pending`` and ``--resume`` or the TUI
completes it later). The workstation's operator is in :mod:`testbench.tui.operator_prompt`.
"""

from __future__ import annotations

import getpass
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path

from testbench.casebook.model import Case, Step
from testbench.domain.attestation import Attestation
from testbench.domain.observe import MAX_INDEX
from testbench.domain.vocabulary import CALL_ROOTS, OBSERVATION_PATHS, known_path
from testbench.fmt import yes_no
from testbench.i18n import _t
from testbench.tomlfile import read_config

#: where in the file a problem is, before what it is: the reason may itself hold « : » (the catalogue's read-back
#: takes only its last part across them)
PLACED = _t("ligne {line}, colonne {col} : {reason}")
SHAPE = _t("« {key} » : une attestation est un objet (confirmed, values, note) sous une clé « CAS/ÉTAPE »")
UNKNOWN_PATH = _t("« {key} » : chemin d'observation inconnu « {path} » {hint}")
DID_YOU_MEAN = _t("— vouliez-vous dire « {name} » ?")
LISTED = _t("(docs/casebook-format.md, chemins d'observation)")
INDEX_TOO_LARGE = _t("« {key} » : indice trop grand dans « {path} » (de 0 à {largest})")
#: A JSON key path in the file: the attestation's key, then « values » and a value's name
JsonPath = tuple[str, ...]


class AttestationsError(ValueError):
    """A prepared attestations file that cannot be used: ``reason`` (French; the catalogue reads it back in English)
    and where, the JSON's ``line`` and ``col`` (1-based; None for the file as a whole)."""

    def __init__(self, reason: str, line: int | None = None, col: int | None = None) -> None:
        self.reason, self.line, self.col = reason, line, col
        super().__init__(reason if line is None else PLACED.format(line=line, col=col, reason=reason))


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
        text = _read_text(path)
        data = _read_json(text)
        try:
            if not isinstance(data, dict):
                raise _Problem(_t("le fichier doit être un objet JSON dont chaque clé est « CAS/ÉTAPE »"))
            operator = data.pop("operator", getpass.getuser())
            if not isinstance(operator, str):  # « None », « 12 » would sign the report's attestations
                raise _Problem(_t("« operator » est un texte entre guillemets"), ("operator",))
            self._operator = operator
            self._answers = {key: _attestation(key, answer, operator) for key, answer in data.items()}
        except _Problem as problem:
            raise problem.placed(text) from None

    def perform(self, case: Case, step: Step) -> Attestation | None:
        return self._answers.get(f"{case.id}/{step.id}")

    def unknown_keys(self, cases: Iterable[Case]) -> list[str]:
        """The file's keys that name no step of ``cases`` (« DEMO-FSE-03O/m1 »: a typo leaves the case pending
        with nothing said), in the file's order."""
        known = {f"{case.id}/{step.id}" for case in cases for step in case.steps}
        return [key for key in self._answers if key not in known]


class _Problem(Exception):
    """What is wrong with one part of the file (``at``: its JSON key path; ``on_key``: at the key, else its value)."""

    def __init__(self, reason: str, at: JsonPath = (), *, on_key: bool = False) -> None:
        self.reason, self.at, self.on_key = reason, at, on_key

    def placed(self, text: str) -> AttestationsError:
        line, col = _json_place(text, self.at, on_key=self.on_key)
        return AttestationsError(self.reason, line, col)


def _read_text(path: Path) -> str:
    """The file's text, read as every configuration file is (a size cap: a device is refused)."""
    return read_config(path).decode("utf-8-sig")  # a byte-order mark is no part of the JSON


def _read_json(text: str) -> object:
    """The file's JSON; its errors are said by :func:`testbench.fmt.json_reason`, but for an integer of thousands of
    digits (Python's limit on int ↔ str conversions)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        raise AttestationsError(_t("nombre trop long")) from None


def _attestation(key: str, answer: object, operator: str) -> Attestation:
    """One prepared answer, checked as strictly as the workstation's form: « "confirmed": "false" » (a string,
    truthy) must not attest a step the person meant to reject, nor ``null`` read as « None », nor a mistyped
    observation path (« invoice.totals.amox ») be kept as a value no expectation reads."""
    if "/" not in key or not isinstance(answer, dict):
        raise _Problem(SHAPE.format(key=key), (key,), on_key=True)
    if not isinstance(answer.get("values", {}), dict):
        raise _Problem(SHAPE.format(key=key), (key, "values"))
    confirmed, note = answer.get("confirmed", False), answer.get("note", "")
    if not isinstance(confirmed, bool):
        said = _t("« {key} » : « confirmed » vaut true ou false, sans guillemets")
        raise _Problem(said.format(key=key), (key, "confirmed"))
    if not isinstance(note, str):
        raise _Problem(_t("« {key} » : « note » est un texte entre guillemets").format(key=key), (key, "note"))
    values = {name: _value_text(key, name, value) for name, value in answer.get("values", {}).items()}
    return Attestation(confirmed=confirmed, operator=operator, note=note, values=values)


def _value_text(key: str, name: str, value: object) -> str:
    """A value as the workstation's form would have taken it: text; a JSON number as written; true/false as the
    bench's « oui » / « non » (testbench.fmt.BOOLEAN_WORDS). Its name is an observation path, as a profile's
    extractor target is (:func:`~testbench.domain.vocabulary.known_path`), or one without its engine call's root
    (operator mode keys an invoice step's « totals.amo »)."""
    if not known_path(name) and not any(known_path(root + name) for root in _ROOTS):
        near = _nearest_path(name)
        hint = DID_YOU_MEAN.format(name=near) if near else LISTED
        raise _Problem(UNKNOWN_PATH.format(key=key, path=name, hint=hint), (key, "values", name), on_key=True)
    if any(_too_large(index) for index in _DIGITS.findall(name)):  # no list is that long
        said = INDEX_TOO_LARGE.format(key=key, path=name, largest=MAX_INDEX)
        raise _Problem(said, (key, "values", name), on_key=True)
    if isinstance(value, bool):
        return yes_no(value, "fr")  # recorded in the bench's French, as every value a person gives
    if isinstance(value, str):
        return value
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return repr(value)
    said = _t("« {key} » : la valeur de « {name} » est un texte, un nombre ou true/false")
    raise _Problem(said.format(key=key, name=name), (key, "values", name))


_INDEX = re.compile(r"\[\d+\]")
_DIGITS = re.compile(r"\[(\d+)\]")
#: the roots operator mode takes off an engine step's values (« invoice. »), when the attestation writes them
_ROOTS = tuple(sorted({f"{root}." for root in CALL_ROOTS.values()}))


def _too_large(index: str) -> bool:
    """Whether the digits of an index are past MAX_INDEX (read as a number only when short: Python refuses to
    read an integer of thousands of digits)."""
    digits = index.lstrip("0")
    return len(digits) > len(str(MAX_INDEX)) or int(digits or "0") > MAX_INDEX


def _nearest_path(path: str) -> str | None:
    """The known observation path closest to a mistyped one, its indexes as written (« invoice.lines[1].bse » →
    « invoice.lines[1].base »); None when none is close. Only for a file refused: difflib is not on the run's path."""
    import difflib

    whole = {known for known in OBSERVATION_PATHS if not known.endswith(".*")}  # ``manual.*``: no nearest
    names = whole | {known.removeprefix(root) for known in whole for root in _ROOTS if known.startswith(root)}
    indexes = iter(_INDEX.findall(path))
    near = difflib.get_close_matches(_INDEX.sub("[i]", path), sorted(names), n=1)
    return re.sub(r"\[i\]", lambda _: next(indexes, "[0]"), near[0]) if near else None


# --- where in the JSON text --------------------------------------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _json_place(text: str, at: JsonPath, *, on_key: bool = False) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the value at key path ``at`` in a JSON ``text`` that parses (with ``on_key``:
    of its key); a key not written is placed at the nearest object that holds it. The last of a key written twice,
    as ``json`` keeps it."""
    key_at = value_at = _SPACE.match(text).end()
    try:
        for depth, name in enumerate(at):
            members = _members(text, value_at)
            if name not in members:
                on_key = depth > 0  # the holder: the attestation's key, not its ``{``
                break
            key_at, value_at = members[name]
    except (ValueError, IndexError, RecursionError):  # not an object where the path goes: the deepest found
        pass
    offset = key_at if on_key else value_at
    start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - start + 1


def _members(text: str, at: int) -> dict[str, tuple[int, int]]:
    """The members of the JSON object whose ``{`` is at offset ``at``: each key's offset and its value's."""
    if text[at] != "{":
        raise ValueError(at)
    members: dict[str, tuple[int, int]] = {}
    at = _SPACE.match(text, at + 1).end()
    while text[at] == '"':
        name, end = json.decoder.scanstring(text, at + 1)
        value_at = _SPACE.match(text, _SPACE.match(text, end).end() + 1).end()  # past the « : »
        members[name] = (at, value_at)
        end = _SPACE.match(text, _DECODER.raw_decode(text, value_at)[1]).end()
        if text[end] != ",":
            break
        at = _SPACE.match(text, end + 1).end()
    return members
