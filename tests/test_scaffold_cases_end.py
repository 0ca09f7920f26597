"""`new case` inserts before the casebook's own </cases>, not one written in a comment (audit s21, 6)."""

from __future__ import annotations

from testbench.casebook.scaffold import insert_case

CASE = '<case id="NEW"/>'


def test_a_closing_tag_in_a_trailing_comment_is_not_the_one() -> None:
    text = '<casebook>\n  <cases>\n    <case id="A"/>\n  </cases>\n<!-- ancien : </cases> -->\n</casebook>\n'
    result = insert_case(text, CASE)
    assert result.index('<case id="NEW"/>') < result.index("  </cases>\n<!--")
    assert result.endswith("  </cases>\n<!-- ancien : </cases> -->\n</casebook>\n")


def test_a_closing_tag_in_a_cdata_section_is_not_the_one() -> None:
    case = '<case id="A"><comment><![CDATA[</cases>]]></comment></case>'
    text = f"<casebook>\n  <cases>\n    {case}\n  </cases>\n</casebook>\n"
    result = insert_case(text, CASE)
    assert result.index("NEW") > result.index("CDATA")
    assert result.index("NEW") < result.index("  </cases>\n</casebook>")
