"""Choosing a card bay: the real PC/SC stack when it is usable, else the in-process bay.

``pcsc_problem()`` says (in French) why the PC/SC bay cannot be used, or returns None. ``PcscBay`` is
imported on first use, so a run with ``--cards inprocess`` loads no PC/SC module (pyscard, the bay,
the emulator control).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .inprocess import InProcessBay
from .reader_pools import DEFAULT_READERS, ReaderSpec, default_pools, default_readers

if TYPE_CHECKING:
    from .bay import PcscBay

__all__ = [
    "DEFAULT_READERS",
    "InProcessBay",
    "PcscBay",
    "ReaderSpec",
    "default_pools",
    "default_readers",
    "pcsc_problem",
]


def pcsc_problem(readers: dict[str, ReaderSpec] | None = None) -> str | None:
    """None when pyscard, pcscd and the readers of ``readers`` (default: the first reader of each slot,
    the two default vpcd readers) are there. Spare readers are optional: PcscBay uses those pcscd lists."""
    try:
        import smartcard  # noqa: F401
    except ImportError as exc:
        return f"pyscard absent ({exc})"
    from .api import CardUnavailable
    from .pcsc import list_readers

    try:
        names = list_readers()
    except CardUnavailable as exc:
        return str(exc)
    missing = [spec.name for spec in (readers or default_readers()).values() if spec.name not in names]
    return absent_readers(missing, names) if missing else None


def absent_readers(missing: list[str], present: list[str], lang: str | None = "fr") -> str:
    """The readers named but not there, and those pcscd lists: what a run (in French, read back through the
    catalogue) and ``cards probe/watch/record`` (in their language, ``lang`` None: the reader names as typed, which
    a read-back would take for words — « cas », « cahier ») say of a mistyped reader."""
    from testbench.i18n import tn, translator

    return tn(
        "{count} lecteur absent : {missing} (présents : {present})",
        "{count} lecteurs absents : {missing} (présents : {present})",
        len(missing),
        lang,
        missing=", ".join(missing),
        present=", ".join(present) or translator(lang)("aucun"),  # « none » in English
    )


def __getattr__(name: str) -> Any:
    """``bays.PcscBay``, imported when first asked for."""
    if name == "PcscBay":
        from .bay import PcscBay

        return PcscBay
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
