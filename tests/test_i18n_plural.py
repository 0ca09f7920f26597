"""Messages that depend on a count agree with it, in French and in English (testbench.i18n.tn).

French takes the singular for 0 and 1, English for 1 only; the English comes from the catalogue's plural
entries (``msgid_plural``, ``msgstr[0]``/``[1]``). A sentence stored in French reads back in English with
the form that agrees with its number. End to end: ``testbench merge`` in both languages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from shard_content import run_demo

from testbench.cli.main import main
from testbench.i18n import english, tn

ATTEMPTS = (", {count} tentative en double ignorée", ", {count} tentatives en double ignorées")


@pytest.mark.parametrize(
    ("count", "french", "english_text"),
    [
        (0, ", 0 tentative en double ignorée", ", 0 duplicate attempts ignored"),
        (1, ", 1 tentative en double ignorée", ", 1 duplicate attempt ignored"),
        (2, ", 2 tentatives en double ignorées", ", 2 duplicate attempts ignored"),
    ],
)
def test_the_form_agrees_with_the_count_in_each_language(count: int, french: str, english_text: str) -> None:
    assert tn(*ATTEMPTS, count, "fr") == french
    assert tn(*ATTEMPTS, count, "en") == english_text
    assert english(french) == english_text  # a sentence stored in French reads back, agreeing


def test_the_merge_summary_says_a_campaign_of_1_case() -> None:
    assert tn(", campagne de {count} cas", ", campagne de {count} cas", 1, "en") == ", a campaign of 1 case"
    assert english(", campagne de 1 cas") == ", a campaign of 1 case"
    assert english(", campagne de 22 cas") == ", a campaign of 22 cases"


def test_only_a_number_is_read_as_the_count() -> None:
    """The read-back takes ``{count}`` as digits: « en tout cas » is no count of cases."""
    assert english("en tout cas") == "en tout cas"


def _run(session: Path, *options: str) -> None:
    assert run_demo(session, *options) in (0, 1)


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [
        ("fr", "1 session, 1 cas, 1 tentative, campagne de 1 cas", "2 sessions, 2 cas, 2 tentatives"),
        ("en", "1 session, 1 case, 1 attempt, a campaign of 1 case", "2 sessions, 2 cases, 2 attempts"),
    ],
)
def test_merge_counts_agree_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, one: str, two: str
) -> None:
    """``testbench merge`` of one shard of a one-case campaign (count 1), then of two sessions (count 2)."""
    first, second = tmp_path / "a.tbsession", tmp_path / "b.tbsession"
    _run(first, "-k", "DEMO-FSE-001", "--shard", "1/1")
    _run(second, "-k", "DEMO-FSE-002")
    capsys.readouterr()
    assert main(["merge", str(first), "-o", str(tmp_path / "m1.tbsession"), "--lang", lang]) == 0
    assert capsys.readouterr().out.strip().endswith(one)
    assert main(["merge", str(first), str(second), "-o", str(tmp_path / "m2.tbsession"), "--lang", lang]) == 0
    assert two in capsys.readouterr().out


@pytest.mark.parametrize(
    ("french", "english_text"),
    [
        ("partition 2/2 : 1 cas sur 3", "shard 2/2: 1 case of 3"),  # the runner's notice, stored as it says it
        ("partition 2/2 : 0 cas sur 1", "shard 2/2: 0 cases of 1"),
        ("1 tentative interrompue conservée dans l'historique : A-1", "1 interrupted attempt kept in the history: A-1"),
        (
            "3 tentatives interrompues conservées dans l'historique : A-1, B-2, C-3",
            "3 interrupted attempts kept in the history: A-1, B-2, C-3",
        ),
    ],
)
def test_a_sentence_said_in_french_reads_back_agreeing(french: str, english_text: str) -> None:
    assert english(french) == english_text


def test_the_verification_lines_said_in_french_read_back_agreeing() -> None:
    """``testbench verify`` words its lines in French and shows them in the language asked."""
    assert english(
        "session : 1 entrée ajoutée depuis le rapport à la chaîne du journal : aucune annotation (revue)"
    ) == ("session: 1 entry added to the journal chain since the report: no annotation (review)")
    assert english("1 fichier conforme au manifeste") == "1 file matches the manifest"
    assert english("12 fichiers conformes au manifeste") == "12 files match the manifest"


@pytest.mark.parametrize(("lang", "count", "word"), [("fr", 0, "valeur attendue"), ("en", 0, "expected 0 arguments")])
def test_argparse_plurals_follow_each_languages_rule(lang: str, count: int, word: str) -> None:
    import argparse

    from testbench.cli.texts import argparse_words

    with argparse_words(lang):
        said = argparse.ngettext("expected %s argument", "expected %s arguments", count) % count
    assert word in said, said
