"""``testbench diff`` of two runs of the same release: what only the run decides is normalised, the rest shows.

Two real runs of the téléservice casebook (in-memory cards, reference engine): A runs three ADRi cases,
B two of them, so B's simulated téléservices answer on another port with other sequence numbers, the
reference engine numbers its invoices otherwise, and every answer time differs. Each of those is the
bench's doing; an amount, a code, a verdict or an application's line is the product's and still shows.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.diff import diff_sessions, normalise_line
from testbench.report.diff_bench import BENCH_RULES

TELESERVICES = CASEBOOKS_DIR / "psad-teleservices.xml"
REPO = Path(__file__).resolve().parents[1]


def run(session: Path, pick: str) -> Path:
    argv = ["run", str(TELESERVICES), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*argv, "-k", pick]) == 0
    return session


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    work = tmp_path_factory.mktemp("diff-noise")
    every = "TLS-ADRI-001 or TLS-ADRI-002 or TLS-ADRI-003"
    a = run(work / "a.tbsession", every)
    again = run(work / "again.tbsession", every)
    part = run(work / "part.tbsession", "TLS-ADRI-001 or TLS-ADRI-003")
    return a, again, part


def texts(session: Path, like: str) -> list[str]:
    with sqlite3.connect(session) as db:
        return [text for (text,) in db.execute("SELECT text FROM trace_lines WHERE text LIKE ?", (like,))]


def kinds(a: Path, b: Path) -> dict[str, str]:
    return {c.case_id: c.kind for c in diff_sessions(a, b).cases}


def test_the_same_scope_run_twice_is_identical_everywhere(sessions: tuple[Path, Path, Path], capsys) -> None:
    a, again, _ = sessions
    ports = {re.search(r":(\d+) ", t)[1] for s in (a, again) for t in texts(s, "%à l'écoute sur http%")}  # type: ignore[index]
    answered = {re.search(r" en ([\d,]+) ms", t)[1] for s in (a, again) for t in texts(s, "POST /adri%")}  # type: ignore[index]
    assert len(ports) == 2 and len(answered) > 1  # what the bench varies did vary
    assert set(kinds(a, again).values()) == {"same"}
    assert main(["diff", str(a), str(again)]) == 0
    assert "bilan : identique 3\n" in capsys.readouterr().out


def test_a_case_run_in_another_order_keeps_its_comparison(sessions: tuple[Path, Path, Path]) -> None:
    """TLS-ADRI-003 is the third case in A, the second in B: other invoice and ADRi sequence numbers."""
    a, _, part = sessions
    assert any("numero=000000003" in t for t in texts(a, "%testbench.reference - create_invoice%"))
    assert not any("numero=000000003" in t for t in texts(part, "%testbench.reference - create_invoice%"))
    assert texts(a, '%"reference":"ADRI-000003"%') and not texts(part, '%"reference":"ADRI-000003"%')
    assert kinds(a, part) == {"TLS-ADRI-001": "same", "TLS-ADRI-003": "same", "TLS-ADRI-002": "gone"}


def _edit(session: Path, tmp_path: Path, like: str, old: str, new: str) -> Path:
    copy = tmp_path / session.name
    copy.write_bytes(session.read_bytes())
    with sqlite3.connect(copy) as db:
        changed = db.execute(
            "UPDATE trace_lines SET text = replace(text, ?, ?) WHERE text LIKE ?", (old, new, like)
        ).rowcount
    assert changed
    return copy


def test_the_case_a_kept_card_s_check_came_from_is_the_run_s_order(
    sessions: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """After a re-run of failures, a case's kept card check comes from another case than in the first run."""
    a, again, _ = sessions
    b = _edit(again, tmp_path, "%repris du cas TLS-ADRI-001%", "du cas TLS-ADRI-001", "du cas TLS-ADRI-002")
    assert set(kinds(a, b).values()) == {"same"}


@pytest.mark.parametrize(
    ("like", "old", "new"),
    [
        ("%testbench.reference - create_invoice%", "amo=33.60", "amo=33.50"),  # an amount the engine logs
        ("POST /adri%", '"status":"ok"', '"status":"error"'),  # the simulated service's answer
        ("POST /adri → 200%", "→ 200 en", "→ 503 en"),  # its HTTP status
        ("fin du cas TLS-ADRI-003%", "réussi", "échec"),  # the bench's verdict line
        ("%testbench.reference - adri_query%", "marquage=aucun", "marquage=facture-adri"),  # a code
    ],
)
def test_a_real_change_still_shows(
    sessions: tuple[Path, Path, Path], tmp_path: Path, like: str, old: str, new: str
) -> None:
    a, again, _ = sessions
    b = _edit(again, tmp_path, like, old, new)
    changed = {case for case, kind in kinds(a, b).items() if kind != "same"}
    assert changed, (like, old, new)


