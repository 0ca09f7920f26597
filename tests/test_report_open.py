"""A report that opens at once (issue 16 §2): the failing cases show their trace excerpt in the page, a passed
case carries its excerpt compactly and the page's script renders it when the case is opened — the same rows,
hostile text still inert; the PDF prints the exam book and attaches every case's full trace, redacted.
Figures at campaign scale: benchmarks/report_open.py and benchmarks/report_pdf.py."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from test_report_browser import CHROMIUM, load
from test_report_build import PERSONAL, campaign

from testbench.report.build import BuildOptions, build_report
from testbench.store.session import SessionStore
from testbench.traces.model import TraceLine

PDFDETACH = shutil.which("pdfdetach")
PDFTOTEXT = shutil.which("pdftotext")
#: separators of the compact form inside a line's text: they must come back as they were
AWKWARD = "colonnes\tséparées \\t pas un tab \\\\ fin"


def _session(tmp_path: Path) -> Path:
    session = campaign(tmp_path, extra_lines=30)  # OK-1 passes with 30+ lines, KO-1 fails
    with SessionStore.open(session) as store:
        store.add_trace_lines([TraceLine("app", 10**14, 1.7e9, AWKWARD, attempt_id=1)])
    return session


def _report(tmp_path: Path, **options: object) -> tuple[Path, dict[str, dict]]:
    folder = build_report(_session(tmp_path), tmp_path / "r", BuildOptions(excerpt=20, **options)).folder
    cases = {c["key"]["case_id"]: c for c in json.loads((folder / "report.json").read_bytes())["cases"]}
    return folder, cases


def _rows(section: etree._Element) -> list[list[str]]:
    return [["".join(td.itertext()) for td in tr.xpath("td")] for tr in section.xpath(".//table[@class='trace']//tr")]


def _expected_rows(case: dict) -> list[list[str]]:
    gap = "lignes dans le fichier de trace complet"
    return [
        [f"… {line['gap']} {gap} …"] if "gap" in line else [line["time"], line["channel"], line["step"], line["text"]]
        for line in case["trace"]["excerpt"]
    ]


def test_failures_show_their_trace_and_a_passed_case_carries_it_for_later(tmp_path: Path) -> None:
    folder, cases = _report(tmp_path)
    doc = etree.HTML((folder / "index.html").read_text(encoding="utf-8"))
    (ko,) = doc.xpath("//section[@data-case='KO-1']")
    (ok,) = doc.xpath("//section[@data-case='OK-1']")
    assert _rows(ko) == _expected_rows(cases["KO-1"])  # a failure's excerpt is in the page
    assert _rows(ok) == []  # a passed case's is not laid out…
    (lazy,) = ok.xpath(".//details[@class='lazy-trace']")
    lines = lazy.get("data-lines").split("\n")  # …it travels compactly, one line per row
    assert len(lines) == len(cases["OK-1"]["trace"]["excerpt"]) == 21  # 10 + the gap + 10
    assert "<img src=x" in lazy.get("data-lines")  # OK-1's hostile line, as text of the attribute…
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and "&lt;img src=x" in page  # …escaped in the markup


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh installs it)")
def test_opening_a_passed_case_renders_its_excerpt_as_text(tmp_path: Path) -> None:
    folder, cases = _report(tmp_path)
    url = (folder / "index.html").as_uri()
    closed = load(url, tmp_path / "closed")
    assert _rows(closed.dom.xpath("//section[@data-case='OK-1']")[0]) == []
    opened = load(f"{url}#{cases['OK-1']['anchor']}", tmp_path / "opened")
    assert opened.console == [] and opened.requests == []
    (section,) = opened.dom.xpath("//section[@data-case='OK-1']")
    assert section.xpath(".//details[@class='lazy-trace']/@open") == [""]
    rows = _rows(section)
    assert rows == _expected_rows(cases["OK-1"])  # the same rows the server would have written
    assert [r[3] for r in rows if len(r) == 4 and r[3].startswith("colonnes")] == [AWKWARD]
    assert opened.dom.find("body").get("data-pwned") is None


@pytest.mark.skipif(
    CHROMIUM is None or PDFDETACH is None or PDFTOTEXT is None,
    reason="chromium or poppler-utils not installed (scripts/setup.sh installs them)",
)
def test_the_pdf_prints_the_exam_book_and_attaches_every_full_trace_redacted(tmp_path: Path) -> None:
    folder, cases = _report(tmp_path, pdf=True)
    pdf = folder / "report.pdf"
    listed = subprocess.run([PDFDETACH, "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = sorted(line.split(": ", 1)[1] for line in listed.splitlines()[1:])
    ok_file = Path(cases["OK-1"]["trace"]["file"]["path"]).name  # long: its evidence file
    ko_file = f"{cases['KO-1']['anchor']}-t1.txt"  # short: the whole trace was the excerpt
    assert names == sorted([ok_file, ko_file])
    saved = tmp_path / "attached"
    saved.mkdir()
    subprocess.run([PDFDETACH, "-saveall", "-o", str(saved), str(pdf)], check=True)
    assert (saved / ok_file).read_bytes() == (folder / cases["OK-1"]["trace"]["file"]["path"]).read_bytes()
    ko_rows = ["\t".join((x["time"], x["channel"], x["step"], x["text"])) for x in cases["KO-1"]["trace"]["excerpt"]]
    ko_lines = (saved / ko_file).read_text(encoding="utf-8").splitlines()
    assert ko_lines[0].startswith("# testbench — ") and ko_lines[5:] == ko_rows  # the header, then the lines
    for name, case in ((ok_file, cases["OK-1"]), (ko_file, cases["KO-1"])):
        lines = (saved / name).read_text(encoding="utf-8").splitlines()
        assert len([line for line in lines if not line.startswith("#")]) == case["trace"]["count"]  # none cut
    joined = "".join(p.read_text(encoding="utf-8") for p in saved.iterdir())
    assert "‹" in joined and "DUPONT" not in joined and "10001234567" not in joined  # PERSONAL, masked
    assert "DUPONT" in PERSONAL
    text = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "pièce jointe du PDF" in text
    assert "ligne 29 ok" not in text  # the passed case's trace is attached, not printed
    failing = [line["text"] for line in cases["KO-1"]["trace"]["excerpt"] if "text" in line]
    assert failing and all(line.split()[0] in text for line in failing)  # the failure is printed in full


def test_a_pdf_it_cannot_update_is_refused_in_words_not_damaged(tmp_path: Path) -> None:
    """A PDF whose cross-references are a stream (not what Chromium writes) is left as it was, with a reason."""
    from testbench.i18n import translator
    from testbench.report.pdf import PdfError, embed_files

    pdf = tmp_path / "x.pdf"
    original = b"%PDF-1.7\n1 0 obj\n<</Type /XRef /Size 1>>\nstream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n"
    pdf.write_bytes(original)
    with pytest.raises(PdfError) as caught:
        embed_files(pdf, [("a.txt", b"x")])
    assert pdf.read_bytes() == original
    assert translator("en")(str(caught.value)) == "PDF without a classic cross-reference table: cannot attach files"
    assert embed_files(pdf, []) == 0 and pdf.read_bytes() == original  # nothing to attach: untouched
