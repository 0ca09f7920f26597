"""Audit (sut, XPath and places): a profile's XPath that can only fail on the exam day is refused when the profile
loads, in French words (English through the catalogue), and every problem of an extractor is placed at the line
and column where it is written, as a TOML syntax error is.

An undeclared prefix (``f:FSE`` without ``namespaces``), an unknown function, a variable: lxml compiles them and
fails only when it evaluates them, and not at all inside a predicate on no element — ``sut check`` passed such a
profile while there was no file yet, and every case of the day erred « inapplicable (Undefined namespace prefix) ».
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.extract.model import ExtractError
from testbench.extract.spec import ExtractorSpec, xpath_problem, xpath_reason
from testbench.extract.xmlfile import extract_xml
from testbench.i18n import translator
from testbench.sut.profile import SutProfileError, load_profile
from testbench.tomlfile import parse_toml, place

HEAD = '[product]\nname = "GestPSAD"\n\n[outputs]\nfse = "sorties/fse"\n\n'
XPATH = """\
[[extractors]]
name = "FSE XML"
kind = "xpath"
applies_to = ["create_invoice"]
files = "fse"
{namespaces}[extractors.fields]
"string(/FSE/Facture/@numero)" = "invoice.number"
"{expression}" = "invoice.totals.amo"
"""


def _profile(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sorties" / "fse").mkdir(parents=True, exist_ok=True)  # an empty folder: no FSE written yet
    path = tmp_path / "sut.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> SutProfileError:
    with pytest.raises(SutProfileError) as caught:
        load_profile(_profile(tmp_path, text))
    return caught.value


@pytest.mark.parametrize(
    ("expression", "french", "english"),
    [
        (
            "string(/f:FSE/f:Totaux/@amo)",
            "préfixe d'espace de noms « f » non déclaré (déclarez-le dans « namespaces »)",
            "undeclared namespace prefix “f” (declare it in “namespaces”)",
        ),
        ("string(/FSE/Totaux/@amo) and foo(1)", "fonction XPath inconnue « foo() »", "unknown XPath function “foo()”"),
        (  # in a predicate on no element: lxml never evaluates it on an empty document
            "string(/FSE/Ligne[f:taux = 60]/@base)",
            "préfixe d'espace de noms « f » non déclaré",
            "undeclared namespace prefix “f”",
        ),
        ("string(/FSE/Ligne[ends-with(@code, '4')]/@base)", "fonction XPath inconnue « ends-with() »", "“ends-with()”"),
        ("count(/FSE/Ligne, /FSE/Totaux)", "nombre d'arguments invalide pour count() : 2 au lieu de 1", "wrong number"),
        ("string(/FSE/Ligne[@n = $rang]/@base)", "variable « $rang » non définie", "undefined variable “$rang”"),
        ("string(/FSE/Totaux/@amo", "« ( » jamais fermé par « ) »", "“(” never closed by “)”"),
        ("string(/FSE/Totaux[@t='x]/@amo)", "chaîne de caractères jamais fermée", "string literal never closed"),
        ("/FSE/Totaux[1/@amo", "prédicat invalide", "invalid predicate"),
    ],
)
def test_an_xpath_that_fails_on_the_day_is_refused_at_load_in_both_languages(
    tmp_path: Path, expression: str, french: str, english: str
) -> None:
    error = _error(tmp_path, HEAD + XPATH.format(namespaces="", expression=expression.replace('"', '\\"')))
    where = f"{tmp_path / 'sut.toml'}:14:1: [extractors][1]"  # the line of the expression, its first column
    assert error.text().startswith(f"{where} : expression XPath invalide « {expression} » : {french}"), error.text()
    assert error.text("en").startswith(f"{where}: invalid XPath expression “{expression}”: "), error.text("en")
    assert english in error.text("en") and "Undefined" not in error.text("en") and "Invalid" not in error.text("en")


def test_a_declared_prefix_and_xpaths_own_functions_load(tmp_path: Path) -> None:
    namespaces = 'namespaces = { f = "urn:fse" }\n'
    expression = "normalize-space(/f:FSE/f:Lignes/f:Ligne[position() = last() and not(@annule)]/@base)"
    profile = load_profile(_profile(tmp_path, HEAD + XPATH.format(namespaces=namespaces, expression=expression)))
    assert expression in profile.extractors[0].fields


def test_sut_check_refuses_the_profile_while_no_file_is_there_yet(tmp_path: Path, capsys) -> None:
    """The audit's profile-errors/ns-xpath-empty.toml: ``sut check`` said 0 with its FSE folder empty."""
    text = HEAD + XPATH.format(namespaces="", expression="string(/f:FSE/f:Totaux/@amo)")
    profile = _profile(tmp_path, text)
    assert main(["sut", "check", str(profile)]) == 3
    err = capsys.readouterr().err
    assert f"{profile}:14:1: [extractors][1] : expression XPath invalide" in err and "Traceback" not in err


