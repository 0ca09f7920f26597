"""A known name or birth date a line break cut in an application's message written over two lines (audit s31).

Session 30 masked a known number so cut (« NIR 1 80 01 99 » then « 999 001 68 »); a name cut inside its word by a
logger that wraps at a fixed width (« Patient PAUL ES » then « SAI, né le 15/01/ » then « 1980 ») and a birth date cut
after a separator were still readable once the two lines were put side by side. The end of a line is now read with
the start of the next line of its source when both sides of the break are of a value's kind; a break after a space
(a word whole on each line) and a next line that starts with a timestamp are no cut.
"""

from __future__ import annotations

import random

from testbench.report.personal import Scrubber
from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor


def _known() -> KnownValues:
    known = KnownValues()
    known.add("nir", "180019999900168")
    known.add("birth_date", "19800115")
    known.add_card_fields({"name": "ESSAI", "first_name": "PAUL"})
    return known


def test_a_name_cut_inside_its_word_is_masked_on_both_lines() -> None:
    rows = [("app", "Patient PAUL ES"), ("engine", "ok"), ("app", "SAI, droits ouverts")]
    scrub = Scrubber(True, _known())
    out = scrub.trace_lines(rows)
    assert out == ["Patient ‹NOM›", "ok", "‹NOM›, droits ouverts"]
    assert scrub.counts["name"] == 1


def test_a_birth_date_cut_after_a_separator_is_masked_on_both_lines() -> None:
    for first, second in [("né le 15/01/", "1980 à Paris"), ("naissance 1980-01-", "15 lue"), ("le 15.01.19", "80 !")]:
        scrub = Scrubber(True, _known())
        out = scrub.trace_lines([("app", first), ("app", second)])
        assert "1980" not in "".join(out) and "15" not in out[1], out
        assert out[0].endswith("‹DATE_NAISSANCE›") and out[1].startswith("‹DATE_NAISSANCE›"), out
        assert scrub.counts["birth_date"] == 1


def test_the_name_rule_of_one_word_holds_across_the_break() -> None:
    """« Essai » capitalised is the name, as on one line; « essai » in lower case the language's word."""
    out, counts = Redactor(known=_known()).redact_lines(["assuré Es", "sai lu", "un es", "sai de lecture"])
    assert out == ["assuré ‹NOM›", "‹NOM› lu", "un es", "sai de lecture"]
    assert counts["name"] == 1


def test_a_break_after_a_space_or_before_a_timestamp_is_no_cut() -> None:
    lines = ["Patient ES ", "SAIGNEMENT", "code ES", "2026-12-07 10:00:00 SAI ouvert", "né le 15/01/ ", "1980 pièces"]
    out, counts = Redactor(known=_known()).redact_lines(lines)
    assert out == lines and not counts


def test_the_cut_is_read_within_one_source() -> None:
    rows = [("app", "Patient ES"), ("engine", "SAI ok")]
    assert Scrubber(True, _known()).trace_lines(rows) == ["Patient ES", "SAI ok"]


def test_ordinary_text_wrapped_at_any_width_keeps_every_word() -> None:
    """A French log cut at every width from 8 to 40 columns, as a logger that wraps at a fixed width cuts words
    anywhere: nothing taken for a name or a birth date (its pieces « es », « sai », « 19 », « 80 » occur in it)."""
    rnd = random.Random(31)
    words = [
        "essai", "de", "lecture", "des", "droits", "en", "1980", "puis", "saisie", "la", "facture", "esthétique",
        "15/01", "pour", "le", "lot", "19", "80", "1 80", "01/1980",
    ]  # fmt: skip
    text = " ".join(rnd.choice(words) for _ in range(400))
    for width in range(8, 41):
        lines = [text[i : i + width] for i in range(0, len(text), width)]
        out, counts = Redactor(known=_known()).redact_lines(lines)
        assert out == lines and not counts, (width, counts)
