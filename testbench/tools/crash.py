"""The details of a failure testbench did not expect, written for the bug report: one owner for the command
line's net (``testbench.cli.crash``) and the workstation's (``testbench.tui.fault``).

The file holds the traceback and what was being done, in a new file of the temporary folder
(``testbench-erreur-…``, ``testbench-error-…`` in English); a PIN an exception's message carried (an APDU in a
card error) is masked: a PIN is never written.
"""

from __future__ import annotations

import datetime
import os
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from testbench import __version__


def write_details(exc: BaseException, doing: str, t: Callable[[str], str] | None = None) -> Path | None:
    """The traceback of ``exc`` after ``doing`` (« commande : testbench run … »), in a new file of the temporary
    folder named in the language of ``t`` (the one in use by default); None when it cannot be written."""
    from testbench.i18n import translator
    from testbench.traces.redact import redact_pins_lines

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = f"testbench {__version__}\n{doing}\n\n" + "".join(traceback.format_exception(exc))
    try:
        handle, name = tempfile.mkstemp(prefix=f"{(t or translator())('testbench-erreur')}-{stamp}-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8", errors="replace") as f:
            f.write("\n".join(redact_pins_lines(text.split("\n"))))  # a base64 PIN wrapped over lines too
    except OSError:
        return None
    return Path(name)
