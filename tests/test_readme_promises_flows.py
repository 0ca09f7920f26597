"""README's command blocks run as real processes, line by line as README writes them (read from README itself),
in a folder laid out as the repository's root (its ``casebooks/``) with a throw-away home: each line exits with
the code README promises and writes what it says. Placeholders README leaves to the reader (``plan.toml``,
``last-release.tbsession``, the shards, ``./my-vendor-shim``) are made first; runs not about cards add
``--cards inprocess --engine inprocess``."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.traces.capture import POSITIONS_META

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
NOT_ABOUT_CARDS = ["--cards", "inprocess", "--engine", "inprocess"]

# a POSIX shell's terminal: bash expands README's glob, the vendor's shim is a /bin/sh script, casebooks/ a link
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="README's commands as a POSIX shell runs them")


def readme_line(start: str) -> list[str]:
    """The words of README's one code-block line that begins with ``start`` (its comment dropped)."""
    found = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        found += [shlex.split(line, comments=True) for line in block.splitlines() if line.startswith(start)]
    assert len(found) == 1, f"README has {len(found)} lines starting « {start} »"
    return found[0]


def _env(home: Path) -> dict[str, str]:
    dropped = {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "TESTBENCH_CONFIG_DIR", "TESTBENCH_LANG", "TESTBENCH_SIGNING_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(HOME=str(home), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}")
    return env


