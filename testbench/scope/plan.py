"""The exam plan (``format = "testbench-plan/1"``, ours, docs/exam-plan.md): the scope of an agrément exam.

A plan names the product under test, its PS category, the optional services chosen (ADRi, ApCV…), the
casebooks of the exam with the document version expected, the cases left out (each with its reason) and
optionally a catalogue of requirements. It is read from a TOML file, or from the text a run recorded in
its session (:func:`recorded_plan`), so a report shows the same scope without the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testbench.casebook.model import Domain
from testbench.fmt import os_reason
from testbench.i18n import _t, translator
from testbench.runner.options import EXAM_PLAN_META
from testbench.tomlfile import TomlSyntaxError, parse_toml, path_problem, read_config

FORMAT = "testbench-plan/1"

#: Optional services of an exam scope. A case belongs to one when its domain or one of its tags names it;
#: the services that are also case domains put those domains out of scope when not chosen.
SERVICES = ("adri", "apcv", "dre", "eprescription", "insi", "scor")
SERVICE_DOMAINS = frozenset({"adri", "apcv", "dre", "eprescription", "insi"})
#: What a requirement's title rests on, when not the rule's published text: testbench's own reading of it
#: (a rule of another scope applied by analogy, a refusal the text does not state) or a point no public text confirms.
BASES = ("interpretation", "unverified")
_REQUIREMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,79}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class PlannedCasebook:
    """A casebook of the exam: found in a session by its plan id; its document version must match."""

    plan_id: str
    document_version: str = ""
    sha256: str = ""
    path: str = ""


@dataclass(frozen=True)
class Exclusion:
    case: str
    reason: str
    casebook: str = ""  # plan id; empty: the case id in any casebook of the plan


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str = ""
    domain: str = ""
    source: str = ""
    service: str = ""  # in scope only when this service is chosen
    basis: str = ""  # one of BASES; "" the rule as published


@dataclass(frozen=True)
class ExamPlan:
    name: str  # the file's name, or the name recorded with it
    sha256: str  # of the plan's text
    product: str
    version: str
    ps_category: str
    services: tuple[str, ...]
    casebooks: tuple[PlannedCasebook, ...]
    excluded: tuple[Exclusion, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    text: str = field(default="", repr=False)

    def excluded_reason(self, plan_id: str, case_id: str) -> str | None:
        for ex in self.excluded:
            if ex.case == case_id and ex.casebook in ("", plan_id):
                return ex.reason
        return None

    def recorded(self) -> str:
        """What a session keeps of the plan (:data:`EXAM_PLAN_META`): its name and its whole text."""
        return json.dumps({"name": Path(self.name).name, "text": self.text}, ensure_ascii=False)


@dataclass(frozen=True)
class PlanProblem:
    line: int | None
    message: str  # French template
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, name: str, lang: str | None = None) -> str:
        t = translator(lang)
        place = f"{name}:{self.line}" if self.line else name
        params = {k: t(v) if k == "reason" and isinstance(v, str) else v for k, v in self.params.items()}  # OS words
        return f"{place}: {t(self.message).format(**params)}"


NO_PLAN = _t("aucun plan d'examen : donnez --plan PLAN, ou lancez la campagne avec run --plan PLAN")


class PlanError(Exception):
    """The plan cannot be used; ``problems`` say where and why (``plan.toml:LINE: …``)."""

    def __init__(self, name: str, problems: list[PlanProblem]) -> None:
        super().__init__(name)
        self.name = name
        self.problems = problems

    def lines(self, lang: str | None = None) -> list[str]:
        return [p.text(self.name, lang) for p in self.problems]


def load_plan(path: Path) -> ExamPlan:
    """Read and check a plan file; :class:`PlanError` names every problem found."""
    try:
        text = read_config(path).decode("utf-8")
    except UnicodeDecodeError:
        raise PlanError(str(path), [PlanProblem(None, _t("pas du texte UTF-8"))]) from None
    except OSError as exc:
        raise PlanError(
            str(path), [PlanProblem(None, _t("illisible ({reason})"), {"reason": os_reason(exc)})]
        ) from None
    return parse_plan(text, str(path))


def recorded_plan(meta: Mapping[str, str]) -> ExamPlan | None:
    """The plan a run recorded in its session (``SessionView.meta``), or None."""
    raw = meta.get(EXAM_PLAN_META)
    if not raw:
        return None
    try:
        saved = json.loads(raw)
        name, text = str(saved["name"]), str(saved["text"])
    except (ValueError, KeyError, TypeError):
        raise PlanError(
            EXAM_PLAN_META, [PlanProblem(None, _t("plan d'examen enregistré dans la session illisible"))]
        ) from None
    return parse_plan(text, name)


class _Lines:
    """Where things are in the plan's text: tomllib gives no positions for values, so they are found here."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def key(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        return next((i for i, line in enumerate(self.lines, 1) if pattern.match(line)), None)

    def entry(self, table: str, index: int) -> int | None:
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
        found = [i for i, line in enumerate(self.lines, 1) if pattern.match(line)]
        return found[index] if index < len(found) else self.key(table)


