"""Our TOML files (application profile, mapping, exam plan, workstation settings) place a syntax error alike and
say the parser's reason in words, in the language asked, through one helper.

The mistake tested is the one ``tomllib`` does not place itself: a text that ends too early (an unclosed
list, an unterminated string) is reported "at end of document"; the place is then the last line with text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError
from testbench.scope.plan import PlanError, parse_plan
from testbench.sut.profile import SutProfileError, load_profile
from testbench.tomlfile import TomlSyntaxError, parse_toml

UNFINISHED = 'format = "x"\nservices = [\n  "adri",\n'  # ends inside a list: line 3, after `"adri",`


def test_the_helper_places_an_error_inside_the_text_and_at_its_end() -> None:
    with pytest.raises(TomlSyntaxError) as inside:
        parse_toml("a = 1\n[b\nc = 2\n")
    assert (inside.value.line, inside.value.col) == (2, 3)
    with pytest.raises(TomlSyntaxError) as at_end:
        parse_toml(UNFINISHED + "\n\n")
    assert (at_end.value.line, at_end.value.col) == (3, 10)
    assert parse_toml('a = "é"') == {"a": "é"}


def test_the_profile_the_mapping_the_plan_and_the_settings_name_the_same_place_and_reason(tmp_path: Path) -> None:
    """Session 19: only the plan said tomllib's reason (« tableau non fermé »); the others said the bare words."""
    from testbench.i18n import translator
    from testbench.tui.config import load_settings

    # the text ends inside a list: tomllib wants a value there
    said_fr = (
        "syntaxe TOML invalide : valeur invalide (texte entre guillemets, nombre, booléen, date, [liste] ou {table})"
    )
    said_en = "invalid TOML syntax: invalid value (quoted text, number, boolean, date, [array] or {table})"
    profile = tmp_path / "sut.toml"
    profile.write_text(UNFINISHED, encoding="utf-8")
    with pytest.raises(SutProfileError) as caught:
        load_profile(profile)
    assert caught.value.text("fr") == f"{profile}:3:10: {said_fr}"
    assert caught.value.text("en") == f"{profile}:3:10: {said_en}"

    mapping = tmp_path / "map.toml"
    mapping.write_text(UNFINISHED, encoding="utf-8")
    with pytest.raises(OfficeError) as office:
        load_mapping(mapping)
    # French, without tomllib's English reason; English on request.
    assert [p.text("fr") for p in office.value.problems] == [f"{mapping}:3:10: {said_fr}"]
    assert [p.text("en") for p in office.value.problems] == [f"{mapping}:3:10: {said_en}"]

    with pytest.raises(PlanError) as plan:
        parse_plan(UNFINISHED, "plan.toml")
    assert plan.value.lines("fr") == [f"plan.toml:3:10: {said_fr}"]
    assert plan.value.lines("en") == [f"plan.toml:3:10: {said_en}"]

    (tmp_path / "tui.toml").write_text(UNFINISHED, encoding="utf-8")
    problems = load_settings(tmp_path).problems
    assert problems == [f"{tmp_path / 'tui.toml'}:3:10: {said_fr}"]
    assert translator("en")(problems[0]) == f"{tmp_path / 'tui.toml'}:3:10: {said_en}"


def test_a_reason_the_parser_gives_that_we_do_not_word_is_left_out_not_said_in_english() -> None:
    from testbench.tomlfile import _reason

    assert _reason("Some future tomllib message (at line 2, column 3)") is None
    assert _reason("Unclosed array (at end of document)") == "tableau non fermé (« ] » manquant)"


def test_a_nesting_no_file_of_ours_has_is_placed_where_it_goes_too_deep(tmp_path: Path) -> None:
    """Audit 13: lists nested by the thousand were tomllib's RecursionError, a traceback."""
    deep = 'name = "x"\nb = ' + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(TomlSyntaxError) as caught:
        parse_toml(deep)
    assert (caught.value.line, caught.value.col) == (2, 105)  # « b = » then the 101st « [ »
    profile = tmp_path / "sut.toml"
    profile.write_text(deep, encoding="utf-8")
    with pytest.raises(SutProfileError) as said:
        load_profile(profile)
    assert said.value.text() == f"{profile}:2:105: syntaxe TOML invalide"  # no reason: it is ours, not tomllib's


@pytest.mark.parametrize("device", [Path("/dev/zero"), None])
def test_a_configuration_file_past_its_size_is_refused_not_read_without_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, device: Path | None
) -> None:
    """Audit 13: /dev/zero given as sut.toml, a mapping or a key was read until memory ran out."""
    import testbench.tomlfile

    if device is None or not device.exists():
        monkeypatch.setattr(testbench.tomlfile, "MAX_BYTES", 64)
        device = tmp_path / "big.toml"
        device.write_text('[product]\nname = "x"\n' + "# " + "x" * 100 + "\n", encoding="utf-8")
    with pytest.raises(SutProfileError) as said:
        load_profile(device)
    assert said.value.text() == f"{device}: profil illisible (fichier trop grand)"
    assert said.value.text("en") == f"{device}: unreadable profile (file too large)"
