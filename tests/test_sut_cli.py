"""``testbench sut check`` and ``testbench sut init`` on a fixture application folder (a log, an FSE file)."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.sut.profile import load_profile

LOG_LINES = [
    "2026-12-03 09:14:01,004 [main] INFO  fact - Lecture carte Vitale : 2 bénéficiaires",
    "2026-12-03 09:14:02,123 [main] INFO  fact - Facture F000123 créée : total AMO 163,80 EUR",
    "2026-12-03 09:14:03,500 [main] WARN  lots - lot 000015 construit",
]

FSE = '<?xml version="1.0" encoding="utf-8"?>\n<fse id="F000123">\n  <totals amo="163.80" amc="0.00"/>\n</fse>\n'

PROFILE = """\
[product]
name = "Démo ERP"
version = "4.2.0"

[[logs]]
path = "logs/app-*.log"
encoding = "cp1252"

[outputs]
fse = "out/fse"

[[extractors]]
name = "facture (journal)"
kind = "regex"
applies_to = ["create_invoice"]
pattern = 'total AMO (?P<amo>[0-9]+,[0-9]+) EUR'
fields = { amo = "invoice.totals.amo" }

[[extractors]]
name = "montants FSE"
kind = "xpath"
applies_to = ["create_invoice"]
files = "fse"
fields = { "string(//totals/@amo)" = "invoice.totals.amo" }
"""


def _application(root: Path) -> Path:
    """An application's folder as it stands after its last case: a cp1252 log, an older and a newer FSE."""
    (root / "logs").mkdir(parents=True)
    (root / "out" / "fse").mkdir(parents=True)
    (root / "logs" / "app-1.log").write_bytes(("\n".join(LOG_LINES) + "\n").encode("cp1252"))
    older = root / "out" / "fse" / "F000122.xml"
    older.write_text(FSE.replace("163.80", "12.00").replace("F000123", "F000122"), encoding="utf-8")
    past = time.time() - 60
    os.utime(older, (past, past))
    newer = root / "out" / "fse" / "F000123.xml"
    newer.write_text(FSE, encoding="utf-8")
    os.utime(newer, (past + 30, past + 30))
    return root


