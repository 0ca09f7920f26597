"""The exam plan (``format = "testbench-plan/1"``, ours, docs/exam-plan.md): the scope of an agrément exam.

A plan names the product under test, its PS category, the optional services chosen (ADRi, ApCV…), the
casebooks of the exam with the document version expected, the cases left out (each with its reason) and
optionally a catalogue of requirements. It is read from a TOML file, or from the text a run recorded in
its session (:func:`recorded_plan`), so a report shows the same scope without the file.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from testbench.casebook.model import Domain, Mode
from testbench.casebook.selection import codes_named
from testbench.casebook.source import SourceText
from testbench.fmt import control_in, os_reason, visible_controls
from testbench.i18n import _t, colon, translator
from testbench.store.read import EXAM_PLAN_META
from testbench.tomlfile import KeyPath, TomlSyntaxError, parse_toml, path_problem, place, read_config

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
    """A casebook of the exam: found in a session by its plan id; its document version (and evolution,
    when given) must match."""

    plan_id: str
    document_version: str = ""
    sha256: str = ""
    path: str = ""
    evolution: str = ""


@dataclass(frozen=True)
class Exclusion:
    """Cases left out: one case by its id, or every case of a mode and/or a domain (``case`` empty)."""

    case: str
    reason: str
    casebook: str = ""  # plan id; empty: in any casebook of the plan
    mode: str = ""  # one of MODES
    domain: str = ""  # one of DOMAINS

    def matches_same(self, other: Exclusion) -> bool:
        """Whether ``other`` leaves out the same cases (its reason aside): one exclusion written twice."""
        return replace(other, reason=self.reason) == self

    def matches(self, plan_id: str, case_id: str, mode: str, domain: str) -> bool:
        if self.casebook not in ("", plan_id):
            return False
        if self.case:
            return self.case == case_id
        return (not self.mode or self.mode == mode) and (not self.domain or self.domain == domain)


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

    def excluded_reason(self, plan_id: str, case_id: str, mode: str = "", domain: str = "") -> str | None:
        """Why the case is out of scope: an exclusion of its id first, then one of its mode or domain."""
        for by_case in (True, False):
            for ex in self.excluded:
                if bool(ex.case) == by_case and ex.matches(plan_id, case_id, mode, domain):
                    return ex.reason
        return None

    def recorded(self) -> str:
        """What a session keeps of the plan (:data:`EXAM_PLAN_META`): its name and its whole text."""
        return json.dumps({"name": Path(self.name).name, "text": self.text}, ensure_ascii=False)


#: params whose value is a French word, translated when said (an OS reason, a TOML reason, a value's type)
_WORDS = frozenset({"reason", "kind"})


@dataclass(frozen=True)
class PlanProblem:
    line: int | None
    message: str  # French template
    params: Mapping[str, object] = field(default_factory=dict)
    col: int | None = None
    warning: bool = False  # said, the plan still used (testbench.scope.check)

    def text(self, name: str, lang: str | None = None) -> str:
        t = translator(lang)
        place = name
        if self.line:
            place += f":{self.line}:{self.col}" if self.col else f":{self.line}"
        params = {k: t(v) if k in _WORDS and isinstance(v, str) else v for k, v in self.params.items()}
        said = t(self.message).format(**params)
        # « plan.toml:12: … » as compilers write a place; a file alone is a phrase's subject: « s.tbsession : … »
        head = f"{place}: " if self.line else place + colon(lang)
        # a NUL or an escape the plan quotes (an unknown key « \x00 ») shown, never sent raw to the terminal
        return visible_controls(head + (t("avertissement") + colon(lang) + said if self.warning else said))


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
        data = read_config(path)
    except OSError as exc:
        raise PlanError(
            str(path), [PlanProblem(None, _t("illisible ({reason})"), {"reason": os_reason(exc)})]
        ) from None
    if (other := _other_kind(data)) is not None:  # the arguments mixed up: said as such, not as a bad TOML
        raise PlanError(str(path), [PlanProblem(None, other)])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:  # placed on the first bad byte, as a casebook's is
        at = SourceText(str(path), data).ref_at(exc.start)
        said = _t("pas du texte UTF-8 (octet illisible) : enregistrez-le en UTF-8")
        raise PlanError(str(path), [PlanProblem(at.line, said, col=at.col)]) from None
    return parse_plan(text, str(path))


#: a SQLite database's first bytes: a session file given for the plan
_SQLITE = b"SQLite format 3\x00"


def _other_kind(data: bytes) -> str | None:
    """Why ``data`` is another of testbench's files than a plan (a session, a casebook: no TOML starts with
    « < »), as a French msgid; None when it may be a plan."""
    if data.startswith(_SQLITE):
        return _t("fichier de session (base SQLite), pas un plan d'examen (TOML, format = \"testbench-plan/1\")")
    if data.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
        return _t(
            "fichier XML (un cahier de tests ?), pas un plan d'examen (TOML, format = \"testbench-plan/1\") : le"
            " plan nomme ses cahiers par leur plan-id"
        )
    return None


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


#: a mode an exclusion may name: the FSE modes of testbench.casebook.model.Mode (cases of no mode: by domain)
MODES = tuple(m.value for m in Mode if m is not Mode.NONE)
#: the keys each kind of entry may hold
_ENTRY_KEYS = {
    "casebooks": ("plan-id", "document-version", "evolution", "sha256", "path"),
    "excluded": ("case", "casebook", "mode", "domain", "reason"),
    "requirements": ("id", "title", "domain", "source", "service", "basis"),
}
#: what a key holding text is shown with, when written as another type
_EXAMPLES = {"document-version": '"01.00"', "evolution": '"EV112"', "version": '"4.2"'}
_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, _t("un booléen")),
    (int, _t("un nombre entier")),
    (float, _t("un nombre décimal")),
    (list, _t("une liste")),
    (dict, _t("une table")),
)


def parse_plan(text: str, name: str) -> ExamPlan:
    """Check a plan's text; :class:`PlanError` names every problem found, each at its key's line and column."""
    try:
        data = parse_toml(text)
    except TomlSyntaxError as exc:
        said, params = exc.said()
        raise PlanError(name, [PlanProblem(exc.line, said, params, exc.col)]) from None
    problems: list[PlanProblem] = []

    def problem(path: KeyPath, message: str, *, on_key: bool = False, **params: object) -> None:
        found = place(text, path, key=on_key) if path else None
        line, col = found if found is not None else (1, 1)  # a key left out: the file's start, still LINE:COL
        problems.append(PlanProblem(line, message, params, col))

    def string(table: Mapping[str, Any], path: KeyPath, key: str) -> str:
        """The text of ``key`` ("" when absent); another type is a problem at its value."""
        value = table.get(key)
        if value is None:
            return ""
        if isinstance(value, str):
            # a NUL or an escape: shown raw on every screen (a path has its own words: a Windows path's escapes)
            if key != "path" and (char := control_in(value)) is not None:
                said = _t("{key} : caractère de contrôle {char} dans le texte : retapez-le")
                problem((*path, key), said, key=key, char=char)
                return ""
            return value.strip()
        kind = next((n for t, n in _TYPE_NAMES if isinstance(value, t)), _t("une date"))
        example = _EXAMPLES.get(key, '"…"')
        said = _t("{key} : texte entre guillemets attendu ({key} = {example}), pas {kind}")
        problem((*path, key), said, key=key, example=example, kind=kind)
        return ""

    if data.get("format") != FORMAT:
        problem(("format",), _t('format attendu : format = "{expected}"'), expected=FORMAT)
    known = {"format", "product", "ps-category", "services", "casebooks", "excluded", "requirements"}
    for unknown in sorted(set(data) - known):
        problem((unknown,), _t("clé inconnue « {key} »"), on_key=True, key=unknown)

    product = data.get("product", {})
    if not isinstance(product, dict):
        problem(("product",), _t("[product] doit être une table (name, version)"))
        product = {}
    for unknown in sorted(set(product) - {"name", "version"}):
        problem(("product", unknown), _t("clé inconnue « {key} »"), on_key=True, key=unknown)
    product_name, product_version = string(product, ("product",), "name"), string(product, ("product",), "version")
    ps_category = string(data, (), "ps-category")
    services = data.get("services", [])
    if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
        problem(("services",), _t("services doit être une liste de noms"))
        services = []
    for rank, service in enumerate(services):
        if service not in SERVICES:
            said = _t("service inconnu « {service} » (connus : {known})")
            problem(("services", rank), said, service=service, known=", ".join(SERVICES))

    casebooks: list[PlannedCasebook] = []
    for i, entry in _entries(data, "casebooks", problem):
        at: KeyPath = ("casebooks", i)
        plan_id, sha = string(entry, at, "plan-id"), string(entry, at, "sha256").lower()
        version, evolution, path = (string(entry, at, k) for k in ("document-version", "evolution", "path"))
        if not plan_id and isinstance(entry.get("plan-id", ""), str):  # absent or empty (another type: said)
            problem(at, _t("cahier de tests sans plan-id"), on_key=True)
        if sha and not _SHA256.fullmatch(sha):
            problem((*at, "sha256"), _t("sha256 de « {plan_id} » : 64 chiffres hexadécimaux attendus"), plan_id=plan_id)
        if plan_id and any(c.plan_id == plan_id for c in casebooks):
            problem((*at, "plan-id"), _t("cahier de tests « {plan_id} » nommé deux fois"), plan_id=plan_id)
        hint = path_problem(path)
        if hint is not None:
            said = _t("chemin de « {plan_id} » : caractère de contrôle ; {reason}")
            problem((*at, "path"), said, plan_id=plan_id, reason=hint)
        if plan_id:
            casebooks.append(PlannedCasebook(plan_id, version, sha, path, evolution))
    if "casebooks" not in data:
        problem(("format",), _t("le plan ne nomme aucun cahier de tests ([[casebooks]])"), on_key=True)
    elif data["casebooks"] == []:  # « casebooks = [] »: an entry without plan-id is said as such
        problem(("casebooks",), _t("le plan ne nomme aucun cahier de tests ([[casebooks]])"), on_key=True)

    excluded: list[Exclusion] = []
    planned_ids = [c.plan_id for c in casebooks]
    for i, entry in _entries(data, "excluded", problem):
        at = ("excluded", i)
        case, reason, casebook = (string(entry, at, k) for k in ("case", "reason", "casebook"))
        mode, domain = string(entry, at, "mode"), string(entry, at, "domain")
        if casebook and planned_ids and casebook not in planned_ids:
            near = difflib.get_close_matches(casebook, planned_ids, n=1, cutoff=0.6)
            said = _t("exclusion : cahier de tests « {casebook} » absent du plan ([[casebooks]] plan-id)")
            if near:
                said = _t(
                    "exclusion : cahier de tests « {casebook} » absent du plan ([[casebooks]] plan-id)"
                    " — vouliez-vous dire « {near} » ?"
                )
            problem((*at, "casebook"), said, casebook=casebook, near=near[0] if near else "")
        if mode and (mode := _code("mode", mode, MODES)) not in MODES:
            problem((*at, "mode"), _t("mode inconnu « {mode} » (connus : {known})"), mode=mode, known=", ".join(MODES))
        if domain and (domain := _code("domain", domain, DOMAINS)) not in DOMAINS:
            said = _t("domaine inconnu « {domain} » (connus : {known})")
            problem((*at, "domain"), said, domain=domain, known=", ".join(DOMAINS))
        subject = case or ", ".join(f"{k} = {v}" for k, v in (("mode", mode), ("domain", domain)) if v)
        if case and (mode or domain):
            said = _t("exclusion de « {case} » : un cas (case), ou un mode et un domaine, pas les deux")
            problem((*at, "case"), said, on_key=True, case=case)
        elif not subject and all(isinstance(entry.get(k, ""), str) for k in ("case", "mode", "domain")):
            problem(at, _t("exclusion sans cas, mode ni domaine (case, ou mode et/ou domain)"), on_key=True)
        if subject and not reason:
            problem(at, _t("exclusion de « {case} » sans motif (reason est obligatoire)"), on_key=True, case=subject)
        if subject and reason:
            exclusion = Exclusion(case, reason, casebook, mode, domain)
            if any(ex.matches_same(exclusion) for ex in excluded):
                said = _t("exclusion de « {case} » donnée deux fois")
                problem((*at, "case") if case else at, said, on_key=not case, case=subject)
            excluded.append(exclusion)

    requirements: list[Requirement] = []
    for i, entry in _entries(data, "requirements", problem):
        at = ("requirements", i)
        rid, title, source = string(entry, at, "id"), string(entry, at, "title"), string(entry, at, "source")
        service, domain, basis = string(entry, at, "service"), string(entry, at, "domain"), string(entry, at, "basis")
        valid = bool(_REQUIREMENT_ID.fullmatch(rid))
        if not rid and isinstance(entry.get("id", ""), str):  # absent or empty (another type: said)
            said = _t("exigence sans id (id est obligatoire)")
            problem((*at, "id") if "id" in entry else at, said, on_key="id" not in entry)
        elif rid and not valid:
            problem((*at, "id"), _t("identifiant d'exigence invalide « {id} »"), id=rid)
        if service and service not in SERVICES:
            said = _t("service inconnu « {service} » (connus : {known})")
            problem((*at, "service"), said, service=service, known=", ".join(SERVICES))
        if valid and any(r.id == rid for r in requirements):
            problem((*at, "id"), _t("exigence « {id} » nommée deux fois"), id=rid)
        if (
            domain and (domain := _code("domain", domain, DOMAINS)) not in DOMAINS
        ):  # « fsx »: the requirement would sit in a domain no case has
            said = _t("domaine inconnu « {domain} » (connus : {known})")
            problem((*at, "domain"), said, domain=domain, known=", ".join(DOMAINS))
        if basis and basis not in BASES:
            said = _t("basis inconnu « {basis} » (connus : {known})")
            problem((*at, "basis"), said, basis=basis, known=", ".join(BASES))
        if valid:
            requirements.append(Requirement(rid, title, domain, source, service, basis))

    if problems:  # in the file's order
        raise PlanError(name, sorted(problems, key=lambda p: (p.line or 0, p.col or 0)))
    return ExamPlan(
        name=name,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        product=product_name,
        version=product_version,
        ps_category=ps_category,
        services=tuple(dict.fromkeys(services)),
        casebooks=tuple(casebooks),
        excluded=tuple(excluded),
        requirements=tuple(requirements),
        text=text,
    )


def _code(field: str, value: str, known: tuple[str, ...]) -> str:
    """The code of the domain or mode ``value`` names, as ``-k domain:``/``mode:`` reads it (a code or its
    name in French or English, case and accents aside: « dégradé », « cartes »); ``value`` itself when it names
    none of ``known``."""
    return next((code for code in codes_named(field, value) if code in known), value)


def _entries(data: dict[str, Any], key: str, problem: Any) -> list[tuple[int, dict[str, Any]]]:
    """The ``[[key]]`` tables with their rank; a key an entry may not hold is a problem at that key."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problem((key,), _t("{key} doit être une liste de tables ([[{key}]])"), on_key=True, key=key)
        return []
    for i, entry in enumerate(value):
        for unknown in sorted(set(entry) - set(_ENTRY_KEYS[key])):
            problem((key, i, unknown), _t("clé inconnue « {key} »"), on_key=True, key=unknown)
    return list(enumerate(value))


#: a requirement's domain: a case domain's code (``fse``, ``lot``…), as casebooks write it
DOMAINS = tuple(d.value for d in Domain)
