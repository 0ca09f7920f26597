"""A profile's extractor that leaves out ``applies_to``, or gives it empty, is told what is wrong, at its place.

Before, both read « « applies_to » doit être une liste de textes »: wrong for a key not written at all (it is a
required key, as ``name`` or ``fields``) and for an empty list (a list, but of no engine call, so the extractor
would never read anything on exam day).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

PROFILE = """[product]
name = "ERP"

[outputs]
fse = "out/fse"

[[extractors]]
name = "FSE"
kind = "xpath"
{applies_to}
files = "fse"
fields = {{ "string(//totaux/@amo)" = "invoice.totals.amo" }}
"""


def _refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str], applies_to: str, *lang: str) -> str:
    (tmp_path / "out" / "fse").mkdir(parents=True, exist_ok=True)
    profile = tmp_path / "sut.toml"
    profile.write_text(PROFILE.format(applies_to=applies_to), encoding="utf-8")
    assert main(["sut", "check", str(profile), *lang]) == 3
    return capsys.readouterr().err


def test_applies_to_left_out_is_a_required_key_missing_at_the_extractor_s_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refusal(tmp_path, capsys, "")
    assert "sut.toml:7:1: [extractors][1] : clé obligatoire absente « applies_to »" in err, err
    err = _refusal(tmp_path, capsys, "", "--lang", "en")
    assert "sut.toml:7:1: [extractors][1]: required key missing “applies_to”" in err, err


def test_an_empty_applies_to_says_it_must_name_an_engine_call_in_either_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refusal(tmp_path, capsys, "applies_to = []")
    said = "sut.toml:10:14: [extractors][1] : « applies_to » doit nommer au moins un appel moteur (attendu : read_cps,"
    assert said in err, err
    assert "liste de textes" not in err
    err = _refusal(tmp_path, capsys, "applies_to = []", "--lang", "en")
    said = "sut.toml:10:14: [extractors][1]: “applies_to” must name at least one engine call (expected: read_cps,"
    assert said in err, err
    assert "«" not in err, err  # no French left in English


def test_a_list_of_other_things_than_texts_still_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refusal(tmp_path, capsys, "applies_to = [1]")
    assert "sut.toml:10:14: [extractors][1] : « applies_to » doit être une liste de textes" in err, err
