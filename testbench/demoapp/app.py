"""The demo application's process: JSON commands on stdin, one JSON answer per line on stdout.

A command is what an operator does in the application's screens::

    {"do": "create_invoice", "request": {...the engine request...}}
    {"do": "secure_invoice", "invoice_id": "..."}     # the app's id, the invoice number or its reference
    {"do": "build_lot", "invoice_ids": ["..."]}
    {"do": "read_returns", "request": {...}}  {"do": "adri_query", "request": {...}}  {"do": "quit"}

The answer is ``{"ok": true, ...}`` or ``{"ok": false, "error": "...", "refusal": CODE?}``. The application
prices with its own engine — the reference engine in a process of its own, through the JSON-RPC protocol —
and writes what an editor's application writes: its log ``logs/demo-erp.log`` (French, cp1252, its own
timestamp layout), an FSE XML file per invoice in ``out/fse/`` (written to a temporary name, then renamed)
and a B2-like lot per lot in ``out/lots/`` (written in two chunks, as a slow application would).

Planted flaw ``--flaw ald-rate``: the application forgets to pass the ALD exoneration of a line to its
pricing (``ald`` and ``exo`` dropped), so ALD lines are priced at the standard rate (60 % in LPP) instead of
100 %; every other invoice is unchanged. Its outputs stay consistent with each other, as a real bug's would.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from testbench.demoapp import FLAWS

LOG_NAME = "demo-erp.log"
LOG_ENCODING = "cp1252"
CHUNK_PAUSE = 0.05  # seconds between the two chunks of a lot file: a watcher must not read it half-written

Engine = Any  # testbench.engines.api.Engine; imported lazily so that ``--help`` stays fast


def money(value: Any) -> str:
    """An amount the French way the application displays it: 163,80."""
    return str(value if value is not None else "0.00").replace(".", ",")


class ErpLog:
    """The application's own log: ``03/12/2026 09:14:02,123 [INFO ] FACT message``, cp1252, one flush per line."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("a", encoding=LOG_ENCODING, errors="replace", newline="\r\n")

    def write(self, level: str, module: str, message: str) -> None:
        now = datetime.now()
        stamp = now.strftime("%d/%m/%Y %H:%M:%S") + f",{now.microsecond // 1000:03d}"
        self._fh.write(f"{stamp} [{level:<5}] {module:<4} {message}\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


def write_atomically(path: Path, data: bytes, tmp_dir: Path) -> None:
    """Write in a scratch folder, then rename into place: a watcher never sees a partial FSE."""
    tmp = tmp_dir / (path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def fse_document(xml: str) -> bytes:
    """The engine's FSE as this application files it: declared UTF-8, one element per line."""
    from lxml import etree

    from testbench.xmlsafe import from_bytes

    root = from_bytes(xml.encode("utf-8"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_in_chunks(path: Path, data: bytes, pause: float = CHUNK_PAUSE) -> None:
    """Write in two chunks with a pause between them, as an application that flushes as it goes."""
    half = len(data) // 2
    with path.open("wb") as fh:
        fh.write(data[:half])
        fh.flush()
        time.sleep(pause)  # the application composing the rest of the lot
        fh.write(data[half:])


def without_ald(request: dict[str, Any]) -> dict[str, Any]:
    """The planted flaw: the ALD exoneration of each line is lost before pricing."""
    lines = [{**line, "ald": False, "exo": None} if line.get("ald") else line for line in request.get("lines", [])]
    return {**request, "lines": lines}


class DemoErp:
    """The application's screens, one method per command; the engine is its own (reference, via the protocol)."""

    def __init__(self, workdir: Path, engine: Engine, flaw: str | None = None) -> None:
        self.workdir = workdir
        self.fse_dir = workdir / "out" / "fse"
        self.lots_dir = workdir / "out" / "lots"
        self.tmp_dir = workdir / "tmp"
        for folder in (self.fse_dir, self.lots_dir, self.tmp_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.log = ErpLog(workdir / "logs" / LOG_NAME)
        self.engine = engine
        self.flaw = flaw
        self._aliases: dict[str, str] = {}  # invoice number or reference -> the engine's invoice id
        self.log.write(
            "INFO", "APP", "Démarrage de Démo ERP PSAD 4.2.0" + (f" (défaut planté : {flaw})" if flaw else "")
        )

    def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        from testbench.domain.refusal import EngineRefusal

        action = command.get("do")
        handler: Callable[[dict[str, Any]], dict[str, Any]] | None = getattr(self, f"do_{action}", None)
        if not isinstance(action, str) or handler is None:
            return {"ok": False, "error": f"commande inconnue : {action}"}
        try:
            return {"ok": True, **handler(command)}
        except EngineRefusal as exc:
            self.log.write("ERROR", "FACT", f"Refus {exc.code} : {exc.message}")
            return {"ok": False, "refusal": exc.code, "error": exc.message}
        except Exception as exc:  # the application reports every failure on its screen, it does not die
            self.log.write("ERROR", "APP", f"Erreur : {exc}")
            return {"ok": False, "error": str(exc)}

    def _resolve(self, ref: Any) -> str:
        return self._aliases.get(str(ref), str(ref))

    def do_create_invoice(self, command: dict[str, Any]) -> dict[str, Any]:
        request = dict(command.get("request") or {})
        priced = without_ald(request) if self.flaw == "ald-rate" else request
        self.log.write("INFO", "FACT", f"Saisie de la facture {request.get('invoice_ref', '')}")
        result = self.engine.create_invoice(priced)
        number, invoice_id = str(result["number"]), str(result["invoice_id"])
        for alias in (number, invoice_id, str(request.get("invoice_ref", ""))):
            self._aliases[alias] = invoice_id
        path = self.fse_dir / f"FSE_{number}.xml"
        write_atomically(path, fse_document(result["fse"]), self.tmp_dir)
        t = result["totals"]
        self.log.write(
            "INFO",
            "FACT",
            f"Facture F{number} créée : total AMO {money(t.get('amo'))} EUR, AMC {money(t.get('amc'))} EUR, "
            f"assuré {money(t.get('patient'))} EUR",
        )
        self.log.write("INFO", "FSE", f"Fichier FSE écrit : {path.name}")
        return {"invoice_id": invoice_id, "number": number, "file": str(path)}

    def do_secure_invoice(self, command: dict[str, Any]) -> dict[str, Any]:
        result = self.engine.secure_invoice({"invoice_id": self._resolve(command.get("invoice_id"))})
        self.log.write("INFO", "SECU", f"Facture F{result['number']} sécurisée (statut {result['status']})")
        return {"invoice_id": result["invoice_id"], "status": result["status"]}

    def do_build_lot(self, command: dict[str, Any]) -> dict[str, Any]:
        ids = [self._resolve(ref) for ref in command.get("invoice_ids") or []]
        result = self.engine.build_lot({"invoice_ids": ids})
        number = str(result["number"])
        path = self.lots_dir / f"LOT_{number}.b2"
        write_in_chunks(path, result["b2"].encode("ascii"))
        self.log.write(
            "INFO",
            "LOT",
            f"Lot {number} constitué : {result['invoice_count']} facture(s), total AMO "
            f"{money(result['totals'].get('amo'))} EUR, fichier {path.name}",
        )
        return {"number": number, "file": str(path)}

    def do_adri_query(self, command: dict[str, Any]) -> dict[str, Any]:
        result = self.engine.adri_query(dict(command.get("request") or {}))
        self.log.write(
            "INFO", "ADRI", f"Interrogation ADRi : droits ouverts {'oui' if result.get('rights_open') else 'non'}"
        )
        return {}

    def do_read_returns(self, command: dict[str, Any]) -> dict[str, Any]:
        result = self.engine.read_returns(dict(command.get("request") or {}))
        self.log.write("INFO", "RET", f"Retour intégré : statut {result.get('status', '')}")
        return {}

    def close(self) -> None:
        self.log.write("INFO", "APP", "Arrêt de Démo ERP PSAD")
        self.log.close()
        self.engine.close()


def reference_engine(timeout: float = 30.0) -> Engine:
    """The application's own engine: the reference engine in a separate process, through the protocol."""
    from testbench.engines.protocol.client import SubprocessEngine

    command = [sys.executable, "-P", "-m", "testbench", "engine", "serve", "--lang", "fr"]  # the application's French
    return SubprocessEngine(command, timeout=timeout)


def serve(app: DemoErp, stdin: TextIO, stdout: TextIO) -> None:
    for raw in stdin:
        if not raw.strip():
            continue
        try:
            command = json.loads(raw)
        except ValueError as exc:
            answer: dict[str, Any] = {"ok": False, "error": f"commande illisible : {exc}"}
        else:
            if isinstance(command, dict) and command.get("do") == "quit":
                stdout.write(json.dumps({"ok": True}) + "\n")
                stdout.flush()
                return
            answer = app.handle(command) if isinstance(command, dict) else {"ok": False, "error": "objet JSON attendu"}
        stdout.write(json.dumps(answer) + "\n")
        stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m testbench.demoapp", description="application de démonstration")
    parser.add_argument("--workdir", type=Path, required=True, help="dossier de l'application (logs/, out/)")
    parser.add_argument("--flaw", choices=FLAWS, default=None, help="défaut planté (ald-rate : taux ALD faux)")
    args = parser.parse_args(argv)
    app = DemoErp(args.workdir, reference_engine(), args.flaw)
    try:
        serve(app, sys.stdin, sys.stdout)
    finally:
        app.close()
    return 0
