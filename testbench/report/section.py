"""One case's section of the exam book, written in Python rather than by a template.

A campaign's page holds hundreds of sections: as a Jinja template each cost about 200 template steps and 85
escaped outputs (0.4 ms a case, the largest part of the page's CPU), written here in about a fifth of that.
Every printed value goes through :meth:`CaseSection.out`, the rule the page's template applies to its own
``{{ … }}`` (testbench.report.html ``_finalize`` then HTML escaping): text with its bidirectional controls
shown as markers, never a raw Python value, and markup of ours (glossary links, trace rows) as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from html import escape as html_escape
from typing import Any

from markupsafe import Markup, escape

from testbench import fmt
from testbench.domain.vocabulary import is_amount
from testbench.i18n import colon, tn
from testbench.report.attachments import attachment_name
from testbench.report.glossary import (
    CHANNEL_WORDS,
    CODE_ANCHOR,
    PATTERN_ANCHOR,
    PATTERN_TITLE,
    RefusalCode,
    refusal_code,
)
from testbench.report.labels import attempt_label, case_label, final_label
from testbench.report.recorded import ACCEPTED
from testbench.store.annotations import ACTION_FR

#: what HTML escaping replaces (markupsafe.escape: & < > " ')
_SPECIAL = re.compile("[&<>\"']")
#: an engine's warning among a step's observations: ``invoice.warnings[0].code`` (the reference engine's
#: ``create_invoice`` result, recorded as the step's observations)
_WARNING = re.compile(r"(?:^|\.)warnings\[(\d+)\]\.(code|message)$")
_PACKED = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def engine_warnings(observations: list[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """Each step's engine warnings (``code``, ``message``) as its observations recorded them: a tariff the engine
    priced without vouching for it must read beside the step, not only in the folded trace."""
    found: dict[str, dict[tuple[str, int], dict[str, str]]] = {}
    for o in observations:
        if o["source"] != "engine" or "warnings[" not in o["path"]:
            continue
        match = _WARNING.search(o["path"])
        if match is not None:
            where = (o["path"][: match.start()], int(match.group(1)))
            found.setdefault(o["step"], {}).setdefault(where, {})[match.group(2)] = str(o["value"] or "")
    return {step: list(warnings.values()) for step, warnings in found.items()}


def override_reason(case: dict[str, Any]) -> str:
    """The reason, as redacted, of the review that overrode the case's verdict ("" when none did): the index and the
    verdict line say why a verdict changed, better or worse."""
    deciding = (a for a in case.get("annotations") or () if a.get("deciding") and a.get("action") == "override")
    return str(next(deciding, {}).get("reason") or "")


#: the language of a casebook the session recorded without one (before ``xml:lang``), and of an exam plan's texts
TEXTS_LANG = "fr"


def foreign_lang(text_lang: str, book_lang: str) -> str:
    """The ``lang`` a text written in ``text_lang`` is marked with in a book in ``book_lang``: "" when it is the
    book's language (« fr-FR » in a French book), else the text's own, so that a screen reader reads it aloud in it."""
    return "" if text_lang.split("-")[0].lower() == book_lang.split("-")[0].lower() else text_lang


def in_lang(html: str, lang: str) -> str:
    """``html`` (escaped) in a ``<span lang>`` when ``lang`` is given (:func:`foreign_lang`), else as it is."""
    return f'<span lang="{html_escape(lang)}">{html}</span>' if lang and html else html


def _packed(text: str) -> str:
    """A field of :meth:`CaseSection.trace_data`: its separators (and the backslash) escaped."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:  # rare: four scans cost less than a translate
        return text.translate(_PACKED)
    return text


