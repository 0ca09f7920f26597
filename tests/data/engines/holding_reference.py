"""The reference engine behind the real protocol server, which holds one call until it is stopped.

--hold METHOD --marker FILE   at the first call of METHOD, create FILE (the case is under way), then answer
                              nothing: the bench waits on this engine until something stops the run
"""

import argparse
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from testbench.engines.protocol.server import Server

parser = argparse.ArgumentParser()
parser.add_argument("--hold", required=True)
parser.add_argument("--marker", type=Path, required=True)
args = parser.parse_args()


class HoldingServer(Server):
    def dispatch(self, method, params):
        if method == args.hold:
            args.marker.write_text("holding")
            threading.Event().wait()  # until the bench stops this process
        return super().dispatch(method, params)


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(HoldingServer(sys.stdin.buffer, stdout).serve())
