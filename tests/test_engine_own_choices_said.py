"""What the rules do not give is said to be the project's own (audit s26 D7, D8): 0450 072 as a partial
payment's reason, the 2000-01-01 start of the rate tables."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_0450_072_is_not_called_the_real_code_of_a_partial_payment() -> None:
    doc = (REPO / "docs" / "reference-engine.md").read_text(encoding="utf-8")
    assert "the real code of a typical partial payment" not in doc
    assert "its use as a partial payment's reason\n  is **our** choice" in doc
    book = (REPO / "casebooks" / "psad-lots-retours.xml").read_text(encoding="utf-8")
    assert "fichier caisse » (code réel)" not in book and "paiement partiel est un choix de testbench" in book


def test_the_rate_tables_start_is_said_to_be_ours() -> None:
    doc = (REPO / "docs" / "reference-engine.md").read_text(encoding="utf-8")
    assert "The rows' start, 2000-01-01, is **ours** (no source gives one)" in doc
    book = (REPO / "casebooks" / "psad-regles-refus.xml").read_text(encoding="utf-8")
    assert book.count("choisi par testbench") == 2
