"""The tool window's form (review of the workstation's tools): what it offers is what the tool can do, said in
words; what it refuses names its own fields, never a CLI flag; a default or a tool that breaks, or a window
closed before its tool ends, loses nothing and shows no traceback.

The tools' results against the CLI: ``test_tui_tools.py`` and ``test_tui_tools_office.py``.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import dataclasses
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from fakes import make_case, value
from test_tui_helpers import sample_casebook
from test_tui_tools import DEMO, SIZE, app_on, cli, demo_sessions, field, open_tool, run_tool, shown, switch_language
from test_tui_tools_office import exam_folder
from textual.widgets import Select

from testbench.casebook.loader import check_casebook
from testbench.casebook.scaffold import templates
from testbench.cli.main import main
from testbench.i18n import translator
from testbench.tools.result import ToolResult
from testbench.tui import tools
from testbench.tui.render import Renderer
from testbench.tui.tools import TOOLS, ToolContext, split_words
from testbench.tui.workstation import Workstation


def context(tmp_path: Path, **changes: object) -> ToolContext:
    base = ToolContext(
        session=tmp_path / "s.tbsession",
        casebooks=(),
        casebook=None,
        signing_key=None,
        engine="reference",
        sut_profile=None,
        lang="fr",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def said(result: ToolResult) -> tuple[list[str], list[str]]:
    return [text for text, _ in result.texts("fr")], [text for text, _ in result.texts("en")]


# -- 1. a new case from a template the scaffold has, chosen in words -----------------------------------------


def test_new_case_offers_each_template_in_words_and_one_without_a_securise_mode_is_written(tmp_path: Path) -> None:
    work = exam_folder(tmp_path / "work")
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = app_on(work / "demo.tbsession", work / "demo.xml")
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "ctrl+p", *"nouveau cas", "enter")
            select = field(screen, "template")
            assert isinstance(select, Select)
            seen["fr"] = [str(prompt) for prompt, _ in select._options]
            seen["default"] = select.value
            await switch_language(pilot, screen)
            seen["en"] = [str(prompt) for prompt, _ in field(screen, "template")._options]  # type: ignore[union-attr]
            await switch_language(pilot, screen)
            seen["refused"] = await run_tool(app, pilot, screen, template="adri sesam-sans-vitale", id="ADRI 1")
            seen["refused-en"] = await switch_language(pilot, screen)
            seen["written"] = await run_tool(app, pilot, screen, id="ADRI-001")

    asyncio.run(scenario())
    assert seen["default"] == "fse securise"
    assert len(seen["fr"]) == len(templates())  # type: ignore[arg-type]
    assert {"FSE · sécurisé", "FSE · dégradé", "ADRi · SESAM sans Vitale", "cartes", "INSi"} <= set(seen["fr"])  # type: ignore[arg-type]
    assert {"FSE · sécurisé", "ADRi · SESAM sans Vitale", "cards"} <= set(seen["en"])  # type: ignore[arg-type]
    assert not any(word in " ".join(seen["fr"]) for word in ("securise", "sesam-sans-vitale", "none"))  # type: ignore[arg-type]
    assert seen["refused"] == (
        "Identifiant du nouveau cas : identifiant de cas invalide « ADRI 1 » — il contient un espace (80 caractères au"
        " plus, commençant par une lettre ou un chiffre : lettres sans accent, chiffres, « . », « _ », « : », « - »)"
        "\n✘ entrée invalide (code 3)"
    )
    assert str(seen["refused-en"]).startswith("Id of the new case: invalid case id “ADRI 1” — it contains a space (")
    assert "--" not in str(seen["refused"]) + str(seen["refused-en"])
    assert "case ADRI-001 added" in str(seen["written"]) and "casebook valid" in str(seen["written"])  # F2 left English
    loaded, problems = check_casebook(work / "demo.xml")
    assert problems == [] and loaded is not None and "ADRI-001" in [case.id for case in loaded.cases]


def test_the_cli_still_names_its_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "new", "case", "--domain", "fse", "--mode", "securise", "--id", "A B")
    assert code == 3 and err.startswith("testbench new case : --id : identifiant de cas invalide « A B »")
    key = tmp_path / "k.pem"
    assert main(["keys", "init", "--key", str(key)]) == 0
    code, _, err = cli(capsys, "keys", "init", "--key", str(key), "--lang", "en")
    assert code == 3 and err == f"testbench keys: {key}: a key already exists (--force to replace it)\n"


# -- 2, 3, 5. engine check: the CLI's time-limit rule, the bench's options, a command split as the system does ---


@pytest.mark.parametrize("typed", ["inf", "1e309", "nan", "0", "-2", "cinq"])
def test_the_engine_checks_time_limit_follows_the_clis_rule_and_sentence(tmp_path: Path, typed: str) -> None:
    result = TOOLS["engine-check"].run({"command": "python -m nothing", "timeout": typed}, context(tmp_path))
    assert result.code == 3
    assert said(result) == (
        [f"« {typed} » n'est pas un nombre de secondes positif"],
        [f"“{typed}” is not a positive number of seconds"],
    )


@pytest.mark.parametrize("typed", ["1e9", "86400,5"])
def test_the_engine_checks_time_limit_is_at_most_a_day_as_on_the_command_line(tmp_path: Path, typed: str) -> None:
    result = TOOLS["engine-check"].run({"command": "python -m nothing", "timeout": typed}, context(tmp_path))
    assert result.code == 3
    assert said(result) == (
        [f"« {typed} » dépasse la limite de 86400 secondes (un jour)"],
        [f"“{typed}” exceeds the limit of 86400 seconds (one day)"],
    )


def test_an_unclosed_quote_is_said_in_the_language_shown(tmp_path: Path) -> None:
    result = TOOLS["engine-check"].run({"command": 'python "engine.py', "timeout": "2,5"}, context(tmp_path))
    assert (result.code, said(result)) == (3, (["commande illisible : guillemet non fermé"],
                                               ["unreadable command: a quote is not closed"]))  # fmt: skip
    result = TOOLS["merge"].run(
        {"sessions": "'a.tbsession", "output": "o.tbsession", "allow_tampered": "", "allow_missing_shards": ""},
        context(tmp_path),
    )
    assert (result.code, said(result)) == (3, (["sessions illisibles : guillemet non fermé"],
                                               ["unreadable sessions: a quote is not closed"]))  # fmt: skip


def test_typed_paths_are_split_as_the_systems_shell_does() -> None:
    line = r'"C:\Program Files\moteur\moteur.exe" --port 3 C:\sessions\a.tbsession'
    assert split_words(line, posix=False) == [r"C:\Program Files\moteur\moteur.exe", "--port", "3",
                                              r"C:\sessions\a.tbsession"]  # fmt: skip
    assert split_words("'/home/x/ma session.tbsession' b.tbsession", posix=True) == [
        "/home/x/ma session.tbsession",
        "b.tbsession",
    ]


# -- 4. refusals name the window's yes/no fields, which force what the CLI's flags force ---------------------


def test_keys_init_replaces_a_key_only_when_asked_and_says_so_with_its_field(tmp_path: Path) -> None:
    key = tmp_path / "signer.pem"
    run = TOOLS["keys-init"].run
    assert run({"key": str(key), "force": ""}, context(tmp_path)).code == 0
    first = key.read_bytes()
    refused = run({"key": str(key), "force": ""}, context(tmp_path))
    assert (refused.code, said(refused)) == (
        3,
        (
            [f"{key} : une clé existe déjà (« Remplacer la clé existante » à oui pour la remplacer)"],
            [f"{key}: a key already exists (“Replace the existing key” set to yes to replace it)"],
        ),
    )
    assert key.read_bytes() == first
    assert run({"key": str(key), "force": "oui"}, context(tmp_path)).code == 0
    assert key.read_bytes() != first


def test_a_missing_key_points_to_the_workstations_own_action_never_keys_init(tmp_path: Path) -> None:
    """``k`` on a key that does not exist: the signer's sentence, but pointing to « Créer la clé » (its key from
    tui.toml's [keymap], else the palette) in the language shown; the CLI keeps « testbench keys init »."""
    key = tmp_path / "none.pem"
    run = TOOLS["keys"].run
    palette_fr = "« Créer la clé » dans la palette (Ctrl+P)"
    refused = run({"key": f'"{key}"'}, context(tmp_path))  # pasted with its quotes: the path all the same
    assert (refused.code, said(refused)) == (
        3,
        (
            [f"{key} : clé de signature illisible (introuvable) ; créez-la avec l'action {palette_fr}"],
            [
                f"{key}: signing key unreadable (not found); create it with the action “Create the key”"
                " in the palette (Ctrl+P)"
            ],
        ),
    )
    keyed = run({"key": str(key)}, context(tmp_path, keymap={"keys-init": "K", "palette": "f3"}))
    keyed_fr = f"{key} : clé de signature illisible (introuvable) ; créez-la avec l'action « Créer la clé » (touche K)"
    assert said(keyed)[0] == [keyed_fr]
    assert said(keyed)[1] == [
        f"{key}: signing key unreadable (not found); create it with the action “Create the key” (key K)"
    ]
    palette = run({"key": str(key)}, context(tmp_path, keymap={"palette": "f3"}))
    assert said(palette)[0][0].endswith("« Créer la clé » dans la palette (F3)")


