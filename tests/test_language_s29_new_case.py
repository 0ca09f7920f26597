"""``testbench new case`` in one language at a time (language review of day 29).

What a template lacks is a list: « a ; b » in French, "a; b" in English (no French space before « ; »). A case id
the schema refuses is said with what is wrong with it — a leading « - », an accented letter — before the rule,
which says an id starts with a letter or a digit and takes letters without accents.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.tools.new_case import new_case_tool
from testbench.tools.result import ToolResult

#: French typography or words left in an English line
FRENCH_IN_ENGLISH = re.compile(r" [:;?!»]|«|\b(?:le|la|de|des|modèle|lettres|chiffres|identifiant)\b")


def new_case(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main(["new", "case", *map(str, args)])
    out = capsys.readouterr()
    assert out.out == "" or code == 0, out
    return code, out.err


@pytest.fixture
def without_vitale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A valid casebook with a CPS and a patient without a card only: a sécurisé case lacks two fixtures."""
    path = tmp_path / "c.xml"
    assert new_case(capsys, "--domain", "fse", "--mode", "degrade", "--id", "D-1", "-o", path)[0] == 0
    text = path.read_text(encoding="utf-8")
    for line in ('<card id="vitale-std"', '<patient id="p-std"'):
        text = "".join(kept for kept in text.splitlines(keepends=True) if line not in kept)
    path.write_text(text, encoding="utf-8")
    return path


LACKING_FR = (
    "un patient porté par une carte Vitale (<patient card=…>) ; une carte Vitale portant un patient"
)
LACKING_EN = "a patient carried by a Vitale card (<patient card=…>); a Vitale card carrying a patient"


