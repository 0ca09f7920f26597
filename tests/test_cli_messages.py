"""One language at a time in what the commands print (beyond argparse): verify, keys, merge, engine check,
validate, run, ui, new case, export; their successes and their typical errors, French by default, English
with --lang en.

Each command is run for real through ``main``; the English run must show no French word and every French
sentence the translator was asked for must have had its English (the generic check below), and the French
run must show none of the English words.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_report_build import campaign

import testbench.i18n as i18n
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.build import BuildOptions, build_report
from testbench.signing import init_key, load_signer

BILLING = CASEBOOKS_DIR / "billing.xml"
ONE_CASE = ["-k", "TB-LPP-001", "--cards", "inprocess", "--engine", "inprocess"]
ENGINE = [sys.executable, "-m", "testbench", "engine", "serve"]  # a command, quoted by engine check

#: French that would betray an untranslated message (accents, and the words these commands use)
FRENCH = re.compile(
    r"[àâçéèêëîïôûùœ«»]|\b(?:le|la|les|des|du|une|est|pas|sur|dans|aucun|aucune|cas|clé|fichier|dossier|"
    r"introuvable|tentatives?|empreinte|rapport|moteur|vérifications?|illisible|chaîne|ou|lue|refus|statut|lignes?)\b",
    re.IGNORECASE,
)
#: the modes' French names, which English keeps (as « FSE · dégradé » in a template's name)
KEPT_IN_ENGLISH = re.compile(r"\b(?:sécurisé|dégradé)\b")
#: English that would betray a message left in English in the French run
ENGLISH = re.compile(
    r"\b(?:the|of|not|found|key|file|folder|unreadable|attempts?|cases|engine|checks|missing|modified|added|"
    r"chain|intact|passed|failed|refusal|typed|error|no)\b",
    re.IGNORECASE,
)


#: paths, file names and identifiers (``report.json``, ``refus-quantite``, ``read_vitale``, the session's
#: tables that verify names, ``cases : …``): no one's words
NAMES = re.compile(r"\S*(?:[/\\]|\w[.=_-]\w)\S*|\b(?:cases|attempts|runs|casebooks|meta|selection)(?= ?:)")


def words(text: str, root: Path) -> str:
    text = re.sub(r"testbench [a-z ]+:", " ", text.replace(" ".join(ENGINE), "").replace(str(root), ""))
    return NAMES.sub(" ", text)  # the command's name and what the person typed are not translated


@pytest.fixture
def untranslated(monkeypatch) -> Iterator[list[str]]:
    """Every French-looking text the English translator was asked for and gave back unchanged."""
    missed: list[str] = []
    real = i18n.english

    def english(text: str) -> str:
        found = real(text)
        if found == text and FRENCH.search(KEPT_IN_ENGLISH.sub("", NAMES.sub(" ", text))):
            missed.append(text)
        return found

    monkeypatch.setattr(i18n, "english", english)
    yield missed


def scenarios(tmp: Path) -> list[tuple[str, list[str], int]]:
    """(name, argv, exit code): each command's success and its typical errors, on real files."""
    key = tmp / "keys" / "signer.pem"
    init_key(key)
    session = campaign(tmp, hostile=False)
    (tmp / "other").mkdir()
    other = campaign(tmp / "other", hostile=False)
    signed = build_report(session, tmp / "signed", BuildOptions(signer=load_signer(key))).folder
    unsigned = build_report(session, tmp / "unsigned", BuildOptions()).folder
    altered = build_report(session, tmp / "altered", BuildOptions(signer=load_signer(key))).folder
    (altered / "index.html").write_text("<p>autre</p>", encoding="utf-8")
    (altered / "extra.txt").write_text("x", encoding="utf-8")
    (altered / "report.json").unlink()
    tampered = tmp / "tampered.tbsession"
    shutil.copyfile(session, tampered)
    with contextlib.closing(sqlite3.connect(tampered)) as conn, conn:
        conn.execute("UPDATE cases SET title = 'autre'")
        conn.execute("UPDATE attempts SET reason = 'autre'")
        conn.execute("DELETE FROM trace_lines WHERE id = (SELECT MIN(id) FROM trace_lines)")
    (tmp / "bad.pub").write_text("pas du base64 !", encoding="utf-8")
    (tmp / "attestations.json").write_text("{pas du JSON", encoding="utf-8")
    (tmp / "not-a-session.tbsession").write_text("rien", encoding="utf-8")
    (tmp / "cards").symlink_to(CASEBOOKS_DIR / "cards")  # the casebook's card profiles, relative to it
    bad_casebook = tmp / "bad.xml"
    bad_casebook.write_text(BILLING.read_text(encoding="utf-8").replace("<case ", '<case bogus="1" ', 1), "utf-8")
    runs = tmp / "runs" / "s.tbsession"
    run_k = ["run", str(BILLING), "--session", str(tmp / "k.tbsession")]
    examples = CASEBOOKS_DIR / "examples"
    book, mapping = examples / "cahier-exemple.xlsx", examples / "cahier-exemple.mapping.toml"
    export = ["export", str(session), "--document", str(book), "--mapping", str(mapping)]
    return [
        ("verify-signed", ["verify", str(signed), "--session", str(session)], 0),
        ("verify-unsigned", ["verify", str(unsigned)], 0),
        ("verify-altered", ["verify", str(altered)], 1),
        ("verify-session", ["verify", str(session)], 0),
        ("verify-tampered-session", ["verify", str(tampered)], 1),
        ("verify-report-of-tampered-session", ["verify", str(signed), "--session", str(tampered)], 1),
        ("verify-missing", ["verify", str(tmp / "nowhere")], 3),
        ("verify-bad-key", ["verify", str(signed), "--key", str(tmp / "bad.pub")], 3),
        ("verify-no-key", ["verify", str(signed), "--key", str(tmp / "none.pub")], 3),
        ("verify-not-a-session", ["verify", str(tmp / "not-a-session.tbsession")], 3),
        ("keys-init", ["keys", "init", "--key", str(tmp / "k2" / "k.pem")], 0),
        ("keys-init-exists", ["keys", "init", "--key", str(key)], 3),
        ("keys-show", ["keys", "show", "--key", str(key)], 0),
        ("keys-show-missing", ["keys", "show", "--key", str(tmp / "none.pem")], 3),
        ("merge", ["merge", str(session), str(other), "-o", str(tmp / "merged.tbsession")], 0),
        ("merge-exists", ["merge", str(session), "-o", str(other)], 3),
        ("engine-check", ["engine", "check", "--", *ENGINE], 0),
        ("engine-check-no-command", ["engine", "check"], 3),
        ("validate", ["validate", str(BILLING)], 0),
        ("validate-bad", ["validate", str(bad_casebook)], 3),
        ("run", ["run", str(BILLING), "--session", str(runs), "--create-dirs", *ONE_CASE], 0),
        ("run-again", ["run", str(BILLING), "--session", str(runs), *ONE_CASE], 3),
        ("run-bad-selection", [*run_k, "-k", "(TB"], 3),
        ("run-bad-attestations", [*run_k, "--attestations", str(tmp / "attestations.json"), *ONE_CASE], 3),
        ("run-folder", ["run", str(BILLING), "--session", str(tmp / "signed"), *ONE_CASE], 3),
        ("run-missing-folder", ["run", str(BILLING), "--session", str(tmp / "usb" / "s.tbsession"), *ONE_CASE], 3),
        ("ui-bad-casebook", ["ui", str(tmp / "none.xml"), "--session", str(tmp / "u.tbsession")], 3),
        ("ui-missing-folder", ["ui", str(BILLING), "--session", str(tmp / "usb" / "s.tbsession")], 3),
        ("new-case", ["new", "case", "--domain", "fse", "--mode", "degrade", "--id", "N", "-o", str(tmp / "n.xml")], 0),
        ("new-case-exists", ["new", "case", "--domain", "cards", "--id", "N-2", "-o", str(tmp / "n.xml")], 3),
        ("new-case-no-template", ["new", "case", "--domain", "scor", "--id", "N-3"], 3),
        ("export-not-this-document", [*export, "--to", str(tmp / "export.xlsx")], 3),  # no case of the book run
        ("export-bad-report", [*export, "--to", str(tmp / "x.xlsx"), "--report", str(tmp / "keys")], 3),
    ]


