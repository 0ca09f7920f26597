"""A stand-in for the application under test: on ``STEP name`` it writes log lines (rotating the log
file in the middle of step ``s-invoice``) and sends syslog lines over UDP and TCP, then says ``done``."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

log = Path(sys.argv[1])
udp_port, tcp_port = int(sys.argv[2]), int(sys.argv[3])
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for command in sys.stdin:
    name = command.split()[1]
    for i in range(40):
        if name == "s-invoice" and i == 20:
            log.rename(log.with_name(log.name + ".1"))  # rotation by rename in the middle of a step
        with log.open("a", encoding="cp1252") as f:
            f.write(f"2026-11-25 10:00:00,000 INFO {name} app ligne {i:02d} é\n")
    for i in range(5):
        udp.sendto(f"<14>Nov 25 10:00:00 appli {name} udp {i}".encode(), ("127.0.0.1", udp_port))
    with socket.create_connection(("127.0.0.1", tcp_port)) as tcp:
        tcp.sendall("".join(f"<14>Nov 25 10:00:00 appli {name} tcp {i}\n" for i in range(5)).encode())
    print("done", flush=True)
