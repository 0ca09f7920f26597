"""The application's own files in the exam book carry no personal data either.

The demo application writes FSE XML (``nir=``, ``dateNaissance=``) and B2 lots, where the NIR is packed
between other digits with no separator. Both are copied into the report's evidence folder; a NIR, a name
or a birth date of the casebook's patients must not reach it, in text, hex or base64.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from demo_exams import GROUP, Rehearsal

ROOT = Path(__file__).resolve().parents[1]
EXAM = ROOT / "casebooks" / "exam-demo.xml"


def _patients() -> list[str]:
    text = EXAM.read_text(encoding="utf-8")
    values = re.findall(r'<right name="(?:nir|name|birth-date)" value="([^"]+)"', text)
    assert len(values) >= 3  # the walk found the fixtures
    return sorted(set(values))


def _spellings(value: str) -> list[str]:
    raw = value.encode("utf-8")
    out = [value, raw.hex(), raw.hex().upper(), " ".join(f"{b:02X}" for b in raw), base64.b64encode(raw).decode()]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        out.append(value.replace("-", ""))
    if re.fullmatch(r"\d{15}", value):
        out.append(value[:13])
    return out


@pytest.mark.slow
@GROUP
def test_the_exam_book_of_the_demo_application_carries_no_patient_data(demo_exam: Rehearsal) -> None:
    report = demo_exam.report
    assert demo_exam.code == 0
    files = [p for p in report.rglob("*") if p.is_file()]
    assert any(p.suffix == ".b2" for p in files)  # the lots did reach the evidence folder
    leaks = [
        (spelling, p.name)
        for p in files
        for spelling in (s for v in _patients() for s in _spellings(v))
        if spelling.encode() in p.read_bytes()
    ]
    assert leaks == []
