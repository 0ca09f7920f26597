"""The simulators' server forced SO_REUSEADDR on its listening socket. On Windows that option lets a second
socket bind a port another server listens on: ``testbench services serve --port N`` on a taken port then
started, sharing it, instead of saying « port N déjà utilisé » (exit 2, docs/teleservices.md). The option is now
asyncio's own choice, which sets it on POSIX only; the test plays a system where asyncio does not set it."""

from __future__ import annotations

import asyncio.base_events
import io
import os
import socket
from types import SimpleNamespace

import pytest
from aiohttp import web

from testbench.services.serve import serve


def test_the_server_leaves_so_reuseaddr_to_asyncio(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    class Site(web.TCPSite):
        async def start(self) -> None:
            await super().start()
            server = self._server
            assert server is not None
            seen.extend(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) for s in server.sockets)

    windows_like = SimpleNamespace(name="nt", remove=os.remove, sendfile=getattr(os, "sendfile", None), stat=os.stat)
    monkeypatch.setattr(web, "TCPSite", Site)
    monkeypatch.setattr(asyncio.base_events, "os", windows_like)
    out = io.BytesIO()
    assert serve(port=0, stdin=io.BytesIO(b""), out=out) == 0  # stdin at its end: it stops once it listens
    assert b'"port"' in out.getvalue()
    assert seen == [0]
