"""In French, every « testbench COMMAND: » prefix on standard error takes the French colon (« testbench run : »), as
argparse's « testbench run : erreur : » does (audit l-f5 9: « testbench run: x.tbsession : session introuvable »);
English keeps "testbench run: ". Only a prefix at a line's start is touched."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from testbench.cli.console import Unread
from testbench.cli.main import main
from testbench.i18n import use_language
from testbench.paths import CASEBOOKS_DIR


@pytest.mark.parametrize(("lang", "prefix"), [("fr", "testbench run : "), ("en", "testbench run: ")])
def test_a_command_refusal_is_prefixed_in_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, prefix: str
) -> None:
    session = tmp_path / "missing" / "s.tbsession"
    assert main(["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"{prefix}{tmp_path / 'missing'}"), err


def test_the_merge_refusal_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m.tbsession"
    out.write_bytes(b"")
    main(["merge", str(tmp_path / "a.tbsession"), str(tmp_path / "b.tbsession"), "-o", str(out)])
    err = capsys.readouterr().err
    assert err.startswith("testbench merge : ") and "testbench merge: " not in err, err


def test_only_at_a_line_start_and_every_line_of_one_write() -> None:
    stream = io.StringIO()
    stderr = Unread(stream, prefixes=True)
    with use_language("fr"):
        stderr.write("testbench review: a")
        stderr.write("\n")
        stderr.write("voir testbench: ")  # in the middle of a line: as written
        stderr.write("testbench run: b\n")
        stderr.write("testbench sut init: c\ntestbench review: d\n")
    with use_language("en"):
        stderr.write("testbench run: e\n")
    assert stream.getvalue() == (
        "testbench review : a\nvoir testbench: testbench run: b\ntestbench sut init : c\ntestbench review : d\n"
        "testbench run: e\n"
    )
