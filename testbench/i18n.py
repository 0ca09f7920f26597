"""User-facing words in French (default, the CNDA's language) and English (on request).

The one lookup (:func:`translator`, :func:`t`, and :func:`tn` for a message that agrees with a count) of
the command line, the workstation and the reports, over the message catalogue of :mod:`testbench.locale`;
:func:`english` also reads back sentences composed from French parts, from the catalogue's ``{name}``
templates (plural entries included) and the few modules' ``EN_SHAPES``.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping

from testbench.locale import CONTEXT, catalogue, entries, plurals

LANGUAGES = ("fr", "en")
#: The part of a plural entry that holds its number (« {count} problèmes »): its form agrees with it.
COUNT = "count"


@functools.cache
def _english_table() -> Mapping[str, str]:
    """The English of every French text (msgid → msgstr of the catalogue's entries without a context).

    Read at the first English lookup, not at import: a command in French never reads the catalogue. Add a
    text to ``testbench/locale/en/LC_MESSAGES/testbench.po``, then ``pybabel compile`` (see testbench.locale).
    """
    return {k: v for k, v in entries("testbench", "en").items() if CONTEXT not in k}


_active: str | None = None


def default_language() -> str:
    """The language in use: the one a command asked for (``use_language``), else ``TESTBENCH_LANG``, else fr."""
    if _active is not None:
        return _active
    value = os.environ.get("TESTBENCH_LANG", "fr")
    lang = value.strip().lower()[:2]  # « set TESTBENCH_LANG= en » (cmd.exe keeps the blank) is English
    if lang in LANGUAGES:
        return lang
    if value.strip():  # an empty TESTBENCH_LANG is as unset
        _unsupported(value)
    return "fr"


@contextlib.contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Make ``lang`` the default language for the duration of a command (``--lang``), then restore."""
    global _active
    previous = _active
    _active = lang if lang in LANGUAGES else None
    try:
        yield default_language()
    finally:
        _active = previous


def set_language(lang: str | None) -> None:
    """Make ``lang`` the active language from now on (the workstation's F2 switches it while it runs)."""
    global _active
    _active = lang if lang in LANGUAGES else None


def translator(lang: str | None = None, context: str | None = None) -> Callable[[str], str]:
    """Return ``t(text)``: the French text itself, or its English version when asked.

    The one lookup of the CLI, the workstation and the reports. ``context`` names a catalogue context
    (``tui``, ``cli``) whose entries come first: where a word reads differently (the workstation's
    « Synthèse » tab is its "Overview", the report's is a "Summary").
    """
    lang = lang or default_language()
    if lang != "en":
        return _french
    if context is None:
        return english
    prefix = context + CONTEXT  # the catalogue is read at the first lookup, not here (modules keep translators)
    return lambda text: entries("testbench", "en").get(prefix + text) or english(text)


def t(text: str, context: str | None = None) -> str:
    """``text`` in the active language (see :func:`translator`)."""
    return translator(None, context)(text)


def _french(text: str) -> str:
    return text


def _t(text: str) -> str:
    """Marks a French text for the catalogue where it is written (extracted as ``_t``): a constant, a table's
    words, a template recorded in French; translated where it is shown. The one marker every module imports."""
    return text


#: what stderr says of a TESTBENCH_LANG the bench has no catalogue for (in French: no language was chosen)
UNSUPPORTED = _t("TESTBENCH_LANG={value} : langue non prise en charge (fr ou en) ; le français est utilisé")


_said_unsupported: set[str] = set()


def _unsupported(value: str) -> None:
    """Say once per process (callers ask the language at every word) that ``value`` is ignored, rather than
    silently answering in French to someone who asked for another language. The value is marked said before
    the line is written: writing it asks the language again (the CLI's stderr writer follows it)."""
    from testbench.fmt import visible_controls  # testbench.fmt imports this module

    if value in _said_unsupported:
        return
    _said_unsupported.add(value)
    if sys.stderr is not None:  # none under pythonw
        print(f"testbench: {UNSUPPORTED.format(value=visible_controls(value))}", file=sys.stderr)


def tn(singular: str, plural: str, count: int, lang: str | None = None, **parts: object) -> str:
    """The message that agrees with ``count``, in ``lang`` (the active language by default), filled in.

    French (the source text) takes the singular for 0 and 1 (« 0 cas exécuté », « 1 problème »,
    « 2 problèmes »); English reads the catalogue's plural entry (``msgid_plural``, ``msgstr[0]``/``[1]``)
    by its ``Plural-Forms`` (1 singular, else plural). The number fills ``{count}`` (so that a sentence
    stored in French reads back, :func:`english`), ``parts`` the other ``{name}`` parts.
    """
    return _form(singular, plural, count, lang).format(count=count, **parts)


def _form(singular: str, plural: str, count: int, lang: str | None) -> str:
    if (lang or default_language()) != "en":
        return singular if count <= 1 else plural
    return catalogue("testbench", "en").ngettext(singular, plural, count)


def colon(lang: str | None = None) -> str:
    """What joins a label to its value: « : » in French typography, ": " in English (no space before)."""
    return ": " if (lang or default_language()) == "en" else " : "


def semicolon(lang: str | None = None) -> str:
    """What separates the items of a list of sentences: « ; » in French, "; " in English."""
    return "; " if (lang or default_language()) == "en" else " ; "


#: Modules whose ``EN_SHAPES`` read back French sentences composed from parts (see :func:`english`).
_SHAPE_MODULES = (
    "testbench.runner.reasons",  # first: its shape takes a reason's count of other deviations off its end
    "testbench.cards.messages",
    "testbench.engines.protocol.validation",
    "testbench.engines.protocol.client",
)
Shape = tuple[re.Pattern[str], Callable[[re.Match[str], Callable[[str], str]], str]]
#: the parts of a sentence that name a machine, a process or a case, never words: a host named « poste » stays
#: « poste », a case « cartes » stays « cartes » (« cas cartes absent de la session » was "case cards not in …")
_NAMES = frozenset({"host", "pid", "case", "cases", "id", "ident"})
#: Templates whose parts are values as the bench recorded them (testbench.runner.compare's comparison of
#: values): read back as they are, but for the « oui » / « non » a boolean reads as and the French way of
#: writing an amount or a decimal (« 56,00 € », testbench.fmt). Such a value may be a French word of the
#: catalogue (the ADRI marking code « aucun »): data, not the bench's word.
_AS_RECORDED = {
    "attendu {expected}, observé {observed} ({detail})": frozenset({"expected", "observed"}),
    "{expectation} : attendu {expected}, observé {observed} ({detail})": frozenset({"expected", "observed"}),
    # a value not of its expectation's type: the value as recorded (« aucun » keyed for a number stays so)
    **{
        f"{head}valeur {side} « {{value}} » : ce n'est pas {{needed}}": frozenset({"value"})
        for head in ("", "{expectation} : ")
        for side in ("observée", "attendue")
    },
    "écart {delta} ≤ tolérance {tolerance}": frozenset({"delta", "tolerance"}),
    "écart {delta} > tolérance {tolerance}": frozenset({"delta", "tolerance"}),
    "{method} : pas de réponse en {seconds} s": frozenset({"seconds"}),  # a time limit: « 0,5 » reads 0.5
    # testbench.engines.protocol.client: an oversized line's sizes (testbench.fmt.byte_size, « 8 Mio »)
    "{method} : ligne de {size} (limite : {limit})": frozenset({"size", "limit"}),
    "{method} : ligne de plus de {limit}": frozenset({"limit"}),
    "une ligne de {size} (limite : {limit})": frozenset({"size", "limit"}),
    "une ligne de plus de {limit}": frozenset({"limit"}),
    "une ligne de plus de {size} octets": frozenset({"size"}),
    "pas de réponse en {seconds} s": frozenset({"seconds"}),
    # an XML problem of a card profile or casebook (testbench.casebook.source): names as the author wrote them
    "balise fermante </{close}> alors que <{open}> (ligne {line}) est ouvert": frozenset({"close", "open"}),
    "fin du fichier avant la fermeture de <{tag}> (ouvert ligne {line})": frozenset({"tag"}),
    "balise ouvrante <{tag}> non terminée (ligne {line})": frozenset({"tag"}),
    "<{element}>, attribut « {attribute} »": frozenset({"element", "attribute"}),
    # testbench.cards.bays: readers' names as PC/SC gives them (a reader named « cahier » stays so)
    "{count} lecteur absent : {missing} (présents : {present})": frozenset({"missing"}),  # « aucun » present: a word
    "{count} lecteurs absents : {missing} (présents : {present})": frozenset({"missing"}),
    # testbench.engines.reference.b2.B2Overflow: a lot's total and its zone's largest, in euros
    "lot : {value} ne tient pas dans la zone {field} du lot (au plus {limit})": frozenset({"value", "limit"}),
    "le moteur n'a pas répondu à describe en fin de cas ({seconds} s) : arrêté": frozenset({"seconds"}),
    # the same, with the line the engine began and did not end (testbench.engines.protocol.client._partial)
    "{method} : pas de réponse en {seconds} s ; le moteur avait écrit une ligne sans la finir : « {partial} »": (
        frozenset({"seconds"})
    ),
    "le moteur n'a pas répondu à describe en fin de cas ({seconds} s) : arrêté ; le moteur avait écrit une ligne"
    " sans la finir : « {partial} »": frozenset({"seconds"}),
    # testbench engine check: its time limit and the engine's stop time (testbench.fmt.seconds)
    "délai de {seconds} s dépassé : {methods}": frozenset({"seconds"}),
    "tous les appels sous {seconds} s": frozenset({"seconds"}),
    "arrêt propre en {seconds} s": frozenset({"seconds"}),
    **{  # its grace period after shutdown (testbench.engines.protocol.process.REAP_TIMEOUT)
        f"le moteur tournait encore {{seconds}} s après shutdown : arrêt forcé par le banc{killed}": frozenset(
            {"seconds"}
        )
        for killed in ("", ", tué par le signal {signal} ({name})", ", tué par le signal {signal}")
    },
    # an output waited for (testbench.extract.complete, testbench.engines.operator.assisted; testbench.fmt.seconds)
    "sortie du logiciel incomplète : l'enregistrement de fin « {closing} » n'est pas la dernière ligne de {file}"
    " après {seconds} s d'attente": frozenset({"seconds"}),
    "sortie du logiciel incomplète après {seconds} s d'attente : {error}": frozenset({"seconds"}),
    # a step's own output that came after its wait (testbench.engines.operator.assisted.LATE_READ_NONE)
    **{
        "extracteur « {name} » : aucun fichier nouveau ou modifié dans {where} pendant l'attente de l'étape"
        f" ({{seconds}} s) ; {{files}} {came} : {kept}, {values} ne sont pas lues": frozenset({"seconds"})
        for came, kept, values in (
            ("est arrivé après", "gardé comme pièce", "ses valeurs"),
            ("sont arrivés après", "gardés comme pièces", "leurs valeurs"),
        )
    },
    # testbench.cards.pcsc, testbench.cards.bay: a wait for a card (testbench.fmt.seconds, « 1,5 »)
    "délai dépassé ({seconds} s) en attendant l'insertion de la carte dans le lecteur « {reader} »": frozenset(
        {"seconds"}
    ),
    "délai dépassé ({seconds} s) en attendant le retrait de la carte dans le lecteur « {reader} »": frozenset(
        {"seconds"}
    ),
    "délai dépassé ({seconds} s) en attendant l'insertion de la carte dans le lecteur « {reader} » : la carte du"
    " port vpcd {port} est apparue dans le lecteur « {other} » ; ce port n'est pas celui du lecteur « {reader} »"
    " (lecteurs et ports croisés dans TESTBENCH_CARD_READERS ?)": frozenset({"seconds"}),
    # the reference engine's refusals (testbench.engines.reference): amounts « 5,50 € » read "€5.50", dates
    # « 05/01/2026 » read ISO, "2026-01-05" (an older session's ISO date reads as recorded)
    "ligne {line} : prix {price} au-dessus du PLV {plv} ({code})": frozenset({"price", "plv"}),
    "ligne {line} : dépassement de {amount} interdit pour un bénéficiaire C2S": frozenset({"amount"}),
    "rsp-partial : le montant payé {paid} doit être en euros au centime près, de zéro à moins de {owed} (dû)": (
        frozenset({"paid", "owed"})
    ),
    "ligne {line} : pas de tarif {code} au {date}": frozenset({"date"}),
    "ligne {line} : aucun taux {kind} pour la catégorie {category} au {date}": frozenset({"date"}),
    "ligne {line} : soins du {date} hors de la période de droits": frozenset({"date"}),
    "facture du {billed} avant les soins du {date}": frozenset({"billed", "date"}),
    "soins du {date} facturés le {billed} : délai d'un an dépassé": frozenset({"date", "billed"}),
    "prescription du {date} postérieure aux soins du {care}": frozenset({"date", "care"}),
    "accident du {date} postérieur aux soins du {care}": frozenset({"date", "care"}),
    "ligne {line} : fin de location {end} avant son début {start}": frozenset({"end", "start"}),
    "ligne {line} : location commencée le {since}, après la période facturée": frozenset({"since"}),
    "ApCV : contexte expiré ({expires})": frozenset({"expires"}),
    "ligne {line} : tarif de test {code} à {tariff} (relevé historique du {seen}), non vérifié au {date}": frozenset(
        {"tariff", "seen", "date"}
    ),
    "ligne {line} : date d'effet non vérifiée : {code} à {tariff} au {date}, date de début inconnue": frozenset(
        {"tariff", "date"}
    ),
    "ligne {line} : date d'effet non vérifiée : {code} à {tariff} au {date}, attesté à partir du {since}": (
        frozenset({"tariff", "date", "since"})
    ),
    # testbench.engines.protocol.conformance: a check's id, stable (docs/engine-protocol.md), never translated
    "le moteur n'a pas démarré (vérification {check})": frozenset({"check"}),
    "{detail} (refait sur le moteur redémarré après la vérification {check})": frozenset({"check"}),
    "pas de lot dont lire les retours (la vérification {check} n'en a obtenu aucun)": frozenset({"check"}),
    # testbench.store.connection: a file-size limit as testbench.fmt.byte_size writes it (« 100 Kio »)
    "fichier trop grand pour la limite de taille des fichiers, {limit}": frozenset({"limit"}),
    # testbench engine check's invoice: the amounts the engine answered, as money
    "base {base}, part AMO {amo}, part patient {patient}": frozenset({"base", "amo", "patient"}),
}
_YES_NO = frozenset({"oui", "non"})


@functools.lru_cache(maxsize=8192)
def english(text: str) -> str:
    """The English of ``text``: the table's word, else that of a sentence composed from French parts.

    The bench records French (the session is read in either language later), so a composed sentence
    (« aucune carte dans le lecteur « X » ») is read back by its shape: the modules' shapes first, then
    every ``{name}`` template of the table, most literal text first; each part is translated again. Last, a
    sentence of the bench after a place (« s.tbsession : fichier vide, pas une session »): the place as written.
    """
    found = _english_table().get(text)
    if found is not None:
        return found
    for needle, pattern, build in _shapes():
        if needle in text and (match := pattern.fullmatch(text)):  # the substring test is the cheap one
            return build(match, english)
    place, colon_, sentence = text.partition(" : ")
    if colon_ and ": " not in place and (said := english(sentence)) != sentence:
        return f"{place}: {said}"  # « s.tbsession : phrase » (a file before the bench's sentence): the place as written
    return text


def _template_shape(french: str, english_text: str, agree: Callable[[int], str] | None = None) -> Shape | None:
    """A table entry with ``{name}`` parts as a shape; None for a plain word.

    A plural entry's shape (``agree``) reads its ``{count}`` part as a whole number, and ``agree`` picks
    the English form that agrees with it (see :func:`_plural_shapes`). The parts of a value
    (``_AS_RECORDED``) stay as recorded, a boolean's yes/no aside.
    """
    recorded = _AS_RECORDED.get(french, frozenset())
    pieces = re.split(r"\{(\w+)\}", french)
    if len(pieces) == 1 or not "".join(pieces[::2]).strip() or not set(pieces[1::2]) >= _names(english_text):
        return None
    regex, seen, last = "", set(), len(pieces) - 2
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            regex += re.escape(piece)
        elif piece in seen:
            regex += f"(?P={piece})"
        elif agree is not None and piece == COUNT:
            regex += rf"(?P<{piece}>\d+)"
            seen.add(piece)
        else:  # only the last part may span « : » or « ; » (a reason that carries a whole sentence)
            regex += f"(?P<{piece}>.*?)" if i == last else f"(?P<{piece}>(?:(?! : | ; ).)*?)"  # a value may be empty
            seen.add(piece)

    def build(match: re.Match[str], t: Callable[[str], str]) -> str:
        parts = match.groupdict()
        target = agree(int(parts[COUNT])) if agree is not None else english_text
        shown = {
            k: v if k in _NAMES else _recorded(v) if k in recorded and v not in _YES_NO else t(v)
            for k, v in parts.items()
        }
        return target.format(**shown)

    return re.compile(regex, re.DOTALL), build


def _recorded(value: str) -> str:
    """A value part of a recorded sentence in English: as recorded, but an amount, a decimal or a date written the
    French way (testbench.fmt, which imports this module: imported when a sentence is read back)."""
    from testbench.fmt import english_number

    return english_number(value)


def _names(template: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", template))


@functools.cache
def _shapes() -> tuple[tuple[str, *Shape], ...]:
    """(a literal the text must hold, the shape): the modules' shapes, then the templates."""
    own = [("", *s) for name in _SHAPE_MODULES for s in importlib.import_module(name).EN_SHAPES]
    singular = ((fr, _template_shape(fr, en)) for fr, en in _english_table().items() if "{" in fr)
    shapes = sorted((*singular, *_plural_shapes()), key=lambda item: -len(re.sub(r"\{\w+\}", "", item[0])))
    return (*own, *((max(re.split(r"\{\w+\}", fr), key=len), *s) for fr, s in shapes if s is not None))


def _plural_shapes() -> Iterator[tuple[str, Shape | None]]:
    """Both French forms of each plural entry as shapes, whose English agrees with the ``{count}`` read."""
    for singular, (plural, forms) in plurals("testbench", "en").items():
        if CONTEXT not in singular and f"{{{COUNT}}}" in singular:
            agree = functools.partial(_form, singular, plural, lang="en")
            for french in (singular, plural):
                yield french, _template_shape(french, forms[-1], agree)
