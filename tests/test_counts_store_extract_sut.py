"""Counts agree with their number in the integrity chain's problems, the fixed-width extractor's errors and
``testbench sut check`` / ``sut init``, in French and in English, through the commands that show them.

The chain's problems are composed in French (a merged session keeps them) and read in English by
``testbench.i18n.english``: ``verify --lang en`` shows that read-back.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.i18n import english


@pytest.fixture(scope="module")
def three_cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session of three cases; its first trace lines are chained in batches (1–3, 4 alone)."""
    session = campaign(tmp_path_factory.mktemp("chain"), case_ids=("OK-1", "KO-1", "KO-2"))
    conn = sqlite3.connect(session)
    batches = conn.execute("SELECT first_id, last_id FROM chain WHERE kind = 'trace_lines' ORDER BY seq").fetchall()
    conn.close()
    assert batches[:2] == [(1, 3), (4, 4)], batches  # what the deletions below rely on
    return session


def _verify(session: Path, tmp_path: Path, sql: str, lang: str, capsys: pytest.CaptureFixture[str]) -> str:
    """``testbench verify`` of a copy of ``session`` changed by ``sql``: what it prints."""
    copy = tmp_path / "s.tbsession"
    copy.write_bytes(session.read_bytes())
    conn = sqlite3.connect(copy)
    conn.executescript(sql)
    conn.close()
    capsys.readouterr()
    assert main(["verify", str(copy), "--lang", lang]) == 1
    return capsys.readouterr().out


ADDED = "INSERT INTO trace_lines (channel, mono_ns, wall, text) VALUES ('app', 1, 1.0, 'ajoutée');"


@pytest.mark.parametrize(
    ("sql", "lang", "said"),
    [
        ("DELETE FROM trace_lines WHERE id = 2;", "fr", "(entrée {seq}), 1 ligne supprimée"),
        ("DELETE FROM trace_lines WHERE id IN (2, 3);", "fr", "(entrée {seq}), 2 lignes supprimées"),
        ("DELETE FROM trace_lines WHERE id = 2;", "en", "(entry {seq}), 1 line deleted"),
        ("DELETE FROM trace_lines WHERE id IN (2, 3);", "en", "(entry {seq}), 2 lines deleted"),
        (ADDED, "fr", "lignes de trace : 1 ligne hors chaîne (ajoutée après coup ?) : 16"),
        (ADDED * 2, "fr", "lignes de trace : 2 lignes hors chaîne (ajoutées après coup ?) : 16, 17"),
        (ADDED, "en", "trace lines: 1 line outside the chain (added afterwards?): 16"),
        (ADDED * 2, "en", "trace lines: 2 lines outside the chain (added afterwards?): 16, 17"),
        ("DELETE FROM cases WHERE case_id != 'OK-1';", "fr", "(entrée {seq}), 1 ligne au lieu de 3"),
        ("DELETE FROM cases WHERE case_id = 'KO-2';", "fr", "(entrée {seq}), 2 lignes au lieu de 3"),
        ("DELETE FROM cases WHERE case_id != 'OK-1';", "en", "(entry {seq}), 1 line instead of 3"),
        ("DELETE FROM cases WHERE case_id = 'KO-2';", "en", "(entry {seq}), 2 lines instead of 3"),
    ],
)
def test_verify_says_the_rows_changed_agreeing_with_their_number(
    three_cases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], sql: str, lang: str, said: str
) -> None:
    conn = sqlite3.connect(three_cases)
    table = "trace_lines" if "trace_lines" in sql else "cases"
    (seq,) = conn.execute("SELECT MAX(seq) FROM chain WHERE kind = ? AND first_id <= 2", (table,)).fetchone()
    conn.close()
    out = _verify(three_cases, tmp_path, sql, lang, capsys)
    assert said.format(seq=seq) in out, out
    assert "(s)" not in out


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "lignes de trace, ligne 4 : contenu différent de celui enregistré dans la chaîne (entrée {seq}), "
            "ligne supprimée",
        ),
        ("en", "trace lines, line 4: content differs from what the chain recorded (entry {seq}), line deleted"),
    ],
)
def test_verify_says_a_single_row_deleted_without_a_count(
    three_cases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    conn = sqlite3.connect(three_cases)
    (seq,) = conn.execute("SELECT seq FROM chain WHERE kind = 'trace_lines' AND first_id = 4").fetchone()
    conn.close()
    out = _verify(three_cases, tmp_path, "DELETE FROM trace_lines WHERE id = 4;", lang, capsys)
    assert said.format(seq=seq) in out, out


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", ("1 ligne supprimée", "lignes de trace : 2 lignes hors chaîne (ajoutées après coup ?) : 16, 17")),
        ("en", ("1 line deleted", "trace lines: 2 lines outside the chain (added afterwards?): 16, 17")),
    ],
)
def test_the_reports_integrity_line_agrees(
    three_cases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: tuple[str, ...]
) -> None:
    """``testbench report`` of a changed session says in its integrity line what ``verify`` says."""
    _verify(three_cases, tmp_path, f"DELETE FROM trace_lines WHERE id = 2; {ADDED * 2}", lang, capsys)
    folder = tmp_path / "report"
    assert main(["report", str(tmp_path / "s.tbsession"), "-o", str(folder), "--lang", lang]) == 2  # altered
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert [s for s in said if s not in page] == []


