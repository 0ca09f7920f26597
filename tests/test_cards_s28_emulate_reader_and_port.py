"""Audit s28: ``cards emulate``/``replay`` with ``--port 0`` put the card on reader 0's port (35963) without a
word (0 read as « no port »), and ``--reader -1`` was taken as port 35962 and blamed on pcscd (exit 2). Both are
usage errors now (exit 3), said in the command's language, and no card reaches pcscd."""

from __future__ import annotations

import subprocess
import sys

import pytest

from testbench.paths import CARD_PROFILES_DIR as P


@pytest.mark.parametrize(
    ("option", "fr", "en"),
    [
        (["--port", "0"], "« 0 » n'est pas un port vpcd", "“0” is not a vpcd port"),
        (["--reader", "-1"], "« -1 » n'est pas un numéro de lecteur virtuel", "“-1” is not a virtual reader number"),
    ],
)
@pytest.mark.parametrize("command", ["emulate", "replay"])
def test_a_port_or_reader_number_that_names_no_vpcd_reader_is_refused(
    vpcd_lock: list[str], command: str, option: list[str], fr: str, en: str
) -> None:
    from testbench.cards.pcsc import Context, card_present

    source = str(P / "cps4-nurse.xml") if command == "emulate" else "missing.jsonl"
    for lang, said in (("fr", fr), ("en", en)):
        proc = subprocess.run(
            [sys.executable, "-m", "testbench", "cards", command, "--lang", lang, source, *option, "--duration", "1"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 3, proc.stderr
        assert said in proc.stderr and "Traceback" not in proc.stderr
    with Context() as ctx:
        state = ctx.status(["Virtual PCD 00 00"])["Virtual PCD 00 00"][0]
    assert not card_present(state)  # nothing was inserted in reader 0
