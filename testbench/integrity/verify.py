"""Offline verification of a report folder or of a session file, naming exactly what changed."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from testbench.domain.verdict import Verdict as VerdictCode
from testbench.fmt import timestamp, visible_controls
from testbench.i18n import _t, colon, default_language, tn
from testbench.integrity.jsonparts import read_members
from testbench.integrity.manifest import (
    MANIFEST,
    REPORT_NAMES,
    SIGNATURE,
    SYSTEM_FILES,
    FolderCheck,
    check_folder,
    described,
)
from testbench.signing import PublicKey
from testbench.store import chain
from testbench.store.annotations import ACTION_FR

if TYPE_CHECKING:
    from testbench.store.read import IntegrityRecord

#: Redaction of a session's text as the book does it: (session, redaction enabled) → the scrub, or None when
#: the session cannot be read. Given by the caller: the book's redaction lives in the report layer, above this one.
SessionScrubber = Callable[[Path, bool], Callable[[str], str] | None]


class VerifyUsageError(Exception):
    """The path is neither a report folder nor a session file: its sentence in French, or a catalogue template
    and its values (:meth:`render` says it in the language shown)."""

    def __init__(self, text: str, **values: object) -> None:
        super().__init__(text.format(**values) if values else text)
        self.template, self.values = text, values

    def render(self, t: Callable[[str], str]) -> str:
        return t(self.template).format(**self.values) if self.values else t(self.template)


#: the line of a valid signature; its date is written when shown, as the language shown writes a date
SIGNED = "signature Ed25519 valide, clé {key} (signé le {date})"
#: what a session's own chain cannot show (docs/reports.md, « What verify cannot see »), said before its verdict
INTERNAL_ONLY = _t(
    "limite : intègre en interne ; une chaîne recalculée en entier ou une fin coupée ne se voient que contre un"
    " rapport signé (verify RAPPORT --session SESSION) ou une revue signée"
)

#: a file manager's own file in the book's folder (manifest.SYSTEM_FILES): said, never a change to the book
IGNORED = _t(
    "ignoré : {path} — fichier que le gestionnaire de fichiers du système (Finder, Explorateur, Dolphin) dépose"
    " dans un dossier ouvert ; ce n'est pas une pièce du rapport"
)
#: a system's companion of a book's file (manifest.described): said, never a change — that file is checked itself
IGNORED_COMPANION = _t(
    "ignoré : {path} — métadonnées que le système écrit à côté de {file} en le copiant (clé USB, WSL) ; ce n'est pas"
    " une pièce du rapport, {file} est vérifié lui-même"
)


@dataclass(frozen=True)
class AddedReview:
    """An annotation the session gained after the report was built (``verify REPORT --session``)."""

    ident: int
    case_id: str
    action: str  # accept, override, comment
    recorded: str | None  # the verdict of the attempt it reviews (None when the session has no such attempt)
    verdict: str | None  # an override's verdict
    reviewer: str  # the name the reviewer declared
    fingerprint: str  # of the key that signed it
    at: str | None  # UTC, ISO 8601
    valid: bool


@dataclass(frozen=True)
class AddedAttempt:
    """An attempt the session gained (started or finished) after the report was built: a re-run after signing
    changes the verdict a rebuilt book shows."""

    number: int
    case_id: str
    before: str  # the verdict of the case's attempt before it ("none" when it is the first)
    verdict: str  # its own, as it stands now ("none": no verdict yet)
    run_id: int
    at: str | None  # UTC, ISO 8601: its end, else its start


@dataclass(frozen=True)
class RetainedNow:
    """A case the session changed since the report (a re-run, a review): the retained verdict the book showed
    and the one the session gives now, each with whether a review decided it."""

    case_id: str
    book: str
    book_reviewed: bool
    now: str
    now_reviewed: bool


@dataclass
class Verdict:
    ok_lines: list[str] = field(default_factory=list)
    signed: tuple[str, str] | None = None  # a valid signature: the key's fingerprint, the date signed (ISO 8601)
    problems: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # a file manager's own files: named, not a change
    unsigned: bool = False  # intact as far as the manifest goes, but nothing proves who made it
    unsigned_required: bool = False  # the same, where a signature was required: a failure, not a change
    other_signer: tuple[str, str] | None = None  # intact, signed by a key (found, expected), not the one expected
    other_session: list[str] = field(default_factory=list)  # the session given is not the report's
    session_alone: bool = False  # a session checked without a report: its chain vouches only for itself
    added_attempts: list[AddedAttempt] = field(default_factory=list)  # attempts the session gained since the report
    added_reviews: list[AddedReview] = field(default_factory=list)  # reviews the session gained since the report
    retained_now: list[RetainedNow] = field(default_factory=list)  # the cases they touch: retained then and now
    added_cover: list[dict[str, str]] = field(default_factory=list)  # cover completions made since the report

    @property
    def altered(self) -> bool:
        return bool(self.problems or self.modified or self.missing or self.added)

    @property
    def ok(self) -> bool:
        return not (self.altered or self.other_session or self.unsigned_required or self.other_signer)

    def lines(self) -> list[str]:
        out = [f"modifié : {p}" for p in self.modified]
        out += [f"manquant : {p}" for p in self.missing]
        out += [f"ajouté : {p}" for p in self.added]
        out += self.problems
        out += self.other_session
        return out


def verdict_lines(result: Verdict, t: Callable[[str], str], lang: str | None = None) -> list[str]:
    """What ``verify`` says of ``result``, read through ``t`` (the translator of ``lang``, ``None`` the active
    language): each change or problem first — a reviewer sees a failure before any reassurance —, then each
    check that held, then the verdict (« ALTÉRÉ », « SESSION DIFFÉRENTE … », « NON SIGNÉ … » or « INTÈGRE »).
    A date reads as the language writes it (:func:`testbench.fmt.timestamp`), never as ISO 8601. The command
    prints them, the workstation shows them for its session."""
    out = [t(line) for line in result.lines()] + _signature_problems(result, t)
    out += [_ignored(path, t) for path in result.ignored]
    held = [t(line) for line in result.ok_lines]
    if result.signed is not None and result.other_signer is None:  # a valid signature by the wrong key: no « ok »
        key, signed_at = result.signed
        held.insert(0, t(SIGNED).format(key=key, date=timestamp(signed_at, lang)))
    out += [t("ok : {check}").format(check=line) for line in held]
    out += [_added_attempt(attempt, t, lang) for attempt in result.added_attempts]
    out += [_added_review(review, t, lang) for review in result.added_reviews]
    out += [_retained_line(case, t) for case in result.retained_now]
    out += [_added_completion(entry, t, lang) for entry in result.added_cover]
    if result.session_alone and not result.altered:
        out.append(t(INTERNAL_ONLY))
    if result.altered:
        out.append(t("ALTÉRÉ"))
    elif result.other_session:  # the report may be whole: it is the session given that is not its own
        out.append(t("SESSION DIFFÉRENTE : le rapport n'a pas été construit depuis cette session"))
    elif result.other_signer:  # whole, signed, but not by the key the reviewer expects
        found, expected = result.other_signer
        said = t(
            "AUTRE SIGNATAIRE : conforme au manifeste, signé par la clé {found}…, pas par la clé attendue {expected}…"
        )
        out.append(said.format(found=found[:16], expected=expected[:16]))
    elif result.unsigned_required:
        out.append(t("NON SIGNÉ : conforme au manifeste, mais la signature exigée manque (aucune signature)"))
    elif result.unsigned:
        out.append(t("NON SIGNÉ : conforme au manifeste, mais l'authenticité n'est pas prouvée (aucune signature)"))
    else:
        out.append(t("INTÈGRE"))
    # names, reasons and cover values come from the files checked: an escape sequence must not rewrite a line
    return [visible_controls(line) for line in out]


def _signature_problems(result: Verdict, t: Callable[[str], str]) -> list[str]:
    """A signer other than the one expected, or a required signature missing, said before the checks that held:
    the verdict line at the end repeats it, but a reviewer reading from the top meets it first."""
    if result.other_signer is not None:
        found, expected = result.other_signer
        said = t("signataire inattendu : signé par la clé {found}…, pas par la clé attendue {expected}…")
        return [said.format(found=found[:16], expected=expected[:16])]
    if result.unsigned_required:
        return [t("signature exigée absente : le dossier n'a pas de {file}").format(file=SIGNATURE)]
    return []


def _label(verdict: str | None, t: Callable[[str], str]) -> str:
    try:
        return t(VerdictCode(verdict or "").label_fr)
    except ValueError:
        return verdict or "?"


def _markers(text: str, lang: str | None) -> str:
    """Redacted session text (French markers, ‹NOM›) in the language shown."""
    from testbench.traces.redact import english_markers

    return english_markers(text) if (lang or default_language()) == "en" else text


def _added_attempt(attempt: AddedAttempt, t: Callable[[str], str], lang: str | None) -> str:
    """« session : ajoutée depuis le rapport : tentative 2 du cas X — en attente → réussi — exécution 2 — … »."""
    verdict = _label(attempt.verdict, t) if attempt.verdict != "none" else t("sans verdict (inachevée)")
    return t(
        "session : ajoutée depuis le rapport : tentative {number} du cas {case} — {before} → {verdict} — exécution"
        " {run} — {date}"
    ).format(
        number=attempt.number,
        case=attempt.case_id,
        before=_label(attempt.before, t),
        verdict=verdict,
        run=attempt.run_id,
        date=timestamp(attempt.at, lang),
    )


def _retained_line(case: RetainedNow, t: Callable[[str], str]) -> str:
    """« session : cas X — verdict retenu : réussi (après revue) dans le rapport, échec d'après la session
    maintenant »: an attempt's « échec → échec » says nothing of the review its re-run made moot."""

    def said(verdict: str, reviewed: bool) -> str:
        return _label(verdict, t) + (t(" (après revue)") if reviewed else "")

    if case.book == case.now and case.now_reviewed and not case.book_reviewed:  # an --accept: nothing changed
        return t("session : cas {case} — verdict retenu confirmé par une revue : {verdict}").format(
            case=case.case_id, verdict=_label(case.now, t)
        )
    if (case.book, case.book_reviewed) == (case.now, case.now_reviewed):
        return t("session : cas {case} — verdict retenu inchangé : {verdict}").format(
            case=case.case_id, verdict=said(case.now, case.now_reviewed)
        )
    changed = t("session : cas {case} — verdict retenu : {book} dans le rapport, {now} d'après la session maintenant")
    return changed.format(
        case=case.case_id, book=said(case.book, case.book_reviewed), now=said(case.now, case.now_reviewed)
    )


