"""A file where the profile names a folder (an output, a log's folder, an extractor glob's folder) is the profile's
error, placed at its line: nothing could ever be written there, unlike a folder not made yet (a warning, exit 2).
``sut check`` and ``run`` refuse it (exit 3) before anything runs, in French and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.sut.profile import SutProfileError, load_profile, output_warnings

PROFILE = """\
[product]
name = "CaisseLPP"

[[logs]]
path = "app/logs/erp*.log"

[outputs]
fse = "app/out/fse"
lots = "app/out/lots"

[[extractors]]
name = "FSE XML"
kind = "xpath"
applies_to = ["create_invoice"]
files = "app/archive/**/*.xml"
fields = { "string(/FSE/Totaux/@amo)" = "invoice.totals.amo" }
"""


def _app(root: Path) -> Path:
    """The profile and its application's folders, every one there."""
    for folder in ("app/logs", "app/out/fse", "app/out/lots", "app/archive"):
        (root / folder).mkdir(parents=True)
    profile = root / "sut.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    return profile


def _file_instead(folder: Path) -> None:
    folder.rmdir()
    folder.write_text("x", encoding="utf-8")


def _refusal(profile: Path, lang: str = "fr") -> str:
    with pytest.raises(SutProfileError) as caught:
        load_profile(profile)
    return caught.value.text(lang)


def test_an_output_folder_that_is_a_file_is_refused_at_its_line(tmp_path: Path) -> None:
    profile = _app(tmp_path)
    _file_instead(tmp_path / "app/out/fse")
    fse = tmp_path / "app/out/fse"
    assert _refusal(profile) == (
        f"{profile}:8:7: [outputs].fse : ce chemin est un fichier, pas un dossier : {fse} — aucun fichier n'y sera"
        " jamais capturé (FSE, lots…)"
    )
    assert _refusal(profile, "en") == (
        f"{profile}:8:7: [outputs].fse: this path is a file, not a folder: {fse} — no file will ever be captured"
        " there (FSE, lots…)"
    )


def test_a_parent_that_is_a_file_is_named(tmp_path: Path) -> None:
    profile = _app(tmp_path)
    for folder in ("fse", "lots"):
        (tmp_path / "app/out" / folder).rmdir()
    _file_instead(tmp_path / "app/out")
    out, fse = tmp_path / "app/out", tmp_path / "app/out/fse"
    assert _refusal(profile) == (
        f"{profile}:8:7: [outputs].fse : {out} est un fichier, pas un dossier : aucun fichier ne sera jamais capturé"
        f" dans {fse}"
    )
    assert _refusal(profile, "en") == (
        f"{profile}:8:7: [outputs].fse: {out} is a file, not a folder: no file will ever be captured in {fse}"
    )


def test_a_log_folder_that_is_a_file_is_refused_at_the_logs_path(tmp_path: Path) -> None:
    profile = _app(tmp_path)
    _file_instead(tmp_path / "app/logs")
    logs, pattern = tmp_path / "app/logs", tmp_path / "app/logs/erp*.log"
    assert _refusal(profile) == (
        f"{profile}:5:8: [logs][1].path : {logs} est un fichier, pas un dossier : le journal {pattern} ne pourra"
        " jamais y être écrit"
    )
    assert _refusal(profile, "en") == (
        f"{profile}:5:8: [logs][1].path: {logs} is a file, not a folder: the log {pattern} can never be written there"
    )


def test_a_log_named_without_a_wildcard_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    profile = _app(tmp_path)
    profile.write_text(PROFILE.replace("app/logs/erp*.log", "app/logs"), encoding="utf-8")
    logs = tmp_path / "app/logs"
    assert _refusal(profile) == (
        f"{profile}:5:8: [logs][1].path : {logs} est un dossier, pas un journal : donnez ses fichiers ({logs}/*.log)"
    )
    assert _refusal(profile, "en") == (
        f"{profile}:5:8: [logs][1].path: {logs} is a folder, not a log: give its files ({logs}/*.log)"
    )


def test_an_extractor_globs_folder_that_is_a_file_is_refused_at_its_files(tmp_path: Path) -> None:
    profile = _app(tmp_path)
    _file_instead(tmp_path / "app/archive")
    assert _refusal(profile).startswith(f"{profile}:15:9: [extractors][1].files : ce chemin est un fichier, pas un")


def test_folders_not_made_yet_still_load(tmp_path: Path) -> None:
    """Only a file in the way is refused: folders the application creates at its first write are warned of."""
    profile = tmp_path / "sut.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    assert len(output_warnings(load_profile(profile))) == 3  # fse, lots, the glob's folder


def test_a_file_put_there_after_loading_is_warned_of_as_refused(tmp_path: Path) -> None:
    loaded = load_profile(_app(tmp_path))
    _file_instead(tmp_path / "app/out/fse")
    (said,) = output_warnings(loaded)
    assert said.startswith("ce chemin est un fichier, pas un dossier : ")  # never « n'existe pas encore »


def test_sut_check_refuses_it_with_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = _app(tmp_path)
    _file_instead(tmp_path / "app/logs")
    assert main(["sut", "check", str(profile)]) == 3
    err = capsys.readouterr().err
    assert f"{profile}:5:8: [logs][1].path : " in err
    assert "ne correspond encore à aucun fichier" not in err  # never the « not there yet » warning


def test_a_run_is_refused_before_any_case_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = _app(tmp_path)
    _file_instead(tmp_path / "app/out/fse")
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    argv += ["-k", "DEMO-FSE-001", "--engine", "operator", "--sut-profile", str(profile)]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert f"{profile}:8:7: [outputs].fse : ce chemin est un fichier, pas un dossier" in err
    assert "échec" not in err and "réussi" not in err
