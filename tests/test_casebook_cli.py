"""``testbench validate`` as the operator runs it: a real subprocess, exit codes, no traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "casebooks"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))


def validate(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "testbench", "validate", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )


PROFILES = {"cps": "cps3-psad-lpp.xml", "vitale": "vitale2-adult-standard.xml"}  # validate reads them


def _workspace(tmp_path: Path) -> Path:
    (tmp_path / "cards").mkdir()
    for card, profile in PROFILES.items():
        shutil.copyfile(ROOT / "casebooks" / "cards" / profile, tmp_path / "cards" / f"{card}.xml")
    for item in DATA.iterdir():
        shutil.copyfile(item, tmp_path / item.name)
    return tmp_path


def test_valid_casebook_exits_0_with_a_summary(tmp_path: Path) -> None:
    work = _workspace(tmp_path)
    result = validate("minimal.xml", cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (line,) = result.stdout.splitlines()
    assert line.startswith("minimal.xml : valide") and "1 cas" in line and "PDT-TEST-001" in line
    digest = __import__("hashlib").sha256((work / "minimal.xml").read_bytes()).hexdigest()
    assert digest[:12] in line


def test_every_kind_of_bad_input_exits_3_without_traceback(tmp_path: Path) -> None:
    work = _workspace(tmp_path)
    (work / "sub").mkdir()
    bad = [
        "missing.xml",
        "sub",
        "empty.xml",
        "not-xml.txt",
        "truncated.xml",
        "wrong-root.xml",
        "wrong-namespace.xml",
        "latin1.xml",
        "xxe.xml",
        "billion-laughs.xml",
        "misspelled.xml",
        "several-problems.xml",
    ]
    result = validate("minimal.xml", *bad, cwd=work)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stdout.startswith("minimal.xml : valide")  # the good file is still summarised
    lines = [line for line in result.stderr.splitlines() if line]
    for name in bad:
        assert any(line.startswith(f"{name}:") for line in lines), (name, result.stderr)
    problem_lines = lines[:-1]
    assert all(line.split(":", 3)[1].isdigit() and line.split(":", 3)[2].isdigit() for line in problem_lines)
    assert lines[-1] == f"{len(bad)} cahiers invalides sur {len(bad) + 1}"


def test_usage_error_exits_3(tmp_path: Path) -> None:
    result = validate(cwd=tmp_path)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    result = validate("--max-size", "0", "x.xml", cwd=tmp_path)
    assert result.returncode == 3 and "--max-size" in result.stderr


def _mutated(work: Path, name: str, old: str, new: str) -> str:
    text = (DATA / "minimal.xml").read_text(encoding="utf-8")
    assert old in text, old
    (work / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return name


#: One file per kind of schema error: (file, change to minimal.xml, French words, English words)
SCHEMA_ERRORS = [
    (
        "unknown.xml",
        ('<secure id="s-secure"/>', '<secure id="s-secure"/><secur id="x"/>'),
        "<secur> : élément inattendu ici — vouliez-vous dire <secure> ?",
        "<secur>: element not expected here — did you mean <secure>?",
    ),
    (
        "expected.xml",
        ("<objective>Part AMO</objective>", ""),
        "<cards> : élément inattendu ici ; attendu : <objective>",
        "<cards>: element not expected here; expected: <objective>",
    ),
    (
        "missing-child.xml",
        ("<instruction>Regardez l'écran.</instruction>\n          <observe", "<observe"),
        "<observe> : élément inattendu ici ; attendu : <instruction>",
        "<observe>: element not expected here; expected: <instruction>",
    ),
    (
        "empty-manual.xml",
        (
            """<instruction>Regardez l'écran.</instruction>
          <observe path="manual.total" label="Total affiché"/>""",
            "",
        ),
        "<manual> : élément enfant manquant ; attendu : <instruction>",
        "<manual>: missing child element; expected: <instruction>",
    ),
    (
        "bad-value.xml",
        ('quantity="4"', 'quantity="abc"'),
        "<line>, attribut « quantity » : « abc » ne convient pas : il faut un nombre entier",
        '<line>, attribute “quantity”: “abc” is not valid: expected a whole number',
    ),
    (
        "bad-date.xml",
        ("<effective-date>2026-01-01<", "<effective-date>2026-1-01<"),
        "<effective-date> : « 2026-1-01 » ne convient pas : il faut une date AAAA-MM-JJ (2026-01-12)",
        '<effective-date>: “2026-1-01” is not valid: expected a date YYYY-MM-DD (2026-01-12)',
    ),
    (
        "required.xml",
        ('<verify-pin id="s-pin"/>', "<verify-pin/>"),
        "<verify-pin> : attribut obligatoire « id » manquant",
        '<verify-pin>: required attribute “id” is missing',
    ),
    (
        "not-allowed.xml",
        ('<secure id="s-secure"/>', '<secure id="s-secure" color="red"/>'),
        "<secure>, attribut « color » : attribut non autorisé",
        '<secure>, attribute “color”: attribute not allowed',
    ),
    (
        "pattern.xml",
        ('id="e-amo"', 'id="-amo"'),
        "<value>, attribut « id » : « -amo » ne convient pas : il faut un identifiant de 80 caractères au plus, "
        "commençant par une lettre ou un chiffre",
        '<value>, attribute “id”: “-amo” is not valid: expected an identifier of at most 80 characters, '
        "starting with a letter or a digit",
    ),
    (
        "enumeration.xml",
        ('domain="fse"', 'domain="fsx"'),
        "<case>, attribut « domain » : la valeur « fsx » n'est pas permise ; valeurs permises : fse, dre,",
        '<case>, attribute “domain”: the value “fsx” is not allowed; allowed values: fse, dre,',
    ),
    (
        "too-long.xml",
        ('id="e-amo"', f'id="{"e" * 81}"'),
        "<value>, attribut « id » : longueur 81, au-delà du maximum permis (80)",
        '<value>, attribute “id”: length 81, above the allowed maximum (80)',
    ),
    (
        "too-short.xml",
        ("<objective>Part AMO</objective>", "<objective></objective>"),
        "<objective> : «  » ne convient pas : il faut un texte, pas seulement des espaces",
        '<objective>: “” is not valid: expected text, not only spaces',
    ),
    (
        "minimum.xml",
        ('unit-price="14.00"', 'unit-price="-1"'),
        "<line>, attribut « unit-price » : la valeur « -1 » est inférieure au minimum permis (0)",
        '<line>, attribute “unit-price”: the value “-1” is below the allowed minimum (0)',
    ),
    (
        "element-content.xml",
        ("<title>Lit médical</title>", "<title>Lit <b>médical</b></title>"),
        "<title> : contenu d'éléments interdit : ce type n'admet que du texte",
        "<title>: element content not allowed: this type holds text only",
    ),
    (
        "text-content.xml",
        ("<steps>", "<steps>texte"),
        "<steps> : texte interdit : ce type n'admet que des éléments",
        "<steps>: text not allowed: this type holds elements only",
    ),
]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_schema_errors_read_in_one_language(tmp_path: Path, lang: str) -> None:
    """libxml2 writes its schema errors in English: each kind reads in French, or in English with --lang en."""
    work = _workspace(tmp_path)
    names = [_mutated(work, name, old, new) for name, (old, new), _, _ in SCHEMA_ERRORS]
    result = validate(*names, *(["--lang", "en"] if lang == "en" else []), cwd=work)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    prefix, foreign = (
        ("non conforme au schéma : ", "not valid against the schema")
        if lang == "fr"
        else ("not valid against the schema: ", "non conforme au schéma")
    )
    for name, _, french, english in SCHEMA_ERRORS:
        mine = [line for line in lines if line.startswith(f"{name}:")]
        assert any(prefix + (french if lang == "fr" else english) in line for line in mine), (name, mine)
        schema_lines = [line for line in mine if "schéma" in line or "schema" in line]
        assert all(foreign not in line and "Element '" not in line for line in schema_lines), schema_lines
    summary = f"{len(names)} cahiers invalides sur {len(names)}"
    assert lines[-1] == (summary if lang == "fr" else f"{len(names)} invalid casebooks out of {len(names)}")


LONG_PROFILE = "cards/" + "a" * 300 + ".xml"  # a name over NAME_MAX: is_file() raised ENAMETOOLONG


def test_a_profile_path_the_os_refuses_exits_3_in_validate_and_run(tmp_path: Path) -> None:
    work = _workspace(tmp_path)
    name = _mutated(work, "long.xml", 'profile="cards/cps.xml"', f'profile="{LONG_PROFILE}"')
    line = next(n for n, text in enumerate((work / name).read_text().splitlines(), 1) if LONG_PROFILE in text)
    expected = f"{name}:{line}:"
    result = validate(name, cwd=work)
    assert result.returncode == 3 and "Traceback" not in result.stderr, result.stderr
    assert expected in result.stderr and "illisible : nom trop long pour le système de fichiers" in result.stderr
    command = ["run", name, "--session", "s.tbsession", "--engine", "inprocess", "--cards", "inprocess"]
    run = subprocess.run(
        [PYTHON, "-m", "testbench", *command],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(work)},
    )
    assert run.returncode == 3 and "Traceback" not in run.stderr, run.stderr
    assert expected in run.stderr and "nom trop long" in run.stderr


BROKEN_PROFILES = {  # the profile, what is written in it, and the problem validate gives (French, English)
    "vitale2-ald.xml": (
        "<card-profile><oops",
        "1:20: profil de carte invalide : XML mal formé : balise ouvrante <oops> non terminée (ligne 1)",
        "1:20: invalid card profile: malformed XML: start tag <oops> not finished (line 1)",
    ),
    "vitale2-alsace-moselle.xml": (
        "",
        "1:1: profil de carte invalide : XML mal formé : aucun élément XML",
        "1:1: invalid card profile: malformed XML: no XML element",
    ),
    "vitale2-c2s.xml": (
        '<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "file:///etc/passwd">\n<x/>\n',
        "2:1: profil de carte invalide : déclaration DOCTYPE refusée : un profil de carte ne doit contenir ni DTD "
        "ni entités",
        "2:1: invalid card profile: DOCTYPE declaration refused: a card profile contains neither DTD nor entities",
    ),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_card_profiles_a_casebook_names_are_validated_too(tmp_path: Path, lang: str) -> None:
    """A malformed, empty or foreign profile: a problem at its own place, before any run presents the card."""
    shutil.copyfile(ROOT / "casebooks" / "demo.xml", tmp_path / "demo.xml")
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards")
    for name, (text, _french, _english) in BROKEN_PROFILES.items():
        (tmp_path / "cards" / name).write_text(text, encoding="utf-8")
    result = validate("demo.xml", "--lang", lang, cwd=tmp_path)
    assert result.returncode == 3 and result.stdout == ""
    expected = [f"cards/{name}:{problem[1 if lang == 'fr' else 2]}" for name, problem in BROKEN_PROFILES.items()]
    summary = "1 cahier invalide sur 1" if lang == "fr" else "1 invalid casebook out of 1"
    assert result.stderr.splitlines() == [*expected, summary]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_nesting_past_the_xml_librarys_own_limit_reads_as_ours(tmp_path: Path, lang: str) -> None:
    """Past 256 levels libxml2 stops first (« use XML_PARSE_HUGE option », a remedy no user can apply): the
    problem says our limit, at the place it was met, in a casebook and in a card profile."""
    opening = '<?xml version="1.0"?>\n<casebook xmlns="urn:testbench:casebook:1" format-version="1">'
    (tmp_path / "deep.xml").write_text(opening + "<a>" * 300 + "</a>" * 300 + "</casebook>\n", encoding="utf-8")
    result = validate("deep.xml", "--lang", lang, cwd=tmp_path)
    words = "imbrication trop profonde (plus de 32 niveaux" if lang == "fr" else "nesting too deep (more than 32 levels"
    assert result.returncode == 3 and result.stderr.startswith("deep.xml:2:")
    assert words in result.stderr and "XML_PARSE_HUGE" not in result.stderr
    work = _workspace(tmp_path)
    (work / "cards" / "cps.xml").write_text("<card-profile>" + "<a>" * 300 + "</a>" * 300 + "</card-profile>\n")
    result = validate("minimal.xml", "--lang", lang, cwd=work)
    words = (
        "imbrication trop profonde (plus de 256 niveaux" if lang == "fr" else "nesting too deep (more than 256 levels"
    )
    assert result.returncode == 3 and result.stderr.startswith("cards/cps.xml:1:")
    assert words in result.stderr and "XML_PARSE_HUGE" not in result.stderr
