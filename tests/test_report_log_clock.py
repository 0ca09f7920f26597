"""Audit (sut, clock): the exam book's times are on one clock, the bench's, in UTC — a value read in the application's
log included — and the book says once, on its cover, that a log's clock was off and corrected, by how much.

With the application's clock off (here pinned by the profile's ``clock_offset_ms``) and the machine in Paris, the
session recorded « horloge de … décalée de …, corrigée » but the book never said it, and a value read in the log
said « ligne de 05/12/2026 13:01:59,883 » (the log's own local time) beside trace lines at 12:00 UTC.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from testbench.casebook.loader import load_casebook
from testbench.demoapp.driver import start_demo_app
from testbench.domain.events import EventKind
from testbench.extract.model import bench_time
from testbench.i18n import translator
from testbench.report.build import BuildOptions, build_report
from testbench.report.cover import source_clocks
from testbench.report.personal import Scrubber
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session
from testbench.store.session import SessionStore

REPO = Path(__file__).resolve().parents[1]
EXAM = REPO / "casebooks" / "exam-demo.xml"
CASE = "EXAM-LPP-001"


def _run(tmp_path: Path) -> Path:
    casebook = load_casebook(EXAM)
    session = tmp_path / "exam.tbsession"
    with start_demo_app(tmp_path / "app") as app:
        profile = app.profile_path.read_text(encoding="utf-8")
        assert "clock_offset_ms = 0\n" in profile
        app.profile_path.write_text(profile.replace("clock_offset_ms = 0\n", "clock_offset_ms = 95000\n"), "utf-8")
        options = CampaignOptions(BenchOptions(cards="inprocess", engine="operator", sut_profile=app.profile_path))
        result = Campaign([casebook], session, options, operator=app.operator()).run_selection(
            [(casebook, casebook.case(CASE))]
        )
    assert result.verdicts == {CASE: "pass"}, result.verdicts
    return session


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def test_a_log_value_is_on_the_bench_clock_and_the_cover_says_the_logs_clock_was_off(paris, tmp_path: Path) -> None:
    session = _run(tmp_path)
    for lang, off, captured, own in (
        ("fr", "horloge de demo-erp.log décalée de +95,00 s (valeur configurée), corrigée", "ligne capturée à",
         "heure du journal :"),
        ("en", "clock of demo-erp.log off by +95.00 s (configured value), corrected", "line captured at",
         "log's own time:"),
    ):  # fmt: skip
        folder = build_report(session, tmp_path / lang, BuildOptions(lang=lang, junit=False)).folder
        data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        page = _text((folder / "index.html").read_text(encoding="utf-8"))
        assert [c["said"] for c in data["cover"]["clocks"]] == [off]
        assert page.count(off) == 1, page  # once, on the cover
        assert translator(lang)("Horloges des journaux") in page
        (case,) = data["cases"]
        logged = [o for o in case["observations"] if (o.get("provenance") or {}).get("kind") == "log"]
        assert logged, case["observations"]
        for o in logged:
            provenance = o["provenance"]
            at = bench_time(provenance["wall"])
            assert f"{captured} {at} UTC ({own} {provenance['locator']})" in o["origin"], o["origin"]
            # the log's own time is the machine's local time (Paris), an hour or two from the UTC beside it
            assert provenance["locator"][11:13] != at[:2]
            trace = [line for line in case["trace"]["excerpt"] if line["channel"] == "app" and line["time"] == at]
            assert trace and all(provenance["locator"] in line["text"] for line in trace), trace  # the trace's time


def test_an_older_sessions_clock_sentence_is_shown_and_a_clock_on_time_is_not(tmp_path: Path) -> None:
    """A session recorded before the offset was (only its French sentence), and a clock within the threshold."""
    path = tmp_path / "s.tbsession"
    with SessionStore.open(path) as store:
        store.add_event(EventKind.CLOCK_OFFSET, {"source": "C:\\App\\app.log", "text": "horloge de app.log décalée de"
                        " +2,31 s, corrigée"})  # fmt: skip
        store.add_event(EventKind.CLOCK_OFFSET, {"source": "/x/ok.log", "text": "horloge de ok.log à l'heure (écart"
                        " +0,02 s)", "offset_s": 0.02, "configured": False, "corrected": False})  # fmt: skip
        store.add_event(EventKind.CLOCK_OFFSET, {"source": "/x/tz.log", "text": "…", "offset_s": -3600.2,
                        "configured": False, "corrected": True})  # fmt: skip
    with read_session(path) as view:
        scrub = Scrubber.for_sessions(view, enabled=False, lang="fr")
        assert [c["said"] for c in source_clocks(view, scrub, "fr")] == [
            "horloge de app.log décalée de +2,31 s, corrigée",
            "horloge de tz.log décalée de -3600,20 s, corrigée (fuseau horaire -1 h ?)",
        ]
        assert [c["said"] for c in source_clocks(view, scrub, "en")] == [
            "clock of app.log off by +2,31 s, corrected",
            "clock of tz.log off by -3600.20 s, corrected (time zone -1 h?)",
        ]
