"""A case's title in the bench's start line is the casebook's text: the English trace keeps it as written
(teleservices audit, session 19: « refus attendu mais réponse ok » read « refusal attendu mais réponse ok »)."""

from __future__ import annotations

import pytest

from testbench.i18n import translator
from testbench.traces.bench_text import bench_text


@pytest.mark.parametrize("title", ["refus attendu mais réponse ok", "réussi", "erreur HTTP 500 attendue", "a — b"])
def test_the_title_of_a_case_start_line_is_kept_in_english(title: str) -> None:
    said = bench_text(f"début du cas X-1 — {title}", translator("en"))
    assert said == f"start of case X-1 — {title}"


def test_in_french_the_start_line_is_as_recorded() -> None:
    assert bench_text("début du cas X-1 — réussi", translator("fr")) == "début du cas X-1 — réussi"
