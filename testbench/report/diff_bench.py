"""What varies between two benches and not between two products, for ``testbench diff``.

The same release run on two benches differs in its reader names (``Virtual PCD 00 01``, ``Lecteur
virtuel cps``), its card mode (pcscd or in memory, and how each says a card kept in its reader is still
the one checked), its host, user, paths and engine command line.
None of that is the product's doing: the diff replaces each in the traces by a marker and lists it
as normalised. What is the product's doing stays compared: the engine's identity and version, the
software under test, the casebooks (plus, in the diff itself, verdicts and observed values).

The bench's own simulators also say what only the run's order or its host decides: which earlier case's
card check still holds, the simulated téléservices' port and process, the reference engine's invoice and lot
numbers and the téléservices' sequence references. :func:`bench_phrasing` marks those, each rule anchored on
the channel and the words that write it (testbench.runner.runner, testbench.services, the reference engine).
Whether the card guard reads a card again or reuses an earlier case's check of it is the run's scheduling too
(a shard, a worker starts with no kept check): :func:`either_guard_check` says both alike, for that slot only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePath
from typing import Any

from testbench.domain.events import EventKind
from testbench.i18n import _t
from testbench.report.labels import command_line
from testbench.store.read import SessionView

#: Built-in engines named by a word; anything else in ``--engine`` is a command line of this bench.
_ENGINE_WORDS = frozenset({"reference", "inprocess", "operator"})

#: Trace markers, in the order they are applied (named in the diff's output).
BENCH_RULES = (
    "lecteurs",
    "lecteurs mis de côté",
    "poste",
    "chemins",
    "commande du moteur",
    "cartes gardées",
    "cas repris",
    "contrôle de carte refait ou repris",
    "simulateur de téléservices",
    "numéros des simulateurs",
)

#: The reference engine's own lines (its logger), where its invoice and lot numbers and the references of the
#: simulated téléservices it echoes are its run's sequence
_REFERENCE_ENGINE = re.compile(r"(?<= testbench\.reference - ).*")
_REFERENCE_NUMBER = re.compile(r"\b(numero|lot)=\d+\b|\b(ADRI|APCV)-\d{6}\b")


def _numbered(found: re.Match[str]) -> str:
    return f"{found[1]}=‹numéro›" if found[1] else f"{found[2]}-‹numéro›"


#: The reference engine's refusals naming an invoice by its run's number (testbench.engines.reference.engine:
#: « facture 000000443 non sécurisée », « facture … déjà dans le lot 000002 », « facture … : organisme destinataire
#: inconnu »), as the bench's step line says them (testbench.runner.runner: « étape s-lot refusée : CODE … »)
_REFERENCE_REFUSAL = re.compile(
    r"(\bétape \S+ refusée (?:par le moteur )?: (?:INVOICE_NOT_SECURED|INVOICE_ALREADY_IN_LOT|ORGANISME_UNKNOWN)"
    r" facture )\d{9}( non sécurisée| déjà dans le lot \d{6}| : organisme destinataire inconnu)"
)


def _refusal_numbered(text: str) -> str:
    def mark(found: re.Match[str]) -> str:
        return f"{found[1]}‹numéro›{re.sub(r'(?<=lot )[0-9]{6}$', '‹numéro›', found[2])}"

    return _REFERENCE_REFUSAL.sub(mark, text)


#: testbench.services.process: the simulator's start, said in the case that first needed it (which one is the
#: run's order: a shard starts its own simulator), dropped from the compared lines
_SIMULATOR_STARTED = re.compile(r"^téléservices simulés à l'écoute sur http://127\.0\.0\.1:\d+ \(")
#: testbench.cards.bay.SET_ASIDE: a reader the bay stopped using (its port held by another bench on the host, its
#: card held by another program, a reader gone), dropped from the compared lines
_SET_ASIDE = re.compile(r"^lecteur \S+ « [^»]*» mis de côté : ")
#: testbench.services.process.format_record: a request the simulated service closed with no answer (fault « down »)
_CLOSED = " → connexion fermée sans réponse · "


#: The bench's own phrasing of what varies between runs, per channel: (rule, channel, what it does to a line).
_PHRASING: tuple[tuple[str, str, Callable[[str], str]], ...] = (
    # testbench.runner.runner: « contrôle de la carte cps repris du cas PSAD-SEC-001 (why) »
    (
        "cas repris",
        "bench",
        partial(re.compile(r"^(contrôle de la carte \S+ repris du cas )\S+(?= \()").sub, r"\1‹cas›"),
    ),
    # testbench.services.process: « téléservices simulés à l'écoute sur http://127.0.0.1:37511 (adri, …) »,
    # « simulateur de téléservices redémarré (processus 4242) »
    (
        "simulateur de téléservices",
        "bench",
        partial(re.compile(r"^(téléservices simulés à l'écoute sur http://127\.0\.0\.1:)\d+(?= \()").sub, r"\1‹port›"),
    ),
    (
        "simulateur de téléservices",
        "bench",
        partial(re.compile(r"^(simulateur de téléservices redémarré \(processus )\d+(?=\)$)").sub, r"\1‹processus›"),
    ),
    # testbench.services.answers: the simulator's sequence in its answers (« "reference":"ADRI-000001" »)
    (
        "numéros des simulateurs",
        "http",
        partial(re.compile(r'("(?:reference|context_id)": ?"(?:ADRI|APCV))-\d{6}"').sub, r'\1-‹numéro›"'),
    ),
    ("numéros des simulateurs", "bench", _refusal_numbered),
    (
        "numéros des simulateurs",
        "engine",
        lambda text: _REFERENCE_ENGINE.sub(lambda m: _REFERENCE_NUMBER.sub(_numbered, m[0]), text, count=1),
    ),
)


@dataclass(frozen=True)
class EnvChange:
    """One item of the product's environment that differs between the two sessions."""

    key: str
    before: str
    after: str


