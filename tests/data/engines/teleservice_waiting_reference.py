"""The reference engine behind the real protocol server, waiting as long as a téléservice holds its answer.

--marker FILE   once a téléservice request has been sent (its answer awaited), create FILE: the simulator
                holds that answer now (fault ``timeout``). The engine's own service timeout is raised to
                60 s, so that only a stop of the run ends the wait.
"""

import argparse
import http.client
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from testbench.engines.protocol.server import Server

parser = argparse.ArgumentParser()
parser.add_argument("--marker", type=Path, required=True)
args = parser.parse_args()
_getresponse = http.client.HTTPConnection.getresponse


def getresponse(self):  # the request is out: the answer is what the engine waits for
    args.marker.write_text("waiting")
    return _getresponse(self)


http.client.HTTPConnection.getresponse = getresponse


class WaitingServer(Server):
    def dispatch(self, method, params):
        if isinstance(params, dict) and "service_url" in params:
            params = {**params, "service_timeout": 60}
        return super().dispatch(method, params)


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(WaitingServer(sys.stdin.buffer, stdout).serve())
