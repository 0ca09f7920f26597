"""An invoice line billing a code the reference engine's tables lack, with no tariff of its own, is refused
UNKNOWN_CODE at run time: ``validate`` said nothing (audit s30). It now warns at the line's code, with the closest
known codes, and the casebook stays valid (exit 0): an editor's casebook may bill codes our tables lack."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from minimal_casebook import MINIMAL

from testbench.casebook.act_codes import KnownCodes
from testbench.casebook.loader import check_casebook_cases

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
PROFILES = {"cps": "cps3-psad-lpp.xml", "vitale": "vitale2-adult-standard.xml"}  # validate reads them
LINE = '<line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00" tariff="14.00" plv="14.00"/>'
#: 1241763 with its last two digits swapped, no tariff: the reference engine refuses it
SWAPPED = '<line nomenclature="LPP" code="1241736" quantity="4" unit-price="14.00"/>'


def validate(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "testbench", "validate", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )


def _casebook(folder: Path, line: str, name: str = "casebook.xml", refusal: str = "") -> Path:
    (folder / "cards").mkdir(exist_ok=True)
    for card, profile in PROFILES.items():
        shutil.copyfile(ROOT / "casebooks" / "cards" / profile, folder / "cards" / f"{card}.xml")
    text = MINIMAL.replace(LINE, line)
    if refusal:  # a refused step has no values to expect
        start = text.index('        <value id="e-amo"')
        expected = f'        <refusal id="e-refus" step="s-invoice" code="{refusal}"/>\n'
        text = text[:start] + expected + text[text.index('        <value id="e-total"') :]
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _place(path: Path, token: str) -> str:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if token in text:
            return f"{path.name}:{number}:{text.index(token) + 1}:"
    raise AssertionError(token)


def test_an_unknown_code_is_a_warning_at_the_code_with_the_closest_known_one(tmp_path: Path) -> None:
    path = _casebook(tmp_path, SWAPPED)
    result = validate(path.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("casebook.xml : valide")
    (said,) = result.stderr.splitlines()
    assert said.startswith(_place(path, 'code="1241736"') + " attention : code LPP « 1241736 »"), said
    assert "moteur de référence" in said and "UNKNOWN_CODE" in said and "vouliez-vous dire « 1241763 » ?" in said


def test_the_warning_reads_in_english(tmp_path: Path) -> None:
    path = _casebook(tmp_path, SWAPPED.replace('"LPP" code="1241736"', '"NGAP" code="AMJ"'))
    result = validate("--lang", "en", path.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (said,) = result.stderr.splitlines()
    place = _place(path, 'code="AMJ"')
    assert said.startswith(f"{place} warning: NGAP code “AMJ” not in the reference engine's tables"), said
    assert "did you mean" in said and "“AMI”" in said and "«" not in said and "attention" not in said, said
    assert result.stdout.startswith("casebook.xml: valid")


@pytest.mark.parametrize(
    ("line", "refusal"),
    [
        pytest.param(SWAPPED.replace("/>", ' tariff="14.00"/>'), "", id="tariff-pinned"),
        pytest.param(SWAPPED, "UNKNOWN_CODE", id="refusal-expected"),
        pytest.param(LINE.replace(' tariff="14.00" plv="14.00"', ""), "", id="code-in-the-tables"),
    ],
)
def test_no_warning_when_the_run_would_not_meet_it(tmp_path: Path, line: str, refusal: str) -> None:
    result = validate(_casebook(tmp_path, line, refusal=refusal).name, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_warnings_are_listed_with_the_problems_of_an_invalid_file(tmp_path: Path) -> None:
    path = _casebook(tmp_path, SWAPPED.replace('quantity="4"', 'quantity="0"'))
    result = validate(path.name, cwd=tmp_path)
    assert result.returncode == 3
    warning, problem, summary = result.stderr.splitlines()
    assert warning.startswith(_place(path, 'code="1241736"') + " attention :"), warning
    assert problem.startswith(_place(path, 'quantity="0"') + " quantité nulle ou négative"), problem
    assert summary == "1 cahier invalide sur 1"


def test_every_unknown_code_is_said(tmp_path: Path) -> None:
    path = _casebook(tmp_path, SWAPPED + "\n          " + SWAPPED.replace("1241736", "9999999"))
    result = validate(path.name, cwd=tmp_path)
    assert result.returncode == 0
    said = result.stderr.splitlines()
    assert len(said) == 2 and "« 9999999 »" in said[1] and "vouliez-vous dire" not in said[1], said


def test_the_loader_looks_codes_up_only_when_asked(tmp_path: Path) -> None:
    """``run``, the workstation and ``new case`` load as before: the codes are ``validate``'s to look up."""
    path = _casebook(tmp_path, SWAPPED)
    found: list = []
    casebook, problems, _cases = check_casebook_cases(path, codes=KnownCodes.of([("LPP", "1241763")]), warnings=found)
    assert casebook is not None and problems == [] and len(found) == 1
    assert found[0].text("en").endswith("did you mean “1241763”?")
    casebook, problems, _cases = check_casebook_cases(path)
    assert casebook is not None and problems == []


#: 1241763 is priced from 2010 on in the bundled tables: a care of 2005 has no tariff there
UNPRICED = ('care-date="2026-01-12"', 'care-date="2005-01-12"')


def test_a_known_code_without_tariff_at_the_date_is_a_warning(tmp_path: Path) -> None:
    path = _casebook(tmp_path, LINE.replace(' tariff="14.00" plv="14.00"', ""))
    path.write_text(path.read_text(encoding="utf-8").replace(*UNPRICED).replace('date="2026-01-05"', ""))
    fr, en = validate(path.name, cwd=tmp_path), validate("--lang", "en", path.name, cwd=tmp_path)
    assert fr.returncode == en.returncode == 0, fr.stderr
    place = _place(path, 'code="1241763"')
    assert fr.stderr.splitlines() == [
        f"{place} attention : code LPP « 1241763 » sans tarif au 2005-01-12 dans les tables du moteur de référence :"
        " sans tarif sur la ligne (attribut tariff), ce moteur le refusera (NO_TARIFF_AT_DATE)"
    ]
    assert en.stderr.splitlines() == [
        f"{place} warning: LPP code “1241763” has no tariff on 2005-01-12 in the reference engine's tables: without a"
        " tariff on the line (attribute tariff), that engine will refuse it (NO_TARIFF_AT_DATE)"
    ]


def test_no_warning_when_the_case_expects_no_tariff_at_the_date(tmp_path: Path) -> None:
    path = _casebook(tmp_path, LINE.replace(' tariff="14.00" plv="14.00"', ""), refusal="NO_TARIFF_AT_DATE")
    path.write_text(path.read_text(encoding="utf-8").replace(*UNPRICED).replace('date="2026-01-05"', ""))
    result = validate(path.name, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_the_shipped_casebooks_draw_no_warning() -> None:
    books = sorted((ROOT / "casebooks").glob("*.xml"))
    result = validate(*books, cwd=ROOT)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert len(result.stdout.splitlines()) == len(books) >= 10
