"""The bench's own words in trace lines, in the reader's language.

The runner writes them in French (the session keeps what was written): the lines of its own channel
(``bench``) and the meaning it gives an APDU's status word (« 9000 succès », testbench.cards.sw). Every display
of trace lines (report, workstation, campaign diff) shows them through :func:`trace_text`, as it does the
French words the bench puts around a simulated téléservice's exchange (``http``). The rest is evidence as
recorded: the APDU bytes, the JSON bodies, and the application's and the engine's lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from testbench.domain.verdict import Verdict
from testbench.i18n import translator
from testbench.traces.model import Channel

#: A case's end line: its verdict label may have several words, which a catalogue template reads as one part
_END = re.compile(
    rf"fin du cas (?P<id>.+?) : (?P<verdict>{'|'.join(re.escape(v.label_fr) for v in Verdict)})(?: (?P<reason>.+))?",
    re.DOTALL,
)
#: A case's start line (testbench.runner.runner): its title is the casebook's text, kept as written
_START = re.compile(r"début du cas (?P<id>\S+) — (?P<title>.*)", re.DOTALL)
#: An APDU line up to its status word (testbench.runner.tracing.format_apdu: « … A<< 6F 0F … 9000 succès  (11 µs)
#: [slot@reader] »): the last four-digit hex word; the response's bytes are two-digit words
_STATUS_WORD = re.compile(r".* [0-9A-F]{4} ", re.DOTALL)


#: A simulated téléservice's exchange as testbench.services.process.format_record writes it (its test reads each
#: shape that function writes back through http_text, so the two cannot drift apart unnoticed)
_HTTP = re.compile(
    r"(?P<call>\S+(?: \S+)?) → (?P<outcome>.+?) · scénario (?P<scenario>\S*)(?: · défaut (?P<fault>\S+))?"
    r" · requête (?P<request>.*?)(?: · réponse (?P<answer>.*))?",
    re.DOTALL,
)
#: its time as written: « 0,035 » (a session recorded before the decimal comma holds « 0.035 »)
_HTTP_TIMED = re.compile(r"(?P<status>\d+) en (?P<ms>\d+(?:[.,]\d+)?) ms")
_HTTP_HELD = re.compile(r"réponse retenue \((?P<fault>\S+)\)")


def trace_text(channel: str, text: str, t: Callable[[str], str]) -> str:
    """A trace line as the reader of ``t``'s language reads it: the bench's own words translated, the rest as
    recorded (a French reader gets the line itself)."""
    if t is translator("fr"):
        return text
    if channel == Channel.BENCH:
        return bench_text(text, t)
    if channel == Channel.HTTP:
        return http_text(text, t)
    return apdu_text(text, t) if channel == Channel.APDU else text


def http_text(text: str, t: Callable[[str], str]) -> str:
    """A téléservice line in ``t``'s language: the bench's words (outcome, « scénario », « requête »…); the
    method, path, scenario and fault codes and the JSON bodies as recorded."""
    found = _HTTP.fullmatch(text)
    if found is None:  # the scenario chosen (« adri : scénario … ») reads by its catalogue template
        return t(text)
    outcome = found["outcome"]
    if (timed := _HTTP_TIMED.fullmatch(outcome)) is not None:
        outcome = t("{status} en {ms} ms").format(status=timed["status"], ms=timed["ms"].replace(",", "."))
    elif (held := _HTTP_HELD.fullmatch(outcome)) is not None:
        outcome = t("réponse retenue ({fault})").format(fault=held["fault"])
    else:
        outcome = t(outcome)
    parts = [f"{found['call']} → {outcome}", t("scénario {scenario}").format(scenario=found["scenario"])]
    if found["fault"] is not None:
        parts.append(t("défaut {fault}").format(fault=found["fault"]))
    if found["request"] == "non lue":  # testbench.services.process.NOT_READ (the layers keep services above traces)
        parts.append(t("requête non lue"))
    else:
        parts.append(t("requête {request}").format(request=found["request"]))
    if found["answer"] is not None:
        parts.append(t("réponse {answer}").format(answer=_answer_text(found["answer"], t)))
    return " · ".join(parts)


#: The reason of a refusal in an answer's JSON (testbench.services.app: ``"message": "…"``, the server's French;
#: an ApCV refusal's ``"reason"``)
_MESSAGE = re.compile(r'("(?:message|reason)": ?)"((?:[^"\\]|\\.)*)"')


def _answer_text(answer: str, t: Callable[[str], str]) -> str:
    """An answer as recorded, but for the simulator's own French words: the reason of a refusal inside its JSON
    (the excerpt may be cut: read where it is) and a plain-text answer (« erreur interne simulée »)."""
    if not answer.startswith(("{", "[")):
        return t(answer)

    def reason(found: re.Match[str]) -> str:
        try:
            said = json.loads(f'"{found[2]}"')
        except ValueError:
            return found[0]
        return found[1] + json.dumps(t(said), ensure_ascii=False)

    return _MESSAGE.sub(reason, answer)


def apdu_text(text: str, t: Callable[[str], str]) -> str:
    """An APDU line with its status word's meaning in ``t``'s language; the bytes, duration and reader as recorded.

    The duration may be a marker (« (‹durée›) », the campaign diff's normalisation) and the spaces one.
    """
    where = text.rfind(" [")  # « [slot@reader] »: a line without it is not the bench's APDU line
    end = text.rfind(" (", 0, where) if where > 0 else -1
    while end > 0 and text[end - 1] == " ":
        end -= 1
    found = _STATUS_WORD.match(text, 0, end) if end > 0 else None
    if found is None:
        return text
    meaning = text[found.end() : end]
    shown = t(meaning)
    return text if shown == meaning else text[: found.end()] + shown + text[end:]


def bench_text(text: str, t: Callable[[str], str]) -> str:
    """A line of the bench's own channel in ``t``'s language (the session keeps the French it was written in).

    Every shape ``runner.tracing.TraceRecorder.bench`` writes has its template in the catalogue; the case's end line is
    read here, by its verdict label, and its parts are translated again like the templates' parts; the case's start
    line keeps its title as the casebook writes it (a title is no bench word: « réussi » in it stays).
    """
    start = _START.fullmatch(text) if text.startswith("début du cas ") else None
    if start is not None:
        return t("début du cas {id} — {title}").format(id=start["id"], title=start["title"])
    end = _END.fullmatch(text) if text.startswith("fin du cas ") else None
    if end is None:
        return t(text)
    if end["reason"] is None:
        return t("fin du cas {id} : {verdict}").format(id=end["id"], verdict=t(end["verdict"]))
    return t("fin du cas {id} : {verdict} {reason}").format(
        id=end["id"], verdict=t(end["verdict"]), reason=t(end["reason"])
    )
