"""The APDU trace line is evidence: its text stays exactly what it was, and no PIN is ever kept to make it.

``format_apdu`` keeps the text of commands and status words it has seen (a campaign sends the same few in
every case); the lines must be the ones the plain formatting gives, in every shape (no data, T=0 status
words, a masked PIN command), and a command that may carry a PIN is masked and never kept.
"""

from __future__ import annotations

from testbench.cards.api import ApduExchange
from testbench.runner import tracing
from testbench.runner.tracing import TraceRecorder, format_apdu

EXCHANGES = [
    ApduExchange("Lecteur virtuel vitale", "vitale", bytes.fromhex("00A40000023F00"), b"", 0x9000, 12),
    ApduExchange("Lecteur virtuel vitale", "vitale", bytes.fromhex("00B0820000"), b"", 0x6C1B, 7),
    ApduExchange("Virtual PCD 00 00", "vitale", bytes.fromhex("00B082001B"), bytes.fromhex("6519800645"), 0x9000, 1234),
    ApduExchange("Virtual PCD 00 01", "cps", bytes.fromhex("00C0000011"), bytes(17), 0x6111, 70),
    ApduExchange("Virtual PCD 00 01", "cps", bytes.fromhex("0020008108") + b"4719\xff\xff\xff\xff", b"", 0x63C2, 5),
    ApduExchange("Virtual PCD 00 01", "cps", bytes.fromhex("0020008108") + b"0000\xff\xff\xff\xff", b"", 0x6983, 0),
    ApduExchange("Virtual PCD 00 01", "cps", bytes.fromhex("00200081"), b"", 0x63C3, 999_999),
]

#: the lines as the plain formatting wrote them before the texts were kept (docs/traces.md); the duration in whole
#: microseconds, which reads the same in French and in English (audit l-f5 7: « (0.25 ms) » in a French report)
EXPECTED = [
    "A>> 00 A4 00 00 02 3F 00  A<< 9000 succès  (12 µs) [vitale@Lecteur virtuel vitale]",
    "A>> 00 B0 82 00 00  A<< 6C1B Le incorrect : renvoyer avec Le = 27  (7 µs) [vitale@Lecteur virtuel vitale]",
    "A>> 00 B0 82 00 1B  A<< 65 19 80 06 45 9000 succès  (1234 µs) [vitale@Virtual PCD 00 00]",
    "A>> 00 C0 00 00 11  A<< " + "00 " * 17 + "6111 17 octets de réponse disponibles (GET RESPONSE)  (70 µs) "
    "[cps@Virtual PCD 00 01]",
    "A>> 00 20 00 81 08 2A 2A 2A 2A 2A 2A 2A 2A  A<< 63C2 code porteur non vérifié ou faux, 2 essais restants  "
    "(5 µs) [cps@Virtual PCD 00 01]",
    "A>> 00 20 00 81 08 2A 2A 2A 2A 2A 2A 2A 2A  A<< 6983 code porteur bloqué  (0 µs) [cps@Virtual PCD 00 01]",
    "A>> 00 20 00 81  A<< 63C3 code porteur non vérifié ou faux, 3 essais restants  (999999 µs) "
    "[cps@Virtual PCD 00 01]",
]


def test_the_apdu_lines_are_the_same_the_first_time_and_the_next() -> None:
    tracing._COMMANDS.clear()
    tracing._STATUS.clear()
    for _ in range(2):  # the second time from the texts kept
        assert [format_apdu(ex) for ex in EXCHANGES] == EXPECTED


def test_a_command_that_may_carry_a_pin_is_never_kept() -> None:
    tracing._COMMANDS.clear()
    for ex in EXCHANGES:
        format_apdu(ex)
    assert tracing._COMMANDS  # the others are
    assert not [cmd for cmd in tracing._COMMANDS if cmd[1] == 0x20 and len(cmd) > 5]
    assert not [text for text in tracing._COMMANDS.values() if "34 37 31 39" in text or "30 30 30 30" in text]


def test_the_recorder_traces_an_apdu_as_emit_would() -> None:
    recorder = TraceRecorder()
    recorder.set_context(7, "s-vitale")
    recorder.apdu_sink(EXCHANGES[2])
    recorder.emit("apdu", EXPECTED[2], source=EXCHANGES[2].reader)
    made, emitted = recorder.attempt_lines()
    assert (made.channel, made.text, made.source, made.attempt_id, made.step_id) == (
        emitted.channel,
        emitted.text,
        emitted.source,
        emitted.attempt_id,
        emitted.step_id,
    )
    assert (made.source_ts, made.level) == (emitted.source_ts, emitted.level) == (None, None)
