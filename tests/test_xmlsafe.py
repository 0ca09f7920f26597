"""The owner of XML parsing: each of its parsers leaves entities unexpanded and reads no DTD, file or URL."""

from __future__ import annotations

import io
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from testbench import xmlsafe
from tests.listener import nobody_connected


def _with_pull(data: bytes) -> etree._Element:
    parser = xmlsafe.pull_parser()
    parser.feed(data)
    return parser.close()


def _with_iterparse(data: bytes) -> etree._Element:
    events = xmlsafe.iterparse(io.BytesIO(data), events=("end",))
    for _event, element in events:
        root = element
    return root


def _with_file(data: bytes, tmp_path: Path) -> etree._Element:
    path = tmp_path / "doc.xml"
    path.write_bytes(data)
    return xmlsafe.parse_file(path).getroot()


READERS: dict[str, Callable[[bytes, Path], etree._Element]] = {
    "from_bytes": lambda data, _tmp: xmlsafe.from_bytes(data),
    "recover": lambda data, _tmp: xmlsafe.from_bytes(data, recover=True),
    "parser": lambda data, _tmp: etree.fromstring(data, xmlsafe.parser(remove_comments=True)),
    "pull_parser": lambda data, _tmp: _with_pull(data),
    "iterparse": lambda data, _tmp: _with_iterparse(data),
    "parse_file": _with_file,
}


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file on the disk an entity or a DTD points at: what it holds must never reach a tree."""
    path = tmp_path / "secret.txt"
    path.write_text("SECRET-ON-DISK", encoding="utf-8")
    return path


@pytest.mark.parametrize("reader", READERS)
def test_an_external_entity_is_neither_read_nor_fetched(
    tmp_path: Path, secret: Path, listener: socket.socket, reader: str
) -> None:
    port = listener.getsockname()[1]
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY disk SYSTEM "{secret.as_uri()}">'
        f'<!ENTITY net SYSTEM "http://127.0.0.1:{port}/leak">]>\n<r>&disk;&net;</r>'
    ).encode()
    root = READERS[reader](data, tmp_path)
    assert b"SECRET-ON-DISK" not in etree.tostring(root)
    assert nobody_connected(listener)


@pytest.mark.parametrize("reader", READERS)
def test_an_internal_entity_is_not_expanded(tmp_path: Path, reader: str) -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e "EXPANDED">]>\n<r>&e;</r>'
    assert b"EXPANDED</r>" not in etree.tostring(READERS[reader](data, tmp_path))


@pytest.mark.parametrize("reader", READERS)
def test_an_external_dtd_is_not_read_from_the_disk(tmp_path: Path, reader: str) -> None:
    """A DTD giving an attribute its default: read, the attribute would appear. (With lxml's ``collect_ids``
    off, libxml2 reads it: the owner leaves it on.)"""
    dtd = tmp_path / "r.dtd"
    dtd.write_text('<!ATTLIST r read CDATA "FROM-THE-DTD">\n<!ENTITY e "FROM-THE-DTD">\n', encoding="utf-8")
    data = f'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "{dtd.as_uri()}">\n<r>&e;</r>'.encode()
    root = READERS[reader](data, tmp_path)
    assert root.get("read") is None and b"FROM-THE-DTD" not in etree.tostring(root)


@pytest.mark.parametrize("reader", READERS)
def test_a_network_dtd_is_not_fetched(tmp_path: Path, listener: socket.socket, reader: str) -> None:
    port = listener.getsockname()[1]
    data = f'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://127.0.0.1:{port}/r.dtd">\n<r/>'.encode()
    assert READERS[reader](data, tmp_path).tag == "r"  # read as it stands
    assert nobody_connected(listener)


@pytest.mark.parametrize("reader", READERS)
def test_billion_laughs_is_refused_or_left_unexpanded(tmp_path: Path, reader: str) -> None:
    """libxml2 stops at its amplification limit; recovering, what it keeps holds no expansion."""
    laughs = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{n} "{10 * f"&l{n - 1};"}">' for n in range(1, 10))
    data = f'<?xml version="1.0"?>\n<!DOCTYPE r [{laughs}]>\n<r>&l9;</r>'.encode()
    try:
        root = READERS[reader](data, tmp_path)
    except etree.XMLSyntaxError:
        return
    assert reader == "recover" and (root is None or b"lollol" not in etree.tostring(root))


def test_no_caller_can_turn_the_hardening_off() -> None:
    with pytest.raises(TypeError):
        xmlsafe.iterparse(io.BytesIO(b"<r/>"), resolve_entities=True)
    with pytest.raises(TypeError):
        xmlsafe.pull_parser(no_network=False)


def test_positions_are_kept_for_file_line_column_errors() -> None:
    with pytest.raises(etree.XMLSyntaxError) as info:
        xmlsafe.from_bytes(b"<a>\n  <b></c>\n</a>")
    assert info.value.position[0] == 2
    assert xmlsafe.from_bytes(b"<a>\n\n<b/></a>")[0].sourceline == 3
