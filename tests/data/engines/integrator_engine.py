"""The reference engine behind the real protocol server, with the faults an integrator's engine showed.

--dup METHOD          answer METHOD twice (both lines in one write: they reach the bench together)
--say-after METHOD    answer METHOD, then print « secured OK » on stdout (same write)
--late                the stray line of --dup or --say-after 50 ms after the answer, in a write of its own
--once MARKER         --dup and --say-after only in the first process that is asked METHOD (MARKER absent)
--bom                 write a UTF-8 byte-order mark before the first line, as a .NET shim does
--no-cards            answer read_vitale and read_cps with the card error CardUnavailable
--bad-refusal CODE    the refusal CODE comes with a numeric data.code (a malformed refusal)
--crash-on-list       exit when create_invoice's params are a list
--badsum              line 1's patient part one cent too high (totals kept as the sum of the lines)
--nondet              each create_invoice adds one more cent to totals.amo
--numbers             totals.amo as a JSON number
--amounts BASE        E1's amounts as a wrong tariff gives them (lines and totals scaled, still consistent)
"""

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from testbench.cards.api import CardUnavailable
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol.server import Server

parser = argparse.ArgumentParser()
parser.add_argument("--dup")
parser.add_argument("--say-after")
parser.add_argument("--once", type=Path)
parser.add_argument("--late", action="store_true")
parser.add_argument("--bom", action="store_true")
parser.add_argument("--no-cards", action="store_true")
parser.add_argument("--bad-refusal")
parser.add_argument("--crash-on-list", action="store_true")
parser.add_argument("--badsum", action="store_true")
parser.add_argument("--nondet", action="store_true")
parser.add_argument("--numbers", action="store_true")
parser.add_argument("--amounts", type=Decimal)
args = parser.parse_args()


def cents(text: str, delta: int) -> str:
    return str(Decimal(text) + Decimal(delta) / 100)


class IntegratorServer(Server):
    invoices = 0

    stray_after = None  # the request whose answer is followed by stray output

    def send(self, message):
        if "method" not in message and message.get("id") == self.stray_after is not None:
            self.stray_after = None
            data = J.encode(message)  # one write: the stray line is there as soon as the answer is
            stray = data if self.dup else b"secured OK\n"
            if args.late:  # as an engine that prints once it has answered: the bench is reading by then
                self.stdout.write(data)
                self.stdout.flush()
                time.sleep(0.05)
                data = b""
            self.stdout.write(data + stray)
            self.stdout.flush()
            return
        if args.bad_refusal and (message.get("error") or {}).get("data", {}).get("code") == args.bad_refusal:
            message["error"]["data"]["code"] = 42
        if args.bom and not getattr(self, "_bom_done", False):
            self._bom_done = True
            self.stdout.write("\ufeff".encode())
        super().send(message)

    def dispatch(self, method, params):
        if method == "create_invoice" and args.crash_on_list and isinstance(params, list):
            os._exit(3)
        if method in ("read_vitale", "read_cps") and args.no_cards:
            raise CardUnavailable("pas de lecteur")
        value = super().dispatch(method, params)
        if method == "create_invoice" and isinstance(value, dict):
            value = self._altered(value)
        return value

    def _altered(self, value):
        IntegratorServer.invoices += 1
        if args.badsum:
            value["lines"][0]["patient"] = cents(value["lines"][0]["patient"], 1)
            value["totals"]["patient"] = cents(value["totals"]["patient"], 1)
        if args.nondet:
            value["totals"]["amo"] = cents(value["totals"]["amo"], IntegratorServer.invoices)
        if args.numbers:
            value["totals"]["amo"] = float(value["totals"]["amo"])
        if args.amounts is not None:
            ratio = args.amounts / Decimal(value["totals"]["base"])
            for part in [*value["lines"], value["totals"]]:
                for key in ("billed", "base", "amo", "amc", "patient", "depassement"):
                    if isinstance(part.get(key), str):
                        part[key] = str((Decimal(part[key]) * ratio).quantize(Decimal("0.01")))
        return value

    def handle(self, msg):
        method = msg.get("method")
        if method in (args.dup, args.say_after) and not (args.once and args.once.exists()):
            if args.once:
                args.once.write_text("stray output written")
            self.stray_after, self.dup = msg.get("id"), method == args.dup
        return super().handle(msg)


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(IntegratorServer(sys.stdin.buffer, stdout).serve())
