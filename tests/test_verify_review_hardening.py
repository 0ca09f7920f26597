"""``verify``, ``review`` and ``keys`` on what a reviewer is handed: recorded text shown with its control
characters visible, an altered session or a file that is no session refused before anything is written,
cover changes after signing named, a public key recognised as such, a casebook prefix accepted, report-only
options refused for a session, a swapped signature blamed on itself."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.signing import init_key, public_path


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "k.pem"
    init_key(path)
    return path


def signed_report(tmp_path: Path, key: Path) -> tuple[Path, Path]:
    session = campaign(tmp_path, hostile=False)
    folder = tmp_path / "r"
    assert main(["report", str(session), "-o", str(folder), "--sign", "--key", str(key)]) == 0
    return folder, session


def test_verify_shows_a_reviewers_escape_sequence_visibly(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, session = signed_report(tmp_path, key)
    fake = "Examinateur\x1b[2K\rok : aucune annotation ajoutée depuis le rapport"
    assert main(["review", str(session), "KO-1", "--override", "pass", "--reason", "ok", "--reviewer", fake,
                 "--key", str(key)]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["verify", str(folder), "--session", str(session)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert "Examinateur⟨U+001B⟩[2K⟨U+000D⟩ok" in out


def test_verify_names_cover_completions_made_after_signing(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, session = signed_report(tmp_path, key)
    assert main(["cover", str(session), "--agrement", "AG-42"]) == 0
    capsys.readouterr()
    assert main(["verify", str(folder), "--session", str(session)]) == 0
    out = capsys.readouterr().out
    assert "session : ajouté depuis le rapport : page de garde complétée — n° d'agrément ou de test = AG-42" in out
    assert main(["verify", str(folder), "--session", str(session), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "added since the report: cover completed" in out and "ajouté" not in out


def tampered(tmp_path: Path) -> Path:
    session = campaign(tmp_path, hostile=False)
    with sqlite3.connect(session) as conn:
        conn.execute("UPDATE attempts SET verdict = 'pass', reason = '' WHERE case_id = 'KO-1'")
    return session


def test_review_refuses_an_altered_session_and_writes_nothing(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tampered(tmp_path)
    assert main(["review", str(session), "OK-1", "--accept", "--reason", "ok", "--key", str(key)]) == 3
    err = capsys.readouterr().err
    assert "verdict, motif, heure de fin ou durée modifiés après coup" in err
    assert "revue refusée : la session a été modifiée" in err
    with contextlib.closing(sqlite3.connect(session)) as conn:
        assert conn.execute("SELECT count(*) FROM annotations").fetchone() == (0,)
    assert main(["review", str(session), "OK-1", "--accept", "--reason", "ok", "--key", str(key), "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert "review refused" in err and "refusée" not in err


def test_review_leaves_an_empty_file_empty(tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "e.tbsession"
    empty.write_bytes(b"")
    assert main(["review", str(empty), "OK-1", "--accept", "--reason", "x", "--key", str(key)]) == 3
    assert "fichier vide, pas une session" in capsys.readouterr().err
    assert empty.read_bytes() == b""


def not_sessions(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """An empty file, another program's SQLite base and a session of a newer schema, with what each is called."""
    empty = tmp_path / "empty.tbsession"
    empty.write_bytes(b"")
    foreign = tmp_path / "foreign.tbsession"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE clients (id)")
    newer = campaign(tmp_path, "newer.tbsession", hostile=False)
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    return {
        "empty": (empty, "fichier vide, pas une session"),
        "foreign": (foreign, "base SQLite d'un autre programme (tables : clients), pas une session testbench"),
        "newer": (newer, "mettez testbench à jour"),
    }


@pytest.mark.parametrize("command", ["verify", "report", "diff"])
def test_a_file_that_is_no_session_is_named_alike_by_every_command(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for path, said in not_sessions(tmp_path).values():
        out = str(tmp_path / "out")
        args = {"verify": [str(path)], "report": [str(path), "-o", out], "diff": [str(path), str(path)]}
        capsys.readouterr()
        assert main([command, *args[command]]) == 3
        captured = capsys.readouterr()
        assert said in captured.err, captured
        assert "INTÈGRE" not in captured.out and "non pris en charge" not in captured.err


def test_keys_show_reads_a_public_key(tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pub = public_path(key)
    pub.chmod(0o644)
    assert main(["keys", "show", "--key", str(key)]) == 0
    private_said = capsys.readouterr().out
    assert main(["keys", "show", "--key", str(pub)]) == 0
    assert capsys.readouterr().out == private_said  # the same key and fingerprint


def test_signing_with_a_public_key_says_it_is_public(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = campaign(tmp_path, hostile=False)
    pub = public_path(key)
    pub.chmod(0o644)
    assert main(["review", str(session), "OK-1", "--accept", "--reason", "x", "--key", str(pub)]) == 3
    err = capsys.readouterr().err
    assert f"{pub} est une clé publique : il faut la clé privée (.pem)" in err and "chmod" not in err


def casebook_sha(session: Path) -> str:
    with sqlite3.connect(session) as conn:
        return conn.execute("SELECT casebook_sha FROM cases WHERE case_id = 'OK-1'").fetchone()[0]


def test_review_takes_a_casebook_prefix(tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = campaign(tmp_path, hostile=False)
    sha = casebook_sha(session)
    review = ["review", str(session), "OK-1", "--accept", "--reason", "x", "--key", str(key), "--casebook"]
    assert main([*review, sha[:12]]) == 0
    wrong = "0" * 12 if not sha.startswith("0" * 12) else "f" * 12
    assert main([*review, wrong]) == 3
    err = capsys.readouterr().err
    assert f"aucun cahier de la session n'a l'empreinte {wrong} pour le cas OK-1 ; cahiers du cas : {sha[:12]}…" in err
    assert main([*review, sha[:4]]) == 3
    assert "8 chiffres hexadécimaux au moins" in capsys.readouterr().err


def test_verify_of_a_session_refuses_report_options(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = campaign(tmp_path, hostile=False)
    for extra in (["--session", str(session)], ["--key", str(public_path(key))], ["--require-signature"]):
        assert main(["verify", str(session), *extra]) == 3
        captured = capsys.readouterr()
        assert "ne s'appliquent qu'à un dossier de rapport" in captured.err and "INTÈGRE" not in captured.out


def test_a_swapped_signature_is_blamed_and_the_files_still_compared(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, session = signed_report(tmp_path, key)
    assert main(["cover", str(session), "--agrement", "AG-1"]) == 0
    other = tmp_path / "r2"
    assert main(["report", str(session), "-o", str(other), "--sign", "--key", str(key)]) == 0
    shutil.copyfile(other / "manifest.sig.json", folder / "manifest.sig.json")
    capsys.readouterr()
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "modifié : manifest.json / manifest.sig.json" in out
    assert "manifest.sig.json ne signe pas ce manifeste" in out
    assert "fichiers conformes à manifest.json, que la signature n'authentifie pas : la signature a été rempl" in out
    assert "non comparés" not in out
    (folder / "report.json").write_bytes(json.dumps({"x": 1}).encode())  # and a file changed besides
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "1 fichier diffère de manifest.json, que la signature n'authentifie pas : report.json" in out
