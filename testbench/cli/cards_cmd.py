"""``testbench cards …``: readers, card probing, emulation, recording and replay (French output).

``--lang en`` after any of them makes the PC/SC failures and ``cards list`` English.
Exit codes: 0 ok, 2 PC/SC stack or card unavailable, 3 invalid input.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from testbench.i18n import _t, tn, translator
from testbench.runner.exits import EXIT_ENVIRONMENT as EXIT_ENV
from testbench.runner.exits import EXIT_OK, EXIT_USAGE
from testbench.runner.options import FileValue, PathValue, port_number, seconds_or_zero

if TYPE_CHECKING:
    from collections.abc import Callable

    from testbench.cards.pcsc import ReaderEvent

#: ``cards replay --export-scriptor`` writes a script and presents no card: a serving option would be ignored
EXPORT_SERVES_NOTHING = _t(
    "{options} : sans effet avec --export-scriptor, qui écrit un script sans présenter de carte ;"
    " retirez l'une ou l'autre"
)

#: An output file named in a folder that does not exist.
NO_FOLDER = _t("{path} : le dossier {folder} n'existe pas ; indiquez un fichier dans un dossier existant")

#: ``cards probe`` of a card that is not a test card: its holder is a real person, shown only when asked
HOLDER_WITHHELD = _t(
    "Identité du porteur non affichée : {card}, pas une carte de test (--allow-real-cards pour l'afficher)"
)
#: a field the card holds no value for: its file left as erased (all FF) or the field absent from it
UNWRITTEN = _t("(vide : non écrit sur la carte)")

#: what ``--allow-real-cards`` does for probe and record (the option name ``run`` uses)
ALLOW_REAL_HELP = "accepter une carte réelle (hors test) : son porteur est alors affiché ou enregistré"

#: the vpcd reader a card is presented in (``_port``): 0 and 1 are pcscd's two readers, 2… the added entries
READER_HELP = "numéro du lecteur vpcd : 0 (défaut), 1, 2… (entrées ajoutées)"


def register(sub: Any) -> None:
    p = sub.add_parser("cards", help="lecteurs et cartes (Vitale, CPS) : lister, observer, identifier, émuler")
    cards = p.add_subparsers(dest="cards_command")
    p.set_defaults(func=lambda args: (p.print_help(), EXIT_USAGE)[1])
    lang = argparse.ArgumentParser(add_help=False)  # the commands that talk to PC/SC
    lang.add_argument("--lang", choices=("fr", "en"), default=None, help="langue (fr par défaut)")

    s = cards.add_parser("list", parents=[lang], help="lister les lecteurs PC/SC et leur carte")
    s.add_argument("--json", action="store_true", help="sortie JSON : chaque lecteur, son état et sa carte")
    s.set_defaults(func=cmd_list)

    s = cards.add_parser("watch", parents=[lang], help="afficher les insertions et retraits (comme pcsc_scan)")
    s.add_argument(
        "--reader", action="append", metavar="LECTEUR", help="lecteur à observer (répétable ; tous par défaut)"
    )
    s.add_argument("--timeout", type=seconds_or_zero, default=None, metavar="SECONDES", help="arrêter après N secondes")
    s.set_defaults(func=cmd_watch)

    s = cards.add_parser("probe", parents=[lang], help="identifier et décoder la carte d'un lecteur")
    s.add_argument(
        "--reader", metavar="LECTEUR", help="nom du lecteur (par défaut : le premier qui contient une carte)"
    )
    s.add_argument("--json", action="store_true", help="sortie JSON : ce que la carte dit d'elle-même, champ par champ")
    s.add_argument("--trace", action="store_true", help="afficher les APDU échangés (code porteur masqué)")
    s.add_argument("--allow-real-cards", action="store_true", help=ALLOW_REAL_HELP)
    s.set_defaults(func=cmd_probe)

    s = cards.add_parser("emulate", parents=[lang], help="présenter un profil de carte via vpcd à pcscd")
    s.add_argument(
        "profile", type=PathValue("PROFIL"), metavar="PROFIL", help="profil de carte de test (XML) à présenter"
    )
    s.add_argument(
        "--reader",
        type=reader_number,
        default=0,
        metavar="NUMÉRO",
        help=READER_HELP,
    )
    s.add_argument("--port", type=vpcd_port, metavar="PORT", help="port vpcd explicite (prioritaire sur --reader)")
    s.add_argument(
        "--trace",
        type=FileValue("--trace", "apdu.jsonl"),
        metavar="FICHIER",
        help="fichier JSON lines des APDU reçus (« - » : la sortie standard)",
    )
    s.add_argument(
        "--duration", type=seconds_or_zero, default=None, metavar="SECONDES", help="retirer la carte après N secondes"
    )
    s.set_defaults(func=cmd_emulate)

    s = cards.add_parser(
        "record", parents=[lang], help="enregistrer une session APDU (lecture publique ou script scriptor)"
    )
    s.add_argument("--reader", metavar="LECTEUR", help="nom du lecteur")
    s.add_argument(
        "--out",
        type=FileValue("--out", "carte.jsonl"),
        required=True,
        metavar="FICHIER",
        help="fichier d'enregistrement (JSON lines)",
    )
    s.add_argument(
        "--script",
        type=PathValue("--script"),
        metavar="SCRIPT",
        help="script scriptor à rejouer sur la carte (sinon : lecture publique)",
    )
    s.add_argument("--allow-real-cards", action="store_true", help=ALLOW_REAL_HELP)
    s.set_defaults(func=cmd_record)

    s = cards.add_parser("replay", parents=[lang], help="présenter un enregistrement comme carte virtuelle via vpcd")
    s.add_argument(
        "file",
        type=PathValue("FICHIER"),
        metavar="FICHIER",
        help="enregistrement des APDU fait par cards record (JSON lines)",
    )
    s.add_argument("--reader", type=reader_number, default=None, metavar="NUMÉRO", help=READER_HELP)
    s.add_argument("--port", type=vpcd_port, metavar="PORT", help="port vpcd explicite (prioritaire sur --reader)")
    s.add_argument(
        "--duration", type=seconds_or_zero, default=None, metavar="SECONDES", help="retirer la carte après N secondes"
    )
    s.add_argument(
        "--export-scriptor",
        type=FileValue("--export-scriptor", "carte.scriptor"),
        metavar="FICHIER",
        help="écrire un script scriptor au lieu de rejouer",
    )
    s.set_defaults(func=cmd_replay)


def reader_number(text: str) -> int:
    """``--reader N`` of emulate and replay: a vpcd reader number, 0 or more (-1 was taken for port 35962)."""
    if not text.strip().isdigit():
        message = translator()("« {value} » n'est pas un numéro de lecteur virtuel (0, 1, 2…)")
        raise argparse.ArgumentTypeError(message.format(value=text))
    return int(text)


def vpcd_port(text: str) -> int:
    """``--port P`` of emulate and replay: a port vpcd listens on. 0 (a port of the system's choice elsewhere) was
    read as no port at all, and the card went silently to reader 0."""
    try:
        value = port_number(text)
    except argparse.ArgumentTypeError:  # its range (0 to 65535) names 0, which vpcd does not take: this one's
        value = 0
    if value == 0:
        message = translator()("« {value} » n'est pas un port vpcd (un nombre de 1 à 65535)")
        raise argparse.ArgumentTypeError(message.format(value=text))
    return value


def _err(message: str) -> None:
    """``message`` as the card layer says it (French), in the command's language."""
    print(f"testbench cards: {translator()(message)}", file=sys.stderr)  # « prog: » as every command says it


def _file_problem(exc: Exception) -> str:
    """A recording or script that cannot be used: its own sentence, or the OS's reason in French."""
    if isinstance(exc, OSError):
        from testbench.fmt import os_reason

        return f"{exc.filename} : fichier illisible ({os_reason(exc)})"
    return str(exc)


def _output_problem(path: Path | None, inputs: tuple[Path, ...] = ()) -> str | None:
    """Why the command cannot write ``path`` (a folder, a missing folder, one of its ``inputs``…): the sentence
    naming it, said before any card is touched; None when it can (« - »: the standard output)."""
    from testbench.tools.outputs import output_problem, write_problem

    if path is None or str(path) == "-":
        return None
    problem = output_problem(path, inputs)
    if problem is None and not path.parent.is_dir():  # a mistyped folder, a stick not mounted: never created
        return translator()(NO_FOLDER).format(path=path, folder=path.parent)
    problem = problem or write_problem(path)
    return None if problem is None else problem(translator(), None)


def _port(args: argparse.Namespace) -> int:
    from testbench.cards.vpcd import DEFAULT_PORT

    if args.port is not None:
        return int(args.port)
    n = int(args.reader or 0)
    return DEFAULT_PORT + n if n < 2 else 36000 + (n - 2)  # extra entries of scripts/pcscd.sh --readers


def _family_fr(atr: bytes) -> str:
    from testbench.cards.inventory import family_fr

    return family_fr(atr)


def cmd_list(args: argparse.Namespace) -> int:
    from testbench.cards.api import CardUnavailable
    from testbench.cards.inventory import reader_states
    from testbench.cards.pcsc_errors import no_reader_message

    try:
        rows = reader_states()
    except CardUnavailable as exc:
        _err(str(exc))
        return EXIT_ENV
    if args.json:
        print(json.dumps([row.as_dict(args.lang) for row in rows], indent=2))  # ASCII: any console spells it
    elif not rows:
        print(no_reader_message(args.lang))  # the service answers: neither "not installed" nor "not running"
    else:
        for row in rows:
            print(row.text(args.lang))
    return EXIT_OK


def cmd_watch(args: argparse.Namespace) -> int:
    from testbench.cards.api import CardUnavailable
    from testbench.cards.pcsc import list_readers, watch
    from testbench.cards.pcsc_errors import no_reader_message

    try:
        t = translator()
        _listed(args.reader)
        if not args.reader and not list_readers():  # said, then the watch waits for a reader to be plugged in
            print(no_reader_message(args.lang), file=sys.stderr, flush=True)
        for ev in watch(args.reader, args.timeout):
            stamp = datetime.now().strftime("%H:%M:%S.%f")[:-3]
            print(f"{stamp}  {ev.reader}  {_watched(ev, t)}", flush=True)
    except CardUnavailable as exc:
        _err(str(exc))
        return EXIT_ENV
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def _watched(ev: ReaderEvent, t: Callable[[str], str]) -> str:
    """What ``cards watch`` says of one event: a card there when watching started is present, not inserted."""
    if ev.plugged is not None:
        return t("lecteur branché") if ev.plugged else t("lecteur débranché")
    if ev.present:
        said = t("carte présente") if ev.initial else t("carte insérée")
        return f"{said}  {t(_family_fr(ev.atr))}  ATR {ev.atr.hex(' ').upper()}"
    return t("vide") if ev.initial else t("carte retirée")


def _listed(readers: list[str] | None) -> None:
    """Raise CardUnavailable naming the readers present when one of ``readers`` is not (a typo in a long name)."""
    from testbench.cards.api import CardUnavailable
    from testbench.cards.bays import absent_readers
    from testbench.cards.pcsc import list_readers

    if not readers:
        return
    present = list_readers()
    missing = [name for name in readers if name not in present]
    if missing:
        raise CardUnavailable(absent_readers(missing, present, None))  # said in the command's language


def _open_channel(reader: str | None, sinks: list, beside: bool = False) -> Any:
    """A channel to ``reader``'s card (else the first reader holding one). ``beside``: another application
    may be using the card (the product under test, a campaign): one PC/SC transaction keeps its commands
    from coming between ours, and the card is left as it is, never reset under it."""
    from testbench.cards.link import Link, SingleChannel
    from testbench.cards.pcsc import PyscardTransport

    transport = PyscardTransport(
        _reader_with_card(reader), reset_on_release=not beside, transaction=beside, answer_timeout=MUTE_AFTER
    )
    return SingleChannel(Link(transport, "probe", sinks))


def _reader_with_card(reader: str | None) -> str:
    """``reader``, else the first reader holding a card (its state read, the card not touched)."""
    from testbench.cards.api import CardUnavailable
    from testbench.cards.pcsc import Context, card_present
    from testbench.cards.pcsc_errors import no_reader_message

    if reader is not None:
        _listed([reader])
        return reader
    with Context() as ctx:
        names = ctx.readers()
        states = ctx.status(names) if names else {}
    found = next((r for r in names if card_present(states[r][0])), None)
    if found is None and not names:
        raise CardUnavailable(no_reader_message())
    if found is None:
        raise CardUnavailable(translator()("aucune carte dans les lecteurs {readers}").format(readers=", ".join(names)))
    return found


#: seconds a connect or a command may go unanswered before the card is taken for mute (the transport's
#: ``answer_timeout``: neither pcscd nor vpcd puts a limit on them, and PC/SC cannot cancel one); far beyond any
#: answer of a working card. Another application's PC/SC transaction is waited for apart (5 s).
MUTE_AFTER = 10.0


def _real(nature: str, family: str | None) -> bool:
    """A card that may be a real person's, as the guard tells them: a Vitale or a CPS (``family``) that is not
    a test card, or whose nature was not read (not proven a test card); another card holds no one's identity."""
    return bool(family) and nature != "T"


def _holder_withheld(nature: str) -> str:
    """Why a card's holder is not shown (:data:`HOLDER_WITHHELD`), in the command's language."""
    from testbench.cards.messages import nature_words
    from testbench.i18n import default_language

    return translator()(HOLDER_WITHHELD).format(card=nature_words(nature, default_language()))


def _without_holder(value: Any) -> Any:
    """``value`` (a card's JSON) with every personal field (the card layer's layout) set to null."""
    from testbench.cards.layout import PERSONAL_FIELDS

    if isinstance(value, list):
        return [_without_holder(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: None if k in PERSONAL_FIELDS.values() else _without_holder(v) for k, v in value.items()}


def _shown(value: object) -> str:
    """``value`` as printed, or :data:`UNWRITTEN` when the card holds none (a blank field said, never left blank)."""
    text = "" if value is None else str(value).strip()
    return text or translator()(UNWRITTEN)


def _heading(line: str) -> str:
    """A card's heading as a sentence starts: the English puts the nature first (« test Vitale 2 card »)."""
    return line[:1].upper() + line[1:]


def print_vitale(data: Any, withheld: bool = False) -> None:
    """A Vitale card as read; ``withheld``: without its holders (NIR, names, birth dates), said why — its rights
    (régime, caisse, dates) are no one's identity and stay."""
    from testbench.cards.guard import NATURE_FR
    from testbench.cards.nir import format_nir
    from testbench.cards.profile import flag_label

    t = translator()
    nature = t(NATURE_FR.get(data.nature, data.nature))
    if data.nature:
        head = t("Carte Vitale {generation} {nature} (nature {code})")
        print(_heading(head.format(generation=data.generation, nature=nature, code=data.nature)))
    else:  # not proven a test card (docs/cards.md §6)
        print(t("Carte Vitale {generation} de nature non lue").format(generation=data.generation))
    if withheld:
        print("  " + _holder_withheld(data.nature))
    else:
        print(t("  Immatriculation : {nir}").format(nir=_shown(format_nir(data.nir))))
    r = data.rights
    regime, caisse, centre, gestion = (_shown(v) for v in (r.regime, r.caisse, r.centre, r.code_gestion))
    print(f"  Régime {regime}  caisse {caisse}  centre {centre}  code gestion {gestion}")  # domain terms
    end = r.end or t("(non portée par la carte)")
    print(t("  Droits : du {start} au {end}").format(start=r.start or "?", end=end))
    for b in () if withheld else data.beneficiaries:
        periods = sorted(b.coverage.periods.items())
        cov = ", ".join(f"{t(flag_label(f))} {s or '…'}→{e or '…'}" for f, (s, e) in periods)
        who = t("  Bénéficiaire {rank} : {who}, né(e) le {birth}, qualité {qualite}").format(
            rank=b.rank, who=_shown(f"{b.first_name} {b.name}"), birth=_shown(b.birth_date), qualite=_shown(b.qualite)
        )
        twin = t(" jumeau n°{rank}").format(rank=b.twin_rank) if b.twin_rank > 1 else ""
        print(f"{who}{twin}, NIR {_shown(format_nir(b.nir))}" + (f", {cov}" if cov else ""))


def print_cps(data: Any, withheld: bool = False) -> None:
    """A CPS as read; ``withheld``: without its holder (names, RPPS) and situations (FINESS, n° AM), said why."""
    from testbench.cards.guard import NATURE_FR

    t = translator()
    left = data.pin_tries_left
    tries = t("non lu") if left is None else (t("BLOQUÉ") if left == 0 else str(left))
    nature = t(NATURE_FR.get(data.nature, data.nature))
    if data.nature:
        head = t("Carte {type} (CPS{generation}) {nature}")
        print(_heading(head.format(type=data.card_type, generation=data.generation, nature=nature)))
    else:  # not proven a test card (docs/cards.md §6)
        unread = t("Carte {type} (CPS{generation}) de nature non lue")
        print(unread.format(type=data.card_type, generation=data.generation))
    if withheld:
        print("  " + _holder_withheld(data.nature))
    else:
        who = _shown(f"{data.first_name} {data.name}")
        print(t("  Porteur : {who}  RPPS {rpps}").format(who=who, rpps=_shown(data.rpps)))
    print(
        t("  Profession : {profession} (code {code})  spécialité : {specialty}").format(
            profession=_shown(data.profession), code=_shown(data.profession_code), specialty=data.specialty or "—"
        )
    )
    issuer = t("oui" if data.issuer_ok else "non")
    print(t("  Émetteur ANS : {issuer}  essais code porteur restants : {tries}").format(issuer=issuer, tries=tries))
    for s in () if withheld else data.situations:
        print(
            t("  Situation {number} : {structure}  mode {mode}  FINESS {finess}  n° AM {am}").format(
                number=s.number, structure=_shown(s.structure), mode=_shown(s.mode), finess=s.finess or "—",
                am=s.am_number or "—",
            )
        )


def _print_trace(exchanges: list[Any], *, masked: bool) -> None:
    """The exchanges of ``cards probe --trace`` on standard error; ``masked``: a holder's fields in the responses
    (NIR, names, birth dates, RPPS…, by the card layer's TLV layout) replaced by what they were and their length,
    as exports mask them (« ‹NIR masqué, 15 octets› »)."""
    from collections import Counter

    from testbench.cards.trace import format_exchange
    from testbench.traces.redact_bytes import mask_apdu_fields
    from testbench.traces.redact_rules import ALL_KINDS

    t = translator()
    for exchange in list(exchanges):  # a copy: a mute card's thread, left behind, may still add one
        line = format_exchange(exchange)
        print(mask_apdu_fields(line, ALL_KINDS, t, Counter()) if masked else line, file=sys.stderr)


def cmd_probe(args: argparse.Namespace) -> int:
    from testbench.cards.api import CardError
    from testbench.cards.layout import atr_family
    from testbench.cards.read import read_cps, read_vitale

    exchanges: list[Any] = []  # --trace: printed once the card's nature says whether its holder may be shown

    def probe() -> Any:
        ch = _open_channel(args.reader, [exchanges.append] if args.trace else [], beside=True)
        try:
            atr = ch.atr("probe")
            fam = atr_family(atr)
            t = translator()
            # with --json, standard output holds the JSON alone (a script parses it): the head goes to stderr
            head = sys.stderr if args.json else sys.stdout
            print(t("Lecteur : {reader}").format(reader=ch.reader_name("probe")), file=head)
            print(t("ATR : {atr} ({family})").format(atr=atr.hex(" ").upper(), family=t(_family_fr(atr))), file=head)
            if fam is None:
                print(t("Carte non reconnue (ni Vitale ni CPS d'après l'ATR)."), file=head)
                if args.json:
                    print(json.dumps({"reader": ch.reader_name("probe"), "atr": atr.hex().upper(), "family": None}))
                return None, None
            return fam, read_vitale(ch, "probe") if fam.startswith("vitale") else read_cps(ch, "probe")
        finally:
            ch.release()

    try:
        fam, data = probe()
    except CardError as exc:
        _print_trace(exchanges, masked=not args.allow_real_cards)  # a card whose nature was not read: maybe real
        _err(str(exc))
        return EXIT_ENV
    withheld = _real(data.nature, fam) and not args.allow_real_cards  # a real person's card
    _print_trace(exchanges, masked=withheld)
    if fam is None:
        return EXIT_OK
    if args.json:
        if withheld:
            print(_holder_withheld(data.nature), file=sys.stderr)
        print(json.dumps(_without_holder(data.as_dict()) if withheld else data.as_dict(), indent=2))
    elif fam.startswith("vitale"):
        print_vitale(data, withheld)
    else:
        print_cps(data, withheld)
    return EXIT_OK


def _serve(card: Any, args: argparse.Namespace, trace: Path | None, label: str, source: dict[str, str]) -> int:
    """Present ``card`` on the port ``args`` name until ^C or ``--duration``; ``source``: what the port's lock tells
    another process that finds it taken (``command``, ``file``)."""
    from testbench.cards.api import CardUnavailable
    from testbench.cards.emulator_control import PortLock

    port = _port(args)

    lock = PortLock(port, source)  # as a bay takes it: vpcd would queue a second card on the port unsaid
    try:
        lock.acquire(0.0)
    except CardUnavailable as exc:
        _err(str(exc))
        return EXIT_ENV
    try:
        return _serve_locked(card, port, trace, args, label)
    finally:
        lock.release()


def _serve_locked(card: Any, port: int, trace: Path | None, args: argparse.Namespace, label: str) -> int:
    from testbench.cards.trace import JsonlSink
    from testbench.cards.vpcd import VirtualICC

    # the card's answers carry its holder's data: written only where the person asks (a file, or « - »)
    sink = None if trace is None else JsonlSink(sys.stdout) if str(trace) == "-" else JsonlSink(trace)
    icc = VirtualICC(card, port, on_apdu=sink, reader=f"vpcd:{port}")
    try:
        icc.insert(5.0)
    except OSError as exc:
        from testbench.cards.pcsc_errors import vpcd_unreachable

        # a reader number past pcscd's readers is no fault of pcscd's; a --port is said as given
        _err(vpcd_unreachable(port, exc, by_port=args.port is not None))
        return EXIT_ENV
    t = translator()
    print(
        t("{card} insérée sur le port vpcd {port} ; Ctrl-C pour la retirer").format(card=t(label), port=port),
        file=sys.stderr,
    )
    try:
        icc.closed.wait(args.duration)
    except KeyboardInterrupt:
        pass
    finally:
        icc.remove()
        if sink is not None and str(trace) != "-":
            sink.close()
        print(t("carte retirée"), file=sys.stderr)
    return EXIT_OK


def cmd_emulate(args: argparse.Namespace) -> int:
    from testbench.cards.profile import ProfileError, load_profile
    from testbench.cards.virtual import build_card

    try:
        profile = load_profile(args.profile)
    except ProfileError as exc:
        print(f"testbench cards: {exc.text()}", file=sys.stderr)  # its names as written, in either language
        return EXIT_USAGE
    except OSError as exc:
        _err(str(exc))
        return EXIT_USAGE
    if (problem := _output_problem(args.trace, (args.profile,))) is not None:
        _err(problem)
        return EXIT_USAGE
    source = {"command": "emulate", "file": args.profile.name}
    return _serve(build_card(profile), args, args.trace, f"Carte « {profile.id} »", source)


def _record_cut(path: Path, count: int) -> None:
    """Say that ``cards record`` wrote nothing at ``path``: the card went away (or fell silent) after ``count``
    exchanges of its recording, and a cut recording would replay as a card that stops answering."""
    said = tn(
        "{path} : rien n'a été écrit ; l'enregistrement s'est arrêté après {count} échange",
        "{path} : rien n'a été écrit ; l'enregistrement s'est arrêté après {count} échanges",
        count,
        path=path,
    )
    print(f"testbench cards: {said}", file=sys.stderr)  # as _err says it, already in the command's language


class RealCardRefused(Exception):
    """``cards record`` of a card that is not a test card, without ``--allow-real-cards``."""

    def __init__(self, nature: str, family: str) -> None:
        super().__init__(nature)
        self.nature, self.family = nature, family  # the family says what its recording would hold


def _nature(ch: Any, atr: bytes) -> str:
    """The nature (T, D, R) of the card on ``ch``, read as the guard reads it; "" for a card neither Vitale nor CPS."""
    from testbench.cards.layout import atr_family
    from testbench.cards.read import read_cps_holder, read_vitale

    family = atr_family(atr) or ""
    if family.startswith("vitale"):
        return str(read_vitale(ch, "record").nature)
    return str(read_cps_holder(ch, "record").nature) if family.startswith("cps") else ""


def cmd_record(args: argparse.Namespace) -> int:
    from testbench.cards.api import CardError
    from testbench.cards.layout import atr_family
    from testbench.cards.read import CardDataError, read_cps, read_vitale
    from testbench.cards.record import Recorder, RecordingError, parse_scriptor

    script = None
    if (problem := _output_problem(args.out, (args.script,) if args.script else ())) is not None:
        _err(problem)
        return EXIT_USAGE
    if args.script:
        try:
            script = parse_scriptor(args.script.read_text(encoding="utf-8"), str(args.script))
        except (RecordingError, OSError) as exc:
            _err(_file_problem(exc))
            return EXIT_USAGE

    malformed: list[str] = []
    # written to --out once whole: a card pulled midway neither leaves a cut recording nor replaces an earlier one
    buffer = io.StringIO()
    started: list[Recorder] = []

    def record() -> Any:
        ch = _open_channel(args.reader, [], beside=True)  # a card the application may hold: left as it is
        try:
            atr = ch.atr("record")
            if not args.allow_real_cards and _real(nature := _nature(ch, atr), atr_family(atr)):  # before any file
                raise RealCardRefused(nature, atr_family(atr) or "")
            note = str(args.script or "lecture publique")
            rec = Recorder(args.out, atr, ch.reader_name("record"), note=note, stream=buffer)
            started.append(rec)
            ch.link.sinks.append(rec)
            try:
                if script is not None:
                    for cmd, _ in script:
                        ch.transmit("record", cmd)
                elif (atr_family(atr) or "").startswith("cps"):
                    read_cps(ch, "record")
                else:
                    read_vitale(ch, "record")
            except CardDataError as exc:  # every answer is in the recording: contents that do not decode too
                malformed.append(str(exc))
            finally:
                rec.close()
            return rec
        finally:
            ch.release()

    try:
        rec = record()
    except CardError as exc:
        _err(str(exc))
        if started:  # the card went away (or fell silent) in the middle: what it answered so far is no recording
            _record_cut(args.out, started[0].count)
        return EXIT_ENV
    except RealCardRefused as exc:
        from testbench.cards.messages import record_refused

        refused = record_refused(exc.nature, exc.family)
        print(f"testbench cards: {refused}", file=sys.stderr)  # as _err says it, already in the command's language
        return EXIT_USAGE
    try:
        from testbench.wholefile import write_whole

        write_whole(args.out, buffer.getvalue().encode("utf-8"))
    except OSError as exc:
        from testbench.tools.outputs import cannot_write

        _err(cannot_write(args.out, exc)(translator(), None))
        return EXIT_USAGE
    print(
        tn(
            "{count} échange enregistré dans {path}",
            "{count} échanges enregistrés dans {path}",
            rec.count,
            path=args.out,
        )
    )
    for problem in malformed:  # a faulty card's answers, recorded as they came: worth keeping, worth saying
        t = translator()
        said = t("{problem} (réponses enregistrées telles quelles)").format(problem=t(problem))
        print(f"testbench cards: {said}", file=sys.stderr)
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    from testbench.cards.record import RecordingError, ReplayCard, export_scriptor, load_recording

    try:
        header, exchanges = load_recording(args.file)
    except (RecordingError, OSError) as exc:
        _err(_file_problem(exc))
        return EXIT_USAGE
    if args.export_scriptor:
        options = (("--reader", args.reader), ("--port", args.port), ("--duration", args.duration))
        serving = [name for name, value in options if value is not None]
        if serving:  # the export writes a file and presents no card: those options would be ignored unsaid
            _err(translator()(EXPORT_SERVES_NOTHING).format(options=", ".join(serving)))
            return EXIT_USAGE
        if (problem := _output_problem(args.export_scriptor, (args.file,))) is not None:
            _err(problem)
            return EXIT_USAGE
        text = export_scriptor(exchanges, with_responses=True, t=translator())
        try:
            args.export_scriptor.write_text(text, encoding="utf-8")
        except OSError as exc:
            from testbench.tools.outputs import cannot_write

            _err(cannot_write(args.export_scriptor, exc)(translator(), None))
            return EXIT_USAGE
        print(translator()("script scriptor écrit : {path}").format(path=args.export_scriptor))
        return EXIT_OK
    if not header.get("atr"):  # a card answers its reset with its ATR: without one, no card to present
        _err(f"{args.file}:1: champ « atr » manquant")
        return EXIT_USAGE
    card = ReplayCard(bytes.fromhex(header["atr"]), exchanges)
    start = time.monotonic()
    source = {"command": "replay", "file": args.file.name}
    rc = _serve(card, args, None, f"Carte de l'enregistrement {args.file.name}", source)
    if card.unknown:
        unknown = tn(
            "{count} commande inconnue de l'enregistrement en {seconds} s",
            "{count} commandes inconnues de l'enregistrement en {seconds} s",
            len(card.unknown),
            seconds=f"{time.monotonic() - start:.1f}",
        )
        print(unknown, file=sys.stderr)
    return rc
