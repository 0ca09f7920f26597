"""The reference engine behind the real protocol server, one document of its answers spoiled.

``DOC_SPOIL`` says which and how (``fse-cut``, ``fse-xsd``, ``fse-foreign``, ``b2-truncated``, ``b2-length``,
``b2-letter``, ``b2-crlf``; anything else: none): the bench must read each document as a caisse would
(docs/engine-protocol.md, « The documents an engine returns »).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from testbench.engines.protocol.server import Server

SPOIL = os.environ["DOC_SPOIL"]


def fse(text):
    if SPOIL == "fse-cut":  # the FSE stops before its end: unclosed elements
        return text[:-7]
    if SPOIL == "fse-xsd":  # well-formed, but an amount our XSD refuses
        return text.replace(' amo="', ' amo="33,6x', 1)
    if SPOIL == "fse-foreign":  # another format than ours: well-formed is all the bench can ask
        return '<?xml version="1.0"?>\n<FSE xmlns="urn:editeur:fse"><facture numero="1"/></FSE>'
    return text


def b2(text):
    records = text.split("\n")
    if SPOIL == "b2-truncated":  # the third record cut at 100 characters
        records[2] = records[2][:100]
    elif SPOIL == "b2-length":  # one record a character too long
        records[1] += " "
    elif SPOIL == "b2-letter":  # a letter in the lot's AMO total (record 190, columns 36-46)
        last = len(records) - 3
        records[last] = records[last][:40] + "A" + records[last][41:]
    elif SPOIL == "b2-crlf":  # Windows line ends: still one record per line
        return text.replace("\n", "\r\n")
    return "\n".join(records)


class Spoiling(Server):
    def dispatch(self, method, params):
        value = super().dispatch(method, params)
        if isinstance(value, dict) and isinstance(value.get("fse"), str):
            value = dict(value, fse=fse(value["fse"]))
        if isinstance(value, dict) and isinstance(value.get("b2"), str):
            value = dict(value, b2=b2(value["b2"]))
        return value


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(Spoiling(sys.stdin.buffer, stdout).serve())
