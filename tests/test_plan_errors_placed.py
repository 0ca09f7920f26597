"""Exam-plan errors name ``file:line:col`` on the key's own line, with the TOML parser's reason, all in one
pass, and refuse a value of the wrong type (``document-version = 1.0``)."""

from __future__ import annotations

import pytest

from testbench.scope.plan import PlanError, parse_plan


def problems(text: str, lang: str | None = None) -> list[str]:
    with pytest.raises(PlanError) as info:
        parse_plan(text, "plan.toml")
    return info.value.lines(lang)


def test_a_syntax_error_gives_its_column_and_reason() -> None:
    text = 'format = "testbench-plan/1"\nservices = ["adri"\n\n[[casebooks]]\nplan-id = "X"\n'
    [line] = problems(text)
    assert line.startswith("plan.toml:4:1: syntaxe TOML invalide : ")
    assert problems('format = "testbench-plan/1\n') == [
        "plan.toml:1:27: syntaxe TOML invalide : chaîne non terminée (guillemet fermant manquant)"
    ]
    assert problems('format = "testbench-plan/1\n', "en") == [
        "plan.toml:1:27: invalid TOML syntax: unterminated string (missing closing quote)"
    ]


def test_each_error_is_on_its_key_and_every_one_is_said() -> None:
    text = (
        'format = "testbench-plan/1"\n'
        "\n[[casebooks]]\n"
        'plan-id = "TB-1"\n'
        "document-version = 1.0\n"  # line 5: a float
        'sha256 = "abc"\n'  # line 6
        "\n[[requirements]]\n"
        'id = "bad id!"\n'  # line 9
        'domain = "fsee"\n'  # line 10: not hidden by the invalid id
    )
    lines = problems(text)
    assert lines[0] == (
        'plan.toml:5:20: document-version : texte entre guillemets attendu (document-version = "01.00"),'
        " pas un nombre décimal"
    )
    assert lines[1] == "plan.toml:6:10: sha256 de « TB-1 » : 64 chiffres hexadécimaux attendus"
    assert lines[2] == "plan.toml:9:6: identifiant d'exigence invalide « bad id! »"
    assert lines[3].startswith("plan.toml:10:10: domaine inconnu « fsee »")
    assert len(lines) == 4
    assert problems(text, "en")[0] == (
        'plan.toml:5:20: document-version: quoted text expected (document-version = "01.00"), not a decimal number'
    )


def test_an_unknown_key_of_an_entry_is_on_its_own_line() -> None:
    text = 'format = "testbench-plan/1"\n[[casebooks]]\nplan-id = "X"\n\n[[excluded]]\ncase = "A"\nreason = "r"\n'
    text += 'path = "y"\n'  # line 8, not the [[excluded]] header's
    assert problems(text) == ["plan.toml:8:1: clé inconnue « path »"]
