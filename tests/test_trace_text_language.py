"""The bench's words in trace lines read in the reader's language: the APDU status word's meaning included.

The session keeps the French the bench wrote (« 9000 succès »); ``traces.trace_text`` shows it in English
on request, the bytes, duration and reader as recorded, and a French reader gets the line itself.
"""

from __future__ import annotations

import re

import pytest

from testbench.cards.api import ApduExchange
from testbench.cards.sw import _EXACT, sw_meaning
from testbench.cli.main import main
from testbench.i18n import english, translator
from testbench.paths import CARD_PROFILES_DIR as CARDS
from testbench.runner.tracing import format_apdu
from testbench.traces.bench_text import trace_text

#: every status word of cards/sw.py: the exact ones and one of each family
WORDS = [*_EXACT, 0x6111, 0x6100, 0x6C6E, 0x63C0, 0x63C1, 0x63C2, 0x6200, 0x6300, 0x6400, 0x6500, 0x6900, 0x6A00]
WORDS.append(0x1234)  # unknown


def line(sw: int, response: bytes = b"\x6f\x0f\x84") -> str:
    return format_apdu(ApduExchange("Virtual PCD 00 01", "cps", bytes.fromhex("00B0000000"), response, sw, 10))


@pytest.mark.parametrize("sw", WORDS, ids=lambda sw: f"{sw:04X}")
def test_each_status_word_reads_in_english_and_the_rest_of_the_line_as_recorded(sw: int) -> None:
    french = line(sw)
    shown = trace_text("apdu", french, translator("en"))
    meaning = sw_meaning(sw)
    assert meaning not in shown
    assert shown == french.replace(f"{sw:04X} {meaning}", f"{sw:04X} {english(meaning)}")
    assert trace_text("apdu", french, translator("fr")) is french


def test_a_line_of_the_campaign_diff_reads_in_english_too() -> None:
    """The diff normalises the duration and the reader into markers and the spaces into one."""
    normalised = "A>> 00 C0 00 00 11 A<< 6111 17 octets de réponse disponibles (GET RESPONSE) (‹durée›) [cps@‹lecteur›]"
    assert trace_text("apdu", normalised, translator("en")) == (
        "A>> 00 C0 00 00 11 A<< 6111 17 response bytes available (GET RESPONSE) (‹durée›) [cps@‹lecteur›]"
    )


def test_the_other_channels_stay_as_recorded() -> None:
    text = "9000 succès  (0.01 ms) [cps@x]"  # an application that writes an APDU-like line of its own
    for channel in ("app", "engine", "http"):
        assert trace_text(channel, text, translator("en")) == text
    for other in ("A<< 9000 succès (d'après le lecteur)", "A<< 9000 succès"):  # not the bench's APDU line's shape
        assert trace_text("apdu", other, translator("en")) == other


def test_the_tries_left_agree_with_their_number_in_both_languages() -> None:
    assert [sw_meaning(sw) for sw in (0x63C0, 0x63C1, 0x63C2)] == [
        "code porteur non vérifié ou faux, 0 essai restant",
        "code porteur non vérifié ou faux, 1 essai restant",
        "code porteur non vérifié ou faux, 2 essais restants",
    ]
    assert [english(sw_meaning(sw)) for sw in (0x63C0, 0x63C1, 0x63C2)] == [
        "PIN not verified or wrong, 0 tries left",
        "PIN not verified or wrong, 1 try left",
        "PIN not verified or wrong, 2 tries left",
    ]
    assert not [sw for sw in WORDS if re.search(r"\(s\)", sw_meaning(sw))]
    # a session recorded before the count agreed still reads in English
    old = "code porteur non vérifié ou faux, 3 essai(s) restant(s)"
    assert english(old) == "PIN not verified or wrong, 3 tries left"


def test_cards_probe_trace_says_each_status_word_in_the_language_asked(pcsc_bay, capsys) -> None:
    """``cards probe --trace`` over pcscd + vpcd: the exchanges it prints read in English on request."""
    pcsc_bay.present("vitale", CARDS / "vitale2-atmp.xml")
    pcsc_bay.release()
    for lang, word, other in (("en", "success", "succès"), ("fr", "succès", "success")):
        assert main(["cards", "probe", "--reader", "Virtual PCD 00 00", "--trace", "--lang", lang]) == 0
        err = capsys.readouterr().err
        assert re.search(rf"A<< 9000 \(\d+ µs\) {word}\n", err) and other not in err, err


