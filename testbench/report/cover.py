"""The report's cover: product, engine, casebooks, bays, readers, cards, operators and runs of a session."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from testbench import fmt
from testbench.cards.messages import accepted_why_fr, nature_words
from testbench.domain.events import EventKind
from testbench.fmt import iso
from testbench.i18n import _t, colon, semicolon, tn, translator
from testbench.report.labels import NOT_RECORDED, operator_name
from testbench.report.personal import Scrubber
from testbench.store.model import CardState, ProductVersion, run_product
from testbench.store.read import COMPLETABLE, AttemptView, CaseView, SessionView, completions, interrupted_runs


def _first(sources: list[dict[str, Any]], *keys: str) -> Any:
    for source in sources:
        for key in keys:
            value = source.get(key)
            if value not in (None, "", [], {}):
                return value
    return None


def _sut(source: Mapping[str, Any], part: str) -> Any:
    """The software's ``name`` or ``version`` as one source records it: a run's ``{"name", "version"}`` (blank
    when not given), a plain name, or the meta's ``sut`` and ``sut_version`` (``testbench cover``)."""
    sut = source.get("sut") or source.get("software")
    if isinstance(sut, dict):
        return sut.get(part) or (source.get("sut_version") if part == "version" else None)
    return sut if part == "name" else source.get("sut_version")


