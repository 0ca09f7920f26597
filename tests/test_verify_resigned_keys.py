"""A report re-signed with another key than the one it announces: ``verify`` names the files that announce a key
(report.json, the cover of index.html) and gives both fingerprints in full, the one announced and the one that
signed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.integrity import manifest
from testbench.report.build import BuildOptions, build_report
from testbench.signing import init_key, load_signer


def resigned(tmp_path: Path, *, edit_cover: bool = False) -> tuple[Path, str, str]:
    """A report signed by the editor, its report.json edited (a failure passed), its manifest rebuilt and
    signed with another key; ``edit_cover``: its cover edited to show the other key too."""
    editor, other = tmp_path / "editor.pem", tmp_path / "other.pem"
    editor_fp, other_fp = init_key(editor).fingerprint, init_key(other).fingerprint
    folder = build_report(
        campaign(tmp_path, hostile=False), tmp_path / "r", BuildOptions(signer=load_signer(editor))
    ).folder
    report = folder / "report.json"
    report.write_bytes(report.read_bytes().replace(b'"verdict":"fail"', b'"verdict":"pass"'))
    if edit_cover:
        page = folder / "index.html"
        page.write_bytes(page.read_bytes().replace(editor_fp.encode(), other_fp.encode()))
    journal = json.loads((folder / manifest.MANIFEST).read_bytes()).get("journal")
    manifest.write_manifest(folder, journal=journal)
    manifest.sign_manifest(folder, load_signer(other))
    return folder, editor_fp, other_fp


def test_the_resigning_names_the_files_and_both_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, editor_fp, other_fp = resigned(tmp_path)
    capsys.readouterr()
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert (
        "le rapport annonce une autre clé de signature que celle qui l'a signé : report.json et la couverture"
        f" d'index.html annoncent la clé {editor_fp}, manifest.sig.json est signé par la clé {other_fp}"
    ) in out.splitlines(), out
    assert main(["verify", str(folder), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert (
        "the report states another signing key than the one that signed it: report.json and index.html's cover"
        f" announce the key {editor_fp}, manifest.sig.json is signed by the key {other_fp}"
    ) in out.splitlines(), out


def test_a_cover_edited_too_is_said_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, editor_fp, other_fp = resigned(tmp_path, edit_cover=True)
    capsys.readouterr()
    assert main(["verify", str(folder)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        "le rapport annonce une autre clé de signature que celle qui l'a signé : report.json annonce la clé"
        f" {editor_fp}, manifest.sig.json est signé par la clé {other_fp}"
    ) in lines
    assert any(line.startswith(f"la couverture d'index.html annonce la clé {other_fp[:16]}…") for line in lines)
