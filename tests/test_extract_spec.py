"""An extractor's declaration: what a profile may write, and a clear error (French, and English through
the catalogue) naming the profile's table for what it may not."""

from __future__ import annotations

from typing import Any

import pytest

from testbench.extract.spec import parse_extractor
from testbench.i18n import translator

WHERE = "sut.toml: [[extractors]] 1"


def regex(**kw: Any) -> dict[str, Any]:
    return {"name": "r", "kind": "regex", "applies_to": ["create_invoice"], "pattern": r"AMO (?P<amo>\S+)",
            "fields": {"amo": "invoice.totals.amo"}, **kw}  # fmt: skip


def fixed(**kw: Any) -> dict[str, Any]:
    record = {"type": "500", "fields": [{"name": "amo", "start": 36, "length": 10, "type": "decimal", "scale": 2}]}
    return {"name": "f", "kind": "fixed", "applies_to": ["build_lot"], "files": "lots", "records": [record],
            "fields": {"500.amo": "invoice.totals.amo"}, **kw}  # fmt: skip


def test_a_valid_declaration_gives_its_spec() -> None:
    spec = parse_extractor(regex(), WHERE)
    assert (spec.kind, spec.channel, spec.applies_to, dict(spec.fields)) == (
        "regex", "app", ("create_invoice",), {"amo": "invoice.totals.amo"}
    )  # fmt: skip
    lot = parse_extractor(fixed(closing="999", encoding="cp1252"), WHERE)
    assert (lot.records[0].fields[0].columns, lot.encoding, lot.closing_bytes()) == ((36, 45), "cp1252", b"999")


@pytest.mark.parametrize(
    ("table", "french", "english"),
    [
        (regex(kind="csv"), "genre d'extracteur inconnu « csv »", "unknown extractor kind “csv”"),
        (regex(colour="red"), "clé inconnue « colour »", "unknown key “colour”"),
        (regex(applies_to=["bill"]), "appel moteur inconnu « bill »", "unknown engine call “bill”"),
        (regex(pattern="(?P<amo>"), "expression régulière invalide : ", "invalid regular expression: "),
        (regex(fields={"ttc": "invoice.totals.amo"}), "le groupe « ttc » n'est pas", "the group “ttc” is not"),
        (regex(fields={"amo": "invoice totals"}), "chemin d'observation invalide", "invalid observation path"),
        (fixed(fields={"500.tva": "x.y"}), "champ inconnu « 500.tva »", "unknown field “500.tva”"),
        (fixed(encoding="martian"), "encodage inconnu « martian »", "unknown encoding “martian”"),
        (fixed(record_type=[0, 3]), "« record_type » doit être [colonne, longueur]", "“record_type” must be [column"),
        (fixed(files=None), "clé obligatoire absente « files »", "required key missing “files”"),
        (  # audit 16: a field past the records' end reads nothing; a scale past its digits wrote 100 MB of zeros
            fixed(record_length=40),
            "le champ 500.amo (colonnes 36–45) dépasse la longueur des enregistrements (40)",
            "field 500.amo (columns 36–45) goes past the records' length (40)",
        ),
        (
            regex(fields={"amo": "invoice.totals.amoo"}),
            "chemin d'observation inconnu « invoice.totals.amoo »",
            "unknown observation path “invoice.totals.amoo”",
        ),
        (
            {"name": "x", "kind": "xpath", "applies_to": "create_invoice", "files": "fse", "fields": {"//[": "a.b"}},
            "expression XPath invalide « //[ »",
            "invalid XPath expression “//[”",
        ),
        (
            {"name": "j", "kind": "json", "applies_to": "create_invoice", "files": "fse", "fields": {"a/b": "a.b"}},
            "pointeur JSON invalide « a/b »",
            "invalid JSON pointer “a/b”",
        ),
    ],
)
def test_an_invalid_declaration_says_where_and_what_in_both_languages(
    table: dict[str, Any], french: str, english: str
) -> None:
    table = {k: v for k, v in table.items() if v is not None}
    with pytest.raises(ValueError) as info:
        parse_extractor(table, WHERE)
    message = str(info.value)
    assert message.startswith(f"{WHERE} : ") and french in message
    assert translator("en")(message).startswith(f"{WHERE}: ") and english in translator("en")(message)


def test_a_field_of_an_unknown_type_names_its_record_and_field() -> None:
    table = fixed()
    table["records"][0]["fields"][0]["type"] = "money"
    with pytest.raises(ValueError) as info:
        parse_extractor(table, WHERE)
    assert (
        str(info.value)
        == f"{WHERE}.records[1].fields[1] : type de champ inconnu « money » (attendu : text, int, decimal)"
    )


def test_a_scale_past_the_fields_digits_is_refused_at_its_field() -> None:
    """Implied decimals are among the field's own digits: 99999999 made ``sut check`` write 100 MB of zeros."""
    record = {"type": "500", "fields": [{"name": "amo", "start": 36, "length": 10, "scale": 99999999}]}
    with pytest.raises(ValueError) as info:
        parse_extractor(fixed(records=[record]), WHERE)
    message = str(info.value)
    assert message == f"{WHERE}.records[1].fields[1] : « scale » doit être un entier de 0 à 10 (la longueur du champ)"
    english = f"{WHERE}.records[1].fields[1]: “scale” must be a whole number from 0 to 10 (the field's length)"
    assert translator("en")(message) == english
