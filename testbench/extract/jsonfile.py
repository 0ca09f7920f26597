"""JSON pointer extractors (RFC 6901) on JSON outputs; a ``{n}`` token walks every item of an array."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from testbench import fmt
from testbench.extract.model import Extracted, ExtractError, Provenance, excerpt, undecodable
from testbench.extract.spec import RANK, ExtractorSpec
from testbench.extract.values import Ranks, normalise_decimal


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")  # RFC 6901 §4: ~1 first, then ~0


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def resolve(doc: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    """(concrete pointer, value) for each place ``pointer`` designates; nothing where it designates nothing."""
    tokens = [_unescape(t) for t in pointer.split("/")[1:]] if pointer else []
    yield from _walk(doc, tokens, "")


def _walk(node: Any, tokens: list[str], done: str) -> Iterator[tuple[str, Any]]:
    if not tokens:
        yield done, node
        return
    token, rest = tokens[0], tokens[1:]
    if isinstance(node, dict):
        if token in node:
            yield from _walk(node[token], rest, f"{done}/{_escape(token)}")
    elif isinstance(node, list):
        if token == RANK:
            for i, item in enumerate(node):
                yield from _walk(item, rest, f"{done}/{i}")
        elif token.isdigit() and (token == "0" or not token.startswith("0")) and int(token) < len(node):
            yield from _walk(node[int(token)], rest, f"{done}/{token}")


class _Written(Decimal):
    """A JSON number with a fraction or an exponent, said as the file writes it (« 1e999 », not « 1E+999 »)."""

    written: str

    def __new__(cls, text: str) -> _Written:
        number = super().__new__(cls, text)
        number.written = text
        return number

    def __str__(self) -> str:
        return self.written


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return normalise_decimal(value)
    if isinstance(value, int | Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _without_bom(encoding: str, data: bytes) -> str:
    """The codec that writes the file's text as its bytes after the BOM (for byte offsets)."""
    if encoding in ("utf-16", "utf-32"):  # the BOM says the byte order (none: little-endian, as Python reads)
        return encoding + ("-be" if data.startswith((b"\xfe\xff", b"\x00\x00\xfe\xff")) else "-le")
    return "utf-8" if encoding == "utf-8-sig" else encoding


#: a document nested deeper than the parser goes (thousands of « [ »): said as malformed, never the bench's fault
TOO_DEEP = "imbrication trop profonde pour être lue"


def _deepest(text: str) -> int:
    """The index of the first character at the document's deepest nesting (outside strings): where it is too deep."""
    depth = deepest = at = 0
    quoted = escaped = False
    for i, char in enumerate(text):
        if quoted:
            escaped, quoted = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            quoted = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, i
        elif char in "]}":
            depth -= 1
    return at


def extract_json(spec: ExtractorSpec, path: Path, data: bytes) -> list[Extracted]:
    source = str(path)
    # The profile's encoding, else the one the bytes say (RFC 8259 §8.1: UTF-8, or UTF-16/32 by BOM or zeros).
    encoding = spec.encoding or json.detect_encoding(data)
    codec = _without_bom(encoding, data)
    try:
        text = data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ExtractError(source, undecodable(encoding, data), offset=exc.start) from None
    try:
        doc = json.loads(text, parse_float=_Written)  # « 163.80 » and « 1e999 » kept as written
    except json.JSONDecodeError as exc:
        offset = len(data) - len(text[exc.pos :].encode(codec))  # what follows the error, in the file's bytes
        raise ExtractError(source, f"JSON invalide : {fmt.json_syntax(exc)}", offset=offset) from None
    except RecursionError:  # arrays or objects nested deeper than Python's parser goes: the file's fault
        offset = len(text[: _deepest(text)].encode(codec)) + len(data) - len(text.encode(codec))
        raise ExtractError(source, f"JSON invalide : {TOO_DEEP}", offset=offset) from None
    ranks = Ranks()
    out: list[Extracted] = []
    for pointer, template in spec.fields.items():
        found = list(resolve(doc, pointer))
        if RANK not in template:
            found = found[:1]
        for concrete, value in found:
            shown = _text(value)
            if shown is None:
                continue
            provenance = Provenance(source=source, kind="json", excerpt=excerpt(shown), locator=concrete or "/")
            out.append(Extracted(ranks.path(template), shown, provenance))
    return out
