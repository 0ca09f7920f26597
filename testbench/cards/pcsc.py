"""Readers through pyscard: listing, watching insertions/removals, connecting and transmitting.

Only this module (and the emulator's bay) imports pyscard, lazily, so the rest of the card layer
works without it. Every pyscard failure becomes :class:`CardUnavailable` with a sentence in the
active language (:mod:`.pcsc_errors`), never pcsc-lite's or winscard's own text.

Three PC/SC calls may wait without a limit inside the C library: SCardConnect and SCardTransmit on a mute card,
SCardBeginTransaction while another program keeps the card. PC/SC cannot cancel them, and a ^C (or a SIGTERM
taken as one) cannot stop a thread waiting there. So a transport hands them to one thread of its own,
:class:`_Caller`, and waits for it in slices (plain lock waits, no POSIX call: the same on Windows). What
ends a wait past its limit differs, not the thread: a transaction waited for is ended by disconnecting the
handle (pcsc-lite retries between sleeps), and the thread is let go to finish that wait; a mute card's call
cannot be ended, so its thread keeps that connection and context until the call returns (:class:`CardMute`).
Either way the next call gets a fresh thread. The one call not handed over is a connect or command to a card
the caller can pull (the bay's emulated cards, ``answer_timeout=None``): a hand-over would cost a quarter to a
half of a virtual card's answer.
"""

from __future__ import annotations

import contextlib
import functools
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from testbench.i18n import _t

from . import pcsc_errors as E
from .api import CardAbsent, CardUnavailable

SHARED = "shared"
EXCLUSIVE = "exclusive"
HR_UNPOWERED = E.W_UNPOWERED_CARD
HR_NO_SERVICE = E.E_NO_SERVICE
INSTALL_HINT = (  # for pip users too: system package names, not the repository's scripts
    "pile PC/SC absente : installez les paquets système pcscd et vsmartcard-vpcd (lecteurs virtuels), "
    "et libpcsclite-dev (Debian, Ubuntu) ou pcsc-lite-devel (Fedora) pour compiler pyscard, "
    "puis démarrez le service pcscd"
)


def _scard() -> Any:
    try:
        from smartcard import scard
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise CardUnavailable(f"pyscard indisponible ; {INSTALL_HINT}") from exc  # not its own words
    return scard


class Context:
    """A PC/SC context (SCardEstablishContext), released on close."""

    def __init__(self) -> None:
        scard = _scard()
        hr, self.handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hr != scard.SCARD_S_SUCCESS:
            raise CardUnavailable(E.pcsc_message(hr, lang="fr", fallback="service PC/SC indisponible"))

    def readers(self) -> list[str]:
        scard = _scard()
        hr, readers = scard.SCardListReaders(self.handle, [])
        if hr == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if hr != scard.SCARD_S_SUCCESS:
            raise CardUnavailable(E.pcsc_message(hr, lang="fr", fallback="liste des lecteurs impossible"))
        return list(readers)

    def status(
        self, readers: list[str], timeout_ms: int = 0, known: dict[str, int] | None = None
    ) -> dict[str, tuple[int, bytes]]:
        """SCardGetStatusChange: {reader: (event state, ATR)}; returns at once when ``known`` is None."""
        scard = _scard()
        states = [(r, (known or {}).get(r, scard.SCARD_STATE_UNAWARE)) for r in readers]
        hr, out = scard.SCardGetStatusChange(self.handle, timeout_ms, states)
        if hr == scard.SCARD_E_TIMEOUT:
            return {}
        if hr != scard.SCARD_S_SUCCESS:
            raise CardUnavailable(E.pcsc_message(hr, ", ".join(readers), "fr", "état des lecteurs indisponible"))
        return {r: (state & ~scard.SCARD_STATE_CHANGED, bytes(atr)) for r, state, atr in out}

    def cancel(self) -> None:
        _scard().SCardCancel(self.handle)

    def close(self) -> None:
        if self.handle is not None:
            _scard().SCardReleaseContext(self.handle)
            self.handle = None

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unavailable(hr: int) -> type[CardUnavailable]:
    """No card or a card removed: :class:`CardAbsent`; any other failure: :class:`CardUnavailable`."""
    return CardAbsent if hr & 0xFFFFFFFF in (E.E_NO_SMARTCARD, E.W_REMOVED_CARD) else CardUnavailable


