"""What a reviewer reads from ``testbench verify`` and ``testbench report``: a verdict that covers what the
report itself records (a session altered before the build, a signer named but no signature), another session
named as such, the case behind each integrity problem, and the verdict on the stream of its lines."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from lxml import etree
from test_report_build import campaign

from testbench.cli.main import main
from testbench.integrity.manifest import MANIFEST, SIGNATURE, sign_manifest, write_manifest
from testbench.report.build import BuildOptions, build_report
from testbench.signing import init_key, load_signer


def test_the_verdict_word_is_on_the_stream_of_its_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = build_report(campaign(tmp_path), tmp_path / "r").folder
    with (folder / "index.html").open("ab") as fh:
        fh.write(b" ")
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()  # the change first (before the checks that held), the verdict last
    assert (lines[0], lines[-1]) == ("modifié : index.html", "ALTÉRÉ"), lines
    assert out.err == ""
    assert main(["verify", str(folder), "--lang", "en"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (lines[0], lines[-1]) == ("modified: index.html", "ALTERED"), lines


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "signer.pem"
    init_key(path)
    return path


def falsify_a_verdict(session: Path) -> None:
    """The forgery a reviewer must not be shown as evidence: a failed verdict rewritten as passed."""
    conn = sqlite3.connect(session)
    conn.execute("UPDATE attempts SET verdict = 'pass', reason = '' WHERE verdict = 'fail'")
    conn.commit()
    conn.close()


def test_a_report_built_on_an_altered_session_is_written_but_never_verifies(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = campaign(tmp_path)
    falsify_a_verdict(session)
    folder = tmp_path / "r"
    # written, so the reviewer sees it, with a warning and a non-zero exit
    assert main(["report", str(session), "-o", str(folder), "--sign", "--key", str(key)]) == 2
    err = capsys.readouterr().err
    assert "ATTENTION : session altérée (chaîne du journal rompue)" in err
    assert (
        "testbench report : session d'origine : cas KO-1, tentative 1 — verdict, motif, heure de fin ou durée"
        " modifiés après coup"
    ) in err
    assert 'id="altered-session"' in (folder / "index.html").read_text(encoding="utf-8")
    # the JUnit a CI keeps alone is not all green: the broken chain is an error testcase and a property
    suite = etree.parse(str(folder / "junit.xml")).getroot()
    (integrity,) = suite.xpath("testcase[@name='intégrité de la session']/error")
    assert integrity.get("message") == "session altérée (chaîne du journal rompue) : ses verdicts ne valent pas preuve"
    assert suite.xpath("properties/property[@name='testbench.session.chain_ok']/@value") == ["false"]
    assert suite.get("errors") == "1" and suite.get("tests") == "3"
    # every file matches its signed manifest, yet the report records a broken chain: altered
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "report.json : le rapport a été construit sur une session altérée (chaîne du journal rompue)" in out
    origin = "session d'origine : cas KO-1, tentative 1 — verdict, motif, heure de fin ou durée"
    assert any(line.startswith(origin) for line in out)
    assert out[-1] == "ALTÉRÉ" and "INTÈGRE" not in out
    assert main(["verify", str(folder), "--lang", "en"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "report.json: the report was built on an altered session (broken journal chain)" in out
    origin = "source session: case KO-1, attempt 1 — verdict, reason, end time or duration changed"
    assert any(line.startswith(origin) for line in out)
    assert out[-1] == "ALTERED"
    assert main(["report", str(session), "-o", str(folder), "--lang", "en"]) == 2
    assert "WARNING: altered session (broken journal chain)" in capsys.readouterr().err
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "WARNING: report built on an altered session" in html


def test_a_report_on_a_whole_session_has_no_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "r"
    assert main(["report", str(campaign(tmp_path)), "-o", str(folder)]) == 0
    assert "altérée" not in capsys.readouterr().err
    assert 'id="altered-session"' not in (folder / "index.html").read_text(encoding="utf-8")
    suite = etree.parse(str(folder / "junit.xml")).getroot()
    assert suite.xpath("properties/property[@name='testbench.session.chain_ok']/@value") == ["true"]
    assert not suite.xpath("testcase[@classname='testbench']")


def test_a_signature_stripped_after_an_edit_is_altered_and_only_the_anchor_is_said_compared(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = campaign(tmp_path)
    folder = build_report(session, tmp_path / "r", BuildOptions(signer=load_signer(key))).folder
    assert main(["verify", str(folder), "--session", str(session)]) == 0
    out = capsys.readouterr().out
    # the session still holds the chain the report was built from: that, and only that, was compared
    assert "ok : ancrage de la chaîne conforme : la session contient, à l'identique, la chaîne" in out
    assert "le contenu des fichiers n'est pas comparé" in out and "le rapport correspond à la session" not in out
    assert main(["verify", str(folder), "--session", str(session), "--lang", "en"]) == 0
    assert "chain anchor matches: the session holds, unchanged, the chain the report was built from" in (
        capsys.readouterr().out
    )
    # the forger edits the page, removes the signature and rebuilds the manifest with the same anchor
    old = json.loads((folder / MANIFEST).read_bytes())
    html = folder / "index.html"
    html.write_bytes(html.read_bytes().replace(b"</main>", b"<p>retouche</p></main>"))
    (folder / SIGNATURE).unlink()
    write_manifest(folder, old["journal"])
    assert main(["verify", str(folder), "--session", str(session)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"manquant : {SIGNATURE}" in out
    removed = [line for line in out if line.startswith("report.json nomme un signataire (clé ")]
    assert removed and removed[0].endswith("mais le dossier n'a pas de signature : elle a été retirée")
    assert out[-1] == "ALTÉRÉ" and not any("NON SIGNÉ" in line for line in out)
    assert main(["verify", str(folder), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "report.json names a signer (key " in out and "it was removed" in out


def test_a_signature_added_to_a_report_built_unsigned_is_altered(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = build_report(campaign(tmp_path), tmp_path / "r").folder
    sign_manifest(folder, load_signer(key))
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "report.json ne nomme aucun signataire, mais le dossier est signé" in out and "ALTÉRÉ" in out


def test_another_session_is_named_as_such_not_as_a_cut_journal(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = build_report(campaign(tmp_path), tmp_path / "r", BuildOptions(signer=load_signer(key))).folder
    (tmp_path / "x").mkdir()
    other = campaign(tmp_path / "x", name="other.tbsession", case_ids=("OK-1",))  # a shorter journal
    built_on = json.loads((folder / "report.json").read_bytes())["session"]["id"]
    assert main(["verify", str(folder), "--session", str(other)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(
        line.startswith("la session donnée (") and f"construit ({built_on}) : aucune comparaison" in line
        for line in out
    ), out
    assert not any("journal coupé" in line or "retirés" in line for line in out)
    assert out[-1] == "SESSION DIFFÉRENTE : le rapport n'a pas été construit depuis cette session"
    assert main(["verify", str(folder), "--session", str(other), "--lang", "en"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("the session given (") and "comparing their journals" in line for line in out)
    assert out[-1] == "DIFFERENT SESSION: the report was not built from this session"


def test_integrity_problems_name_the_case_attempt_and_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = campaign(tmp_path)
    conn = sqlite3.connect(session)
    (line, step) = conn.execute(
        "SELECT t.id, t.step_id FROM trace_lines t JOIN attempts a ON a.id = t.attempt_id"
        " WHERE a.case_id = 'OK-1' AND t.step_id IS NOT NULL ORDER BY t.id LIMIT 1"
    ).fetchone()
    conn.execute("UPDATE trace_lines SET text = 'ligne retouchée' WHERE id = ?", (line,))
    conn.execute(
        "INSERT INTO trace_lines (channel, mono_ns, wall, text, attempt_id, step_id)"
        " SELECT 'app', 1, 1.0, 'ajoutée', id, NULL FROM attempts WHERE case_id = 'KO-1'"
    )
    conn.commit()
    conn.close()
    falsify_a_verdict(session)
    assert main(["verify", str(session)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(
        line.startswith(f"cas OK-1, tentative 1, étape {step} — lignes de trace, ligne") and "contenu différent" in line
        for line in out
    ), out
    changed = (
        "cas KO-1, tentative 1 — verdict, motif, heure de fin ou durée modifiés après coup (ligne 2 des tentatives,"
        " entrée"
    )
    assert changed in "\n".join(out)
    assert any(line.startswith("cas KO-1, tentative 1 — lignes de trace : 1 ligne hors chaîne") for line in out), out
    assert main(["verify", str(session), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert f"case OK-1, attempt 1, step {step} — trace lines, line" in out
    changed = "case KO-1, attempt 1 — verdict, reason, end time or duration changed afterwards (attempts line 2, entry"
    assert changed in out
    assert "case KO-1, attempt 1 — trace lines: 1 line outside the chain (added afterwards?)" in out
    assert "cas " not in out and "tentative" not in out


def test_a_book_resigned_by_another_key_with_its_report_json_edited_is_altered_by_its_cover(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The forger edits a verdict, names their own key in report.json and signs the rebuilt manifest with it:
    every file conforms, but the cover a reviewer reads still shows the editor's fingerprint — verify says so.
    Stripping the signature instead (report.json naming none) is caught by the same cover."""
    session = campaign(tmp_path)
    folder = build_report(session, tmp_path / "r", BuildOptions(signer=load_signer(key))).folder
    editor = json.loads((folder / "report.json").read_bytes())["signer"]["fingerprint"]
    other = tmp_path / "other.pem"
    init_key(other)
    forger = load_signer(other)
    for variant in ("resigned", "stripped"):
        forged = tmp_path / variant
        shutil.copytree(folder, forged)
        data = json.loads((forged / "report.json").read_bytes())
        named = {"public_key": forger.public.b64, "fingerprint": forger.public.fingerprint}
        data["signer"] = named if variant == "resigned" else None
        (forged / "report.json").write_text(json.dumps(data), encoding="utf-8")
        old = json.loads((forged / MANIFEST).read_bytes())
        (forged / SIGNATURE).unlink()
        write_manifest(forged, old["journal"])
        if variant == "resigned":
            sign_manifest(forged, forger)
        assert main(["verify", str(forged)]) == 1, variant
        out = capsys.readouterr().out
        assert "la couverture d'index.html annonce " in out and editor[:16] in out and out.splitlines()[-1] == "ALTÉRÉ"
    assert main(["verify", str(folder)]) == 0  # the editor's own book: its cover and its signature agree


def test_verify_says_its_journal_line_is_about_the_books_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Beside « construit sur une session altérée », an « ok : chaîne du journal cohérente » read as a
    contradiction: the line names the book's copy of the chain (journal-chain.json), which is whole."""
    session = campaign(tmp_path)
    falsify_a_verdict(session)
    folder = tmp_path / "r"
    main(["report", str(session), "-o", str(folder)])
    capsys.readouterr()
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "ok : copie de la chaîne du journal cohérente (journal-chain.json : " in out
    assert "ok : chaîne du journal cohérente" not in out
