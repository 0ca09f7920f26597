"""PC/SC and vpcd failures as sentences a person can act on, in French or English.

The card layer raises them in French, the language the session records (``lang="fr"``);
``testbench.i18n`` reads them back in English where they are shown.

pcsc-lite and winscard describe a failure in their own English ("Sharing violation.", "Service not
available."); a person needs what happened and what to do. Only a code without a sentence of its
own is shown, for a support request. Install hints name the system packages (``pcscd``, ``vsmartcard-vpcd``), which is
what a user of ``pip install`` can act on. The codes are the same in pcsc-lite and winscard.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import sys

from testbench.i18n import _t, translator

E_INVALID_HANDLE = 0x80100003
E_UNKNOWN_READER = 0x80100009
E_TIMEOUT = 0x8010000A
E_SHARING_VIOLATION = 0x8010000B
E_NO_SMARTCARD = 0x8010000C
F_COMM_ERROR = 0x80100013
E_NOT_TRANSACTED = 0x80100016
E_READER_UNAVAILABLE = 0x80100017
E_NO_SERVICE = 0x8010001D
E_SERVICE_STOPPED = 0x8010001E
E_NO_READERS_AVAILABLE = 0x8010002E
W_UNRESPONSIVE_CARD = 0x80100066
W_UNPOWERED_CARD = 0x80100067
W_RESET_CARD = 0x80100068
W_REMOVED_CARD = 0x80100069

#: The bench could not take the card for one sequence of its commands (a PC/SC transaction) in the time allowed:
#: another program keeps it in a transaction of its own. Not the card's fault, and said so.
HELD_BY_ANOTHER = _t(
    "une autre application utilise la carte du lecteur « {reader} » sans la libérer : le banc n'a pas pu faire"
    " ses échanges sans qu'elle les interrompe ; recommencez quand elle a fini"
)

_GONE = "le lecteur « {reader} » est introuvable (débranché ?)"
_MUTE = "la carte du lecteur « {reader} » ne répond pas (mal insérée ou muette)"
_SENTENCES = {
    E_SHARING_VIOLATION: "le lecteur « {reader} » est utilisé en exclusivité par une autre application : "
    "fermez-la ou attendez qu'elle libère la carte, puis recommencez",
    E_NO_SMARTCARD: "aucune carte dans le lecteur « {reader} »",
    W_REMOVED_CARD: "la carte a été retirée du lecteur « {reader} »",
    E_UNKNOWN_READER: _GONE,
    E_READER_UNAVAILABLE: _GONE,
    W_UNRESPONSIVE_CARD: _MUTE,
    W_UNPOWERED_CARD: _MUTE,
    W_RESET_CARD: "la carte du lecteur « {reader} » a été réinitialisée par une autre application",
    E_NOT_TRANSACTED: "l'échange avec la carte du lecteur « {reader} » a échoué (carte retirée ou muette)",
    F_COMM_ERROR: "erreur de communication avec le lecteur « {reader} » (lecteur débranché ?)",
    E_TIMEOUT: "le lecteur « {reader} » n'a pas répondu à temps",
    E_INVALID_HANDLE: "la connexion au service PC/SC a été perdue (service redémarré ?) : recommencez",
}
_SBIN = ("/usr/sbin", "/usr/local/sbin", "/sbin")  # pcscd's home, often outside a user's PATH


def _code(hr: int) -> str:
    return f"0x{hr & 0xFFFFFFFF:08X}"


def pcscd_installed() -> bool:
    """True when a ``pcscd`` program is found (PATH, then the sbin folders)."""
    path = os.pathsep.join([os.environ.get("PATH", ""), *_SBIN])
    return shutil.which("pcscd", path=path) is not None


def service_message(lang: str | None = None) -> str:
    """The PC/SC service does not answer: not installed, or installed and not running."""
    t = translator(lang)
    if os.name == "nt":
        return t(
            "le service Windows « Carte à puce » (SCardSvr) ne tourne pas : branchez un lecteur ou démarrez ce service"
        )
    if sys.platform == "darwin":
        return t("le service PC/SC du système ne répond pas : débranchez et rebranchez le lecteur")
    if not pcscd_installed():
        return t(
            "pcscd n'est pas installé : installez le paquet système pcscd (et vsmartcard-vpcd pour les "
            "lecteurs virtuels), puis démarrez le service pcscd"
        )
    return t("pcscd est installé mais ne tourne pas : démarrez-le (sudo systemctl start pcscd.socket, ou sudo pcscd)")


def no_reader_message(lang: str | None = None) -> str:
    """The service answers but sees no reader."""
    return translator(lang)(
        "le service PC/SC tourne mais ne voit aucun lecteur : branchez un lecteur de cartes ; pour des "
        "lecteurs virtuels, installez le paquet système vsmartcard-vpcd puis redémarrez pcscd"
    )


#: Why vpcd did not take a virtual card's connection, in French (the OS's own words are its language's).
_SOCKET_REASONS = {
    errno.ECONNREFUSED: "connexion refusée",
    errno.ETIMEDOUT: "délai dépassé",
    errno.ECONNRESET: "connexion interrompue",
    errno.ECONNABORTED: "connexion interrompue",
    errno.EHOSTUNREACH: "hôte injoignable",
    errno.ENETUNREACH: "hôte injoignable",
}


def vpcd_message(port: int, exc: OSError, lang: str | None = "fr") -> str:
    """vpcd refused or ignored a virtual card's connection: a sentence, never the OS's ``[Errno …]`` text."""
    t = translator(lang)
    if isinstance(exc, socket.timeout | TimeoutError):
        reason = t("délai dépassé")
    elif exc.errno in _SOCKET_REASONS:
        reason = t(_SOCKET_REASONS[exc.errno])
    else:
        reason = t("erreur système {code}").format(code=errno.errorcode.get(exc.errno or 0, exc.errno or "?"))
    return t("le lecteur virtuel vpcd ne répond pas sur le port {port} ({reason})").format(port=port, reason=reason)


#: A vpcd port none of the running pcscd's readers listens on (``cards emulate --reader N`` past its readers).
NO_VPCD_READER = _t("pas de lecteur virtuel numéro {number}, port {port} (lecteurs 0 à {last})")
#: … the same for a port given with ``--port`` outside the readers' numbering.
NO_VPCD_PORT = _t("pas de lecteur virtuel sur le port {port} (lecteurs 0 à {last} : --reader N donne leur port)")


def vpcd_unreachable(port: int, exc: OSError, *, by_port: bool = False) -> str:
    """Why a virtual card could not be put on vpcd ``port``, in French. A port that none of the running pcscd's
    numbered readers listens on is said with the readers it has: pcscd is not at fault. Otherwise vpcd's refusal
    and the likely causes (pcscd not running, its vpcd driver missing). ``by_port``: the person gave the port
    (``--port``), not a reader number: the port is what is said, never a reader number they did not give."""
    from .reader_pools import vpcd_number

    count, number = vpcd_reader_count(), vpcd_number(port)
    if count and (number is None or (by_port and number >= count)):
        return NO_VPCD_PORT.format(port=port, last=count - 1)
    if count and number is not None and number >= count:
        return NO_VPCD_READER.format(number=number, port=port, last=count - 1)
    return vpcd_message(port, exc) + " : le service pcscd tourne-t-il, avec le paquet vsmartcard-vpcd installé ?"


def vpcd_reader_count() -> int:
    """How many of vpcd's numbered readers (0, 1, 2…) pcscd lists, in a row from 0; 0 when pcscd does not answer."""
    from .api import CardUnavailable
    from .pcsc import list_readers
    from .reader_pools import vpcd_name

    try:
        listed = set(list_readers())
    except CardUnavailable:
        return 0
    count = 0
    while (name := vpcd_name(count)) is not None and name in listed:
        count += 1
    return count


def pcsc_message(hr: int, reader: str = "", lang: str | None = None, fallback: str = "") -> str:
    """The sentence for a PC/SC code about ``reader``; ``fallback`` (French, may use ``{reader}``) otherwise."""
    hr &= 0xFFFFFFFF
    t = translator(lang)
    if hr in (E_NO_SERVICE, E_SERVICE_STOPPED):
        return service_message(lang)
    if hr == E_NO_READERS_AVAILABLE:
        return no_reader_message(lang)
    known = _SENTENCES.get(hr)
    if known:
        return t(known).format(reader=reader)
    text = t(fallback or "erreur PC/SC inattendue avec le lecteur « {reader} »").format(reader=reader)
    if hr in (0, 0xFFFFFFFF):  # no code given (pyscard's own checks)
        return text
    return text + t(" (code PC/SC {code})").format(code=_code(hr))  # for a support request
