"""Coverage as text, in one language: what ``testbench coverage`` prints and the workstation shows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from testbench.domain.verdict import Verdict
from testbench.fmt import DOMAIN_LABELS, PS_CATEGORY_LABELS, label, yes_no
from testbench.i18n import _t, colon, tn, translator
from testbench.scope.coverage import ACCEPTED, BLOCKING_GAPS, NOT_RUN, OPEN, PASSED

STATUS_LABELS = {
    PASSED: _t("réussi"),
    ACCEPTED: _t("accepté en revue"),
    OPEN: _t("à reprendre"),
    NOT_RUN: _t("jamais exécuté"),
}
REQUIREMENT_LABELS = {
    "passed": _t("couverte, réussie"),
    "open": _t("couverte, à reprendre"),
    "uncovered": _t("non couverte"),
}
#: What a requirement's title rests on when it is not the rule's published text (testbench.scope.plan.BASES).
BASIS_LABELS = {"interpretation": _t("interprétation testbench"), "unverified": _t("non vérifié")}
GAP_TEXTS = {
    "casebook-missing": _t("cahier de tests {subject} : absent de la session"),
    "casebook-version": _t("cahier de tests {subject} : version {found} au lieu de {expected}"),
    "casebook-evolution": _t("cahier de tests {subject} : évolution {found} au lieu de {expected}"),
    "casebook-sha": _t("cahier de tests {subject} : empreinte {found} au lieu de {expected}"),
    "requirement-uncovered": _t("exigence {subject} : aucun cas dans le périmètre"),
    "service-uncovered": _t("service {subject} : aucun cas dans le périmètre"),
    "case-not-run": _t("cas {subject} : jamais exécuté"),
    "exclusion-unknown": _t("exclusion de {subject} : aucun cas de ce nom dans les cahiers du plan"),
    "outside-plan": _t(
        "cahier de tests {subject} en version {found} : dans la session, hors plan (ses cas ne comptent pas)"
    ),
    "ps-category": _t("catégorie de PS « {expected} » dans le plan, « {found} » dans ses cahiers de tests"),
}
#: the outside-plan gap naming its file (``Coverage.as_dict(detail=True)``): two files may share a version
OUTSIDE_FILE = _t(
    "cahier de tests {subject} en version {found} ({path}, empreinte {sha256}) : dans la session, hors plan (ses"
    " cas ne comptent pas)"
)
#: a planned casebook loaded otherwise than the plan says (the header's line, the report's plan table)
LOADED_TEXTS = {
    "casebook-version": _t("chargé en version {found}, le plan attend {expected}"),
    "casebook-evolution": _t("chargé en évolution {found}, le plan attend {expected}"),
    "casebook-sha": _t("chargé, mais pas le fichier que le plan désigne (sha256)"),
}
OUT_OF_SCOPE_TEXTS = {"excluded": _t("exclu : {reason}"), "service": _t("service {reason} non retenu par le plan")}


def verdict_word(verdict: str, t: Callable[[str], str]) -> str:
    try:
        return t(Verdict(verdict).label_fr)
    except ValueError:
        return verdict


def gap_text(gap: Mapping[str, str], t: Callable[[str], str]) -> str:
    """One gap (``Coverage.as_dict()["gaps"]``) as a sentence; fingerprints shortened."""
    short = {k: (v[:12] + "…" if len(v) == 64 else v) for k, v in gap.items()}
    if gap["kind"] == "service-uncovered":  # in words, as the header names the services chosen (« ADRi »)
        short["subject"] = t(DOMAIN_LABELS[gap["subject"]]) if gap["subject"] in DOMAIN_LABELS else gap["subject"]
    template = OUTSIDE_FILE if gap["kind"] == "outside-plan" and gap.get("path") else GAP_TEXTS[gap["kind"]]
    return t(template).format(**short)


def casebook_state(planned: Mapping[str, Any], gaps: Sequence[Mapping[str, str]], t: Callable[[str], str]) -> str:
    """« chargé », « absent », or how the session's casebook differs from the plan (version, evolution, file)."""
    if not planned["loaded"]:
        return t("absent")
    said = [
        t(LOADED_TEXTS[g["kind"]]).format(**g)
        for g in gaps
        if g["subject"] == planned["plan_id"] and g["kind"] in LOADED_TEXTS
    ]
    return ", ".join(said) or t("chargé")


