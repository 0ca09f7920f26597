"""Audit s25 (5): a session observes a holder's first name and surname at separate paths; the report's known
values hold the whole name too, so an export finds it in any case (« sarah.modele@… », « sarah modele »)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from testbench.report.personal import known_values
from testbench.traces.redact import Redactor


class _Session:
    """What :func:`known_values` reads of a session: its observations alone."""

    meta: dict[str, str] = {}  # noqa: RUF012 - read only

    def __init__(self, observations: list[tuple[str, Any]]) -> None:
        self._observations = observations

    def observation_values(self, keep: Callable[[str], object], *, distinct: bool) -> Iterator[tuple[str, Any]]:
        return iter([(p, v) for p, v in self._observations if keep(p)])

    def case_definitions(self) -> list[dict[str, Any]]:
        return []

    def artifact_blobs(self, _media: str) -> list[bytes]:
        return []

    def trace_texts(self, _kind: str, *, distinct: bool) -> list[str]:
        return []

    def event_data(self, _kind: object) -> list[dict[str, Any]]:
        return []


def test_a_beneficiarys_whole_name_is_known_and_masked_in_any_case() -> None:
    session = _Session(
        [
            ("vitale.beneficiaries[0].name", "MODELE"),
            ("vitale.beneficiaries[0].first_name", "SARAH"),
            ("vitale.beneficiaries[1].name", "EXEMPLE"),
            ("vitale.beneficiaries[1].first_name", "LUC"),
        ]
    )
    known = known_values(session)  # type: ignore[arg-type]
    assert {"SARAH MODELE", "LUC EXEMPLE"} <= known.names and "SARAH EXEMPLE" not in known.names
    redactor = Redactor(known=known)
    assert redactor.redact("mail sarah.modele@example.org, luc exemple") == "mail ‹NOM›@example.org, ‹NOM›"
