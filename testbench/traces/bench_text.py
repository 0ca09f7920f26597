"""The bench's own trace lines (channel ``bench``) in the reader's language.

The runner writes them in French (the session keeps what was written); the report and the workstation show
them through :func:`bench_text`. Only that channel: the application's, the engine's, the APDU and HTTP lines
are evidence as recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from testbench.domain.verdict import Verdict

#: A case's end line: its verdict label may have several words, which a catalogue template reads as one part
_END = re.compile(
    rf"fin du cas (?P<id>.+?) : (?P<verdict>{'|'.join(re.escape(v.label_fr) for v in Verdict)})(?: (?P<reason>.+))?",
    re.DOTALL,
)


def bench_text(text: str, t: Callable[[str], str]) -> str:
    """A line of the bench's own channel in ``t``'s language (the session keeps the French it was written in).

    Every shape ``runner.tracing.TraceRecorder.bench`` writes has its template in the catalogue; the case's end line is
    read here, by its verdict label, and its parts are translated again like the templates' parts.
    """
    end = _END.fullmatch(text) if text.startswith("fin du cas ") else None
    if end is None:
        return t(text)
    if end["reason"] is None:
        return t("fin du cas {id} : {verdict}").format(id=end["id"], verdict=t(end["verdict"]))
    return t("fin du cas {id} : {verdict} {reason}").format(
        id=end["id"], verdict=t(end["verdict"]), reason=t(end["reason"])
    )
