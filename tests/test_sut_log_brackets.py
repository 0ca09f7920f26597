"""A log in a folder whose name holds brackets, « GestPSAD [PROD] » (SUT audit, item C).

The whole path was taken for a glob: « [PROD] » is a character class there, so the log matched no file — no
line captured, no warning, and ``sut check`` said the log did not exist yet. The rule now (docs/sut-profile.md):
a log path's folders are taken as written; only its file name may be a pattern, and a file name that exists
as written is that very file. The capture, a resumed capture, ``sut check``, ``sut init`` and a run all read it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sut_standin import Application, run_exam

from testbench.cli.main import main
from testbench.sut.profile import load_profile
from testbench.traces.clock import RawLine
from testbench.traces.tail import FileTailer

FOLDER = "GestPSAD [PROD]"


class Lines(list[RawLine]):
    def __call__(self, batch: list[RawLine]) -> None:
        self.extend(batch)


def _logs(tmp_path: Path) -> Path:
    folder = tmp_path / FOLDER / "Journaux"
    folder.mkdir(parents=True)
    for name in ("gestpsad.log", "gestpsad-1.log", "journal [1].log", "journal1.log"):
        (folder / name).write_text(f"{name} : démarrage\n", encoding="cp1252")
    return folder


def test_only_a_log_paths_file_name_is_a_pattern(tmp_path: Path) -> None:
    from testbench.traces.tail import log_files

    folder = _logs(tmp_path)
    assert log_files(str(folder / "gestpsad.log")) == [str(folder / "gestpsad.log")]
    assert log_files(str(folder / "gestpsad*.log")) == [str(folder / "gestpsad-1.log"), str(folder / "gestpsad.log")]
    assert log_files(str(folder / "journal [1].log")) == [str(folder / "journal [1].log")]  # there as written
    assert log_files(str(folder / "journal[1].log")) == [str(folder / "journal1.log")]  # a pattern: none is so named
    assert log_files(str(tmp_path / "GestPSAD [PROD]?" / "*.log")) == []  # a folder's « ? » is a character too


@pytest.mark.parametrize("name", ["gestpsad.log", "gestpsad*.log", "journal [1].log"])
def test_a_log_in_a_folder_with_brackets_is_followed_and_resumed(tmp_path: Path, name: str) -> None:
    folder = _logs(tmp_path)
    followed = sorted({"gestpsad*.log": ["gestpsad.log", "gestpsad-1.log"]}.get(name, [name]))
    got = Lines()
    with FileTailer([str(folder / name)], got, poll_interval=3600) as tailer:
        for file in followed:
            with (folder / file).open("a", encoding="cp1252") as log:
                log.write(f"{file} : facture créée\n")
        tailer.poll()
        positions = tailer.positions()
    assert sorted(line.text for line in got) == [f"{file} : facture créée" for file in followed]
    for file in followed:  # written while the bench was down: read from where it stopped
        with (folder / file).open("a", encoding="cp1252") as log:
            log.write(f"{file} : lot constitué\n")
    again = Lines()
    with FileTailer([str(folder / name)], again, poll_interval=3600, resume=positions):
        pass
    assert sorted(line.text for line in again) == [f"{file} : lot constitué" for file in followed]


PROFILE = """
[product]
name = "GestPSAD"

[[logs]]
path = '{path}'
encoding = "cp1252"
format = "plain"
"""


def test_sut_check_and_init_read_a_log_in_a_folder_with_brackets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _logs(tmp_path)
    for path, read in ((folder / "gestpsad.log", "gestpsad.log"), (folder / "gestpsad-*.log", "gestpsad-1.log")):
        profile = tmp_path / "sut.toml"
        profile.write_text(PROFILE.format(path=path), encoding="utf-8")
        assert main(["sut", "check", str(profile)]) == 0  # 2: a log not there
        out, err = capsys.readouterr()
        assert f"fichier {folder / read} : 1 dernière ligne\n    [—] [—] {read} : démarrage\n" in out, out
        assert "ne correspond encore à aucun fichier" not in err
    output = tmp_path / "init.toml"
    argv = ["sut", "init", "--logs", str(folder / "gestpsad*.log"), "--watch-seconds", "0", "--yes", "--name", "ERP"]
    assert main([*argv, "--output", str(output)]) == 0
    assert "2 lignes lues dans 2 fichiers" in output.read_text(encoding="utf-8")
    assert load_profile(output).log_sources[0].path == str((folder / "gestpsad*.log").resolve())


def test_a_run_captures_the_log_of_an_application_installed_in_a_folder_with_brackets(tmp_path: Path) -> None:
    _session, result = run_exam(tmp_path, Application(tmp_path / FOLDER))
    assert result.verdicts == {"AUD-1": "pass"}, result.verdicts  # the patient's share is read in its log only
