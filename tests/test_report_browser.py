"""The report in a real browser: headless Chromium loads it with no console message and no network request,
hostile text stays inert, and the offline filter works (driven through the URL's query string).

Console messages are read from Chromium's log (``--enable-logging=stderr``); requests from its net log
(``--log-net-log``), keeping those a page started (the browser's own update/sign-in pings, which these
flags cannot all silence, carry the initiator "not an origin"). A control page that does log and fetch
proves both detectors can fail.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from test_report_build import campaign

from testbench.report.build import build_report
from testbench.report.pdf import HEADLESS_FLAGS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh installs it)")

_CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\] (.*)")


@dataclass
class Load:
    dom: etree._Element
    console: list[str]
    requests: list[str]


def load(url: str, work: Path) -> Load:
    work.mkdir(parents=True, exist_ok=True)
    netlog = work / "net.json"
    cmd = [
        str(CHROMIUM),
        *HEADLESS_FLAGS,
        f"--user-data-dir={work / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        f"--log-net-log={netlog}",
        "--virtual-time-budget=2000",
        "--dump-dom",
        url,
    ]
    proc = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    console = [m.group(1) for m in _CONSOLE.finditer(proc.stderr.decode(errors="replace"))]
    log = json.loads(netlog.read_text(encoding="utf-8", errors="replace"))
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    requests = sorted(
        {
            e["params"]["url"]
            for e in log["events"]
            if types.get(e["type"]) == "URL_REQUEST_START_JOB"
            and e.get("params", {}).get("initiator") != "not an origin"
            and not e["params"].get("url", "file:").startswith(("file:", "data:"))
        }
    )
    return Load(etree.HTML(proc.stdout.decode("utf-8")), console, requests)


def test_detectors_catch_a_page_that_logs_and_fetches(tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="http://192.0.2.1/x.png">'
        '<script>console.error("control-error")</script></body></html>',
        encoding="utf-8",
    )
    result = load(page.as_uri(), tmp_path / "c")
    assert any("control-error" in m for m in result.console)
    assert result.requests == ["http://192.0.2.1/x.png"]


def test_report_loads_offline_with_no_console_message_and_hostile_text_inert(tmp_path: Path) -> None:
    folder = build_report(campaign(tmp_path, extra_lines=60), tmp_path / "r").folder
    # the hostile trace is a passed case's (OK-1), rendered when the case is opened: open it by its link
    (anchor,) = [
        c["anchor"] for c in json.loads((folder / "report.json").read_bytes())["cases"] if c["verdict"] == "pass"
    ]
    result = load(f"{(folder / 'index.html').as_uri()}#{anchor}", tmp_path / "b")
    assert result.console == []
    assert result.requests == []
    dom = result.dom
    body = dom.find("body")
    assert body.get("data-pwned") is None  # neither the trace line nor the casebook title ran
    assert dom.findtext("head/title") != "PWNED"
    assert dom.xpath("//img") == [] and dom.xpath("//svg[@onload]") == []
    assert len(dom.xpath("//script")) == 1  # ours only
    text = "".join(dom.itertext())
    assert "onerror=" in text and "<svg onload=" in text  # shown as text, for the reviewer to see
    assert body.get("data-filtered") == "2"  # our script did run (allowed by its CSP hash)


def test_filter_by_verdict_domain_and_text_without_a_server(tmp_path: Path) -> None:
    folder = build_report(campaign(tmp_path, case_ids=("OK-1", "KO-1", "OK-2"), hostile=False), tmp_path / "r").folder
    url = (folder / "index.html").as_uri()

    def visible(query: str) -> list[str]:
        dom = load(f"{url}?{query}", tmp_path / re.sub(r"\W", "_", query)).dom
        rows = dom.xpath("//table[@id='index']/tbody/tr[not(@hidden)]/@data-case")
        sections = dom.xpath("//section[@class='case'][not(@hidden)]/@data-case")
        assert rows == sections
        return rows

    assert visible("verdict=fail") == ["KO-1"]
    assert visible("verdict=!pass") == ["KO-1"]
    assert visible("verdict=pass&domain=fse") == ["OK-1", "OK-2"]
    assert visible("q=ok-2") == ["OK-2"]
    assert visible("domain=adri") == []
