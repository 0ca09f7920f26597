"""A profile's problems count every array from 1, as « [extractors][2] » and the docs do: a fixed extractor's
record and field too, so « records[2].fields[2] » is the second field of the second record a person wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.sut.profile import SutProfileError, load_profile

PROFILE = """[product]
name = "X"
[outputs]
lots = "out/lots"
[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
fields = { "100.a" = "lot.number" }
[[extractors.records]]
type = "100"
fields = [{ name = "a", start = 4, length = 3, type = "int" }]
[[extractors.records]]
type = "190"
fields = [{ name = "b", start = 4, length = 3 }, { name = "c", start = 0, length = 3 }]
"""


def test_a_fixed_field_problem_counts_records_and_fields_from_one(tmp_path: Path) -> None:
    path = tmp_path / "sut.toml"
    path.write_text(PROFILE, encoding="utf-8")
    with pytest.raises(SutProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert "[extractors][1].records[2].fields[2] : « start » doit être un entier ≥ 1" in message, message
    assert f"{path}:16:" in message  # still placed at the second record's line
