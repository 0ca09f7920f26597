"""``testbench diff``: a card guard check read again on one side and reused on the other is the bench's scheduling.

A full run keeps the CPS and the Vitale card in their readers from case to case, so the guard reuses an earlier
case's check (« contrôle de la carte vitale repris du cas … »); a shard, or a worker, starts with no kept check and
reads the card again (the guard's APDUs, before the case's first step). Both are the same product: the diff shows
them alike, for that slot's guard lines only; the APDUs of the product's steps are still compared.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import english
from testbench.paths import CASEBOOKS_DIR
from testbench.report.diff import diff_sessions
from testbench.report.diff_bench import BENCH_RULES

DEMO = CASEBOOKS_DIR / "demo.xml"


def run(session: Path, *extra: str) -> Path:
    argv = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess", *extra]
    assert main(argv) in (0, 1, 2)  # the demo holds a deliberately wrong case and a pending one
    return session


@pytest.fixture(scope="module")
def full_and_merged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("diff-guard")
    full = run(work / "full.tbsession")
    shards = [run(work / f"s{k}.tbsession", "--shard", f"{k}/2") for k in (1, 2)]
    merged = work / "merged.tbsession"
    assert main(["merge", *map(str, shards), "-o", str(merged)]) == 0
    return full, merged


def reused_lines(session: Path) -> int:
    with sqlite3.connect(session) as db:
        return db.execute("SELECT count(*) FROM trace_lines WHERE text LIKE '%repris du cas%'").fetchone()[0]


def test_a_full_run_and_its_merged_shards_are_identical(full_and_merged: tuple[Path, Path], capsys) -> None:
    full, merged = full_and_merged
    assert reused_lines(full) > reused_lines(merged)  # the shards did read again cards the full run kept
    result = diff_sessions(full, merged)
    assert {c.kind for c in result.cases} == {"same"}, [(c.case_id, c.trace_diff[:6]) for c in result.cases]
    assert main(["diff", str(full), str(merged)]) == 0
    out = capsys.readouterr().out
    assert "bilan : identique 22\n" in out
    assert "contrôle de carte refait ou repris" in out  # the rule is named with the others


def test_a_step_s_apdu_still_shows(full_and_merged: tuple[Path, Path], tmp_path: Path) -> None:
    """The product's own exchange with the card in a step (here its answer changed) is no guard line."""
    full, merged = full_and_merged
    copy = tmp_path / "merged.tbsession"
    copy.write_bytes(merged.read_bytes())
    with sqlite3.connect(copy) as db:
        changed = db.execute(
            "UPDATE trace_lines SET text = replace(text, '9000 succès', '6A82 fichier ou application introuvable')"
            " WHERE id = (SELECT t.id FROM trace_lines t JOIN attempts a ON a.id = t.attempt_id"
            " WHERE a.case_id = 'DEMO-FSE-020' AND t.channel = 'apdu' AND t.step_id IS NOT NULL"
            " AND t.text LIKE '%[vitale@%' ORDER BY t.id LIMIT 1)"
        ).rowcount
    assert changed == 1
    kinds = {c.case_id: c.kind for c in diff_sessions(full, copy).cases}
    assert kinds["DEMO-FSE-020"] == "details"
    assert set(kinds.values()) == {"same", "details"}


Row = tuple[str, str | None, str]  # testbench.report.diff_bench.Row

CARDS: list[Row] = [
    ("bench", None, "début du cas X — titre"),
    ("bench", None, "carte cps-nurse (cps4-nurse.xml) → cps : lecteur r-cps"),
    ("bench", None, "carte vitale-std (vitale2.xml) → vitale : lecteur r-vitale"),
]
READ_VITALE: list[Row] = [
    ("apdu", None, "A>> 00 A4 00 00 02 3F 00  A<< 9000 succès  (0.01 ms) [vitale@r-vitale]"),
    ("apdu", None, "A>> 00 B0 82 00 00  A<< 6C19 Le incorrect : renvoyer avec Le = 25  (0.00 ms) [vitale@r-vitale]"),
]
KEPT_CPS: Row = ("bench", None, "contrôle de la carte cps repris du cas Y (carte gardée)")
KEPT_VITALE: Row = ("bench", None, "contrôle de la carte vitale repris du cas Y (carte gardée)")
STEPS: list[Row] = [
    ("bench", "s-vitale", "étape s-vitale : read-vitale"),
    ("apdu", "s-vitale", "A>> 00 A4 00 00 02 3F 00  A<< 9000 succès  (0.01 ms) [vitale@r-vitale]"),
]


def test_read_on_one_side_and_reused_on_the_other_reads_alike() -> None:
    from testbench.report.diff_bench import GUARD_EITHER, either_guard_check

    read = [*CARDS, *READ_VITALE, KEPT_CPS, *STEPS]
    kept = [*CARDS, KEPT_CPS, KEPT_VITALE, *STEPS]
    a, b = either_guard_check(read, kept)
    assert a == b == [*CARDS, KEPT_CPS, ("bench", None, GUARD_EITHER.format(slot="vitale")), *STEPS]
    assert either_guard_check(kept, read) == (b, a)


def test_only_a_read_against_a_reuse_is_made_alike() -> None:
    from testbench.report.diff_bench import either_guard_check

    read = [*CARDS, *READ_VITALE, *STEPS]
    other = [*CARDS, READ_VITALE[0], ("apdu", None, READ_VITALE[1][2].replace("6C19", "6C1B")), *STEPS]
    assert either_guard_check(read, other) == (read, other)  # both read: the guard's APDUs are compared
    kept = [*CARDS, KEPT_VITALE, *STEPS]
    changed_step = [*CARDS, *READ_VITALE, STEPS[0], ("apdu", "s-vitale", STEPS[1][2].replace("9000 succès", "6A82"))]
    a, b = either_guard_check(changed_step, kept)
    assert a[-1] != b[-1] and a[-1][1] == "s-vitale"  # a step's APDU is the product's: never dropped
    assert either_guard_check([*CARDS, KEPT_VITALE], [*CARDS, KEPT_VITALE]) == ([*CARDS, KEPT_VITALE],) * 2
    assert either_guard_check([("app", None, "x [vitale@r]")], [KEPT_VITALE])[0] == [("app", None, "x [vitale@r]")]


def test_the_line_and_the_rule_read_in_english() -> None:
    from testbench.report.diff_bench import GUARD_EITHER

    said = "check of card vitale made again or reused from an earlier case"
    assert english(GUARD_EITHER.format(slot="vitale")) == said
    assert "contrôle de carte refait ou repris" in BENCH_RULES
    assert english("contrôle de carte refait ou repris") == "card check made again or reused"
