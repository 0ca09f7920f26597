"""The refusal: a business answer with a stable code, which a case may expect.

It sits here, not with the engines, because more than an engine refuses: a card refuses a PIN
(:mod:`testbench.cards.pin`), the operator reports that the software under test refused a step. Every
refusal is an :class:`EngineError` so that the runner tells a refusal (product behaviour, compared with
the case's expectations) from the engine's faults, which derive from the same base in
:mod:`testbench.engines.api`.
"""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base of every engine failure and refusal."""


class EngineRefusal(EngineError):
    """The engine (or the card, or the software under test) refused the request with a stable code."""

    def __init__(self, code: str, message: str = "", details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.details = details or {}