def _added_review(review: AddedReview, t: Callable[[str], str], lang: str | None) -> str:
    """« session : ajoutée depuis le rapport : annotation 1 du cas X — verdict remplacé : échec → réussi — … »."""
    decision = t(ACTION_FR.get(review.action, review.action))
    if review.action == "override":
        decision += colon(lang) + f"{_label(review.recorded, t)} → {_label(review.verdict, t)}"
    said = t(
        "session : ajoutée depuis le rapport : annotation {ident} du cas {case} — {decision} — relecteur"
        " « {reviewer} » (clé {key}…) — {date}"
    ).format(
        ident=review.ident,
        case=review.case_id,
        decision=decision,
        reviewer=_markers(review.reviewer, lang),
        key=review.fingerprint[:16],
        date=timestamp(review.at, lang),
    )
    return said if review.valid else said + t(" — signature invalide, sans effet sur le verdict")


def _added_completion(entry: dict[str, str], t: Callable[[str], str], lang: str | None) -> str:
    """« session : ajouté depuis le rapport : page de garde complétée — version du logiciel testé = 9.9 — … »."""
    from testbench.store.read import COMPLETABLE

    said = t("session : ajouté depuis le rapport : page de garde complétée — {field} = {value} — {by} — {date}")
    name = str(entry.get("field", "?"))
    return said.format(
        field=t(COMPLETABLE.get(name, name)),
        value=_markers(entry.get("value", ""), lang),
        by=_markers(entry.get("by", "?"), lang),
        date=timestamp(entry.get("at"), lang),
    )