def test_an_empty_namespace_prefix_is_refused_at_its_key(tmp_path: Path) -> None:
    """lxml raised a TypeError (Python's words) for it, on the day."""
    text = HEAD + XPATH.format(namespaces='namespaces = { "" = "urn:fse" }\n', expression="string(/FSE/@n)")
    error = _error(tmp_path, text)
    where = f"{tmp_path / 'sut.toml'}:12:16: [extractors][1]"
    assert error.text().startswith(f"{where} : préfixe vide dans « namespaces » : XPath n'a pas d'espace de noms")
    assert error.text("en").startswith(f"{where}: empty prefix in “namespaces”: XPath has no default namespace")


@pytest.mark.parametrize(
    ("expression", "english", "french"),
    [
        ("string(/f:a)", "Undefined namespace prefix", "préfixe d'espace de noms non déclaré"),
        ("foo(/a)", "Unregistered function", "fonction inconnue"),
        ("string(/a", "Invalid expression", "expression invalide"),
        ("/a[1", "Invalid predicate", "prédicat invalide"),
        ('/a[@b="x]', "Unfinished literal", "chaîne de caractères jamais fermée"),
        ("concat(1)", "Invalid number of arguments", "nombre d'arguments invalide"),
        ("$v", "Undefined variable", "variable non définie"),
        ("/a | 3", "Invalid type", "type invalide"),
    ],
)
def test_lxmls_reasons_are_said_in_french(expression: str, english: str, french: str) -> None:
    with pytest.raises(etree.XPathError) as caught:
        etree.XPath(expression)(etree.fromstring(b"<x/>"))
    assert str(caught.value) == english  # what lxml says, and what reached the person
    assert xpath_reason(caught.value).startswith(french)
    assert translator("en")(xpath_reason(caught.value)) != xpath_reason(caught.value)  # the catalogue has it
    assert xpath_reason(ValueError("something lxml never said")) == "expression invalide"


def test_an_expression_that_fails_on_a_file_says_why_in_french(tmp_path: Path) -> None:
    """A spec made without the profile's check (an older session's, a test's): the day's error is French too."""
    spec = ExtractorSpec("x", "xpath", ("create_invoice",), files="fse", fields={"string(/f:FSE/@n)": "invoice.number"})
    with pytest.raises(ExtractError) as caught:
        extract_xml(spec, tmp_path / "FSE.xml", b"<FSE n='1'/>")
    message = str(caught.value)
    assert message.endswith("inapplicable (préfixe d'espace de noms non déclaré (déclarez-le dans « namespaces »))")
    assert "undeclared namespace prefix" in translator("en")(message)
    assert xpath_problem("string(/f:FSE/@n)", {"f": "urn:fse"}) is None


LOT = """\
[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "sorties/*.b2"
fields = { "190.count" = "lot.invoice_count", "190.amo" = "lot.totals.amo" }
[[extractors.records]]
type = "190"
fields = [
  { name = "count", start = 4, length = 4, type = "int" },
  { name = "amo", start = 8, length = 11, type = "decimal", scale = 2 },
]

[[extractors]]
name = "journal"
kind = "regex"
applies_to = ["secure_invoice"]
pattern = 'Facture F\\d+ sécurisée \\(statut (?P<status>\\w+)\\)'
fields = { status = "secure.status" }
"""


