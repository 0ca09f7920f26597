"""A deliberately broken engine: speaks JSON-RPC on stdio but violates the protocol in named ways.

Standalone (standard library only) so it behaves like a foreign engine. Each violation is one the
conformance kit must name:
- describe: result without ``capabilities``;
- create_invoice: amounts as JSON numbers, cents that change on every call (not deterministic; a
  counter, not chance, so two calls never agree), totals not the sum of the lines; refusals without a
  stable code;
- secure_invoice: status "ok"; build_lot: hangs; read_returns: writes a non-JSON line;
- adri_query: the process exits; read_vitale/read_cps: untyped internal error;
- an unknown method gets a result; an unreadable line gets no answer; trace notifications lack
  their channel; shutdown does not stop the process.
"""

import itertools
import json
import random
import sys
import time

out = sys.stdout


def send(msg):
    out.write(json.dumps(msg) + "\n")
    out.flush()


def reply(msg_id, result):
    send({"jsonrpc": "2.0", "id": msg_id, "result": result})


CALLS = itertools.count(1)

INFO = {"name": "broken", "version": "0", "capabilities": []}

for raw in sys.stdin:
    try:
        msg = json.loads(raw)
    except ValueError:
        continue  # violation: no -32700 answer
    method, msg_id, params = msg.get("method"), msg.get("id"), msg.get("params") or {}
    send({"jsonrpc": "2.0", "method": "trace", "params": {"line": f"broken {method}"}})  # no channel
    if method == "initialize":
        reply(msg_id, {"protocol_version": "1", "engine": INFO})
    elif method == "describe":
        reply(msg_id, {"name": "broken", "version": "0"})
    elif method == "create_invoice":
        lines = params.get("lines") if isinstance(params, dict) else None
        if not lines or lines[0].get("quantity") == "0" or lines[0].get("code") == "0000000":
            send({"jsonrpc": "2.0", "id": msg_id, "error": {"code": -32000, "message": "refus"}})
            continue
        amo = 33.6 + next(CALLS) % 100 / 100
        line = {
            "code": "1241763",
            "base": 56.0,
            "rate": "60",
            "amo": amo,
            "amc": 0,
            "patient": 22.4,
            "depassement": 0,
            "exo": "0",
        }
        reply(
            msg_id,
            {
                "invoice_id": f"I{random.randint(0, 10**9)}",
                "number": "1",
                "lines": [line],
                "totals": {"billed": 56, "base": 50, "amo": amo, "amc": 0, "patient": 22.4, "depassement": 0},
                "withholdings": {"participation_forfaitaire": 0, "franchise": 0},
                "tiers_payant": {},
                "fse": "<fse><pas-ferme>",
            },
        )
    elif method == "secure_invoice":
        reply(msg_id, {"status": "ok"})
    elif method == "build_lot":
        time.sleep(3600)
    elif method == "read_returns":
        out.write("RETOUR NOEMIE EN CLAIR\n")
        out.flush()
    elif method == "adri_query":
        sys.exit(3)
    elif method in ("read_vitale", "read_cps"):
        send({"jsonrpc": "2.0", "id": msg_id, "error": {"code": 1, "message": "boom"}})
    elif method == "shutdown":
        reply(msg_id, {})  # but keeps running
    else:
        reply(msg_id, {})