#: a folder that still holds one of a build's files is a report (altered if the others are gone), one that holds
#: none is the wrong folder; a JUnit file alone is any CI's
REPORT_FILES = tuple(name for name in REPORT_NAMES if name != "junit.xml")


def not_a_report(folder: Path) -> str | None:
    """Why ``folder`` is no report folder at all (none of a report's files: a wrong folder, not an altered
    report), naming the report folders just below it; None for a report folder, whole or not."""
    if any((folder / name).exists() for name in REPORT_FILES):
        return None
    with contextlib.suppress(OSError):
        below = sorted(p.name for p in folder.iterdir() if (p / MANIFEST).is_file())
        if below:
            shown = ", ".join(below[:5]) + (", …" if len(below) > 5 else "")
            return f"{folder} : pas un dossier de rapport (ni manifest.json ni index.html) ; rapports dessous : {shown}"
    return f"{folder} : pas un dossier de rapport (ni manifest.json ni index.html)"


def verify_report(
    folder: Path,
    *,
    trusted: PublicKey | None = None,
    session: Path | None = None,
    allow_unsigned: bool = True,
    scrubber: SessionScrubber | None = None,
) -> Verdict:
    """Check a report folder. An unsigned report is not altered, only unproven (``unsigned``); it is a
    problem when a signature is required (``allow_unsigned=False``) or a signer's key is expected. A folder
    with none of a report's files is a usage error (:func:`not_a_report`), not an altered report."""
    wrong_folder = not_a_report(folder)
    if wrong_folder is not None:
        raise VerifyUsageError(wrong_folder)
    result = Verdict()
    folder_check = check_folder(folder, trusted=trusted, require_signature=not allow_unsigned)
    result.modified, result.missing, result.added = folder_check.modified, folder_check.missing, folder_check.added
    result.ignored = folder_check.ignored
    result.problems += folder_check.problems
    result.unsigned, result.unsigned_required = folder_check.unsigned, folder_check.unsigned_required
    if folder_check.other_signer and trusted is not None:
        result.other_signer = (folder_check.other_signer, trusted.fingerprint)
    if folder_check.manifest is None:
        return result
    n_files = len(folder_check.manifest["files"])
    if folder_check.signer:
        result.signed = (folder_check.signer, folder_check.signed_at or "")
    if not (result.modified or result.missing or result.added or folder_check.disowned):
        result.ok_lines.append(
            tn("{count} fichier conforme au manifeste", "{count} fichiers conformes au manifeste", n_files, "fr")
        )
    report_data = _report_data(folder)
    _check_source_session(report_data, result)
    report_head, copy = _report_chain(folder, report_data, result)
    anchor = _anchor(folder_check.manifest, result)
    report_hashes = None
    if copy is not None:
        links, report_hashes = copy
        result.problems += links.problems
        if report_head is not None and links.head != report_head:
            result.problems.append("journal-chain.json ne correspond pas à la tête de chaîne annoncée par report.json")
        if anchor is not None and (links.length, links.head) != anchor:
            result.problems.append("journal-chain.json ne correspond pas à la tête de chaîne inscrite au manifeste")
        if links.ok:
            consistent = tn(
                "copie de la chaîne du journal cohérente (journal-chain.json : {count} entrée, tête {head}…)",
                "copie de la chaîne du journal cohérente (journal-chain.json : {count} entrées, tête {head}…)",
                links.length,
                "fr",
                head=links.head[:16],
            )
            result.ok_lines.append(consistent)
    signer = report_data.get("signer") if isinstance(report_data, dict) else None
    signer_fp = signer.get("fingerprint") if isinstance(signer, dict) else None
    cover = _cover_signer(folder)
    if folder_check.signer and signer_fp and signer_fp != folder_check.signer:
        result.problems.append(_resigned(str(signer_fp), folder_check.signer, cover))
    if isinstance(report_data, dict):  # a broken report.json is already named by the manifest check: its signer
        _check_named_signer(folder_check, signer_fp, signer is None, result)  # unknown, the cover's is not compared
        _check_cover_signer(cover, signer_fp if isinstance(signer_fp, str) else None, result)
    if session is not None and (anchor is not None or report_hashes is not None):
        if anchor is None and report_hashes:
            anchor = (len(report_hashes), report_hashes[-1])
        built_on = report_data.get("session") if isinstance(report_data, dict) else None
        built_on_id = built_on.get("id") if isinstance(built_on, dict) else None
        _compare_with_session(
            session, anchor or (0, chain.GENESIS), (built_on_id, report_data), report_hashes, result, scrubber
        )
    return result


