"""A minimal engine that fails on demand: create_invoice params {"fault": KIND}.

KIND: exit (exit code 3), sigkill (killed by the OS), hang (never answers), garbage (a non-JSON
line), huge (a 50 MB line), deaf (answers, then stops reading stdin).
Without a fault it answers {"ok": true, "pid": ...}. Standard library
only, so it starts fast.
"""

import json
import os
import signal
import sys
import time

out = sys.stdout.buffer


def reply(msg_id, result):
    out.write(json.dumps({"jsonrpc": "2.0", "id": msg_id, "result": result}).encode() + b"\n")
    out.flush()


for raw in sys.stdin.buffer:
    msg = json.loads(raw)
    method, msg_id, params = msg.get("method"), msg.get("id"), msg.get("params") or {}
    if method == "initialize":
        reply(msg_id, {"protocol_version": "1", "engine": {"name": "fault", "version": "0", "capabilities": []}})
        continue
    if method == "shutdown":
        reply(msg_id, {})
        break
    fault = params.get("fault") if isinstance(params, dict) else None
    if fault == "exit":
        os._exit(3)
    elif fault == "sigkill":
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(9)
    elif fault == "hang":
        time.sleep(3600)
    elif fault == "deaf":  # answer, then never read stdin again
        reply(msg_id, {"ok": True, "pid": os.getpid()})
        time.sleep(3600)
    elif fault == "garbage":
        out.write(b"Traceback (most recent call last): not JSON\n")
        out.flush()
    elif fault == "huge":
        out.write(b'{"jsonrpc":"2.0","id":' + str(msg_id).encode() + b',"result":{"blob":"')
        chunk = b"x" * (1024 * 1024)
        try:
            for _ in range(50):  # 50 MB in 1 MiB writes: the reader sees the first 8 MiB at once
                out.write(chunk)
            out.write(b'"}}\n')
            out.flush()
        except BrokenPipeError:
            os._exit(0)  # the bench killed us or closed the pipe: expected
    else:
        reply(msg_id, {"ok": True, "pid": os.getpid()})
