"""The command line's own words, one language at a time: a value given to an option that takes none
(``--resume=yes``, a CI script's habit) is quoted as the bench quotes, not as Python's repr; two ``--lang`` that
disagree on one line are refused before the command runs, rather than argparse speaking one and the command the
other."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"


@pytest.mark.parametrize(
    ("lang", "quoted"),
    [
        ("fr", "argument --resume : cette option ne prend pas de valeur : « yes »"),
        ("en", "argument --resume: this option takes no value: “yes”"),
    ],
)
def test_a_value_given_to_a_flag_is_quoted_in_the_language(
    lang: str, quoted: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["--lang", lang, "run", str(DEMO), "--session", str(tmp_path / "s.tbsession"), "--resume=yes"])
    assert ended.value.code == 3
    err = capsys.readouterr().err
    assert quoted in err, err
    assert "'yes'" not in err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--lang", "en", "validate", "--lang", "fr", str(DEMO)], "--lang is given more than once"),
        (["--lang=fr", "validate", str(DEMO), "--lang=en"], "--lang est donné plusieurs fois"),
    ],
)
def test_two_languages_on_one_line_are_refused_in_the_first(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 3
    assert said in err, err
    assert out == ""  # nothing validated: the casebook's summary line is not printed in either language


def test_the_same_language_at_two_levels_still_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "validate", "--lang", "en", str(DEMO)]) == 0
    assert ": valid — " in capsys.readouterr().out


@pytest.mark.parametrize("value", [" en", "en ", " EN\t"])
def test_a_language_written_with_blanks_is_understood(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``set TESTBENCH_LANG= en`` in cmd.exe keeps the blank: it was « langue non prise en charge », then French."""
    monkeypatch.setenv("TESTBENCH_LANG", value)
    assert main(["validate", str(DEMO)]) == 0
    out, err = capsys.readouterr()
    assert ": valid — " in out and err == ""


@pytest.mark.parametrize("case", ["cartes", "oui", "erreur"])
def test_a_case_id_that_is_a_french_word_stays_as_typed_in_english(case: str) -> None:
    """A sentence the bench composed around a case id is read back in English, the id left as it is."""
    from testbench.i18n import english

    assert english(f"cas {case} absent de la session") == f"case {case} not in the session"
    assert english(f"début du cas {case} — Lit médical") == f"start of case {case} — Lit médical"


def test_a_sesam_lot_is_a_lot_in_english_too(capsys: pytest.CaptureFixture[str]) -> None:
    """« lot » is a French domain term the English keeps (the glossary's, « B2 lot » everywhere else): ``run
    --help`` and a casebook's problem said "B2 batches" and "an earlier batch"."""
    from testbench.i18n import english

    with pytest.raises(SystemExit):
        main(["--lang", "en", "run", "--help"])
    helped = " ".join(capsys.readouterr().out.split())
    assert "writes its FSE and B2 lots" in helped and "batch" not in helped
    said = english("<read-returns> sans lot préalable (<build-lot>) dans le cas")
    assert said == "<read-returns> without an earlier lot (<build-lot>) in the case"


@pytest.mark.parametrize(
    ("lang", "said"), [("fr", "testbench livre un fichier de ce nom"), ("en", "testbench bundles a file of that name")]
)
def test_a_missing_card_profile_that_is_bundled_is_pointed_at(
    lang: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``cards emulate casebooks/cards/….xml`` outside a clone (after ``pip install``), as README § Quick start says
    of a casebook: refused as missing, then where the bundled profile is."""
    monkeypatch.chdir(tmp_path)
    assert main(["--lang", lang, "cards", "emulate", "casebooks/cards/vitale2-c2s.xml"]) == 3
    err = capsys.readouterr().err
    assert said in err and str(CASEBOOKS_DIR / "cards" / "vitale2-c2s.xml") in err, err


def test_a_lang_in_the_engines_own_command_is_the_engines(capsys: pytest.CaptureFixture[str]) -> None:
    """``engine check`` takes the engine's command to the end of the line, ``--`` or not: its ``--lang`` is the
    engine's, not a second language of the bench's line."""
    import sys

    engine = [sys.executable, "-m", "testbench", "engine", "serve", "--lang", "fr"]
    assert main(["--lang", "en", "engine", "check", "--timeout", "30", *engine]) == 0
    out, err = capsys.readouterr()
    assert "CONFORMANT: 20 checks passed." in out and "more than once" not in err


def test_the_engines_own_lang_does_not_choose_the_benchs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ``--``, ``--lang en`` after the engine's program is the engine's argument: the bench's report stays in
    the bench's language (French here), as with ``-- …``."""
    import sys

    monkeypatch.delenv("TESTBENCH_LANG", raising=False)
    engine = [sys.executable, "-m", "testbench", "engine", "serve", "--lang", "en"]
    assert main(["engine", "check", "--timeout", "30", *engine]) == 0
    out = capsys.readouterr().out
    assert "CONFORME : 20 vérifications réussies." in out, out