def altered_session_warning(chain_problems: list[str]) -> list[str]:
    """What ``report`` says (in French, a sentence of the catalogue each) when the report it has just written
    was built on a session whose chain is broken (``chain_problems``, as the build found them): such a report
    is written (the reviewer must see it) but is no evidence. Empty when the chain was whole."""
    if not chain_problems:
        return []
    return [
        "ATTENTION : session altérée (chaîne du journal rompue) : le rapport est écrit, avec un bandeau en tête,"
        " mais ne vaut pas preuve",
        *(f"session d'origine : {p}" for p in chain_problems),
    ]


def _source_problems(report_data: object) -> list[str] | None:
    """report.json's record of the source session's chain: its problems ([] whole); None when unreadable."""
    integrity = report_data.get("integrity") if isinstance(report_data, dict) else None
    if not isinstance(integrity, dict) or type(integrity.get("chain_ok")) is not bool:
        return None
    problems = integrity.get("chain_problems")
    if integrity["chain_ok"]:
        return []
    if not isinstance(problems, list) or not problems:
        return ["chaîne du journal rompue"]
    return [str(p) for p in problems]


def _check_source_session(report_data: object, result: Verdict) -> None:
    """A report built on a session whose chain was broken is altered evidence, however intact its files."""
    if not isinstance(report_data, dict):
        return  # a missing or broken report.json is already named by the manifest check
    problems = _source_problems(report_data)
    if problems is None:
        result.problems.append("report.json : état de la chaîne du journal illisible")
    elif problems:
        result.problems.append(
            "report.json : le rapport a été construit sur une session altérée (chaîne du journal rompue)"
        )
        result.problems += [f"session d'origine : {p}" for p in problems]


def _check_named_signer(folder_check: FolderCheck, named: object, none_named: bool, result: Verdict) -> None:
    """The signature must be there exactly when ``report.json`` names a signer (``named``, its fingerprint;
    ``none_named``: it names none): a signature removed (and the manifest rebuilt after an edit) or added to
    a report built unsigned is a change, not a mere lack of proof."""
    absent = folder_check.unsigned or folder_check.unsigned_required or SIGNATURE in folder_check.missing
    if isinstance(named, str) and absent:
        result.unsigned = result.unsigned_required = False
        if SIGNATURE not in result.missing:
            result.missing.append(SIGNATURE)
        result.problems.append(
            f"report.json nomme un signataire (clé {named[:16]}…) mais le dossier n'a pas de signature :"
            " elle a été retirée"
        )
    elif none_named and folder_check.signer:
        result.problems.append(
            f"report.json ne nomme aucun signataire, mais le dossier est signé (clé {folder_check.signer[:16]}…) :"
            " signature ajoutée après coup"
        )