def list_readers() -> list[str]:
    with Context() as ctx:
        return ctx.readers()


def card_present(state: int) -> bool:
    return bool(state & _scard().SCARD_STATE_PRESENT)


def wait_for(
    reader: str,
    present: bool,
    timeout: float = 5.0,
    ctx: Context | None = None,
    stop: threading.Event | None = None,
    waited: float | None = None,
) -> bytes:
    """Wait (SCardGetStatusChange, no sleeps) until a card is present/absent; return the ATR.

    With ``stop`` (a person's hand may take minutes), the wait is cut in half-second calls and ends
    as soon as ``stop`` is set. ``waited``: the time the caller's whole wait lasts, said when it ends
    (a caller that retries passes each try the time left, which means nothing to a person)."""
    from testbench.fmt import seconds

    own = ctx is None
    ctx = ctx or Context()
    what = "l'insertion" if present else "le retrait"
    try:
        deadline = time.monotonic() + timeout
        known: dict[str, int] | None = None
        while True:
            if stop is not None and stop.is_set():
                raise CardUnavailable(f"arrêt demandé pendant l'attente d'une carte dans le lecteur « {reader} »")
            left = deadline - time.monotonic()
            if stop is not None:
                left = min(left, 0.5)
            st = ctx.status([reader], 0 if known is None else max(1, int(left * 1000)), known)
            if st:
                state, atr = st[reader]
                if card_present(state) == present and not state & _scard().SCARD_STATE_UNAVAILABLE:
                    return atr
                known = {reader: state}
            if time.monotonic() >= deadline:
                limit = seconds(timeout if waited is None else waited, "fr")  # « 1,5 », never 0.979274
                raise CardUnavailable(
                    f"délai dépassé ({limit} s) en attendant {what} de la carte dans le lecteur « {reader} »"
                )
    finally:
        if own:
            ctx.close()


@dataclass(frozen=True)
class ReaderEvent:
    reader: str
    present: bool
    atr: bytes
    at: float  # time.monotonic()
    initial: bool = False  # the state when watching started (or when the reader came), not a change
    plugged: bool | None = None  # a reader that came (True) or went (False) while watching all readers


#: how often a watch of every reader lists them again (a reader plugged in or pulled out; pcsc-lite's
#: « \\?PnP?\Notification » pseudo-reader is not told of every reader driver's changes, vpcd's among them)
READERS_EVERY = 1.0


def watch(
    readers: list[str] | None = None, timeout: float | None = None, stop: threading.Event | None = None
) -> Iterator[ReaderEvent]:
    """Yield insertions and removals (first the current state) until ``timeout`` or ``stop``; without ``readers``,
    the readers plugged in and pulled out while watching too (each new one with its state)."""
    with Context() as ctx:
        names = readers or ctx.readers()
        if not names and readers is not None:
            return
        deadline = None if timeout is None else time.monotonic() + timeout
        known: dict[str, int] = {}
        yield from _came(ctx, names, known, initial=True)
        listed = time.monotonic()
        while not (stop and stop.is_set()):
            wait_ms = 200 if deadline is None else int(min(0.2, deadline - time.monotonic()) * 1000)
            if wait_ms <= 0:
                return
            if readers is None and time.monotonic() - listed >= READERS_EVERY:
                yield from _plugged(ctx, known)
                listed = time.monotonic()
            if not known:
                time.sleep(wait_ms / 1000)  # no reader to wait on: wait for one to be plugged in
                continue
            changed = ctx.status(list(known), wait_ms, known)
            for r, (state, atr) in changed.items():
                if card_present(state) != card_present(known.get(r, 0)):
                    yield ReaderEvent(r, card_present(state), atr, time.monotonic())
                known[r] = state


def _came(
    ctx: Context, names: list[str], known: dict[str, int], *, initial: bool = False
) -> Iterator[ReaderEvent]:
    """The state of the readers ``names`` (at the start, or plugged in since), added to ``known``."""
    if not names:
        return
    for r, (state, atr) in ctx.status(names).items():
        if not initial:
            yield ReaderEvent(r, False, b"", time.monotonic(), plugged=True)
        yield ReaderEvent(r, card_present(state), atr, time.monotonic(), initial=True)
        known[r] = state


