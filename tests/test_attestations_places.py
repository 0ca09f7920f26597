"""A prepared attestations file's mistakes are placed at their JSON line and column, and a value named by an unknown
observation path (« invoice.totals.amox ») is refused with the nearest known one, as the application profile
refuses the same typo — never stored as an observation no expectation reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.manual import AttestationsError, ScriptedOperator

DEMO = CASEBOOKS_DIR / "demo.xml"

TYPO = """\
{
  "operator": "Auditeur",
  "DEMO-FSE-030/m-paper": {"confirmed": true, "values": {"invoice.totals.amox": "33,60"}}
}
"""


def _refusal(tmp_path: Path, text: str) -> AttestationsError:
    file = tmp_path / "att.json"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(AttestationsError) as caught:
        ScriptedOperator(file)
    return caught.value


@pytest.mark.parametrize(
    ("text", "line", "col", "reason"),
    [
        (
            TYPO,
            3,
            58,
            "« DEMO-FSE-030/m-paper » : chemin d'observation inconnu « invoice.totals.amox » — vouliez-vous dire"
            " « invoice.totals.amo » ?",
        ),
        (
            '{"A/s": {"values": {"invoice.lines[2].bse": "1"}}}',
            1,
            21,
            "« A/s » : chemin d'observation inconnu « invoice.lines[2].bse » — vouliez-vous dire"
            " « invoice.lines[2].base » ?",
        ),
        (  # operator mode's names without their call's root (an invoice step's « totals.amo »): checked too
            '{"A/s": {"values": {"totals.amox": "1"}}}',
            1,
            21,
            "« A/s » : chemin d'observation inconnu « totals.amox » — vouliez-vous dire « totals.amo » ?",
        ),
        (
            '{"A/s": {"values": {"zzz": "1"}}}',
            1,
            21,
            "« A/s » : chemin d'observation inconnu « zzz » (docs/casebook-format.md, chemins d'observation)",
        ),
        (
            '{\n  "A/s": {"confirmed": true},\n  "A/t":\n    {"confirmed": "oui"}\n}',
            4,
            19,
            "« A/t » : « confirmed » vaut true ou false, sans guillemets",
        ),
        ('{"A/s": {"note": 12}}', 1, 18, "« A/s » : « note » est un texte entre guillemets"),
        (
            '{"A/s": {"values": {"manual.total": null}}}',
            1,
            37,
            "« A/s » : la valeur de « manual.total » est un texte, un nombre ou true/false",
        ),
        (
            '{"A": {}}',
            1,
            2,
            "« A » : une attestation est un objet (confirmed, values, note) sous une clé « CAS/ÉTAPE »",
        ),
        (
            '{"A/s": {"values": [1]}}',
            1,
            20,
            "« A/s » : une attestation est un objet (confirmed, values, note) sous une clé « CAS/ÉTAPE »",
        ),
        ('\n  [1, 2]', 2, 3, "le fichier doit être un objet JSON dont chaque clé est « CAS/ÉTAPE »"),
        ('{"operator": null}', 1, 14, "« operator » est un texte entre guillemets"),  # it signed as « None »
        # a key written twice: the one json keeps, the last
        (
            '{"A/s": {"confirmed": true}, "A/s": {"confirmed": 1}}',
            1,
            51,
            "« A/s » : « confirmed » vaut true ou false, sans guillemets",
        ),
    ],
)
def test_each_mistake_is_placed_at_its_line_and_column(
    tmp_path: Path, text: str, line: int, col: int, reason: str
) -> None:
    refused = _refusal(tmp_path, text)
    assert (refused.line, refused.col, refused.reason) == (line, col, reason)
    assert str(refused) == f"ligne {line}, colonne {col} : {reason}"


def test_manual_paths_and_known_paths_are_kept(tmp_path: Path) -> None:
    file = tmp_path / "att.json"
    file.write_text(
        '{"A/s": {"confirmed": true, "values": {"manual.paper_total": 5.9, "invoice.lines[1].base": "1,00",'
        ' "totals.amo": "2", "number": "F-1"}}}',
        encoding="utf-8",
    )
    values = ScriptedOperator(file)._answers["A/s"].values
    assert values == {"manual.paper_total": "5.9", "invoice.lines[1].base": "1,00", "totals.amo": "2", "number": "F-1"}


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "3:58: attestations illisibles (« DEMO-FSE-030/m-paper » : chemin d'observation inconnu"
            " « invoice.totals.amox » — vouliez-vous dire « invoice.totals.amo » ?)",
        ),
        (
            "en",
            '3:58: unreadable attestations (“DEMO-FSE-030/m-paper”: unknown observation path'
            ' “invoice.totals.amox” — did you mean “invoice.totals.amo”?)',
        ),
    ],
)
def test_a_run_refuses_an_unknown_path_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    file = tmp_path / "att.json"
    file.write_text(TYPO, encoding="utf-8")
    session = tmp_path / "s.tbsession"
    argv = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*argv, "-k", "DEMO-FSE-030", "--attestations", str(file), "--lang", lang]) == 3
    assert capsys.readouterr().err == f"{file}:{said}\n"
    assert not session.exists()
