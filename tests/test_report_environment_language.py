"""The report's appendix, its runs and its produced files' notes in the report's language, one at a time.

The session records the bench's description in French (« cartes virtuelles en mémoire (vitale, cps) ») and
its environment under code keys (``cards``, ``engine``…): report.json keeps the keys and says the words in
the report's language, the page labels each item in that language.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from shard_content import run_demo

from testbench.report.build import BuildOptions, build_report

KEYS = ("cards", "casebooks", "engine", "host", "notes", "platform", "python", "user", "agrement", "socle_version")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("env-lang")
    assert run_demo(work / "demo.tbsession") == 1  # the demo fails one case on purpose
    out = {}
    for lang in ("fr", "en"):
        out[lang] = work / lang
        build_report(work / "demo.tbsession", out[lang], BuildOptions(lang=lang, junit=False))
    return out


def appendix(folder: Path) -> list[tuple[str, str]]:
    """(label, value) of each row of the page's « Annexe : environnement » table."""
    page = (folder / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="environment">') :]
    table = section[: section.index("</table>")]
    rows = re.findall(r"<tr><th>(.*?)</th><td[^>]*>(.*?)</td></tr>", table, re.DOTALL)
    return [(unescape(th), unescape(re.sub(r"<[^>]+>", "", td))) for th, td in rows]


def runs_readers(folder: Path) -> list[str]:
    """The Readers column of the page's runs table."""
    page = (folder / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="environment">') :]
    runs = section[section.index("</table>") :]
    rows = re.findall(r"<tr[^>]*>" + r"<td[^>]*>(.*?)</td>" * 8 + "</tr>", runs)  # with the run's SUT and engine
    return [unescape(cells[6]) for cells in rows]


def test_the_appendix_labels_and_says_the_bench_in_english(reports: dict[str, Path]) -> None:
    data = json.loads((reports["en"] / "report.json").read_text(encoding="utf-8"))
    assert data["environment"]["cards"] == "in-memory virtual cards (vitale, cps)"
    assert [run["cards"] for run in data["cover"]["runs"]] == ["in-memory virtual cards (vitale, cps)"]
    rows = dict(appendix(reports["en"]))
    assert rows["Readers"] == "in-memory virtual cards (vitale, cps)"
    engine = rows["Billing engine"]
    assert "SESAM-Vitale core version: reference (not certified)" in engine and "capabilities: read_cps, " in engine
    assert not [label for label in rows if label in KEYS] and not [key for key in KEYS if f"{key}:" in engine]
    assert runs_readers(reports["en"]) == ["in-memory virtual cards (vitale, cps)"]
    assert "cartes virtuelles" not in (reports["en"] / "index.html").read_text(encoding="utf-8")


def test_the_appendix_reads_in_french_by_default(reports: dict[str, Path]) -> None:
    data = json.loads((reports["fr"] / "report.json").read_text(encoding="utf-8"))
    assert data["environment"]["cards"] == "cartes virtuelles en mémoire (vitale, cps)"
    rows = dict(appendix(reports["fr"]))
    assert rows["Lecteurs"] == "cartes virtuelles en mémoire (vitale, cps)"
    engine = rows["Moteur de facturation"]
    assert "version du socle : reference (non certifié)" in engine and "capacités : read_cps, " in engine
    assert not [label for label in rows if label in KEYS] and not [key for key in KEYS if f"{key} :" in engine]
    assert runs_readers(reports["fr"]) == ["cartes virtuelles en mémoire (vitale, cps)"]


def test_a_produced_file_s_note_reads_in_the_report_s_language(reports: dict[str, Path]) -> None:
    for lang, word in (("en", "redacted"), ("fr", "anonymisé")):
        data = json.loads((reports[lang] / "report.json").read_text(encoding="utf-8"))
        notes = {e["note"] for case in data["cases"] for e in case["evidence"] if e["note"]}
        assert notes == {word}, lang


def test_an_empty_value_of_the_appendix_reads_as_a_dash(reports: dict[str, Path]) -> None:
    """The reference engine has no agrément: « agrément : — », not « agrément : ; » (audit 9)."""
    for lang, label in (("fr", "Moteur de facturation"), ("en", "Billing engine")):
        engine = dict(appendix(reports[lang]))[label]
        assert re.search(r"agr[ée]ment ?: —", engine), engine
        assert not re.search(r": ?(;|$)", engine), engine
