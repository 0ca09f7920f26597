"""What the views show, as Rich renderables built from the workstation's model (no Textual here).

The app only puts these into widgets; the layout of a case, of the expected/observed table, of the
overview and of the review is decided here and can be checked without starting the UI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich import _wrap as rich_wrap
from rich.cells import cell_len, chop_cells
from rich.console import Console, Group, JustifyMethod, OverflowMethod
from rich.containers import Lines
from rich.table import Table
from rich.text import Text

from testbench import fmt
from testbench.casebook.errors import Problem
from testbench.casebook.instructions import case_terms, describe_step
from testbench.casebook.model import StepKind
from testbench.domain.glossary import find_terms
from testbench.domain.verdict import Verdict
from testbench.domain.vocabulary import is_amount
from testbench.engines.operator.origin import keyed, origin_text, quoted
from testbench.fmt import iso
from testbench.i18n import _t, tn
from testbench.report.recorded import ACCEPTED
from testbench.runner.options import INPROCESS_ENGINE, OPERATOR_ENGINE, REFERENCE_ENGINE, BenchOptions
from testbench.store.read import AttemptView
from testbench.tui.patient import patient_words
from testbench.tui.workstation import CaseEntry, Workstation, shown_value

if TYPE_CHECKING:
    from testbench.report.cover import CoverField

MARKS = {
    "pass": ("✔", "green"),
    "fail": ("✘", "red"),
    "error": ("!", "magenta"),
    "inconclusive": ("?", "yellow"),
    "pending": ("…", "cyan"),
    "skipped": ("-", "dim"),
    "none": ("·", "dim"),
}
#: said when the workstation opens a session ``testbench verify`` finds altered (notice, run log, overview)
ALTERED = (
    "ATTENTION : session altérée : des enregistrements ont été modifiés après coup (testbench verify le dit) ;"
    " ses résultats ne valent pas preuve"
)
#: said when the check of the session's integrity could not be made (notice, run log, overview): its reason
INTEGRITY_UNCHECKED = "intégrité non vérifiée : {reason}"
#: the bench's cards in words (the overview's « Banc » line), as the readers window (key l) names them: never
#: ``--cards``'s value inside a sentence
CARD_WORDS = {
    "auto": _t("cartes (choix automatique)"),
    "pcsc": _t("lecteurs PC/SC (pcscd)"),
    "inprocess": _t("lecteur virtuel en mémoire"),
}
#: the bench's engine in words, as the CLI's help and the glossary name them: never ``--engine``'s value
ENGINE_WORDS = {
    REFERENCE_ENGINE: _t("moteur de référence"),
    INPROCESS_ENGINE: _t("moteur de référence (dans le processus du banc)"),
    OPERATOR_ENGINE: _t("mode opérateur"),
}
#: any other ``--engine``: an external engine's command, quoted as typed
EXTERNAL_ENGINE = _t("moteur externe « {command} »")
VERDICT_CYCLE = (None, "fail", "error", "inconclusive", "pending", "pass", "none")
STEP_WORDS = dict(fmt.STEP_STATUS_LABELS)  # the report's words for a step's status
STEP_MARKS = {
    "done": "✔",
    "refused": "⊘",
    "failed": "✘",
    "error": "!",  # the verdicts' own marks (MARKS)
    "inconclusive": "?",
    "pending": "…",
    "confirmed": "✔",
    "rejected": "✘",
    "started": "▶",
}
# the runner's live step statuses (runner.events.StepFinished) name the manual ones « manual-… »
_LIVE = ("pending", "confirmed", "rejected")
STEP_WORDS |= {f"manual-{k}": STEP_WORDS[k] for k in _LIVE}
STEP_MARKS |= {f"manual-{k}": STEP_MARKS[k] for k in _LIVE}


def bench_words(bench: BenchOptions, t: Callable[[str], str]) -> str:
    """The bench a workstation's runs use, in the language of ``t``: « lecteurs PC/SC (pcscd) · mode opérateur »,
    the same separator as the runs' line below it (``run_options.describe``)."""
    cards = t(CARD_WORDS[bench.cards]) if bench.cards in CARD_WORDS else bench.cards
    engine = ENGINE_WORDS.get(bench.engine)
    parts = [cards, t(engine) if engine else t(EXTERNAL_ENGINE).format(command=bench.engine)]
    if bench.allow_real_cards:
        parts.append(t("cartes réelles admises"))
    return " · ".join(parts)


