"""A case naming a fixture the casebook lacks: the closest declared id is offered (a typo is the usual cause, and
the fixtures may be far above), and a reader holding an undeclared card is said once, at ``<cards>``, not again as
« le patient … est sur la carte …, mais le lecteur vitale contient … »."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(cwd), "XDG_DATA_HOME": "", "TESTBENCH_LANG": ""}
    return subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
        encoding="utf-8", timeout=120,
    )  # fmt: skip


@pytest.fixture
def casebook(tmp_path: Path) -> Path:
    made = cli("new", "case", "--domain", "fse", "--mode", "securise", "--id", "FSE-042", "-o", "cahier.xml",
               cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    return tmp_path / "cahier.xml"


def line_col(path: Path, token: str) -> str:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if token in line:
            return f"{number}:{line.index(token) + 1}"
    raise AssertionError(token)


def edited(casebook: Path, old: str, new: str) -> None:
    text = casebook.read_text(encoding="utf-8")
    assert old in text
    casebook.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = [
    (
        ('<card slot="vitale" ref="vitale-std"/>', '<card slot="vitale" ref="vitale-stdd"/>'),
        'ref="vitale-stdd"',
        "carte « vitale-stdd » absente des fixtures — vouliez-vous dire « vitale-std » ?",
        'card “vitale-stdd” is not in the fixtures — did you mean “vitale-std”?',
    ),
    (
        ('patient="p-std"', 'patient="p-stdd"'),
        'patient="p-stdd"',
        "patient « p-stdd » absent des fixtures — vouliez-vous dire « p-std » ?",
        'patient “p-stdd” is not in the fixtures — did you mean “p-std”?',
    ),
    (
        ('patient="p-std"', 'patient="inconnu"'),
        'patient="inconnu"',
        "patient « inconnu » absent des fixtures",
        'patient “inconnu” is not in the fixtures',
    ),
    (
        (
            '<secure id="s-secure"/>',
            '<secure id="s-secure"/>\n        <insert-card id="s-in" slot="cps" card="cps-psd"/>',
        ),
        'card="cps-psd"',
        "carte « cps-psd » absente des fixtures — vouliez-vous dire « cps-psad » ?",
        'card “cps-psd” is not in the fixtures — did you mean “cps-psad”?',
    ),
]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("edit", "token", "french", "english"), CASES, ids=lambda c: str(c)[:20])
def test_an_unknown_fixture_is_one_problem_with_the_closest_id(
    casebook: Path, lang: str, edit: tuple[str, str], token: str, french: str, english: str
) -> None:
    edited(casebook, *edit)
    result = cli("--lang", lang, "validate", casebook.name, cwd=casebook.parent)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    said = french if lang == "fr" else english
    assert result.stderr.splitlines() == [
        f"cahier.xml:{line_col(casebook, token)}: {said}",
        "1 cahier invalide sur 1" if lang == "fr" else "1 invalid casebook out of 1",
    ]


def test_an_unknown_prescription_gets_the_closest_id(casebook: Path) -> None:
    rx = '    <prescription id="rx-lit" date="2026-01-05" prescriber="10000000001"/>\n'
    edited(casebook, "  </fixtures>", rx + "  </fixtures>")
    edited(casebook, 'patient="p-std"', 'patient="p-std" prescription="rx-lt"')
    result = cli("validate", casebook.name, cwd=casebook.parent)
    assert result.stderr.splitlines()[0] == (
        f"cahier.xml:{line_col(casebook, 'prescription=')}: prescription « rx-lt » absente des fixtures — "
        "vouliez-vous dire « rx-lit » ?"
    )


def test_another_declared_card_in_the_reader_still_says_the_patient_is_not_on_it(casebook: Path) -> None:
    """The follow-on is dropped only for an undeclared card: a declared card that is not the patient's is the
    problem itself."""
    edited(casebook, '<card slot="vitale" ref="vitale-std"/>', '<card slot="vitale" ref="vitale-autre"/>')
    edited(casebook, "  </fixtures>", '    <card id="vitale-autre" profile="cards/vitale2-adult-standard.xml"/>\n'
                                      "  </fixtures>")  # fmt: skip
    result = cli("validate", casebook.name, cwd=casebook.parent)
    assert result.returncode == 3
    assert "le patient « p-std » est sur la carte « vitale-std », mais le lecteur vitale contient « vitale-autre »" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            '<patient id="p-std"',
            '<pateint id="p-std"',
            "non conforme au schéma : <pateint> : élément inattendu ici — vouliez-vous dire <patient> ?",
        ),
        (
            '<card id="vitale-std"',
            '<crad id="vitale-std"',
            "non conforme au schéma : <crad> : élément inattendu ici — vouliez-vous dire <card> ?",
        ),
    ],
)
def test_a_misspelt_fixture_element_is_its_schema_problem_alone(casebook: Path, old: str, new: str, said: str) -> None:
    """Read as the fixture it is closest to: the cases naming it get no « absent des fixtures » echo."""
    text = casebook.read_text(encoding="utf-8")
    assert text[text.index(old) : text.index(">", text.index(old))].endswith("/")  # one tag: nothing to close
    edited(casebook, old, new)
    result = cli("validate", casebook.name, cwd=casebook.parent)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [f"cahier.xml:{line_col(casebook, new)}: {said}", "1 cahier invalide sur 1"]
