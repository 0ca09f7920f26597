"""A value expectation's path is checked against the observation paths the runner produces
(``testbench.domain.vocabulary.OBSERVATION_PATHS``: ``[i]`` any index, ``*`` any rest of names).

The check reads a path's shape instead of compiling one regular expression of every pattern (7 ms at
every run); it must accept and refuse exactly what that expression did, which this test keeps as the
reference.
"""

from __future__ import annotations

import re

from testbench.domain.vocabulary import OBSERVATION_PATHS, known_path


def _reference() -> re.Pattern[str]:
    """The former check: every pattern as one alternation, ``fullmatch``-ed against the path."""
    parts = []
    for pattern in OBSERVATION_PATHS:
        rx = re.escape(pattern).replace(r"\[i\]", r"\[\d+\]")
        parts.append(rx.replace(r"\.\*", r"(?:\.[A-Za-z0-9_\-]+(?:\[\d+\])?)+"))
    return re.compile("|".join(parts))


def _candidates() -> list[str]:
    """Every pattern written as paths (indexes, rests of one and more names), then spoilt in the ways a
    casebook author spoils them."""
    rests = ["ald", "ald_start", "a-b.c_d", "x[3]", "x[3].y[12]", "X9", ""]
    out: set[str] = set()
    for pattern in OBSERVATION_PATHS:
        for index in ("0", "12", "007"):
            path = pattern.replace("[i]", f"[{index}]")
            if path.endswith(".*"):
                out.update(path[:-1] + rest for rest in rests)
                out.update({path[:-2], path, path[:-1] + "a b", path[:-1] + "a..b", path[:-1] + "a[x]"})
            else:
                out.update({path, path + ".more", path + "[0]", path.upper(), path[:-1]})
        out.update({pattern, pattern.replace("[i]", ""), pattern.replace("[i]", "[]"), pattern.replace("[i]", "[-1]")})
    out.update({"", ".", "invoice", "invoice.", "invoice.totals", "manual", "manual.", "cards.slot[1]", "[0]"})
    return sorted(out)


def test_known_path_agrees_with_the_one_expression_of_every_pattern() -> None:
    reference = _reference()
    candidates = _candidates()
    known = [p for p in candidates if reference.fullmatch(p)]
    assert 150 < len(known) < len(candidates) - 300  # both sides are well represented
    assert [p for p in candidates if known_path(p) != bool(reference.fullmatch(p))] == []