def _plugged(ctx: Context, known: dict[str, int]) -> Iterator[ReaderEvent]:
    """The readers plugged in (with their state) and pulled out since ``known`` was listed."""
    now = ctx.readers()
    for gone in [r for r in known if r not in now]:
        del known[gone]
        yield ReaderEvent(gone, False, b"", time.monotonic(), plugged=False)
    yield from _came(ctx, [r for r in now if r not in known], known)


# ---------------------------------------------------------------- transport


#: pcsc-lite's answers when a kept context no longer works (pcscd restarted): make a new one
_STALE_CONTEXT = (E.E_INVALID_HANDLE, E.E_NO_SERVICE, E.E_SERVICE_STOPPED)


#: A card that said nothing for the transport's ``answer_timeout``: to a command, and to the connect (power-up, ATR).
MUTE_COMMAND = _t("la carte du lecteur « {reader} » ne répond plus (muette depuis {seconds} s)")
MUTE_CONNECT = _t("la carte du lecteur « {reader} » ne répond pas à la connexion (muette depuis {seconds} s)")

#: How long the caller's thread waits at a time for a call on the card: a ^C or SIGTERM is seen between two waits
#: (where a wait cannot be interrupted, Windows) and a wait past ``answer_timeout`` ends within it.
WAIT_SLICE = 0.25


class CardMute(CardUnavailable):
    """The card did not answer a connect (``connecting``) or a command within ``answer_timeout``; the transport
    has let that connection and its PC/SC context go to the thread still waiting in the library."""

    def __init__(self, message: str, connecting: bool, again: bool = False) -> None:
        super().__init__(message)
        self.connecting = connecting
        self.again = again  # said at once: the call given up before is still waiting for the card


def mute_message(reader: str, after: float, connecting: bool) -> str:
    """What a person is told of a card mute for ``after`` seconds (French; the catalogue has the English)."""
    from testbench.fmt import seconds

    return (MUTE_CONNECT if connecting else MUTE_COMMAND).format(reader=reader, seconds=seconds(after, "fr"))


class _Job:
    """One call handed to a :class:`_Caller`: its result or exception, and ``done`` released once it has either."""

    __slots__ = ("call", "done", "error", "value")

    def __init__(self, call: Callable[[], Any]) -> None:
        self.call = call
        self.done = threading.Lock()
        self.done.acquire()
        self.value: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.value = self.call()
        except BaseException as exc:  # handed to the waiting thread as it is
            self.error = exc
        finally:
            self.done.release()


