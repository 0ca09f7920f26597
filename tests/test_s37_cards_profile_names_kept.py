"""Audit s37: a card profile's XML and schema errors keep the element and attribute names as the author wrote them,
in English too. The English used to be a translation of the whole French sentence, which read a name that is also a
word of the catalogue as that word: « <cas> » became « <case> », « <cahier> » « <casebook> », « nom » « name »."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cards.profile import ProfileError, load_profile
from testbench.cards.profile_check import card_profile_problems
from testbench.casebook.model import CardFixture
from testbench.cli.main import main
from testbench.paths import CARD_PROFILES_DIR

ALD = (CARD_PROFILES_DIR / "vitale2-ald.xml").read_text(encoding="utf-8")  # a <beneficiary> with a child


def _profile(tmp_path: Path, name: str, old: str, new: str) -> Path:
    assert old in ALD
    path = tmp_path / name
    path.write_text(ALD.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.fixture
def misnested(tmp_path: Path) -> Path:
    """« <cas> » opened where « <beneficiary> » is, closed by « </beneficiary> »."""
    return _profile(tmp_path, "misnested.xml", '<beneficiary rank="1"', '<cas rank="1"')


@pytest.fixture
def attribute(tmp_path: Path) -> Path:
    """An attribute « nom » the schema does not allow."""
    return _profile(tmp_path, "attribute.xml", '<beneficiary rank="1"', '<beneficiary nom="x" rank="1"')


def _error(path: Path) -> ProfileError:
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    return caught.value


def test_the_names_stay_as_written_in_both_languages(misnested: Path, attribute: Path) -> None:
    wrong = _error(misnested)
    assert "closing tag </beneficiary> while <cas> (line " in wrong.text("en"), wrong.text("en")
    assert "balise fermante </beneficiary> alors que <cas> (ligne " in wrong.text("fr"), wrong.text("fr")
    extra = _error(attribute)
    assert "<beneficiary>, attribute “nom”: attribute not allowed" in extra.text("en"), extra.text("en")
    assert "<beneficiary>, attribut « nom » : attribut non autorisé" in extra.text("fr"), extra.text("fr")


def test_validate_names_them_as_written(misnested: Path, attribute: Path) -> None:
    problems = card_profile_problems([CardFixture("v", misnested), CardFixture("w", attribute)])
    english = [problem.text("en") for problem in problems]
    assert any("invalid card profile: malformed XML: closing tag </beneficiary> while <cas>" in e for e in english)
    schema = "invalid card profile: not valid against the schema: <beneficiary>, attribute “nom”"
    assert any(schema in e for e in english)
    french = [problem.text("fr") for problem in problems]
    malformed = "profil de carte invalide : XML mal formé : balise fermante </beneficiary> alors que <cas>"
    assert any(malformed in f for f in french)


def test_cards_emulate_names_them_as_written(misnested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cards", "emulate", str(misnested), "--lang", "en"]) == 3
    said = capsys.readouterr().err
    assert "while <cas> (line " in said and "<case>" not in said, said


@pytest.mark.integration
@pytest.mark.parametrize("command", ["probe", "watch"])
def test_a_mistyped_reader_is_named_as_typed_in_english(
    pcsc_stack: list[str], capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """The same kind: a reader name typed on the command line (« cahier ») was read back as a word (« casebook »)."""
    assert main(["cards", command, "--reader", "cahier", "--lang", "en"]) == 2
    said = capsys.readouterr().err
    assert "1 reader missing: cahier (present: " in said, said
    assert main(["cards", command, "--reader", "cas"]) == 2
    assert "1 lecteur absent : cas (présents : " in capsys.readouterr().err