def product_environment(session: SessionView) -> dict[str, str]:
    """The product's side of every run's environment (distinct values joined in run order)."""
    values: dict[str, list[str]] = {}

    def add(key: str, value: Any) -> None:
        text = str(value or "").strip()
        if text and text not in values.setdefault(key, []):
            values[key].append(text)

    for run in session.runs:
        env = run.get("environment") or {}
        engine = env.get("engine") or {}
        add("moteur", " ".join(str(engine[k]) for k in ("name", "version") if engine.get(k)))
        add("version du socle", engine.get("socle_version"))
        add("agrément du moteur", engine.get("agrement"))
        sut = (run.get("options") or {}).get("sut") or {}
        add("logiciel testé", " ".join(str(sut[k]) for k in ("name", "version") if sut.get(k)))
        for plan, sha in sorted((env.get("casebooks") or {}).items()):
            add(f"cahier {plan}", str(sha)[:12])
    return {key: ", ".join(items) for key, items in values.items() if items}


def bench_environment(session: SessionView) -> dict[str, str]:
    """The bench's side: what may differ without the product changing (shown, never compared)."""
    values: dict[str, list[str]] = {}
    for run in session.runs:
        env = run.get("environment") or {}
        options = run.get("options") or {}
        for key, value in (
            ("cartes", env.get("cards") or options.get("cards")),
            ("poste", env.get("host") or run.get("host")),
            ("utilisateur", env.get("user")),
            ("plateforme", env.get("platform")),
            ("python", env.get("python")),
            ("testbench", env.get("testbench")),
            ("commande du moteur", options.get("engine")),
            ("ligne de commande", command_line(run.get("argv") or ())),
        ):
            text = str(value or "").strip()
            if text and text not in values.setdefault(key, []):
                values[key].append(text)
    return {key: ", ".join(items) for key, items in values.items() if items}


def product_changes(a: SessionView, b: SessionView) -> list[EnvChange]:
    before, after = product_environment(a), product_environment(b)
    keys = list(before) + [k for k in after if k not in before]
    return [EnvChange(k, before.get(k, "—"), after.get(k, "—")) for k in keys if before.get(k) != after.get(k)]


def bench_differences(a: SessionView, b: SessionView) -> list[str]:
    before, after = bench_environment(a), bench_environment(b)
    keys = list(before) + [k for k in after if k not in before]
    return [k for k in keys if before.get(k) != after.get(k)]


def bench_normaliser(session: SessionView) -> Callable[[str], str]:
    """Replace this session's reader names, host, paths and engine command by markers in a trace line."""
    words: list[tuple[str, str]] = [(name, "‹lecteur›") for name in _readers(session)]
    for run in session.runs:
        env = run.get("environment") or {}
        options = run.get("options") or {}
        words += [(str(host), "‹poste›") for host in (run.get("host"), env.get("host")) if host]
        argv = [str(arg) for arg in run.get("argv") or ()]
        folder = _run_folder(argv, session.path)
        words += [(path, "‹chemin›") for arg in argv for path in _path_spellings(arg, folder)]
        engine = str(options.get("engine") or "")
        if engine and engine not in _ENGINE_WORDS:
            words.append((engine, "‹commande du moteur›"))
    words.append((str(session.path.resolve().parent), "‹chemin›"))
    words += [(why, "‹carte gardée›") for why in _kept_cards(session)]
    return _replacer(words)