def identity(sources: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The product and who tests it, as ``sources`` (runs' options and environments, newest first, then the
    session's meta) name them: ``name``, ``version``, ``agrement``, ``operator``; None (or blank) when none
    does. A source that leaves a part blank does not hide a later one that names it."""
    sources = list(sources)
    return {
        "name": next((v for s in sources if (v := _sut(s, "name"))), None),
        "version": next((v for s in sources if (v := _sut(s, "version"))), None),
        "agrement": _first(sources, "agrement", "agrement_number", "test_number"),
        "operator": _first(sources, "operator"),
    }


#: the events the cover reads: readers, cards (``store.model.card_states`` reads these two) and operators
_KINDS = (EventKind.CARD_PRESENT, EventKind.CARD_GUARD, EventKind.MANUAL_ATTESTED)
_BATCH = 200  # attempts whose events are read by one query


def _attempt_events(session: SessionView) -> Iterator[tuple[CaseView, AttemptView, list[dict[str, Any]]]]:
    """Every attempt of each case with the cover's events, in the session's order, by batches: a card the guard
    read in an attempt a rerun superseded (a real card refused, then the right one) is part of the record."""
    attempts = [(view, attempt) for view in session.cases for attempt in view.attempts]
    for start in range(0, len(attempts), _BATCH):
        batch = attempts[start : start + _BATCH]
        events = session.events_of([attempt.id for _, attempt in batch], _KINDS)
        yield from ((view, attempt, events[attempt.id]) for view, attempt in batch)


def gather_cover(session: SessionView, scrub: Scrubber, lang: str = "fr") -> dict[str, Any]:
    runs = session.runs
    envs = [r["environment"] or {} for r in reversed(runs)]
    opts = [r["options"] or {} for r in reversed(runs)]
    meta = session.meta
    sources = [*opts, *envs, meta]
    named = identity(sources)
    sut_name, sut_version = named["name"], named["version"]
    engine = _first(envs, "engine") or {}
    if not isinstance(engine, dict):
        engine = {"name": str(engine)}
    readers: list[str] = []
    cards = _CardRows(scrub, lang)
    operators: set[str] = set()
    for view, attempt, events in _attempt_events(session):
        allow_real = False  # the run let real cards through (--allow-real-cards), as the guard's record says
        for ev in events:
            data = ev["data"] or {}
            if ev["kind"] == EventKind.CARD_PRESENT:
                _add_reader(readers, data.get("reader"))
            elif ev["kind"] == EventKind.CARD_GUARD:
                allow_real = allow_real or bool(data.get("allow_real"))
                for check in data.get("checks", []):
                    _add_reader(readers, check.get("reader"))
            elif ev["kind"] == EventKind.MANUAL_ATTESTED and data.get("operator"):
                operators.add(str(data["operator"]))
        # the card states of the read model, as the workstation shows them (testbench.store.model)
        for state in session.cards(view, attempt, events).values():
            cards.add(state, allow_real, (view.case_id, attempt.number))
    # every reader mode the session used, in run order (a rerun on another bench is part of the record)
    described = (str(r["environment"]["cards"]) for r in runs if (r["environment"] or {}).get("cards"))
    bays = [translator(lang)(b) for b in dict.fromkeys(described)]  # the bay describes itself in French
    operator = named["operator"]
    if operator:
        operators.add(str(operator))
    started = min((r["started_wall"] for r in runs), default=None)
    ended = max((r["ended_wall"] for r in runs if r["ended_wall"]), default=None)
    cut = interrupted_runs(session)
    missing = translator(lang)(NOT_RECORDED)  # what the JSON and the HTML say of a missing value
    said = translator(lang)  # the bench's own engines describe themselves in French (« opérateur »)
    products = {r["id"]: run_product(r) for r in runs}
    versions = versions_behind(session, products)
    if versions:  # the versions that produced the retained verdicts, not merely the latest run's
        sut_version = joined(versions, "sut_version") or sut_version
        engine = {**engine, "version": joined(versions, "engine_version")}
    # free text a person typed (``--operator``, ``cover --agrement``…): redacted like any text, a PIN always
    return {
        "sut": {"name": _typed(sut_name, scrub) or missing, "version": _typed(sut_version, scrub) or missing},
        "agrement": _typed(named["agrement"], scrub) or missing,
        "versions": [scrub.value(_said(product, said, missing)) | behind for product, behind in versions.items()],
        "mixed_versions": mixed_versions(versions),
        "unavailable": unavailable(session, scrub, lang),
        "engine": {
            "name": said(str(engine.get("name") or "")) or missing,
            "version": engine.get("version") or missing,
            "agrement": engine.get("agrement") or missing,
            "socle_version": said(str(engine.get("socle_version") or "")) or missing,
        },
        "casebooks": [
            {
                "plan_id": cb.plan_id,
                "evolution": cb.identity.get("evolution", ""),
                "document_version": cb.identity.get("document_version", ""),
                "effective_date": cb.identity.get("effective_date", ""),
                "cdc_version": cb.identity.get("cdc_version", ""),
                "addendum": cb.identity.get("addendum", ""),
                "ps_category": cb.identity.get("ps_category", ""),
                "title": scrub.wording(str(cb.identity.get("title") or "")),  # a casebook's title may name its patient
                "sha256": cb.sha256,
            }
            for cb in session.casebooks
        ],
        "bay": " ; ".join(bays) or missing,
        "bays": bays,
        "readers": readers,
        "cards": cards.rows(missing),
        # the runs that let real cards through (--allow-real-cards): test mode off, said even when none was met;
        # in the order they ran
        "real_cards_allowed": [r["id"] for r in runs if (r["options"] or {}).get("allow_real_cards")],
        "forced_merge": forced_merge(meta, scrub),
        "completed": [_completed(entry, scrub) for entry in completions(meta)],
        "sut_profile": _sut_profile(_first(opts, "sut_profile"), scrub),
        "clocks": source_clocks(session, scrub, lang),
        "operators": sorted(scrub.person(operator_name(op, lang)) for op in operators) or [missing],
        "host": _first(envs, "host") or missing,
        "started": iso(started),
        "ended": iso(ended),
        "runs": [
            {
                "id": r["id"],
                "started": iso(r["started_wall"]),
                "ended": iso(r["ended_wall"]),
                "host": r["host"],
                "argv": scrub.argv(r["argv"] or []),  # a log's path may name a patient, --operator a colleague
                "cards": said(str((r["environment"] or {}).get("cards") or "")),  # the bay describes itself in French
                "interrupted": r["id"] in cut,
            }
            | scrub.value(_said(products[r["id"]], said, missing))
            for r in runs
        ],
    }


def _typed(value: object, scrub: Scrubber) -> str:
    """Free text typed on a command line (``--sut-version``…), redacted, its control characters shown as
    ``⟨U+001B⟩``: the JUnit's XML cannot hold them, a terminal obeys them."""
    return fmt.visible_controls(scrub(str(value or "")))


def interrupted_said(runs: Sequence[int], lang: str | None = "fr") -> str:
    """« exécution 2 interrompue (arrêtée avant sa fin) » for ``runs`` (:func:`interrupted_runs`): the book's
    words, which the workstation's run view says of the session's last run too."""
    return tn(
        "exécution {runs} interrompue (arrêtée avant sa fin)",
        "exécutions {runs} interrompues (arrêtées avant leur fin)",
        len(runs),
        lang,
        runs=", ".join(str(run) for run in runs),
    )


def _completed(entry: dict[str, Any], scrub: Scrubber) -> dict[str, Any]:
    """A completion as the book prints it: what was typed and who typed it redacted, its field and time kept."""
    typed = {"value": scrub(str(entry["value"]))} if entry.get("value") else {}
    return entry | typed | ({"by": scrub.person(str(entry["by"]))} if entry.get("by") else {})  # a declared name


#: the cover's line for a latest run the bench could not start (its reason begins « banc indisponible : »)
NOT_STARTED = _t("{reason} — aucun cas exécuté (exécution {run})")

#: the cover's line for the runs that accepted real cards (``--allow-real-cards``): the guard's test mode was off
REAL_CARDS_ALLOWED = _t("désactivé : cartes réelles acceptées (--allow-real-cards, exécution {runs})")
REAL_CARDS_ALLOWED_RUNS = _t("désactivé : cartes réelles acceptées (--allow-real-cards, exécutions {runs})")

#: a required field of the cover the session does not name yet, as the workstation's overview says it
TO_FILL = "à renseigner"


@dataclass(frozen=True)
class CoverField:
    """One line of the cover in words, in the language asked: the exam book prints it (``report.html.j2``), the
    workstation's overview lists it. ``flagged``: a required field the session does not name (said « à
    renseigner » when :func:`cover_fields` is asked to), retained verdicts that come from mixed versions, or a card
    refused or not a test card in any attempt (each named with its case and attempt)."""

    key: str
    label: str
    value: str
    flagged: bool = False


def cover_fields(
    cover: Mapping[str, Any], lang: str = "fr", *, to_fill: bool = False, upcoming: Mapping[str, Any] | None = None
) -> list[CoverField]:
    """The cover (:func:`gather_cover`, in ``lang``) line by line as the exam book prints it, in its order: the
    software and its version, its profile, the agrément or test number, the engine, the socle, mixed versions,
    a latest run that could not start, each casebook, the readers, the cards, the operators, the workstation, the
    dates, the logs' clocks that were off (``key``: ``sut``, ``sut_profile``, ``agrement``, ``engine``, ``socle``,
    ``versions``, ``unavailable``, ``casebook``, ``readers``, ``cards``, ``operators``, ``host``, ``completed``,
    ``dates``, ``clocks``, ``real_cards``; a line the cover leaves out is left out).

    A value the session does not record reads as the book says it (« non renseigné »). With ``to_fill``, a
    required one — the software's name and version, the agrément, the operator — reads « à renseigner » and
    its line is flagged, followed by what the next run records of it when ``upcoming`` (the options a run
    records, ``runs.options``) names it."""
    t = translator(lang)
    said_colon = colon(lang)
    unrecorded = t(NOT_RECORDED)
    coming = identity([dict(upcoming)]) if upcoming else {}
    out: list[CoverField] = []

    def missing(value: object) -> bool:
        return value in (NOT_RECORDED, unrecorded)

    def shown(value: object) -> str:
        """``value`` as the book prints it: « non renseigné » in ``lang``, a recorded non-text value in words."""
        if value == NOT_RECORDED:
            return unrecorded
        if type(value) is str:
            return value
        if value is None or isinstance(value, bool | dict | list | tuple):
            return fmt.value(value, lang)
        return str(value)

    def to_fill_in(value: object, part: str) -> str | None:
        """A required ``value`` the session does not name, as the overview says it; None otherwise."""
        if not (to_fill and missing(value)):
            return None
        later = coming.get(part)
        return t(TO_FILL) + (f" ({t('prochaine exécution')}{said_colon}{later})" if later else "")

    def version(value: object) -> str:
        if missing(value):
            return t("version non renseignée")
        return f"{t('version')} {shown(value)}"

    def add(key: str, label: str, value: str, flagged: bool = False) -> None:
        out.append(CoverField(key, label, value, flagged))

    sut, engine = cover["sut"], cover["engine"]
    name, later = to_fill_in(sut["name"], "name"), to_fill_in(sut["version"], "version")
    sut_version = f"{t('version')} {later}" if later else version(sut["version"])
    add("sut", t("Logiciel testé"), f"{name or shown(sut['name'])} — {sut_version}", bool(name or later))
    if cover.get("sut_profile"):
        add("sut_profile", t("Profil du logiciel testé"), str(cover["sut_profile"]["file"]))
    agrement = to_fill_in(cover["agrement"], "agrement")
    add("agrement", t("N° d'agrément ou de test"), agrement or shown(cover["agrement"]), bool(agrement))
    add(
        "engine",
        t("Moteur de facturation"),
        f"{shown(engine['name'])} — {version(engine['version'])} — {t('agrément')} {shown(engine['agrement'])}",
    )
    add("socle", t("Version du socle"), shown(engine["socle_version"]))
    if cover.get("mixed_versions"):
        mixed = t("versions mélangées : les verdicts retenus ne viennent pas tous des mêmes versions")
        add("versions", t("Versions"), mixed, True)
    if cover.get("unavailable"):  # the latest run ran nothing: its exit code said so, the cover does too
        said = t(NOT_STARTED).format(reason=cover["unavailable"]["reason"], run=cover["unavailable"]["run"])
        add("unavailable", t("Dernière exécution"), said, True)
    for cb in cover["casebooks"]:
        dated = f" ({fmt.day(cb['effective_date'], lang)})" if cb["effective_date"] else ""
        parts = (f"{cb['plan_id']} {cb['evolution']}".strip(), cb["title"], f"{t('version')} {cb['document_version']}")
        add("casebook", t("Cahier de tests"), " — ".join(part for part in parts if part) + dated)
    readers = " ; ".join(cover["bays"]) or unrecorded
    add("readers", t("Lecteurs"), readers + (f" — {', '.join(cover['readers'])}" if cover["readers"] else ""))
    cards = [
        f"{c['card']} ({c['slot']}, {shown(c['nature_label'])}, {shown(c['guard'])}"
        + (f" — {c['where']}" if c.get("where") else "")
        + ")"
        for c in cover["cards"]
    ]
    add("cards", t("Cartes"), ", ".join(cards) or unrecorded, any(c.get("stands_out") for c in cover["cards"]))
    if allowed := cover.get("real_cards_allowed"):
        said = t(REAL_CARDS_ALLOWED if len(allowed) == 1 else REAL_CARDS_ALLOWED_RUNS)
        said = said.format(runs=", ".join(map(str, allowed)))
        add("real_cards", t("Mode test"), said, True)
    operators = cover["operators"]
    nobody = to_fill_in(operators[0], "operator") if len(operators) == 1 else None
    add("operators", t("Opérateur"), nobody or ", ".join(shown(op) for op in operators), bool(nobody))
    add("host", t("Poste"), shown(cover["host"]))
    if cover.get("completed"):  # fields no run named, completed afterwards (testbench cover): when and by whom
        at_once: dict[tuple[str, str], dict[str, None]] = {}  # each field once: completed twice in one second
        for e in cover["completed"]:
            field, when = str(e.get("field")), (str(e.get("at") or ""), str(e.get("by") or ""))
            at_once.setdefault(when, {})[t(COMPLETABLE.get(field, field))] = None
        said = (
            ", ".join(fields) + f" — {fmt.timestamp(at, lang)}" + (f" — {by}" if by else "")
            for (at, by), fields in at_once.items()
        )
        add("completed", t("Complété après les exécutions"), " ; ".join(said))
    add(*_dates(cover, lang))
    if cover.get("clocks"):  # an application's clock that was off: said once per log, the book's times the bench's
        said = semicolon(lang).join(str(c["said"]) for c in cover["clocks"])
        add("clocks", t("Horloges des journaux"), f"{said} — {t(CLOCKS_CORRECTED)}")
    return out


def _dates(cover: Mapping[str, Any], lang: str) -> tuple[str, str, str, bool]:
    """The cover's dates line (key, label, value, flagged): « du … au … », the runs stopped before their end
    named after it; a latest run stopped so has no end to give, its last line's time is no end."""
    t = translator(lang)
    started = fmt.timestamp(cover["started"], lang) if cover["started"] else t(NOT_RECORDED)
    ended = fmt.timestamp(cover["ended"], lang) if cover["ended"] else t(NOT_RECORDED)
    cut = [r["id"] for r in cover["runs"] if r.get("interrupted")]
    if not cut:
        return "dates", t("Dates"), f"{t('du')} {started} {t('au')} {ended}", False
    said = interrupted_said(cut, lang)
    until = "" if cover["runs"][-1].get("interrupted") else f" {t('au')} {ended}"
    return "dates", t("Dates"), f"{t('du')} {started}{until} — {said}", True


def session_cover(
    session: SessionView, lang: str = "fr", upcoming: Mapping[str, Any] | None = None
) -> list[CoverField]:
    """The cover's lines as the exam book built now from ``session`` would print them (read as the book reads
    them, :func:`gather_cover`), each required field the session does not name said « à renseigner »: what
    the workstation's overview lists. None of these lines is redacted in the book: no redaction is made."""
    cover = gather_cover(session, Scrubber.for_sessions(session, enabled=False, lang=lang), lang)
    return cover_fields(cover, lang, to_fill=True, upcoming=upcoming)


def versions_behind(
    session: SessionView, products: dict[int, ProductVersion] | None = None
) -> dict[ProductVersion, dict[str, Any]]:
    """Each engine and software version behind a retained verdict (a case's latest attempt, which a review may
    override), in the order of its first run: the runs it ran in (``runs``) and how many cases it decided.
    ``products``: each run's (:func:`~testbench.store.model.run_product`), when the caller has them."""
    if products is None:
        products = {r["id"]: run_product(r) for r in session.runs}
    found: dict[ProductVersion, dict[str, Any]] = {}
    for view in session.cases:
        if view.latest is None:
            continue
        behind = found.setdefault(products.get(view.latest.run_id, ProductVersion()), {"runs": [], "cases": 0})
        behind["cases"] += 1
        if view.latest.run_id not in behind["runs"]:
            behind["runs"].append(view.latest.run_id)
    for behind in found.values():
        behind["runs"].sort()
    return dict(sorted(found.items(), key=lambda item: item[1]["runs"][0]))


_PARTS = ("engine_name", "engine_version", "sut_name", "sut_version")


def mixed_versions(products: Iterable[ProductVersion]) -> bool:
    """Whether two of ``products`` name different versions: the cover's « versions mélangées », the JUnit's
    property, what ``merge`` refuses shards on. A part one of them leaves blank (a rerun that did not repeat
    ``--sut``) is not said, not another version."""
    seen = list(products)
    return any(
        getattr(a, part) and getattr(b, part) and getattr(a, part) != getattr(b, part)
        for i, a in enumerate(seen)
        for b in seen[i + 1 :]
        for part in _PARTS
    )


def unavailable(session: SessionView, scrub: Scrubber, lang: str = "fr") -> dict[str, Any] | None:
    """The latest run, when the bench could not start it (its ``bench-fault``, recorded in French): its id and
    why, in ``lang``. The retained verdicts are then older runs', and the book says so as the run's exit code did."""
    reason = session.not_run_reason
    if not reason:
        return None
    return {"run": session.runs[-1]["id"], "reason": scrub(translator(lang)(reason))}


def joined(products: Iterable[ProductVersion], part: str) -> str:
    """One field of ``products`` (``engine_version``…) as a person reads it: each value once, in order."""
    return ", ".join(dict.fromkeys(value for p in products if (value := getattr(p, part))))


def _said(product: ProductVersion, said: Any, missing: str) -> dict[str, dict[str, str]]:
    """``product`` as the cover shows it: the bench's own engines' French names translated, a blank as missing."""
    shown = product.as_dict()
    shown["engine"]["name"] = said(shown["engine"]["name"]) if shown["engine"]["name"] else ""
    return {part: {k: fmt.visible_controls(v) or missing for k, v in values.items()} for part, values in shown.items()}


#: what the cover says after the offsets of the logs' clocks: which time the book gives of their lines
CLOCKS_CORRECTED = _t(
    "les heures de ce cahier sont celles du banc, en UTC ; celle qu'une ligne de journal porte est citée comme"
    " « heure du journal »"
)
CLOCK_OFF = _t("horloge de {source} décalée de {offset}, corrigée")
CLOCK_OFF_ZONE = _t("horloge de {source} décalée de {offset}, corrigée (fuseau horaire {hours} h ?)")
CLOCK_OFF_CONFIGURED = _t("horloge de {source} décalée de {offset} (valeur configurée), corrigée")


def source_clocks(session: SessionView, scrub: Callable[[str], str], lang: str = "fr") -> list[dict[str, Any]]:
    """Each log whose clock was off from the bench's (the capture's ``clock-offset`` events, one per source and
    run): its name, the offset (seconds, its clock minus the bench's; None in an older session's record), whether
    the profile gave it, and the sentence in ``lang`` (« horloge de gestpsad.log décalée de +94,96 s, corrigée »);
    each sentence once. A clock on time, or never measured, is not listed."""
    t = translator(lang)
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for data in session.event_data(EventKind.CLOCK_OFFSET):
        if not isinstance(data, Mapping):
            continue
        source = scrub(PurePath(str(data.get("source") or "").replace("\\", "/")).name or str(data.get("source")))
        offset = data.get("offset_s")
        if isinstance(offset, int | float) and not isinstance(offset, bool):
            if not data.get("corrected"):
                continue
            configured = bool(data.get("configured"))
            value = f"{offset:+.2f} s" if lang == "en" else f"{offset:+.2f} s".replace(".", ",")
            hours = round(offset / 3600)
            if configured:
                said = t(CLOCK_OFF_CONFIGURED).format(source=source, offset=value)
            elif hours and abs(offset - hours * 3600) < 60:  # a time zone read wrong, more likely than a drift
                said = t(CLOCK_OFF_ZONE).format(source=source, offset=value, hours=f"{hours:+d}")
            else:
                said = t(CLOCK_OFF).format(source=source, offset=value)
        else:  # recorded before the offset was: its French sentence (testbench.traces.clock.ClockOffset.describe_fr)
            text = str(data.get("text") or "")
            if not text.endswith("corrigée") and "corrigée (" not in text:
                continue
            offset, configured, said = None, "valeur configurée" in text, t(scrub(text))
        if said not in seen:
            seen.add(said)
            out.append({"source": source, "offset_s": offset, "configured": configured, "said": said})
    return out


def _sut_profile(record: Any, scrub: Callable[[str], str]) -> dict[str, Any] | None:
    """The application profile of the latest run that had one (``SutProfile.record``): the file and its hash,
    the logs followed and the folders watched, as the exam book states them; none without a profile. Paths
    are redacted as the run's command line is (a folder may be named after a patient, as a file may be)."""
    if not isinstance(record, dict):
        return None
    outputs = record.get("outputs") or {}
    return {
        "file": scrub(str(record.get("file") or "")),
        "sha256": str(record.get("sha256") or ""),
        "name": str(record.get("name") or ""),
        "logs": [scrub(str(log)) for log in record.get("logs") or []],
        "outputs": {str(key): scrub(str(folder)) for key, folder in outputs.items()},
    }


def forced_merge(meta: Mapping[str, str], scrub: Scrubber) -> list[dict[str, Any]]:
    """The inputs of a merge forced over their modification (``merge --allow-tampered``) and what each one's
    chain found: the merged session's own chain is whole, so this is where the cover learns of them."""
    try:
        heads = json.loads(meta.get("merged_from") or "[]")
    except ValueError:
        return []
    return [
        {"file": scrub.value(PurePath(str(head.get("file", ""))).name), "problems": list(head["chain_problems"])}
        for head in heads
        if isinstance(head, dict) and head.get("chain_problems")
    ]


#: an attempt, as the cover names it: its case and its number
Place = tuple[str, int]
_PLACES_SHOWN = 8  # cases named after a card that stands out; the others are counted


class _CardRows:
    """The cover's cards: each card put in a reader slot in any attempt with what the guard decided of it, and why
    in words. Each decision is a row of its own — a real card refused for one case, or in an attempt a rerun
    superseded, is listed refused beside the test card accepted since, never hidden by it —; a card no decision
    was recorded on (no check, or pulled since its check) is listed only when none was recorded on it elsewhere.
    A row gathers every attempt that made the same decision on the same card, and one that stands out (refused,
    or not a test card) names them."""

    def __init__(self, scrub: Scrubber, lang: str) -> None:
        self.scrub, self.lang, self.t = scrub, lang, translator(lang)
        self.decided: dict[tuple[str, ...], dict[str, Any]] = {}
        self.undecided: dict[tuple[str, str], dict[str, Any]] = {}

    def add(self, state: CardState, allow_real: bool, place: Place) -> None:
        """A card state of one attempt, ``place`` (``allow_real``: that attempt's guard allowed real cards)."""
        if state.card is None:  # the guard checked a slot no card was presented in
            return
        check = state.check
        if state.status == "accepted":
            why = accepted_why_fr(str(check.get("nature") or ""), allow_real)
        elif state.status == "refused":  # the guard's sentence (card found, card expected, what differs), or the
            why = state.detail  # attempt's reason when the record does not tell slot by slot
        else:
            _seen(self.undecided.setdefault((state.slot, state.card), self._entry(state, "")), place)
            return
        key = (state.slot, state.card, state.status, str(check.get("found_fr") or ""), str(check.get("atr")), why)
        if key not in self.decided:  # made once per decision: a campaign repeats the same card in most cases
            self.decided[key] = self._entry(state, why)
        _seen(self.decided[key], place)

    def _entry(self, state: CardState, why: str) -> dict[str, Any]:
        check = state.check
        nature = check.get("nature")
        return {
            "slot": state.slot,
            "card": state.card,
            "profile": state.present.get("profile"),
            "reader": check.get("reader") or state.present.get("reader"),
            "family": check.get("family"),
            "nature": nature,
            "nature_label": nature_words(str(nature), self.lang) if nature else None,  # « carte réelle », not « R »
            "found": self.scrub(self.t(str(check.get("found_fr") or ""))),  # recorded French
            "atr": check.get("atr"),
            "guard": _guard_word(state.status, self.lang),
            # recorded French; a difference between two hidden values says how they differ
            "guard_reason": self.scrub.noted(why, self.t) if why else "",
            # a card to look at on exam day: refused, or not a test card (``nature`` as the guard read it)
            "stands_out": state.status == "refused" or bool(nature and nature != "T"),
            "attempts": [],  # the places (case, attempt number) that read the card so
        }

    def rows(self, missing: str) -> list[dict[str, Any]]:
        """The rows by slot and card, each card's decisions in the session's order; a blank reads ``missing``.
        ``attempts``: every attempt the row gathers; a row that stands out names them after its reason."""
        decided = {key[:2] for key in self.decided}
        rows = [*self.decided.values(), *(e for key, e in self.undecided.items() if key not in decided)]
        out = []
        for c in sorted(rows, key=lambda c: (c["slot"], c["card"])):
            places = c["attempts"]
            where = self._where(places) if c["stands_out"] else ""
            reason = " — ".join(part for part in (c["guard_reason"], where) if part)
            out.append(
                {k: (v if v not in (None, "") else missing) for k, v in c.items()}
                | {"guard_reason": reason, "where": where}
                | {"attempts": [{"case_id": case, "attempt": number} for case, number in places]}
            )
        return out

    def _where(self, places: list[Place]) -> str:
        """The attempts in words, by case: « MID-002 (tentatives 1, 3), MID-005 (tentative 2) »; past a few
        cases, how many more."""
        by_case: dict[str, list[str]] = {}
        for case, number in places:
            by_case.setdefault(case, []).append(str(number))
        said = [
            f"{case} ({self.t('tentatives') if len(numbers) > 1 else self.t('tentative')} {', '.join(numbers)})"
            for case, numbers in by_case.items()
        ]
        more = len(said) - _PLACES_SHOWN
        if more > 0:
            said = [*said[:_PLACES_SHOWN], tn("… et {count} autre cas", "… et {count} autres cas", more, self.lang)]
        return ", ".join(said)


def _seen(row: dict[str, Any], place: Place) -> None:
    """``place`` read the row's card so: each attempt once."""
    if place not in row["attempts"]:
        row["attempts"].append(place)


def _guard_word(status: str, lang: str) -> str | None:
    """The card guard's verdict on a card; none when the record does not say (never « accepted » by default)."""
    word = {"accepted": "acceptée", "refused": "refusée"}.get(status)
    return translator(lang)(word) if word else None


def _add_reader(readers: list[str], reader: object) -> None:
    if reader and reader not in readers:
        readers.append(str(reader))
