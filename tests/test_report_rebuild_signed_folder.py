"""Rebuilding a signed book (with its PDF) into its own folder without ``--sign``/``--pdf`` says that the previous
signature and PDF are not kept (review audit F5): the command used to drop them without a word, and ``verify``
then said NON SIGNÉ."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.integrity.manifest import SIGNATURE
from testbench.signing import init_key


def test_a_rebuild_without_sign_says_the_signature_and_the_pdf_are_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session, key, folder = campaign(tmp_path, hostile=False), tmp_path / "k.pem", tmp_path / "rep"
    init_key(key)
    assert main(["report", str(session), "-o", str(folder), "--key", str(key)]) == 0
    (folder / "report.pdf").write_bytes(b"%PDF-1.4\n")  # a previous book's PDF (no Chromium needed here)
    capsys.readouterr()
    assert main(["report", str(session), "-o", str(folder)]) == 0
    err = capsys.readouterr().err
    assert (
        f"la signature du rapport précédent ({SIGNATURE}) n'est pas conservée : ce rapport n'est pas signé ;"
        " --sign le signe"
    ) in err, err
    assert "le report.pdf du rapport précédent n'est pas conservé ; --pdf l'imprime" in err, err
    assert not (folder / SIGNATURE).exists() and not (folder / "report.pdf").exists()
    assert main(["--lang", "en", "report", str(session), "-o", str(folder), "--key", str(key)]) == 0
    assert main(["--lang", "en", "report", str(session), "-o", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "the previous report's signature (manifest.sig.json) is not kept" in err, err
    assert main(["report", str(session), "-o", str(folder)]) == 0  # nothing to lose: nothing said
    assert "conservé" not in capsys.readouterr().err