def run_all(tmp: Path, lang: str, capsys, check: Callable[[str, str], None]) -> None:
    argv_lang = ["--lang", "en"] if lang == "en" else []
    for name, argv, code in scenarios(tmp):
        # each command's own --lang, at the end; for engine check in front (after "--" the words are the engine's)
        full = [*argv_lang, *argv] if argv[0] == "engine" else [*argv, *argv_lang]
        assert main(full) == code, (name, capsys.readouterr())
        out = capsys.readouterr()
        assert "Traceback" not in out.err
        check(name, words(out.out + out.err, tmp))


def test_every_command_speaks_english_when_asked(tmp_path: Path, capsys, monkeypatch, untranslated) -> None:
    monkeypatch.delenv("TESTBENCH_LANG", raising=False)

    def check(name: str, text: str) -> None:
        text = KEPT_IN_ENGLISH.sub("", text)  # French domain terms, kept as they are in English
        assert not FRENCH.findall(text), (name, FRENCH.findall(text), text)

    run_all(tmp_path, "en", capsys, check)
    assert sorted(set(untranslated)) == []


def test_every_command_speaks_french_by_default(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("TESTBENCH_LANG", raising=False)

    def check(name: str, text: str) -> None:
        assert not ENGLISH.findall(text), (name, ENGLISH.findall(text), text)

    run_all(tmp_path, "fr", capsys, check)


def test_testbench_lang_selects_english_for_these_commands(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TESTBENCH_LANG", "en")
    assert main(["keys", "show", "--key", str(tmp_path / "none.pem")]) == 3
    assert "signing key unreadable (not found)" in capsys.readouterr().err
    monkeypatch.delenv("TESTBENCH_LANG")
    assert main(["engine", "check", "--lang", "en"]) == 3  # the sub-command's own --lang
    assert capsys.readouterr().err == "testbench engine check: give the engine's command after --\n"


def test_ui_refuses_a_session_in_a_missing_folder_unless_asked(tmp_path: Path, capsys, monkeypatch) -> None:
    """As ``run``: a session on a drive that is not mounted must not silently land on the local disk."""
    from testbench.tui.app import WorkstationApp

    monkeypatch.delenv("TESTBENCH_LANG", raising=False)
    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "config"))
    opened: list[Path] = []  # the workstation itself is not the subject: it is not started here
    monkeypatch.setattr(WorkstationApp, "run", lambda app, *a, **k: opened.append(app.ws.session_path) or 0)
    usb = tmp_path / "media" / "usb-exam"
    session = usb / "exam.tbsession"
    assert main(["ui", str(BILLING), "--session", str(session)]) == 3
    err = capsys.readouterr().err
    assert f"testbench ui : {usb} : dossier introuvable (support non monté ?)" in err and "--create-dirs" in err
    assert main(["ui", str(BILLING), "--session", str(session), "--lang", "en"]) == 3
    assert f"testbench ui: {usb}: folder not found (a drive not mounted?)" in capsys.readouterr().err
    assert not (tmp_path / "media").exists() and opened == []
    assert main(["ui", str(BILLING), "--session", str(session), "--create-dirs"]) == 0
    assert usb.is_dir() and opened == [session]
