"""A damaged scenario registry met by ``validate`` (a casebook's téléservice step checks its scenario there) said
« erreur interne de testbench » (audit): the installed file's place and why are what the person needs, exit 2 (the
bench, not the casebook)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from testbench.cli.main import main
from testbench.domain import teleservices
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_ENVIRONMENT

SYNTAX = teleservices.registry_text().replace("rights_start_days = -365\n", "rights_start_days = -365 x\n", 1)


@pytest.fixture
def damaged(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(teleservices, "registry_text", lambda: SYNTAX)
    teleservices.registry_data.cache_clear()
    yield
    teleservices.registry_data.cache_clear()


@pytest.mark.parametrize(("lang", "said"), [("fr", "testbench mal installé : "), ("en", "testbench badly installed: ")])
def test_validate_says_where_the_registry_is_damaged(
    damaged: None, lang: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", lang, "validate", str(CASEBOOKS_DIR / "psad-teleservices.xml")]) == EXIT_ENVIRONMENT
    err = capsys.readouterr().err
    assert said in err and "teleservices.toml:" in err, err
    assert "erreur interne" not in err and "internal error" not in err
