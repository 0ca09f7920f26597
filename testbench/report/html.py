"""The HTML report: one self-contained file, French by default, rebuilt from the session alone.

Rendering is deterministic — the same session file gives the same bytes — so a report can be
rebuilt and compared at any time.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from testbench.i18n import translator
from testbench.report.content import ReportContent, gather, verdict_label, wall_text
from testbench.store.read import read_session

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("testbench.report", "templates"),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(content: ReportContent, lang: str = "fr") -> str:
    t = translator(lang)
    template = _ENV.get_template("report.html.j2")
    return template.render(
        r=content,
        t=t,
        lang=lang,
        verdict_label=lambda v: t(verdict_label(v)),
        wall_text=wall_text,
    )


def write_report(session_path: Path, out_dir: Path, lang: str = "fr") -> Path:
    """Build the report of ``session_path`` into ``out_dir``; return the HTML file's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with read_session(session_path) as session:
        html = render_html(gather(session), lang)
    target = out_dir / "index.html"
    target.write_text(html, encoding="utf-8")
    return target
