"""An application restarted between two steps that opens its log anew (truncating it: « append = false ») writes
its banner again, then its start-up lines: when all that is written before the bench's next poll, past where the
bench had read, the banner (the same first bytes) used to hide the rewrite — the bench read on from its old offset,
lost the first new lines and stored a piece of one. The bytes just before that offset tell the rewrite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from testbench.traces.clock import RawLine
from testbench.traces.tail import FileTailer

BANNER = "==== GestPSAD 7.3.1 — démarrage du service de facturation (poste ACCUEIL-01) ====\r\n"
#: the ERP, restarted: it opens its log for writing (truncated) and writes its banner and ten lines at once
RESTART = r"""
import sys
banner, path = sys.argv[1], sys.argv[2]
with open(path, "wb") as log:
    log.write((banner + "".join(f"Ligne {i} après redémarrage\r\n" for i in range(10))).encode("cp1252"))
"""


@pytest.mark.parametrize("use_inode", [True, False])
def test_a_log_rewritten_from_its_start_past_the_offset_is_read_again_whole(tmp_path: Path, use_inode: bool) -> None:
    log = tmp_path / "gestpsad.log"
    log.write_bytes(b"")
    got: list[RawLine] = []
    tailer = FileTailer([log], got.extend, encoding="cp1252", use_inode=use_inode)
    tailer.poll_now()
    log.write_bytes((BANNER + "Facture 1 créée\r\n").encode("cp1252"))
    tailer.poll_now()
    subprocess.run([sys.executable, "-c", RESTART, BANNER, str(log)], check=True, timeout=30)
    tailer.poll_now()
    tailer.close()
    banner = BANNER.rstrip("\r\n")
    assert [line.text for line in got] == [banner, "Facture 1 créée", banner] + [
        f"Ligne {i} après redémarrage" for i in range(10)
    ]
    assert tailer.truncations == 1


def test_a_log_that_only_grew_is_not_read_again(tmp_path: Path) -> None:
    log = tmp_path / "gestpsad.log"
    log.write_bytes(b"")
    got: list[RawLine] = []
    tailer = FileTailer([log], got.extend, encoding="cp1252")
    tailer.poll_now()
    for i in range(50):  # lines of every length, some shorter than what is kept to tell a rewrite
        with log.open("ab") as handle:
            handle.write(("x" * i + f" {i}\r\n").encode("cp1252"))
        tailer.poll_now()
    tailer.close()
    assert [line.text for line in got] == ["x" * i + f" {i}" for i in range(50)]
    assert tailer.truncations == 0