def parse_plan(text: str, name: str) -> ExamPlan:
    try:
        data = parse_toml(text)
    except TomlSyntaxError as exc:
        if exc.hint is not None:  # the line looks like a Windows path between double quotes
            hinted = PlanProblem(exc.line, _t("syntaxe TOML invalide ; {reason}"), {"reason": exc.hint})
            raise PlanError(name, [hinted]) from None
        raise PlanError(name, [PlanProblem(exc.line, _t("syntaxe TOML invalide"))]) from None
    where = _Lines(text)
    problems: list[PlanProblem] = []

    def problem(line: int | None, message: str, **params: object) -> None:
        problems.append(PlanProblem(line, message, params))

    if data.get("format") != FORMAT:
        problem(where.key("format") or 1, _t('format attendu : format = "{expected}"'), expected=FORMAT)
    known = {"format", "product", "ps-category", "services", "casebooks", "excluded", "requirements"}
    for key in sorted(set(data) - known):
        problem(where.key(key) or where.entry(key, 0), _t("clé inconnue « {key} »"), key=key)

    product = data.get("product", {})
    if not isinstance(product, dict):
        problem(where.key("product"), _t("[product] doit être une table (name, version)"))
        product = {}
    for unknown in sorted(set(product) - {"name", "version"}):
        problem(where.key(unknown), _t("clé inconnue « {key} »"), key=unknown)
    ps_category = _text(data.get("ps-category", ""))
    services = data.get("services", [])
    if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
        problem(where.key("services"), _t("services doit être une liste de noms"))
        services = []
    for service in services:
        if service not in SERVICES:
            problem(
                where.key("services"),
                _t("service inconnu « {service} » (connus : {known})"),
                service=service,
                known=", ".join(SERVICES),
            )

    casebooks = []
    for i, entry in enumerate(_entries(data, "casebooks", where, problem)):
        line = where.entry("casebooks", i)
        plan_id = _text(entry.get("plan-id"))
        if not plan_id:
            problem(line, _t("cahier de tests sans plan-id"))
            continue
        sha = _text(entry.get("sha256")).lower()
        if sha and not _SHA256.fullmatch(sha):
            problem(line, _t("sha256 de « {plan_id} » : 64 chiffres hexadécimaux attendus"), plan_id=plan_id)
        if any(c.plan_id == plan_id for c in casebooks):
            problem(line, _t("cahier de tests « {plan_id} » nommé deux fois"), plan_id=plan_id)
        path = _text(entry.get("path"))
        hint = path_problem(path)
        if hint is not None:
            said = _t("chemin de « {plan_id} » : caractère de contrôle ; {reason}")
            problem(line, said, plan_id=plan_id, reason=hint)
        casebooks.append(PlannedCasebook(plan_id, _text(entry.get("document-version")), sha, path))
    if "casebooks" not in data:
        problem(where.key("format") or 1, _t("le plan ne nomme aucun cahier de tests ([[casebooks]])"))

    excluded = []
    for i, entry in enumerate(_entries(data, "excluded", where, problem)):
        line = where.entry("excluded", i)
        case, reason = _text(entry.get("case")), _text(entry.get("reason"))
        if not case:
            problem(line, _t("exclusion sans cas (case)"))
        elif not reason:
            problem(line, _t("exclusion de « {case} » sans motif (reason est obligatoire)"), case=case)
        else:
            excluded.append(Exclusion(case, reason, _text(entry.get("casebook"))))

    requirements = []
    for i, entry in enumerate(_entries(data, "requirements", where, problem)):
        line = where.entry("requirements", i)
        rid = _text(entry.get("id"))
        if not _REQUIREMENT_ID.fullmatch(rid):
            problem(line, _t("identifiant d'exigence invalide « {id} »"), id=rid)
            continue
        service = _text(entry.get("service"))
        if service and service not in SERVICES:
            problem(
                line, _t("service inconnu « {service} » (connus : {known})"), service=service, known=", ".join(SERVICES)
            )
        if any(r.id == rid for r in requirements):
            problem(line, _t("exigence « {id} » nommée deux fois"), id=rid)
        domain = _text(entry.get("domain"))
        if domain and domain not in DOMAINS:  # « fsx »: the requirement would sit in a domain no case has
            known = ", ".join(DOMAINS)
            problem(line, _t("domaine inconnu « {domain} » (connus : {known})"), domain=domain, known=known)
        basis = _text(entry.get("basis"))
        if basis and basis not in BASES:
            problem(line, _t("basis inconnu « {basis} » (connus : {known})"), basis=basis, known=", ".join(BASES))
        requirements.append(
            Requirement(rid, _text(entry.get("title")), domain, _text(entry.get("source")), service, basis)
        )

    if problems:
        raise PlanError(name, problems)
    return ExamPlan(
        name=name,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        product=_text(product.get("name")),
        version=_text(product.get("version")),
        ps_category=ps_category,
        services=tuple(dict.fromkeys(services)),
        casebooks=tuple(casebooks),
        excluded=tuple(excluded),
        requirements=tuple(requirements),
        text=text,
    )


#: the keys each kind of entry may hold
_ENTRY_KEYS = {
    "casebooks": ("plan-id", "document-version", "sha256", "path"),
    "excluded": ("case", "casebook", "reason"),
    "requirements": ("id", "title", "domain", "source", "service", "basis"),
}


def _entries(data: dict[str, Any], key: str, where: _Lines, problem: Any) -> list[dict[str, Any]]:
    """The ``[[key]]`` tables; a key an entry may not hold is a problem on the entry's line."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problem(where.key(key) or where.entry(key, 0), _t("{key} doit être une liste de tables ([[{key}]])"), key=key)
        return []
    for i, entry in enumerate(value):
        for unknown in sorted(set(entry) - set(_ENTRY_KEYS[key])):
            problem(where.entry(key, i), _t("clé inconnue « {key} »"), key=unknown)
    return value


#: a requirement's domain: a case domain's code (``fse``, ``lot``…), as casebooks write it
DOMAINS = tuple(d.value for d in Domain)


def _text(value: object) -> str:
    return str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""
