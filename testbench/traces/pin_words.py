"""The words that label a PIN or a secret, in one place: the redaction rules look for them before their patterns,
and a writer of a little text (a run's command line) asks them first, so as not to load the rules for nothing."""

from __future__ import annotations

import functools
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
#: labels looked for after their own substring (in the pattern above they slowed the search of every JSON row that
#: holds « shipping »): a call « VERIFY(0x81, "4719") », a code said to be the CPS's (« Code: 4719 (CPS) »)
_VERIFY_CALL = re.compile(r"(?<![a-z])verify\w*[ \t]*\(")
_CODE_FOR_CPS = re.compile(r"code\W{1,5}\d[\d ]{3,15}\((?:carte[ ]+)?cps\)")
#: « pin » starting a word of a camelCase name (« enterPin=4719 »), which the lowered text no longer tells
_CAMEL_PIN = re.compile(r"[a-z](?:PIN|Pin)")
_CODE_STEMS = ("pin", "porteur", "cps", "blocage", "puk")
#: the compatibility characters that can write a label or a code (« ＰＩＮ＝４７１９ »): the only ones whose NFKC
#: form changes what a label search finds (a no-break space between words changes no word)
FULL_WIDTH = re.compile("[\uff01-\uff5e]")
_SECRET_LABEL = re.compile(r"confidentiel|passw|pwd|mdp|secret|mot[ _-]?de[ _-]?passe")

# A card command that carries a code — VERIFY (INS 20, 21), CHANGE REFERENCE DATA (24), RESET RETRY COUNTER (2C) —
# as an engine or a proxy dumps it on its stderr: no word labels it, so each form a rule reads one in is looked for
# here too, by the rule's own first test (the rules import these) or a wider one.
#: in hex, packed or one separator between bytes, either case: INS, P1, P2, Lc
COMMAND_HEX = re.compile(r"2[014cC][\s:-]?(?:0[0-3]|8[01])[\s:-]?[0-9A-Fa-f]{2}[\s:-]?(?:0[1-9a-fA-F]|10)")
#: as a program writes bytes: ``\\x`` escapes from a class byte on, a C array (``0x00, 0x20``), a list of numbers
#: (``[0, 32, 0, 129, …]``, Java's signed bytes too: the class byte and its comma always before the INS)
ESCAPED_COMMAND = re.compile(r"\\x(?:00|80|[bB][cC])")
C_HEX_COMMAND = re.compile(r"0[xX](?:0?0|80|[bB][cC])[ \t]*,?[ \t]*0[xX]2[014cC](?![0-9a-fA-F])")
DECIMAL_COMMAND = re.compile(r",[ \t]*(?:3[236]|44)[ \t]*,[ \t]*(?:[0-3]|12[89]|-12[78])[ \t]*,")
#: in base64 (either alphabet): the characters a class byte (00, 80, BC), an INS, a P1 (00-03, 80, 81) and an Lc
#: (01-10) decide, at each of the three places its bytes can start in base64's groups of three bytes (« ACAAgQg0NzE5 »
#: is 00 20 00 81 08 « 4719 »), grouped by their first character; ``_P2`` is the P2's (a URL may write it « %2F »)
_P2 = r"(?:%2[BbFf]|.)"
_COMMAND_B64 = (
    rf"A(?:[ghks][Ag]{_P2}[048AEIMQUYcgkosw][B-Q]|[IJL][AIQY][A-P]{_P2}[A-E])",  # class 00 or 80
    rf"C(?<=[Agv]C)[ACEGQSwy][A-D]{_P2}[ABQRghwx]",  # any class, starting a group
    rf"w[ghks][Ag]{_P2}[048AEIMQUYcgkosw][B-Q]",  # class BC, 2nd character of a group
    rf"8[IJL][AIQY][A-P]{_P2}[A-E]",  # class BC, 3rd character of a group
    # the label « pin », « PIN », « Pin » at each place (a JSON body: « eyJwaW4iOiI0NzE5In0= » is {"pin":"4719"})
    r"G(?<=cG)lu|U(?:ElO|Glu)|B(?:pb|JT)|W(?<=waW)|Q(?:SU|aW)",
)
#: a code's data block without its command (« PIN data: 34373139FFFFFFFF », « pinBlock=NDcxOf////8= »): four ASCII
#: digits (30-39) in hex, packed, spaced, grouped or split as a hexdump writes them, then more digits and FF padding;
#: or its base64 — three digits at the start of a group, FF padding making its « //8 » (« P8 », « f8 », « v8 »
#: after a seventh digit) at the 10th and 11th characters
PIN_BLOCK_HEX = r"3[0-9](?:[ \t:-]{0,2}3[0-9]){3}(?:[ \t:-]{0,2}3[0-9]){0,3}[ \t:-]{0,2}[fF]{2}"
PIN_BLOCK_B64 = r"[MNO][DTjz][AEIMQUYcgk][w-z0-5][A-Za-z0-9+/_-]{5}[Pfv/_]8"
#: the forms in two searches, bytes then base64 (a search per form cost more in calls than the scan of most lines;
#: one search of them all is a pattern too long to compile on every run), each alternative starting with one
#: literal character, so the regex engine skips to the next of a dozen characters
_COMMAND_BYTES = re.compile(
    "|".join(p.pattern for p in (COMMAND_HEX, ESCAPED_COMMAND, C_HEX_COMMAND, DECIMAL_COMMAND))
)
_COMMAND_BASE64 = re.compile("|".join(_COMMAND_B64))
#: the blocks in searches of their own: in the one above, they cost three times as much
_PIN_BLOCK = re.compile(PIN_BLOCK_HEX)
_PIN_BLOCK_B64 = re.compile(PIN_BLOCK_B64)
_WRAP = re.compile(r"[ \t]*\r?\n[ \t]*")


