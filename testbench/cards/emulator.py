"""Card emulator process: serve a card profile through vpcd to the real pcscd.

    python -m testbench.cards.emulator PROFILE [--port 35963] [--trace FILE|-] [--slot NAME] [--reader NAME]

Every APDU received is traced as a JSON line (PIN masked) to FILE, or stdout with ``--trace -``;
``--reader`` is the PC/SC reader name written in the trace (default ``vpcd:PORT``). Started by hand
(without ``--control``) it takes the vpcd port's lock as ``testbench cards emulate`` does, and is refused
(exit 2, who holds it) on a port a bench or another emulator holds; under ``--control`` its bay holds it.
Status events are JSON lines on stdout (``{"event": "inserted"}``…). Commands are JSON lines on
stdin: ``{"cmd": "fault", "kind": "pull"|"mute"|"mute-power"|"sw", "after": N, "sw": "6F00", "ins": "A4"}``,
``{"cmd": "reload"}`` (fresh card state; with ``"profile": PATH``, that card in place of the
current one, the vpcd connection kept: answers ``reloaded``, ``gone`` or ``error``),
``{"cmd": "eject"}`` (pull the card, keep the process: answers ``ejected``),
``{"cmd": "insert", "profile": PATH}`` (insert that card, or the same one again without
``profile``; answers ``inserted`` or ``error``), ``{"cmd": "remove"}`` (pull the card
and exit). ``eject`` + ``insert`` let the bay change the card in a reader without paying a Python
start-up (~0.1 s) on each change. EOF on stdin with ``--control`` also removes the card and exits,
so a dead parent never leaves an orphan holding the slot (docs/cards.md §4, §5). With ``--control``
and no PROFILE the emulator starts with its reader empty (``{"event": "ready"}``) and waits for an
``insert``: a bay starts it ahead, so the first card of a case does not wait for a Python start-up.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import Any

from .api import CardUnavailable
from .emulator_control import PortLock
from .inprocess import Fault
from .pcsc_errors import vpcd_message
from .profile import CardProfile, ProfileError, load_profile
from .trace import JsonlSink
from .virtual import build_card
from .vpcd import DEFAULT_PORT, VirtualICC


def _emit(event: str, **extra: object) -> None:
    sys.stdout.write(json.dumps({"event": event, **extra}) + "\n")
    sys.stdout.flush()


def _profile_problem(exc: ProfileError | OSError) -> str:
    """The line the bay shows when the emulator cannot load a profile (``file:line:col: message``)."""
    return f"profil de carte invalide : {exc}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m testbench.cards.emulator", description="Émulateur de carte pour vpcd.")
    ap.add_argument("profile", type=Path, nargs="?")
    ap.add_argument("--port", type=int, default=DEFAULT_PORT)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--trace", default=None, help="fichier JSON lines des APDU reçus, '-' pour stdout")
    ap.add_argument("--slot", default="")
    ap.add_argument("--reader", default="", help="nom du lecteur PC/SC écrit dans la trace")
    ap.add_argument("--control", action="store_true", help="lire des commandes JSON sur stdin")
    ap.add_argument("--insert-timeout", type=float, default=10.0)
    args = ap.parse_args(argv)
    if args.profile is None and not args.control:
        ap.error("un profil de carte est nécessaire sans --control")
    try:
        profile = None if args.profile is None else load_profile(args.profile)
    except (ProfileError, OSError) as exc:
        print(_profile_problem(exc), file=sys.stderr)
        return 3
    if args.control:  # a bay's emulator: the bay holds the port's lock
        return _serve(args, profile)
    lock = PortLock(args.port, {"command": "emulator", "file": args.profile.name})
    try:  # started by hand: the port taken as ``testbench cards emulate`` takes it (vpcd would queue a second card)
        lock.acquire(0.0)
    except CardUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        return _serve(args, profile)
    finally:
        lock.release()


def _serve(args: argparse.Namespace, profile: CardProfile | None) -> int:
    """Present ``profile``'s card on the port (or wait for an ``insert``) until it is removed."""
    sink = None
    icc = VirtualICC(
        None if profile is None else build_card(profile),  # type: ignore[arg-type] (empty until an insert)
        args.port,
        args.host,
        reader=args.reader or f"vpcd:{args.port}",
        slot=args.slot,
    )

    def open_trace() -> None:
        """The trace file is opened with the first card: an emulator started ahead writes none if unused."""
        nonlocal sink
        if sink is None and args.trace:
            sink = JsonlSink(sys.stdout) if args.trace == "-" else JsonlSink(Path(args.trace))
            icc.on_apdu = sink

    if profile is None:
        _emit("ready", port=args.port)
    else:
        open_trace()
        try:
            icc.insert(args.insert_timeout)
        except OSError as exc:
            print(vpcd_message(args.port, exc), file=sys.stderr)
            return 2
        _emit("inserted", port=args.port, profile=profile.id)
    done = threading.Event()
    if args.control:

        def take_profile(msg: dict[str, Any]) -> bool:
            """The message's profile (if it names one) becomes the card's; False when it cannot be loaded."""
            nonlocal profile
            if msg.get("profile"):
                try:
                    profile = load_profile(Path(str(msg["profile"])))
                except (ProfileError, OSError) as exc:
                    _emit("error", port=args.port, message=_profile_problem(exc))
                    return False
            return True

        def control() -> None:
            for line in sys.stdin:
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                cmd = msg.get("cmd")
                if cmd == "remove":
                    break
                if cmd == "reload":  # fresh card state for the next case, no re-insertion
                    if not take_profile(msg):  # with a profile: another card in place (one-reader change, §4.2)
                        continue
                    if profile is None:
                        _emit("gone", port=args.port)
                        continue
                    icc.card = build_card(profile)
                    icc.set_fault(None)
                    _emit("reloaded" if icc.inserted else "gone", port=args.port)
                elif cmd == "eject":
                    icc.remove()
                    _emit("ejected", port=args.port)
                elif cmd == "insert":
                    if not take_profile(msg):
                        continue
                    if profile is None:
                        _emit("error", port=args.port, message="aucun profil de carte à insérer")
                        continue
                    if icc.inserted:
                        icc.remove()
                    open_trace()
                    icc.card = build_card(profile)
                    icc.set_fault(None)
                    try:
                        icc.insert(args.insert_timeout)
                    except OSError as exc:
                        _emit("error", port=args.port, message=vpcd_message(args.port, exc))
                        continue
                    _emit("inserted", port=args.port, profile=profile.id)
                elif cmd == "fault":
                    kind = msg.get("kind")
                    icc.set_fault(
                        None
                        if kind in (None, "none")
                        else Fault(
                            kind,
                            int(msg.get("after", 0)),
                            int(str(msg.get("sw", "6F00")), 16),
                            int(str(msg["ins"]), 16) if msg.get("ins") else None,
                        )
                    )
                    _emit("fault", kind=kind)
            done.set()

        threading.Thread(target=control, daemon=True).start()
    try:
        if args.control:
            done.wait()
        else:
            icc.closed.wait()
    except KeyboardInterrupt:
        pass
    finally:
        icc.remove()
        _emit("removed", port=args.port)
        if sink is not None and args.trace != "-":
            sink.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
