"""A casebook changed during a session: ``run --resume``, ``--rerun`` and ``--failed`` follow its new version as the
workstation does (saying so), and the earlier version's recorded cases are history — counted nowhere — so an
interrupted attempt of the old version never keeps the session from turning green; following back to the
original version brings its verdicts back (:func:`testbench.store.read.superseded`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.report.junit import junit_tree
from testbench.store.read import read_session
from testbench.store.session import SessionStore

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]
FOLLOWED = "cahier.xml a changé depuis le début de la session : ses cas suivent sa nouvelle version, sans verdict"


def started(tmp_path: Path, *, interrupted: bool = False) -> tuple[Path, Path, str]:
    """The casebook run once in a session (its one case left interrupted when ``interrupted``), then changed."""
    casebook = tmp_path / "cahier.xml"
    shutil.copy(DEMO, casebook)
    shutil.copytree(DEMO.parent / "cards", tmp_path / "cards")
    session = tmp_path / "s.tbsession"
    assert main(["run", str(casebook), "--session", str(session), *BENCH]) == 0
    with SessionStore.open(session) as store:
        ((old, case_id),) = store.selection()
        if interrupted:  # an attempt a killed run left open: closed as interrupted when the session goes on
            store.start_attempt(1, old, case_id)
    original = casebook.read_text(encoding="utf-8")
    casebook.write_text(original + "  \n", encoding="utf-8")  # a whitespace-only edit is a new version
    return casebook, session, original


def counted(session: Path) -> list[tuple[str, str, str]]:
    with read_session(session) as view:
        return [(c.casebook_sha, c.case_id, c.verdict) for c in view.cases]


def test_resume_follows_the_new_version_and_the_session_turns_green(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    casebook, session, _ = started(tmp_path, interrupted=True)
    capsys.readouterr()
    assert main(["run", str(casebook), "--session", str(session), "--resume", *BENCH]) == 0
    assert FOLLOWED in capsys.readouterr().err
    ((_, case_id, verdict),) = counted(session)  # the old version's interrupted attempt is not counted
    assert (case_id, verdict) == ("DEMO-FSE-001", "pass")
    with read_session(session) as view:
        suite = junit_tree(view).getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("1", "0", "0")


def test_following_back_to_the_original_version_brings_its_verdicts_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    casebook, session, original = started(tmp_path)
    with read_session(session) as view:
        first = [(c.casebook_sha, c.case_id, c.verdict) for c in view.cases]
    assert main(["run", str(casebook), "--session", str(session), "--resume", *BENCH]) == 0
    assert counted(session) != first
    casebook.write_text(original, encoding="utf-8")
    capsys.readouterr()
    assert main(["run", str(casebook), "--session", str(session), "--resume", *BENCH]) == 0
    err = capsys.readouterr().err  # said as a return, not as a new version without verdict (audit s22-verify3)
    assert "cahier.xml est revenu à une version que la session contient déjà : ses cas y retrouvent" in err, err
    assert FOLLOWED not in err
    assert counted(session) == first  # its recorded verdict again, the other version's now history


@pytest.mark.parametrize("option", ["--rerun", "--failed"])
def test_rerun_and_failed_follow_the_new_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    casebook, session, _ = started(tmp_path, interrupted=True)
    capsys.readouterr()
    assert main(["run", str(casebook), "--session", str(session), option, *BENCH]) == 0
    assert FOLLOWED in capsys.readouterr().err
    ((_, case_id, verdict),) = counted(session)  # one case, not the old version's beside the new one's
    assert (case_id, verdict) == ("DEMO-FSE-001", "pass")


def test_a_merge_of_both_versions_counts_both(tmp_path: Path) -> None:
    from testbench.store.read import superseded

    assert superseded({"a", "b"}, {"a": "P", "b": "P"}) == set()
    assert superseded({"b"}, {"a": "P", "b": "P", "c": "Q"}) == {"a"}
    assert superseded(set(), {"a": "P"}) == set()
    # a plan the selection no longer holds at all (a --rerun given another casebook): the version run last is live
    assert superseded({"c"}, {"a": "P", "b": "P", "c": "Q"}, {"a": 5, "b": 9, "c": 12}) == {"a"}
    assert superseded({"c"}, {"a": "P", "b": "P", "c": "Q"}, {"a": 10, "b": 9, "c": 12}) == {"b"}
    assert superseded({"c"}, {"a": "P", "c": "Q"}, {"a": 5, "c": 12}) == set()


def test_a_rerun_of_another_casebook_keeps_the_followed_version_alone_counted(tmp_path: Path) -> None:
    """After a followed edit, ``--rerun`` given only another casebook used to count both versions again."""
    casebook, session, _ = started(tmp_path, interrupted=True)
    assert main(["run", str(casebook), "--session", str(session), "--resume", *BENCH]) == 0
    other = DEMO.parent / "billing.xml"
    assert main(["run", str(other), "--session", str(session), "--rerun", "--cards", "inprocess", "--engine",
                 "inprocess", "-k", "TB-LPP-001"]) == 0
    demo = [(case_id, verdict) for _, case_id, verdict in counted(session) if case_id.startswith("DEMO-")]
    assert demo == [("DEMO-FSE-001", "pass")]  # the edited casebook's new version only


def test_the_book_says_the_earlier_version_is_kept_uncounted(tmp_path: Path) -> None:
    """The report's summary says how many recorded cases an earlier version holds (``superseded_cases``, 1.14)."""
    import json

    casebook, session, _ = started(tmp_path, interrupted=True)
    assert main(["run", str(casebook), "--session", str(session), "--resume", *BENCH]) == 0
    for lang, said in (("fr", "cahier de tests : 1 cas enregistré sur une version"), ("en", "Earlier casebook")):
        out = tmp_path / f"book-{lang}"
        assert main(["--lang", lang, "report", str(session), "-o", str(out)]) == 0
        data = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert data["summary"]["superseded_cases"] == 1 and data["summary"]["total"] == 1
        assert said in (out / "index.html").read_text(encoding="utf-8")
