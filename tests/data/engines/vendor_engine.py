"""A vendor's engine as the bench meets it: the reference engine behind the protocol server, under another name.

--name NAME --version V   what initialize and describe say the engine is (default AcmeFacture 1.0)
--fault KIND              create_invoice goes wrong: crash (exit 139), schema (totals.amo as a JSON number)
--init KIND               initialize goes wrong: garbage (a line that is not JSON-RPC), error (-32603 answer)
--cards-log PATH          append the cards object initialize received, one JSON line, to PATH
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from testbench.engines.protocol.server import Server

parser = argparse.ArgumentParser()
parser.add_argument("--name", default="AcmeFacture")
parser.add_argument("--version", default="1.0")
parser.add_argument("--fault", choices=("crash", "schema"))
parser.add_argument("--init", choices=("garbage", "error"))
parser.add_argument("--cards-log")
args = parser.parse_args()


class VendorServer(Server):
    def dispatch(self, method, params):
        if method == "initialize":
            if args.cards_log:
                with open(args.cards_log, "a", encoding="utf-8") as log:
                    log.write(json.dumps(params.get("cards")) + "\n")
            if args.init == "garbage":
                self.stdout.write(b"ACME engine starting...\n")
                self.stdout.flush()
            if args.init == "error":
                raise RuntimeError("licence introuvable")
        if method == "create_invoice" and args.fault == "crash":
            os._exit(139)
        value = super().dispatch(method, params)
        if method == "create_invoice" and args.fault == "schema":
            value["totals"]["amo"] = float(value["totals"]["amo"])
        if method == "initialize":
            value["engine"].update(name=args.name, version=args.version)
        if method == "describe":
            value.update(name=args.name, version=args.version)
        return value


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(VendorServer(sys.stdin.buffer, stdout).serve())
