"""``testbench new case`` with ``-o`` a folder said « existe déjà ; utilisez --casebook . », which was then refused as
a folder; with ``--casebook`` a named pipe it waited forever, reading the pipe. Now: the folder is said to be one,
with the path to give instead; the pipe is refused as no casebook, at once."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.runner.exits import EXIT_USAGE


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "{path} est un dossier : donnez le chemin du cahier à créer (par exemple {path}/cahier.xml)"),
        ("en", "{path} is a folder: give the path of the casebook to create (for example {path}/cahier.xml)"),
    ],
)
def test_a_folder_as_output_is_said_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    assert main(["new", "case", "--domain", "adri", "--id", "X-1", "-o", str(tmp_path), "--lang", lang]) == EXIT_USAGE
    assert said.format(path=tmp_path) in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes of POSIX")
def test_a_named_pipe_as_casebook_is_refused_at_once(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.xml"
    os.mkfifo(pipe)
    codes: list[int] = []
    worker = threading.Thread(
        target=lambda: codes.append(main(["new", "case", "--domain", "adri", "--id", "X-1", "--casebook", str(pipe)])),
        daemon=True,
    )
    worker.start()
    worker.join(20)
    if worker.is_alive():  # unblock the reader so that the test process can end, then fail
        with open(pipe, "wb"):
            pass
        pytest.fail("new case kept reading the named pipe")
    assert codes and codes[0] != 0
