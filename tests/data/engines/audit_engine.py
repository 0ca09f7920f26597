"""A tiny engine for the engine audit's tests: ``audit_engine.py MODE [MARKER]``.

It answers ``initialize`` and ``shutdown``; every other request gets the behaviour MODE names (see below):
a crash with stderr, a signal, an oversized line, a JSON-RPC error, bad trace notifications, « no card ».
"""

import json
import os
import signal
import sys

MODE = sys.argv[1] if len(sys.argv) > 1 else ""
MARK = sys.argv[2] if len(sys.argv) > 2 else ""


def send(obj, raw=None):
    sys.stdout.buffer.write(raw if raw is not None else json.dumps(obj).encode() + b"\n")
    sys.stdout.buffer.flush()


for line in sys.stdin.buffer:
    msg = json.loads(line)
    mid, method, params = msg.get("id"), msg.get("method"), msg.get("params")
    if method == "initialize":
        if MODE == "init-crash" or (MODE == "init-crash-once" and not os.path.exists(MARK)):
            if MARK:
                open(MARK, "w").close()
            sys.exit(3)
        if MODE == "init-hang":
            continue
        send(
            {
                "jsonrpc": "2.0",
                "id": mid,
                "result": {"protocol_version": "1", "engine": {"name": "tiny", "version": "1", "capabilities": []}},
            }
        )
    elif method == "shutdown":
        send({"jsonrpc": "2.0", "id": mid, "result": {}})
        break
    elif MODE == "stderr-crash":
        sys.stderr.write("ligne une\nderniere ligne\n")
        sys.stderr.flush()
        os._exit(2)
    elif MODE == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif MODE == "oversize-whole":
        send(None, b'{"pad": "' + b"A" * 3000 + b'"}\n')
    elif MODE == "oversize-open":
        send(None, b'{"pad": "' + b"A" * 300000)
    elif MODE == "missing":
        send({"jsonrpc": "2.0", "id": mid, "error": {"code": -32601, "message": "Method not found"}})
    elif MODE == "bad-trace":
        for _ in range(3):
            send({"jsonrpc": "2.0", "method": "trace", "params": {"channel": 3, "line": None}})
        send({"jsonrpc": "2.0", "method": "trace", "params": {"channel": "engine", "line": "bonne ligne"}})
        send({"jsonrpc": "2.0", "id": mid, "result": {}})
    elif MODE in ("no-card", "card-unavailable", "no-card-unasked", "card-unavailable-unasked"):
        if not MODE.endswith("unasked"):
            send({"jsonrpc": "2.0", "id": "s1", "method": "card.atr", "params": {"slot": params["slot"]}})
            answer = json.loads(sys.stdin.buffer.readline())
        if MODE.startswith("no-card"):
            send(
                {
                    "jsonrpc": "2.0",
                    "id": mid,
                    "error": {
                        "code": -32000,
                        "message": "pas de carte",
                        "data": {"type": "refusal", "code": "NO_CARD", "message": "pas de carte"},
                    },
                }
            )
        else:
            send(
                {
                    "jsonrpc": "2.0",
                    "id": mid,
                    "error": {
                        "code": -32001,
                        "message": "lecteur muet",
                        "data": {"type": "card", "kind": "CardUnavailable"},
                    },
                }
            )
    else:
        send({"jsonrpc": "2.0", "id": mid, "result": {}})