def test_merge_of_shards_names_its_field_and_merges_when_told(tmp_path: Path) -> None:
    shard = tmp_path / "s1.tbsession"
    argv = ["run", str(DEMO), "--cards", "inprocess", "--engine", "inprocess", "--session", str(shard)]
    assert main([*argv, "--shard", "1/2", "-k", "DEMO-FSE-001 or DEMO-FSE-005"]) == 0
    values = {"sessions": str(shard), "output": str(tmp_path / "m.tbsession"), "allow_tampered": ""}
    refused = TOOLS["merge"].run({**values, "allow_missing_shards": ""}, context(tmp_path))
    french, english = said(refused)
    assert refused.code == 3 and not (tmp_path / "m.tbsession").exists()
    assert french[-1].startswith("partition manquante : 2/2 ; « Fusionner même s'il manque des partitions CI » à oui")
    assert english[-1].startswith("missing shard: 2/2; “Merge even if CI shards are missing” set to yes to merge")
    assert TOOLS["merge"].run({**values, "allow_missing_shards": "oui"}, context(tmp_path)).code == 0
    assert (tmp_path / "m.tbsession").exists()


def test_merge_of_a_modified_session_names_its_field_not_the_cli_flag(tmp_path: Path) -> None:
    """Refused, then forced from the window: both say the window's yes/no field, never ``--allow-tampered``."""
    import sqlite3

    sessions = [tmp_path / "a.tbsession", tmp_path / "b.tbsession"]
    for session, case in zip(sessions, ("DEMO-FSE-001", "DEMO-FSE-005"), strict=True):
        argv = ["run", str(DEMO), "--cards", "inprocess", "--engine", "inprocess", "--session", str(session)]
        assert main([*argv, "-k", case]) == 0
    with sqlite3.connect(sessions[0]) as conn:
        conn.execute("UPDATE attempts SET reason = 'retouché'")
    conn.close()
    values = {"sessions": " ".join(map(str, sessions)), "output": str(tmp_path / "m.tbsession")}
    values["allow_missing_shards"] = ""
    refused = TOOLS["merge"].run({**values, "allow_tampered": ""}, context(tmp_path))
    french, english = said(refused)
    assert refused.code == 3 and not (tmp_path / "m.tbsession").exists()
    assert french[-1] == (
        "« Fusionner même si une session a été modifiée » à oui pour fusionner quand même : la session fusionnée"
        " relève ces modifications"
    ), french
    assert english[-1].startswith("“Merge even if a session was modified” set to yes to merge anyway"), english
    forced = TOOLS["merge"].run({**values, "allow_tampered": "oui"}, context(tmp_path))
    french, english = said(forced)
    assert forced.code == 0 and (tmp_path / "m.tbsession").exists()
    assert french[-1].startswith("fusion forcée (« Fusionner même si une session a été modifiée » à oui)"), french
    assert not any("--" in line for line in french + english), (french, english)


