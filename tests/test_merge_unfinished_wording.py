"""A shard stopped by ^C (or a CI's cancel) has no end either: merge's refusal says « interrompue ou tuée » and
offers --resume first, not a kill alone (audit s26 verify R4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_merge_unfinished_shard import never_ends, shards

from testbench.cli.main import main


def test_the_refusal_covers_an_interrupted_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = shards(tmp_path)
    never_ends(inputs[1])
    capsys.readouterr()
    output = tmp_path / "campaign.tbsession"
    assert main(["merge", *map(str, inputs), "-o", str(output)]) == 3
    err = capsys.readouterr().err
    said = "sa dernière exécution n'a pas de fin (interrompue ou tuée, ou session copiée sans son fichier -wal)"
    assert f"{inputs[1]} : {said}" in err, err
    assert "peuvent manquer ; reprenez-la (run --resume), fusionnez-la avec son fichier -wal, ou" in err, err
    assert "processus tué" not in err
    assert main(["merge", *map(str, inputs), "-o", str(output), "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert "(interrupted or killed, or session copied without its -wal file)" in err, err
    assert "resume it (run --resume), merge it with its -wal file, or --allow-unfinished" in err, err
