"""``merge`` refuses an input whose last run never ended (audit s26 C1): a shard killed (``kill -9``) and uploaded
without its ``-wal`` lost committed cases, merged without a word as « non exécuté »; ``--allow-unfinished``
merges it anyway."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store.session import SessionStore

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "tag:e1"]


def shards(tmp_path: Path) -> list[Path]:
    paths = [tmp_path / f"shard-{k}.tbsession" for k in (1, 2)]
    for k, path in enumerate(paths, 1):
        assert main(["run", str(DEMO), "--session", str(path), "--shard", f"{k}/2", *BENCH]) in (0, 1)
    return paths


def never_ends(session: Path) -> None:
    """A run that starts and is killed before its end (its run row has no end)."""
    with SessionStore.open(session) as store:
        store.begin_run(["testbench", "run", "--resume"], {}, {})


def test_a_shard_whose_last_run_never_ended_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = shards(tmp_path)
    never_ends(inputs[1])
    capsys.readouterr()
    output = tmp_path / "campaign.tbsession"
    assert main(["merge", *map(str, inputs), "-o", str(output)]) == 3
    err = capsys.readouterr().err
    assert f"{inputs[1]} : sa dernière exécution n'a pas de fin (interrompue ou tuée" in err, err
    assert "--allow-unfinished pour fusionner quand même" in err, err
    assert str(inputs[0]) not in err and not output.exists()
    assert main(["merge", *map(str, inputs), "-o", str(output), "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert f"{inputs[1]}: its last run has no end" in err and "--allow-unfinished" in err, err
    assert main(["merge", *map(str, inputs), "-o", str(output), "--allow-unfinished"]) == 0
    assert output.exists()


def test_shards_whose_runs_ended_merge_as_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = shards(tmp_path)
    assert main(["merge", *map(str, inputs), "-o", str(tmp_path / "campaign.tbsession")]) == 0
    assert "n'a pas de fin" not in capsys.readouterr().err


def test_the_workstations_merge_names_its_field_and_is_forced_by_it(tmp_path: Path) -> None:
    """The workstation's « Fusionner » window has its own yes/no field for it, named in the refusal (it has no
    ``--allow-unfinished`` to type)."""
    from testbench.tui.tools import TOOLS, ToolContext

    inputs = shards(tmp_path)
    never_ends(inputs[1])
    output = tmp_path / "campaign.tbsession"
    values = {"sessions": " ".join(map(str, inputs)), "output": str(output)}
    values |= {"allow_tampered": "", "allow_missing_shards": "", "allow_mixed_versions": ""}
    ctx = ToolContext(tmp_path / "s.tbsession", (), None, None, "reference", None, "fr")
    refused = TOOLS["merge"].run({**values, "allow_unfinished": ""}, ctx)
    said = " ".join(text for text, _ in refused.texts("fr"))
    assert refused.code == 3 and not output.exists()
    field = "Fusionner même si une exécution n'a pas de fin (interrompue ou tuée, fichier -wal manquant)"
    assert f"« {field} » à oui" in said
    assert "--allow-unfinished" not in said
    english = " ".join(text for text, _ in refused.texts("en"))
    assert "“Merge even if a run has no end (interrupted or killed, -wal file missing)” set to yes" in english, english
    assert TOOLS["merge"].run({**values, "allow_unfinished": "oui"}, ctx).code == 0 and output.exists()