@pytest.mark.parametrize(
    ("french", "english_text"),
    [
        (
            "trace_lines lignes 1–3 : contenu différent de celui enregistré dans la chaîne (entrée 9), "
            "2 ligne(s) supprimée(s)",
            "trace_lines lines 1–3: content differs from what the chain recorded (entry 9), 2 line(s) deleted",
        ),
        (
            "trace_lines : 1 ligne(s) hors chaîne (ajoutées après coup ?) : 16",
            "trace_lines: 1 line(s) outside the chain (added afterwards?): 16",
        ),
        (
            "cases : contenu modifié depuis son dernier enregistrement dans la chaîne (entrée 4), "
            "2 ligne(s) au lieu de 3",
            "cases: content changed since its last record in the chain (entry 4), 2 line(s) instead of 3",
        ),
        (  # before the tables were named in words
            "trace_lines ligne 4 : contenu différent de celui enregistré dans la chaîne (entrée 9), ligne supprimée",
            "trace_lines line 4: content differs from what the chain recorded (entry 9), line deleted",
        ),
        (
            "artifacts : le fichier 0123456789abcdef… ne correspond plus à son empreinte",
            "artifacts: file 0123456789abcdef… no longer matches its hash",
        ),
        (
            "attempts : verdict sans entrée de chaîne pour les tentatives 3, 4",
            "attempts: verdict without a chain entry for attempts 3, 4",
        ),
    ],
)
def test_a_problem_kept_before_the_count_agreed_still_reads_in_english(french: str, english_text: str) -> None:
    """A session merged with ``--allow-tampered`` keeps its inputs' problems as they were said then."""
    assert english(french) == english_text


LOG = "2026-12-03 09:14:0{n},004 [main] INFO  fact - ligne {n}\n"

PROFILE = """\
[product]
name = "Démo ERP"

[[logs]]
path = "logs/app-*.log"

[outputs]
fse = "out/fse"
lots = "out/lots"

[[extractors]]
name = "longueur"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
stable_for = 0
record_type = [1, 1]
record_length = 4
fields = { "A.n" = "lot.number" }

[[extractors.records]]
type = "A"
fields = [{ name = "n", start = 2, length = 3, type = "text" }]

[[extractors]]
name = "champ"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
stable_for = 0
record_type = [1, 1]
fields = { "A.n" = "lot.number" }

[[extractors.records]]
type = "A"
fields = [{ name = "n", start = 3, length = 2, type = "text" }]
"""


def _application(root: Path, count: int) -> Path:
    """A folder whose log has ``count`` lines, whose FSE folder ``count`` files, whose lot ``count`` characters."""
    for folder in ("logs", "out/fse", "out/lots"):
        (root / folder).mkdir(parents=True)
    (root / "logs" / "app-1.log").write_text("".join(LOG.format(n=n) for n in range(count)), encoding="utf-8")
    for n in range(count):
        (root / "out" / "fse" / f"F{n}.xml").write_text("<fse/>\n", encoding="utf-8")
    lot = root / "out" / "lots" / "000001.b2"
    lot.write_text("AB"[:count] + "\n", encoding="ascii")
    past = time.time() - 10
    os.utime(lot, (past, past))
    (root / "sut.toml").write_text(PROFILE, encoding="utf-8")
    return root / "sut.toml"


@pytest.mark.parametrize(
    ("lang", "count", "said"),
    [
        (
            "fr",
            1,
            (
                "fichier {logs}/app-1.log : 1 dernière ligne",
                "(1 fichier récent)",
                "octet 0 : 1 caractère au lieu de 4",
                "octet 1 : enregistrement trop court (1 caractère) pour le champ n (colonnes 3–4)",
            ),
        ),
        (
            "fr",
            2,
            (
                "fichier {logs}/app-1.log : 2 dernières lignes",
                "(2 fichiers récents)",
                "octet 0 : 2 caractères au lieu de 4",
                "octet 2 : enregistrement trop court (2 caractères) pour le champ n (colonnes 3–4)",
            ),
        ),
        (
            "en",
            1,
            (
                "file {logs}/app-1.log: last 1 line",
                "(1 recent file)",
                "byte 0: 1 character instead of 4",
                "byte 1: record too short (1 character) for the field n (columns 3–4)",
            ),
        ),
        (
            "en",
            2,
            (
                "file {logs}/app-1.log: last 2 lines",
                "(2 recent files)",
                "byte 0: 2 characters instead of 4",
                "byte 2: record too short (2 characters) for the field n (columns 3–4)",
            ),
        ),
    ],
)
def test_sut_check_counts_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, count: int, said: tuple[str, ...]
) -> None:
    """The log's last lines, the folder's recent files, the fixed-width extractors' errors on a short record."""
    profile = _application(tmp_path / "erp", count)
    assert main(["sut", "check", str(profile), "--lang", lang]) == 3  # the extractors cannot read the lot
    out = capsys.readouterr().out
    assert [s for s in said if s.format(logs=profile.parent / "logs") not in out] == [], out
    assert "(s)" not in out


@pytest.mark.parametrize(
    ("lang", "lines", "files", "said"),
    [
        ("fr", 1, 1, "(1 ligne lue dans 1 fichier)"),
        ("fr", 2, 2, "(2 lignes lues dans 2 fichiers)"),
        ("fr", 2, 1, "(2 lignes lues dans 1 fichier)"),
        ("en", 1, 1, "(1 line read in 1 file)"),
        ("en", 2, 2, "(2 lines read in 2 files)"),
        ("en", 1, 2, "(1 line read in 2 files)"),
    ],
)
def test_sut_init_says_the_lines_it_read_agreeing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, lines: int, files: int, said: str
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    for n in range(files):
        (logs / f"app-{n}.log").write_text(LOG.format(n=n) * (1 if n else lines - files + 1), encoding="utf-8")
    output = tmp_path / "sut.toml"
    argv = ["sut", "init", "--output", str(output), "--logs", str(logs / "*.log"), "--watch-seconds", "0"]
    assert main([*argv, "--yes", "--name", "Démo ERP", "--lang", lang]) == 0
    text = output.read_text(encoding="utf-8")
    assert said in text, text
