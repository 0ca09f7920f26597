"""A damaged scenario registry (``testbench/domain/teleservices.toml``) is said at its file, line and column in
a French sentence that reads in English: a TOML syntax error (by the casebook checks' reader and by the
simulator), an ``http_status`` that is no HTTP status; a simulator that cannot start on it says so in one
sentence and exits 2, never « erreur interne »."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from testbench.domain import teleservices
from testbench.domain.teleservices import RegistryError, registry_data, registry_text
from testbench.i18n import english
from testbench.services.scenarios import parse_registry

FILE = str(Path(teleservices.__file__).with_name("teleservices.toml"))
SYNTAX = registry_text().replace("rights_start_days = -365\n", "rights_start_days = -365 x\n", 1)
STATUS = registry_text().replace('answer = "rights"\n', 'answer = "rights"\nhttp_status = "abc"\n', 1)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_syntax_error_is_placed_at_the_file_line_and_column() -> None:
    with pytest.raises(RegistryError) as damaged:
        parse_registry(SYNTAX)
    line = line_of(SYNTAX, "rights_start_days = -365 x")
    assert str(damaged.value).startswith(f"{FILE}:{line}:26: registre des scénarios illisible : syntaxe TOML")
    assert english(str(damaged.value)).startswith(f"{FILE}:{line}:26: scenario registry unreadable: invalid TOML")


def test_the_casebook_checks_reader_says_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(teleservices, "registry_text", lambda: SYNTAX)
    registry_data.cache_clear()
    try:
        with pytest.raises(RegistryError, match=r":\d+:26: registre des scénarios illisible"):
            teleservices.scenario_names("adri")
    finally:
        registry_data.cache_clear()


def test_an_http_status_that_is_no_status_is_placed() -> None:
    with pytest.raises(RegistryError) as damaged:
        parse_registry(STATUS)
    line = line_of(STATUS, 'http_status = "abc"')
    assert english(str(damaged.value)) == (
        f"{FILE}:{line}:15: scenario registry: adri.droits-ouverts: http_status: HTTP status from 100 to 599 expected"
    )


CHILD = """
import sys
import testbench.services.scenarios as scenarios
text = sys.argv.pop(1)
scenarios.registry_text = lambda: text
from testbench.cli.main import main
sys.exit(main(["services", "serve", "--port", "0"]))
"""


@pytest.mark.parametrize("text", [SYNTAX, STATUS], ids=["syntax", "http_status"])
def test_a_simulator_on_a_damaged_registry_says_where_and_exits_2(tmp_path: Path, text: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, text], input=b"", capture_output=True, timeout=60, cwd=tmp_path
    )
    said = done.stderr.decode("utf-8").splitlines()
    assert done.returncode == 2, said
    assert len(said) == 1 and said[0].startswith(
        f"testbench services : serveur de téléservices impossible à démarrer : {FILE}:"
    ), said