#: the cover's signer in index.html: the fingerprint a reviewer reads (and compares with the one announced to
#: them), or the words of an unsigned book
_COVER_SIGNER = re.compile(rb'<span (?:class="hash" )?id="cover-signer">([^<]*)</span>')


def _resigned(announced: str, signed: str, cover: tuple[str | None] | None) -> str:
    """A book signed by another key than the one it announces (re-signed after an edit): which files announce
    which key, and the key that signed, both in full."""
    if cover is not None and cover[0] == announced:  # the cover says the same as report.json
        said = (
            "le rapport annonce une autre clé de signature que celle qui l'a signé : report.json et la couverture"
            " d'index.html annoncent la clé {announced}, manifest.sig.json est signé par la clé {signed}"
        )
    else:  # a cover that differs from report.json is said apart (_check_cover_signer)
        said = (
            "le rapport annonce une autre clé de signature que celle qui l'a signé : report.json annonce la clé"
            " {announced}, manifest.sig.json est signé par la clé {signed}"
        )
    return said.format(announced=announced, signed=signed)


def _cover_signer(folder: Path) -> tuple[str | None] | None:
    """The signer the cover of index.html shows: (its fingerprint,) or (None,) for an unsigned book; None when the
    cover shows none (a book built before the cover marked it, or no index.html)."""
    try:
        with (folder / "index.html").open("rb") as page:
            found = _COVER_SIGNER.search(page.read(1 << 20))  # the cover is at the page's head
    except OSError:
        return None  # named by the manifest check
    if found is None:
        return None
    shown = found.group(1).decode("utf-8", "replace").strip()
    return (shown if re.fullmatch(r"[0-9a-f]{16,}", shown) else None,)


def _check_cover_signer(cover: tuple[str | None] | None, signer: str | None, result: Verdict) -> None:
    """The fingerprint the cover shows (``cover``, :func:`_cover_signer`) is the key that signed: a book re-signed
    with another key (its report.json edited to name it) still showed the editor's fingerprint on its cover. A book
    built before the cover marked it has nothing to compare."""
    if cover is None:
        return
    (shown_fp,) = cover
    if shown_fp == signer:
        return
    if shown_fp and signer:
        said = f"la couverture d'index.html annonce la clé {shown_fp[:16]}…, le rapport est signé par une autre"
    elif shown_fp:
        said = f"la couverture d'index.html annonce une signature (clé {shown_fp[:16]}…) que le rapport n'a pas"
    else:
        said = f"la couverture d'index.html annonce un rapport non signé, mais il est signé (clé {signer[:16]}…)"
    result.problems.append(said)


def _anchor(manifest: dict[str, object] | None, result: Verdict) -> tuple[int, str] | None:
    """The chain length and head the manifest (signed with it) says the report was built from."""
    journal = manifest.get("journal") if isinstance(manifest, dict) else None
    if journal is None:
        return None  # a report built before the manifest carried it
    length = journal.get("chain_length") if isinstance(journal, dict) else None
    head = journal.get("chain_head") if isinstance(journal, dict) else None
    if type(length) is not int or not isinstance(head, str):
        result.problems.append("manifest.json : ancre de la chaîne du journal illisible")
        return None
    return length, head


#: What ``verify`` reads of ``report.json``: its small members, and of each case its key and retained verdict
#: (:func:`_retained_now`). Not the whole document: 754 cases, 45 MB, took 300 MB read whole.
_REPORT_MEMBERS = ("integrity", "signer", "session", "redaction", "cover", "cases")
_CASE_FIELDS = ("key", "retained_verdict", "reviewed_verdict")


def _case_part(case: object) -> object:
    return {k: v for k, v in case.items() if k in _CASE_FIELDS} if isinstance(case, dict) else case


def _report_data(folder: Path) -> dict[str, Any] | None:
    """The parts of the folder's ``report.json`` that ``verify`` uses; None when it is unreadable or no object."""
    try:
        return read_members(folder / "report.json", _REPORT_MEMBERS, {"cases": _case_part})
    except (OSError, ValueError):
        return None


_ENTRY_TYPES = {"seq": int, "kind": str, "first_id": int, "last_id": int, "digest": str, "prev": str, "hash": str}