def may_hold_command(text: str) -> bool:
    """Whether ``text`` may hold a command that carries a code, in a form the rules read one in (hex, base64, a
    program's bytes), or a code's data block alone; a base64 token wrapped over lines is read joined too."""
    if _command(text) or _PIN_BLOCK.search(text) is not None:
        return True
    if "8" in text and _PIN_BLOCK_B64.search(text) is not None:
        return True
    return "\n" in text and _command(_WRAP.sub("", text))


def _command(text: str) -> bool:
    return _COMMAND_BYTES.search(text) is not None or _COMMAND_BASE64.search(text) is not None


def may_hold_pin(text: str) -> bool:
    """Whether ``text`` may hold a PIN or a secret: a secret's label, a code's label and a digit, or a command that
    carries a code (:func:`may_hold_command`: an engine's stderr dumps one with no word around it). Other text holds
    none a rule of testbench.traces.redact masks (« read_cps », « cartes virtuelles (vitale, cps) » need no rule) but
    a code labelled otherwise than « pin » written in base64, which only the capture's full pass finds.
    A text with a NUL character is handed to the rules, which read it without its NULs; a text in compatibility
    characters is read in NFKC, as the rules read it."""
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
    labelled = (
        labelled
        or ("verify" in lowered and _VERIFY_CALL.search(lowered) is not None)
        or ("cps)" in lowered and _CODE_FOR_CPS.search(lowered) is not None)
    )
    if labelled and any(c.isdigit() for c in text):
        return True
    return may_hold_command(text) or names_known_code(lowered)


@functools.cache
def _bundled_pins() -> frozenset[str]:
    """The codes of the bench's own test cards (their profiles in testbench.paths.CARD_PROFILES_DIR), read once,
    the first time a text holds « code » and a digit."""
    from testbench.cards.pin import known_test_codes
    from testbench.paths import CARD_PROFILES_DIR

    return known_test_codes(CARD_PROFILES_DIR)


def known_test_pins() -> frozenset[str]:
    """The codes of the bench's own test cards, and of every card profile read in this process (a casebook's own,
    given by path, kept anywhere: audit s37)."""
    from testbench.cards.profile import loaded_codes

    return _bundled_pins() | loaded_codes()


def known_code_pattern() -> re.Pattern[str] | None:
    """A known test card's code (:func:`known_test_pins`) after the word « code », a few words without a digit
    between (« code 4719 », « code : 4719 », « code carte 4719 », « le code est 4719 », « saisi le code 4719 sur le
    lecteur »): the bench knows these values, so no label is needed; « code postal 75011 », whose number is no test
    card's, stays. None when no profile names a code."""
    return _code_pattern(known_test_pins())


@functools.lru_cache(maxsize=8)
def _code_pattern(codes: frozenset[str]) -> re.Pattern[str] | None:
    """:func:`known_code_pattern` for one set of codes (made again when a profile brings new ones)."""
    pins = sorted(codes, key=len, reverse=True)
    if not pins:
        return None
    return re.compile(
        r"(?i)(?<![a-z])code(?![a-z])[^\d\r\n]{0,30}+(?P<v>(?:" + "|".join(pins) + r"))(?!\d)"
    )


def names_known_code(lowered: str) -> bool:
    """Whether ``lowered`` holds a known test card's code after « code » (:func:`known_code_pattern`)."""
    at = lowered.find("code")
    if at < 0:
        return False
    pattern = known_code_pattern()
    if pattern is None:
        return False
    while at >= 0:  # read where « code » is (a search would try every position of the line)
        if pattern.match(lowered, at) is not None:
            return True
        at = lowered.find("code", at + 4)
    return False


def pin_free(text: str) -> str:
    """``text`` with its PINs masked: the one rule for what is written to a file the bench keeps (the session, a
    manual step's draft; docs/traces.md: a PIN never reaches the session file). The rules are loaded for a text
    that may hold a PIN only (most texts hold none)."""
    if not may_hold_pin(text):
        return text
    from testbench.traces.redact import redact_pins

    return redact_pins(text)