def _word_path(arg: str) -> str:
    """The path a command-line word gives: the value of an ``--option=PATH`` word, without a leading ``./``."""
    path = arg.split("=", 1)[1] if arg.startswith("-") and "=" in arg else arg
    return re.sub(r"^(?:\.[/\\])+", "", path)


def _run_folder(argv: list[str], session: Path) -> Path | None:
    """The folder a run was started in, as far as its command line tells: the one its relative session word
    (``--session s.tbsession``, ``--casebook-session=out/s.tbsession``) names the session file from; None when
    no word does (the session given absolute, or moved since)."""
    where = session.resolve()
    for arg in argv:
        given = PurePath(_word_path(arg))
        if given.is_absolute() or not given.parts or ".." in given.parts or given.name != where.name:
            continue
        if where.parts[-len(given.parts) :] == given.parts and len(where.parts) > len(given.parts):
            return Path(*where.parts[: -len(given.parts)])
    return None


def _path_spellings(arg: str, folder: Path | None) -> list[str]:
    """The ways a trace may write the file a command-line word names: the word's path (the value of an
    ``--option=PATH`` word), the same path resolved from the run's ``folder`` when it is relative, then each
    tail from a folder on (``/work/main/casebooks/x.json`` → ``main/casebooks/x.json``, ``casebooks/x.json``).
    A file given absolute on one run and relative on the other then reads ‹chemin› on both, however the trace
    writes it (an attestations file names itself by folder/name); a word with no folder in it is no path."""
    path = _word_path(arg)
    if "/" not in path and "\\" not in path:
        return []
    spelled = [path]
    if folder is not None and not PurePath(path).is_absolute():
        spelled.append(os.path.normpath(folder / path))
    tails = [each[found.end() :] for each in spelled for found in re.finditer(r"[/\\]+", each)]
    return [*spelled, *(tail for tail in tails if "/" in tail or "\\" in tail)]


def bench_phrasing(channel: str, text: str) -> str:
    """A trace line of ``channel`` with what the bench's simulators number or place per run marked
    (:data:`_PHRASING`); any other line, the product's or the application's, as it is."""
    for _, where, rule in _PHRASING:
        if where == channel:
            text = rule(text)
    return text