def test_the_windows_fields_name_no_cli_flag_and_their_choices_read_in_words() -> None:
    """Every yes/no field is offered in words, and the window's labels name no flag."""
    for tool in TOOLS.values():
        for item in tool.fields:
            assert "--" not in item.label, (tool.id, item.id)
            if item.choices is not None:
                assert [words for words, _ in item.choices("fr")] != [value for _, value in item.choices("fr")]


# -- 6, 7, 9. a default or a tool that breaks, a window closed before its tool ends -----------------------------


def test_a_default_that_cannot_be_read_leaves_its_field_empty(tmp_path: Path) -> None:
    _, session = demo_sessions(tmp_path)
    (tmp_path / "ailleurs.tbsession").symlink_to(tmp_path / "disparue.tbsession")  # a session that vanished
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(session)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "D")
            seen["reference"] = field(screen, "reference").value  # type: ignore[assignment]

    asyncio.run(scenario())
    assert seen["reference"] == ""


def broken(_values: object, _ctx: object) -> ToolResult:
    raise KeyError("x")


def test_a_defect_of_a_tool_is_said_as_the_benchs_in_both_languages(tmp_path: Path, monkeypatch) -> None:
    _, session = demo_sessions(tmp_path)
    monkeypatch.setitem(TOOLS, "diff", dataclasses.replace(TOOLS["diff"], run=broken))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # the defect's details written there
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(session)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "D")
            seen["fr"] = await run_tool(app, pilot, screen)
            seen["en"] = await switch_language(pilot, screen)

    asyncio.run(scenario())
    # the bench's sentence and where its details were written (tui.fault), never « KeyError: 'x' »
    said, outcome = seen["fr"].split("\n")
    assert said.startswith("défaut du banc : erreur interne de testbench ; le détail, pour la signaler, est dans ")
    assert outcome == "? banc ou environnement indisponible (code 2)"
    assert "KeyError: 'x'" in Path(said.rsplit(" ", 1)[1]).read_text(encoding="utf-8")
    assert seen["en"].startswith("bench fault: testbench internal error; the details, to report it, are in ")
    assert "KeyError" not in seen["fr"] + seen["en"]


