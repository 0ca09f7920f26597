"""Today's changes of ``diff``, ``merge``, ``verify`` and ``new case``, reproduced through the workstation's tool
window: each outcome is the CLI's, in its words, in French and after F2 in English — an expectation removed from B's
casebook read as the casebook's change, a CI shard whose bench never started refused as missing with its reason,
a file manager's ``.directory`` and ``Icon\\r`` ignored in a report folder, a casebook saved by an editor while
the case was being added kept whole with nothing written.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
from test_diff_expectation_removed import ATTESTED, BENCH, PATIENT
from test_tui_tools import DEMO, SIZE, app_on, cli, open_tool, run_tool, switch_language

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR


async def through_window(session: Path, casebook: Path, words: str, **values: str) -> tuple[str, str]:
    """The tool found in the palette by ``words``, run with ``values``: its text in French, then in English."""
    app = app_on(session, casebook)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tool(app, pilot, "ctrl+p", *words, "enter")
        french = await run_tool(app, pilot, screen, **values)
        return french, await switch_language(pilot, screen)


def test_an_expectation_removed_from_bs_casebook_reads_as_the_casebooks_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = tmp_path / "edited"
    shutil.copytree(CASEBOOKS_DIR / "cards", edited / "cards")
    text = DEMO.read_text(encoding="utf-8")
    at = text.index(PATIENT, text.index('<case id="DEMO-FSE-001"'))
    (edited / "demo.xml").write_text(text[:at] + text[at + len(PATIENT) :], encoding="utf-8")
    a, b = tmp_path / "a.tbsession", tmp_path / "b.tbsession"
    main(["run", str(DEMO), "--session", str(a), "-k", "DEMO-FSE-001", *BENCH, *ATTESTED])
    assert main(["run", str(edited / "demo.xml"), "--session", str(b), "-k", "DEMO-FSE-001", *BENCH, *ATTESTED]) == 0
    os.utime(a, (1_000_000_000, 1_000_000_000))

    french, english = asyncio.run(through_window(b, edited / "demo.xml", "comparer la session", reference=str(a)))
    code, out, _ = cli(capsys, "diff", str(a), str(b))
    assert code == 0 and french == f"{out}✔ terminé (code 0)"
    assert "[attentes du cahier changées] PDT-DEMO-001 DEMO-FSE-001" in french
    assert "attente retirée du cahier de B — A : 22,40\u00a0€ (attendu 22,40\u00a0€)" in french
    _, out, _ = cli(capsys, "diff", str(a), str(b), "--lang", "en")
    assert english == f"{out}✔ done (code 0)"
    assert "expectation removed from B's casebook" in english and "attente" not in english


def test_a_shard_whose_bench_never_started_is_refused_as_missing_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def shard(name: str, k: int, engine: str = "inprocess") -> Path:
        path = tmp_path / name
        main(["run", str(DEMO), "--session", str(path), "--shard", f"{k}/2", "--cards", "inprocess", "-k", "tag:e1",
              "--engine", engine])  # fmt: skip
        return path

    first, broken = shard("shard-1.tbsession", 1), shard("shard-2.tbsession", 2, str(tmp_path / "absent-engine"))
    output = tmp_path / "campagne.tbsession"
    french, english = asyncio.run(
        through_window(first, DEMO, "fusionner des sessions", sessions=f"{first} {broken}", output=str(output))
    )
    code, _, err = cli(capsys, "merge", str(first), str(broken), "-o", str(output))
    assert code == 3 and not output.exists()
    cli_lines = [line.removeprefix("testbench merge : ") for line in err.splitlines()]
    assert french.splitlines()[0] == cli_lines[0]  # the shard, why it is missing, the bench's own reason
    assert f"{broken} : partition 2/2 sans aucun cas exécuté, son banc n'a pas démarré (relancez-la)" in french
    assert "impossible de lancer le moteur" in french
    # the refusal names the window's field, not the CLI's flag
    assert "partition manquante : 2/2 ; « Fusionner même s'il manque des partitions CI » à oui" in french
    assert "--allow-missing-shards" not in french and french.endswith("✘ entrée invalide (code 3)")
    _, _, err = cli(capsys, "merge", str(first), str(broken), "-o", str(output), "--lang", "en")
    assert english.splitlines()[0] == err.splitlines()[0].removeprefix("testbench merge: ")
    assert f"{broken}: shard 2/2 ran no case, its bench did not start (run it again)" in english
    assert "missing shard: 2/2" in english and "partition" not in english
    assert english.endswith("✘ invalid input (code 3)")


def test_a_file_managers_files_in_a_report_folder_are_ignored_as_verify_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session, report = tmp_path / "s.tbsession", tmp_path / "rapport"
    main(["run", str(DEMO), "--session", str(session), "-k", "DEMO-FSE-001", *BENCH])
    assert main(["report", str(session), "-o", str(report)]) == 0
    (report / ".directory").write_text("[Desktop Entry]\nIcon=folder\n", encoding="utf-8")
    (report / "Icon\r").write_bytes(b"")

    french, english = asyncio.run(
        through_window(session, DEMO, "intégrité d'un rapport", folder=str(report), same_session="")
    )
    code, out, _ = cli(capsys, "verify", str(report))
    assert code == 0 and french == f"{out}✔ terminé (code 0)"
    assert "ignoré : .directory — " in french and "ignoré : Icon⟨U+000D⟩ — " in french
    _, out, _ = cli(capsys, "verify", str(report), "--lang", "en")
    assert english == f"{out}✔ done (code 0)"


def test_a_casebook_saved_meanwhile_is_kept_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor saves the casebook while the window's « Nouveau cas » checks it: the save stays whole."""
    from testbench.cards import profile_check

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(DEMO, work / "demo.xml")
    shutil.copytree(CASEBOOKS_DIR / "cards", work / "cards")
    saved = (work / "demo.xml").read_text(encoding="utf-8") + "<!-- enregistré par l'éditeur -->\n"
    checked = profile_check.card_profile_problems

    def editor_saves_during_the_check(cards: Iterable[object]) -> list[object]:
        if (work / "demo.xml").read_text(encoding="utf-8") != saved:
            (work / "demo.xml").write_text(saved, encoding="utf-8")
        return checked(cards)  # type: ignore[arg-type]

    monkeypatch.setattr(profile_check, "card_profile_problems", editor_saves_during_the_check)
    french, english = asyncio.run(through_window(work / "s.tbsession", work / "demo.xml", "nouveau cas", id="FSE-042"))
    assert (work / "demo.xml").read_text(encoding="utf-8") == saved
    casebook = work / "demo.xml"
    assert french == (
        f"{casebook} a changé pendant l'ajout du cas (enregistré entre-temps ?) ; rien n'a été écrit : relancez\n"
        "✘ entrée invalide (code 3)"
    )
    assert english.startswith(f"{casebook} changed while the case was being added (saved meanwhile?); nothing was")
    assert "Traceback" not in french + english
    assert sorted(p.name for p in work.iterdir() if p.name.startswith(".demo.xml")) == []  # no temporary left


