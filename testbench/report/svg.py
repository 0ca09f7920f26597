"""Inline SVG charts drawn by our code (no script, no external asset): they print and work offline.

Text is escaped here because these strings are inserted into the page as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from testbench import fmt
from testbench.i18n import colon, tn, translator

#: each verdict's colour, at least 3:1 against the page (#fff) and the timeline's lanes (:data:`LANE`), as WCAG 1.4.11
#: asks of graphics; the two greys differ by lightness, and the bars' segments are outlined (:data:`OUTLINE`)
COLORS = {
    "pass": "#2e9d55",
    "fail": "#c62828",
    "error": "#8e24aa",
    "inconclusive": "#a86f00",
    "pending": "#3b6fd8",
    "none": "#5b6573",
    "skipped": "#848d9a",
}
#: the background of a run's lane in the timeline
LANE = "#f2f4f7"
#: a white edge between two segments of a bar: two neighbouring colours never read as one
OUTLINE = 'stroke="#fff" stroke-width="1"'
#: a verdict the bench does not know (a newer session's)
UNKNOWN = COLORS["none"]
ORDER = ("fail", "error", "inconclusive", "pending", "none", "skipped", "pass")


def _esc(text: str) -> str:
    return escape(fmt.visible_controls(text))


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def stacked_bars(
    by_group: dict[str, dict[str, int]], label: Callable[[str], str], title: str, lang: str | None = None
) -> str:
    """One horizontal bar per group (domain), split by verdict."""
    if not by_group:
        return ""
    width, bar_h, gap, left, right = 720, 18, 8, 120, 60
    top = 6
    height = top + len(by_group) * (bar_h + gap) + 26
    longest = max(sum(v.values()) for v in by_group.values()) or 1
    scale = (width - left - right) / longest
    out = [
        f'<svg class="chart" role="img" aria-label="{_esc(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    y = top
    for group, counts in by_group.items():
        out.append(f'<text x="{left - 6}" y="{y + bar_h - 5}" text-anchor="end" font-size="12">{_esc(group)}</text>')
        x = float(left)
        for verdict in ORDER:
            n = counts.get(verdict, 0)
            if not n:
                continue
            w = n * scale
            out.append(
                f'<rect x="{_num(x)}" y="{y}" width="{_num(w)}" height="{bar_h}" fill="{COLORS[verdict]}" {OUTLINE}>'
                f"<title>{_esc(group)} — {_esc(label(verdict))}{colon(lang)}{n}</title></rect>"
            )
            x += w
        out.append(f'<text x="{_num(x + 5)}" y="{y + bar_h - 5}" font-size="12">{sum(counts.values())}</text>')
        y += bar_h + gap
    lx = left
    for verdict in ORDER:
        if any(verdict in c for c in by_group.values()):
            text = _esc(label(verdict))
            out.append(f'<rect x="{lx}" y="{y + 4}" width="10" height="10" fill="{COLORS[verdict]}"/>')
            out.append(f'<text x="{lx + 14}" y="{y + 13}" font-size="11">{text}</text>')
            lx += 24 + 7 * len(text)
    out.append("</svg>")
    return "".join(out)


#: beyond this many attempts, a mark each would be under a unit wide: the timeline draws columns instead
TIMELINE_MARKS = 150
#: the columns a run's lane is cut into at that scale, each its attempts' verdicts stacked
TIMELINE_COLUMNS = 80
_TL_WIDTH, _TL_LEFT, _TL_RIGHT, _TL_LANE = 960, 70, 10, 26


def _columns(
    marks: list[tuple[Any, float, float, dict[str, Any], dict[str, Any]]],
    lane: dict[Any, int],
    t0: float,
    scale: float,
    label: Callable[[str], str],
    lang: str,
) -> list[str]:
    """A large campaign's timeline: each run's lane cut into :data:`TIMELINE_COLUMNS` columns of time, each the
    verdicts of the attempts started in it stacked (failures on top), named and linked to its worst case."""
    step = (_TL_WIDTH - _TL_LEFT - _TL_RIGHT) / TIMELINE_COLUMNS
    columns: dict[tuple[Any, int], list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for run_id, start, _, a, c in sorted(marks, key=lambda m: (m[0], m[1])):
        column = min(int((start - t0) * scale / step), TIMELINE_COLUMNS - 1)
        columns.setdefault((run_id, column), []).append((a, c))
    rank = {v: i for i, v in enumerate(ORDER)}
    out = []
    for (run_id, column), attempts in columns.items():
        counts: dict[str, int] = {}
        for a, _ in attempts:
            counts[a["verdict"]] = counts.get(a["verdict"], 0) + 1
        worst = min(attempts, key=lambda ac: rank.get(ac[0]["verdict"], len(ORDER)))[1]
        first, last = attempts[0][1]["key"]["case_id"], attempts[-1][1]["key"]["case_id"]
        said = ", ".join(f"{label(v)} {counts[v]}" for v in sorted(counts, key=lambda v: rank.get(v, len(ORDER))))
        cases = first if first == last else f"{first} … {last}"
        tip = f"{cases} — {tn('{count} tentative', '{count} tentatives', len(attempts), lang)} — {said}"
        x, y = _TL_LEFT + column * step, 4 + lane[run_id] * (_TL_LANE + 6)
        bars = []
        for verdict in sorted(counts, key=lambda v: rank.get(v, len(ORDER))):
            h = _TL_LANE * counts[verdict] / len(attempts)
            bars.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(step - 1)}" height="{_num(h)}" '
                f'fill="{COLORS.get(verdict, UNKNOWN)}" {OUTLINE}/>'
            )
            y += h
        out.append(
            f'<a href="#{_esc(worst["anchor"])}" tabindex="-1"><g><title>{_esc(tip)}</title>{"".join(bars)}</g></a>'
        )
    return out


def timeline(
    cases: list[dict[str, Any]],
    label: Callable[[str], str],
    title: str,
    clock: Callable[[float], str],
    lang: str = "fr",
) -> str:
    """The campaign on one time axis: a mark per attempt, width = duration, colour = verdict, one lane per run;
    beyond :data:`TIMELINE_MARKS` attempts, columns of time that stack their attempts' verdicts (:func:`_columns`)."""
    marks = []
    for c in cases:
        for a in c["attempts"]:
            if a.get("started_wall") is None:
                continue
            marks.append((a["run_id"], a["started_wall"], (a["duration_ms"] or 0) / 1000, a, c))
    if not marks:
        return ""
    runs = sorted({m[0] for m in marks})
    lane = {r: i for i, r in enumerate(runs)}
    t0 = min(m[1] for m in marks)
    t1 = max(m[1] + m[2] for m in marks)
    span = max(t1 - t0, 1e-3)
    width, left, right, lane_h = _TL_WIDTH, _TL_LEFT, _TL_RIGHT, _TL_LANE
    height = len(runs) * (lane_h + 6) + 30
    scale = (width - left - right) / span
    out = [
        f'<svg class="chart" role="img" aria-label="{_esc(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    t = translator(lang)
    run_word, attempt_word = _esc(t("exécution")), t("tentative")
    for r in runs:
        y = 4 + lane[r] * (lane_h + 6)
        out.append(f'<text x="{left - 6}" y="{y + lane_h - 8}" text-anchor="end" font-size="11">{run_word} {r}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{width - left - right}" height="{lane_h}" fill="{LANE}"/>')
    if len(marks) > TIMELINE_MARKS:
        out += _columns(marks, lane, t0, scale, label, lang)
    for run_id, start, dur, a, c in sorted(marks, key=lambda m: (m[0], m[1])) if len(marks) <= TIMELINE_MARKS else ():
        y = 4 + lane[run_id] * (lane_h + 6)
        x = left + (start - t0) * scale
        w = max(dur * scale, 1.0)
        tip = (
            f"{c['key']['case_id']} — {label(a['verdict'])} — {attempt_word} {a['number']}"
            f" — {fmt.duration_ms(a['duration_ms'], lang)}"
        )
        out.append(
            # clickable, but no tab stop: a campaign's 700 marks before the index, each unnamed under role="img"
            f'<a href="#{_esc(c["anchor"])}" tabindex="-1"><rect x="{_num(x)}" y="{y}" width="{_num(w)}" '
            f'height="{lane_h}" fill="{COLORS.get(a["verdict"], UNKNOWN)}"><title>{_esc(tip)}</title></rect></a>'
        )
    base = height - 8
    out.append(f'<text x="{left}" y="{base}" font-size="11">{_esc(clock(t0))}</text>')
    out.append(f'<text x="{width - right}" y="{base}" font-size="11" text-anchor="end">{_esc(clock(t1))}</text>')
    out.append(
        f'<text x="{(left + width - right) / 2:.0f}" y="{base}" font-size="11" text-anchor="middle">'
        f"{_esc(fmt.duration(span, lang))}</text>"
    )
    out.append("</svg>")
    return "".join(out)
