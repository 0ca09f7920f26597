"""``testbench diff`` given one session file twice (a CI gate's two variables naming the same file, or the
workstation's « Comparer » given the open session as reference): nothing is compared, so it is refused (exit 3)
rather than read « aucune régression »."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main


@pytest.fixture
def session(tmp_path: Path) -> Path:
    return campaign(tmp_path, hostile=False, case_ids=("OK-1",))


def test_one_file_twice_is_refused_and_writes_nothing(
    session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(session.parent)
    html = tmp_path / "d.html"
    # one file, spelled two ways
    assert main(["diff", session.name, str(session), "--html", str(html)]) == 3
    said = capsys.readouterr()
    assert said.err == (
        f"testbench diff : {session.name} et {session} sont le même fichier : rien n'est comparé (donnez la session"
        " de référence, puis celle à juger)\n"
    )
    assert said.out == "" and not html.exists()


def test_the_refusal_reads_in_english(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "diff", str(session), str(session)]) == 3
    assert f"{session} and {session} are the same file: nothing compared" in capsys.readouterr().err


def test_a_copy_is_still_compared(session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "copy.tbsession"
    copy.write_bytes(session.read_bytes())
    assert main(["diff", str(session), str(copy)]) == 0
    assert "aucune régression" in capsys.readouterr().out


def test_the_workstations_compare_window_refuses_likewise(session: Path) -> None:
    from testbench.tui.tools import TOOLS, ToolContext

    ctx = ToolContext(session, (), None, None, "reference", None, "fr")
    values = {"reference": str(session), "html": "", "json": "", "all": "", "context": "1", "fail_on_absent": ""}
    result = TOOLS["diff"].run(values, ctx)
    assert result.code == 3
    said = [text for text, error in result.texts("fr") if error]
    assert len(said) == 1 and "sont le même fichier" in said[0]
