"""The reference engine behind the real protocol server, whose invoice carries a hostile FSE.

``hostile_fse_reference.py FILE``: ``create_invoice`` answers with the FSE replaced by FILE's text (an XXE, a
billion laughs, a network DTD): the conformance check must read it without expanding or fetching anything.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from testbench.engines.protocol.server import Server

FSE = Path(sys.argv[1]).read_text(encoding="utf-8")


class HostileServer(Server):
    def dispatch(self, method, params):
        value = super().dispatch(method, params)
        if method == "create_invoice" and isinstance(value, dict):
            value = dict(value, fse=FSE)
        return value


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(HostileServer(sys.stdin.buffer, stdout).serve())
