"""Promises of docs/engine-protocol.md, « The FSE parser's limits »: the figures it states are the parser's
(:mod:`testbench.xmlsafe`'s constants, libxml2's without its « huge » mode), and an FSE past one reads as the doc
says — the case fails on the engine, exit code 1, with the doc's very line — through ``testbench run`` and a real
engine process (the reference engine behind the protocol server, its FSE replaced by one shaped to a limit).

- « elements nested at most **256** levels deep, a name [...] of at most **50 000** bytes (UTF-8), and at most
  **10 000 000** bytes of text in one piece »; « No other limit applies: no count of elements, attributes or
  namespaces ».
- « An FSE past one is malformed, the engine's fault as above (failed, exit code 1) » and the two example lines.
- « The text limit is beyond a line's [...] an FSE with that much text is refused as an oversized line ».
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.engines.protocol import jsonrpc
from testbench.engines.protocol.documents import document_fault, fse_problem
from testbench.xmlsafe import MAX_DEPTH, MAX_NAME, MAX_TEXT

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "engine-protocol.md"
BOOK = ROOT / "casebooks" / "billing.xml"
CASE = "TB-LOT-001"  # bills one invoice: one FSE
ENGINE = ROOT / "tests" / "data" / "engines" / "fse_shape_reference.py"
FOREIGN = '<FSE xmlns="urn:editeur:fse">{}</FSE>'  # another format than ours: well-formed is all that is asked


def _section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("**The FSE parser's limits.**")
    return text[start : text.index("\n## ", start)]


def _figure(pattern: str) -> int:
    found = re.search(pattern, " ".join(_section().split()))
    assert found, pattern
    return int(found[1].replace(" ", ""))


def _examples() -> list[str]:
    """The lines of the section's example block."""
    block = re.search(r"```\n(.*?)```", _section(), re.S)
    assert block
    return block[1].splitlines()


def test_the_documented_figures_are_the_parser_s() -> None:
    assert _figure(r"nested at most \*\*(\d+)\*\* levels deep") == MAX_DEPTH
    assert _figure(r"of at most \*\*([\d ]+)\*\* bytes \(UTF-8\)") == MAX_NAME
    assert _figure(r"at most \*\*([\d ]+)\*\* bytes of text in one piece") == MAX_TEXT
    # the words the bench says carry the same figures
    depth, name = _examples()
    assert f"plus de {MAX_DEPTH} niveaux" in depth and f"plus de {MAX_NAME:,} octets".replace(",", " ") in name
    assert "plus de 10 Mo" in _section() and MAX_TEXT == 10 * 1000 * 1000
    # « the text limit is beyond a line's »: a line of 8 MiB holds less than that much text
    assert "at most 8 MiB" in " ".join(_section().split()) and jsonrpc.MAX_LINE == 8 * 1024 * 1024 < MAX_TEXT


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str, lang: str = "fr") -> int:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("FSE_SHAPE", shape)
    monkeypatch.chdir(ROOT)
    options = ["--engine", f"{sys.executable} {ENGINE}", "--engine-timeout", "20", "--cards", "inprocess"]
    session = tmp_path / "s.tbsession"
    return main(["run", "--lang", lang, "--session", str(session), *options, "-k", f"id:{CASE}", str(BOOK)])


def _line(said: str, colon: str = " :") -> str:
    (line,) = re.findall(rf"^\[1/1\] {CASE}{colon} (.*)$", said, re.MULTILINE)
    return line


@pytest.mark.parametrize("shape", [f"depth:{MAX_DEPTH}", f"name:{MAX_NAME}"])
def test_an_fse_at_a_limit_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], shape: str
) -> None:
    code = _run(tmp_path, monkeypatch, shape)
    out = "".join(capsys.readouterr())
    assert code == 0 and _line(out).startswith("réussi"), out


@pytest.mark.parametrize(("shape", "example"), [(f"depth:{MAX_DEPTH + 1}", 0), (f"name:{MAX_NAME + 1}", 1)])
def test_an_fse_past_a_limit_fails_the_engine_with_the_documented_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], shape: str, example: int
) -> None:
    code = _run(tmp_path, monkeypatch, shape)
    out = "".join(capsys.readouterr())
    assert code == 1, out  # the product's failure, not the bench's (2)
    line = _line(out)
    assert line.startswith("échec") and line.endswith(_examples()[example]), line


def test_a_name_past_the_limit_reads_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _run(tmp_path, monkeypatch, f"name:{MAX_NAME + 1}", "en")
    out = "".join(capsys.readouterr())
    assert code == 1, out
    line = _line(out, ":")
    assert "name too long for the XML parser (more than 50,000 bytes)" in line, line
    assert "analyseur" not in line and "octets" not in line, line


def test_an_fse_with_more_text_than_the_limit_is_an_oversized_line_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _run(tmp_path, monkeypatch, f"text:{MAX_TEXT + 1}")
    out = "".join(capsys.readouterr())
    assert code == 1, out
    line = _line(out).replace("\N{NO-BREAK SPACE}", " ")  # « 8 Mio »: a figure and its unit held together
    assert "défaut du moteur (réponse invalide) : create_invoice : ligne de plus de 8 Mio" in line, line
    assert "« create_invoice : ligne de plus de 8 Mio »" in " ".join(_section().split())


def test_the_text_limit_as_the_fse_reader_says_it() -> None:
    assert document_fault("fse", FOREIGN.format("x" * MAX_TEXT)) is None
    fault = document_fault("fse", FOREIGN.format("x" * (MAX_TEXT + 1)))
    assert fault is not None
    assert re.fullmatch(
        r"create_invoice : FSE mal formée, ligne 1, colonne \d+ : texte trop long pour l'analyseur XML \(plus de 10 Mo"
        r" d'un seul tenant\) ; près de « x+</FSE> »",
        str(fault),
    ), str(fault)
    quoted = re.search(r"« (FSE mal formée, ligne 1, colonne … : texte trop long[^»]*) »", " ".join(_section().split()))
    assert quoted, "the doc quotes the reader's words"
    assert re.match("create_invoice : " + re.escape(quoted[1]).replace("…", r"\d+") + " ; ", str(fault)), quoted[1]


def test_no_count_of_elements_attributes_or_namespaces_is_limited_nor_any_piece_a_line_can_hold() -> None:
    """What an 8 MiB line can carry meets no other limit: hundreds of thousands of elements, attributes and namespace
    declarations, and one attribute value, CDATA section, comment or text of nearly 8 MiB each."""
    many = " ".join(f'a{i}="1" xmlns:p{i}="u{i}"' for i in range(200_000))
    assert fse_problem(FOREIGN.format("<e/>" * 1_000_000 + f"<b {many}/>")) is None
    big = "x" * (jsonrpc.MAX_LINE - 200)
    for piece in (f'<b v="{big}"/>', f"<![CDATA[{big}]]>", f"<!--{big}-->", f"<?p {big}?>", big):
        assert fse_problem(FOREIGN.format(piece)) is None, piece[:12]