def open_cases(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The cases in scope to redo (« à reprendre »: run, not passed — a failure accepted in review is confirmed,
    not passed), in the scope's order."""
    return [case for case in data["cases"] if case["status"] in (OPEN, ACCEPTED)]


def redo_title(data: Mapping[str, Any]) -> str:
    """The « À reprendre » heading (French msgid): it lists the cases accepted in review too, which the counts
    line gives apart (« accepté en revue 1, à reprendre 1 »), so it says so when there are some. The book's
    coverage page words it the same way."""
    if data["counts"].get(ACCEPTED):
        return _t("À reprendre (cas acceptés en revue compris)")
    return _t("À reprendre")


def case_verdict_word(case: Mapping[str, Any], t: Callable[[str], str]) -> str:
    """A case's retained verdict, « échec (accepté en revue) » when a review confirmed it; a case run and cut before
    its verdict (to redo, no verdict) « interrompue », as its attempt reads in the book; one whose run is under way
    now (``running``: the command's and the workstation's coverage of a live session) « en cours »."""
    if case.get("running"):
        return t("en cours")
    if case["verdict"] == "none" and case.get("status") == OPEN:
        return t("interrompue")
    word = verdict_word(case["verdict"], t)
    return t("{verdict} (accepté en revue)").format(verdict=word) if case.get("status") == ACCEPTED else word


def readiness_reasons(data: Mapping[str, Any], lang: str | None = None) -> list[str]:
    """What keeps « prêt pour le pré-examen » off (empty when it is on)."""
    if data["ready"]:
        return []
    t = translator(lang)
    counts = data["counts"]
    why = [t("session altérée")] if altered(data) else []
    if not data["total"]:
        why.append(t("aucun cas dans le périmètre"))
    if counts[OPEN]:
        why.append(tn("{count} cas à reprendre", "{count} cas à reprendre", counts[OPEN], lang))
    if counts.get(ACCEPTED):
        why.append(
            tn(
                "{count} cas non réussi accepté en revue",
                "{count} cas non réussis acceptés en revue",
                counts[ACCEPTED],
                lang,
            )
        )
    if counts[NOT_RUN]:
        why.append(tn("{count} cas jamais exécuté", "{count} cas jamais exécutés", counts[NOT_RUN], lang))
    # casebooks, not gaps: one of another version and evolution is one casebook to fetch again
    casebooks = len({g["subject"] for g in data["gaps"] if g["kind"] in BLOCKING_GAPS})
    if casebooks:
        why.append(
            tn(
                "{count} cahier de tests absent ou d'une autre version",
                "{count} cahiers de tests absents ou d'une autre version",
                casebooks,
                lang,
            )
        )
    return why


#: said first of a coverage read from a session whose journal chain does not verify (as ``report`` and ``diff``)
ALTERED = _t(
    "ATTENTION : session altérée (chaîne du journal rompue) : cette couverture ne vaut pas preuve (testbench"
    " verify le détaille)"
)


def altered(data: Mapping[str, Any]) -> bool:
    """Whether the coverage was read from an altered session (a coverage written before the key: not said)."""
    return data.get("integrity", {}).get("chain_ok") is False


def readiness_text(data: Mapping[str, Any], lang: str | None = None) -> str:
    """« Prêt pour le pré-examen : oui/non », with what keeps it off."""
    line = translator(lang)("Prêt pour le pré-examen") + colon(lang) + yes_no(data["ready"], lang)
    why = readiness_reasons(data, lang)
    return f"{line} — {', '.join(why)}" if why else line


def coverage_text(data: Mapping[str, Any], lang: str | None = None) -> str:
    """The whole coverage (``Coverage.as_dict()``) as the CLI prints it and the workstation shows it."""
    t = translator(lang)
    c = colon(lang)
    plan = data["plan"]
    product = " ".join(p for p in (plan["product"], plan["version"]) if p)
    out = [t(ALTERED), ""] if altered(data) else []
    out.append(t("Plan d'examen") + c + plan["name"] + (f" — {product}" if product else ""))
    if plan["ps_category"]:
        out.append(t("Catégorie de PS") + c + label(PS_CATEGORY_LABELS, plan["ps_category"], lang))
    services = ", ".join(label(DOMAIN_LABELS, service, lang) for service in plan["services"])  # the book's words
    out.append(t("Services choisis") + c + (services or t("aucun")))
    for planned in plan["casebooks"]:
        version = f" {planned['document_version']}" if planned["document_version"] else ""
        out.append(f"  {planned['plan_id']}{version}" + c + casebook_state(planned, data["gaps"], t))
    out.append("")
    out.append(readiness_text(data, lang))
    counts = data["counts"]
    out.append(
        t("Cas dans le périmètre")
        + c
        + str(data["total"])
        + " — "
        + ", ".join(f"{t(STATUS_LABELS[s])} {n}" for s, n in counts.items())
    )
    if data["out_of_scope"]:
        out.append(t("Hors périmètre") + c + str(len(data["out_of_scope"])))
        for case in data["out_of_scope"]:
            out.append(f"  {case['case_id']} " + t(OUT_OF_SCOPE_TEXTS[case["why"]]).format(reason=case["reason"]))
    redo = open_cases(data)
    if redo:  # the cases « Prêt pour le pré-examen : non — N cas à reprendre » counts
        out += ["", t(redo_title(data)) + c + str(len(redo))]
        out += [f"  {case['case_id']}" + c + case_verdict_word(case, t) for case in redo]
    out += ["", t("Par exigence")]
    if not data["requirements"]:
        out.append("  " + t("aucune exigence nommée (catalogue du plan ni attribut requirements des cas)"))
    for req in data["requirements"]:
        title = f" — {req['title']}" if req["title"] else ""
        extra = "" if req["in_catalogue"] else f" ({t('hors catalogue')})"
        if req.get("basis"):  # a coverage of a session written before the key: none
            extra += f" [{t(BASIS_LABELS[req['basis']])}]"
        out.append(f"  {req['id']}{title}{extra}" + c + t(REQUIREMENT_LABELS[req["status"]]))
        if req["cases"]:
            out.append("    " + ", ".join(f"{x['case_id']} {case_verdict_word(x, t)}" for x in req["cases"]))
    out += ["", t("Par domaine")]
    if not data["domains"]:  # a heading over nothing reads as a cut output
        out.append("  " + t("aucun cas dans le périmètre"))
    for dom in data["domains"]:
        verdicts = ", ".join(f"{verdict_word(v, t)} {n}" for v, n in dom["verdicts"].items())
        ready = tn("{count} cas", "{count} cas", dom["total"], lang) + ", "
        ready += tn("{count} prêt", "{count} prêts", dom["ready"], lang)
        out.append(f"  {label(DOMAIN_LABELS, dom['domain'], lang)}" + c + ready + f" — {verdicts}")
    out += ["", t("Non couvert")]
    out += [f"  {gap_text(g, t)}" for g in data["gaps"]] or ["  " + t("rien")]
    return "\n".join(out) + "\n"
