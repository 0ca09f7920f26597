"""A lone UTF-16 surrogate in an engine's answer (audit s22 §2): ``"\\ud800"`` is legal JSON syntax but no character.

It crashed the bench (« erreur interne de testbench », no JUnit, exit 2: SQLite cannot store it as UTF-8) or was
charged to the bench (« défaut du banc »). It is now the engine's protocol fault when the answer is decoded
(« défaut du moteur », exit 1, JUnit written); and the store keeps such a text escaped if any reaches it.
"""

from __future__ import annotations

import sqlite3
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.engines.protocol import jsonrpc as J
from testbench.i18n import english
from testbench.paths import CASEBOOKS_DIR
from testbench.store import chain
from testbench.store.read import read_session
from testbench.store.session import SessionStore

DEMO = CASEBOOKS_DIR / "demo.xml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"
LONE = "chaîne avec un \\ud800 isolé, moitié d'une paire UTF-16 et non un caractère"

#: the reference engine behind a proxy that rewrites one value of its answers
PROXY = """
import subprocess, sys, threading
engine = subprocess.Popen([sys.executable, "-m", "testbench", "engine", "serve"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE)
def up():
    for line in sys.stdin.buffer:
        engine.stdin.write(line); engine.stdin.flush()
    engine.stdin.close()
threading.Thread(target=up, daemon=True).start()
for line in engine.stdout:
    sys.stdout.buffer.write(line.replace(OLD, NEW)); sys.stdout.buffer.flush()
"""


def test_a_lone_surrogate_is_not_json_rpc_a_pair_or_an_escaped_backslash_is() -> None:
    with pytest.raises(ValueError) as refused:
        J.parse(b'{"jsonrpc": "2.0", "id": 1, "result": {"x": "a\\ud800"}}')
    assert str(refused.value) == LONE
    with pytest.raises(ValueError, match="udfff"):
        J.parse(b'{"jsonrpc": "2.0", "id": 1, "result": {"\\uDFFF": 1}}')  # a key too
    assert J.parse(b'{"x": ["\\ud83d\\ude00"]}') == {"x": ["\U0001f600"]}  # a whole pair is a character
    assert J.parse(b'{"x": "\\\\ud800"}') == {"x": "\\ud800"}  # six characters, not a surrogate
    assert english(f"create_invoice : sortie qui n'est pas du JSON-RPC ({LONE}) : « x »") == (
        "create_invoice: output that is not JSON-RPC (string with a lone \\ud800, half of a UTF-16 pair and not a"
        " character): “x”"
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [(b'"163.80"', b'"163.80\\ud800"'), (b'"LPP"', b'"LPP\\ud800"')],  # an amount its schema refuses; free text
    ids=["schema", "free-text"],
)
def test_an_answer_with_a_lone_surrogate_fails_the_case_as_the_engines_fault(
    old: bytes, new: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy = tmp_path / "proxy.py"
    proxy.write_text(f"OLD, NEW = {old!r}, {new!r}\n{PROXY}", encoding="utf-8")
    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    code = main(
        [
            "run", str(DEMO), "--session", str(session), "-k", "id:DEMO-FSE-099", "--cards", "inprocess",
            "--attestations", str(ATTESTATIONS), "--engine", f"{sys.executable} {proxy}", "--junit", str(junit),
        ]
    )  # fmt: skip
    out = capsys.readouterr()
    assert code == 1, out.out + out.err  # the product's failure, not the bench's (2) nor an internal error
    assert "erreur interne" not in out.out + out.err and "défaut du banc" not in out.out + out.err
    (case,) = ET.parse(junit).getroot().iter("testcase")
    (failure,) = case.iter("failure")
    assert "défaut du moteur" in failure.get("message", "") and "\\ud800 isolé" in (failure.text or "")
    with read_session(session) as s:
        assert [c.verdict for c in s.cases] == ["fail"]


def test_a_lone_surrogate_that_reaches_the_store_is_kept_escaped(tmp_path: Path) -> None:
    """What no decoder stopped (a bench text, a later path) is not a crash of the whole run: the store writes the
    surrogate as its escape's six characters, events, observations and comparisons alike."""
    path = tmp_path / "s.tbsession"
    with SessionStore.open(path) as store:
        run = store.begin_run(["testbench"], {}, {})
        store.add_casebook("0" * 64, "c.xml", "P", {}, [("C1", "t", "fse", "auto", {})])
        attempt = store.start_attempt(run, "0" * 64, "C1")
        store.add_event("note", {"text": "a\ud800", "\udfff": 1}, attempt_id=attempt)
        store.add_observations(attempt, "s1", {"cps.specialty": "LPP\ud800"}, "engine")
        store.add_comparisons(attempt, [("e1", "equals", "fail", {"observed": "x\udc80"})])
        store.commit()
    conn = sqlite3.connect(path)
    try:
        assert chain.verify(conn).ok  # the rows hashed are the rows stored
        texts = [row[0] for table in ("events", "observation_sets", "comparisons") for row in conn.execute(
            f"SELECT data FROM {table}")]  # fmt: skip
    finally:
        conn.close()
    joined = "".join(t for t in texts if t)
    assert "a\\\\ud800" in joined and "LPP\\\\ud800" in joined and "x\\\\udc80" in joined
    assert "\\\\udfff" in joined  # a key too
