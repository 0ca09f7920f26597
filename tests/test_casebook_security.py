"""Hostile casebooks: XXE, billion laughs, external DTD. Refused fast, clearly, with no network."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook

DATA = Path(__file__).resolve().parent / "data" / "casebooks"


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP server: if the parser fetched anything, a connection would be waiting here."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


def _nobody_connected(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def _hostile(tmp_path: Path, name: str, server: socket.socket) -> Path:
    port = server.getsockname()[1]
    text = (DATA / name).read_text(encoding="utf-8").replace("PORT", str(port))
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["xxe.xml", "billion-laughs.xml", "external-dtd.xml"])
def test_doctype_is_refused_fast_clearly_and_offline(tmp_path: Path, listener: socket.socket, name: str) -> None:
    path = _hostile(tmp_path, name, listener)
    start = time.perf_counter()
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"refusal took {elapsed:.3f} s"
    (problem,) = info.value.problems
    doctype_line = next(
        n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if "<!DOCTYPE" in line
    )
    assert (problem.source.file, problem.source.line, problem.source.col) == (str(path), doctype_line, 1)
    assert "DOCTYPE" in problem.message and "XXE" in problem.message
    assert "root:" not in str(info.value)  # nothing of /etc/passwd leaked into the message
    assert _nobody_connected(listener)


def test_doctype_hidden_after_a_byte_order_mark_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bom.xml"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "billion-laughs.xml").read_bytes())
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    assert "DOCTYPE" in info.value.problems[0].message


def test_undeclared_entity_is_a_syntax_problem_not_an_expansion(tmp_path: Path) -> None:
    path = tmp_path / "entity.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<casebook xmlns="urn:testbench:casebook:1" format-version="1">&xxe;</casebook>\n',
        encoding="utf-8",
    )
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    (problem,) = info.value.problems
    assert problem.source.line == 2 and "xxe" in problem.message