#: a path's pieces, each name with the separators after it: a path too long for its line breaks after one
_PATH_PIECES = re.compile(r"[^./\\]*[./\\]+|[^./\\]+")


def path_lines(word: str, width: int) -> list[str]:
    """``word``, too wide for a line of ``width`` cells, cut after its separators (« invoice.totals. » then
    « billed »); a name wider than the line is cut where it must, as Rich folds a word."""
    lines: list[str] = []
    line = ""
    for piece in _PATH_PIECES.findall(word):
        if cell_len((line + piece).rstrip()) <= width:
            line += piece
            continue
        if line:
            lines.append(line)
        *whole, line = chop_cells(piece, width) if cell_len(piece.rstrip()) > width else [piece]
        lines.extend(whole)
    return [*lines, line] if line else lines


def divide_at_separators(text: str, width: int) -> list[int]:
    """Where ``text`` breaks into lines of ``width`` cells: Rich's ``divide_line`` (at spaces, never at a no-break
    space: ``tui.nobreak``), except that a word too wide for any line breaks after a path separator
    (:func:`path_lines`) instead of at its last cell."""
    breaks: list[int] = []
    offset = 0
    for start, _end, word in rich_wrap.words(text):
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:
            pieces = path_lines(word, width)
            for index, line in enumerate(pieces):
                if start:
                    breaks.append(start)
                if index == len(pieces) - 1:
                    offset = cell_len(line)
                else:
                    start += len(line)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


class PathText(Text):
    """A text holding paths (an observation's path, a file read): at a column's width a path too long for its line
    breaks after a « . », « / » or « \\ » (« invoice.totals. » then « billed »), where Rich cut it at any letter
    (« invoice.totals.bi » then « lled »). Otherwise it wraps as any text does."""

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        folds = (overflow or self.overflow or "fold") == "fold"
        if no_wrap or self.no_wrap or not folds:
            return super().wrap(console, width, justify=justify, overflow=overflow, tab_size=tab_size, no_wrap=no_wrap)
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            parts = line.divide(divide_at_separators(str(line), width))
            for part in parts:
                part.rstrip_end(width)
            parts.justify(console, width, justify=justify or self.justify or "default", overflow="fold")
            for part in parts:
                part.truncate(width, overflow="fold")
            lines.extend(parts)
        return lines


def mark(verdict: str) -> Text:
    symbol, style = MARKS.get(verdict, ("·", "dim"))
    return Text(symbol, style=style)


#: how a glossary term is marked in the case view (the words the glossary window, key d, defines)
TERM_STYLE = "underline"


def marked(text: str, style: str = "") -> Text:
    """``text`` with each glossary term underlined."""
    out = Text(text, style=style)
    for start, end, _term in find_terms(text):
        out.stylize(TERM_STYLE, start, end)
    return out


SOURCES_FR = {
    "engine": "moteur",
    "operator": "opérateur",
    "extraction": "extraction",
    "correction": "correction",
    "bench": "banc",
}


