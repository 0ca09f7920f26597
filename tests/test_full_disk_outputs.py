"""Audit s22-robust: on a full disk, ``import`` left the card profiles it had copied (one of 0 bytes, which then
blocked the same import once space was freed), ``keys init`` a 0-byte private key (which blocked ``keys init`` and
``--sign``), and ``export``, ``import`` and ``keys init`` exited 3 where ``run``, ``report`` and ``merge`` exit 2
(README § Exit codes: the environment failing the output). Now nothing is left and each exits 2; a path refused
for another reason still exits 3."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE

EXAMPLES = Path(__file__).resolve().parent.parent / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
XLSX = EXAMPLES / "cahier-exemple.xlsx"


def _full_disk(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_import_on_a_full_disk_leaves_no_card_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from testbench.tools.importer import import_tool

    real_copy, copies = shutil.copyfile, []

    def copy_then_fill(source: str, target: str) -> str:
        if len(copies) == 2:  # the third profile: cut short, as the disk fills
            Path(target).write_bytes(b"")
            _full_disk()
        copies.append(target)
        return real_copy(source, target)

    monkeypatch.setattr("testbench.office.importer.shutil.copyfile", copy_then_fill)
    result = import_tool(XLSX, MAPPING, tmp_path / "c.xml")
    assert result.code == EXIT_ENVIRONMENT
    assert list(tmp_path.iterdir()) == []  # no profile, no empty cards/ folder, no casebook
    monkeypatch.undo()
    assert import_tool(XLSX, MAPPING, tmp_path / "c.xml").code == 0  # the same import, once space is freed


def test_import_casebook_unwritten_on_a_full_disk_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from testbench.tools.importer import import_tool

    monkeypatch.setattr("testbench.office.importer.write_whole", _full_disk)
    result = import_tool(XLSX, MAPPING, tmp_path / "c.xml")
    assert result.code == EXIT_ENVIRONMENT
    assert any("disque plein" in text for text, _error in result.texts("fr"))
    assert list(tmp_path.iterdir()) == []


def test_keys_init_on_a_full_disk_leaves_no_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from testbench import signing
    from testbench.tools.keys import keys_init_tool

    real_fdopen = os.fdopen

    def fdopen_full(fd: int, *args: Any, **kwargs: Any) -> Any:
        os.close(fd)  # the key file is created (0 bytes), its content never written
        _full_disk()

    key = tmp_path / "k" / "signing-key.pem"
    monkeypatch.setattr(signing.os, "fdopen", fdopen_full)
    result = keys_init_tool(key)
    monkeypatch.setattr(signing.os, "fdopen", real_fdopen)
    assert result.code == EXIT_ENVIRONMENT
    assert not key.exists() and not signing.public_path(key).exists()
    assert keys_init_tool(key).code == 0  # once space is freed: no « une clé existe déjà »


def test_keys_init_where_it_may_not_write_still_exits_3(tmp_path: Path) -> None:
    from testbench.tools.keys import keys_init_tool

    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert keys_init_tool(blocker / "signing-key.pem").code == EXIT_USAGE


def test_export_on_a_full_disk_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from testbench.tools.export import export_tool

    monkeypatch.setattr("testbench.office.export.export_results", _full_disk)
    result = export_tool(tmp_path / "s.tbsession", document=XLSX, mapping=MAPPING, target=tmp_path / "out.xlsx")
    assert result.code == EXIT_ENVIRONMENT