def test_fixtures_a_casebook_lacks_are_listed_in_each_language(
    without_vitale: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--domain", "fse", "--mode", "securise", "--id", "S-1", "--casebook", without_vitale)
    code, err = new_case(capsys, *args)
    said = "le modèle FSE · sécurisé a besoin dans <fixtures> de : "
    assert (code, err) == (3, f"{without_vitale} : {said}{LACKING_FR}\n")
    code, err = new_case(capsys, *args, "--lang", "en")
    assert (code, err) == (3, f"{without_vitale}: the template FSE · sécurisé needs in <fixtures>: {LACKING_EN}\n")


@pytest.mark.parametrize("into", ["casebook", "printed"])
def test_a_patient_that_does_not_fit_is_listed_in_each_language(
    tmp_path: Path, into: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The patient without a card, for a sécurisé case: into a casebook that holds it, and for a printed case."""
    target: tuple[str | Path, ...] = ()
    if into == "casebook":
        target = ("--casebook", tmp_path / "c.xml")
        assert new_case(capsys, "--domain", "fse", "--mode", "securise", "--id", "S-0", "-o", target[1])[0] == 0
    args = ("--domain", "fse", "--mode", "securise", "--id", "S-1", "--patient", "p-sans-carte", *target)
    code, err = new_case(capsys, *args)
    said = "--patient p-sans-carte : le modèle FSE · sécurisé a besoin de : "
    assert (code, err) == (3, f"testbench new case : {said}{LACKING_FR}\n")
    code, err = new_case(capsys, *args, "--lang", "en")
    said = "--patient p-sans-carte: the template FSE · sécurisé needs: "
    assert (code, err) == (3, f"testbench new case: {said}{LACKING_EN}\n")


RULE_FR = (
    "80 caractères au plus, commençant par une lettre ou un chiffre : lettres sans accent, chiffres, « . », « _ »,"
    " « : », « - »"
)
RULE_EN = "at most 80 characters, starting with a letter or a digit: unaccented letters, digits, “.”, “_”, “:”, “-”"


@pytest.mark.parametrize(
    ("bad", "why_fr", "why_en"),
    [
        ("-A", "il commence par « - »", "it starts with “-”"),
        (".A", "il commence par « . »", "it starts with “.”"),
        ("É-1", "« É » est une lettre accentuée", "“É” is an accented letter"),
        ("FSE-é", "« é » est une lettre accentuée", "“é” is an accented letter"),
        ("A B", "il contient un espace", "it contains a space"),
        ("A/B", "« / » n'est pas permis", "“/” is not allowed"),
        ("A\u00a0B", "« ⟨U+00A0⟩ » n'est pas permis", "“⟨U+00A0⟩” is not allowed"),
        ("A" * 81, "il a 81 caractères", "it has 81 characters"),
    ],
)
def test_a_refused_id_says_why(bad: str, why_fr: str, why_en: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = new_case(capsys, "--domain", "lot", f"--id={bad}")  # « -A » as the value, not an option
    assert (code, err) == (
        3,
        f"testbench new case : --id : identifiant de cas invalide « {bad} » — {why_fr} ({RULE_FR})\n",
    )
    code, err = new_case(capsys, "--domain", "lot", f"--id={bad}", "--lang", "en")
    assert (code, err) == (3, f"testbench new case: --id: invalid case id “{bad}” — {why_en} ({RULE_EN})\n")
    assert not FRENCH_IN_ENGLISH.search(err.replace(bad, "")), err


def test_an_empty_id_is_said_empty(capsys: pytest.CaptureFixture[str]) -> None:
    assert new_case(capsys, "--domain", "lot", "--id", " ") == (
        3,
        f"testbench new case : --id : identifiant de cas vide ({RULE_FR})\n",
    )
    assert new_case(capsys, "--domain", "lot", "--id", "", "--lang", "en") == (
        3,
        f"testbench new case: --id: empty case id ({RULE_EN})\n",
    )


def test_the_schema_says_an_id_and_a_tag_take_letters_without_accents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The casebook's own rule, as validate words it: « lettres » alone let « É-1 » and « été » look allowed."""
    path = tmp_path / "c.xml"
    assert new_case(capsys, "--domain", "fse", "--mode", "securise", "--id", "X-1", "-o", path)[0] == 0
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('<case id="X-1"', '<case id="É-1"').replace('tags="lpp"', 'tags="été"'), "utf-8")
    assert main(["validate", str(path)]) == 3
    err = capsys.readouterr().err
    said = (
        "« É-1 » ne convient pas : il faut un identifiant de 80 caractères au plus, commençant par une lettre ou un"
        " chiffre : lettres sans accent, chiffres, « . », « _ », « : », « - »"
    )
    assert said in err, err
    assert "il faut une étiquette commençant par une lettre ou un chiffre : lettres sans accent, chiffres" in err, err
    assert main(["validate", str(path), "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert "an identifier of at most 80 characters, starting with a letter or a digit: unaccented letters" in err, err
    assert "a tag starting with a letter or a digit: unaccented letters, digits" in err, err


#: The window's fields, by their French labels, as the workstation gives them (testbench.tui.tools).
FIELDS = {
    "id_option": "Identifiant du nouveau cas",
    "casebook_option": "Cahier auquel ajouter le cas",
    "output_option": "Ou nouveau cahier à créer avec ce cas (facultatif)",
    "patient_option": "Patient des fixtures (facultatif)",
}


def said(result: ToolResult, lang: str) -> str:
    return "\n".join(text for text, _error in result.texts(lang))


def test_in_the_window_a_refusal_names_its_fields_not_the_cli_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """« utilisez -o … » or « --patient … » cannot be typed in a form: the field to fill is named instead."""
    path = tmp_path / "c.xml"
    assert new_case(capsys, "--domain", "fse", "--mode", "securise", "--id", "X-1", "-o", path)[0] == 0
    absent = tmp_path / "absent.xml"

    result = new_case_tool("fse", "securise", "S-1", casebook=absent, **FIELDS)
    assert result.code == 3
    assert said(result, "fr") == (
        f"{absent} : fichier introuvable ; pour créer un cahier avec ce cas, utilisez le champ « Ou nouveau cahier à"
        " créer avec ce cas (facultatif) »"
    )
    english = said(result, "en")
    assert english.startswith(f"{absent}: file not found; to create a casebook holding the case, use the field “")

    result = new_case_tool("fse", "securise", "S-1", output=path, **FIELDS)
    assert said(result, "fr") == (
        f"{path} existe déjà ; pour y ajouter le cas, utilisez le champ « Cahier auquel ajouter le cas »"
    )
    assert said(result, "en").startswith(f"{path} already exists; to add the case to it, use the field “")

    for target in ({"casebook": path}, {}):
        result = new_case_tool("fse", "securise", "S-1", patient="p-sans-carte", **target, **FIELDS)  # type: ignore[arg-type]
        assert said(result, "fr") == (
            "« p-sans-carte » (champ « Patient des fixtures (facultatif) ») : le modèle FSE · sécurisé a besoin de : "
            + LACKING_FR
        )
        assert said(result, "en").startswith("“p-sans-carte” (field “")
        assert said(result, "en").endswith(f"”): the template FSE · sécurisé needs: {LACKING_EN}")
    for lang in ("fr", "en"):
        assert "--" not in said(new_case_tool("fse", "securise", "S 1", **FIELDS), lang)


def test_on_the_command_line_a_refusal_names_the_flag_to_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.xml"
    assert new_case(capsys, "--domain", "fse", "--mode", "securise", "--id", "X-1", "-o", path)[0] == 0
    absent = tmp_path / "absent.xml"
    assert new_case(capsys, "--domain", "fse", "--mode", "securise", "--id", "S-1", "--casebook", absent) == (
        3,
        f"{absent} : fichier introuvable ; pour créer un cahier avec ce cas, utilisez -o {absent}\n",
    )
    assert new_case(capsys, "--domain", "fse", "--mode", "securise", "--id", "S-1", "-o", path, "--lang", "en") == (
        3,
        f"{path} already exists; to add the case to it, use --casebook {path}\n",
    )
