"""A fixed-width layout describes each record type once, and each of its fields once (audit s36).

A record block pasted twice in a profile (the same ``type = "3F0"``) was accepted: each record was then read once per
description, so a lot of two lines gave four, ``invoice.lines[1].base`` was the first line's second reading and every
rank after it another line's — a wrong value on exam day, with no error. Both are now refused when the profile loads,
at the line and column of the second description, in French and in English.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

PROFILE = """[product]
name = "GestPSAD"

[outputs]
lots = "out"

[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
fields = {{ "3F0.base" = "invoice.lines[{{n}}].base" }}

[[extractors.records]]
type = "3F0"
fields = [{{ name = "base", start = 4, length = 4, type = "decimal", scale = 2 }}]

[[extractors.records]]
type = {second}
fields = [
    {{ name = "base", start = 4, length = 4, type = "decimal", scale = 2 }},
    {{ name = {field}, start = 8, length = 4, type = "decimal", scale = 2 }},
]
"""


def _refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], second: str, field: str) -> tuple[str, str]:
    (tmp_path / "sut.toml").write_text(PROFILE.format(second=second, field=field), encoding="utf-8")
    said = []
    for lang in ("fr", "en"):
        assert main(["sut", "check", str(tmp_path / "sut.toml"), "--lang", lang]) == 3
        said.append(capsys.readouterr().err.strip())
    return said[0], said[1]


def test_a_record_type_described_twice_is_refused_at_its_second_description(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fr, en = _refused(tmp_path, capsys, '"3F0"', '"taux"')
    assert fr.endswith(
        "sut.toml:19:8: [extractors][1].records[2] : le type « 3F0 » est déjà décrit par records[1] : un type, une"
        " description"
    ), fr
    assert en.endswith(
        "sut.toml:19:8: [extractors][1].records[2]: the type “3F0” is already described by records[1]: one type, one"
        " description"
    ), en


def test_a_field_described_twice_in_a_record_is_refused_at_its_second_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fr, en = _refused(tmp_path, capsys, '"400"', '"base"')
    assert fr.endswith(
        "sut.toml:22:14: [extractors][1].records[2].fields[2] : le champ « base » est déjà décrit par fields[1] de cet"
        " enregistrement"
    ), fr
    assert en.endswith("the field “base” is already described by fields[1] of this record"), en


def test_one_description_each_reads_each_line_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sut.toml").write_text(PROFILE.format(second='"400"', field='"taux"'), encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "L1.lot").write_text("3F0100020001\n3F0300040003\n", encoding="ascii")
    assert main(["sut", "check", str(tmp_path / "sut.toml")]) == 0
    out = capsys.readouterr().out
    assert "invoice.lines[0].base = 10.00" in out and "invoice.lines[1].base = 30.00" in out, out
    assert "invoice.lines[2]" not in out