class _Caller:
    """The thread that makes a transport's calls that may wait without a limit (SCardConnect, SCardTransmit,
    SCardBeginTransaction).

    Neither pcsc-lite nor winscard puts a time limit on them, and PC/SC cannot cancel them; pyscard lets the
    interpreter run meanwhile, so the caller's thread waits here in slices, with a limit, and sees a ^C or a
    SIGTERM at once. One thread for all the transport's calls: a thread started per command (or per
    transaction) would add its start-up to each."""

    def __init__(self, reader: str) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.stuck = False  # a call outlived its wait: the thread is the library's until that call returns
        self.since = 0.0  # when the call under way was handed over (time.monotonic())
        self.connecting = False  # the call given up was a connect
        self.thread = threading.Thread(target=self._serve, name=f"pcsc-card {reader}", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            job.run()

    def then(self, call: Callable[[], Any]) -> None:
        """Run ``call`` after the call under way, not waited for (a stuck call's clean-up)."""
        self._jobs.put(_Job(call))

    def stop(self) -> None:
        """The thread ends after the calls queued (at once when idle)."""
        self._jobs.put(None)

    def call(self, call: Callable[[], Any], limit: float | None) -> tuple[bool, Any]:
        """``(True, call())`` (its exception raised as it is), or ``(False, None)`` once ``limit`` seconds passed
        without it returning (None: no limit). An exception while waiting (^C) leaves the call to the thread."""
        job = _Job(call)
        self.since = time.monotonic()
        self._jobs.put(job)
        deadline = None if limit is None else self.since + limit
        try:
            while not job.done.acquire(timeout=WAIT_SLICE if deadline is None else _slice(deadline)):
                if deadline is not None and time.monotonic() >= deadline:
                    self.stuck = True
                    return False, None
        except BaseException:
            if not job.done.acquire(blocking=False):
                self.stuck = True
            raise
        if job.error is not None:
            raise job.error
        return True, job.value


def _slice(deadline: float) -> float:
    return max(0.0, min(WAIT_SLICE, deadline - time.monotonic()))


class ScardConnection:
    """One card handle on a context the transport keeps: the four pyscard calls the bench makes.

    pyscard's ``PCSCCardConnection`` establishes a PC/SC context per connection (a new socket and thread
    in pcscd each time) and runs its observers and a per-byte conversion on every APDU; a case connects
    four times and exchanges about 50 APDUs (docs/cards.md §4.3). Same interface and exceptions as a
    pyscard ``CardConnection`` for what :class:`PyscardTransport` uses, so unit tests can inject one.
    """

    def __init__(self, context: Context, reader: str) -> None:
        self.context = context
        self.reader = reader
        self.hcard: int | None = None
        self.pci = 0
        self.disposition = 0

    def connect(self, mode: int, disposition: int) -> None:
        from smartcard.Exceptions import CardConnectionException, NoCardException

        scard = _scard()
        self.disposition = disposition
        protocols = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        hr, hcard, active = scard.SCardConnect(self.context.handle, self.reader, mode, protocols)
        if hr != scard.SCARD_S_SUCCESS:
            if hr & 0xFFFFFFFF in (E.E_NO_SMARTCARD, E.W_REMOVED_CARD):
                raise NoCardException("no card", hresult=hr)
            raise CardConnectionException("connect", hresult=hr)
        self.hcard = hcard
        self.pci = scard.SCARD_PCI_T1 if active == scard.SCARD_PROTOCOL_T1 else scard.SCARD_PCI_T0

    def getATR(self) -> list[int]:  # pyscard's name
        from smartcard.Exceptions import CardConnectionException

        hr, _, _, _, atr = _scard().SCardStatus(self.hcard)
        if hr != 0:
            raise CardConnectionException("status", hresult=hr)
        return list(atr)

    def transmit(self, command: list[int]) -> tuple[list[int], int, int]:
        from smartcard.Exceptions import CardConnectionException

        if self.hcard is None:
            raise CardConnectionException("not connected")
        hr, response = _scard().SCardTransmit(self.hcard, self.pci, command)
        if hr != 0 or len(response) < 2:
            raise CardConnectionException("transmit", hresult=hr)
        return response[:-2], response[-2] & 0xFF, response[-1] & 0xFF

    def begin_transaction(self) -> int:
        """SCardBeginTransaction: the card is this handle's alone until :meth:`end_transaction` (another
        application's commands wait meanwhile, and this call waits for another's transaction); the PC/SC code."""
        return int(_scard().SCardBeginTransaction(self.hcard))

    def end_transaction(self) -> None:
        if self.hcard is not None:
            _scard().SCardEndTransaction(self.hcard, _scard().SCARD_LEAVE_CARD)

    def disconnect(self) -> None:
        hcard, self.hcard = self.hcard, None
        if hcard is not None:
            _scard().SCardDisconnect(hcard, self.disposition)


class PyscardTransport:
    """A connection to one reader through a pyscard-like connection (injectable for unit tests).

    ``mode``: ``shared`` (default; others may use the card) or ``exclusive``.
    ``release()`` disconnects with ``disposition`` (reset by default) so the next user starts clean.
    ``transaction``: the exchanges of one connection run inside one PC/SC transaction, so that another
    application's commands cannot come between them (``cards probe`` while a product uses the card); the
    card is then left as it is at the end. Another application's transaction is waited for up to
    ``busy_timeout`` seconds.
    A card reset by another application before this connection sent anything is connected to again (it
    lost nothing of ours); after, the exchange fails (the card lost its selected file and verified PIN),
    and the card is left as it is: resetting it once more would break that application's exchanges too.
    The transport keeps one PC/SC context for all its connections (:class:`ScardConnection`), made
    again if pcscd restarted; :meth:`dispose` releases it.
    With ``answer_timeout`` (seconds), the connect and the commands run on one thread of the transport's
    (:class:`_Caller`), so the caller's thread never waits inside the C library: a ^C or SIGTERM stops it at once,
    and a card that says nothing for that long ends the call with :class:`CardMute`. Without it (None), they run
    on the caller's thread, as fast as it gets: for a card whose owner can pull it (the bay's emulated cards).
    The wait for another application's transaction runs on that same thread in either case.
    A mute card's connection and context are left to the thread still waiting (releasing them would wait as
    long), and let go by it if the call ever returns; the next call makes a fresh context and thread.
    """

    def __init__(
        self,
        reader: str,
        mode: str = SHARED,
        reset_on_release: bool = True,
        connection_factory: Callable[[], Any] | None = None,
        connect_timeout: float = 1.0,
        transaction: bool = False,
        busy_timeout: float = 5.0,
        answer_timeout: float | None = None,
    ) -> None:
        self.reader = reader
        self.mode = mode
        self.reset_on_release = reset_on_release
        self._factory = connection_factory
        self._conn: Any = None
        self._atr = b""
        self._sent = False  # a command went through the connection: a reset by another loses its effects
        self.connect_timeout = connect_timeout
        self.transaction = transaction
        self.busy_timeout = busy_timeout
        self.on_lost: Callable[[], None] | None = None
        self._context: Context | None = None
        self.held = False  # hold(): the card is this transport's, connection after connection, until unhold()
        self._in_transaction = False  # the current connection's transaction is begun
        #: waiting for another application's transaction (not for the card: a bay's mute-card watchdog waits),
        #: and when that wait last ended
        self.waiting = False
        self.waited = 0.0
        self.answer_timeout = answer_timeout
        self._caller: _Caller | None = None
        self._stuck: _Caller | None = None  # the thread of the call last given up, until that call returns

    def _on_card(self, conn: Any, call: Callable[[], Any], connecting: bool) -> Any:
        """``call()`` (a connect or a command on ``conn``) on the transport's thread, waited for in slices up to
        ``answer_timeout``; past it, the connection and context are let go and :class:`CardMute` raised. Without
        a limit, ``call()`` on the caller's thread: nothing to hand over (the card's owner can end it)."""
        if self.answer_timeout is None:
            return call()
        caller = self._thread()
        try:
            done, value = caller.call(call, self.answer_timeout)
        finally:
            if caller.stuck:  # past the limit, or a ^C while the card had not answered
                caller.connecting = connecting
                self._abandon(conn)
        if not done:
            limit = self.answer_timeout or 0.0
            raise CardMute(mute_message(self.reader, limit, connecting), connecting)
        return value

    def _thread(self) -> _Caller:
        """The transport's :class:`_Caller`, started at its first call."""
        caller = self._caller
        if caller is None:
            caller = self._caller = _Caller(self.reader)
        return caller

    def _abandon(self, conn: Any) -> None:
        """Leave the connection and context to the caller thread stuck in the library: it lets them go (no reset,
        so the card's transaction ends) if its call ever returns. Nothing here calls the library on them: it would
        wait for that call."""
        caller, self._caller = self._caller, None
        self._conn = None
        context, self._context = self._context, None
        self._in_transaction, self._sent = False, False
        if caller is None:
            return
        self._stuck = caller
        leave = _scard().SCARD_LEAVE_CARD

        def let_go() -> None:
            with contextlib.suppress(Exception):  # the card may be gone
                conn.disposition = leave
                conn.disconnect()
            if context is not None:
                with contextlib.suppress(Exception):  # pcscd may be gone
                    context.close()

        caller.then(let_go)
        caller.stop()

    def _still_mute(self) -> None:
        """Raise :class:`CardMute` at once while the call given up last still waits for the card: pcscd keeps the
        reader busy until it returns, so a new connection would wait as long (and our own connection left there
        would pass for another application's)."""
        stuck = self._stuck
        if stuck is None:
            return
        if not stuck.thread.is_alive():  # the call returned, its connection and context let go
            self._stuck = None
            return
        silent, connecting = time.monotonic() - stuck.since, stuck.connecting
        raise CardMute(mute_message(self.reader, max(1, int(silent)), connecting), connecting, again=True)

    def _connection(self) -> Any:
        if self._conn is not None:
            return self._conn
        self._still_mute()
        for _ in range(3):  # a card reset by another application in between: connect again (nothing was sent)
            conn = self._connect()
            hr = self._open(conn)
            if hr == 0:
                self._conn, self._sent = conn, False
                self._in_transaction = self.transaction or self.held
                return conn
            self._release(conn, leave=True)
            if hr != E.W_RESET_CARD:
                break
        if hr == E.E_SHARING_VIOLATION and (self.transaction or self.held):
            raise CardUnavailable(E.HELD_BY_ANOTHER.format(reader=self.reader))
        fallback = "connexion impossible au lecteur « {reader} »"
        raise _unavailable(hr)(E.pcsc_message(hr, self.reader, "fr", fallback))

    def _open(self, conn: Any) -> int:
        """Read the card's ATR, and take the card for this connection with ``transaction``: 0 or a PC/SC code
        (pcscd answers W_RESET_CARD once another application reset the card since the connect)."""
        from smartcard.Exceptions import CardConnectionException

        if self.transaction or self.held:  # first: pcscd answers nothing else while another program holds it
            hr = self._begin(conn)
            if hr:
                return hr
        try:
            self._atr = bytes(conn.getATR())
        except CardConnectionException as exc:
            return getattr(exc, "hresult", 0) & 0xFFFFFFFF or E.F_COMM_ERROR
        return 0

    def _begin(self, conn: Any) -> int:
        """SCardBeginTransaction on the transport's thread, waited for up to ``busy_timeout`` s: pcsc-lite and
        winscard wait for another application's transaction without a limit, and a ^C cannot stop a wait inside
        the C library. Past the limit, or on a ^C, ``conn`` is disconnected, which ends that wait (the library
        retries between sleeps), and the thread is let go to finish it: the next call gets a fresh one."""

        def begin() -> int:
            try:
                return int(conn.begin_transaction())
            except Exception:  # the handle was let go meanwhile (^C): nothing to take any more
                return E.E_INVALID_HANDLE

        caller = self._thread()
        self.waiting = True
        try:
            done, hr = caller.call(begin, self.busy_timeout)
        except BaseException:  # ^C: let the card go, the wait ends with the handle
            if caller.stuck:
                self._let_go(caller)
            self._release(conn, leave=True)
            raise
        finally:
            self.waiting, self.waited = False, time.monotonic()
        if not done:  # the caller releases ``conn`` (E_SHARING_VIOLATION), which ends the wait
            self._let_go(caller)
            return E.E_SHARING_VIOLATION
        return hr & 0xFFFFFFFF

    def _let_go(self, caller: _Caller) -> None:
        """``caller`` still waits for a transaction that the disconnect about to come ends: it stops after it."""
        if self._caller is caller:
            self._caller = None
        caller.stop()

    def _connect(self) -> Any:
        """A connection to the card (SCardConnect), retried while pcscd powers a re-inserted card up."""
        from smartcard.Exceptions import CardConnectionException, NoCardException

        scard = _scard()
        if self._factory is not None:
            conn = self._factory()
        else:
            if self._context is None:
                self._context = Context()
            conn = ScardConnection(self._context, self.reader)
        mode = scard.SCARD_SHARE_EXCLUSIVE if self.mode == EXCLUSIVE else scard.SCARD_SHARE_SHARED
        disposition = scard.SCARD_RESET_CARD if self.reset_on_release else scard.SCARD_LEAVE_CARD
        deadline = time.monotonic() + self.connect_timeout
        fresh = self._factory is not None
        while True:
            try:
                self._on_card(conn, functools.partial(conn.connect, mode=mode, disposition=disposition), True)
                break
            except NoCardException:
                raise CardAbsent(E.pcsc_message(E.E_NO_SMARTCARD, self.reader, "fr")) from None
            except CardConnectionException as exc:
                hr = getattr(exc, "hresult", 0) & 0xFFFFFFFF
                if hr == HR_UNPOWERED and time.monotonic() < deadline:  # a card re-inserted inside one poll
                    time.sleep(0.02)
                    continue
                if hr in _STALE_CONTEXT and not fresh:  # pcscd restarted since the context was made
                    self.dispose()
                    self._context = Context()
                    conn = ScardConnection(self._context, self.reader)
                    fresh = True
                    continue
                fallback = "connexion impossible au lecteur « {reader} »"
                raise _unavailable(hr)(E.pcsc_message(hr, self.reader, "fr", fallback)) from None
        return conn

    def atr(self) -> bytes:
        self._connection()
        return self._atr

    def hold(self) -> None:
        """Take the card for this transport's exchanges (SCardBeginTransaction) until :meth:`unhold` or
        :meth:`close`: another application's commands wait meanwhile, so none comes between a SELECT and its
        READ BINARY, nor between a ``61xx`` and its GET RESPONSE. Another application's own transaction is
        waited for up to ``busy_timeout`` s; past it, CardUnavailable says that application uses the card."""
        self.held = True
        conn = self._conn
        if conn is None or self._in_transaction:
            return  # the next connection begins it (_open)
        hr = self._begin(conn)
        if hr == 0:
            self._in_transaction = True
            return
        sent, self._sent = self._sent, False
        self._drop(leave=True)
        if hr == E.W_RESET_CARD and not sent:  # nothing of ours lost: the next connection takes the card
            return
        self.held = False
        if hr == E.E_SHARING_VIOLATION:  # past busy_timeout: another application keeps its transaction
            raise CardUnavailable(E.HELD_BY_ANOTHER.format(reader=self.reader))
        raise _unavailable(hr)(E.pcsc_message(hr, self.reader, "fr"))

    def unhold(self) -> None:
        """End :meth:`hold`'s transaction; the connection stays (the card keeps its state, e.g. a verified PIN)."""
        self.held = False
        conn = self._conn
        if conn is not None and self._in_transaction and not self.transaction:
            self._in_transaction = False
            with contextlib.suppress(Exception):  # the card is gone: nothing to end
                conn.end_transaction()

    def reader_state(self) -> tuple[int, bytes]:
        """pcscd's state of the reader, without connecting: its event word (the high 16 bits count the
        card's insertions and removals) and the ATR it shows. Raises CardUnavailable."""
        if self._context is None:
            self._context = Context()
        return self._context.status([self.reader])[self.reader]

    def transmit_raw(self, apdu: bytes) -> bytes:
        from smartcard.Exceptions import CardConnectionException

        retried = False
        while True:
            conn = self._connection()
            try:
                data, sw1, sw2 = self._on_card(conn, functools.partial(conn.transmit, list(apdu)), False)
                break
            except CardConnectionException as exc:
                hr = getattr(exc, "hresult", 0) & 0xFFFFFFFF
                reset = hr == E.W_RESET_CARD  # by another application: pcscd did not send this command
                fresh, self._sent = not self._sent, False
                self._drop(leave=reset)
                if reset and fresh and not retried:  # nothing of ours lost: send it as a new connection would
                    retried = True
                    continue
                fallback = "carte indisponible dans le lecteur « {reader} » (retirée ou muette)"
                raise _unavailable(hr)(E.pcsc_message(hr, self.reader, "fr", fallback)) from None
        self._sent = True
        return bytes(data) + bytes((sw1, sw2))

    def _release(self, conn: Any, leave: bool = False) -> None:
        """End the connection's transaction and disconnect; ``leave``: whatever the disposition, no reset."""
        if self.transaction or self._in_transaction:
            with contextlib.suppress(Exception):  # not begun, or the card is gone
                conn.end_transaction()
        if leave:
            conn.disposition = _scard().SCARD_LEAVE_CARD
        with contextlib.suppress(Exception):  # the card may already be gone
            conn.disconnect()

    def _drop(self, leave: bool = False) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            self._release(conn, leave)
        self._in_transaction = False

    def close(self) -> None:
        """Release the card (SCardDisconnect with reset or leave), ending a :meth:`hold`; the context stays."""
        self.held = False
        self._drop()

    def dispose(self) -> None:
        """Release the card, the transport's PC/SC context and its thread (the bay closes)."""
        self._drop()
        caller, self._caller = self._caller, None
        if caller is not None:
            caller.stop()
        context, self._context = self._context, None
        if context is not None:
            with contextlib.suppress(Exception):  # pcscd may be gone
                context.close()
