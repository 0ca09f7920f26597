"""``cards watch`` stopped by SIGTERM (a CI's timeout, a terminal's kill) ends as on ^C, exit 0, as every command a
person stops does (audit s23-cards): it ended silently with 143. A served card (``emulate``, ``replay``) keeps
SIGTERM as its owner's."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

import pytest

from testbench.cli.main import _terminated_as_interrupted


@pytest.mark.parametrize(
    ("command", "stops"), [("watch", True), ("probe", True), ("emulate", False), ("replay", False)]
)
def test_which_cards_commands_take_sigterm_as_ctrl_c(command: str, stops: bool) -> None:
    args = argparse.Namespace(command="cards", cards_command=command)
    assert _terminated_as_interrupted(args) is stops


@pytest.mark.integration
@pytest.mark.skipif(os.name != "posix", reason="SIGTERM to a child")
def test_watch_ends_with_0_on_sigterm(pcsc_stack: list[str]) -> None:
    watch = subprocess.Popen(
        [sys.executable, "-m", "testbench", "cards", "watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(2.0)
    watch.send_signal(signal.SIGTERM)
    out, err = watch.communicate(timeout=30)
    assert watch.returncode == 0, (out, err)
    assert "Traceback" not in err
