"""A sentence read back in English keeps a machine's name as recorded: a host named like a French word the
catalogue knows (« poste ») is no word to translate (verification round, s28)."""

from __future__ import annotations

from testbench.i18n import english
from testbench.store.session import LOCKED_BY


def test_a_host_named_like_a_word_stays_as_named() -> None:
    french = f"s.tbsession : {LOCKED_BY.format(pid=4242, host='poste')}"
    said = english(french)
    assert "(pid 4242 on poste);" in said, said
    assert said.startswith("s.tbsession: session already open for writing by another process"), said