def _report_chain(
    folder: Path, report_data: object, result: Verdict
) -> tuple[str | None, tuple[chain.ChainReport, list[str]] | None]:
    """The chain head ``report.json`` announces, and the check of ``journal-chain.json``'s links with each of its
    entries' hash (None when it is unreadable or an entry misshapen). The entries are checked as they are read and
    only their hashes kept: 115,000 entries (754 cases run three times) held whole weighed some 90 MB."""
    head = None
    # a broken report.json is already named by the manifest check
    with contextlib.suppress(KeyError, TypeError):
        head = report_data["integrity"]["chain_head"]  # type: ignore[index]
    links = chain.LinkCheck()

    def checked(e: object) -> str:
        if not (
            isinstance(e, dict)
            and set(e) == set(_ENTRY_TYPES)
            and all(type(e[k]) is t for k, t in _ENTRY_TYPES.items())
        ):
            raise ValueError("journal-chain.json : entrée mal formée")
        links.add(e)
        return str(e["hash"])

    try:
        hashes = read_members(folder / "journal-chain.json", ("entries",), {"entries": checked}).get("entries")
    except (OSError, ValueError):
        hashes = None
    if not isinstance(hashes, list):
        if (folder / "journal-chain.json").exists():
            result.problems.append("journal-chain.json illisible ou incomplet")
        return head, None
    return head, (links.report, hashes)


def _compare_with_session(
    session: Path,
    anchor: tuple[int, str],
    built: tuple[object, object],
    report_chain: list[str] | None,
    result: Verdict,
    scrubber: SessionScrubber | None = None,
) -> None:
    """The session must still hold the chain the report was built from, up to the anchored head.

    Another session (its id is not the one ``report.json`` names; ``built``: that id and report.json's data)
    is said to be another one before any comparison of lengths, and a shorter session whose chain is not a
    prefix of the report's (``report_chain``: its entries' hashes) was rewritten, not cut."""
    length, head = anchor
    built_on, report_data = built
    # not « session : », a run's closing line
    record = _check_session(session, result, "session donnée : ", option="--session", after=length)
    live = record.hashes
    if isinstance(built_on, str) and built_on and record.session_id and record.session_id != built_on:
        result.other_session.append(
            f"la session donnée ({record.session_id}) n'est pas celle sur laquelle le rapport a été construit"
            f" ({built_on}) : aucune comparaison de leurs journaux n'a de sens"
        )
        return
    if len(live) < length:  # cut, unless the session's chain is not even the start of the report's
        known = report_chain[len(live) - 1] if live and report_chain and len(report_chain) >= len(live) else None
        rewritten = known is not None and known != live[-1]
    else:
        rewritten = (live[length - 1] if length else chain.GENESIS) != head
    if rewritten:
        result.problems.append(
            "le rapport n'a pas été construit depuis cette session, ou la session a été réécrite (chaînes différentes)"
        )
    elif len(live) < length:  # one sentence of the catalogue, « session : » with it: read back whole in English
        cut = tn(
            "session : journal coupé — la session n'a plus que {count} entrée de chaîne, le rapport a été construit"
            " sur {length} (tête {head}…) : des enregistrements ont été retirés",
            "session : journal coupé — la session n'a plus que {count} entrées de chaîne, le rapport a été construit"
            " sur {length} (tête {head}…) : des enregistrements ont été retirés",
            len(live),
            "fr",
            length=length,
            head=head[:16],
        )
        result.problems.append(cut)
    elif len(live) > length:
        scrub = _scrubber(session, report_data, scrubber)
        result.added_attempts = _added_attempts(session, record.added)
        result.added_reviews = _added_reviews(session, record, record.added, scrub)
        result.added_cover = _added_cover(session, report_data, scrub)
        touched = {a.case_id for a in result.added_attempts} | {r.case_id for r in result.added_reviews}
        result.retained_now = _retained_now(session, report_data, touched)
        added = _added_entries(len(live) - length, len(result.added_reviews), len(result.added_attempts))
        result.ok_lines.append(f"session : {added}")
    elif not record.chain.ok:  # the report's entries, but rows they cover were edited: not « à l'identique »
        edited = tn(
            "session : la chaîne du journal est celle sur laquelle le rapport a été construit ({count} entrée, tête"
            " {head}…), mais des lignes qu'elle couvre ont été modifiées (ci-dessus)",
            "session : la chaîne du journal est celle sur laquelle le rapport a été construit ({count} entrées, tête"
            " {head}…), mais des lignes qu'elle couvre ont été modifiées (ci-dessus)",
            length,
            "fr",
            head=head[:16],
        )
        result.problems.append(edited)
    else:  # the anchor is what was compared, not the content of the files
        anchored = tn(
            "ancrage de la chaîne conforme : la session contient, à l'identique, la chaîne sur laquelle le rapport"
            " a été construit ({count} entrée, tête {head}…) ; le contenu des fichiers n'est pas comparé",
            "ancrage de la chaîne conforme : la session contient, à l'identique, la chaîne sur laquelle le rapport"
            " a été construit ({count} entrées, tête {head}…) ; le contenu des fichiers n'est pas comparé",
            length,
            "fr",
            head=head[:16],
        )
        result.ok_lines.append(anchored)