@pytest.mark.parametrize(
    ("old", "new", "place", "french"),
    [
        ('kind = "regex"', 'kind = "regexp"', "16:8", "genre d'extracteur inconnu « regexp »"),
        ("(?P<status>", "(?P<status", "18:11", "expression régulière invalide : "),
        ("fields = { status =", "fields = { statut =", "19:12", "le groupe « statut » n'est pas"),
        ('"secure.status"', '"secure.statut"', "19:21", "chemin d'observation inconnu « secure.statut »"),
        ('"secure.status"', '"secure status"', "19:21", "chemin d'observation invalide « secure status »"),
        ('["secure_invoice"]', '["secure_invoice", "sign"]', "17:33", "appel moteur inconnu « sign »"),
        ('name = "journal"', 'name = "journal"\ncolour = "red"', "16:1", "clé inconnue « colour »"),
        ('"190.amo" = "lot', '"190.tva" = "lot', "6:47", "champ inconnu « 190.tva »"),
        ('type = "decimal"', 'type = "money"', "11:50", "type de champ inconnu « money »"),
        ("scale = 2", "scale = 99", "11:69", "« scale » doit être un entier de 0 à 11"),
        ('type = "190"', 'type = ""', "8:8", "« type » doit être un texte non vide"),
        ('name = "lot"\n', "", "1:1", "clé obligatoire absente « name »"),
    ],
)
def test_every_extractor_problem_is_placed_at_its_line_and_column(
    tmp_path: Path, old: str, new: str, place: str, french: str
) -> None:
    assert old in LOT
    text = LOT.replace(old, new, 1) + '\n[product]\nname = "GestPSAD"\n'  # last: the extractors' lines as numbered
    error = _error(tmp_path, text)
    assert f"{tmp_path / 'sut.toml'}:{place}: [extractors][" in error.text(), error.text()
    assert french in error.text(), error.text()
    assert f"{tmp_path / 'sut.toml'}:{place}: [extractors][" in error.text("en"), error.text("en")


def test_a_place_is_found_however_the_toml_writes_it() -> None:
    text = (
        "# un profil\n"
        "[[logs]]\npath = 'a.log'\n\n"
        '[[extractors]]\nname = "a"\n'
        '[extractors.fields]\n"string(/a[@b=\'x\'])" = "invoice.number"\n'
        "'lit.key' = \"x\"  # commentaire\n"
        '[[extractors]]\nname = "b" # deux\n'
        'applies_to = [\n  "create_invoice",\n  "build_lot", # lot\n]\n'
        'multi = """\nune\n"""\nfields.amo = "invoice.totals.amo"\n'
        'records = [ { type = "190", fields = [ { name = "n" } ] } ]\n'
        '[[extractors]]\nname = "c"\n'
        '[[extractors.records]]\ntype = "900"\n'
    )
    parse_toml(text)  # what the bench reads, so the places are those of a document it accepts
    assert place(text, ("extractors", 0, "fields", "string(/a[@b='x'])"), key=True) == (8, 1)
    assert place(text, ("extractors", 0, "fields", "string(/a[@b='x'])")) == (8, 24)
    assert place(text, ("extractors", 0, "fields", "lit.key")) == (9, 13)
    assert place(text, ("extractors", 1, "name")) == (11, 8)
    assert place(text, ("extractors", 1, "applies_to", 1)) == (14, 3)
    assert place(text, ("extractors", 1, "multi")) == (16, 9)
    assert place(text, ("extractors", 1, "fields", "amo")) == (19, 14)  # a dotted key
    assert place(text, ("extractors", 1, "records", 0, "fields", 0, "name")) == (20, 49)  # inline, nested
    assert place(text, ("extractors", 2, "name")) == (22, 8)  # after a multi-line string and an inline array
    assert place(text, ("extractors", 2, "records", 0, "type")) == (24, 8)
    assert place(text, ("extractors", 2, "kind")) == (21, 1)  # not written: the table that lacks it
    assert place(text, ("extractors", 2), key=True) == (21, 1)
    assert place(text, ("nothing",)) is None
