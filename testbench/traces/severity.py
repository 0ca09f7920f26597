"""Whether a trace line is an alert: what every display of trace lines shows in red.

One decision, from the two tables that know: the level the line parsers normalise (``parsers.LEVEL_ALIASES``
and the syslog severities: CRIT, CRITICAL, ALERT, EMERG, PANIC and syslog 0–2 are all ``FATAL``), and the
card's status words (``testbench.cards.sw``: success, the warnings, and everything else a refusal or a fault,
« 6982 conditions de sécurité non satisfaites », « 63C2 code porteur … 2 essais restants »…). Words the bench
and the applications write when something goes wrong (« ERROR », « ERREUR », « refus… ») count too.
"""

from __future__ import annotations

import re

from testbench.cards.sw import sw_meaning, sw_ok
from testbench.traces.model import Channel
from testbench.traces.parsers import normalise_level

#: the normalised levels that are alerts (``parsers.normalise_level``)
ALERT_LEVELS = frozenset({"ERROR", "FATAL"})
#: words of a line, in any case, that say something went wrong
ALERT_WORDS = ("ERROR", "ERREUR", "REFUS")
#: status words that are no alert: warnings (62xx, memory unchanged) and « Le incorrect » (6Cxx), which the card
#: layer answers by sending the command again; success (9000, 61xx) is ``sw_ok``
_NOT_ALERTS = (0x62, 0x6C)
#: an APDU line's response (``runner.tracing.format_apdu``, ``cards.trace``): its bytes, then the status word
_APDU_STATUS = re.compile(r"A<< (?:[0-9A-F]{2} )*(?P<sw>[0-9A-F]{4})\b")
#: a status word in another line (an engine's, the bench's), upper-cased: named as one (« SW 6982 », « sw=9840 »,
#: « 0x6985 »), or written with a hex letter (« 6A82 ») — four bare digits are more often an amount or a year
_NAMED_STATUS = re.compile(r"\b(?:SW\s*[=:]?\s*|0X)(?P<sw>[0-9A-F]{4})\b|\b(?P<hex>(?=[0-9]*[A-F])[0-9A-F]{4})\b")
_UNKNOWN = sw_meaning(0x0000)  # the table's word for a status word it does not know


def card_alert(sw: int) -> bool:
    """Whether the card's status word ``sw`` says it refused the command or failed (cards.sw's table)."""
    return not sw_ok(sw) and sw >> 8 not in _NOT_ALERTS


def is_alert(channel: str, text: str, level: str | None = None) -> bool:
    """Whether a trace line (as recorded, French) is an alert: its level ERROR or FATAL (any alias the parsers
    read: CRITICAL, EMERG, syslog 2…), a card status word that is a refusal or a fault, or a word of failure."""
    if normalise_level(level) in ALERT_LEVELS:
        return True
    upper = text.upper()
    if any(word in upper for word in ALERT_WORDS):
        return True
    if channel == Channel.APDU and (found := _APDU_STATUS.search(upper)) is not None:
        return card_alert(int(found["sw"], 16))
    for found in _NAMED_STATUS.finditer(upper):
        sw = int(found["sw"] or found["hex"], 16)
        if sw_meaning(sw) != _UNKNOWN and card_alert(sw):  # a word the table knows: not any hex (« CAFE »)
            return True
    return False