def _added_entries(entries: int, reviews: int, attempts: int = 0) -> str:
    """« 4 entrées ajoutées depuis le rapport à la chaîne du journal : 2 annotations (revues), listées ci-dessous »:
    the chain's entries (a review records its annotation and the session's metadata) and the attempts and
    annotations among what they record, the count of the lines that follow."""
    said = (
        tn(
            "{count} annotation (revue), listée ci-dessous",
            "{count} annotations (revues), listées ci-dessous",
            reviews,
            "fr",
        )
        if reviews
        else _t("aucune annotation (revue)")
    )
    if attempts:
        return tn(
            "{count} entrée ajoutée depuis le rapport à la chaîne du journal : {attempts} ; {reviews}",
            "{count} entrées ajoutées depuis le rapport à la chaîne du journal : {attempts} ; {reviews}",
            entries,
            "fr",
            attempts=tn(
                "{count} tentative, listée ci-dessous", "{count} tentatives, listées ci-dessous", attempts, "fr"
            ),
            reviews=said,
        )
    return tn(
        "{count} entrée ajoutée depuis le rapport à la chaîne du journal : {reviews}",
        "{count} entrées ajoutées depuis le rapport à la chaîne du journal : {reviews}",
        entries,
        "fr",
        reviews=said,
    )


def _scrubber(session: Path, report_data: object, make: SessionScrubber | None) -> Callable[[str], str] | None:
    """The book's redaction of the session's text (a reviewer's declared name, a cover value), unless the book
    was built with ``--no-redact`` (``report.json`` ``redaction.enabled`` false): ``verify``'s output is kept
    with the book (``verify.log``) and says no more than it. None without ``make`` or when the session cannot
    be read (PINs are still masked: :func:`_scrubbed`)."""
    redaction = report_data.get("redaction") if isinstance(report_data, dict) else None
    enabled = not (isinstance(redaction, dict) and redaction.get("enabled") is False)
    return make(session, enabled) if make is not None else None


def _scrubbed(text: str, scrub: Callable[[str], str] | None) -> str:
    from testbench.traces.redact import redact_pins

    return scrub(text) if scrub is not None else redact_pins(text)


def _added_attempts(session: Path, added: list[dict[str, Any]]) -> list[AddedAttempt]:
    """The attempts the chain entries ``added`` start or finish (a re-run, a resumed case), in their order, each
    with the verdict of the case's attempt before it: what a book rebuilt from the session shows otherwise."""
    from testbench.fmt import iso
    from testbench.store.attempt_history import attempt_changes

    kinds = ("attempt-start", "attempt-finish")
    ids = sorted(
        {i for e in added if e["kind"] in kinds for i in range(int(e["first_id"]), int(e["last_id"]) + 1)}
    )
    return [
        AddedAttempt(a.number, a.case_id, a.previous, a.verdict, a.run_id, iso(a.wall))
        for a in attempt_changes(session, ids)
    ]


def _retained_now(session: Path, report_data: object, case_ids: set[str]) -> list[RetainedNow]:
    """For the cases ``case_ids`` the session changed since the report: the retained verdict the book shows
    (``report.json``) and the one the session gives now (empty when either cannot be read)."""
    from testbench.store.connection import SessionError
    from testbench.store.read import read_session

    cases = report_data.get("cases") if isinstance(report_data, dict) and case_ids else None
    book: dict[tuple[str, str], tuple[str, bool]] = {}
    for case in cases if isinstance(cases, list) else []:
        key = case.get("key") if isinstance(case, dict) else None
        if isinstance(key, dict) and key.get("case_id") in case_ids:
            book[(str(key.get("casebook_sha")), str(key["case_id"]))] = (
                str(case.get("retained_verdict")),
                case.get("reviewed_verdict") is not None,
            )
    if not book:
        return []
    try:
        with read_session(session) as view:
            now = [(c.key, c.retained_verdict, c.deciding_review is not None) for c in view.cases if c.key in book]
    except (SessionError, OSError):
        return []
    return [RetainedNow(key[1], *book[key], verdict, reviewed) for key, verdict, reviewed in now]


def _added_cover(session: Path, report_data: object, scrub: Callable[[str], str] | None) -> list[dict[str, str]]:
    """The cover completions the session gained after the report (``testbench cover``): the session's list is
    only ever appended to, so those past the report's own count (``report.json`` ``cover.completed``)."""
    from testbench.store.connection import SessionError
    from testbench.store.read import completions, read_session

    cover = report_data.get("cover") if isinstance(report_data, dict) else None
    reported = cover.get("completed") if isinstance(cover, dict) else None
    if not isinstance(reported, list):  # a report built before it recorded them: nothing to compare
        return []
    try:
        with read_session(session) as view:
            added = completions(view.meta)[len(reported) :]
    except (SessionError, OSError):
        return []
    return [{**entry, **{k: _scrubbed(str(entry[k]), scrub) for k in ("value", "by") if k in entry}} for entry in added]


