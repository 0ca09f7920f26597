"""A minimal engine that fails on demand: any method but initialize/shutdown, params {"fault": KIND}.

KIND: exit (exit code 3), sigkill (killed by the OS), hang (never answers), garbage (a non-JSON
line), huge (a 50 MB line), deaf (answers, then stops reading stdin), deep (a result nested 100,000
levels deep), exit-after (answers, then exits).
Without a fault it answers {"ok": true, "pid": ...}. With ``--hang-start-if PATH`` it never answers
initialize while PATH exists (a restart that hangs); with ``--hang-in METHOD`` it never answers METHOD;
with ``--pid-file PATH`` it writes its pid there first. The tests call a method without a published
schema ("ping"), so that the answer is not checked against one. Standard library only, so it starts fast.
"""

import json
import os
import signal
import sys
import time

out = sys.stdout.buffer


def option(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


hang_start_if, hang_in, pid_file = option("--hang-start-if"), option("--hang-in"), option("--pid-file")
if pid_file is not None:
    with open(pid_file, "w") as f:
        f.write(str(os.getpid()))


def reply(msg_id, result):
    out.write(json.dumps({"jsonrpc": "2.0", "id": msg_id, "result": result}).encode() + b"\n")
    out.flush()


for raw in sys.stdin.buffer:
    msg = json.loads(raw)
    method, msg_id, params = msg.get("method"), msg.get("id"), msg.get("params") or {}
    if method == "initialize":
        if hang_start_if is not None and os.path.exists(hang_start_if):
            time.sleep(3600)
        reply(msg_id, {"protocol_version": "1", "engine": {"name": "fault", "version": "0", "capabilities": []}})
        continue
    if method == "shutdown":
        reply(msg_id, {})
        break
    fault = "hang" if method == hang_in else params.get("fault") if isinstance(params, dict) else None
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
    elif fault == "exit-after":
        reply(msg_id, {"ok": True, "pid": os.getpid()})
        os._exit(0)
    elif fault == "deep":
        out.write(b'{"jsonrpc":"2.0","id":' + str(msg_id).encode() + b',"result":' + b"[" * 100_000)
        out.write(b"]" * 100_000 + b"}\n")
        out.flush()
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
