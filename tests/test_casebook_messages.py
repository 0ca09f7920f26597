"""libxml2's schema errors reworded: every shape it writes, in French and in English, names kept."""

from __future__ import annotations

import pytest
from lxml import etree

from testbench.casebook.xsd_messages import ATTRIBUTE_SUBJECT, DID_YOU_MEAN, PREFIX, SHAPES, SUBJECT, describe
from testbench.i18n import translator

FR, EN = translator("fr"), translator("en")

#: Shapes our own schema never produces (it has no key, and no length, digit or bound facets of
#: these kinds): a small schema makes libxml2 write them, so the patterns meet its real text.
_SCHEMA = b"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="r"><xs:complexType><xs:sequence>
    <xs:element name="i" maxOccurs="unbounded"><xs:complexType>
      <xs:attribute name="id" type="xs:string"/><xs:attribute name="ref" type="xs:string"/>
    </xs:complexType></xs:element></xs:sequence></xs:complexType>
    <xs:key name="k"><xs:selector xpath="i"/><xs:field xpath="@id"/></xs:key>
    <xs:keyref name="kr" refer="k"><xs:selector xpath="i"/><xs:field xpath="@ref"/></xs:keyref>
  </xs:element>
  <xs:element name="s"><xs:simpleType><xs:restriction base="xs:string">
    <xs:length value="3"/></xs:restriction></xs:simpleType></xs:element>
  <xs:element name="d"><xs:simpleType><xs:restriction base="xs:decimal">
    <xs:maxInclusive value="5"/><xs:fractionDigits value="1"/><xs:totalDigits value="2"/>
  </xs:restriction></xs:simpleType></xs:element>
  <xs:element name="e"><xs:simpleType><xs:restriction base="xs:integer">
    <xs:minExclusive value="0"/><xs:maxExclusive value="9"/></xs:restriction></xs:simpleType></xs:element>
  <xs:element name="z"><xs:complexType><xs:attribute name="v" type="xs:string" fixed="1"/></xs:complexType></xs:element>
