"""``verify SESSION`` on a session alone: a chain recomputed whole after an edit reads intact (the chain holds no
secret), so the command says that limit before its verdict and prints the head in full, for a reviewer to compare
with a signed report's anchor; ``--help`` says it too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.store import chain


def forge(session: Path) -> str:
    """Rewrite a verdict and recompute the whole chain, as the documented format allows; the forged head."""
    conn = sqlite3.connect(session)
    conn.execute("UPDATE attempts SET verdict = 'pass', reason = '' WHERE verdict = 'fail'")
    prev = chain.GENESIS
    for seq, kind, first, last, digest in conn.execute(
        "SELECT seq, kind, first_id, last_id, digest FROM chain ORDER BY seq"
    ).fetchall():
        if kind not in chain.STATES:
            digest = chain.rows_digest(conn, kind, first, last)[0]
        prev_hash, prev = prev, chain.link_hash(prev, kind, first, last, digest)
        conn.execute("UPDATE chain SET digest = ?, prev = ?, hash = ? WHERE seq = ?", (digest, prev_hash, prev, seq))
    conn.commit()
    conn.close()
    return prev


@pytest.mark.parametrize(
    ("lang", "limit"),
    [
        ("fr", "limite : intègre en interne ; une chaîne recalculée en entier ou une fin coupée ne se voient que"),
        ("en", "limit: intact internally; a chain recomputed whole or an end cut off shows only against"),
    ],
)
def test_a_forged_session_reads_intact_with_its_limit_and_full_head(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, limit: str
) -> None:
    session = campaign(tmp_path, hostile=False)
    head = forge(session)
    assert main(["verify", str(session), "--lang", lang]) == 0  # undetectable alone: said, not hidden
    lines = capsys.readouterr().out.splitlines()
    assert head in lines[0] and f"{head}…" not in lines[0], lines
    assert lines[-2].startswith(limit) and "--session" in lines[-2], lines
    assert lines[-1] == ("INTÈGRE" if lang == "fr" else "INTACT")


def test_an_altered_session_has_no_limit_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = campaign(tmp_path, hostile=False)
    conn = sqlite3.connect(session)
    conn.execute("UPDATE attempts SET reason = 'autre'")
    conn.commit()
    conn.close()
    assert main(["verify", str(session)]) == 1
    assert "limite :" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("lang", "said"),
    [("fr", "une session seule n'est vérifiée qu'en interne"), ("en", "a session alone is checked only internally")],
)
def test_the_help_says_the_limit(capsys: pytest.CaptureFixture[str], lang: str, said: str) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", lang, "verify", "--help"])
    assert said in " ".join(capsys.readouterr().out.split())
