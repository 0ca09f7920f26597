"""A mapping's unknown action or expected-value type is named, with the word it most likely misspells (else
the list of known ones), at the line and column of the value (``file:line:col``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError

EXAMPLES = Path(__file__).resolve().parent.parent / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def problems(tmp_path: Path, *changes: tuple[str, str], lang: str = "fr") -> list[str]:
    text = MAPPING.read_text(encoding="utf-8")
    for before, after in changes:
        assert before in text
        text = text.replace(before, after)
    text = text.replace('"cahier-exemple.fixtures.xml"', f"'{EXAMPLES / 'cahier-exemple.fixtures.xml'}'")
    mapping = tmp_path / "m.toml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(OfficeError) as raised:
        load_mapping(mapping)
    return [p.text(lang).replace(str(mapping), "m.toml") for p in raised.value.problems]


def line_of(text: str) -> int:
    return MAPPING.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_a_misspelt_action_and_type_are_named_with_the_word_meant(tmp_path: Path) -> None:
    changes = (
        ('"Lecture CPS" = "read-cps"', '"Lecture CPS" = "read-cp"'),
        ('type = "decimal" }\n"Part AMC"', 'type = "decimall" }\n"Part AMC"'),
    )
    action = line_of('"Lecture CPS" = "read-cps"')
    kind = line_of('"Part AMO" = { path = "invoice.totals.amo", type = "decimal" }')
    assert problems(tmp_path, *changes) == [
        f"m.toml:{action}:17: étape « Lecture CPS » : action inconnue « read-cp » — vouliez-vous dire « read-cps » ?",
        f"m.toml:{kind}:52: valeur attendue « Part AMO » : type inconnu « decimall » — vouliez-vous dire « decimal » ?",
    ]
    assert problems(tmp_path, *changes, lang="en") == [
        f'm.toml:{action}:17: step “Lecture CPS”: unknown action “read-cp” — did you mean “read-cps”?',
        f'm.toml:{kind}:52: expected value “Part AMO”: unknown type “decimall” — did you mean “decimal”?',
    ]


def test_a_word_like_none_known_lists_them_at_the_value_of_an_inline_table(tmp_path: Path) -> None:
    action = '"Lecture Vitale" = { action = "read-vitale", beneficiary = "1" }'
    kind = '"Factures du lot" = { path = "lot.invoice_count", type = "integer" }'
    listed = problems(
        tmp_path, (action, action.replace("read-vitale", "zzz")), (kind, kind.replace("integer", "nombre"))
    )
    actions = (
        "read-cps, read-vitale, verify-pin, adri, invoice, secure, build-lot, read-returns, insert-card, remove-card,"
        " change-pin, unblock-pin, apcv, insi, eprescription"
    )
    assert listed == [
        f"m.toml:{line_of(action)}:31: étape « Lecture Vitale » : action inconnue « zzz » (actions : {actions})",
        f"m.toml:{line_of(kind)}:58: valeur attendue « Factures du lot » : type inconnu « nombre »"
        " (types : decimal, integer, string, date, boolean)",
    ]


def test_an_unknown_key_is_placed_at_its_key(tmp_path: Path) -> None:
    title = 'title = "Intitulé"'
    said = problems(tmp_path, (title, title.replace("title", "titel")))[0]
    assert said.startswith(f"m.toml:{line_of(title)}:1: champ inconnu « titel »")
