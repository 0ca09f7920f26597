"""The readers PC/SC lists and the card in each: what ``testbench cards list`` prints and the workstation's
readers window shows, read once here so that both say the same.

The card's family is the ATR's (« Vitale 2 », « CPS3 », « carte inconnue »), in French; each row reads
in a language through :meth:`ReaderState.text` and :meth:`ReaderState.as_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass

from testbench.i18n import translator


@dataclass(frozen=True)
class ReaderState:
    """One reader as pcscd sees it: its name and, when a card is in it, the card's ATR and family."""

    reader: str
    card: bool
    atr: bytes = b""
    family: str = ""  # French, "" when the reader is empty

    def as_dict(self, lang: str | None = None) -> dict[str, object]:
        """The row of ``cards list --json``."""
        return {
            "reader": self.reader,
            "card": self.card,
            "atr": self.atr.hex().upper(),
            "family": translator(lang)(self.family) if self.card else "",
        }

    def text(self, lang: str | None = None) -> str:
        """The line of ``cards list``: the reader's name, then its card (family and ATR) or « vide »."""
        t = translator(lang)
        card = f"{t('carte présente')}  {t(self.family)}  ATR {self.atr.hex(' ').upper()}" if self.card else t("vide")
        return f"{self.reader:<28} {card}"


def family_fr(atr: bytes) -> str:
    """The card family an ATR tells, in French (« Vitale 2 », « CPS3 »), else « carte inconnue »."""
    from testbench.cards.layout import atr_family
    from testbench.cards.messages import FAMILY_FR

    return FAMILY_FR.get(atr_family(atr) or "", "carte inconnue")


def reader_states() -> list[ReaderState]:
    """Every reader pcscd lists, with its card; raises ``CardUnavailable`` (French) without a PC/SC stack."""
    from testbench.cards.pcsc import Context, card_present

    with Context() as ctx:
        readers = ctx.readers()
        states = ctx.status(readers) if readers else {}
    rows = []
    for reader in readers:
        state, atr = states.get(reader, (0, b""))
        if card_present(state):
            rows.append(ReaderState(reader, True, atr, family_fr(atr)))
        else:
            rows.append(ReaderState(reader, False))
    return rows