def test_a_pin_not_presented_says_the_tries_left_agreeing_in_both_languages() -> None:
    from testbench.cards.inprocess import InProcessBay
    from testbench.cards.pin import verify_test_pin
    from testbench.cards.read import PinRefused, verify_pin
    from testbench.domain.refusal import EngineRefusal

    bay = InProcessBay()
    bay.present("cps", CARDS / "cps3-pin-last-try.xml")  # one try left: the bench does not risk it
    with pytest.raises(EngineRefusal) as refusal:
        verify_test_pin(bay, "cps")
    with pytest.raises(PinRefused) as refused:
        verify_pin(bay, "cps", "0000")
    said = [refusal.value.message, str(refused.value)]
    assert said == [
        "code porteur non présenté : 1 essai restant seulement",
        "code porteur non présenté : 1 essai restant",
    ]
    assert [english(text) for text in said] == ["PIN not presented: only 1 try left", "PIN not presented: 1 try left"]
    unblock = "code de déblocage non présenté : 2 essais restants seulement"
    assert english(unblock) == "unblock code not presented: only 2 tries left"
    # sessions recorded before the count agreed still read in English
    assert (
        english("code porteur non présenté : 1 essai(s) restant(s) seulement") == "PIN not presented: only 1 tries left"
    )


def test_a_teleservice_line_reads_in_english_its_codes_and_bodies_as_recorded() -> None:
    """The bench's words around a simulated téléservice's exchange (services.process.format_record) follow the
    reader; the method, path, scenario and fault codes and the JSON bodies stay as the simulator sent them."""
    from testbench.services.process import format_record

    base = {"service": "adri", "method": "POST", "path": "/adri", "scenario": "droits-ouverts"}
    records = [
        ({"control": "scenario", "service": "adri", "scenario": "droits-ouverts", "fault": "none"},
         "adri: scenario droits-ouverts, no fault"),
        ({**base, "status": 200, "ms": 12, "request": {"nir": "x"}, "answer": {"requête": "réponse · x"}},
         'POST /adri → 200 in 12 ms · scenario droits-ouverts · request {"nir":"x"}'
         ' · answer {"requête":"réponse · x"}'),
        ({**base, "status": 0, "fault": "down", "request": {}},
         "POST /adri → connection closed without an answer · scenario droits-ouverts · fault down · request {}"),
        ({**base, "status": 0, "fault": "timeout", "request": {}},
         "POST /adri → answer held (timeout) · scenario droits-ouverts · fault timeout · request {}"),
    ]  # fmt: skip
    for record, shown in records:
        french, _level = format_record(record)
        assert trace_text("http", french, translator("en")) == shown, french
        assert trace_text("http", french, translator("fr")) is french
    assert trace_text("http", "a line of another shape", translator("en")) == "a line of another shape"


@pytest.mark.parametrize(
    ("operator", "english_name"),
    [
        ("opérateur scripté (application de démonstration)", "scripted operator (demo application)"),
        (
            "démo — attestation préparée (fichier casebooks/demo-attestations.json, pas une personne)",
            "demo — prepared attestation (file casebooks/demo-attestations.json, not a person)",
        ),
        ("Alice Martin", "Alice Martin"),  # a person's name as typed
    ],
)
def test_the_bench_operators_name_in_a_trace_line_reads_in_english(operator: str, english_name: str) -> None:
    """The workstation's trace panes show the runner's line for an attested step in the language shown: the
    bench's own operators (domain.attestation.BENCH_OPERATORS) by their English name, the note as typed."""
    from testbench.domain.attestation import BENCH_OPERATORS

    assert (operator in BENCH_OPERATORS) == (operator != english_name)
    recorded = f"étape manuelle m1 confirmée par {operator} : vu à l'écran"
    shown = trace_text("bench", recorded, translator("en"))
    assert shown == f"manual step m1 confirmed by {english_name}: vu à l'écran"
    assert trace_text("bench", recorded, translator("fr")) == recorded


def test_a_teleservice_answer_time_has_a_decimal_comma_in_french_and_a_point_in_english() -> None:
    """« 200 en 0,035 ms » as the record's French words write a number; the English reader gets "0.035"; a line a
    session recorded before the decimal comma (« 0.035 ») still reads in English and normalises in a diff."""
    from testbench.report.diff import normalise_line
    from testbench.services.process import format_record

    record = {"service": "adri", "method": "POST", "path": "/adri", "scenario": "s", "status": 200, "ms": 0.035,
              "request": {}}  # fmt: skip
    french, _level = format_record(record)
    assert french == "POST /adri → 200 en 0,035 ms · scénario s · requête {}"
    old = french.replace("0,035", "0.035")
    for line in (french, old):
        assert trace_text("http", line, translator("en")) == "POST /adri → 200 in 0.035 ms · scenario s · request {}"
        assert normalise_line(line) == "POST /adri → 200 (‹durée›) · scénario s · requête {}"
