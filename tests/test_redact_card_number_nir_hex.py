"""The NIR inside a Vitale card number is masked in hex as it is in text (privacy audit, finding 4).

Our virtual card's number (EF 2F02, tag 5A) holds the body of the holder's NIR between zeros
(testbench.cards.virtual): by structure the whole number is masked, and by content the 13 digits of a known NIR
are found among other digits, as the text rule finds them (``0000‹NIR›0``).
"""

from __future__ import annotations

from testbench.cards.api import ApduExchange
from testbench.cards.profile import load_profile
from testbench.cards.virtual import vitale_files
from testbench.paths import CARD_PROFILES_DIR
from testbench.runner.tracing import format_apdu
from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor

NIR = "180019999900168"
BODY = NIR[:13]


def _hex(text: str, sep: str = " ") -> str:
    return sep.join(f"{ord(c):02X}" for c in text)


def test_the_card_number_is_masked_by_structure_and_its_nir_by_content() -> None:
    pan = vitale_files(load_profile(CARD_PROFILES_DIR / "vitale2-adult-standard.xml"))["pan"]
    line = format_apdu(ApduExchange("vitale", "lecteur", bytes.fromhex("00B0820000"), pan, 0x9000, 10))
    masked = Redactor().redact(line)  # no known value: the card number by its tag
    assert "‹n° de carte masqué, 18 octets›" in masked and "5A 12 ‹" in masked, masked
    assert Redactor(lang="en").redact(line).count("card number redacted") == 1
    known = KnownValues()
    known.add("nir", NIR)
    redactor = Redactor(known=known)
    for text in (  # a product's own log of the same read
        "A<< 5A 12 30 30 30 30 31 38 30 30 31 39 39 39 39 39 30 30 31 30 90 00",
        "READ BINARY 2F02 -> 5A123030303031383030313939393939303031 30 9000",
        "carte 5a1230303030313830303139393939393030313930",
    ):
        out = redactor.redact(text)
        assert _hex(BODY) not in out and _hex(BODY, "") not in out.upper().replace(" ", ""), out
        assert "‹NIR masqué, 13 octets›" in out, out
