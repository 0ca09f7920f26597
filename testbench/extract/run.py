"""The extractors' entry points: log lines, or one complete output file of any kind."""

from __future__ import annotations

from pathlib import Path

from testbench.extract.complete import file_complete, wait_complete
from testbench.extract.fixed import extract_fixed
from testbench.extract.jsonfile import extract_json
from testbench.extract.logs import extract_lines
from testbench.extract.model import Extracted, unreadable
from testbench.extract.spec import ExtractorSpec
from testbench.extract.xmlfile import extract_xml, xml_whole

__all__ = ["extract_file", "extract_lines", "file_complete", "file_ready", "wait_complete"]

_READERS = {"xpath": extract_xml, "fixed": extract_fixed, "json": extract_json}


def extract_file(spec: ExtractorSpec, path: Path) -> list[Extracted]:
    """The values ``spec`` reads in ``path`` (read once, whole: call it when :func:`file_complete` holds).

    A file the extractor cannot read raises :class:`~testbench.extract.model.ExtractError`, whose
    message names the file and the byte offset (and the record, for fixed-width files).
    """
    reader = _READERS.get(spec.kind)
    if reader is None:
        raise ValueError(f"extractor {spec.name}: kind {spec.kind} reads log lines, not files")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise unreadable(str(path), exc) from None
    return reader(spec, Path(path), data)


def file_ready(spec: ExtractorSpec, path: Path) -> bool:
    """Whether ``spec`` may read ``path`` now: :func:`file_complete` (size stable for ``spec.stable_for``, or
    its closing record seen), or, for an XPath extractor, a whole XML document (no stability wait)."""
    if file_complete(path, spec.stable_for, spec.closing_bytes()):
        return True
    return spec.kind == "xpath" and xml_whole(path)
