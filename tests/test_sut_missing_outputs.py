"""A declared output folder that is not there is warned of, never refused (``sut.profile.output_warnings``).

The editor's application, like the demo application, may create its folders at its first write: ``sut check``
names each missing folder (and a log that matches no file) as a warning and exits 2, and a run with the
profile — ``testbench run`` and the workstation — says the same as it starts, then runs. ``sut init`` takes the
product's version and agrément, and says which of them remain to fill. Real files, the real command line.
"""

from __future__ import annotations

import asyncio
import io
import os
import time
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.sut.profile import load_profile, output_warnings

PROFILE = """\
[product]
name = "CaisseLPP"
version = "4.2.0"

[outputs]
fse = "sortie/fse"
lots = "sortie/lots"
"""

MISSING_FR = (
    "le dossier de sortie « fse » n'existe pas encore : {folder} — le logiciel doit le créer à sa première"
    " écriture, sinon aucun fichier n'y sera capturé (FSE, lots…)"
)
MISSING_EN = (
    "the output folder “fse” does not exist yet: {folder} — the software must create it at its first write,"
    " otherwise no file will be captured there (FSE, lots…)"
)


def _profile(root: Path, body: str = PROFILE, *, folders: tuple[str, ...] = ("sortie/lots",)) -> Path:
    """The profile in ``root``, with only ``folders`` made (``fse`` missing by default)."""
    root.mkdir(parents=True, exist_ok=True)
    for folder in folders:
        (root / folder).mkdir(parents=True, exist_ok=True)
    profile = root / "sut.toml"
    profile.write_text(body, encoding="utf-8")
    return profile


# -- the one check -------------------------------------------------------------------------------------------


def test_the_check_names_each_missing_folder_and_its_key(tmp_path: Path) -> None:
    profile = load_profile(_profile(tmp_path))
    assert output_warnings(profile) == [MISSING_FR.format(folder=tmp_path / "sortie" / "fse")]
    (tmp_path / "sortie" / "fse").mkdir()
    assert output_warnings(profile) == []  # created at the application's first write: nothing more to say


def test_a_file_in_a_folders_place_is_said_too(tmp_path: Path) -> None:
    profile = load_profile(_profile(tmp_path))
    (tmp_path / "sortie" / "fse").write_text("", encoding="utf-8")
    (said,) = output_warnings(profile)  # put there after loading: refused at load (test_sut_file_in_folder_place)
    assert said.startswith("ce chemin est un fichier, pas un dossier : ")
    assert "aucun fichier n'y sera jamais capturé" in said


# -- sut check -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "said"), [("fr", MISSING_FR), ("en", MISSING_EN)])
def test_sut_check_warns_of_a_missing_output_folder_and_exits_2(tmp_path: Path, capsys, lang: str, said: str) -> None:
    profile = _profile(tmp_path / "erp")
    assert main(["sut", "check", str(profile), "--lang", lang]) == 2
    out, err = capsys.readouterr()
    folder = tmp_path / "erp" / "sortie" / "fse"
    assert said.format(folder=folder) in err.splitlines()
    assert str(tmp_path / "erp" / "sortie" / "lots") not in err  # only the missing one
    assert ("dossier absent" if lang == "fr" else "folder missing") in out  # the listing still shows it in place
    assert "Traceback" not in err


def test_sut_check_with_every_folder_there_exits_0_and_warns_of_nothing(tmp_path: Path, capsys) -> None:
    profile = _profile(tmp_path / "erp", folders=("sortie/fse", "sortie/lots"))
    assert main(["sut", "check", str(profile)]) == 0
    assert capsys.readouterr().err == ""


def test_sut_check_warns_of_a_log_that_matches_no_file_as_of_a_folder(tmp_path: Path, capsys) -> None:
    body = PROFILE + '\n[[logs]]\npath = "journal/*.log"\n'
    profile = _profile(tmp_path / "erp", body, folders=("sortie/fse", "sortie/lots"))
    assert main(["sut", "check", str(profile)]) == 2
    err = capsys.readouterr().err
    logs = tmp_path / "erp" / "journal" / "*.log"
    assert f"le journal {logs} ne correspond encore à aucun fichier — le logiciel doit le créer" in err
    assert main(["sut", "check", str(profile), "--lang", "en"]) == 2
    assert f"the log {logs} matches no file yet — the software must create it" in capsys.readouterr().err


def test_sut_check_an_unreadable_file_still_exits_3_with_a_folder_missing(tmp_path: Path, capsys) -> None:
    body = PROFILE + (
        '\n[[extractors]]\nname = "lot json"\nkind = "json"\napplies_to = ["build_lot"]\nfiles = "lots"\n'
        'fields = { "/numero" = "lot.number" }\n'
    )
    profile = _profile(tmp_path / "erp", body)
    lot = tmp_path / "erp" / "sortie" / "lots" / "LOT-1.json"
    lot.write_text('{"numero": ', encoding="utf-8")
    past = time.time() - 60
    os.utime(lot, (past, past))
    assert main(["sut", "check", str(profile)]) == 3  # the usage error wins over the warning
    assert MISSING_FR.format(folder=tmp_path / "erp" / "sortie" / "fse") in capsys.readouterr().err


# -- a run with the profile ----------------------------------------------------------------------------------


