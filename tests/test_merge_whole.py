"""`testbench merge` never loses nor falsifies a result: a killed merge leaves no session, a review follows
its attempt, the odd shard is the one named, a merged campaign merges again, an unwritable output is said."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from shard_content import DEMO, run_demo

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report
from testbench.runner.shard import Shard, check_shards, shard_record
from testbench.store.merge import partial_path
from testbench.store.read import read_session
from testbench.store.session import SessionStore

PAIR = "DEMO-FSE-001 or DEMO-FSE-099"  # dealt one per shard; DEMO-FSE-099 fails on purpose


def shards(tmp: Path, *names: str, selection: str = PAIR) -> list[Path]:
    """Shards ``1/N``…``N/N`` of ``selection``, one per name (a name ``2-retry`` runs shard 2 again)."""
    paths = [tmp / f"shard-{name}.tbsession" for name in names]
    count = len({name.split("-")[0] for name in names})
    for name, path in zip(names, paths, strict=True):
        assert run_demo(path, "--shard", f"{name.split('-')[0]}/{count}", "-k", selection) in (0, 1)
    return paths


#: ``testbench merge`` in a process of its own that stops after its first copied attempt until told
PAUSED_MERGE = textwrap.dedent(
    """
    import sys
    from testbench.cli.main import main
    from testbench.store import merge

    copy = merge._copy_attempt

    def paused(*args, **kwargs):
        copied = copy(*args, **kwargs)
        print("copied", flush=True)
        sys.stdin.readline()  # the test kills the process here
        return copied

    merge._copy_attempt = paused
    sys.exit(main(sys.argv[1:]))
    """
)


def test_a_merge_killed_half_way_leaves_no_session_and_the_next_merge_completes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = shards(tmp_path, "1", "2")
    output = tmp_path / "campaign.tbsession"
    argv = [sys.executable, "-c", PAUSED_MERGE, "merge", *map(str, inputs), "-o", str(output)]
    with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as merging:
        assert merging.stdout is not None and merging.stdout.readline() == "copied\n"  # one attempt written
        merging.kill()  # kill -9: no clean-up at all
        assert merging.wait(timeout=30) == -signal.SIGKILL
    assert not output.exists()  # nothing that could pass for a complete merge
    assert partial_path(output).exists()
    capsys.readouterr()
    assert main(["merge", *map(str, inputs), "-o", str(output)]) == 0  # the leftover is replaced
    assert "2 cas, 2 tentatives" in capsys.readouterr().out
    assert not partial_path(output).exists()
    assert sorted(p.name for p in tmp_path.glob("campaign*")) == ["campaign.tbsession"]
    with read_session(output) as s:
        assert [(c.case_id, len(c.attempts)) for c in s.cases] == [("DEMO-FSE-001", 1), ("DEMO-FSE-099", 1)]
    assert main(["verify", str(output)]) == 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_merge_interrupted_by_ctrl_c_says_so_and_leaves_nothing(tmp_path: Path, sig: signal.Signals) -> None:
    """^C, or what a CI's cancel or timeout sends (SIGTERM): « interrompu », exit 2 (not 143), nothing left."""
    inputs = shards(tmp_path, "1", "2")
    output = tmp_path / "campaign.tbsession"
    argv = [sys.executable, "-c", PAUSED_MERGE, "merge", *map(str, inputs), "-o", str(output)]
    with subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as merging:
        assert merging.stdout is not None and merging.stdout.readline() == "copied\n"
        merging.send_signal(sig)
        _, err = merging.communicate(timeout=30)
    assert (merging.returncode, err) == (2, "interrompu\n")
    assert sorted(p.name for p in tmp_path.glob("campaign*")) == []


def test_a_review_of_a_retried_shard_follows_its_attempt_and_an_input_given_twice_is_read_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two, retry = shards(tmp_path, "1", "2", "1-retry")  # DEMO-FSE-099 is shard 1's, run twice
    key = tmp_path / "signer.pem"
    assert main(["keys", "init", "--key", str(key)]) == 0
    review = ["review", str(retry), "DEMO-FSE-099", "--override", "pass", "--reason", "écart accepté"]
    assert main([*review, "--key", str(key)]) == 0
    merged = tmp_path / "merged.tbsession"
    capsys.readouterr()
    assert main(["merge", str(one), str(retry), str(two), str(retry), "-o", str(merged), "--lang", "en"]) == 0
    said = capsys.readouterr()
    assert said.out.startswith(f"{merged}: 3 sessions, 2 cases, 3 attempts")  # the repeated input read once
    assert said.err == f"testbench merge: {retry}: given more than once, read once\n"
    with read_session(merged) as s:
        case = next(c for c in s.cases if c.case_id == "DEMO-FSE-099")
        assert [(a.number, a.verdict) for a in case.attempts] == [(1, "fail"), (2, "fail")]
        assert [(n.attempt_number, n.valid) for n in case.annotations] == [(2, True)]  # once, on the retry
        assert (case.verdict, case.retained_verdict) == ("fail", "pass")
        assert len(s.runs) == 3
    data = json.loads(
        (build_report(merged, tmp_path / "r", BuildOptions(lang="fr")).folder / "report.json").read_text()
    )
    assert data["summary"]["verdicts"]["reviewed"] == 1
    assert main(["verify", str(merged)]) == 0  # the review's signature still holds
    # merged again with a later retry: the review stays on its attempt, which is no longer the latest
    later = shards(tmp_path, "1-later", "2-later")[0]
    again = tmp_path / "again.tbsession"
    assert main(["merge", str(merged), str(later), "-o", str(again)]) == 0
    with read_session(again) as s:
        case = next(c for c in s.cases if c.case_id == "DEMO-FSE-099")
        assert [a.number for a in case.attempts] == [1, 2, 3]
        assert [n.attempt_number for n in case.annotations] == [2]
        assert case.retained_verdict == "fail"


