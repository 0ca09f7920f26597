"""The size limit says how to raise it where it can be raised; a too long comment is said in French (audit s21, 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook import source
from testbench.casebook.loader import LoadLimits, check_casebook
from testbench.casebook.source import xml_detail
from testbench.cli.casebook_cmd import _warn_too_big_to_run
from testbench.i18n import translator


def _too_big(tmp_path: Path, limits: LoadLimits) -> str:
    path = tmp_path / "c.xml"
    path.write_text("<casebook/>" + " " * 200, encoding="utf-8")
    (problem,) = check_casebook(path, limits)[1]
    return problem.text("fr")


def test_validate_names_its_option(tmp_path: Path) -> None:
    said = _too_big(tmp_path, LoadLimits(max_bytes=100, size_option="--max-size"))
    assert said.endswith("fichier trop volumineux (211 octets, limite 100 octets) : --max-size MO relève la limite")


def test_a_fixed_limit_says_to_split(tmp_path: Path) -> None:
    said = _too_big(tmp_path, LoadLimits(max_bytes=100))
    assert said.endswith("limite 100 octets) : scindez le cahier en plusieurs fichiers")


def test_a_file_run_will_refuse_is_pointed_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(source, "DEFAULT_MAX_BYTES", 10)
    path = tmp_path / "c.xml"
    path.write_text("<casebook/>" * 2, encoding="utf-8")
    _warn_too_big_to_run(path, translator("fr"))
    assert "testbench run le refusera" in capsys.readouterr().err


def test_comment_too_big_in_french() -> None:
    assert xml_detail("Comment too big found") == "commentaire trop long"