class Shell:
    """The reader's terminal: a folder standing for the repository's root, and a fresh home."""

    def __init__(self, tmp_path: Path) -> None:
        self.cwd = tmp_path / "clone"
        self.cwd.mkdir()
        (self.cwd / "casebooks").symlink_to(ROOT / "casebooks")
        (tmp_path / "home").mkdir()
        self.env = _env(tmp_path / "home")

    def __call__(self, words: list[str], *extra: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        assert words[0] == "testbench"
        argv = [str(BIN / "testbench"), *words[1:], *extra]
        return subprocess.run(argv, cwd=self.cwd, env=self.env, input=stdin, capture_output=True, text=True,
                              timeout=120)  # fmt: skip


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    return Shell(tmp_path)


def test_exam_day_block_report_sign_verify_review_cover_coverage(shell: Shell) -> None:
    """§ Exam day and rehearsal, § Reviewing: the session an exam made (here headless, the demo's prepared
    attestations), then the signer's key, the signed book with its PDF, the coverage of a plan (exit 0 ready,
    1 not: README § Exit codes), the book's offline check, a review that counts and the cover fields — each line
    as README writes it."""
    demo = ["testbench", "run", "casebooks/demo.xml", "--session", "exam.tbsession"]
    made = shell(demo, "--attestations", "casebooks/demo-attestations.json", *NOT_ABOUT_CARDS)
    assert made.returncode == 1, made.stderr  # the demo's one case built to fail
    unsigned = shell(readme_line("testbench review exam.tbsession"))  # « signed: keys init first »
    assert unsigned.returncode == 3 and "créez-la avec « testbench keys init »" in unsigned.stderr, unsigned.stderr
    keys = shell(readme_line("testbench keys init"))
    assert keys.returncode == 0, keys.stderr
    assert (Path(shell.env["HOME"]) / ".config/testbench/signing-key.pem").is_file()
    report = shell(readme_line("testbench report exam.tbsession"))
    assert report.returncode == 0, report.stderr
    book = shell.cwd / "reports/exam"
    for name in ("index.html", "report.pdf", "report.json", "junit.xml", "manifest.json", "manifest.sig.json"):
        assert (book / name).is_file(), name
    shutil.copy(ROOT / "casebooks/plans/demo-plan.toml", shell.cwd / "plan.toml")  # the plan: the demo's
    coverage = shell(readme_line("testbench coverage exam.tbsession --plan plan.toml"))
    assert coverage.returncode == 0, coverage.stdout + coverage.stderr  # DEMO-FSE-099 is out of its scope
    assert "Prêt pour le pré-examen : oui" in coverage.stdout
    verify = shell(readme_line("testbench verify reports/exam"))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.splitlines()[-1] == "INTÈGRE"
    review = shell(readme_line("testbench review exam.tbsession"))
    assert review.returncode == 0, review.stderr
    cover = shell(readme_line("testbench cover exam.tbsession"))
    assert cover.returncode == 0, cover.stderr
    assert "Logiciel testé : MonLogiciel — version 4.2" in cover.stdout
    assert "Opérateur : Camille Martin" in cover.stdout
    again = shell(readme_line("testbench coverage exam.tbsession --plan plan.toml"))
    assert again.returncode == 1, again.stdout + again.stderr  # the review's « fail » counts: not ready
    assert "Prêt pour le pré-examen : non" in again.stdout


def test_sut_block_init_then_check(shell: Shell) -> None:
    """§ Exam day on your application: ``sut init`` asks for the log and folders, proposes a line format and
    writes the profile; ``sut check`` shows the lines parsed now."""
    logs = shell.cwd / "app" / "logs"
    logs.mkdir(parents=True)
    (logs / "erp.log").write_text("2026-01-05 09:12:03 INFO FSE 42 montant=12,50\n", encoding="utf-8")
    answers = "MonLogiciel\n4.2\n\napp/logs/*.log\n\n\n\n"
    init = shell(readme_line("testbench sut init"), stdin=answers)
    assert init.returncode == 0, init.stdout + init.stderr
    assert "profil écrit : sut.toml" in init.stdout and "format de ligne proposé" in init.stdout
    check = shell(readme_line("testbench sut check"))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "FSE 42 montant=12,50" in check.stdout


def test_validate_every_bundled_casebook_from_the_repository_root(tmp_path: Path) -> None:
    """``testbench validate casebooks/*.xml`` as written, the shell expanding the glob, in the clone itself."""
    line = shlex.join(readme_line("testbench validate casebooks")).replace("'", "")
    env = _env(tmp_path)
    done = subprocess.run(["bash", "-c", line], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    books = sorted((ROOT / "casebooks").glob("*.xml"))
    assert [ln.split(" : ")[0] for ln in done.stdout.splitlines()] == [f"casebooks/{p.name}" for p in books]
    assert all(" : valide — " in ln for ln in done.stdout.splitlines())


def test_pre_checking_block_import_case_run_export_resume_select(shell: Shell, tmp_path: Path) -> None:
    """§ Pre-checking a release, top to bottom: the exam book imported, a case added, the casebook run with its
    JUnit and report, the results written back into the exam book, the run resumed, a selection run."""
    examples = ROOT / "casebooks/examples"
    shutil.copy(examples / "cahier-exemple.xlsx", shell.cwd / "cahier.xlsx")
    shutil.copy(examples / "cahier-exemple.mapping.toml", shell.cwd / "cahier.mapping.toml")
    shutil.copy(examples / "cahier-exemple.fixtures.xml", shell.cwd)
    (tmp_path / "cards").symlink_to(ROOT / "casebooks/cards")  # the example's fixtures name ../cards/
    imported = shell(readme_line("testbench import cahier.xlsx"))
    assert imported.returncode == 0, imported.stderr
    new = shell(readme_line("testbench new case"))
    assert new.returncode == 0, new.stderr
    assert "cas FSE-042 ajouté" in new.stdout
    run = shell(readme_line("testbench run cahier.xml --session s.tbsession --junit"), *NOT_ABOUT_CARDS)
    assert run.returncode == 0, run.stderr
    assert (shell.cwd / "junit.xml").is_file() and (shell.cwd / "reports/ci/index.html").is_file()
    exported = shell(readme_line("testbench export s.tbsession"))
    assert exported.returncode == 0, exported.stderr
    assert (shell.cwd / "resultats.xlsx").is_file()
    resumed = shell(readme_line("testbench run cahier.xml --session s.tbsession --resume"), *NOT_ABOUT_CARDS)
    assert resumed.returncode == 0, resumed.stderr
    assert "(cette exécution : aucun cas exécuté)" in resumed.stderr
    selected = shell(readme_line("testbench run casebooks/demo.xml"), *NOT_ABOUT_CARDS)
    assert selected.returncode == 0, selected.stderr
    assert "[1/1] DEMO-FSE-002 : réussi" in selected.stderr


def test_diff_merge_and_engine_check_lines(shell: Shell) -> None:
    """The release compared with the last one (no regression: exit 0, the HTML written), two CI shards merged
    into one session, and a vendor's shim (here one that serves the reference engine) passed through ``--``."""
    billing = ["testbench", "run", "casebooks/billing.xml"]
    for k in (1, 2):
        shard = shell(billing, "--session", f"shard-{k}.tbsession", "--shard", f"{k}/2", *NOT_ABOUT_CARDS)
        assert shard.returncode == 0, shard.stderr
    merged = shell(readme_line("testbench merge"))
    assert merged.returncode == 0, merged.stderr
    assert "all.tbsession : 2 sessions, 57 cas" in merged.stdout
    shutil.copy(shell.cwd / "all.tbsession", shell.cwd / "last-release.tbsession")
    shutil.copy(shell.cwd / "all.tbsession", shell.cwd / "s.tbsession")
    diff = shell(readme_line("testbench diff"))
    assert diff.returncode == 0, diff.stdout + diff.stderr
    assert "aucune régression" in diff.stdout and (shell.cwd / "diff.html").is_file()
    shim = shell.cwd / "my-vendor-shim"
    shim.write_text(f'#!/bin/sh\n[ "$1 $2" = "--config shim.ini" ] || exit 9\nexec "{sys.executable}" -m testbench'
                    " engine serve\n")  # fmt: skip
    shim.chmod(0o755)
    (shell.cwd / "shim.ini").write_text("")
    check = shell(readme_line("testbench engine check"))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "CONFORME" in check.stdout


def test_run_syslog_zero_takes_a_free_port_and_prints_it(shell: Shell) -> None:
    """« `--syslog PORT` receive the application's syslog on 127.0.0.1 (0: a free port, printed) »."""
    line = ["testbench", "run", "casebooks/demo.xml", "--session", "s.tbsession", "-k", "id:DEMO-FSE-001"]
    done = shell(line, "--syslog", "0", *NOT_ABOUT_CARDS)
    assert done.returncode == 0, done.stderr
    ports = re.search(r"syslog : 127\.0\.0\.1 UDP (\d+) / TCP (\d+)", done.stderr)
    assert ports is not None, done.stderr
    assert all(0 < int(port) < 65536 for port in ports.groups())


def test_run_app_log_is_repeatable_and_takes_format_auto(shell: Shell) -> None:
    """« `--app-log "PATH;format=auto"` follow the application's log files …, repeatable »: two logs given, both
    are followed (their read positions kept in the session, as a resume needs them)."""
    for name in ("erp.log", "tpe.log"):
        (shell.cwd / name).write_text("2026-01-05 09:12:03 INFO prêt\n", encoding="utf-8")
    line = ["testbench", "run", "casebooks/demo.xml", "--session", "s.tbsession", "-k", "id:DEMO-FSE-001"]
    logs = ["--app-log", "erp.log;format=auto", "--app-log", "tpe.log;format=auto"]
    done = shell(line, *logs, *NOT_ABOUT_CARDS)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(shell.cwd / "s.tbsession") as conn:
        (value,) = conn.execute("SELECT value FROM meta WHERE key = ?", (POSITIONS_META,)).fetchone()
    assert sorted(p["source"] for p in json.loads(value)) == ["erp.log", "tpe.log"]
