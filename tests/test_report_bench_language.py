"""The bench's own words in trace lines in the report's language: its lines (channel ``bench``) and the meaning
of an APDU's status word; the rest as recorded."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from shard_content import run_demo

from testbench.cards.sw import _EXACT, sw_meaning
from testbench.i18n import translator
from testbench.report.build import BuildOptions, build_report
from testbench.report.personal import Scrubber
from testbench.traces.bench_text import bench_text, trace_text

#: How the bench's French lines start (testbench/runner/runner.py writes them).
FRENCH = ("début du cas", "fin du cas", "carte ", "étape", "contrôle de la carte")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    session = tmp_path_factory.mktemp("bench-lang") / "demo.tbsession"
    assert run_demo(session) in (0, 1)
    return session


def recorded(session: Path, channel: str) -> list[str]:
    with sqlite3.connect(session) as db:
        return [
            text for (text,) in db.execute("SELECT text FROM trace_lines WHERE channel = ? ORDER BY id", (channel,))
        ]


def trace_rows(out: Path, attached: bool = False) -> list[tuple[str, str]]:
    """(channel, text) of the lines report.json shows, or (``attached``) of the evidence folder's trace files."""
    if not attached:
        data = json.loads((out / "report.json").read_text(encoding="utf-8"))
        return [
            (line["channel"], line["text"])
            for case in data["cases"]
            for line in case["trace"]["excerpt"]
            if "text" in line
        ]
    rows = []
    for file in sorted((out / "evidence" / "traces").glob("*.txt")):
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):  # the file's header
                continue
            _time, channel, _step, text = line.split("\t", 3)
            rows.append((channel, text))
    return rows


def build(session: Path, out: Path, lang: str, excerpt: int = 1_000_000, redact: bool = True) -> list[tuple[str, str]]:
    """The report's trace lines: all in report.json (``excerpt`` large), else those of the attached files."""
    build_report(session, out, BuildOptions(lang=lang, excerpt=excerpt, junit=False, redact=redact))
    return trace_rows(out, attached=excerpt < 1_000_000)


def test_an_english_report_has_no_french_bench_line(demo: Path, tmp_path: Path) -> None:
    french = recorded(demo, "bench")
    assert any(text.startswith("contrôle de la carte") for text in french)  # the demo reuses card checks
    assert any(text.startswith("étape manuelle") for text in french)  # and has attested manual steps
    for excerpt in (1_000_000, 4):  # every line in report.json, then in the evidence folder's full trace files
        rows = build(demo, tmp_path / f"en-{excerpt}", "en", excerpt)
        bench = [text for channel, text in rows if channel == "bench"]
        assert len(bench) == len(french)  # each case has more than 4 lines: every one is attached
        assert [text for text in bench if text.startswith(FRENCH)] == []
    excerpts = [text for channel, text in trace_rows(tmp_path / "en-4") if channel == "bench"]
    assert excerpts and [text for text in excerpts if text.startswith(FRENCH)] == []
    html = (tmp_path / "en-4" / "index.html").read_text(encoding="utf-8")
    assert "début du cas" not in html and "fin du cas" not in html


def test_an_english_report_says_each_apdu_status_word_in_english(demo: Path, tmp_path: Path) -> None:
    french = [sw_meaning(sw) for sw in (0x9000, 0x6111, 0x6C19)]  # the demo's cards answer these
    assert all(any(meaning in text for text in recorded(demo, "apdu")) for meaning in french)
    meanings = re.compile("|".join(re.escape(f" {m} ") for m in [*_EXACT.values(), *french]))
    for excerpt in (1_000_000, 4):  # report.json, then the evidence folder's full trace files
        apdu = [text for channel, text in build(demo, tmp_path / f"en-{excerpt}", "en", excerpt) if channel == "apdu"]
        assert len(apdu) == len(recorded(demo, "apdu"))
        assert [text for text in apdu if meanings.search(text)] == []
        assert any(" 9000 success " in text for text in apdu) and any("response bytes available" in t for t in apdu)
    html = (tmp_path / "en-1000000" / "index.html").read_text(encoding="utf-8")  # every line on the page
    assert " 9000 success " in html and " 9000 succès " not in html


def test_in_process_readers_are_named_alike_in_both_languages(demo: Path, tmp_path: Path) -> None:
    for lang in ("en", "fr"):
        build(demo, tmp_path / lang, lang)
        data = json.loads((tmp_path / lang / "report.json").read_text(encoding="utf-8"))
        assert data["cover"]["readers"] == ["inprocess-cps", "inprocess-vitale"]
        for name in ("report.json", "index.html"):
            page = (tmp_path / lang / name).read_text(encoding="utf-8")
            assert "Lecteur virtuel" not in page and "inprocess-cps" in page


def test_the_other_channels_stay_as_recorded_and_a_french_report_is_unchanged(demo: Path, tmp_path: Path) -> None:
    # compared unredacted: the redaction markers are in the report's language (« ‹nom masqué› », "‹name redacted›")
    fr = build(demo, tmp_path / "fr", "fr", redact=False)
    unredacted = Scrubber(enabled=False)  # PINs never leave, even unredacted
    for channel in ("bench", "apdu"):
        assert sorted(text for ch, text in fr if ch == channel) == sorted(map(unredacted, recorded(demo, channel)))
    en = build(demo, tmp_path / "en", "en", redact=False)
    others = [row for row in en if row[0] not in ("bench", "apdu")]
    assert others == [row for row in fr if row[0] not in ("bench", "apdu")]
    # an APDU line: only its status word's meaning reads in English, the bytes, duration and reader as recorded
    t = translator("en")
    assert [text for ch, text in en if ch == "apdu"] == [trace_text("apdu", text, t) for ch, text in fr if ch == "apdu"]


@pytest.mark.parametrize(
    ("french", "english"),
    [
        ("fin du cas C-1 : réussi", "end of case C-1: passed"),
        ("fin du cas C-1 : non concluant carte indisponible : lecteur vide", "end of case C-1: inconclusive "),
        (
            "fin du cas C-1 : en attente étape manuelle s3 en attente de l'opérateur",
            "end of case C-1: pending manual step s3 waiting for the operator",
        ),
        ("étape s2 refusée : E_PIN", "step s2 refused: E_PIN"),
        ("étape manuelle s3 rejetée par Alice : illisible", "manual step s3 rejected by Alice: "),
        ("carte v1 (vitale-test) → vitale : lecteur Lecteur 0", "card v1 (vitale-test) → vitale: reader "),
    ],
)
def test_each_shape_reads_back_in_english_and_stays_french_in_french(french: str, english: str) -> None:
    assert bench_text(french, translator("en")).startswith(english)
    assert bench_text(french, translator("fr")) == french


def test_a_kept_card_says_why_in_english() -> None:
    from testbench.cards.bay import KEPT_EMULATED, KEPT_PHYSICAL
    from testbench.cards.inprocess import KEPT_IN_MEMORY

    t = translator("en")
    for why in (KEPT_EMULATED, KEPT_PHYSICAL, KEPT_IN_MEMORY):
        line = bench_text(f"contrôle de la carte vitale repris du cas C-1 ({why})", t)
        assert line.startswith("check of card vitale carried over from case C-1 (") and "lecteur" not in line, line
