"""``testbench verify SESSION`` names the attempts a tampering touched, no more and no less than they are.

Problems about rows of several attempts say « plusieurs tentatives » only when one case has more than one of them
(one attempt of each of two cases is said so, with its number when they share it). An attempt row deleted together
with its start and finish chain entries leaves the chain nothing to name it by: the rows it recorded, which the chain
still vouches for, name it (« cas KO-1, tentative 1 — tentatives, ligne 2 : tentative supprimée … »), after the
entries said deleted. Real sessions on disk, tampered with through sqlite3, checked through the CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_store_s28_deleted_attempt_named import entry, session, tamper, verify

from testbench.cli.main import main

THREE_RUNS = (("OK-1", "KO-1", "OK-2"), ("KO-1",), ("KO-1",))  # rows: 1 OK-1, 2 KO-1, 3 OK-2, 4 KO-1 #2, 5 KO-1 #3


def without_finish_entries(tmp: Path, *attempts: int) -> Path:
    path = session(tmp, *THREE_RUNS)
    seqs = ", ".join(str(entry(path, "attempt-finish", a)) for a in attempts)
    tamper(path, f"DELETE FROM chain WHERE seq IN ({seqs})")
    return path


@pytest.mark.parametrize(
    ("attempts", "lang", "said"),
    [
        ((3, 4), "fr", "cas OK-2, KO-1 (une tentative de chacun) — tentatives : 2 verdicts sans entrée de chaîne"),
        ((3, 4), "en", "cases OK-2, KO-1 (one attempt of each) — attempts: 2 verdicts without a chain entry"),
        ((2, 4), "fr", "cas KO-1 (plusieurs tentatives) — tentatives : 2 verdicts sans entrée de chaîne"),
        ((2, 3, 4), "fr", "cas KO-1, OK-2 (plusieurs tentatives) — tentatives : 3 verdicts sans entrée de chaîne"),
        ((2, 3, 4), "en", "cases KO-1, OK-2 (several attempts) — attempts: 3 verdicts without a chain entry"),
    ],
)
def test_several_attempts_only_when_a_case_has_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], attempts: tuple[int, ...], lang: str, said: str
) -> None:
    lines = verify(without_finish_entries(tmp_path, *attempts), lang, capsys)
    assert lines[-1].startswith(said), lines


def test_one_attempt_of_two_cases_with_the_same_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = verify(without_finish_entries(tmp_path, 1, 3), "fr", capsys)
    assert lines[-1] == (
        "cas OK-1, OK-2, tentative 1 de chacun — tentatives : 2 verdicts sans entrée de chaîne (lignes 1, 3)"
    ), lines


def delete_attempt_and_entries(path: Path, attempt: int) -> tuple[int, int]:
    start, finish = entry(path, "attempt-start", attempt), entry(path, "attempt-finish", attempt)
    tamper(path, f"DELETE FROM attempts WHERE id = {attempt}", f"DELETE FROM chain WHERE seq IN ({start}, {finish})")
    return start, finish


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "cas KO-1, tentative {number} — tentatives, ligne {row} : tentative supprimée avec ses entrées de chaîne"
            " (ce qu'elle a enregistré la désigne encore)",
        ),
        (
            "en",
            "case KO-1, attempt {number} — attempts, line {row}: attempt deleted together with its chain entries"
            " (what it recorded still points to it)",
        ),
    ],
)
@pytest.mark.parametrize(("row", "number"), [(2, 1), (4, 2)])
def test_an_attempt_deleted_with_both_its_entries_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str, row: int, number: int
) -> None:
    path = session(tmp_path, *THREE_RUNS)
    start, finish = delete_attempt_and_entries(path, row)
    deleted = {"fr": "chaîne : entrée {} supprimée", "en": "chain: entry {} deleted"}[lang]
    assert verify(path, lang, capsys) == [
        deleted.format(start),
        deleted.format(finish),
        said.format(number=number, row=row),
    ]


def test_an_untouched_session_names_no_attempt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = session(tmp_path, *THREE_RUNS)
    capsys.readouterr()
    assert main(["verify", str(path)]) == 0
    assert "supprimée" not in capsys.readouterr().out
