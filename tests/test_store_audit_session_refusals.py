"""How a run says it cannot open its session, each time naming what is really in the way and what to do:

- a write refused before the session exists (a file-size limit): nothing to resume, the command is run again, and
  the cause is named (« fichier trop grand… », not « erreur d'entrée-sortie du disque »); a file the system protects
  (``chattr +i``) is said as such;
- a folder in the lock file's place is named, not the session;
- a session another process writes: what can be done meanwhile (no « lecture seule » option exists on ``run``);
- a session damaged on disk given to a plain run: said damaged, not « contient déjà des résultats »."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.store.session import SessionStore

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


def _cli(args: list[str], cwd: Path, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limited() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    # no bytecode: past its file-size limit a child writes a cut .pyc (CPython ignores the
    # short write), which breaks every later import of that module
    env = {**os.environ, "HOME": str(cwd), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "testbench", *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=300, preexec_fn=limited,
    )


def test_a_session_never_created_is_run_again_not_resumed_and_its_cause_named(tmp_path: Path) -> None:
    proc = _cli(["run", str(DEMO), "--session", "rpj.tbsession", *BENCH], tmp_path, limit=100 * 1024)
    assert proc.returncode == 2, proc.stderr
    assert not (tmp_path / "rpj.tbsession").exists()
    said = proc.stderr
    assert "fichier trop grand pour la limite de taille des fichiers, 100\u00a0Kio" in said, said
    assert "la session n'a pas pu être créée" in said and "relancez la commande (sans --resume)" in said
    assert "reprenez-la" not in said and "erreur d'entrée-sortie" not in said
    english = _cli(["run", str(DEMO), "--session", "rpj.tbsession", *BENCH, "--lang", "en"], tmp_path, 100 * 1024)
    assert "the session could not be created" in english.stderr, english.stderr
    assert "file-size limit, 100 KiB" in english.stderr


@pytest.mark.skipif(shutil.which("chattr") is None or os.geteuid() != 0, reason="chattr +i needs root")
def test_a_protected_session_file_is_said_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *BENCH]) == 0
    if subprocess.run(["chattr", "+i", str(session)], capture_output=True).returncode != 0:
        pytest.skip("this file system has no immutable flag")
    try:
        capsys.readouterr()
        assert main(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), "--rerun", *BENCH]) == 2
    finally:
        subprocess.run(["chattr", "-i", str(session)], check=True)
    err = capsys.readouterr().err
    assert "opération non permise, fichier protégé contre toute modification" in err, err
    assert "retirez la protection du fichier (chattr -i)" in err


def test_a_folder_in_the_lock_place_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "lk.tbsession"
    (tmp_path / "lk.tbsession.lock").mkdir()
    capsys.readouterr()
    assert main(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *BENCH]) == 3
    err = capsys.readouterr().err
    assert f"{tmp_path / 'lk.tbsession.lock'} : un dossier occupe la place du fichier de verrou" in err, err


def test_a_session_being_written_says_what_can_be_done_meanwhile(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session):
        proc = _cli(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *BENCH], tmp_path)
        english = _cli(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *BENCH, "--lang", "en"],
                       tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert f"(pid {os.getpid()} sur " in proc.stderr
    assert "attendez sa fin ou arrêtez-le (en attendant, testbench verify la vérifie et testbench ui l'ouvre en" \
        " lecture seule)" in proc.stderr, proc.stderr
    assert "ouvrez la session en lecture seule" not in proc.stderr
    assert "testbench ui opens it read-only" in english.stderr, english.stderr


def test_a_damaged_session_is_said_damaged_by_a_plain_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "fl.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) == 2  # the demo has failures
    data = bytearray(session.read_bytes())
    page = 4096
    for offset in range(len(data) // 2, len(data) - page, page):  # the second half's pages, headers kept apart
        data[offset + 200 : offset + 1200] = os.urandom(1000)
    session.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) == 3
    err = capsys.readouterr().err
    assert "fichier de session endommagé ou illisible" in err, err
    assert "contient déjà des résultats" not in err
