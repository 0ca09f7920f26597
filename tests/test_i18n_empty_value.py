"""A composed sentence whose value is empty still reads back in English (a placeholder may match nothing)."""

from testbench.i18n import english


def test_empty_value_in_a_composed_sentence_is_read_back() -> None:
    assert english("le lecteur «  » est introuvable (débranché ?)") == "reader “” cannot be found (unplugged?)"


def test_non_empty_value_unchanged() -> None:
    assert english("le lecteur « X1 » est introuvable (débranché ?)") == "reader “X1” cannot be found (unplugged?)"
