"""The words that label a PIN or a secret, in one place: the redaction rules look for them before their patterns,
and a writer of a little text (a run's command line) asks them first, so as not to load the rules for nothing."""

from __future__ import annotations

import re
import unicodedata

#: a code's labels (« code porteur : 4719 », « PIN=4719 », « codecps4719 », « code de déblocage », « PUK »): a code
#: has digits. « cps » alone labels nothing (the rules read it next to « code » or « pin » only): an engine's
#: « read_cps ok rpps=… » asks no rule
CODE_WORDS = ("pin", "porteur", "codecps", "code cps", "code_cps", "code-cps", "blocage", "puk")
#: the labels built around « code » (« CPS code », « unblock code », « code d'accès », « code de déverrouillage »,
#: « ancien code 4719 nouveau code 7031 »), looked for in a text that holds « code » only: « code retour » is in
#: every other line of a log, and these words alone in many more (:func:`names_code_phrase`)
_WORD_BEFORE_CODE = re.compile(
    r"(?<![a-z])(?:cps|access|cardholder|unblock(?:ing)?|ancien|nouvel|nouveau|old|new)[ _-]?$"
)
_WORDS_AFTER_CODE = re.compile(r"[ _-]?(?:d['’]acc[eè]s|(?:de[ _-]?)?d[ée]verrouillage)")


def names_code_phrase(lowered: str) -> bool:
    """Whether the lowered text holds one of those labels: each « code » found as a substring (fast), then the
    word just before it or just after it read — one small pattern each, where a single pattern would try every
    position of the line (five times slower on a log line holding « code retour »)."""
    at = lowered.find("code")
    while at >= 0:
        if _WORD_BEFORE_CODE.search(lowered, max(0, at - 12), at) or _WORDS_AFTER_CODE.match(lowered, at + 4):
            return True
        at = lowered.find("code", at + 4)
    return False


#: a secret's labels (« password=… », « mdp : … », « mot de passe »), whatever it is made of — not « pass » alone:
#: every comparison the store writes says « "outcome":"pass" »
SECRET_WORDS = ("confidentiel", "password", "passwd", "passe", "pwd", "mdp", "secret")
PIN_WORDS = CODE_WORDS + SECRET_WORDS
#: the labels as the rules see them, for :func:`may_hold_pin`: « pin » starting a word or after « user »/« code »/
#: « verify » (an invoice's « shipping » in every observation set is none), « mot de passe » (its « depassement »
#: is none)
_CODE_LABEL = re.compile(
    r"(?<![a-z])pin|(?:user|code|verify)[ _-]?pin|porteur|code[ _-]?cps|code[ _-]?(?:de[ _-]?)?d[ée]blocage"
    r"|(?<![a-z])puk(?![a-z])"
)
#: « pin » starting a word of a camelCase name (« enterPin=4719 »), which the lowered text no longer tells
_CAMEL_PIN = re.compile(r"[a-z](?:PIN|Pin)")
_CODE_STEMS = ("pin", "porteur", "cps", "blocage", "puk")
#: the compatibility characters that can write a label or a code (« ＰＩＮ＝４７１９ »): the only ones whose NFKC
#: form changes what a label search finds (a no-break space between words changes no word)
FULL_WIDTH = re.compile("[\uff01-\uff5e]")
_SECRET_LABEL = re.compile(r"confidentiel|passw|pwd|mdp|secret|mot[ _-]?de[ _-]?passe")


def may_hold_pin(text: str) -> bool:
    """Whether ``text`` may hold a PIN or a secret: a secret's label, or a code's label and a digit. Other text
    holds none a rule of testbench.traces.redact masks but the APDU and base64 ones, which typed words never hold
    (« read_cps », « cartes virtuelles (vitale, cps) » need no rule). A text with a NUL character is handed to the
    rules, which read it without its NULs; a text in compatibility characters is read in NFKC, as the rules read
    it."""
    if "\x00" in text:  # UTF-16 read in another encoding: « P\x00I\x00N\x00 », a label the rules read
        return True
    if not text.isascii() and FULL_WIDTH.search(text) is not None:
        text = unicodedata.normalize("NFKC", text)  # full-width « ＰＩＮ »: read as the rules do
    lowered = text.lower()  # the words first (a substring test is cheap), the pattern only where one is there
    if any(word in lowered for word in SECRET_WORDS) and _SECRET_LABEL.search(lowered) is not None:
        return True
    labelled = (
        any(word in lowered for word in _CODE_STEMS)
        and (_CODE_LABEL.search(lowered) is not None or _CAMEL_PIN.search(text) is not None)
    ) or names_code_phrase(lowered)  # « code » alone is in every other record (code_regime…): looked at where found
    return labelled and any(c.isdigit() for c in text)
