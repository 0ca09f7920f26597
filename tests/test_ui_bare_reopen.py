"""A bare ``testbench`` reopens the last session with the same bench (docs/tui.md): every option the launch was
given that shapes the bench or the record — the SUT profile (assisted mode, its logs, its values-read window),
the watched folder (the produced files as evidence), the operator who signs, the cover, the plan — and not only
the engine and the cards (audit s20). Paths are remembered absolute; a remembered one that no longer exists is
said, and the session is not opened without it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from testbench.cli import ui_cmd
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE
from testbench.tui.app import WorkstationApp

PROFILE = """
[product]
name = "Appli de test"
version = "1.0"

[outputs]
lots = "out/lots"
"""


def settings(app: WorkstationApp) -> dict:
    """What the workstation's bench and record are made of, as the campaign and the attestations take them."""
    options = app.campaign_options
    return {
        "session": Path(app.ws.session_path).resolve(),
        "casebooks": [cb.path.resolve() for cb in app.ws.casebooks],
        "engine": options.bench.engine,
        "cards": options.bench.cards,
        "engine_timeout": options.bench.engine_timeout,
        "watch": options.bench.watch_dir and Path(options.bench.watch_dir).resolve(),
        "sut_profile": options.bench.sut_profile and Path(options.bench.sut_profile).resolve(),
        "app_logs": options.capture.app_logs,
        "identity": (options.identity.sut, options.identity.sut_version, options.identity.agrement),
        "operator": options.identity.operator,
        "signs": app.operator_name,
        "plan": options.plan and Path(options.plan).resolve(),
        "plan_record": options.plan_record,
        "bench_label": app.bench_label,
    }


@pytest.fixture
def exam(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[dict]]:
    """An exam folder with its casebook, SUT profile, output folder and plan; the workstation's run replaced by
    a look at its settings."""
    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = tmp_path / "examen"
    (folder / "app" / "out" / "fse").mkdir(parents=True)
    (folder / "app" / "out" / "lots").mkdir(parents=True)
    (folder / "app" / "sut.toml").write_text(PROFILE, encoding="utf-8")
    shutil.copy(CASEBOOKS_DIR / "demo.xml", folder / "demo.xml")
    shutil.copytree(CASEBOOKS_DIR / "cards", folder / "cards")
    shutil.copy(CASEBOOKS_DIR / "plans" / "demo-plan.toml", folder / "plan.toml")
    seen: list[dict] = []

    def fake_run(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        seen.append(settings(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", fake_run)
    return folder, seen


def open_exam(folder: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """``testbench ui`` from the exam folder, every path relative to it."""
    monkeypatch.chdir(folder)
    argv = ["ui", "demo.xml", "--session", "exam.tbsession", "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", "30", "--sut-profile", "app/sut.toml", "--watch", "app/out/fse"]
    argv += ["--app-log", "app/app.log;channel=app", "--operator", "Camille Martin", "--sut", "MonLogiciel"]
    argv += ["--sut-version", "2.1", "--agrement", "AG-42", "--plan", "plan.toml"]
    return main(argv)


def test_a_bare_testbench_reopens_the_session_with_all_it_was_opened_with(
    tmp_path: Path, exam: tuple[Path, list[dict]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, seen = exam
    assert open_exam(folder, monkeypatch) == 0
    monkeypatch.chdir(tmp_path)  # the bare command, from another folder
    assert ui_cmd.default_ui() == 0
    first, bare = seen
    assert first["app_logs"] == ["app/app.log;channel=app"]  # as given, in the exam folder
    assert {**bare, "app_logs": first["app_logs"]} == first
    assert bare["watch"] == folder / "app" / "out" / "fse" and bare["sut_profile"] == folder / "app" / "sut.toml"
    assert bare["app_logs"] == [f"{folder / 'app' / 'app.log'};channel=app"]
    assert bare["signs"] == bare["operator"] == "Camille Martin"
    assert bare["identity"] == ("MonLogiciel", "2.1", "AG-42") and bare["plan"] == folder / "plan.toml"
    assert bare["plan_record"] and bare["engine"] == "operator" and bare["engine_timeout"] == 30
    # remembered absolute, as JSON values
    state = json.loads((tmp_path / "cfg" / "ui-state.json").read_text(encoding="utf-8"))
    assert state["last"]["bench"]["watch_dir"] == str(folder / "app" / "out" / "fse")
    assert "lang" not in state["last"]["bench"]  # the person's, not the session's


@pytest.mark.parametrize(
    ("gone", "option"),
    [("app/out/fse", "--watch"), ("app/sut.toml", "--sut-profile"), ("plan.toml", "--plan")],
)
def test_a_remembered_path_that_no_longer_exists_is_said_and_the_session_not_opened_without_it(
    tmp_path: Path,
    exam: tuple[Path, list[dict]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    gone: str,
    option: str,
) -> None:
    folder, seen = exam
    assert open_exam(folder, monkeypatch) == 0
    path = folder / gone
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert ui_cmd.default_ui() == EXIT_USAGE
    assert len(seen) == 1  # not reopened
    err = capsys.readouterr().err
    assert f"a été ouverte avec {option} « {path} » :" in err, err
    assert "introuvable" in err and "rouvrez-la avec l'option corrigée : testbench ui " in err, err
    assert "Traceback" not in err


def test_a_remembered_value_the_option_does_not_take_is_said(
    tmp_path: Path, exam: tuple[Path, list[dict]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ui-state.json is the program's, but a person may edit it: no raw Python error reaches them."""
    folder, seen = exam
    assert open_exam(folder, monkeypatch) == 0
    state_file = tmp_path / "cfg" / "ui-state.json"
    state = json.loads(state_file.read_text(encoding="utf-8"))
    state["last"]["bench"]["engine_timeout"] = "abc"
    state_file.write_text(json.dumps(state), encoding="utf-8")
    capsys.readouterr()
    assert ui_cmd.default_ui() == EXIT_USAGE
    err = capsys.readouterr().err
    assert "--engine-timeout « abc » : « abc » n'est pas un nombre de secondes positif" in err, err
    assert len(seen) == 1


def test_a_casebook_no_longer_there_opens_the_demo_and_says_why(
    tmp_path: Path, exam: tuple[Path, list[dict]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, seen = exam
    assert open_exam(folder, monkeypatch) == 0
    (folder / "demo.xml").unlink()
    capsys.readouterr()
    assert ui_cmd.default_ui() == 0
    assert seen[-1]["session"] == (tmp_path / "data" / "testbench" / "demo.tbsession").resolve()
    assert seen[-1]["engine"] != "operator"  # the demo's own bench, not the exam's
    said = (
        f"la dernière session {folder / 'exam.tbsession'} ne s'ouvre pas : cahier introuvable « {folder / 'demo.xml'} »"
    )
    assert said in capsys.readouterr().err
