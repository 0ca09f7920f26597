"""`run --shard K/N` and `merge`: the shards of a campaign, merged, are the full run (issue 16 §5)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import pytest
from shard_content import DEMO, report_content
from shard_content import run_demo as run

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report
from testbench.report.junit import case_verdicts
from testbench.runner.shard import (
    Shard,
    assign,
    check_shards,
    parse_shard,
    read_record,
    shard_record,
    shard_slice,
)
from testbench.store.read import SHARD_META, read_session


def test_the_union_of_the_shards_is_the_full_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path / "full.tbsession") == 1  # the demo has one case that fails on purpose
    shards = [tmp_path / f"shard-{k}.tbsession" for k in (1, 2, 3)]
    for k, shard in enumerate(shards, 1):
        assert run(shard, "--shard", f"{k}/3") in (0, 1)
    ran = []
    for shard in shards:
        with read_session(shard) as s:
            ran.append([c.case_id for c in s.cases])
    every = [cid for ids in ran for cid in ids]
    assert all(ran) and len(every) == len(set(every)) == 22  # disjoint, none empty, the 22 cases
    capsys.readouterr()
    merged = tmp_path / "merged.tbsession"
    assert main(["merge", *map(str, reversed(shards)), "-o", str(merged)]) == 0  # any order of inputs
    assert "campagne de 22 cas" in capsys.readouterr().out
    with read_session(tmp_path / "full.tbsession") as full, read_session(merged) as union:
        assert [(c.case_id, c.verdict, c.latest.reason) for c in union.cases] == [
            (c.case_id, c.verdict, c.latest.reason) for c in full.cases
        ]  # same cases, same verdicts, in the campaign's order
    assert report_content(merged, tmp_path / "r-merged") == report_content(tmp_path / "full.tbsession", tmp_path / "r")
    # the merged session's report is signed once and verifies
    key = tmp_path / "signer.key"
    assert main(["keys", "init", "--key", str(key)]) == 0
    assert main(["report", str(merged), "-o", str(tmp_path / "signed"), "--sign", "--key", str(key)]) == 0
    assert main(["verify", str(tmp_path / "signed")]) == 0


def test_a_missing_shard_or_another_campaigns_shard_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = tmp_path / "1.tbsession", tmp_path / "2.tbsession"
    assert run(one, "--shard", "1/2") in (0, 1)
    capsys.readouterr()
    assert main(["merge", str(one), "-o", str(tmp_path / "m.tbsession"), "--lang", "en"]) == 3
    assert "missing shard: 2/2" in capsys.readouterr().err
    assert not (tmp_path / "m.tbsession").exists()
    # merged anyway on request: the missing shard's cases are there, not run
    assert main(["merge", str(one), "-o", str(tmp_path / "m.tbsession"), "--allow-missing-shards"]) == 0
    with read_session(tmp_path / "m.tbsession") as s:
        assert len(s.cases) == 22 and {c.verdict for c in s.cases} >= {"none", "pass"}
    assert run(two, "--shard", "2/2", "-k", "not DEMO-FSE-099") in (0, 1)  # another selection: another campaign
    capsys.readouterr()
    assert main(["merge", str(one), str(two), "-o", str(tmp_path / "n.tbsession")]) == 3
    assert "d'une autre campagne" in capsys.readouterr().err


def test_a_bad_shard_is_a_usage_error_in_the_command_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for spec in ("3/2", "0/2", "a/b", "2"):
        assert run(tmp_path / "x.tbsession", "--shard", spec, "--lang", "en") == 3
        assert f"--shard expects K/N with 1 ≤ K ≤ N ≤ 10000 (for example 2/4), not “{spec}”" in capsys.readouterr().err


def test_the_slices_are_stable_and_balanced_by_steps() -> None:
    (casebook,) = load_casebooks([DEMO])
    selected = [(casebook, case) for case in casebook.cases]
    shards = assign(selected, 4)
    assert assign(list(reversed(selected)), 4) == list(reversed(shards))  # the file's order does not matter
    loads = [sum(len(c.steps) for (_, c), s in zip(selected, shards, strict=True) if s == k) for k in range(4)]
    longest = max(len(c.steps) for _, c in selected)
    assert max(loads) - min(loads) <= longest  # greedy on steps: no shard a whole case heavier than another
    # each slice keeps the campaign's order, and the slices cover it once
    slices = [shard_slice(selected, Shard(k, 4)) for k in (1, 2, 3, 4)]
    assert sorted(c.id for s in slices for _, c in s) == sorted(c.id for _, c in selected)
    assert all([c.id for _, c in s] == [c.id for _, c in selected if (casebook, c) in s] for s in slices)
    assert parse_shard(" 2 / 4 ") == Shard(2, 4)


def test_a_shard_with_no_case_still_writes_its_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/ci.md: a CI job whose shard got no case still writes its session (and its JUnit), so the merge
    job finds every shard of the campaign."""
    one, two = tmp_path / "1.tbsession", tmp_path / "2.tbsession"
    junit = tmp_path / "junit-2.xml"
    # one case dealt into two shards: the second gets none
    assert run(two, "--shard", "2/2", "-k", "DEMO-FSE-001", "--junit", str(junit)) == 0
    assert "partition 2/2 : 0 cas sur 1" in capsys.readouterr().err
    with read_session(two) as s:
        assert s.cases == () and [bool(r["ended_wall"]) for r in s.runs] == [True]  # a run, started and ended
        record = read_record(s.meta[SHARD_META])
    assert record is not None and (record["index"], record["count"]) == (2, 2)
    assert [cid for _, cid in record["campaign"]] == ["DEMO-FSE-001"]  # the whole campaign's selection
    assert ElementTree.parse(junit).getroot().get("tests") == "0"
    assert run(one, "--shard", "1/2", "-k", "DEMO-FSE-001") == 0
    capsys.readouterr()
    merged = tmp_path / "merged.tbsession"
    assert main(["merge", str(one), str(two), "-o", str(merged)]) == 0  # the campaign is complete
    assert "campagne de 1 cas" in capsys.readouterr().out
    with read_session(merged) as s:
        assert [(c.case_id, c.verdict) for c in s.cases] == [("DEMO-FSE-001", "pass")]


