"""A prepared attestations file (``run --attestations``) as people write it: saved with a byte-order mark by a
Windows editor, or of the wrong shape — read, or refused before anything runs with what is wrong, in French
and English; never a traceback, mid-run or before."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-030"]
ANSWER = json.loads((CASEBOOKS_DIR / "demo-attestations.json").read_text(encoding="utf-8"))


def run(tmp_path: Path, content: bytes, *more: str) -> int:
    (tmp_path / "attestations.json").write_bytes(content)
    session = tmp_path / "s.tbsession"
    return main(
        [
            "run",
            str(DEMO),
            "--session",
            str(session),
            *BENCH,
            "--attestations",
            str(tmp_path / "attestations.json"),
            *more,
        ]
    )


def test_a_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    assert run(tmp_path, b"\xef\xbb\xbf" + json.dumps(ANSWER).encode("utf-8")) == 0
    with read_session(tmp_path / "s.tbsession") as session:
        assert [case.verdict for case in session.cases] == ["pass"]


def _placed(file: Path, line: str, column: str, space: str, unreadable: str, reason: str) -> str:
    """The line said: a mistake placed in the file (« ligne 1, colonne 55 : … ») at ``file:1:55``, as a casebook's."""
    place = re.fullmatch(rf"{line} (\d+), {column} (\d+){space}: (.*)", reason, re.S)
    if place is None:
        return f"{file}{space}: {unreadable} ({reason})\n"
    return f"{file}:{place[1]}:{place[2]}: {unreadable} ({place[3]})\n"


@pytest.mark.parametrize(
    ("content", "french", "english"),
    [
        (
            b"[1, 2]",
            "ligne 1, colonne 1 : le fichier doit être un objet JSON dont chaque clé est « CAS/ÉTAPE »",
            'line 1, column 1: the file must be a JSON object whose every key is “CASE/STEP”',
        ),
        (
            b'{"DEMO-FSE-030/m-paper": "oui"}',
            "ligne 1, colonne 2 : « DEMO-FSE-030/m-paper » : une attestation est un objet (confirmed, values, note)"
            " sous une clé « CAS/ÉTAPE »",
            'line 1, column 2: “DEMO-FSE-030/m-paper”: an attestation is an object (confirmed, values, note) under a'
            ' “CASE/STEP” key',
        ),
        (
            b'{"DEMO-FSE-030": {"confirmed": true}}',
            "ligne 1, colonne 2 : « DEMO-FSE-030 » : une attestation est un objet (confirmed, values, note) sous une"
            " clé « CAS/ÉTAPE »",
            'line 1, column 2: “DEMO-FSE-030”: an attestation is an object (confirmed, values, note) under a'
            ' “CASE/STEP” key',
        ),
        (
            b'{"DEMO-FSE-030/m-paper": {"confirmed": "false"}}',  # a truthy string: it attested the step
            "ligne 1, colonne 40 : « DEMO-FSE-030/m-paper » : « confirmed » vaut true ou false, sans guillemets",
            'line 1, column 40: “DEMO-FSE-030/m-paper”: “confirmed” is true or false, without quotes',
        ),
        (
            b'{"DEMO-FSE-030/m-paper": {"confirmed": false, "note": 12}}',
            "ligne 1, colonne 55 : « DEMO-FSE-030/m-paper » : « note » est un texte entre guillemets",
            'line 1, column 55: “DEMO-FSE-030/m-paper”: “note” is a text in quotes',
        ),
        *(
            (
                b'{"DEMO-FSE-030/m-paper": {"confirmed": true, "values": {"manual.paper_total": %s}}}' % value,
                "ligne 1, colonne 79 : « DEMO-FSE-030/m-paper » : la valeur de « manual.paper_total » est un texte,"
                " un nombre ou true/false",
                'line 1, column 79: “DEMO-FSE-030/m-paper”: the value of “manual.paper_total” is a text, a number or'
                " true/false",
            )
            for value in (b"null", b"[1, 2]", b'{"a": 1}', b"1e400", b"NaN")  # read as « None », « [1, 2] », « inf »
        ),
        (b"[" * 100_000 + b"]" * 100_000, "JSON trop imbriqué", "JSON nested too deeply"),
        (b'{"operator": ' + b"9" * 5000 + b"}", "nombre trop long", "number too long"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused_with_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, french: str, english: str
) -> None:
    file = tmp_path / "attestations.json"
    assert run(tmp_path, content) == 3
    assert capsys.readouterr().err == _placed(file, "ligne", "colonne", " ", "attestations illisibles", french)
    assert run(tmp_path, content, "--lang", "en") == 3
    assert capsys.readouterr().err == _placed(file, "line", "column", "", "unreadable attestations", english)
    assert not (tmp_path / "s.tbsession").exists()  # refused before anything ran


def test_json_true_and_numbers_are_recorded_as_the_form_would_take_them(tmp_path: Path) -> None:
    """``true`` is recorded as the casebook writes a boolean (« true », never Python's « True »; read oui/yes in each
    language), a number as written: the case passes on them."""
    answer = {
        "DEMO-FSE-030/m-paper": {"confirmed": True, "values": {"manual.paper_printed": True, "manual.paper_total": 5.9}}
    }
    assert run(tmp_path, json.dumps(answer).encode()) == 0
    with read_session(tmp_path / "s.tbsession") as session:
        (case,) = session.cases
        assert case.verdict == "pass"
        values = {o["path"]: o["value"] for o in session.observations(case.latest.id) if o["step_id"] == "m-paper"}
    assert values == {"manual.paper_printed": "true", "manual.paper_total": "5.9"}


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "DEMO-FSE-030 : échec — étape manuelle m-paper rejetée par l'opérateur : motif non donné"),
        ("en", "DEMO-FSE-030: failed — manual step m-paper rejected by the operator: no reason given"),
    ],
)
def test_a_rejection_without_a_note_says_so_in_each_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """The same rule as an operator-mode step: asked again for a reason, none given reads « motif non donné »
    (it read « rejetée par l'opérateur : » with nothing after, and in English « rejected by l'opérateur : »)."""
    assert run(tmp_path, b'{"DEMO-FSE-030/m-paper": {"confirmed": false}}', "--lang", lang) == 1
    assert said in capsys.readouterr().err


def test_an_attestation_that_names_no_step_is_said_as_the_run_starts(tmp_path: Path, capsys) -> None:
    """« DEMO-FSE-O30 » (a letter O for a zero) left the case pending with nothing said; a key of another
    casebook's case is said too (the file may serve several casebooks: said, not refused)."""
    answers = {key.replace("DEMO-FSE-030", "DEMO-FSE-O30"): value for key, value in ANSWER.items()}
    assert run(tmp_path, json.dumps(answers).encode("utf-8")) == 2  # pending: the step got no answer
    err = capsys.readouterr().err
    assert "attestation « DEMO-FSE-O30/m-paper » : aucune étape de ce nom dans les cahiers (faute de frappe ?)" in err
    assert run(tmp_path, json.dumps(ANSWER).encode("utf-8"), "--lang", "en", "--rerun") == 0
    assert "attestation “" not in capsys.readouterr().err  # the right key: nothing said
