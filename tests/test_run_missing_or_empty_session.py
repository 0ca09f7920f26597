"""``--resume``, ``--failed`` and ``--rerun`` need a session: one that is not there (a mistyped path) or an empty
file (a truncated one) is refused, exit 3, rather than a whole new campaign run into it."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import colon

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]

SAID = {
    ("fr", "--resume"): "{path} : {state} ; rien à reprendre. Vérifiez le chemin, ou lancez sans --resume",
    ("fr", "--failed"): "{path} : {state} ; rien à relancer (--failed rejoue les échecs d'une session)",
    ("fr", "--rerun"): "{path} : {state} ; rien à rejouer (--rerun rejoue les cas d'une session existante)",
    ("en", "--resume"): "{path}: {state}; nothing to resume. Check the path, or run without --resume",
    ("en", "--failed"): "{path}: {state}; nothing to rerun (--failed reruns the failures of a session)",
    ("en", "--rerun"): "{path}: {state}; nothing to rerun (--rerun runs again the cases of an existing session)",
}
STATE = {
    ("fr", False): "session introuvable",
    ("fr", True): "fichier vide, sans session",
    ("en", False): "session not found",
    ("en", True): "empty file, no session in it",
}


@pytest.mark.parametrize("empty", [False, True], ids=["missing", "empty"])
@pytest.mark.parametrize("option", ["--resume", "--failed", "--rerun"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_session_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, option: str, empty: bool
) -> None:
    session = tmp_path / "s.tbsession"
    if empty:
        session.write_bytes(b"")
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, option, "--lang", lang]) == 3
    err = capsys.readouterr().err
    said = SAID[lang, option].format(path=session, state=STATE[lang, empty])
    assert f"testbench run{colon(lang)}{said}" in err
    assert "[1/1]" not in err  # nothing ran
    assert [p.name for p in tmp_path.iterdir()] == (["s.tbsession"] if empty else [])
    assert not empty or session.stat().st_size == 0  # the empty file is left as it was
