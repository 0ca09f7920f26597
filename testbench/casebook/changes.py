"""Which problems a re-check found anew and which went away (``validate --watch``).

A problem is the earlier one when it is at the place that one had, carried along by the lines added or
removed above it (the lines of the file before and after the save, compared), with the same message. Then
what is left is paired by message alone, in file order (a line rewritten so that it cannot be followed).
So fixing one of twelve identical problems reports the line that was fixed, and lines added above a
problem do not report it again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from testbench.casebook.errors import Problem

#: Old line number (1-based) -> its new one, for the lines a save kept or rewrote one for one.
Moves = dict[int, int]


def moved_lines(before: Sequence[bytes], after: Sequence[bytes]) -> Moves:
    """Where each line of ``before`` is in ``after``: the common start and end are matched in linear time
    (a save usually changes one region), the region between them line by line when it kept its length,
    else by a line diff of that region only."""
    limit = min(len(before), len(after))
    start = 0
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while end < limit - start and before[-1 - end] == after[-1 - end]:
        end += 1
    moves = {n: n for n in range(1, start + 1)}
    shift = len(after) - len(before)
    moves.update({n: n + shift for n in range(len(before) - end + 1, len(before) + 1)})
    old, new = before[start : len(before) - end], after[start : len(after) - end]
    if len(old) == len(new):
        moves.update({start + k: start + k for k in range(1, len(old) + 1)})
        return moves
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            moves.update({start + i1 + k: start + j1 + k for k in range(1, i2 - i1 + 1)})
    return moves


def changed_problems(
    old: Sequence[Problem], new: Sequence[Problem], moves: dict[str, Moves]
) -> tuple[list[Problem], list[Problem]]:
    """(the problems of ``new`` that are not in ``old``, those of ``old`` that went away).

    ``moves`` has the line moves of each file whose text before and after is known; a file without
    them is taken as unmoved.
    """
    waiting: dict[tuple[object, ...], list[int]] = {}
    for index, problem in enumerate(old):
        lines = moves.get(problem.source.file)
        line = problem.source.line if lines is None else lines.get(problem.source.line)
        if line is not None:
            waiting.setdefault(_key(problem, line), []).append(index)
    kept: set[int] = set()
    left: list[Problem] = []
    for problem in new:
        matches = waiting.get(_key(problem, problem.source.line))
        if matches:
            kept.add(matches.pop(0))
        else:
            left.append(problem)
    gone = [problem for index, problem in enumerate(old) if index not in kept]
    return _unmatched(left, gone), _unmatched(gone, left)


def _key(problem: Problem, line: int) -> tuple[object, ...]:
    return (problem.source.file, line, problem.source.col, problem.message, problem.english)


def _unmatched(problems: list[Problem], others: list[Problem]) -> list[Problem]:
    """The problems of ``problems`` left once each problem of ``others`` has taken its match by message."""
    left = Counter((p.message, p.english) for p in others)
    unmatched = []
    for problem in problems:
        key = (problem.message, problem.english)
        if left[key]:
            left[key] -= 1
        else:
            unmatched.append(problem)
    return unmatched
