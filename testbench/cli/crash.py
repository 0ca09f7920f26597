"""What a person sees when a command fails in a way it does not say itself: one sentence, never a traceback.

Every command says what it expects to go wrong (a file missing, a casebook invalid) in its own words; this is
the net under them. A session file damaged on disk (a bad sector, a copy cut short) is said as such, whatever
the command that met it; anything else is testbench's own fault: the person reads which kind and where the
details were written, for the bug report (the file holds the traceback and the command line, PINs masked).
"""

from __future__ import annotations

import datetime
import os
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from testbench import __version__


def failure_text(exc: Exception, argv: Sequence[str], t: Callable[[str], str]) -> str:
    """The sentence for ``exc`` in the language of ``t``; a fault's details written to a file first."""
    from testbench.store.connection import damage_reason

    if (damage := damage_reason(exc)) is not None:
        return t("fichier de session endommagé ou illisible ({reason})").format(reason=t(damage))
    details = write_details(exc, argv)
    if details is None:
        return t("erreur interne de testbench ({kind})").format(kind=type(exc).__name__)
    return t("erreur interne de testbench ({kind}) ; le détail, pour la signaler, est dans {path}").format(
        kind=type(exc).__name__, path=details
    )


def write_details(exc: BaseException, argv: Sequence[str]) -> Path | None:
    """The traceback and the command line in a new file of the temporary folder; None if it cannot be written.
    A PIN an exception's message carried (an APDU in a card error) is masked: a PIN is never written."""
    from testbench.traces.redact import redact_pins

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = "".join(
        [
            f"testbench {__version__}\n",
            f"commande : testbench {' '.join(argv)}\n\n",
            *traceback.format_exception(exc),
        ]
    )
    try:
        handle, name = tempfile.mkstemp(prefix=f"testbench-erreur-{stamp}-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8", errors="replace") as f:
            f.write("\n".join(redact_pins(line) for line in text.split("\n")))
    except OSError:
        return None
    return Path(name)