</xs:schema>"""


def _libxml2_says(document: bytes) -> list[str]:
    schema = etree.XMLSchema(etree.fromstring(_SCHEMA))
    schema.validate(etree.fromstring(document))
    return [entry.message for entry in schema.error_log]


@pytest.mark.parametrize(
    ("document", "french", "english"),
    [
        (
            b'<r><i id="a"/><i id="a"/></r>',
            "non conforme au schéma : <i> : séquence de clé ['a'] en double (contrainte « k »)",
            "not valid against the schema: <i>: duplicate key sequence ['a'] (constraint “k”)",
        ),
        (
            b'<r><i id="a" ref="zz"/></r>',
            "non conforme au schéma : <i> : aucune correspondance pour la séquence de clé ['zz'] (référence « kr »)",
            "not valid against the schema: <i>: no match for the key sequence ['zz'] (reference “kr”)",
        ),
        (
            b"<s>abcd</s>",
            "non conforme au schéma : <s> : longueur 4, différente de la longueur exigée (3)",
            "not valid against the schema: <s>: length 4, different from the required length (3)",
        ),
        (
            b"<d>7</d>",
            "non conforme au schéma : <d> : la valeur « 7 » est supérieure au maximum permis (5)",
            'not valid against the schema: <d>: the value “7” is above the allowed maximum (5)',
        ),
        (
            b"<d>1.25</d>",
            "non conforme au schéma : <d> : la valeur « 1.25 » a plus de décimales que permis (1)",
            'not valid against the schema: <d>: the value “1.25” has more decimal places than allowed (1)',
        ),
        (  # audit 13: the shapes of an empty element, and of a fixed value (a card profile's format)
            b"<z>x</z>",
            "non conforme au schéma : <z> : texte interdit : cet élément est toujours vide",
            "not valid against the schema: <z>: text not allowed: this element is always empty",
        ),
        (
            b"<z><x/></z>",
            "non conforme au schéma : <z> : élément enfant interdit : cet élément est toujours vide",
            "not valid against the schema: <z>: child element not allowed: this element is always empty",
        ),
        (
            b'<z v="2"/>',
            "non conforme au schéma : <z>, attribut « v » : la valeur « 2 » n'est pas la valeur fixée « 1 »",
            'not valid against the schema: <z>, attribute “v”: the value “2” is not the fixed value “1”',
        ),
        (
            b"<e>0</e>",
            "non conforme au schéma : <e> : la valeur « 0 » doit être strictement supérieure à 0",
            'not valid against the schema: <e>: the value “0” must be greater than 0',
        ),
    ],
)
def test_shapes_our_schema_cannot_produce_are_reworded_too(document: bytes, french: str, english: str) -> None:
    raw = _libxml2_says(document)[0]
    assert describe(raw, FR) == french
    assert describe(raw, EN) == english


def test_total_digits_and_max_exclusive_from_libxml2() -> None:
    raws = _libxml2_says(b"<d>123</d>") + _libxml2_says(b"<e>9</e>")
    assert [describe(raw, FR) for raw in raws] == [
        "non conforme au schéma : <d> : la valeur « 123 » est supérieure au maximum permis (5)",
        "non conforme au schéma : <d> : la valeur « 123 » a plus de chiffres que permis (2)",
        "non conforme au schéma : <e> : la valeur « 9 » doit être strictement inférieure à 9",
    ]
    assert (
        describe(raws[1], EN) == 'not valid against the schema: <d>: the value “123” has more digits than allowed (2)'
    )


def test_an_unknown_shape_keeps_libxml2_text_behind_the_prefix() -> None:
    raw = "Element '{urn:testbench:casebook:1}case': Some message a newer libxml2 writes."
    assert describe(raw, FR) == "non conforme au schéma : Element 'case': Some message a newer libxml2 writes."
    assert describe(raw, EN) == "not valid against the schema: Element 'case': Some message a newer libxml2 writes."


def test_foreign_namespaces_and_values_are_kept_as_written() -> None:
    raw = "Element '{urn:x}y', attribute 'q': The attribute 'q' is not allowed."
    assert describe(raw, FR) == "non conforme au schéma : <{urn:x}y>, attribut « q » : attribut non autorisé"
    raw = "Element '{urn:testbench:casebook:1}value', attribute 'id': [facet 'pattern'] The value 'l''a' is not "
    raw += "accepted by the pattern '[A-Z]+'."
    assert describe(raw, EN) == (
        'not valid against the schema: <value>, attribute “id”: the value “l\'\'a” does not match the pattern “[A-Z]+”'
    )


def test_every_template_has_its_english() -> None:
    templates = [template for _, template in SHAPES] + [PREFIX, SUBJECT, ATTRIBUTE_SUBJECT, DID_YOU_MEAN]
    missing = [template for template in templates if EN(template) == template]
    assert not missing
    for template in templates:  # the same fields on both sides, or formatting the English fails
        assert sorted(_fields(EN(template))) == sorted(_fields(template)), template


def _fields(template: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _casebook_messages() -> list[str]:
    """Every message the casebook package words: the literal given to report(), Problem(), Problem.of(),
    _problem() and in_both templates, and the module constants named *_UNREADABLE, _WRONG_*…"""
    import ast
    from pathlib import Path

    import testbench.casebook as package

    found: list[str] = []
    for module in sorted(Path(package.__file__).parent.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in ("report", "Problem", "of", "_problem"):
                continue
            message = node.args[1]
            if isinstance(message, ast.Constant) and isinstance(message.value, str):
                found.append(message.value)
            elif isinstance(message, ast.Name) and message.id in constants:
                found.append(constants[message.id])
        found += [value for key, value in constants.items() if key.startswith(("_PROFILE", "_TOO_MANY", "_WRONG"))]
    from testbench.casebook.checks import _NEEDS_BEFORE
    from testbench.fmt import _OS_REASONS

    return found + [message for _, message in _NEEDS_BEFORE.values()] + list(_OS_REASONS.values())


def test_every_casebook_message_has_its_english() -> None:
    """validate --lang en speaks English only: every rule's message is in the i18n table, same fields."""
    messages = _casebook_messages()
    assert len(messages) > 60  # the walk found the rules' messages, not nothing
    missing = [message for message in messages if EN(message) == message]
    assert not missing
    for message in messages:
        assert sorted(_fields(EN(message))) == sorted(_fields(message)), message