def test_a_ci_retry_of_a_shard_is_merged_beside_its_first_try(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/ci.md: a CI retry of one shard given beside the first try keeps both attempts."""
    one, two, retry = (tmp_path / f"{name}.tbsession" for name in ("1", "2", "2-retry"))
    for session, k in ((one, 1), (two, 2), (retry, 2)):
        assert run(session, "--shard", f"{k}/2") in (0, 1)
    with read_session(two) as s:
        retried = [c.case_id for c in s.cases]
    merged = tmp_path / "merged.tbsession"
    assert main(["merge", str(one), str(two), str(retry), "-o", str(merged), "--lang", "en"]) == 0
    assert "a campaign of 22 cases" in capsys.readouterr().out
    with read_session(merged) as s:
        attempts = {c.case_id: [(a.number, a.verdict) for a in c.attempts] for c in s.cases}
        assert len(s.cases) == 22
    assert retried and all(len(attempts[cid]) == 2 for cid in retried)  # both tries of the retried shard
    assert all(len(a) == 1 for cid, a in attempts.items() if cid not in retried)
    folder = build_report(merged, tmp_path / "r", BuildOptions(lang="fr")).folder
    labels = {c["key"]["case_id"]: c["final_label"] for c in json.loads((folder / "report.json").read_bytes())["cases"]}
    assert labels[retried[0]] == "réussi à chacune des 2 tentatives"  # passed both times: no retry needed


def test_shards_of_another_count_or_other_casebooks_are_another_campaign() -> None:
    (casebook,) = load_casebooks([DEMO])
    selected = [(casebook, case) for case in casebook.cases]
    first = shard_record(Shard(1, 2), selected)
    for other in (
        shard_record(Shard(2, 3), selected),  # another N
        shard_record(Shard(2, 2), selected[1:]),  # another selection
        shard_record(Shard(2, 2), [(replace(casebook, sha256="0" * 64), case) for _, case in selected]),  # casebooks
    ):
        checked = check_shards([("1.tbsession", first), ("2.tbsession", other)])
        assert len(checked.problems) == 1 and "2.tbsession : partition 2/" in checked.problems[0]
    checked = check_shards([("1.tbsession", first), ("rerun.tbsession", None), ("2.tbsession", first)])
    assert checked.problems == [] and checked.missing == ["2/2"]  # a rerun joins; shard 1 twice is no shard 2


def test_merge_says_everything_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``merge --lang en``: its summary and every refusal, whole lines, without a French word."""
    one, two, other = (tmp_path / f"{name}.tbsession" for name in ("1", "2", "other"))
    pair = "DEMO-FSE-001 or DEMO-FSE-002"
    for session, shard, selection in ((one, "1/2", pair), (two, "2/2", pair), (other, "2/2", "DEMO-FSE-001")):
        assert run(session, "--shard", shard, "-k", selection) == 0
    tampered, junk = tmp_path / "tampered.tbsession", tmp_path / "junk.tbsession"
    shutil.copy(one, tampered)
    with sqlite3.connect(tampered) as conn:
        conn.execute("UPDATE attempts SET reason = 'retouché'")
    conn.close()
    junk.write_text("pas une session", encoding="utf-8")
    capsys.readouterr()

    def merge(*inputs: Path, output: str = "m.tbsession", options: tuple[str, ...] = ()) -> tuple[int, list[str]]:
        code = main(["merge", *map(str, inputs), "-o", str(tmp_path / output), "--lang", "en", *options])
        said = capsys.readouterr()
        return code, (said.out + said.err).splitlines()

    m = tmp_path / "m.tbsession"
    assert merge(one, two, one) == (
        0,
        [
            f"{m}: 2 sessions, 2 cases, 2 attempts, a campaign of 2 cases",
            f"testbench merge: {one}: given more than once, read once",
        ],
    )
    m.unlink()
    copy = tmp_path / "copy.tbsession"
    shutil.copy(one, copy)
    assert merge(one, two, copy) == (
        0,
        [f"{m}: 3 sessions, 2 cases, 2 attempts, 1 duplicate attempt ignored, a campaign of 2 cases"],
    )
    missing = "testbench merge: missing shard: 2/2; --allow-missing-shards to merge anyway (its cases stay not run)"
    assert merge(one, output="n.tbsession") == (3, [missing])
    assert merge(one, output="n.tbsession", options=("--allow-missing-shards",)) == (
        0,
        [
            f"{tmp_path / 'n.tbsession'}: 1 session, 1 case, 1 attempt, a campaign of 2 cases",
            "testbench merge: merge forced (--allow-missing-shards): shard 2/2 absent, its cases stay not run",
        ],
    )
    assert merge(one, other, output="o.tbsession") == (
        3,
        [
            f"testbench merge: {other}: shard 2/2 of another campaign (other casebooks, another selection or"
            " another number of shards)",
            "testbench merge: the shards of a campaign merge with each other only: run them all with the same casebooks"
            " (same bytes), the same selection (-k, --tag) and the same N of --shard, and merge each campaign on its"
            " own",
        ],
    )  # not « --allow-missing-shards to merge anyway »: it would be refused again
    assert merge(one, two) == (3, [f"testbench merge: {m}: already exists; choose a new session file"])
    assert merge(one, two, junk, output="j.tbsession") == (
        3,
        [f"testbench merge: {junk}: is not a readable session file (not an SQLite database)"],
    )
    modified = (  # the case and attempt the altered row belongs to, before the table's row
        rf"testbench merge: {re.escape(str(tampered))}: case DEMO-[\w-]+, attempt 1 — "
        r"verdict, reason, end time or duration changed afterwards \(attempts line 1, entry \d+\)"
    )
    code, said = merge(tampered, two, output="t.tbsession")
    assert code == 3 and said[1] == "testbench merge: merge refused: an input session was modified"
    assert said[2] == "testbench merge: --allow-tampered to merge anyway: the merged session records these changes"
    assert re.fullmatch(modified, said[0]) and len(said) == 3, said
    # forced: merged, and it says what it kept (the merged session's own chain is whole again)
    code, said = merge(tampered, two, output="t.tbsession", options=("--allow-tampered",))
    t = tmp_path / "t.tbsession"
    assert code == 0 and said[0] == f"{t}: 2 sessions, 2 cases, 2 attempts, a campaign of 2 cases"
    assert re.fullmatch(modified, said[1]) and len(said) == 3, said
    forced = "merge forced (--allow-tampered): the merged session records these changes (meta merged_from)"
    assert said[2] == f"testbench merge: {forced}"
    with read_session(t) as s:
        inputs = json.loads(s.meta["merged_from"])
    assert [i["file"] for i in inputs] == [str(tampered), str(two)] and "chain_problems" not in inputs[1]
    [recorded] = inputs[0]["chain_problems"]  # as recorded: in French
    altered = (
        r"cas DEMO-[\w-]+, tentative 1 — verdict, motif, heure de fin ou durée modifiés après coup"
        r" \(ligne 1 des tentatives, entrée \d+\)"
    )
    assert re.fullmatch(altered, recorded), recorded


def test_a_shard_s_manual_step_without_prepared_attestations_stays_pending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/ci.md: on a CI runner manual steps need ``--attestations``, or they stay « en attente » (exit 2)."""
    session, junit = tmp_path / "1.tbsession", tmp_path / "junit-1.xml"
    bench = ["--cards", "inprocess", "--engine", "inprocess", "--junit", str(junit)]
    selection = ["--shard", "1/1", "-k", "DEMO-FSE-001 or DEMO-FSE-030"]  # DEMO-FSE-030 has a manual step
    assert main(["run", str(DEMO), "--session", str(session), *bench, *selection]) == 2
    assert "DEMO-FSE-030 : en attente — étape manuelle m-paper en attente de l'opérateur" in capsys.readouterr().err
    with read_session(session) as s:
        assert [(c.case_id, c.verdict) for c in s.cases] == [("DEMO-FSE-001", "pass"), ("DEMO-FSE-030", "pending")]
    pending = ElementTree.parse(junit).getroot().find("testcase[@name='DEMO-FSE-030']")
    assert case_verdicts(pending)["testbench.verdict.recorded"] == "pending"


def test_merge_into_a_missing_folder_is_refused_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As ``run``: a missing folder may be an unmounted drive, so ``merge`` creates it only with --create-dirs."""
    one = tmp_path / "1.tbsession"
    assert run(one, "-k", "DEMO-FSE-001") == 0
    output = tmp_path / "absent" / "merged.tbsession"
    capsys.readouterr()
    assert main(["merge", str(one), "-o", str(output), "--lang", "en"]) == 3
    said = capsys.readouterr().err
    assert f"{output.parent}: folder not found" in said and "--create-dirs" in said and "dossier" not in said
    assert not output.parent.exists()
    assert main(["merge", str(one), "-o", str(output), "--create-dirs"]) == 0
    with read_session(output) as s:
        assert [c.case_id for c in s.cases] == ["DEMO-FSE-001"]


def test_a_merge_of_another_campaign_names_its_shards_agreeing_with_their_number() -> None:
    """A merged session of another campaign that holds one shard is « la partition 1/2 », two « les partitions »."""
    from testbench.i18n import english
    from testbench.runner.shard import merged_record

    (casebook,) = load_casebooks([DEMO])
    selected = [(casebook, case) for case in casebook.cases]
    campaign = [
        ("1.tbsession", shard_record(Shard(1, 2), selected)),
        ("2.tbsession", shard_record(Shard(2, 2), selected)),
    ]
    other = [(casebook.sha256, case.id) for case in casebook.cases[1:]]  # another selection
    for indices, french, english_text in (
        ([1], "m : fusion de la partition 1/2 d'une autre campagne", "m: merge of shard 1/2 of another campaign"),
        ([1, 2], "m : fusion des partitions 1/2, 2/2 d'une", "m: merge of shards 1/2, 2/2 of another campaign"),
    ):
        checked = check_shards([*campaign, ("m", merged_record(2, other, indices))])
        (problem,) = checked.problems
        assert problem.startswith(french) and english(problem).startswith(english_text), problem


def test_a_shard_run_on_a_crlf_checkout_names_the_casebook_whose_bytes_differ(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Windows runner with git's core.autocrlf checks the casebook out with CRLF line endings: another SHA-256,
    another campaign. Before, merge said only « partition 2/2 d'une autre campagne (autres cahiers, autre sélection
    ou autre nombre de partitions) »: which casebook, and why, was left to guess (docs/ci.md says what to do)."""
    crlf = tmp_path / "crlf"
    crlf.mkdir()
    (crlf / "cards").symlink_to(DEMO.parent / "cards")
    (crlf / "demo.xml").write_bytes(DEMO.read_bytes().replace(b"\n", b"\r\n"))
    one, two = tmp_path / "1.tbsession", tmp_path / "2.tbsession"
    pair = ["-k", "DEMO-FSE-001 or DEMO-FSE-002", "--cards", "inprocess", "--engine", "inprocess"]
    assert main(["run", str(DEMO), "--session", str(one), "--shard", "1/2", *pair]) == 0
    assert main(["run", str(crlf / "demo.xml"), "--session", str(two), "--shard", "2/2", *pair]) == 0
    capsys.readouterr()
    todo = {  # what to do, after the problem
        "fr": "testbench merge : les partitions d'une campagne se fusionnent entre elles seulement : lancez-les toutes"
        " avec les mêmes cahiers (mêmes octets), la même sélection (-k, --tag) et le même N de --shard, et fusionnez"
        " chaque campagne à part",
        "en": "testbench merge: the shards of a campaign merge with each other only: run them all with the same"
        " casebooks (same bytes), the same selection (-k, --tag) and the same N of --shard, and merge each campaign"
        " on its own",
    }
    for lang, said in (
        (
            "fr",
            f"testbench merge : {two} : partition 2/2 d'une autre campagne : le cahier {crlf / 'demo.xml'} n'a pas les"
            " mêmes octets que dans les autres partitions (fins de ligne changées par le checkout, core.autocrlf d'un"
            " runner Windows ? autre version ?)",
        ),
        (
            "en",
            f"testbench merge: {two}: shard 2/2 of another campaign: casebook {crlf / 'demo.xml'} does not have the"
            " same bytes as in the other shards (line endings changed by the checkout, a Windows runner's"
            " core.autocrlf? another version?)",
        ),
    ):
        assert main(["merge", str(one), str(two), "-o", str(tmp_path / "m.tbsession"), "--lang", lang]) == 3
        assert capsys.readouterr().err.splitlines()[:2] == [said, todo[lang]]
    assert not (tmp_path / "m.tbsession").exists()


def test_only_a_casebook_with_the_campaigns_cases_is_said_to_differ_in_bytes() -> None:
    """Another casebook altogether (other cases) is « autres cahiers… » as before; the same cases under another
    SHA-256 name their casebook, by the name the shard's session records."""
    (casebook,) = load_casebooks([DEMO])
    selected = [(casebook, case) for case in casebook.cases]
    other = replace(casebook, sha256="0" * 64)
    names = {"0" * 64: "ci/demo.xml"}
    first = ("1.tbsession", shard_record(Shard(1, 2), selected))
    for cases, said in (
        ([(other, replace(case, id=f"X-{case.id}")) for _, case in selected], "(autres cahiers, autre sélection"),
        ([(other, case) for _, case in selected], ": le cahier ci/demo.xml n'a pas les mêmes octets"),
    ):
        checked = check_shards([first, ("2.tbsession", shard_record(Shard(2, 2), cases))], lambda _path: names)
        (problem,) = checked.problems
        assert problem.startswith(f"2.tbsession : partition 2/2 d'une autre campagne {said}"), problem
