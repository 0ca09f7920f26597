"""An author's slips get their place right: text typed between two steps is placed at the text (not at the start tag
of ``<steps>`` lines above), an XML declaration after blank lines at its ``<?xml``, and a ``--patient`` that does not
fit the template is said to be the option's fault, not the casebook's (which holds a patient that fits)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

READ_VITALE = '<read-vitale id="s-vitale" beneficiary="1"/>'


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(cwd), "XDG_DATA_HOME": "", "TESTBENCH_LANG": ""}
    return subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
        encoding="utf-8", timeout=120,
    )  # fmt: skip


@pytest.fixture
def casebook(tmp_path: Path) -> Path:
    """A casebook written by ``new case -o`` (its card profiles copied beside it), valid."""
    made = cli("new", "case", "--domain", "fse", "--mode", "securise", "--id", "FSE-042", "-o", "cahier.xml",
                     cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    return tmp_path / "cahier.xml"


def place_of(path: Path, token: str, nth: int = 1) -> str:
    """``line:col`` (1-based, columns in characters) of the ``nth`` occurrence of ``token`` in the file."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        start = line.find(token)
        while start >= 0:
            seen += 1
            if seen == nth:
                return f"{number}:{start + 1}"
            start = line.find(token, start + 1)
    raise AssertionError(token)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", "non conforme au schéma : <steps> : texte interdit : ce type n'admet que des éléments"),
        ("en", "not valid against the schema: <steps>: text not allowed: this type holds elements only"),
    ],
)
def test_text_between_two_steps_is_placed_at_the_text(casebook: Path, lang: str, words: str) -> None:
    text = casebook.read_text(encoding="utf-8")
    assert READ_VITALE in text
    # after an accented comment (columns count characters, not bytes) and a CDATA of blanks (not text), then again
    # after a manual step whose own text is its own
    slipped = (
        READ_VITALE + " <!-- déjà lu > ici --> <![CDATA[  ]]> lire la carte"
        + '\n        <manual id="m-x"><instruction>é</instruction></manual> ééé puis sécuriser'
    )
    casebook.write_text(text.replace(READ_VITALE, slipped), encoding="utf-8")
    result = cli("--lang", lang, "validate", casebook.name, cwd=casebook.parent)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if words in line]
    assert problems == [
        f"cahier.xml:{place_of(casebook, 'lire la carte')}: {words}",
        f"cahier.xml:{place_of(casebook, 'ééé puis')}: {words}",
    ], result.stderr


def test_text_in_an_empty_element_is_placed_at_the_text(casebook: Path) -> None:
    text = casebook.read_text(encoding="utf-8")
    casebook.write_text(text.replace('<read-cps id="s-cps"/>', '<read-cps id="s-cps">\n  CPS é</read-cps>'),
                        encoding="utf-8")  # fmt: skip
    result = cli("validate", casebook.name, cwd=casebook.parent)
    assert result.returncode == 3
    assert (
        f"cahier.xml:{place_of(casebook, 'CPS é')}: non conforme au schéma : <read-cps> : texte interdit : cet élément "
        "est toujours vide"
    ) in result.stderr.splitlines(), result.stderr


def test_an_xml_declaration_after_blank_lines_is_placed_at_its_start(casebook: Path) -> None:
    casebook.write_bytes(b"\n  \n  " + casebook.read_bytes())
    result = cli("validate", casebook.name, cwd=casebook.parent)
    assert result.returncode == 3
    assert result.stderr.splitlines()[0] == (
        "cahier.xml:3:3: XML mal formé : déclaration <?xml …?> ailleurs qu'au début du fichier"
    )


@pytest.mark.parametrize(
    ("mode", "patient", "lacking"),
    [
        ("securise", "p-sans-carte", "un patient porté par une carte Vitale (<patient card=…>)"),
        ("degrade", "p-std", 'un patient sans carte avec ses droits (<patient> et <right name="nir" …/>)'),
    ],
)
def test_a_patient_option_that_does_not_fit_the_template_is_said_to_be_the_options(
    casebook: Path, mode: str, patient: str, lacking: str
) -> None:
    """The casebook holds a patient that fits: « le cahier a besoin dans <fixtures> de … » sent the author looking
    for a fixture that is there."""
    before = casebook.read_bytes()
    result = cli("new", "case", "--domain", "fse", "--mode", mode, "--id", "F-2", "--patient", patient,
                       "--casebook", casebook.name, cwd=casebook.parent)  # fmt: skip
    assert result.returncode == 3
    assert f"--patient {patient} : le modèle FSE · " in result.stderr
    assert lacking in result.stderr and "dans <fixtures>" not in result.stderr, result.stderr
    assert casebook.read_bytes() == before
    # the same patient in a fitting template is written
    fitting = "degrade" if mode == "securise" else "securise"
    written = cli("new", "case", "--domain", "fse", "--mode", fitting, "--id", "F-2", "--patient", patient,
                        "--casebook", casebook.name, cwd=casebook.parent)  # fmt: skip
    assert written.returncode == 0, written.stderr



@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "nouveau.xml : fichier introuvable ; pour créer un cahier avec ce cas, utilisez -o nouveau.xml"),
        ("en", "nouveau.xml: file not found; to create a casebook holding the case, use -o nouveau.xml"),
    ],
)
def test_a_casebook_option_naming_no_file_points_to_o(tmp_path: Path, lang: str, said: str) -> None:
    """« --casebook nouveau.xml » for a casebook yet to be made: nothing to correct, -o makes it."""
    result = cli("new", "case", "--lang", lang, "--domain", "lot", "--id", "L-1", "--casebook", "nouveau.xml",
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 3 and result.stdout == ""
    assert result.stderr.splitlines() == [said]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    made = cli("new", "case", "--domain", "lot", "--id", "L-1", "-o", "nouveau.xml", cwd=tmp_path)
    assert made.returncode == 0, made.stderr


@pytest.mark.parametrize("data", [b"<a><!-- x", b"<a><?pi", b"<a><![CDATA[ x", b"<a></a", b"<a><b x='1"])
def test_the_text_scan_ends_on_a_section_left_open(data: bytes) -> None:
    """The scan runs on files libxml2 parsed; were one cut short, it would stop, never loop."""
    from testbench.casebook.source import _direct_texts

    assert list(_direct_texts(data, 0)) in ([], [3])