@pytest.mark.parametrize(
    ("attribute", "written", "french", "english"),
    [
        (
            'unit-price="14.00"',
            'unit-price="14,00"',
            "« 14,00 » ne convient pas : il faut un montant de 0 à 99999999.99 écrit avec un point (14.00)",
            '“14,00” is not valid: expected an amount from 0 to 99999999.99 written with a point (14.00)',
        ),
        (
            'quantity="4"',
            'quantity="quatre"',
            "« quatre » ne convient pas : il faut un nombre entier",
            '“quatre” is not valid: expected a whole number',
        ),
        (  # xs:date alone admits these, which the engine then refused as the product's fault
            'care-date="2026-01-12" tiers-payant="amo">',
            'care-date="12026-01-12" tiers-payant="amo">',
            "« 12026-01-12 » ne convient pas : il faut une date AAAA-MM-JJ (2026-01-12)",
            '“12026-01-12” is not valid: expected a date YYYY-MM-DD (2026-01-12)',
        ),
        (
            'care-date="2026-01-12" tiers-payant="amo">',
            'care-date="2026-01-12Z" tiers-payant="amo">',
            "« 2026-01-12Z » ne convient pas : il faut une date AAAA-MM-JJ (2026-01-12)",
            '“2026-01-12Z” is not valid: expected a date YYYY-MM-DD (2026-01-12)',
        ),
        (  # a pattern of ours in words, not the regex
            'id="e-amo"',
            'id="e amo!"',
            "« e amo! » ne convient pas : il faut un identifiant de 80 caractères au plus, commençant par une lettre",
            '“e amo!” is not valid: expected an identifier of at most 80 characters, starting with a letter',
        ),
        (  # a 40-digit coefficient overflowed the engine's arithmetic
            'quantity="4" unit-price="14.00"',
            'quantity="4" coefficient="9999999999999999999999999999999999999999" unit-price="14.00"',
            "est supérieure au maximum permis (9999.99)",
            "is above the allowed maximum (9999.99)",
        ),
        (  # the engine refuses a third decimal: the casebook's check says it first, at its place
            'quantity="4" unit-price="14.00"',
            'quantity="4" coefficient="1.555" unit-price="14.00"',
            "« 1.555 » ",
            "“1.555” ",
        ),
    ],
)
def test_a_value_of_the_wrong_type_says_what_to_write_not_the_schemas_type_name(
    tmp_path, attribute: str, written: str, french: str, english: str
) -> None:
    """The casebook's own check, at its line and column: the value type in words (« un montant … »), never
    « {urn:testbench:casebook:1}Amount » or « xs:integer »."""
    import shutil

    from testbench.casebook.loader import CasebookError, load_casebook
    from testbench.paths import CASEBOOKS_DIR

    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8").replace(attribute, written, 1)
    path = tmp_path / "demo.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CasebookError) as caught:
        load_casebook(path)
    problem = caught.value.problems[0]  # a changed id may leave other references to it dangling
    assert french in problem.text("fr") and english in problem.text("en")
    assert "urn:" not in problem.text("fr") + problem.text("en") and "xs:" not in problem.text("en")


def test_every_type_in_words_has_its_english() -> None:
    from testbench.casebook.xsd_messages import TYPE_WORDS, TYPED

    for words in (*TYPE_WORDS.values(), TYPED):
        assert EN(words) != words, words


def test_a_casebook_with_classic_mac_line_ends_places_its_problems_at_their_lines(tmp_path) -> None:
    """CR alone ends the lines of a file saved by an old Mac editor: every problem was « line 1, column 4073 »."""
    import shutil

    from testbench.casebook.loader import CasebookError, load_casebook
    from testbench.paths import CASEBOOKS_DIR

    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8").replace('id="e-amo"', 'id="-amo"', 1)
    line = text[: text.index('id="-amo"')].count("\n") + 1
    path = tmp_path / "demo.xml"
    path.write_bytes(text.replace("\n", "\r").encode("utf-8"))
    with pytest.raises(CasebookError) as caught:
        load_casebook(path)
    assert caught.value.problems[0].source.line == line > 1
