"""``engine check`` in English says a check's id as an id: « (check id demarrage) », never a translated word.

The ids are stable (docs/engine-protocol.md, ``--json``'s ``id``): a sentence that names one keeps it as recorded,
even an id that is also a French word of the catalogue (« cartes »).
"""

from __future__ import annotations

from testbench.engines.protocol.conformance import NO_LOT, NOT_STARTED, REDONE
from testbench.i18n import english


def test_a_check_that_did_not_start_names_its_id() -> None:
    assert english(NOT_STARTED.format(check="demarrage")) == "the engine did not start (check id demarrage)"


def test_a_redone_answer_names_the_check_by_its_id_untranslated() -> None:
    detail = REDONE.format(detail="statut secured", check="cartes")
    assert english(detail) == "status secured (redone on the engine restarted after check id cartes)"


def test_no_lot_names_the_lot_check_by_its_id() -> None:
    assert english(NO_LOT.format(check="lot")) == "no lot to read the returns of (check id lot got none)"
