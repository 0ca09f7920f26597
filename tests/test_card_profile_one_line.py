"""A malformed card profile is one ``file:line:col: message`` line (audit s24 F10): libxml2 echoes the faulty
source line after a newline, which ``validate`` printed as a second line (« Comment not terminated
\\n<!-- Test card profile… ») that ``validate --watch`` and CI greps take for another problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cards.profile_check import card_profile_problems
from testbench.casebook.model import CardFixture

PROFILE = Path(__file__).resolve().parent.parent / "casebooks" / "cards" / "cps3-psad-lpp.xml"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "profil de carte invalide : XML mal formé : commentaire non terminé"),
        ("en", "invalid card profile: malformed XML: comment not terminated"),
    ],
)
def test_an_unterminated_comment_is_one_line_in_words(tmp_path: Path, lang: str, said: str) -> None:
    broken = tmp_path / "cps.xml"
    broken.write_text(PROFILE.read_text(encoding="utf-8")[:250], encoding="utf-8")  # cut inside its first comment
    problems = card_profile_problems([CardFixture("cps", broken)])
    assert [p.text(lang) for p in problems] == [f"{broken}:{problems[0].source.line}:{problems[0].source.col}: {said}"]
