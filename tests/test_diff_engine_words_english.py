"""``testbench diff --lang en``: the product's environment says the bench's own engines' recorded French words
(« opérateur », « logiciel sous test », « reference (non certifié) ») as the English report's cover does."""

from __future__ import annotations

from testbench.report.diff import SessionDiff, to_html, to_json, to_text
from testbench.report.diff_bench import EnvChange

DIFF = SessionDiff(
    "a.tbsession",
    "b.tbsession",
    [],
    product=[
        EnvChange("moteur", "testbench-reference 0.1.0", "opérateur"),
        EnvChange("version du socle", "reference (non certifié)", "logiciel sous test"),
        EnvChange("logiciel testé", "opérateur 1.0", "—"),  # a product's own name stays as recorded
    ],
)


def test_english_text_html_and_json_translate_the_engines_words() -> None:
    text = to_text(DIFF, lang="en")
    assert "  engine: testbench-reference 0.1.0 → operator" in text
    assert "  SESAM-Vitale core version: reference (not certified) → software under test" in text
    assert "opérateur 1.0 → —" in text
    html = to_html(DIFF, "en")
    assert "testbench-reference 0.1.0 → operator" in html and "non certifié" not in html
    product = to_json(DIFF, "en")["environment"]["product"]
    assert [(e["before"], e["after"]) for e in product[:2]] == [
        ("testbench-reference 0.1.0", "operator"),
        ("reference (not certified)", "software under test"),
    ]


def test_french_keeps_the_recorded_words() -> None:
    text = to_text(DIFF, lang="fr")
    assert "  moteur : testbench-reference 0.1.0 → opérateur" in text
    assert "  version du socle : reference (non certifié) → logiciel sous test" in text
