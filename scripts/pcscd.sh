#!/usr/bin/env bash
# A private pcscd for testbench's card tests (docs/cards.md, "The virtual card stack").
#
#   scripts/pcscd.sh start [--readers N]   start pcscd --foreground (never --auto-exit) in the background
#                                          of this script, wait until SCardListReaders shows N vpcd readers
#                                          (default 2), print its PID. With 3 readers or more per slot (N >= 6)
#                                          it then spreads their poll phases (docs/cards.md §4.1), ~2 s
#   scripts/pcscd.sh stop                  stop the pcscd this script started (SIGTERM, then SIGKILL)
#   scripts/pcscd.sh ready [N] [SECONDS]   exit 0 once SCardListReaders returns >= N readers
#   scripts/pcscd.sh status                print running/stopped and the readers
#   scripts/pcscd.sh run [--readers N]     exec pcscd in the foreground (for a terminal or a supervisor)
#
# --readers N > 2 adds vpcd entries in a PRIVATE config dir (pcscd -c DIR), one copy of the driver per
# entry (§11.2): readers "Virtual PCD 00 00/01" (ports 35963/35964), "Virtual PCD B 00 00/01" (36000/36001),
# "Virtual PCD C 00 00/01" (36002/36003)… /etc/reader.conf.d is never modified, so the default config keeps
# working. Needs root (pcscd creates /run/pcscd). State: $TESTBENCH_PCSCD_DIR (default /tmp/testbench-pcscd).
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=${TESTBENCH_PCSCD_DIR:-/tmp/testbench-pcscd}
PIDFILE=$STATE/pcscd.pid
LOG=$STATE/pcscd.log
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
DRIVER=$(ls /usr/lib/pcsc/drivers/serial/libifdvpcd.so.* 2>/dev/null | head -n1 || true)

install_hint() {
  echo "pcscd.sh: $1. Installez la pile PC/SC : sudo scripts/setup.sh (paquets pcscd vsmartcard-vpcd libpcsclite-dev)." >&2
}

ready() {  # ready N SECONDS
  "$PY" - "$1" "$2" <<'PY'
import sys, time
try:
    from smartcard.scard import (SCARD_S_SUCCESS, SCARD_SCOPE_USER, SCardEstablishContext,
                                 SCardListReaders, SCardReleaseContext)
except ImportError as exc:
    print(f"pyscard missing: {exc}", file=sys.stderr); sys.exit(2)
want, end = int(sys.argv[1]), time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    hr, ctx = SCardEstablishContext(SCARD_SCOPE_USER)
    if hr == SCARD_S_SUCCESS:
        hr, rs = SCardListReaders(ctx, []); SCardReleaseContext(ctx)
        if hr == SCARD_S_SUCCESS and len(rs) >= want:
            sys.exit(0)
    time.sleep(0.02)
sys.exit(1)
PY
}

running_pid() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"
}

make_conf() {  # make_conf N -> prints the pcscd -c argument (empty for the default config)
  local n=$1
  [ "$n" -le 2 ] && return 0
  [ -n "$DRIVER" ] || { install_hint "driver vpcd introuvable"; exit 2; }
  local dir=$STATE/reader.conf.d
  rm -rf "$dir"; mkdir -p "$dir"
  printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x8C7B\nLIBPATH      %s\nCHANNELID    0x8C7B\n' \
    /usr/lib/pcsc/drivers/serial/libifdvpcd.so >"$dir/vpcd"
  local letters=(B C D E F G H) i=0 port=36000 have=2
  while [ "$have" -lt "$n" ]; do
    local l=${letters[$i]}
    cp "$DRIVER" "$STATE/libifdvpcd-$l.so"   # a real copy per entry: dlopen dedupes by inode
    printf 'FRIENDLYNAME "Virtual PCD %s"\nDEVICENAME   /dev/null:%d\nLIBPATH      %s\nCHANNELID    %d\n' \
      "$l" "$port" "$STATE/libifdvpcd-$l.so" "$port" >"$dir/vpcd-$l"
    i=$((i + 1)); port=$((port + 2)); have=$((have + 2))
  done
  echo "$dir"
}

parse_readers() {
  READERS=${TESTBENCH_VPCD_READERS:-2}
  while [ $# -gt 0 ]; do
    case $1 in
      --readers) READERS=$2; shift 2 ;;
      *) echo "pcscd.sh: option inconnue $1" >&2; exit 3 ;;
    esac
  done
}

cmd=${1:-status}; shift || true
case $cmd in
  start)
    parse_readers "$@"
    command -v pcscd >/dev/null || { install_hint "pcscd absent"; exit 2; }
    [ -n "$DRIVER" ] || { install_hint "vsmartcard-vpcd absent"; exit 2; }
    if pid=$(running_pid); then
      ready "$READERS" 5 && { echo "$pid"; exit 0; }
      echo "pcscd.sh: pcscd $pid tourne mais n'expose pas $READERS lecteurs" >&2; exit 2
    fi
    if pgrep -x pcscd >/dev/null 2>&1; then
      echo "pcscd.sh: un autre pcscd tourne déjà (PID $(pgrep -x pcscd | tr '\n' ' ')) ; utilisez PCSCD_EXTERNAL=1" >&2
      exit 2
    fi
    mkdir -p "$STATE" /run/pcscd
    if [ -e /run/pcscd/pcscd.pid ] && ! kill -0 "$(cat /run/pcscd/pcscd.pid 2>/dev/null)" 2>/dev/null; then
      rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid   # stale files after a SIGKILL (pitfall 10)
    fi
    conf=$(make_conf "$READERS")
    args=(--foreground --info)
    [ -n "$conf" ] && args+=(-c "$conf")
    # setsid: pcscd outlives this script and does not get the terminal's signals
    setsid pcscd "${args[@]}" >"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    if ! ready "$READERS" 15; then
      echo "pcscd.sh: pcscd pas prêt ($READERS lecteurs attendus) ; fin du journal :" >&2
      tail -n 30 "$LOG" >&2
      kill "$(cat "$PIDFILE")" 2>/dev/null || true
      rm -f "$PIDFILE"
      exit 2
    fi
    if [ "$READERS" -ge 6 ]; then  # an optimisation only: a failure is reported, pcscd is kept
      "$PY" -c 'from testbench.cards.poll_phases import stagger_poll_phases; stagger_poll_phases()' >/dev/null \
        || echo "pcscd.sh: calage des phases de lecture des lecteurs impossible (sans gravité)" >&2
    fi
    cat "$PIDFILE"
    ;;
  stop)
    if pid=$(running_pid); then
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$PIDFILE"
    ;;
  ready)
    ready "${1:-2}" "${2:-15}"
    ;;
  status)
    if pid=$(running_pid); then echo "running $pid"; else echo "stopped"; fi
    "$PY" -c 'from smartcard.System import readers; print("\n".join(map(str, readers())))' 2>/dev/null || true
    ;;
  run)
    parse_readers "$@"
    mkdir -p "$STATE" /run/pcscd
    conf=$(make_conf "$READERS")
    if [ -n "$conf" ]; then exec pcscd --foreground --info -c "$conf"; else exec pcscd --foreground --info; fi
    ;;
  *)
    echo "usage: scripts/pcscd.sh start|stop|ready|status|run [--readers N]" >&2
    exit 3
    ;;
esac
