"""A fixed-width extractor whose closing, group or record type is longer than the type code it reads is refused.

With ``record_type = [1, 3]`` a ``closing = "9999"`` never matches the three characters read: every lot of the exam
would wait for its closing record until the timeout and fail « sortie du logiciel incomplète » — the profile's
mistake said as the product's. The profile is now refused when it loads, at the code's line and column.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

PROFILE = """[product]
name = "ERP"

[outputs]
lots = "out/lots"

[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
closing = "{closing}"
group = "{group}"
fields = {{ "{record}.amo" = "lot.totals.amo" }}

[[extractors.records]]
type = "{record}"
fields = [{{ name = "amo", start = 36, length = 11, type = "decimal", scale = 2 }}]
"""


def _check(tmp_path: Path, capsys: pytest.CaptureFixture[str], *lang: str, **codes: str) -> tuple[int, str]:
    (tmp_path / "out" / "lots").mkdir(parents=True, exist_ok=True)
    profile = tmp_path / "sut.toml"
    profile.write_text(PROFILE.format(**{"closing": "999", "group": "200", "record": "190", **codes}), "utf-8")
    code = main(["sut", "check", str(profile), *lang])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("codes", "place", "code"),
    [({"closing": "9999"}, "12:11", "9999"), ({"group": "2000"}, "13:9", "2000"), ({"record": "1900"}, "17:8", "1900")],
)
def test_a_type_code_longer_than_record_type_reads_is_refused_at_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], codes: dict[str, str], place: str, code: str
) -> None:
    status, err = _check(tmp_path, capsys, **codes)
    assert status == 3
    said = f"sut.toml:{place}: [extractors][1] : le type « {code} » est plus long que les 3 caractères que"
    assert said + " « record_type » lit (colonnes 1–3) : aucun enregistrement ne l'aura" in err, err


def test_in_english_and_a_shorter_code_is_read_as_the_trimmed_code_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = _check(tmp_path, capsys, "--lang", "en", closing="9999")
    assert status == 3 and "the type “9999” is longer than the 3 characters “record_type” reads" in err, err
    status, err = _check(tmp_path, capsys, closing="99", record="19")  # « 99 » read as « 99 » trimmed: accepted
    assert status == 0, err