def test_a_merged_campaign_merges_again_with_a_later_retry_of_one_shard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two, retry = shards(tmp_path, "1", "2", "2-retry")
    merged = tmp_path / "merged.tbsession"
    assert main(["merge", str(one), str(two), "-o", str(merged)]) == 0
    capsys.readouterr()
    again = tmp_path / "again.tbsession"
    assert main(["merge", str(merged), str(retry), "-o", str(again)]) == 0  # the merged input holds 1/2 and 2/2
    assert "campagne de 2 cas" in capsys.readouterr().out
    with read_session(again) as s:
        assert [(c.case_id, len(c.attempts)) for c in s.cases] == [("DEMO-FSE-001", 2), ("DEMO-FSE-099", 1)]
    # a merge that lacks a shard still says which one, merged or not
    partial = tmp_path / "partial.tbsession"
    assert main(["merge", str(one), "-o", str(partial), "--allow-missing-shards"]) == 0
    capsys.readouterr()
    assert main(["merge", str(partial), str(retry), "-o", str(tmp_path / "n.tbsession")]) == 0
    assert main(["merge", str(partial), "-o", str(tmp_path / "m.tbsession"), "--lang", "en"]) == 3
    assert "missing shard: 2/2" in capsys.readouterr().err


def test_the_odd_shard_is_the_one_named_and_the_casebooks_order_does_not_matter() -> None:
    (casebook,) = load_casebooks([DEMO])
    selected = [(casebook, case) for case in casebook.cases]
    campaign = [shard_record(Shard(k, 3), selected) for k in (1, 2, 3)]
    other = shard_record(Shard(1, 3), selected[1:])
    checked = check_shards([("other-1", other), *((f"shard-{k}", r) for k, r in enumerate(campaign, 1))])
    assert checked.missing == [] and len(checked.problems) == 1
    assert checked.problems[0].startswith("other-1 : partition 1/3 d'une autre campagne")
    # the deal does not depend on the files' order (case_key): the same campaign, listed in another order
    reordered = shard_record(Shard(3, 3), list(reversed(selected)))
    checked = check_shards([("shard-1", campaign[0]), ("shard-2", campaign[1]), ("shard-3", reordered)])
    assert checked.problems == [] and checked.missing == []
    assert checked.campaign == [(cb.sha256, case.id) for cb, case in selected]  # the first input's order


def test_an_output_that_cannot_be_written_is_said_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("needs a folder no file can be created in (Linux /proc)")
    (one,) = shards(tmp_path, "1")
    capsys.readouterr()
    assert main(["merge", str(one), "-o", "/proc/x.tbsession", "--lang", "en"]) == 3
    assert capsys.readouterr().err == (
        "testbench merge: /proc/x.tbsession: cannot write here (the folder /proc exists, but the system refuses any new"
        " file in it: a virtual file system?); choose a folder you can write to\n"
    )  # not « not found »: /proc is there


def test_a_merge_under_way_into_the_same_output_is_not_clobbered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (one,) = shards(tmp_path, "1")
    output = tmp_path / "campaign.tbsession"
    partial = partial_path(output)
    writing = subprocess.Popen(  # another merge's writer: it holds the partial file's lock
        [
            sys.executable,
            "-c",
            f"from testbench.store.session import SessionStore; s = SessionStore.open({str(partial)!r})"
            "; print('open', flush=True); input()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writing.stdout is not None and writing.stdout.readline() == "open\n"
        capsys.readouterr()
        assert main(["merge", str(one), "-o", str(output), "--lang", "en"]) == 3
        assert capsys.readouterr().err == (
            f"testbench merge: {output}: another merge is writing it already (file {partial.name})\n"
        )
        assert partial.exists() and not output.exists()
    finally:
        writing.kill()
        writing.wait()


def test_a_full_disk_during_a_merge_is_the_environment_s_and_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's size cap (``max_page_count``) stands in for the full disk, as in test_store_diskfull."""
    inputs = shards(tmp_path, "1", "2")
    real_open = SessionStore.open

    def full_once_open(cls: type[SessionStore], path: Path, **options: bool) -> SessionStore:
        store = real_open(path, **options)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        return store

    monkeypatch.setattr(SessionStore, "open", classmethod(full_once_open))
    output = tmp_path / "campaign.tbsession"
    capsys.readouterr()
    assert main(["merge", *map(str, inputs), "-o", str(output), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        f"testbench merge: {output}: cannot write (disk full); nothing was written: free some disk space, then"
        " merge again\n"
    )
    assert sorted(p.name for p in tmp_path.glob("campaign*")) == []