class Renderer:
    def __init__(self, ws: Workstation, t: Callable[[str], str], lang: str = "fr") -> None:
        self.ws = ws
        self.t = t
        self.lang = lang

    def problem_line(self, problem: Problem) -> str:
        """« ligne:colonne : message » in the language shown (the file is the case's)."""
        message = problem.text(self.lang)[len(str(problem.source)) + 2 :]
        return f"{problem.source.line}:{problem.source.col}{self.colon}{message}"

    @property
    def colon(self) -> str:
        """« : » in French, ": " in English."""
        return self.t(" : ")

    def verdict_label(self, verdict: str) -> str:
        try:
            return self.t(Verdict(verdict).label_fr)
        except ValueError:
            return verdict

    def case(self, entry: CaseEntry | None) -> Text:
        t = self.t
        if entry is None:
            return Text(t("Aucun cas sélectionné."))
        case, ident = entry.case, entry.casebook.identity
        out = Text()
        out.append(f"{case.id} — ", style="bold")
        out.append_text(marked(case.title, "bold"))
        out.append("\n")
        out.append(f"{ident.plan_id} {ident.evolution} v{ident.document_version} · ", style="dim")
        domain, mode = (
            fmt.label(fmt.DOMAIN_LABELS, case.domain.value, self.lang),
            fmt.label(fmt.MODE_LABELS, case.mode.value, self.lang),
        )
        out.append(f"{t('Domaine')} {domain} · {t('Mode')} {mode}", style="dim")
        if case.tags:
            out.append(" · " + " ".join(f"#{tag}" for tag in case.tags), style="dim")
        if case.requirements:
            out.append(f"\n{t('Exigences couvertes')}{self.colon}{', '.join(case.requirements)}", style="dim")
        out.append(f"\n{t('Verdict')}{self.colon}")
        out.append_text(mark(entry.verdict))
        out.append(f" {self.verdict_label(entry.verdict)}")
        if entry.latest is not None:
            out.append(f" ({t('tentative')} {entry.latest.number})")
            if entry.latest.reason:
                out.append(f"\n  {t(entry.latest.reason)}", style="italic")
        if entry.verdict != entry.original_verdict:
            out.append(
                f"\n  {t('Verdict d' + chr(39) + 'origine')}{self.colon}{self.verdict_label(entry.original_verdict)}"
            )
        if not self.ws.runnable(entry):  # an invalid casebook's case: shown with its problems, never run
            problems = self.ws.case_problems.get(entry.id_key, [])
            out.append(f"\n\n{t('Cahier de tests invalide : lecture seule')}", style="bold red")
            for problem in problems:
                out.append(f"\n  ⚠ {self.problem_line(problem)}", style="red")
            outside = len(self.ws.file_problems.get(entry.casebook.path, []))
            if outside:
                outside_text = tn(
                    "{count} problème hors des cas : voir la synthèse",
                    "{count} problèmes hors des cas : voir la synthèse",
                    outside,
                    self.lang,
                )
                out.append(f"\n  {outside_text}")
        out.append(f"\n\n{t('Objectif')}\n", style="bold underline")
        out.append("  ")
        out.append_text(marked(case.objective))
        out.append("\n")
        out.append(f"\n{t('Prérequis')} — {t('Cartes')}\n", style="bold underline")
        statuses = self.ws.card_status(entry)
        if not case.cards:
            out.append(f"  {t('aucune carte')}\n")
        for req in case.cards:
            fixture = entry.casebook.fixtures.cards.get(req.card)
            profile = fixture.profile.name if fixture else "?"
            status = statuses.get(req.slot, "non vérifiée")
            style = "red" if status.startswith("refusée") else ("green" if "acceptée" in status else "yellow")
            out.append(f"  • {t('lecteur')} {req.slot}{self.colon}{t('carte')} {req.card} ({profile}) — ")
            out.append(t(status), style=style)
            out.append("\n")
        out.append(f"\n{t('Étapes')}\n", style="bold underline")
        steps = self.ws.step_status(entry)
        for n, step in enumerate(case.steps, 1):
            status = steps.get(step.id, "")
            out.append(f"  {STEP_MARKS.get(status, ' ')} {n}. ")
            if step.kind is StepKind.MANUAL:
                out.append(f"[{t('manuelle')}] ", style="yellow")
            out.append_text(marked(describe_step(step, entry.casebook, self.lang)))
            out.append(f"  {step.id}", style="dim")
            patient = patient_words(entry.casebook, step, t, self.lang)
            if patient:  # the fixture's id alone (« Facturer à p-exam ») is no patient the application knows
                out.append(f"\n       ↳ {t('Patient')}{self.colon}{patient}", style="dim")
            for path, label, hint in self.ws.observe_hints(case, step, self.lang):
                out.append(f"\n       ↳ {label} ({path}){self.colon}{t(hint) if hint else '—'}", style="dim")
            out.append("\n")
        out.append(f"\n{t('Attentes')}\n", style="bold underline")
        for e in case.expectations:
            out.append(f"  {e.id} ", style="bold")
            if e.kind.value == "value":
                amount = is_amount(e.path)
                shown = shown_value(e.path, e.value_type, e.expected, self.lang)
                if e.tolerance is not None:
                    shown += f" ± {fmt.typed(e.value_type, str(e.tolerance), self.lang, amount)}"
                out.append(f"{e.path} = {shown}")
            elif e.kind.value == "refusal":
                out.append(f"{e.step} {t('refusée')}{self.colon}{e.code}")
            else:
                out.append(f"[{e.channel}] {t('absent' if e.absent else 'présent')}{self.colon}{e.pattern}")
            if e.comment:
                out.append(f"  — {e.comment}", style="dim")
            out.append("\n")
        if entry.view and entry.view.attempts:
            out.append(f"\n{t('Tentatives')}\n", style="bold underline")
            for a in entry.view.attempts:
                out.append(f"  #{a.number} ")
                out.append_text(mark(a.verdict))
                out.append(f" {self.verdict_label(a.verdict)} {t(a.reason)}\n")
        return out

    def compare(
        self, entry: CaseEntry | None, attempt: AttemptView | None = None
    ) -> tuple[Text, list[tuple[Text, ...]], Text]:
        """Title, table rows (expectation, path, expected, observed, result, rules) and failure messages."""
        t = self.t
        messages = Text()
        attempt = attempt or (entry.latest if entry is not None else None)
        if entry is None or attempt is None:
            return Text(t("Aucune exécution pour ce cas.")), [], messages
        total = len(entry.view.attempts) if entry.view else 1
        head = Text.assemble(
            (f"{entry.case.id} ", "bold"),
            f"{t('tentative')} {attempt.number}/{total} · ",
            mark(attempt.verdict),
            f" {self.verdict_label(attempt.verdict)}",
        )
        if total > 1:
            head.append("   , / . : " + t("tentative précédente / suivante"), style="dim")
        rows: list[tuple[Text, ...]] = []
        origins = self._origins(attempt)
        for row in self.ws.comparisons(entry, attempt, self.lang):
            ok = row.outcome == "pass"
            colour = "green" if ok else "red"
            expected = Text()
            for text, differs in row.expected_marks:
                expected.append(text, style="bold black on green" if differs and not ok else "")
            observed = PathText()  # in operator mode, the file it was read in below it
            for text, differs in row.observed_marks:
                observed.append(text, style="bold white on red" if differs and not ok else colour)
            if not row.expected_marks:
                expected = Text(row.expected)
            if not row.observed_marks:
                observed = PathText(row.observed, style=colour)
            if origins.get(row.path):  # operator mode: where the value was read, its correction, or keyed in
                observed.append(f"\n{origins[row.path]}", style="dim")
            rows.append(
                (
                    Text(row.expectation_id, style="bold"),
                    PathText(row.path),
                    expected,
                    observed,
                    Text.assemble(mark(row.outcome), f" {self.verdict_label(row.outcome)}"),
                    Text(row.rules, style="dim"),
                )
            )
            if not ok:
                messages.append(f"✘ {row.expectation_id}{self.colon}{t(row.message)}\n", style="red")
        if not rows:  # two empty tables say nothing: why the attempt compared nothing
            messages.append(t("Aucune comparaison dans cette tentative") + self.colon, style="bold")
            if not entry.case.expectations:
                messages.append(t("le cas n'a pas d'attente"))
            elif attempt.verdict == "none":  # running, or stopped before its verdict: compared when the case ends
                messages.append(t("la tentative n'a pas de verdict (les attentes sont comparées à la fin du cas)"))
            else:
                messages.append_text(mark(attempt.verdict))
                messages.append(f" {self.verdict_label(attempt.verdict)}")
                if attempt.reason:
                    messages.append(f" — {t(attempt.reason)}")
        return head, rows, messages

    def overview(
        self, last_report: Path | None = None, bench: str = "", runs: str = "", cover: list[CoverField] | None = None
    ) -> Group:
        """The session's progress and verdicts; ``cover``: the exam book's cover line by line (Workstation.cover),
        a required field the session does not name yet marked (its value says « à renseigner »)."""
        t = self.t
        ov = self.ws.overview()
        out: list[object] = []
        head = Text()
        head.append(f"{t('Session')}{self.colon}{self.ws.session_path.name}\n", style="bold")
        if bench:
            head.append(f"{t('Banc')}{self.colon}{bench}\n", style="dim")  # in words already (bench_words)
        if runs:  # parallel benches and the CI shard (the run options window)
            head.append(f"{t('Exécution')}{self.colon}{runs}\n", style="dim")
        progress = tn(
            "{final}/{count} cas avec un verdict final",
            "{final}/{count} cas avec un verdict final",
            ov.total,
            self.lang,
            final=ov.final,
        )
        head.append(f"{t('Avancement')}{self.colon}{progress}\n")
        bar_width = 40
        filled = int(bar_width * ov.final / ov.total) if ov.total else 0
        head.append("█" * filled, style="green")
        head.append("░" * (bar_width - filled) + "\n", style="dim")
        shown = ((t("Verdicts enregistrés"), ov.recorded_counts), (t("Verdicts retenus"), ov.counts))
        for i, (label, counts) in enumerate(shown):
            head.append(f"{chr(10) if i else ''}{label}{self.colon}", style="bold")
            for verdict, n in counts.items():
                head.append_text(mark(verdict))
                head.append(f" {self.verdict_label(verdict)}{self.colon}{n}   ")
        spent = fmt.duration_ms(ov.time_spent_ms, self.lang)  # « 1,7 s », « 2 min 05 s »: the book's way
        attempts = tn("{count} tentative", "{count} tentatives", ov.attempts, self.lang)
        head.append(f"\n{t('Temps passé')}{self.colon}{spent} ({attempts})\n")
        if self.ws.altered:  # as ``testbench verify`` says it: the results are no evidence
            head.append(f"\n{t(ALTERED)}", style="bold red")
            for problem in self.ws.altered:
                head.append(f"\n  ⚠ {t(problem)}", style="red")
            head.append("\n")
        if self.ws.unchecked is not None:  # the session was not verified: not to be taken for intact
            head.append(f"\n⚠ {t(INTEGRITY_UNCHECKED).format(reason=t(self.ws.unchecked))}\n", style="bold yellow")
        out.append(head)
        table = Table(title=t("Par domaine"), expand=False)
        table.add_column(t("Domaine"))
        verdicts = [v for v in ("pass", "fail", "error", "inconclusive", "pending", "none") if v in ov.counts]
        for v in verdicts:
            table.add_column(self.verdict_label(v), justify="right")
        table.add_column(t("Total"), justify="right")
        for domain, counts in ov.by_domain.items():
            name = fmt.label(fmt.DOMAIN_LABELS, domain, self.lang)
            table.add_row(name, *(str(counts.get(v, 0)) for v in verdicts), str(sum(counts.values())))
        out.append(table)
        rest = Text(f"\n{t('Reste à faire')} ({len(ov.remaining)}){self.colon}", style="bold")
        rest.append(", ".join(ov.remaining[:60]) + (" …" if len(ov.remaining) > 60 else "") or t("rien"), style="")
        out.append(rest)
        if cover:
            block = Text("\n" + t("Page de garde du cahier d'examen"), style="bold")
            for line in cover:
                sign = "⚠ " if line.flagged else "  "
                block.append(f"\n{sign}{line.label}{self.colon}{line.value}", style="bold red" if line.flagged else "")
            out.append(block)
        for path, problems in self.ws.file_problems.items():
            block = Text(f"\n{t('Problèmes hors des cas')} — {path.name}", style="bold red")
            for problem in problems:
                block.append(f"\n  ⚠ {self.problem_line(problem)}", style="red")
            out.append(block)
        if last_report is not None:
            out.append(Text(f"\n{t('Rapport écrit')}{self.colon}{last_report}", style="green"))
        return Group(*out)

    def glossary(self, entry: CaseEntry) -> Text:
        """The glossary window's content: each term of the case shown, its definition, its references."""
        t = self.t
        terms = case_terms(entry.case, entry.casebook, self.lang)
        out = Text()
        out.append(f"{t('Définitions des termes')} — {entry.case.id}\n\n", style="bold")
        if not terms:
            out.append(t("Aucun terme du glossaire dans ce cas."))
        for term in terms:
            out.append(term.name, style="bold cyan")
            others = [n for n in term.names[1:] if n.casefold() != term.name.casefold()][:2]
            if others:
                out.append(f" ({', '.join(others)})", style="dim")
            out.append(f"\n  {term.text(self.lang)}\n")
            for url in term.references:
                out.append(f"  ↗ {url}\n", style="dim")
            out.append("\n")
        return out

    def review(self, entry: CaseEntry | None) -> Text:
        t = self.t
        if entry is None:
            return Text(t("Aucun cas sélectionné."))
        out = Text()
        out.append(f"{entry.case.id} — {entry.case.title}\n", style="bold")
        out.append(f"{t('Verdict d' + chr(39) + 'origine')}{self.colon}")
        out.append_text(mark(entry.original_verdict))
        out.append(f" {self.verdict_label(entry.original_verdict)}")
        if entry.latest and entry.latest.reason:
            out.append(f" — {t(entry.latest.reason)}", style="italic")
        out.append(f"\n{t('Verdict retenu')}{self.colon}")
        out.append_text(mark(entry.verdict))
        out.append(f" {self.verdict_label(entry.verdict)}\n\n")
        out.append(f"{t('Annotations')}\n", style="bold underline")
        if not entry.annotations:
            out.append(f"  {t('Aucune annotation.')}\n")
        for note in entry.annotations:
            when = fmt.timestamp(iso(note.wall), self.lang)  # UTC, as the book and the cover write times
            if note.action == "accept":
                decision = t(ACCEPTED)  # the report's word for it (report.recorded)
            elif note.action == "override":
                decision = f"{t('remplacé par')} {self.verdict_label(note.verdict or '')}"
            else:
                decision = t("commentaire")
            out.append(f"  • {when} {note.reviewer} ({t('tentative')} {note.attempt_number}){self.colon}{decision}")
            out.append(f" — {t('Motif')}{self.colon}{note.reason}")
            signed = f" ✔ {t('signée')}" if note.valid else f" ✘ {t('signature invalide')}"
            out.append(signed, style="green" if note.valid else "red")
            out.append("\n")
        return out

    def _origins(self, attempt: AttemptView) -> dict[str, str]:
        """Path → where its observed value was read (file and offset, log line), how it was corrected, or that the
        operator keyed it in."""
        session = self.ws.session
        if session is None:
            return {}
        out = {}
        for obs in session.observations(attempt.id):
            path = str(obs["path"])
            quote = partial(quoted, path, lang=self.lang)
            said = keyed(path, obs["value"], str(obs["source"] or ""))  # typed in: said so, as the book does
            if obs["provenance"] or said:
                out[path] = origin_text(quote(obs["value"]), obs["provenance"], self.t, quote=quote, keyed=said)
        return out

    def observed(self, entry: CaseEntry | None, attempt: AttemptView | None = None) -> list[tuple[Text, ...]]:
        """Every value observed in the attempt: step, path, value, source (engine or operator)."""
        session = self.ws.session
        attempt = attempt or (entry.latest if entry is not None else None)
        if entry is None or attempt is None or session is None:
            return []
        # a boolean reads oui/non (yes/no) whether the engine sent it or the operator keyed « true »
        types = {e.path: e.value_type for e in entry.case.expectations if e.path}
        rows = []
        for obs in session.observations(attempt.id):
            path = str(obs["path"])  # an amount reads as money, whether a case expects it or not
            amount = is_amount(path)
            shown = shown_value(path, types.get(path, "decimal" if amount else ""), obs["value"], self.lang)
            if len(shown) > 48:  # hashes and documents: the start identifies them, the report has them whole
                shown = shown[:47] + "…"
            rows.append(
                (
                    Text(str(obs["step_id"] or ""), style="dim"),
                    PathText(str(obs["path"])),
                    Text(shown),
                    Text(self.t(SOURCES_FR.get(str(obs["source"]), str(obs["source"]))), style="dim"),
                )
            )
        return rows
