"""Where README says things are: the bundled file named as README writes it (``casebooks/NAME`` or ``NAME``) for
``--attestations`` too, the user's data folder on each system, and what ``demo --headless --output DIR`` (the
command ``scripts/demo.sh --headless`` gives) leaves in ``DIR`` and beside it."""

from __future__ import annotations

import json
from pathlib import Path

import platformdirs
import platformdirs.macos
import platformdirs.windows
import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR, user_data_dir

BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


@pytest.mark.parametrize("written", ["casebooks/demo-attestations.json", "demo-attestations.json"])
def test_bundled_attestations_written_as_readme_does_are_refused_with_their_path(
    written: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """« a casebook, `--plan` or `--attestations` written `casebooks/NAME` (or `NAME`) that is not there but is
    bundled is refused as missing (exit 3) », the bundled path given — and nothing written."""
    monkeypatch.chdir(tmp_path)
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", "s.tbsession", "--attestations", written, *BENCH]
    assert main(argv) == 3
    err = capsys.readouterr().err
    bundled = CASEBOOKS_DIR / "demo-attestations.json"
    assert f"{written} : testbench livre un fichier de ce nom, {bundled} ; donnez ce chemin" in err
    assert list(tmp_path.iterdir()) == []


def test_a_bare_bundled_name_is_refused_with_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "billing.xml"]) == 3
    assert f"billing.xml : testbench livre un fichier de ce nom, {CASEBOOKS_DIR / 'billing.xml'}" in (
        capsys.readouterr().err
    )


def test_the_user_data_folder_on_windows_and_macos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """« `~/Library/Application Support/testbench/` on macOS, `%LOCALAPPDATA%\\testbench\\` on Windows »: the
    folder itself, no author folder platformdirs would add (``…\\testbench\\testbench``)."""
    local = tmp_path / "AppData" / "Local"
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda csidl: str(local))
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    assert user_data_dir() == local / "testbench"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.macos.MacOS)
    assert user_data_dir() == tmp_path / "Library" / "Application Support" / "testbench"


def test_the_user_data_folder_on_linux_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert user_data_dir() == tmp_path / ".local" / "share" / "testbench"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert user_data_dir() == tmp_path / "data" / "testbench"


def test_headless_demo_into_reports_demo_writes_the_book_beside_its_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """« writes `reports/demo/` (HTML, JSON, JUnit, evidence, signed-able manifest) beside the session file
    `reports/demo.tbsession` », the manual step attested from the prepared file « (labelled as such) », exit 0
    though one case is built to fail."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["demo", "--headless", "--output", "reports/demo", *BENCH]) == 0
    book = tmp_path / "reports" / "demo"
    assert (tmp_path / "reports" / "demo.tbsession").is_file()
    for name in ("index.html", "report.json", "junit.xml", "manifest.json"):
        assert (book / name).is_file(), name
    assert any((book / "evidence").iterdir())
    assert not (book / "manifest.sig.json").exists()  # signed-able: `report --sign` signs it
    assert not (tmp_path / "data").exists()  # --output given: nothing in the data folder
    report = json.loads((book / "report.json").read_text(encoding="utf-8"))
    verdicts = [case["verdict"] for case in report["cases"]]
    assert verdicts.count("fail") == 1 and set(verdicts) == {"pass", "fail"}
    assert "demo-attestations.json" in (book / "index.html").read_text(encoding="utf-8")
    assert "attestation préparée" in (book / "index.html").read_text(encoding="utf-8")
