"""``testbench diff`` reads the bench's French words in recorded comparison values back in the output's language.

testbench.runner.compare records a trace expectation as « présent /motif/ sur engine » and a refusal not given as
« accepté »: the text and HTML say them in English with ``--lang en``, the JSON keeps them as recorded beside
their ``*_label``, as the report does (testbench.report.recorded).
"""

from __future__ import annotations

from testbench.report.diff import CaseDiff, SessionDiff, ValueChange, to_html, to_json, to_text


def _diff() -> SessionDiff:
    values = [
        ValueChange("t-code", "engine", "", "présent /1241763/ sur engine", "1", "0", kind="trace"),
        ValueChange("r-c2s", "", "", "DEPASSEMENT_NOT_ALLOWED_C2S", "DEPASSEMENT_NOT_ALLOWED_C2S", "accepté",
                    kind="refusal"),
    ]
    case = CaseDiff("PDT-1", "CASE-1", "un cas", "pass", "fail", 1, 1, values=values)
    return SessionDiff("a.tbsession", "b.tbsession", [case])


def test_text_and_html_say_the_bench_words_in_english() -> None:
    text, html = to_text(_diff(), lang="en"), to_html(_diff(), lang="en")
    assert "value t-code engine: 1 → 0 (expected present /1241763/ on engine)" in text
    assert "value r-c2s: DEPASSEMENT_NOT_ALLOWED_C2S → accepted (expected DEPASSEMENT_NOT_ALLOWED_C2S)" in text
    assert "<strong>accepted</strong>" in html
    for shown in (text, html):
        assert "accepté" not in shown and "présent" not in shown and " sur " not in shown


def test_json_keeps_the_recorded_values_and_labels_them_in_english() -> None:
    trace, refusal = to_json(_diff(), "en")["cases"][0]["values"]
    assert trace["expected"] == "présent /1241763/ sur engine"  # data, as recorded: the same in either language
    assert trace["expected_label"] == "present /1241763/ on engine"
    assert refusal["after"] == "accepté" and refusal["after_label"] == "accepted"
    assert refusal["expected_label"] == "DEPASSEMENT_NOT_ALLOWED_C2S"  # a code stays as it is


def test_french_is_as_recorded() -> None:
    text = to_text(_diff(), lang="fr")
    assert "valeur t-code engine : 1 → 0 (attendu présent /1241763/ sur engine)" in text
    assert "valeur r-c2s : DEPASSEMENT_NOT_ALLOWED_C2S → accepté" in text