def test_each_rule_marks_only_the_bench_s_own_phrasing() -> None:
    from testbench.report.diff_bench import bench_phrasing

    # durations: the APDU's bracketed form and a simulated téléservice's answer time; not an application's words
    assert normalise_line("POST /adri → 200 en 0.181 ms · scénario x · requête {}") == (
        "POST /adri → 200 (‹durée›) · scénario x · requête {}"
    )
    assert normalise_line("POST /adri → 500 en 12 ms · scénario x · défaut server-error · requête {}").startswith(
        "POST /adri → 500 (‹durée›) · scénario x · défaut server-error"
    )
    assert normalise_line("A<< 9000 succès (0.01 ms) [cps@r]") == "A<< 9000 succès (‹durée›) [cps@r]"
    assert normalise_line("facture transmise en 12 ms") == "facture transmise en 12 ms"
    # the simulator's port and process, the case a kept card's check came from: on the bench channel only
    listening = "téléservices simulés à l'écoute sur http://127.0.0.1:37511 (adri, apcv, insi, eprescription)"
    assert bench_phrasing("bench", listening) == listening.replace("37511", "‹port›")
    assert bench_phrasing("app", listening) == listening
    assert bench_phrasing("bench", "simulateur de téléservices redémarré (processus 4242)").endswith(
        "(processus ‹processus›)"
    )
    kept = "contrôle de la carte cps repris du cas PSAD-SEC-001 (‹carte gardée›)"
    assert bench_phrasing("bench", kept) == "contrôle de la carte cps repris du cas ‹cas› (‹carte gardée›)"
    assert bench_phrasing("bench", "fin du cas PSAD-SEC-001 : réussi") == "fin du cas PSAD-SEC-001 : réussi"
    assert bench_phrasing("bench", "serveur http://127.0.0.1:8080 prêt") == "serveur http://127.0.0.1:8080 prêt"
    # the simulators' sequence numbers: the téléservices' references, the reference engine's own numbers
    answer = 'POST /adri → 200 en 1 ms · réponse {"service":"adri","reference":"ADRI-000005","rank":1}'
    assert bench_phrasing("http", answer) == answer.replace("ADRI-000005", "ADRI-‹numéro›")
    reference = "‹T› INFO     testbench.reference - create_invoice ref=‹REF› numero=000000005 lignes=1 amo=33.60"
    assert bench_phrasing("engine", reference) == reference.replace("000000005", "‹numéro›")
    echoed = "‹T› INFO     testbench.reference - adri_query cible rang=1 ref=ADRI-000002"
    assert bench_phrasing("engine", echoed).endswith("rang=1 ref=ADRI-‹numéro›")
    # another engine's or the application's numbers are the product's: kept
    product = "‹T› INFO     monlogiciel.fse - create_invoice numero=000000005 lignes=1"
    assert bench_phrasing("engine", product) == product
    assert bench_phrasing("app", reference) == reference


def test_a_simulated_service_s_line_and_the_engine_s_compare_in_one_order() -> None:
    """The simulator's log is read from its own process: the engine's next line may be captured before it."""
    from testbench.report.diff_bench import bench_order

    http, said, got, after = ("http", "POST /adri → 200"), ("engine", "adri_query"), ("engine", "ok"), ("engine", "x")
    step = ("bench", "étape s-adri : adri")
    assert bench_order([step, said, http, got]) == bench_order([step, said, got, http]) == [step, http, said, got]
    # each channel keeps its order, and a bench or APDU line its place
    apdu = ("apdu", "A>> 00 A4")
    assert bench_order([got, said, apdu, http]) == [got, said, apdu, http]
    assert bench_order([after, got, http, step]) == [http, after, got, step]


def test_each_bench_rule_is_documented_and_reads_in_english() -> None:
    from testbench.i18n import translator

    docs = (REPO / "docs" / "reports.md").read_text(encoding="utf-8")
    english = translator("en")
    for name in BENCH_RULES:
        assert f"`{name}`" in docs or name in docs, name
        assert english(name) != name, name
    for marker in ("cas", "numéro", "processus"):
        assert english(marker) != marker
