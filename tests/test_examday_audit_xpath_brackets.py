"""A profile's XPath expression with a bracket left open (or closed twice) says which, at its place.

lxml says only « Invalid expression » for ``string(//totaux/@amo`` — the most common slip when writing a profile
by hand — so the refusal read « expression invalide »: the person had to find the missing « ) » alone. It now names
the bracket never closed or never opened (brackets inside a quoted literal do not count), in French and English.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.extract.spec import xpath_problem

PROFILE = """[product]
name = "ERP"

[outputs]
fse = "out/fse"

[[extractors]]
name = "FSE"
kind = "xpath"
applies_to = ["create_invoice"]
files = "fse"
fields = {{ '{expression}' = "invoice.totals.amo" }}
"""


def _refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str], expression: str, *lang: str) -> str:
    (tmp_path / "out" / "fse").mkdir(parents=True, exist_ok=True)
    profile = tmp_path / "sut.toml"
    profile.write_text(PROFILE.format(expression=expression), encoding="utf-8")
    assert main(["sut", "check", str(profile), *lang]) == 3
    return capsys.readouterr().err


def test_a_parenthesis_never_closed_is_named_at_the_expression_s_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refusal(tmp_path, capsys, "string(//totaux/@amo")
    said = "sut.toml:12:12: [extractors][1] : expression XPath invalide « string(//totaux/@amo » : « ( » jamais fermé"
    assert said + " par « ) »" in err, err
    err = _refusal(tmp_path, capsys, "string(//totaux/@amo", "--lang", "en")
    assert "invalid XPath expression “string(//totaux/@amo”: “(” never closed by “)”" in err, err


def test_a_bracket_closed_without_being_opened_and_one_crossed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "« //a) » : « ) » sans « ( » avant lui" in _refusal(tmp_path, capsys, "//a)")
    assert "“//a]”: “]” without “[” before it" in _refusal(tmp_path, capsys, "//a]", "--lang", "en")
    assert xpath_problem("//a[(@b]", {}) == "« ( » jamais fermé par « ) »"  # the one left open, not the « ] »


def test_brackets_inside_a_literal_do_not_count_and_other_mistakes_keep_their_reason() -> None:
    assert xpath_problem('//a[@b=")"]', {}) is None
    assert xpath_problem('//a[@b=")"]/c d', {}) == "expression invalide"  # brackets pair: no bracket to blame
    assert xpath_problem("//a[@b", {}) == "prédicat invalide (un crochet [ jamais fermé ?)"  # lxml's own, kept