class CaseSection:
    """``section(case)``: the case's ``<section>`` (its full content, as ``gather_case`` made it)."""

    def __init__(
        self,
        lang: str,
        for_print: bool,
        t: Callable[[str], str],
        vl: Callable[[str], str],
        linked: Callable[[str], Markup],
        step_status: dict[str, str],
        signer: str | None = None,
        casebook_langs: Mapping[str, str] | None = None,
    ) -> None:
        self.lang, self.for_print = lang, for_print
        # each casebook's language (SHA-256 → xml:lang): its texts are marked when it is not the book's
        self.casebook_langs = casebook_langs or {}
        self._theirs = ""  # the case being written: the lang its casebook's texts are marked with ("" none)
        self.signer = signer  # the fingerprint of the key that signs the report, None for an unsigned one
        self.domain = lambda code: fmt.label(fmt.DOMAIN_LABELS, code, lang)
        self.vl, self.linked, self.step_status = vl, linked, step_status
        out = self.out
        self.t = t
        words = {
            "steps": t("Étapes"),
            "step": t("Étape"),
            "action": t("Action / instruction"),
            "result": t("Résultat"),
            "attestation": t("Attestation de l'opérateur"),
            "expected": t("Attendu"),
            "observed": t("Observé"),
            "tolerance": t("Tolérance"),
            "rules": t("Règles"),
            "files": t("Pièces"),
            "name": t("Nom"),
            "size": t("Taille"),
            "file": t("Fichier"),
            "attempts": t("Tentatives"),
            "attempt": t("Tentative"),
            "start": t("Début"),
            "duration": t("Durée"),
            "verdict": t("Verdict"),
            "recorded": t("Verdict enregistré"),
            "retained": t("Verdict retenu après revue"),
            "reason": t("Motif"),
            "review_reason": t("Motif de la revue"),
            "review": t("Revue"),
            "date": t("Date"),
            "reviewer": t("Relecteur (nom déclaré)"),
            "decision": t("Décision"),
            "signature": t("Signature"),
            "full_trace": t("Trace complète"),
            "domain": t("Domaine"),
            "mode": t("Mode"),
            "cards": t("Cartes"),
            "requirements": t("Exigences couvertes"),
            "objective": t("Objectif"),
            "expected_observed": t("Attendu / observé"),
            "not_evaluated": t("non évalué"),
            "no_expectation": t("Aucune attente."),
            "not_run": t("non exécuté"),
            "visa": t("Validé par l'examinateur ☐ — visa"),
            "manual": t("manuelle"),
            "to_note": t("à relever"),
            "traces": t("Traces"),
            "engine_warnings": t("Avertissements du moteur"),
            "utc": t("heures UTC"),
            "no_trace": t("Aucune trace pour ce cas."),
            "no_excerpt": t("Extrait de trace non inclus (--excerpt 0) : les lignes sont dans la trace complète."),
            "show_trace": t("Afficher l'extrait de trace"),
            "attached": t("pièce jointe du PDF"),
            "session": t("session"),
            "valid": t("valide"),
            "invalid": t("INVALIDE"),
            "no_effect": t("sans effet sur le verdict"),
            "key": t("clé"),
            "signer_key": t("signée par la clé qui signe ce rapport (celle de l'éditeur)"),
            "given": t("Donné par l'opérateur"),
            "corrections": t("Corrections de l'opérateur sur des valeurs qu'aucune attente ne lit"),
            "value": t("Valeur"),
            "correction": t("Correction"),
            "keyed": t("saisi"),
            "run": t("exécution"),
            "whole_case": t("Tout le cas (aucune étape désignée)"),
            "accepted": t(ACCEPTED),
            "pattern": t("motif"),
            # the casebook's author's words, shown as written (never translated: the English label says so)
            "comment": t("Commentaire du cahier"),
        }
        w = {key: out(text) for key, text in words.items()}  # the fixed words, translated and escaped once
        self.w, self.colon = w, out(colon(lang))
        c = self.colon
        self.steps_head = (
            f"<h3>{w['steps']}</h3>\n<table>\n<tr><th>{w['step']}</th><th>{w['action']}</th>"
            f"<th>{w['result']}</th><th>{w['attestation']}</th></tr>\n"
        )
        self.comparisons_head = (
            f"<table>\n<tr><th>#</th><th>{w['expected']}</th><th>{w['observed']}</th><th>{w['tolerance']}</th>"
            f"<th>{w['rules']}</th><th>{w['result']}</th></tr>\n"
        )
        self.expectations_head = f"<table>\n<tr><th>#</th><th>{w['expected']}</th><th>{w['observed']}</th></tr>\n"
        self.evidence_head = (
            f"<h3>{w['files']}</h3>\n<table>\n<tr><th>{w['name']}</th><th>{w['step']}</th><th>{w['size']}</th>"
            f"<th>{w['file']}</th></tr>\n"
        )
        self.attempts_head = (
            f"<h3>{w['attempts']}</h3>\n<table>\n<tr><th>{w['attempt']}</th><th>{w['start']} (UTC)</th>"
            f"<th>{w['duration']}</th><th>{w['verdict']}</th><th>{w['reason']}</th></tr>\n"
        )
        self.corrections_head = (
            f"<h3>{w['corrections']}</h3>\n<table>\n<tr><th>{w['step']}</th><th>{w['value']}</th>"
            f"<th>{w['correction']}</th></tr>\n"
        )
        self.review_head = (
            f"<h3>{w['review']}</h3>\n<table>\n<tr><th>{w['date']} (UTC)</th><th>{w['attempt']}</th>"
            f"<th>{w['reviewer']}</th><th>{w['decision']}</th><th>{w['reason']}</th><th>{w['signature']}</th></tr>\n"
        )
        self.full_trace = f"<p>{w['full_trace']}{c}"
        # what a case expects, in words: each made once per distinct code, step or pattern (a campaign repeats them)
        self.codes: dict[str, RefusalCode] = {}  # the refusal codes the sections showed, for the glossary section
        self.patterns = False  # whether a section explained a trace expectation (the glossary then defines patterns)
        self.tariff_cases = 0  # the cases whose engine warned of a tariff it does not vouch for (the summary says so)
        self._warnings: dict[str, list[dict[str, str]]] = {}  # the case being written: its steps' engine warnings
        self._memo: dict[tuple[Any, ...], str] = {}
        # the case being written: its step ids → their instructions, and whether the casebook wrote it (a manual step's)
        self._sentences: dict[str, tuple[str, bool]] = {}
        self._pattern_link = (
            f'<a class="term" href="#{PATTERN_ANCHOR}" title="{out(t(PATTERN_TITLE))}">{w["pattern"]}</a>'
        )
        self._trace_words = {  # a trace expectation in words, its pattern verbatim (``_trace_expectation``)
            False: out(
                t("une ligne du canal {channel} correspondant au {motif} {pattern} — exigée : au moins une, {where}")
            ),
            True: out(
                t("une ligne du canal {channel} correspondant au {motif} {pattern} — interdite : aucune, {where}")
            ),
        }
        self._at_step, self._whole_case = out(t("à l'étape {step}")), out(t("pendant le cas"))

    def out(self, value: object) -> str:
        """A value as the page's template prints it (see the module's docstring)."""
        if type(value) is str:
            text = fmt.visible_controls(value)
            # plain text (``Markup + str`` would escape again); most values hold nothing to escape
            return str(escape(text)) if _SPECIAL.search(text) else text
        if value is None or isinstance(value, bool | dict | list | tuple):
            return str(escape(fmt.visible_controls(fmt.value(value, self.lang))))
        return str(escape(value))

    def _verdict_line(self, case: dict[str, Any], verdict: str, retained: str) -> str:
        """« Verdict : … », or, when a review overrode it, both named: a line read apart from its heading (a PDF
        page) must not give the recorded verdict alone as if it stood."""
        o, w, c = self.out, self.w, self.colon
        final = o(final_label(case["attempts"], self.lang))
        if not case.get("reviewed_verdict") or retained == verdict:
            return f"<p><strong>{w['verdict']}{c}</strong>{final}"
        reason = override_reason(case)
        return (
            f"<p><strong>{w['recorded']}{c}</strong>{final} — <strong>{w['retained']}{c}</strong>"
            f'<span class="v v-{o(retained)}">{o(self.vl(retained))}</span>'
            + (f" — <strong>{w['review_reason']}{c}</strong><span class=\"free\">{o(reason)}</span>" if reason else "")
        )

    def __call__(self, case: dict[str, Any]) -> str:
        o, w, c, vl = self.out, self.w, self.colon, self.vl
        self._theirs = foreign_lang(self.casebook_langs.get(case["key"]["casebook_sha"], TEXTS_LANG), self.lang)
        self._sentences = {
            step["id"]: (
                step.get("sentence") or step.get("instruction") or "",
                step["kind"] == "manual" and bool(step.get("instruction")),  # else the bench's words, in the book's
            )
            for step in case["steps"]
        }
        self._warnings = engine_warnings(case["observations"])
        if any(str(x.get("code", "")).startswith("TARIFF_") for ws in self._warnings.values() for x in ws):
            self.tariff_cases += 1
        verdict = case["verdict"]
        retained = case.get("retained_verdict") or verdict  # a review's verdict decides, beside the recorded one
        key = case["key"]
        reviewed = ""
        if case.get("reviewed_verdict") and retained != verdict:
            reviewed = f' → <span class="v v-{o(retained)}">{o(vl(retained))}</span>'
        elif case.get("reviewed_verdict"):  # a review that keeps the recorded verdict: said, without an arrow
            reviewed = f' <span class="review-kept">— {o(self.t(ACTION_FR["accept"]))}</span>'
        parts = [
            f'<section class="case" id="{o(case["anchor"])}" data-case="{o(key["case_id"])}" '
            f'data-verdict="{o(retained)}" data-recorded="{o(verdict)}">\n'
            f'<h2><span class="mono">{o(key["case_id"])}</span> {self._their(o(case["title"]))} '
            f'<span class="v v-{o(verdict)}">{o(self.t(case_label(case)))}</span>{reviewed}</h2>\n',
            self._verdict_line(case, verdict, retained),
        ]
        if case["reason"]:
            parts.append(f" — <strong>{w['reason']}{c}</strong>{o(case['reason'])}")
        parts.append(
            f'</p>\n<p class="muted">{o(case["plan_id"])} · {w["domain"]} {o(self.domain(case["domain"]))} · '
            f"{w['mode']} {o(fmt.label(fmt.MODE_LABELS, case['mode'], self.lang))}"
        )
        if case["tags"]:
            parts.append(f" · {o(', '.join(map(str, case['tags'])))}")
        if case["cards"]:
            cards = ", ".join(f"{o(cr['card'])}→{o(cr['slot'])}" for cr in case["cards"])
            parts.append(f" · {w['cards']} {cards}")
        parts.append("</p>\n")
        if case["requirements"]:
            parts.append(
                f'<p class="requirements"><strong>{w["requirements"]}{c}</strong>'
                f'<span class="mono">{o(", ".join(map(str, case["requirements"])))}</span></p>'
            )
        objective = self._their(o(self.linked(case["objective"])))
        parts.append(f"<p><strong>{w['objective']}{c}</strong>{objective}</p>\n")
        if case.get("comment"):  # what the case wants, in its author's words, under its objective
            said = self._their(self._lines_of(case["comment"]))
            parts.append(f'<p class="comment"><strong>{w["comment"]}{c}</strong>{said}</p>\n')
        parts.append("\n")
        # the printed book: a case that passed, and was not reviewed otherwise, by its verdict and expected/observed
        brief = self.for_print and verdict == retained == "pass"
        # and what a person attested in it: the printed book is the proof that someone checked the step
        # and its engine's warnings: a price from a test tariff is no current tariff, on paper too
        steps = [s for s in case["steps"] if s["attestation"] or s["id"] in self._warnings] if brief else case["steps"]
        if steps:
            parts.append(self.steps_head)
            parts += map(self._step, steps)
            parts.append("</table>\n")
        parts.append(f"\n<h3>{w['expected_observed']}</h3>\n")
        if case["comparisons"]:
            parts.append(self.comparisons_head)
            step: Any = None  # each run of expectations on one step under a row that says the step in words
            for cmp in case["comparisons"]:
                if cmp.get("step") != step:
                    step = cmp.get("step")
                    parts.append(self._step_row(step, 6))
                parts.append(self._comparison(cmp))
                if cmp.get("comment"):
                    parts.append(self._comment_row(cmp["comment"], 6))
            parts.append("</table>\n")
        elif case["expectations"]:
            parts.append(self.expectations_head)
            step = None
            for e in case["expectations"]:
                if e.get("step") != step:
                    step = e.get("step")
                    parts.append(self._step_row(step, 3))
                path = f'<br><span class="muted">{o(e["path"])}</span>' if e["path"] else ""
                parts.append(
                    f'<tr><td class="mono">{o(e["id"])}{path}</td>{self._expected_cell(e)}'
                    f'<td class="muted">{w["not_evaluated"]}</td></tr>'
                )
                if e.get("comment"):
                    parts.append(self._comment_row(e["comment"], 3))
            parts.append("</table>\n")
        else:
            parts.append(f'<p class="muted">{w["no_expectation"]}</p>')
        parts.append(self._corrections(case))
        parts.append("\n")
        parts.append(self._trace(case))
        parts.append("\n")
        if case["evidence"]:
            parts.append(self.evidence_head)
            parts += map(self._evidence, case["evidence"])
            parts.append("</table>\n")
        parts.append("\n")
        if not brief:
            parts.append(self.attempts_head)
            parts += map(self._attempt, case["attempts"])
            if not case["attempts"]:
                parts.append(f'<tr><td colspan="5" class="muted">{w["not_run"]}</td></tr>')
            parts.append("</table>\n")
        parts.append("\n")
        if case["annotations"]:
            parts.append(self.review_head)
            parts += (self._annotation(an, verdict) for an in case["annotations"])
            parts.append("</table>\n")
        parts.append(f'<div class="visa">{w["visa"]}</div>\n</section>\n')
        return "".join(parts)

    def _corrections(self, case: dict[str, Any]) -> str:
        """The values the operator corrected that no comparison above shows (a lot's number a later step reads):
        an intervention on the recorded data, said in the book whatever the verdict, on paper too."""
        compared = {(cmp.get("step") or "", cmp["path"]) for cmp in case["comparisons"]}
        paths: dict[tuple[str, str], list[str]] = {}  # one correction the result repeats (invoice.invoice_id): one row
        for ob in case["observations"]:
            if ob["source"] == "correction" and (ob["step"], ob["path"]) not in compared:
                paths.setdefault((ob["step"], ob["origin"]), []).append(ob["path"])
        rows = [
            f'<tr>{self._step_cell(step)}<td class="mono">{self.out(", ".join(named))}</td>'
            f'<td class="origin">{self.out(origin)}</td></tr>\n'
            for (step, origin), named in paths.items()
        ]
        return f"{self.corrections_head}{''.join(rows)}</table>\n" if rows else ""

    def _step(self, s: dict[str, Any]) -> str:
        o, w, c = self.out, self.w, self.colon
        if s["kind"] != "manual":
            what = f'{o(self.linked(s["sentence"]))} <span class="muted mono">{o(s["action"])}</span>'
        else:
            what = f"<em>{w['manual']}</em> — {self._their(o(self.linked(s['instruction'])))}"
            if s["observe"]:
                noted = self._their(o(", ".join(map(str, s["observe"]))))  # the casebook's labels of the values
                what += f'<br><span class="muted">{w["to_note"]}{c}{noted}</span>'
        status = o(self.t(self.step_status[s["status"]]))
        code, detail = s.get("code"), s["detail"]
        if code and detail.startswith(code):  # « PRICE_ABOVE_PLV ligne 1 : … »: the code linked, its meaning below
            status += f" — {self._code(code)}{o(detail[len(code) :])}{self._meaning(code)}"
        elif detail:
            status += f" — {o(detail)}"
        attested = ""
        if s["attestation"]:
            a = s["attestation"]
            attested = f"{o(a['operator'])} — {o(fmt.timestamp(a['at'], self.lang))}"
            if a["note"]:
                attested += f"<br>{o(a['note'])}"
            attested += "".join(f'<br><span class="mono">{o(k)} = {o(v)}</span>' for k, v in a["values"].items())
        row = (  # the detail and the attestation are free text (a path, a token): they wrap, never cut off the page
            f'<tr><td class="mono">{o(s["id"])}</td><td>{what}</td>\n<td class="free">{status}</td>\n'
            f'<td class="free">{attested}</td></tr>\n'
        )
        warnings = self._warnings.get(s["id"])
        if warnings:
            said = "<br>".join(
                f'<span class="mono">{o(x.get("code", ""))}</span> — {o(self.t(x.get("message", "")))}'
                for x in warnings
            )
            row += (
                f'<tr class="engine-warnings"><td></td><td colspan="3">'
                f"<strong>{w['engine_warnings']}{c}</strong>{said}</td></tr>\n"
            )
        return row

    def _step_row(self, step: str | None, columns: int) -> str:
        """The row above a case's expectations on ``step``: its id and its instruction in words (or, for those on no
        step after some that had one, that they look at the whole case)."""
        sentence, theirs = self._sentences.get(step or "", ("", False))
        lang = self._theirs if theirs else ""
        key = ("step", step, sentence, lang, columns)
        row = self._memo.get(key)
        if row is None:
            o, w, c = self.out, self.w, self.colon
            said = f'{w["step"]} <span class="mono">{o(step)}</span>' if step else w["whole_case"]
            if step and sentence:
                said += f"{c}{in_lang(o(sentence), lang)}"
            row = self._remember(key, f'<tr class="for-step"><td colspan="{columns}" class="muted">{said}</td></tr>\n')
        return row

    def _lines_of(self, text: str) -> str:
        """A casebook's comment as its author wrote it: escaped, its lines kept (a derivation reads line by line)."""
        return self.out(text).replace("\n", "<br>")

    def _comment_row(self, comment: str, columns: int) -> str:
        """The row under an expectation's: its comment in the casebook, labelled as the author's words. Made once per
        distinct comment (a casebook repeats « RG_VF670, taux 60 % » in case after case)."""
        key = ("comment", comment, self._theirs, columns)
        row = self._memo.get(key)
        if row is None:
            w, c = self.w, self.colon
            row = self._remember(
                key,
                f'<tr class="comment"><td></td><td colspan="{columns - 1}" class="muted">'
                f"<strong>{w['comment']}{c}</strong>{self._their(self._lines_of(comment))}</td></tr>\n",
            )
        return row

    def _their(self, html: str) -> str:
        """A text of the case's casebook (escaped), marked with its language when it is not the book's."""
        return in_lang(html, self._theirs)

    def _remember(self, key: tuple[Any, ...], text: str) -> str:
        if len(self._memo) >= 4096:  # bounded: a campaign of unique steps makes them again
            self._memo.clear()
        self._memo[key] = text
        return text

    def _code(self, code: str) -> str:
        """A refusal code, linked to its definition in the glossary section (its title the meaning, shortly)."""
        key = ("code", code)
        link = self._memo.get(key)
        if link is None:
            o, info = self.out, refusal_code(code)
            self.codes.setdefault(code, info)  # never cleared: the glossary section defines every code shown
            href, title = f"#{CODE_ANCHOR}{o(info.anchor)}", o(info.short(self.lang))
            link = self._remember(key, f'<a class="term" href="{href}" title="{title}">{o(code)}</a>')
        return link

    def _meaning(self, code: str) -> str:
        """What the code means, shortly, below it (and whose code it is)."""
        key = ("meaning", code)
        said = self._memo.get(key)
        if said is None:
            said = self._remember(
                key, f'<br><span class="muted">{self.out(refusal_code(code).short(self.lang))}</span>'
            )
        return said

    def _trace_expectation(self, e: dict[str, Any], pattern: str) -> str:
        """« une ligne du canal engine (…) correspondant au motif `1241763` — exigée : au moins une, à l'étape s-x »."""
        o, channel, step = self.out, e.get("path") or "", e.get("step")
        key = ("trace", channel, pattern, bool(e.get("absent")), step)
        said = self._memo.get(key)
        if said is None:
            self.patterns = True
            words = CHANNEL_WORDS.get(channel)
            named = f'<span class="mono">{o(channel)}</span>' + (f" ({o(self.t(words))})" if words else "")
            where = self._at_step.format(step=f'<span class="mono">{o(step)}</span>') if step else self._whole_case
            said = self._remember(
                key,
                self._trace_words[bool(e.get("absent"))].format(
                    channel=named, motif=self._pattern_link, pattern=f"<code>{o(pattern)}</code>", where=where
                ),
            )
        return said

    def _expected_cell(self, e: dict[str, Any]) -> str:
        """The expected cell of an expectation not evaluated: a refusal code with its meaning, a trace expectation
        in words, an amount as money, else the value as recorded."""
        o = self.out
        if e.get("kind") == "refusal" and e["expected"]:
            return f'<td><span class="mono">{self._code(e["expected"])}</span>{self._meaning(e["expected"])}</td>'
        if e.get("kind") == "trace" and "absent" in e:
            return f"<td>{self._trace_expectation(e, e['expected'])}</td>"
        if is_amount(e["path"]):  # an amount as money, as an evaluated one reads
            return f'<td class="mono">{o(fmt.money(e["expected"], self.lang))}</td>'
        return f'<td class="mono">{o(e["expected"])}</td>'

    def _comparison(self, cmp: dict[str, Any]) -> str:
        o = self.out
        path = f'<br><span class="muted">{o(cmp["path"])}</span>' if cmp["path"] else ""
        amount = is_amount(cmp["path"])
        shown = [fmt.typed(cmp["value_type"], cmp[key], self.lang, amount) for key in ("expected", "observed")]
        tolerance = fmt.typed("decimal", str(cmp["tolerance"]), self.lang, amount) if cmp["tolerance"] else ""
        observed = o(shown[1] if cmp["observed"] is not None else "—")
        kind, expected = cmp.get("kind"), f'<td class="mono">{o(shown[0])}</td>'
        if kind == "refusal" and cmp["expected"]:  # each code with its meaning (the observed one when it differs)
            expected = (
                f'<td><span class="mono">{self._code(cmp["expected"])}</span>{self._meaning(cmp["expected"])}</td>'
            )
            if cmp["observed"] in (ACCEPTED, self.t(ACCEPTED)):  # the step was accepted (report.json: in its words)
                observed = self.w["accepted"]
            elif cmp["observed"] is not None:
                observed = self._code(cmp["observed"])
                if cmp["observed"] != cmp["expected"]:
                    observed += self._meaning(cmp["observed"])
        elif kind == "trace" and "pattern" in cmp:  # the expectation in words, the pattern verbatim
            expected = f"<td>{self._trace_expectation(cmp, cmp['pattern'])}</td>"
            if cmp["observed"] is not None and cmp["observed"].isdigit():
                observed = o(self._lines(int(cmp["observed"])))
        if cmp["origin"]:
            observed += f'<br><span class="muted origin">{o(cmp["origin"])}</span>'
        outcome = {"pass": "ok", "none": "muted"}.get(cmp["outcome"], "ko")  # not evaluated is no failure
        note = f" ({o(cmp['redacted_difference'])})" if cmp.get("redacted_difference") else ""  # two hidden values
        return (
            f'<tr><td class="mono">{o(cmp["expectation_id"])}{path}</td>\n'
            f'{expected}<td class="mono">{observed}</td>\n'
            f'<td class="mono">{o(tolerance)}</td><td>{o(", ".join(map(str, cmp["rules"])))}</td>\n'
            f'<td class="{outcome}">{o(self.vl(cmp["outcome"]))} — {o(cmp["message"])}{note}</td></tr>\n'
        )

    def _gap(self, count: int) -> str:
        """The lines an excerpt leaves out, in words that agree with their count (« 1 ligne », « 23 lignes »)."""
        return tn(
            "{count} ligne dans le fichier de trace complet",
            "{count} lignes dans le fichier de trace complet",
            int(count),
            self.lang,
        )

    def trace_rows(self, excerpt: list[dict[str, Any]]) -> str:
        """The excerpt's rows, escaped in one pass: it is most of the page at campaign scale."""
        shown = fmt.visible_controls
        rows = []
        for line in excerpt:
            if "gap" in line:
                rows.append(f'<tr><td colspan="4" class="gap">… {html_escape(self._gap(line["gap"]))} …</td></tr>\n')
            else:
                ch = html_escape(shown(line["channel"]))
                rows.append(
                    f'<tr class="ch-{ch}"><td>{html_escape(line["time"])}</td><td>{ch}</td>'
                    f"<td>{html_escape(shown(line['step']))}</td><td>{html_escape(shown(line['text']))}</td></tr>\n"
                )
        return "".join(rows)

    def trace_data(self, excerpt: list[dict[str, Any]]) -> str:
        """The excerpt of a case shown on demand, compactly, for a data attribute the page's script turns
        into rows when the case is opened: a row per line, fields split by tabs (a gap is its words alone)."""
        p = _packed
        rows = [
            p(self._gap(line["gap"]))
            if "gap" in line
            else f"{p(line['time'])}\t{p(line['channel'])}\t{p(line['step'])}\t{p(line['text'])}"
            for line in excerpt
        ]
        return fmt.visible_controls("\n".join(rows))  # once for the whole excerpt: it marks controls, never a separator

    def _trace(self, case: dict[str, Any]) -> str:
        o, w = self.out, self.w
        trace = case["trace"]
        lines = tn("{count} ligne", "{count} lignes", trace["count"], self.lang)
        head = f'<h3>{w["traces"]} <span class="muted">({o(lines)}, {w["utc"]})</span></h3>\n'
        if not trace["count"]:
            return head + f'<p class="muted">{w["no_trace"]}</p>'
        parts = [head]
        if not trace["excerpt"]:  # ``report --excerpt 0``: the lines are in the full trace, named below
            parts.append(f'<p class="muted">{w["no_excerpt"]}</p>\n')
        elif case["verdict"] != "pass" or (case.get("retained_verdict") or "pass") != "pass":
            parts.append(f'<table class="trace">\n{self.trace_rows(trace["excerpt"])}\n</table>\n')
        elif not self.for_print:
            parts.append(
                f'<details class="lazy-trace" data-lines="{o(self.trace_data(trace["excerpt"]))}">\n'
                f"<summary>{w['show_trace']}</summary>\n"
                '<table class="trace"><tbody></tbody></table>\n</details>\n'
            )
        file = trace["file"]
        if self.for_print:
            sha = f' — <span class="hash">SHA-256 {o(file["sha256"])}</span>' if file else ""
            parts.append(
                f'{self.full_trace}{w["attached"]} <span class="mono">{o(attachment_name(case))}</span>{sha}</p>\n'
            )
        elif file:
            parts.append(
                f'{self.full_trace}<a href="{o(file["path"])}">{o(file["path"])}</a> — '
                f'<span class="hash">SHA-256 {o(file["sha256"])}</span></p>'  # no newline after this one
            )
        return "".join(parts)

    def _evidence(self, a: dict[str, Any]) -> str:
        o, w = self.out, self.w
        file = ""
        if a["file"]:
            path = o(a["file"]["path"])
            shown = f'<span class="mono">{path}</span>' if self.for_print else f'<a href="{path}">{path}</a>'
            file = f'{shown}<br><span class="hash">SHA-256 {o(a["file"]["sha256"])}</span>'
        note = f"<br><em>{o(self.t(a['note']))}</em>" if a["note"] else ""
        return (
            f'<tr><td>{o(a["name"])} <span class="muted">{o(a["media_type"])}</span></td>'
            f'{self._step_cell(a["step"])}<td class="num">{o(self._size(a["size"]))}</td>\n'
            f'<td>{file}{note}<br><span class="hash muted">{w["session"]} SHA-256 {o(a["sha256_session"])}</span>'
            "</td></tr>"
        )

    def _size(self, size: object) -> object:
        """A file's size with its unit, as the book's language groups digits (« 1 002 octets », "1,002 bytes"):
        a bare « 1002 » said neither what it counts nor, in English, how the language writes it."""
        return fmt.byte_size(size, self.lang) if isinstance(size, int) and not isinstance(size, bool) else size

    def _step_cell(self, step: str) -> str:
        """A step's id in a table cell, its instruction in words below it."""
        sentence, theirs = self._sentences.get(step, ("", False))
        if not sentence:
            return f'<td class="mono">{self.out(step)}</td>'
        lang = self._theirs if theirs else ""
        key = ("cell", step, sentence, lang)
        cell = self._memo.get(key)
        if cell is None:
            o = self.out
            said = f'<span class="muted" lang="{o(lang)}">' if lang else '<span class="muted">'
            cell = self._remember(key, f'<td><span class="mono">{o(step)}</span><br>{said}{o(sentence)}</span></td>')
        return cell

    def _lines(self, count: int) -> str:
        """A trace expectation's observed count in words."""
        return tn("{count} ligne correspondante", "{count} lignes correspondantes", count, self.lang)

    def _attempt(self, a: dict[str, Any]) -> str:
        o, w, c = self.out, self.w, self.colon
        given = "".join(  # an earlier attempt: what the operator keyed or corrected in it, with the reasons
            f'<br><span class="mono">{o(g["step"])} · {o(g["path"])} = {o(g["value"])}</span> '
            f'<span class="muted">{o(g["origin"]) or w["keyed"]}</span>'
            for g in a.get("given", ())
        )
        if given:
            given = f"<br><strong>{w['given']}{c}</strong>{given}"
        return (
            # the run it ran in, whose engine and software versions the annex's runs table names (linked, not copied)
            f'<tr><td>{o(a["number"])} <a class="muted" href="#run-{o(a["run_id"])}">{w["run"]} {o(a["run_id"])}</a>'
            "</td>"
            f"<td>{o(fmt.timestamp(a['started'], self.lang))}</td>"
            f'<td class="num">{o(fmt.duration_ms(a["duration_ms"], self.lang))}</td>\n'
            f'<td><span class="v v-{o(a["verdict"])}">{o(self.t(attempt_label(a["verdict"])))}</span></td>'
            f"<td class=\"free\">{o(a['reason'])}{given}</td></tr>"
        )

    def _annotation(self, an: dict[str, Any], verdict: str) -> str:
        o, w, c = self.out, self.w, self.colon
        decision = o(self.t(ACTION_FR[an["action"]]))
        if an["action"] == "override":
            decision += (
                f'{c}<span class="v v-{o(verdict)}">{o(self.vl(verdict))}</span> → '
                f'<span class="v v-{o(an["verdict"])}">{o(self.vl(an["verdict"]))}</span>'
            )
        if an["signature_valid"]:
            signature = f'<span class="ok">{w["valid"]}</span>'
        else:
            signature = f'<span class="ko">{w["invalid"]}</span> — {w["no_effect"]}'
        # the key in full: a reviewer's name is only declared, the key is what tells who signed
        signature += f' — {w["key"]} <span class="hash">{o(an["fingerprint"])}</span>'
        if self.signer and an["fingerprint"] == self.signer:  # not an independent review: the editor's own key
            signature += f'<br><strong class="ko own-key">{w["signer_key"]}</strong>'
        number = an["attempt_number"] if an["attempt_number"] is not None else ""
        return (
            f"<tr><td>{o(fmt.timestamp(an['at'], self.lang))}</td><td>{o(number)}</td><td>{o(an['reviewer'])}</td>\n"
            f"<td>{decision}</td>\n"
            f"<td class=\"free\">{o(an['reason'])}</td><td>{signature}</td></tr>"
        )
