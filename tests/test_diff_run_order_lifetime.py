"""``testbench diff`` of the same cases run in another order or another process: what only the simulators'
lifetime decides is not a change, and absent cases come after the changed ones.

Real runs (in-memory cards, reference engine): A runs a case before the one compared, B runs it alone (a shard).
So B's reference engine numbers its invoices from 1, B's simulated téléservices start in the compared case, and
B's engine has no kept-alive connection to try again when the service closes it (fault « down »).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.diff import diff_sessions, to_text
from testbench.report.diff_bench import bench_lifetime, bench_phrasing

TELESERVICES = CASEBOOKS_DIR / "psad-teleservices.xml"
LOTS = CASEBOOKS_DIR / "psad-lots-retours.xml"


def run(casebook: Path, session: Path, pick: str) -> Path:
    argv = ["run", str(casebook), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*argv, "-k", pick]) == 0
    return session


def texts(session: Path, like: str) -> list[str]:
    with sqlite3.connect(session) as db:
        return [text for (text,) in db.execute("SELECT text FROM trace_lines WHERE text LIKE ?", (like,))]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("diff-lifetime")


def test_a_lot_refusal_naming_the_engine_s_invoice_number_is_the_same(work: Path) -> None:
    a = run(LOTS, work / "lots-a.tbsession", "PSAD-LOT-001 or PSAD-LOT-021")
    b = run(LOTS, work / "lots-b.tbsession", "PSAD-LOT-021")
    said = {t for s in (a, b) for t in texts(s, "%INVOICE_NOT_SECURED facture %")}
    assert len(said) == 2  # the invoice's number did differ
    assert {c.case_id: c.kind for c in diff_sessions(a, b).cases} == {"PSAD-LOT-021": "same", "PSAD-LOT-001": "gone"}


def test_the_simulator_s_start_and_a_kept_connection_s_retry_are_the_same(work: Path) -> None:
    a = run(TELESERVICES, work / "tls-a.tbsession", "TLS-ADRI-001 or TLS-ADRI-022")
    b = run(TELESERVICES, work / "tls-b.tbsession", "TLS-ADRI-022")
    closed = "%POST /adri → connexion fermée sans réponse%"
    assert len(texts(a, closed)) == 2 and len(texts(b, closed)) == 1  # A's engine tried its kept connection again
    kinds = {c.case_id: c.kind for c in diff_sessions(a, b).cases}
    assert kinds == {"TLS-ADRI-022": "same", "TLS-ADRI-001": "gone"}


def test_the_rules_mark_only_the_bench_s_own_lines() -> None:
    refused = "étape s-lot refusée : INVOICE_NOT_SECURED facture 000000443 non sécurisée"
    assert bench_phrasing("bench", refused) == refused.replace("000000443", "‹numéro›")
    in_lot = "étape s-lot refusée : INVOICE_ALREADY_IN_LOT facture 000000012 déjà dans le lot 000003"
    assert bench_phrasing("bench", in_lot).endswith("facture ‹numéro› déjà dans le lot ‹numéro›")
    unknown = "étape s-lot refusée : ORGANISME_UNKNOWN facture 000000441 : organisme destinataire inconnu (…)"
    assert "facture ‹numéro› : organisme" in bench_phrasing("bench", unknown)
    other = "étape s-lot refusée : LOT_KO facture 000000443 non sécurisée"  # another engine's code: its own words
    assert bench_phrasing("bench", other) == other
    assert bench_phrasing("app", refused) == refused
    started = ("bench", "téléservices simulés à l'écoute sur http://127.0.0.1:37511 (adri, apcv, insi, eprescription)")
    restarted = ("bench", "simulateur de téléservices redémarré (processus 4242)")
    closed = ("http", "POST /adri → connexion fermée sans réponse · scénario x · défaut down · requête {}")
    answered = ("http", "POST /adri → 200 en 1 ms · scénario x · requête {}")
    assert bench_lifetime([restarted, started, closed, closed, answered, answered]) == [
        restarted,
        closed,
        answered,
        answered,  # a request answered twice is the product's doing
    ]


def test_absent_cases_come_a_line_each_after_the_changed_ones(work: Path, tmp_path: Path) -> None:
    a = work / "tls-a.tbsession"
    b = work / "tls-b.tbsession"
    if not (a.exists() and b.exists()):
        a = run(TELESERVICES, work / "tls-a.tbsession", "TLS-ADRI-001 or TLS-ADRI-022")
        b = run(TELESERVICES, work / "tls-b.tbsession", "TLS-ADRI-022")
    changed = tmp_path / "b.tbsession"
    changed.write_bytes(b.read_bytes())
    with sqlite3.connect(changed) as db:
        assert db.execute(
            "UPDATE trace_lines SET text = replace(text, 'droits-ouverts', 'droits-fermes') WHERE text LIKE '%adri%'"
        ).rowcount
    text = to_text(diff_sessions(a, changed), lang="fr").splitlines()
    details = next(i for i, line in enumerate(text) if line.startswith("[valeurs ou traces changées] "))
    absent = [i for i, line in enumerate(text) if line.startswith("[cas absent] ")]
    assert absent and details < absent[0]
    assert text[absent[0]].startswith("[cas absent] TB-PSAD-TLS-001 TLS-ADRI-001 — ")
    assert text[absent[0]].endswith("réussi → — (tentatives 1 → 0)")