def test_a_run_with_a_missing_output_folder_warns_then_runs(tmp_path: Path, capsys) -> None:
    profile = _profile(tmp_path / "erp")
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    argv += ["-k", "DEMO-FSE-001", "--engine", "inprocess", "--sut-profile", str(profile)]
    assert main(argv) == 0  # not refused: the case ran and passed
    err = capsys.readouterr().err
    folder = tmp_path / "erp" / "sortie" / "fse"
    assert MISSING_FR.format(folder=folder) in err.splitlines()
    assert str(tmp_path / "erp" / "sortie" / "lots") not in err  # the folder that is there: nothing
    assert f"session : {session} — réussi 1" in err
    assert not folder.exists()  # the bench creates nothing in the application's place

    rerun = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess", "--rerun"]
    rerun += ["-k", "DEMO-FSE-001", "--engine", "inprocess", "--sut-profile", str(profile), "--lang", "en"]
    assert main(rerun) == 0
    assert MISSING_EN.format(folder=folder) in capsys.readouterr().err.splitlines()


def test_a_run_with_every_output_folder_there_says_nothing_of_them(tmp_path: Path, capsys) -> None:
    profile = _profile(tmp_path / "erp", folders=("sortie/fse", "sortie/lots"))
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(tmp_path / "s.tbsession"), "--cards"]
    argv += ["inprocess", "-k", "DEMO-FSE-001", "--engine", "inprocess", "--sut-profile", str(profile)]
    assert main(argv) == 0
    assert "dossier de sortie" not in capsys.readouterr().err


def test_the_workstation_shows_the_warning_as_a_notice_and_runs(tmp_path: Path) -> None:
    from test_tui_helpers import make_app, run_log, toasts, wait_run

    from testbench.runner.options import BenchOptions, CampaignOptions

    profile = _profile(tmp_path / "erp")
    folder = tmp_path / "erp" / "sortie" / "fse"
    seen: dict[str, str] = {}

    async def scenario(lang: str) -> None:
        app = make_app(tmp_path, lang=lang, session=f"{lang}.tbsession")
        app.campaign_options = CampaignOptions(BenchOptions(sut_profile=profile))
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            seen[f"before-{lang}"] = toasts(app)
            app.goto_case(app.ws.find("TC-OK-001").key)
            await pilot.pause()
            await pilot.press("r")
            await wait_run(app, pilot)
            seen[f"toasts-{lang}"] = toasts(app)
            seen[f"log-{lang}"] = run_log(app)
            seen[f"verdict-{lang}"] = app.ws.find("TC-OK-001").verdict

    asyncio.run(scenario("fr"))
    asyncio.run(scenario("en"))
    assert MISSING_FR.format(folder=folder) in seen["before-fr"]  # said as the workstation opens, and as the run starts
    assert MISSING_FR.format(folder=folder) in seen["toasts-fr"]
    assert MISSING_FR.format(folder=folder) in seen["log-fr"]
    assert MISSING_EN.format(folder=folder) in seen["toasts-en"]
    assert seen["verdict-fr"] == seen["verdict-en"] == "pass"  # the run went on


def test_the_demo_application_has_its_folders_before_the_bench_runs(tmp_path: Path) -> None:
    """``demo --exam`` stays quiet: the application's folders are there when its run starts."""
    from testbench.demoapp.driver import start_demo_app

    with start_demo_app(tmp_path / "erp") as app:
        assert output_warnings(load_profile(app.profile_path)) == []


# -- sut init: the product's identity ------------------------------------------------------------------------


def test_init_fills_the_version_and_the_agrement_given(tmp_path: Path, capsys) -> None:
    output = tmp_path / "sut.toml"
    argv = ["sut", "init", "--output", str(output), "--yes", "--name", "Démo ERP"]
    assert main([*argv, "--sut-version", "4.2.0", "--agrement", "TEST-0001"]) == 0
    product = load_profile(output).product
    assert (product.name, product.version, product.agrement) == ("Démo ERP", "4.2.0", "TEST-0001")
    assert "à remplir" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("lang", "given", "said"),
    [
        (
            "fr",
            [],
            "à remplir dans le profil : [product].version, [product].agrement (la page de garde du cahier"
            " d'examen les affiche)",
        ),
        (
            "fr",
            ["--sut-version", "4.2.0"],
            "à remplir dans le profil : [product].agrement (la page de garde du cahier d'examen l'affiche)",
        ),
        (
            "en",
            ["--agrement", "TEST-0001"],
            "to fill in the profile: [product].version (the exam book's cover shows it)",
        ),
    ],
)
def test_init_says_which_identity_fields_remain_to_fill(tmp_path: Path, capsys, lang, given, said) -> None:
    output = tmp_path / "sut.toml"
    assert main(["sut", "init", "--output", str(output), "--yes", "--name", "Démo ERP", *given, "--lang", lang]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert said in lines
    assert lines.index(said) < len(lines) - 1  # before the closing « sut check » line
    load_profile(output)  # loads as written


def test_init_asks_for_the_version_and_the_agrement(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Mon ERP\n5.1\nCNDA-42\n\n\n\n\n"))
    output = tmp_path / "sut.toml"
    assert main(["sut", "init", "--output", str(output), "--watch-seconds", "0"]) == 0
    out, err = capsys.readouterr()
    assert "Version du logiciel testé" in err and "Numéro d'agrément ou de test" in err
    product = load_profile(output).product
    assert (product.name, product.version, product.agrement) == ("Mon ERP", "5.1", "CNDA-42")
    assert "à remplir" not in out