def test_a_window_closed_while_its_tool_runs_says_the_outcome_in_a_notification(tmp_path: Path, monkeypatch) -> None:
    _, b = demo_sessions(tmp_path)
    html = tmp_path / "diff.html"
    closed = threading.Event()
    diff = TOOLS["diff"].run

    def slow(values: tools.Values, ctx: ToolContext) -> ToolResult:
        closed.wait(30)  # the window is closed before the tool ends
        return diff(values, ctx)

    monkeypatch.setitem(TOOLS, "diff", dataclasses.replace(TOOLS["diff"], run=slow))
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = app_on(b)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "D")
            field(screen, "html").value = str(html)
            field(screen, "reference").focus()
            await pilot.press("enter")
            await pilot.pause()
            seen["waiting"] = shown(screen)
            await pilot.press("escape")
            await pilot.pause()
            closed.set()
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)
            await pilot.pause()
            seen["notes"] = [note.message for note in app._notifications]

    asyncio.run(scenario())
    assert seen["waiting"] == "… comparaison des sessions"
    title = "Comparer la session ouverte (B) à une session de référence (A)"
    assert f"{title} : ✔ terminé (code 0)\nécrit : {html}" in seen["notes"]  # type: ignore[operator]
    assert html.exists()


# -- 8. a manual step's hint and the expectations read amounts as money ----------------------------------------


def test_hints_and_expectations_read_an_amount_and_its_tolerance_as_money(tmp_path: Path) -> None:
    casebook = sample_casebook(tmp_path)
    case = casebook.case("TC-MAN-003")
    expectation = dataclasses.replace(value("e-man", "manual.amo", "33.60", step="m-screen"), tolerance=Decimal("0.01"))
    case = dataclasses.replace(case, expectations=(expectation,))
    step = case.steps[1]
    assert Workstation.observe_hints(case, step) == [
        ("manual.amo", "Montant AMO à l'écran", "33,60\u00a0€ / 33,60\u00a0€ (± 0,01\u00a0€)")
    ]
    assert Workstation.observe_hints(case, step, "en")[0][2] == "€33.60 / €33.60 (± €0.01)"

    other = make_case("TC-TOL-009", case.steps, (dataclasses.replace(expectation, id="e-tol"),))
    ws = Workstation([dataclasses.replace(casebook, cases=(other,))], tmp_path / "s.tbsession")
    ws.prepare()
    try:
        entry = ws.find("TC-TOL-009")
        french = Renderer(ws, translator("fr"), "fr").case(entry).plain
        english = Renderer(ws, translator("en"), "en").case(entry).plain
    finally:
        ws.close()
    assert "e-tol manual.amo = 33,60\u00a0€ ± 0,01\u00a0€\n" in french and "(decimal)" not in french
    assert "e-tol manual.amo = €33.60 ± €0.01\n" in english
    assert "↳ Montant AMO à l'écran (manual.amo) : 33,60\u00a0€ / 33,60\u00a0€ (± 0,01\u00a0€)" in french
