"""Schema errors on values say what to write in words, never the schema's regex (audit s24 F4, F6, F7, F9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from minimal_casebook import problems_after


def _problems(tmp_path: Path, old: str, new: str) -> list[tuple[str, str]]:
    return [(p.text("fr"), p.text("en")) for p in problems_after(tmp_path, old, new)]


@pytest.mark.parametrize(
    ("old", "new", "french", "english"),
    [
        (
            "<ps-category>fournisseur-lpp<",
            "<ps-category>Infirmier<",
            "une catégorie de PS en minuscules, mots séparés par des tirets (infirmier, fournisseur-lpp)",
            "a health professional category",
        ),
        ("<cdc-version>1.40<", "<cdc-version>1,40<", "une version écrite avec des points (1.40)", "(1.40)"),
        ("<addendum>8<", "<addendum>huit<", "un numéro d'addendum en chiffres (8)", "(8)"),
        ("<evolution>EV001<", "<evolution>EV-24<", "« EV » suivi de chiffres (EV112)", "(EV112)"),
        ("<plan-id>PDT-TEST-001<", "<plan-id>pdt test<", "séparées par des tirets (PDT-CDC-087)", "PDT-CDC-087"),
        ("<document-version>01.00<", "<document-version>v1<", "des nombres séparés par des points (02.13)", "02.13"),
        ('path="manual.total" label', 'path="total" label', "un chemin commençant par « manual. »", "manual.total"),
        ('code="1241763"', 'code="ami"', "un code de 1 à 13 majuscules ou chiffres", "AMI, 1241763"),
        ('quantity="4"', 'quantity="4" coefficient="1,5"', "écrit avec un point (1.5)", "with a dot (1.5)"),
    ],
)
def test_a_refused_value_says_what_to_write(tmp_path: Path, old: str, new: str, french: str, english: str) -> None:
    problems = _problems(tmp_path, old, new)
    fr, en = problems[0]
    assert french in fr, fr
    assert english in en, en
    assert "motif" not in fr and "pattern" not in en and "[" not in fr.partition("conforme")[2]
    assert "règle" not in fr  # <ps-category> was worded as a normalisation rule (trim, casefold)


def test_xml_lang_is_named_as_written(tmp_path: Path) -> None:
    fr, en = _problems(tmp_path, "<title>Cahier minimal", '<title xml:lang="fr">Cahier minimal')[0]
    assert "« xml:lang »" in fr and '“xml:lang”' in en
    assert "{http" not in fr + en


def test_xinclude_is_said_unsupported(tmp_path: Path) -> None:
    fr, en = _problems(
        tmp_path,
        "<cases>",
        '<cases xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="autre.xml"/>',
    )[0]
    assert "<xi:include>" in fr and "XInclude n'est pas pris en charge" in fr
    assert "XInclude is not supported" in en and "{http" not in fr + en
