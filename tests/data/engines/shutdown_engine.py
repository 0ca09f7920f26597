"""The reference engine behind the real protocol server, ending its own way once it has answered ``shutdown``.

--after-shutdown exit5    exit with code 5 (its own choice: no forced stop)
--after-shutdown stay     keep running (the bench kills it after its grace period)
--after-shutdown sigsegv  die of SIGSEGV (POSIX: a signal that is not the bench's)
"""

import argparse
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from testbench.engines.protocol.server import Server

parser = argparse.ArgumentParser()
parser.add_argument("--after-shutdown", choices=("exit5", "stay", "sigsegv"), required=True)
args = parser.parse_args()


class ShutdownServer(Server):
    def handle(self, msg):
        keep_going = super().handle(msg)  # the answer is written and flushed
        if msg.get("method") == "shutdown":
            if args.after_shutdown == "exit5":
                os._exit(5)
            if args.after_shutdown == "stay":
                time.sleep(60)
            os.kill(os.getpid(), signal.SIGSEGV)
        return keep_going


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(ShutdownServer(sys.stdin.buffer, stdout).serve())
