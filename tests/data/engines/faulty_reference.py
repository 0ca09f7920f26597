"""The reference engine behind the real protocol server, with one fault chosen on the command line.

--exit-after METHOD   answer METHOD, then exit (the engine dies between two calls of a case)
--die-once MARKER     the first process (MARKER absent) creates MARKER and is killed while it starts
--corrupt METHOD      answer METHOD with ``beneficiaries: "x"`` added (a result its schema refuses)
--reshape METHOD      answer METHOD with the JSON object of --shape instead (a result of the wrong shape)
--babble METHOD       write a coloured debug line (escape sequences) on stdout before answering METHOD
--crash-once METHOD --marker MARKER   the first process to be asked METHOD (MARKER absent) creates MARKER
                      and exits without answering (one case's engine crashes, the next case's does not)
"""

import argparse
import json
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from testbench.engines.protocol.server import Server

parser = argparse.ArgumentParser()
parser.add_argument("--exit-after")
parser.add_argument("--die-once", type=Path)
parser.add_argument("--corrupt")
parser.add_argument("--reshape")
parser.add_argument("--shape", type=json.loads, default={})
parser.add_argument("--babble")
parser.add_argument("--crash-once")
parser.add_argument("--marker", type=Path)
args = parser.parse_args()


class FaultyServer(Server):
    def dispatch(self, method, params):
        if method == args.crash_once and not args.marker.exists():
            args.marker.write_text("crashed")
            os._exit(3)
        if method == "initialize" and args.die_once is not None and not args.die_once.exists():
            args.die_once.write_text("killed while starting")
            os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
        value = super().dispatch(method, params)
        if method == args.corrupt:
            value = dict(value, beneficiaries="x")
        if method == args.reshape:
            value = args.shape
        return value

    def handle(self, msg):
        if msg.get("method") == args.babble:
            self.stdout.write(b"\x1b[31mDEBUG: calcul\x1b[0m\n")
        keep_going = super().handle(msg)
        if msg.get("method") == args.exit_after:
            os._exit(0)
        return keep_going


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(FaultyServer(sys.stdin.buffer, stdout).serve())
