"""The reference engine behind the real protocol server, its FSE replaced by one of another format shaped to a limit
of the bench's XML parser (docs/engine-protocol.md, « The FSE parser's limits »).

``FSE_SHAPE`` is ``depth:N`` (elements nested N levels deep, the root counted), ``name:N`` (an element's name of N
bytes) or ``text:N`` (N bytes of text in one piece).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from testbench.engines.protocol.server import Server

SHAPE, SIZE = os.environ["FSE_SHAPE"].split(":")
COUNT = int(SIZE)
ROOT = '<FSE xmlns="urn:editeur:fse">'


def fse():
    if SHAPE == "depth":
        return ROOT + "<n>" * (COUNT - 1) + "</n>" * (COUNT - 1) + "</FSE>"
    if SHAPE == "name":
        return ROOT + "<" + "a" * COUNT + "/></FSE>"
    return ROOT + "x" * COUNT + "</FSE>"


class Shaping(Server):
    def dispatch(self, method, params):
        value = super().dispatch(method, params)
        if isinstance(value, dict) and isinstance(value.get("fse"), str):
            value = dict(value, fse=fse())
        return value


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(Shaping(sys.stdin.buffer, stdout).serve())
