"""The organisme ADRi and ApCV answer (caisse, centre) and their references are paths a casebook may expect:
docs/teleservices.md lists them among the calls' results (teleservices audit, session 19: « chemin
d'observation « adri.caisse » inconnu »)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.domain.vocabulary import known_path

REPO = Path(__file__).resolve().parents[1]
PATHS = ("adri.caisse", "adri.centre", "adri.reference", "apcv.caisse", "apcv.centre", "apcv.context_id")


@pytest.mark.parametrize("path", PATHS)
def test_each_result_the_docs_list_is_a_known_path(path: str) -> None:
    assert known_path(path)


def test_a_case_expecting_the_organisme_adri_answered_passes(tmp_path: Path) -> None:
    from testbench.cli.main import main

    text = (REPO / "casebooks" / "psad-teleservices.xml").read_text(encoding="utf-8")
    marking = '<value id="e-adri-marking" step="s-adri" path="adri.marking" type="string" expected="facture-adri"/>'
    assert marking in text
    organisme = (
        '<value id="e-adri-caisse" step="s-adri" path="adri.caisse" type="string" expected="751"/>'
        '<value id="e-adri-centre" step="s-adri" path="adri.centre" type="string" expected="9999"/>'
    )
    (tmp_path / "tls.xml").write_text(text.replace(marking, marking + organisme, 1), encoding="utf-8")
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "cards")
    session = tmp_path / "t.tbsession"
    args = ["run", str(tmp_path / "tls.xml"), "--session", str(session), "--cards", "inprocess"]
    assert main([*args, "-k", "id:TLS-ADRI-001"]) == 0