def _added_reviews(
    session: Path, record: IntegrityRecord, added: list[dict[str, Any]], scrub: Callable[[str], str] | None
) -> list[AddedReview]:
    """The annotations the chain entries ``added`` (those after the report's anchor) cover, in their order, each
    override with the verdict of the attempt it reviews."""
    from testbench.fmt import iso
    from testbench.store.connection import SessionError
    from testbench.store.read import read_session

    ids = {i for e in added if e["kind"] == "annotations" for i in range(int(e["first_id"]), int(e["last_id"]) + 1)}
    found = sorted(
        ((key, a) for key, items in record.annotations.items() for a in items if a.id in ids), key=lambda p: p[1].id
    )
    recorded: dict[int, str] = {}  # an override's id → the verdict of the attempt it reviews
    if any(a.action == "override" for _, a in found):
        with contextlib.suppress(SessionError, OSError), read_session(session) as view:
            for key, a in found:
                attempts = {x.number: x.verdict for x in view.attempts_of(key)}
                number = a.attempt_number if a.attempt_number is not None else max(attempts, default=None)
                if a.action == "override" and number in attempts:
                    recorded[a.id] = attempts[number]
    return [
        AddedReview(
            a.id,
            a.case_id,
            a.action,
            recorded.get(a.id),
            a.verdict,
            _scrubbed(a.reviewer, getattr(scrub, "person", scrub)),  # as the book redacts a declared name
            str(a.as_dict()["fingerprint"]),
            iso(a.wall),
            a.valid,
        )
        for _, a in found
    ]


def verify_session(path: Path) -> Verdict:
    """Check a session's chain and its annotations' signatures. The head is given in full, for a reviewer to
    compare with a report's anchor: alone, a chain recomputed whole or cut short still reads intact."""
    result = Verdict(session_alone=True)
    _check_session(path, result, "")
    return result


def _report_holding(path: Path) -> Path | None:
    """The report folder ``path`` is a file of (its manifest beside it or a few folders up: ``evidence/…``)."""
    for folder in list(path.parents)[:4]:
        if (folder / MANIFEST).is_file():
            return folder if folder.parts else folder.absolute()  # « donnez son dossier /…/rapport », never « . »
    return None


def _check_session(
    path: Path, result: Verdict, prefix: str, option: str | None = None, after: int | None = None
) -> IntegrityRecord:
    """Check the session into ``result`` (problems prefixed); return what was read of it (chain hashes, the entries
    past the first ``after``, id). ``option``: the option that named the session (a report's file there is no
    report to give instead).

    One read transaction covers every read, so a run writing the session meanwhile is never taken
    for tampering.
    """
    from testbench.store.connection import SessionError, not_a_file, open_readonly
    from testbench.store.read import read_integrity

    if not path.is_file():
        raise VerifyUsageError(not_a_file(path) or f"{path} : fichier de session introuvable")
    try:
        open_readonly(path).close()  # an empty file, another program's base or a newer schema is said so
        record = read_integrity(path, after)
    except SessionError as exc:
        folder = _report_holding(path)
        if folder is not None and option is not None:  # the report is given already: the session is asked for
            raise VerifyUsageError(
                _t(
                    "{path} est un fichier du rapport : {option} attend le fichier de session (.tbsession) sur"
                    " lequel le rapport a été construit"
                ),
                path=path,
                option=option,
            ) from None
        if folder is not None:  # a report's file: « pas une base SQLite » would not say which folder to give
            raise VerifyUsageError(
                _t("{path} est un fichier du rapport : donnez son dossier {folder}"), path=path, folder=folder
            ) from None
        raise VerifyUsageError(str(exc)) from None
    report = record.chain
    result.problems += [prefix + p for p in report.problems]
    if report.ok:  # a session alone shows its head in full: what a reviewer compares with a report's anchor
        intact = tn(
            "chaîne du journal intègre ({count} entrée, tête {head})",
            "chaîne du journal intègre ({count} entrées, tête {head})",
            report.length,
            "fr",
            head=report.head if result.session_alone else report.head[:16] + "…",
        )
        result.ok_lines.append(prefix + intact)
    for (_, case_id), items in sorted(record.annotations.items()):
        for a in items:
            if not a.valid:
                result.problems.append(f"{prefix}annotation {a.id} du cas {case_id} : signature invalide")
    return record


def _ignored(path: str, t: Callable[[str], str]) -> str:
    """The line of a file the book's check leaves out: a file manager's own, or a copy's companion of a book file."""
    folder, _, name = path.rpartition("/")
    of = described(name) if name.lower() not in SYSTEM_FILES else None
    if of is None:
        return t(IGNORED).format(path=path)
    return t(IGNORED_COMPANION).format(path=path, file=f"{folder}/{of}" if folder else of)