def bench_order(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The « simulateur de téléservices » rule's other half, on (channel, text) lines: each line of a simulated
    téléservice (``http``, read from the simulator's own process as it comes) first among the engine's lines it
    was captured between, since whether the engine's line after the answer is captured before or after it is the
    machine's timing. Each channel keeps its own order, every other line (bench, APDU, application) its place."""
    out: list[tuple[str, str]] = []
    run: list[tuple[str, str]] = []
    for line in [*lines, ("", "")]:
        if line[0] in ("http", "engine"):
            run.append(line)
            continue
        out += sorted(run, key=lambda x: x[0] != "http")  # stable: each channel's order kept
        run = []
        out.append(line)
    return out[:-1]


def bench_set_aside(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The « lecteurs mis de côté » rule, on (channel, text) lines: the bay's line of a reader it stopped using is
    dropped. Which of a slot's readers the bay uses is the bench's (its readers are already ‹lecteur›), and whether
    one is set aside is the host's: another bench holding a reader's port, a reader unplugged. The card the case
    then used, its guard and the product's exchanges are compared as they are."""
    return [(channel, text) for channel, text in lines if not (channel == "bench" and _SET_ASIDE.match(text))]


def bench_lifetime(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The « simulateur de téléservices » rule on what its process's lifetime decides, on (channel, text) lines:
    the simulator's start line is dropped (said in whichever case first needed it), and a request it closed with
    no answer, said twice in a row, is kept once — the reference engine tries again once on a kept-alive
    connection (testbench.engines.reference.teleservices), so the second line says only that an earlier case
    had opened one."""
    out: list[tuple[str, str]] = []
    for channel, text in lines:
        if channel == "bench" and _SIMULATOR_STARTED.match(text):
            continue
        if channel == "http" and _CLOSED in text and out and out[-1] == (channel, text):
            continue
        out.append((channel, text))
    return out


#: A trace row as the diff reads it: (channel, step id or None, text)
Row = tuple[str, str | None, str]

#: testbench.runner.runner: the bench's line of a check reused (« contrôle de la carte cps repris du cas X (why) »)
_REUSED_CHECK = re.compile(r"^contrôle de la carte (\S+) repris du cas ")
#: testbench.runner.tracing.format_apdu: an APDU line ends with « [slot@reader] »
_APDU_SLOT = re.compile(r" \[([^@\s\]]+)@[^\]]*\]$")
#: The one line both sides show for a slot whose guard check one read again and the other reused
GUARD_EITHER = _t("contrôle de la carte {slot} refait ou repris d'un cas précédent")


def guard_checks(rows: list[Row]) -> dict[str, tuple[str, list[int]]]:
    """Each slot's card-guard check as the trace says it, before the case's first step: ``read`` (its APDU
    exchanges, recorded with no step) or ``reused`` (the bench's « repris du cas » line), with the rows that say it;
    ``both`` for a slot whose trace says both (then nothing is made alike)."""
    found: dict[str, tuple[str, list[int]]] = {}
    for i, (channel, step, text) in enumerate(rows):
        if step is not None:  # the guard checks before the first step; a step's APDUs are the product's
            break
        match = (
            _REUSED_CHECK.match(text) if channel == "bench" else _APDU_SLOT.search(text) if channel == "apdu" else None
        )
        if match is None:
            continue
        how = "reused" if channel == "bench" else "read"
        before, where = found.get(match[1], (how, []))
        found[match[1]] = (how if before == how else "both", [*where, i])
    return found


def either_guard_check(rows_a: list[Row], rows_b: list[Row]) -> tuple[list[Row], list[Row]]:
    """The « contrôle de carte refait ou repris » rule, on the rows of one case on each side: a slot whose guard
    check one side read again and the other reused (a worker or a shard starts with no kept check) shows, on both,
    one line :data:`GUARD_EITHER` after the guard's other lines, instead of the APDUs read or the « repris » line.
    A slot read on both sides, or reused on both, is compared as it is; so is every step's line."""
    checks_a, checks_b = guard_checks(rows_a), guard_checks(rows_b)
    either = [
        slot
        for slot in sorted(checks_a.keys() & checks_b.keys())
        if {checks_a[slot][0], checks_b[slot][0]} == {"read", "reused"}
    ]
    if not either:
        return rows_a, rows_b
    return _guard_either(rows_a, checks_a, either), _guard_either(rows_b, checks_b, either)


def _guard_either(rows: list[Row], checks: dict[str, tuple[str, list[int]]], either: list[str]) -> list[Row]:
    dropped = {i for slot in either for i in checks[slot][1]}
    last = max(i for _, where in checks.values() for i in where)  # the guard's last line, kept or dropped
    said: list[Row] = [("bench", None, GUARD_EITHER.format(slot=slot)) for slot in either]
    out: list[Row] = []
    for i, row in enumerate(rows):
        if i not in dropped:
            out.append(row)
        if i == last:
            out += said
    return out


def _kept_cards(session: SessionView) -> set[str]:
    """Why a card kept in its reader still held an earlier case's guard check, as the bay worded it: the
    in-memory bay and pcscd say it differently of the same card (docs/cards.md §6)."""
    whys: set[str] = set()
    for data in session.event_data(EventKind.CARD_GUARD):
        for check in (data or {}).get("checks", []):
            why = (check.get("reused") or {}).get("why") if isinstance(check, dict) else None
            if isinstance(why, str) and why:
                whys.add(why)
    return whys


def _readers(session: SessionView) -> set[str]:
    """Every reader a card was presented in or checked in, from the session's events."""
    names: set[str] = set()
    for data in session.event_data(mentioning="reader"):
        _collect_readers(data, names)
    return names


def _collect_readers(value: Any, names: set[str]) -> None:
    if isinstance(value, dict):
        reader = value.get("reader")
        if isinstance(reader, str) and reader:
            names.add(reader)
        for item in value.values():
            _collect_readers(item, names)
    elif isinstance(value, list):
        for item in value:
            _collect_readers(item, names)


def _replacer(words: Iterable[tuple[str, str]]) -> Callable[[str], str]:
    marker_of: dict[str, str] = {}
    for word, marker in words:
        # A name of one or two characters, or without a letter, would also mark bytes of APDUs
        # ("00") or words of messages: such a name is left as it is.
        if len(word) >= 3 and any(c.isalpha() for c in word):
            marker_of.setdefault(word, marker)
    if not marker_of:
        return lambda text: text
    # Longest first, whole words only: a host "vm" is not the "vm" of "vmstat".
    alternatives = "|".join(re.escape(w) for w in sorted(marker_of, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w/])(?:{alternatives})(?![\w])")
    return lambda text: pattern.sub(lambda m: marker_of[m.group(0)], text)