def test_a_tampered_session_file_is_verified_with_the_windows_defaults_as_verify_session_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The window's « ou fichier de session »: its default « Vérifier qu'il vient de la session ouverte » (a report's
    question) once refused it in the CLI's flags (« --session, --key et --require-signature … »); the chain's
    problems, worded as today's verify words them, are the CLI's."""
    from test_chain_attempts_named import THREE_RUNS, delete_attempt_and_entries
    from test_store_s28_deleted_attempt_named import session

    (tmp_path / "made").mkdir()
    tampered = session(tmp_path / "made", *THREE_RUNS)
    delete_attempt_and_entries(tampered, 2)
    opened = tmp_path / "ouverte.tbsession"

    french, english = asyncio.run(through_window(opened, DEMO, "intégrité d'un rapport", folder=str(tampered)))
    code, out, _ = cli(capsys, "verify", str(tampered))
    assert code == 1 and french == f"{out}✘ échec (code 1)"
    assert "cas KO-1, tentative 1 — tentatives, ligne 2 : tentative supprimée avec ses entrées de chaîne" in french
    _, out, _ = cli(capsys, "verify", str(tampered), "--lang", "en")
    assert english == f"{out}✘ failed (code 1)"
    assert "--session" not in french + english


def test_a_session_file_with_a_reports_own_field_is_refused_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "s.tbsession"
    main(["run", str(DEMO), "--session", str(session), "-k", "DEMO-FSE-001", *BENCH])
    french, english = asyncio.run(
        through_window(session, DEMO, "intégrité d'un rapport", folder=str(session), require_signature="oui")
    )
    assert french == (
        f"{session} est une session : « Refuser un rapport non signé » ne s'applique qu'à un dossier de rapport\n"
        "✘ entrée invalide (code 3)"
    )
    assert english == (
        f"{session} is a session: “Refuse an unsigned report” applies only to a report folder\n✘ invalid input (code 3)"
    )
    code, _, err = cli(capsys, "verify", str(session), "--require-signature")  # the CLI still names its flags
    assert code == 3 and "--session, --key et --require-signature" in err
