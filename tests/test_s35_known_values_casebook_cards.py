"""The exports mask a casebook's card holders whichever cases the session ran: a case's title may name the holder of
a card another case reads, and a ``-k`` selection, a shard or a ``--failed`` rerun that never read that card showed
the name whole where the full campaign masked it. The session records the holders of every card profile its
casebook declares (meta ``fixtures:<sha256>``): the report, rebuilt from the session file alone, knows them."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.store.read import FIXTURES_META

ROOT = Path(__file__).resolve().parents[1]
ATTESTATIONS = ROOT / "casebooks" / "demo-attestations.json"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(ATTESTATIONS)]
#: DEMO-FSE-030 (degraded, no Vitale card read) titled with the holder of vitale-std, which DEMO-FSE-001 reads
TITLE = "<title>FSE dégradée : AMI 1 + IFD sans carte Vitale, feuille de soins papier</title>"
NAMED = "<title>FSE dégradée pour ESSAI PAUL, feuille de soins papier</title>"


@pytest.fixture
def casebook(tmp_path: Path) -> Path:
    """The demo casebook, DEMO-FSE-030's title naming vitale-std's holder, beside its own card profiles."""
    text = (ROOT / "casebooks" / "demo.xml").read_text(encoding="utf-8")
    assert TITLE in text
    folder = tmp_path / "cb"
    shutil.copytree(ROOT / "casebooks" / "cards", folder / "cards")
    path = folder / "demo.xml"
    path.write_text(text.replace(TITLE, NAMED, 1), encoding="utf-8")
    return path


def _run(casebook: Path, session: Path, case: str, *extra: str) -> None:
    code = main(["run", str(casebook), "--session", str(session), *BENCH, "-k", f"id:{case}", *extra])
    assert code == 0


def _title(folder: Path) -> str:
    """DEMO-FSE-030's title in report.json, after checking no export file holds the name."""
    for name in ("index.html", "report.json"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "PAUL" not in text and "ESSAI PAUL" not in text, name
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return next(case["title"] for case in data["cases"] if case["key"]["case_id"] == "DEMO-FSE-030")


def _fixtures(session: Path) -> list[str]:
    with closing(sqlite3.connect(session)) as conn:
        rows = conn.execute("SELECT key, value FROM meta WHERE key LIKE 'fixtures:%' ORDER BY key").fetchall()
    return [value for key, value in rows if key.startswith(FIXTURES_META)]


def test_a_selection_that_never_read_the_card_masks_its_holder_in_the_report(casebook: Path, tmp_path: Path) -> None:
    session = tmp_path / "a.tbsession"
    _run(casebook, session, "DEMO-FSE-030", "--report", str(tmp_path / "rep"))
    assert _title(tmp_path / "rep") == "FSE dégradée pour ‹NOM›, feuille de soins papier"
    # the session file alone, copied away from its casebook and card profiles, gives the same masked book
    alone = tmp_path / "elsewhere" / "copy.tbsession"
    alone.parent.mkdir()
    shutil.copyfile(session, alone)
    shutil.rmtree(casebook.parent)
    assert main(["report", str(alone), "-o", str(tmp_path / "rep2")]) == 0
    assert _title(tmp_path / "rep2") == "FSE dégradée pour ‹NOM›, feuille de soins papier"
    # what the session records of the cards: their holders, never a PIN nor an unblock code
    (recorded,) = _fixtures(session)
    cards = json.loads(recorded)["cards"]
    assert {"nir": "180019999900168", "name": "ESSAI", "first_name": "PAUL", "birth_date": "1980-01-15"} in cards[
        "vitale-std"
    ]
    assert {"rpps": "89990000013", "name": "ESSAI", "first_name": "MARIE"} in cards["cps-psad"]
    assert "4719" not in recorded and "27183645" not in recorded


def test_a_merge_of_shards_that_never_read_the_card_masks_its_holder(casebook: Path, tmp_path: Path) -> None:
    one, two, merged = tmp_path / "one.tbsession", tmp_path / "two.tbsession", tmp_path / "m.tbsession"
    _run(casebook, one, "DEMO-FSE-030")
    _run(casebook, two, "DEMO-FSE-002")  # another card (vitale-ald): its holder is no ESSAI PAUL
    assert main(["merge", str(one), str(two), "-o", str(merged)]) == 0
    assert _fixtures(merged) == _fixtures(one)
    assert main(["report", str(merged), "-o", str(tmp_path / "rep")]) == 0
    assert _title(tmp_path / "rep") == "FSE dégradée pour ‹NOM›, feuille de soins papier"


def test_a_resumed_session_recorded_without_cards_gets_them_its_record_kept(tmp_path: Path) -> None:
    """A session an older bench recorded (its patients' rights alone) gets its casebook's card holders when resumed;
    what it recorded stays as recorded, and a record already whole is not written again."""
    from testbench.casebook.loader import load_casebooks
    from testbench.runner.campaign import record_casebooks
    from testbench.store.session import SessionStore

    (cb,) = load_casebooks([ROOT / "casebooks" / "demo.xml"])
    older = {"patients": {"p-old": {"name": "ANCIEN"}}, "prescriptions": {}}
    with SessionStore.open(tmp_path / "s.tbsession") as store:
        store.set_meta(FIXTURES_META + cb.sha256, json.dumps(older))
        record_casebooks(store, [cb])
        recorded = store.meta(FIXTURES_META + cb.sha256)
        meta_writes = "SELECT count(*) FROM chain WHERE kind = 'meta'"
        before = store.conn.execute(meta_writes).fetchone()
        record_casebooks(store, [cb])
        assert store.meta(FIXTURES_META + cb.sha256) == recorded
        assert store.conn.execute(meta_writes).fetchone() == before
    given = json.loads(recorded or "{}")
    assert given["patients"] == older["patients"]  # as the older bench recorded it
    assert {"rpps": "89990000013", "name": "ESSAI", "first_name": "MARIE"} in given["cards"]["cps-psad"]


def test_a_merge_keeps_every_record_of_a_casebooks_cards(casebook: Path, tmp_path: Path) -> None:
    """Two inputs that recorded one casebook's fixtures differently (a card profile edited between two shards): the
    merged session keeps both records, and knows the holders of each."""
    from testbench.report.personal import known_values
    from testbench.store.read import read_session
    from testbench.store.session import SessionStore

    one, two, merged = tmp_path / "one.tbsession", tmp_path / "two.tbsession", tmp_path / "m.tbsession"
    _run(casebook, one, "DEMO-FSE-030")
    _run(casebook, two, "DEMO-FSE-002")
    with SessionStore.open(two) as store:  # as a later shard records it, its profile of vitale-std edited
        (key,) = _keys(two)
        given = json.loads(store.meta(key) or "{}")
        given["cards"]["vitale-std"] = [{"name": "AUTRE", "first_name": "NOEMIE", "nir": "280019999900142"}]
        store.set_meta(key, json.dumps(given, ensure_ascii=False, sort_keys=True))
    assert main(["merge", str(one), str(two), "-o", str(merged)]) == 0
    assert sorted(_fixtures(merged)) == sorted(_fixtures(one) + _fixtures(two))
    assert _keys(merged) == [key, f"{key}#2"]
    with read_session(merged) as view:
        known = known_values(view)
    assert {"ESSAI", "PAUL", "AUTRE", "NOEMIE"} <= known.names
    assert {"180019999900168", "280019999900142"} <= known.numbers["nir"]


def _keys(session: Path) -> list[str]:
    with closing(sqlite3.connect(session)) as conn:
        return [k for (k,) in conn.execute("SELECT key FROM meta ORDER BY key") if k.startswith(FIXTURES_META)]
