"""``run -k``/``--tag`` edge cases: ``verdict:`` (the workstation filter's word) is refused pointing to
``--failed``; an empty ``--tag`` is refused (exit 3); ``-k``'s help names the exact forms and that accents and
case do not matter, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.selection import SelectionError, compile_keyword
from testbench.cli.main import main

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


def _code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's refusal
        return int(exc.code or 0)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "« verdict: » est un mot du filtre du poste de travail, pas de -k (--failed relance"),
        ("en", "“verdict:” is a word of the workstation's filter, not of -k (--failed reruns"),
    ],
)
def test_verdict_is_the_workstations_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    session = tmp_path / "s.tbsession"
    assert _code(["run", str(DEMO), "--session", str(session), *BENCH, "-k", "verdict:échec", "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert said in err
    assert "aucun cas ne correspond" not in err and "no case matches" not in err
    assert not session.exists()


def test_verdict_in_an_expression_is_refused_too() -> None:
    with pytest.raises(SelectionError):
        compile_keyword("lpp or Verdict:echec")
    compile_keyword("verdict:")  # a bare word, as any other (no value: nothing of the filter's)


def test_an_empty_tag_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert _code(["run", str(DEMO), "--session", str(session), *BENCH, "--tag", ""]) == 3
    assert "étiquette vide : --tag attend le tag des cas à garder" in capsys.readouterr().err
    assert _code(["--lang", "en", "run", str(DEMO), "--session", str(session), *BENCH, "--tag", " "]) == 3
    assert "empty tag: --tag expects the tag of the cases to keep" in capsys.readouterr().err
    assert not session.exists()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", ["id:, tag:, domain:, mode:", "accents et majuscules indifférents"]),
        ("en", ["exact forms id:, tag:, domain:, mode:", "accents and case do not matter"]),
    ],
)
def test_k_help_names_the_exact_forms(capsys: pytest.CaptureFixture[str], lang: str, said: list[str]) -> None:
    assert _code(["--lang", lang, "run", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the help
    for part in said:
        assert part in out