def test_check_prints_the_parsed_lines_and_the_values_extracted_for_the_last_case(tmp_path: Path, capsys) -> None:
    root = _application(tmp_path / "erp")
    profile = root / "sut.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    assert main(["sut", "check", str(profile)]) == 0
    out = capsys.readouterr().out
    assert "Produit : Démo ERP 4.2.0" in out
    assert "format log4j" in out  # detected (format = auto by default)
    assert "[2026-12-03 09:14:02,123] [INFO] fact - Facture F000123 créée : total AMO 163,80 EUR" in out
    assert "[2026-12-03 09:14:03,500] [WARN] lots - lot 000015 construit" in out
    assert "F000123.xml" in out and "F000122.xml" in out  # the folder's newest files
    assert "invoice.totals.amo = 163.80 — app-1.log, ligne de 2026-12-03 09:14:02,123" in out
    # the newest FSE is the one read, with its place in the file
    assert "invoice.totals.amo = 163.80 — F000123.xml, ligne 3" in out and "12.00" not in out
    assert main(["sut", "check", str(profile), "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert "Product: Démo ERP 4.2.0" in english and "Produit" not in english


def test_check_lists_no_file_still_being_written_among_the_newest(tmp_path: Path, capsys) -> None:
    """The folder's newest files are the documents the extractors read: a write-then-rename temporary or an office
    lock, however new, is not among them (the same rule as the extractors and --watch: sut/filenames.py)."""
    root = _application(tmp_path / "erp")
    for being_written in ("F000124.xml.tmp", "~$F000124.xml"):
        (root / "out" / "fse" / being_written).write_text("<fse", encoding="utf-8")
    profile = root / "sut.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    assert main(["sut", "check", str(profile)]) == 0
    out = capsys.readouterr().out
    assert "F000123.xml" in out and "F000122.xml" in out
    assert "F000124" not in out, out


def test_check_of_an_invalid_profile_is_a_usage_error_placed_in_the_file(tmp_path: Path, capsys) -> None:
    profile = tmp_path / "sut.toml"
    profile.write_text('[product]\nname = "x"\n[outputs]\nfse = 3\n', encoding="utf-8")
    assert main(["sut", "check", str(profile)]) == 3
    err = capsys.readouterr().err
    assert f"{profile}:4:7: [outputs].fse : une chaîne de caractères est attendue" in err and "Traceback" not in err


def test_check_says_when_an_extractor_cannot_read_the_newest_file(tmp_path: Path, capsys) -> None:
    root = _application(tmp_path / "erp")
    (root / "out" / "fse" / "F000123.xml").write_text("<fse><totals amo=", encoding="utf-8")
    past = time.time() - 10
    os.utime(root / "out" / "fse" / "F000123.xml", (past, past))
    (root / "sut.toml").write_text(PROFILE, encoding="utf-8")
    assert main(["sut", "check", str(root / "sut.toml")]) == 3
    out = capsys.readouterr().out
    assert "erreur : " in out and "F000123.xml" in out


def test_init_yes_writes_a_profile_that_loads_with_the_format_proposed(tmp_path: Path, capsys) -> None:
    root = _application(tmp_path / "erp")
    output = root / "sut.toml"
    argv = ["sut", "init", "--output", str(output), "--logs", str(root / "logs" / "*.log")]
    argv += ["--fse", str(root / "out" / "fse"), "--watch-seconds", "0", "--yes", "--name", "Démo ERP"]
    assert main(argv) == 0
    assert "format de ligne proposé : log4j" in capsys.readouterr().out
    profile = load_profile(output)
    assert profile.product.name == "Démo ERP"
    (source,) = profile.log_sources
    assert source.fmt == "log4j" and source.encoding == "cp1252" and source.path == str(root.resolve() / "logs/*.log")
    assert profile.outputs["fse"] == root.resolve() / "out" / "fse"
    assert "logs/*.log" in output.read_text(encoding="utf-8")  # relative: the profile travels with the folder
    # a second init refuses to overwrite the profile, unless asked
    assert main([*argv, "--lang", "en"]) == 3
    assert "the file already exists (--force to replace it)" in capsys.readouterr().err
    assert main([*argv, "--force"]) == 0


def test_init_asks_for_what_the_options_did_not_give(tmp_path: Path, capsys, monkeypatch) -> None:
    root = _application(tmp_path / "erp")
    answers = f"Mon ERP\n\n\n{root / 'logs' / 'app-*.log'}\n{root / 'out' / 'fse'}\n\n\n"  # no version, agrément
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    output = root / "sut.toml"
    assert main(["sut", "init", "--output", str(output), "--watch-seconds", "0"]) == 0
    err = capsys.readouterr().err
    assert "Nom du logiciel testé" in err and "Dossier où il écrit ses FSE" in err
    profile = load_profile(output)
    assert profile.product.name == "Mon ERP" and set(profile.outputs) == {"fse"}
    assert profile.log_sources[0].fmt == "log4j"


@pytest.mark.parametrize("command", ["run", "ui", "demo"])
def test_the_bench_commands_offer_a_sut_profile(command: str, capsys) -> None:
    for lang, shown in (("fr", "--sut-profile PROFIL"), ("en", "--sut-profile PROFILE")):
        with pytest.raises(SystemExit):
            main([command, "--help", "--lang", lang])
        assert shown in capsys.readouterr().out


def test_check_on_the_demo_application_shows_its_lines_and_its_last_case_values(tmp_path: Path, capsys) -> None:
    """Acceptance: the demo application (a separate process) has run two cases; check reads the last one."""
    from test_demoapp import _request

    from testbench.demoapp.driver import start_demo_app

    with start_demo_app(tmp_path / "erp") as app:
        app.send({"do": "create_invoice", "request": _request("R-1", ald=False)})
        last = app.send({"do": "create_invoice", "request": _request("R-2", ald=True)})
        app.send({"do": "secure_invoice", "invoice_id": "R-2"})
        app.send({"do": "build_lot", "invoice_ids": ["R-2"]})
        profile = app.profile_path
    assert main(["sut", "check", str(profile)]) == 0
    out = capsys.readouterr().out
    assert "format motif du profil" in out
    assert re.search(r"\[\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2},\d{3}\] \[INFO\] ", out)  # parsed: its time, its level
    assert f"invoice.number = {last['number']} — " in out
    fse_value = re.search(r"invoice\.totals\.amo = (\S+) — (\S+\.xml), ligne \d+", out)
    assert fse_value and fse_value.group(1) == "56.00"  # the ALD case at 100 %, from its own FSE
    assert re.search(r"lot\.number = 000001 — \S+, enregistrement \d+, colonnes \d+–\d+", out)


def test_check_before_the_application_wrote_anything_is_warned_not_refused(tmp_path: Path, capsys) -> None:
    (tmp_path / "sut.toml").write_text(PROFILE, encoding="utf-8")  # no log, no folder yet
    assert main(["sut", "check", str(tmp_path / "sut.toml")]) == 2  # not there now (3: the profile is wrong)
    out, err = capsys.readouterr()
    assert "aucun fichier ne correspond" in out and "dossier absent" in out
    watched = f"{tmp_path / 'out' / 'fse'} (*.xml)"  # where it looked, as the profile resolves it
    assert f"Extracteur « montants FSE » (xpath) sur fse\n  aucun fichier ne correspond à {watched}\n" in out
    assert f"le journal {tmp_path / 'logs' / 'app-*.log'} ne correspond encore à aucun fichier" in err
    assert f"le dossier de sortie « fse » n'existe pas encore : {tmp_path / 'out' / 'fse'}" in err


def test_init_says_no_format_was_proposed_when_none_reads_the_lines(tmp_path: Path, capsys) -> None:
    """Lines no preset reads: the profile keeps ``auto``, and the command says that nothing was proposed and
    how to read their time and level (a pattern), never « format de ligne proposé : auto »."""
    root = tmp_path / "erp"
    (root / "logs").mkdir(parents=True)
    (root / "logs" / "app.log").write_text("~~ sans date ni niveau ~~\n** rien de connu **\n", encoding="cp1252")
    argv = ["sut", "init", "--logs", str(root / "logs" / "*.log"), "--watch-seconds", "0", "--yes", "--name", "ERP"]
    assert main([*argv, "--output", str(root / "sut.toml")]) == 0
    out = capsys.readouterr().out
    assert "format de ligne proposé" not in out
    assert "aucun format connu ne lit ces lignes : format « auto »" in out and "motif (pattern)" in out
    assert load_profile(root / "sut.toml").log_sources[0].fmt == "auto"
    assert main([*argv, "--output", str(root / "sut-en.toml"), "--lang", "en"]) == 0
    assert "no known format reads these lines" in capsys.readouterr().out


def test_sut_init_writes_its_commented_examples_in_the_language_asked(tmp_path: Path) -> None:
    """The examples of the profile (an extractor's name, a menu path) read in the profile's language; the
    profile loads either way."""
    root = tmp_path / "erp"
    (root / "logs").mkdir(parents=True)
    (root / "logs" / "app.log").write_text("rien\n", encoding="cp1252")
    argv = ["sut", "init", "--logs", str(root / "logs" / "*.log"), "--watch-seconds", "0", "--yes", "--name", "ERP"]
    for lang, words, other in (
        ("fr", ("# name = 'montants FSE'", "# menu = 'Facturation > Nouvelle facture'"), "FSE amounts"),
        ("en", ("# name = 'FSE amounts'", "# menu = 'Billing > New invoice'"), "montants"),
    ):
        out = root / f"sut-{lang}.toml"
        assert main([*argv, "--output", str(out), "--lang", lang]) == 0
        text = out.read_text(encoding="utf-8")
        assert all(line in text.splitlines() for line in words) and other not in text
        load_profile(out)
