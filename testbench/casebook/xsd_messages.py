"""libxml2's schema errors (English, one fixed shape per kind) reworded in the user's language.

libxml2 writes ``Element 'x', attribute 'a': <what is wrong>.``. The common shapes are recognised
by pattern and reworded from French templates whose English lives in :mod:`testbench.i18n`; the
names, values and patterns they quote are kept as written. A shape not recognised keeps
libxml2's own text behind the prefix, so nothing it says is ever lost.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable

from testbench.casebook.vocabulary import NAMESPACE
from testbench.i18n import _t

PREFIX = "non conforme au schéma : {detail}"
SUBJECT = "non conforme au schéma : {subject} : {detail}"
ATTRIBUTE_SUBJECT = "<{element}>, attribut « {attribute} »"
DID_YOU_MEAN = "— vouliez-vous dire <{name}> ?"  # after the problem, the closest element's name
ATTRIBUTE_DID_YOU_MEAN = "— vouliez-vous dire « {name} » ?"  # after an attribute not allowed, the closest one
#: a date written AAAA-MM-JJ that the calendar does not have, and why
NO_SUCH_DATE = "« {value} » n'est pas une date du calendrier : {reason}"
NO_YEAR_ZERO = "il n'y a pas d'année 0000"
NO_SUCH_MONTH = "il n'y a pas de mois {month}"
NO_DAY_ZERO = "il n'y a pas de jour 00"
SHORT_MONTH = "le mois {month}/{year} n'a que {days} jours"

_HEAD = re.compile(r"Element '(?P<element>[^']*)'(?:, attribute '(?P<attribute>[^']*)')?: (?P<body>.*)", re.S)
_OURS = re.compile(r"\{" + re.escape(NAMESPACE) + r"\}")
_NAME = re.compile(r"(?:\{[^}]*\})?[\w.\-:]+")

_NOT_VALID_TYPED = "« {value} » n'est pas une valeur valide du type « {type} »"
_NOT_VALID = "« {value} » n'est pas une valeur valide pour ce type"
#: (libxml2's wording of the part after ``Element '…':``, our French template). First match wins. The
#: patterns are compiled at their first use (``re``'s cache), not at import: a valid casebook never needs them.
SHAPES: tuple[tuple[str, str], ...] = (
    (
        r"This element is not expected\. Expected is one of \( (?P<expected>.*) \)\.",
        "élément inattendu ici ; attendu : l'un de {expected}",
    ),
    (
        r"This element is not expected\. Expected is \( (?P<expected>.*) \)\.",
        "élément inattendu ici ; attendu : {expected}",
    ),
    (r"This element is not expected\.", "élément inattendu ici"),
    (r"No matching global declaration available for the validation root\.", "pas l'élément racine de ce format"),
    (
        r"Missing child element\(s\)\. Expected is one of \( (?P<expected>.*) \)\.",
        "élément enfant manquant ; attendu : l'un de {expected}",
    ),
    (
        r"Missing child element\(s\)\. Expected is \( (?P<expected>.*) \)\.",
        "élément enfant manquant ; attendu : {expected}",
    ),
    (
        r"'(?P<value>.*)' is not a valid value of the (?:local )?(?:atomic|list|union) type '(?P<type>[^']*)'\.",
        _NOT_VALID_TYPED,
    ),
    (
        r"'(?P<value>.*)' is not a valid value of the local (?:atomic|list|union) type\.",
        _NOT_VALID,
    ),
    (r"The attribute '(?P<name>[^']*)' is required but missing\.", "attribut obligatoire « {name} » manquant"),
    (r"The attribute '[^']*' is not allowed\.", "attribut non autorisé"),
    (
        r"\[facet 'pattern'\] The value '(?P<value>.*)' is not accepted by the pattern '(?P<pattern>.*)'\.",
        "la valeur « {value} » ne respecte pas le motif « {pattern} »",
    ),
    (
        r"\[facet 'enumeration'\] The value '(?P<value>.*)' is not an element of the set \{(?P<allowed>.*)\}\.",
        "la valeur « {value} » n'est pas permise ; valeurs permises : {allowed}",
    ),
    (
        r"\[facet 'maxLength'\] The value(?: '.*')? has a length of '(?P<length>\d+)'; "
        r"this exceeds the allowed maximum length of '(?P<limit>\d+)'\.",
        "longueur {length}, au-delà du maximum permis ({limit})",
    ),
    (
        r"\[facet 'minLength'\] The value(?: '.*')? has a length of '(?P<length>\d+)'; "
        r"this underruns the allowed minimum length of '(?P<limit>\d+)'\.",
        "longueur {length}, en deçà du minimum permis ({limit})",
    ),
    (
        r"\[facet 'length'\] The value(?: '.*')? has a length of '(?P<length>\d+)'; "
        r"this differs from the allowed length of '(?P<limit>\d+)'\.",
        "longueur {length}, différente de la longueur exigée ({limit})",
    ),
    (
        r"\[facet 'minInclusive'\] The value '(?P<value>.*)' is less than the minimum value allowed "
        r"\('(?P<limit>.*)'\)\.",
        "la valeur « {value} » est inférieure au minimum permis ({limit})",
    ),
    (
        r"\[facet 'maxInclusive'\] The value '(?P<value>.*)' is greater than the maximum value allowed "
        r"\('(?P<limit>.*)'\)\.",
        "la valeur « {value} » est supérieure au maximum permis ({limit})",
    ),
    (
        r"\[facet 'minExclusive'\] The value '(?P<value>.*)' must be greater than '(?P<limit>.*)'\.",
        "la valeur « {value} » doit être strictement supérieure à {limit}",
    ),
    (
        r"\[facet 'maxExclusive'\] The value '(?P<value>.*)' must be less than '(?P<limit>.*)'\.",
        "la valeur « {value} » doit être strictement inférieure à {limit}",
    ),
    (
        r"\[facet 'totalDigits'\] The value '(?P<value>.*)' has more digits than are allowed \('(?P<limit>.*)'\)\.",
        "la valeur « {value} » a plus de chiffres que permis ({limit})",
    ),
    (
        r"\[facet 'fractionDigits'\] The value '(?P<value>.*)' has more fractional digits than are allowed "
        r"\('(?P<limit>.*)'\)\.",
        "la valeur « {value} » a plus de décimales que permis ({limit})",
    ),
    (
        r"Duplicate key-sequence \[(?P<key>.*)\] in (?:unique|key) identity-constraint '(?P<name>[^']*)'\.",
        "séquence de clé [{key}] en double (contrainte « {name} »)",
    ),
    (
        r"No match found for key-sequence \[(?P<key>.*)\] of keyref '(?P<name>[^']*)'\.",
        "aucune correspondance pour la séquence de clé [{key}] (référence « {name} »)",
    ),
    (
        r"Element content is not allowed, because the type definition is simple\.",
        "contenu d'éléments interdit : ce type n'admet que du texte",
    ),
    (
        r"Character content other than whitespace is not allowed because the content type is 'element-only'\.",
        "texte interdit : ce type n'admet que des éléments",
    ),
    (
        r"Character content is not allowed, because the content type is empty\.",
        "texte interdit : cet élément est toujours vide",
    ),
    (
        r"Element content is not allowed, because the content type is empty\.",
        "élément enfant interdit : cet élément est toujours vide",
    ),
    (
        r"The value '(?P<value>.*)' does not match the fixed value constraint '(?P<fixed>.*)'\.",
        "la valeur « {value} » n'est pas la valeur fixée « {fixed} »",
    ),
)


#: the schema's value types in words (French, their English in the catalogue): a person fixing a casebook reads
#: what to write, not the schema's name for it (« {urn:testbench:casebook:1}Amount », « xs:positiveInteger »)
TYPE_WORDS = {
    "Amount": "un montant de 0 à 99999999.99 écrit avec un point (14.00)",
    "AmountOrNone": "un montant de 0 à 99999999.99 écrit avec un point (14.00), ou « none »",
    "Id": (
        "un identifiant de 80 caractères au plus, commençant par une lettre ou un chiffre : lettres sans accent,"
        " chiffres, « . », « _ », « : », « - »"
    ),
    "Tag": (
        "une étiquette commençant par une lettre ou un chiffre : lettres sans accent, chiffres, « . », « _ », « - »,"
        " « + »"
    ),
    "TagList": "des étiquettes séparées par des espaces : lettres sans accent, chiffres, « . », « _ », « - », « + »",
    "RequirementId": "un identifiant d'exigence de 80 caractères au plus (RG_VF644, ADD8-APCV-01)",
    "RequirementList": "des identifiants d'exigence séparés par des espaces (RG_VF644 ADD8-APCV-01)",
    "RuleName": "un nom de règle en minuscules (trim, casefold)",
    "RuleList": "des noms de règle en minuscules séparés par des espaces (trim casefold)",
    "RefusalCode": "un code de refus en majuscules (PRICE_ABOVE_PLV)",
    "ServiceScenario": "un nom de scénario de téléservice en minuscules (droits-ouverts)",
    "ShortText": "un texte de 1 à 40 caractères",
    "NonEmpty": "un texte, pas seulement des espaces",
    "Path": "un chemin d'observation (invoice.totals.amo, invoice.lines[0].amo)",
    "Date": "une date AAAA-MM-JJ (2026-01-12)",
    "xs:integer": "un nombre entier",
    "xs:positiveInteger": "un nombre entier de 1 ou plus",
    "xs:decimal": "un nombre écrit avec un point (0.5)",
    "xs:date": "une date AAAA-MM-JJ (2026-01-12)",
    "xs:boolean": "true ou false",
    "PsCategory": "une catégorie de PS en minuscules, mots séparés par des tirets (infirmier, fournisseur-lpp)",
    "PlanId": "un identifiant de plan en majuscules, parties séparées par des tirets (PDT-CDC-087)",
    "Evolution": "« EV » suivi de chiffres (EV112)",
    "DocumentVersion": "des nombres séparés par des points (02.13)",
    "CdcVersion": "une version écrite avec des points (1.40)",
    "Addendum": "un numéro d'addendum en chiffres (8)",
    "ManualPath": "un chemin commençant par « manual. » (manual.total)",
    "LineCode": "un code de 1 à 13 majuscules ou chiffres (AMI, 1241763)",
    "Coefficient": "un coefficient supérieur à 0, jusqu'à 9999.99, écrit avec un point (1.5)",
}
#: the schema's anonymous value types, by the element (and attribute) they sit on: their patterns say nothing to
#: a person, and one may match a named type's pattern (<ps-category> is written like a RuleName)
PLACE_TYPES = {
    ("ps-category", None): "PsCategory",
    ("plan-id", None): "PlanId",
    ("evolution", None): "Evolution",
    ("document-version", None): "DocumentVersion",
    ("cdc-version", None): "CdcVersion",
    ("addendum", None): "Addendum",
    ("observe", "path"): "ManualPath",
    ("line", "code"): "LineCode",
    ("line", "coefficient"): "Coefficient",
}
#: the schema's own patterns, by the type whose words say them (a person reads what to write, not a regex)
PATTERN_TYPES = {
    r"\d{4}-\d{2}-\d{2}": "Date",
    r"[A-Za-z0-9][A-Za-z0-9._:\-]*": "Id",
    r"[A-Za-z0-9][A-Za-z0-9._\-+]*": "Tag",
    r"[A-Za-z0-9][A-Za-z0-9._:/\-]{0,79}": "RequirementId",
    r"[\s\S]*\S[\s\S]*": "NonEmpty",
    r"[a-z][a-z0-9\-]*": "RuleName",
    r"[A-Z][A-Z0-9_]*": "RefusalCode",
    r"[a-z][a-z0-9\-]{0,63}": "ServiceScenario",
    r"[a-z][A-Za-z0-9_\-]*(\[[0-9]+\])?(\.[A-Za-z0-9_\-]+(\[[0-9]+\])?)+": "Path",
}
#: a value of a type :data:`TYPE_WORDS` says in words
TYPED = "« {value} » ne convient pas : il faut {needed}"
#: a list written with commas (tags="lpp, e1"), by the list type: the one thing to change
LIST_COMMA = {
    "TagList": "virgule : séparez les étiquettes par des espaces",
    "RequirementList": "virgule : séparez les identifiants d'exigence par des espaces",
    "RuleList": "virgule : séparez les noms de règle par des espaces",
}
#: an element the format knows, written outside its namespace (xmlns="" on a <case>, a prefix forgotten)
WRONG_NAMESPACE = """<{element}> n'est pas dans l'espace de noms {namespace} (xmlns="{found}")"""
_FOREIGN = re.compile(r"(?:\{(?P<namespace>[^}]*)\})?(?P<name>[^{}]+)")


#: namespaces whose prefix is fixed or conventional, written as a person writes them (xml:lang, <xi:include>)
PREFIXES = {
    "http://www.w3.org/XML/1998/namespace": "xml",
    "http://www.w3.org/2001/XInclude": "xi",
    "http://www.w3.org/2001/XMLSchema-instance": "xsi",
}
_PREFIXED = re.compile("|".join(r"\{" + re.escape(uri) + r"\}" for uri in PREFIXES))
#: an element of XInclude: the format has none, and the reader never follows one
XINCLUDE = "XInclude n'est pas pris en charge : un cahier de tests tient en un seul fichier"


#: libxml2 cuts a message at 64 000 bytes: a value longer than that (a paste gone wrong) ends it unclosed, so no
#: shape above matches; said by its constraint (a facet's, else the type's), without the value
_CUT_VALUE = re.compile(r"(?:\[facet '(?P<facet>\w+)'\] )?(?:The value )?'")
_CUT_AT = 60_000
CUT_VALUE = _t("valeur très longue, non citée : {reason}")
CUT_FACETS = {
    "maxLength": _t("plus longue que le maximum permis"),
    "length": _t("d'une autre longueur que celle exigée"),
    "pattern": _t("ne respecte pas le motif attendu"),
    "enumeration": _t("n'est pas une valeur permise"),
}
CUT_OTHER = _t("n'est pas permise ici")


def readable(text: str) -> str:
    """libxml2's text without our namespace in braces, the well-known ones as their prefix (xml:lang); other
    namespaces stay in braces: they say what is foreign."""
    text = _PREFIXED.sub(lambda found: PREFIXES[found[0][1:-1]] + ":", _OURS.sub("", text))
    return text.strip()


def _expected(items: str) -> str:
    """``{ns}case, {ns}read-cps`` as ``<case>, <read-cps>``; wildcards and the like stay as written."""
    return ", ".join(f"<{readable(item)}>" if _NAME.fullmatch(item) else readable(item) for item in items.split(", "))


def _allowed(items: str) -> str:
    """libxml2's set ``'a', 'b'`` (Python's quoting) as ``a, b``: the values as written, in either language."""
    if len(items) < 2 or not (items.startswith("'") and items.endswith("'")):
        return items
    return ", ".join(items[1:-1].split("', '"))


def describe(raw: str, t: Callable[[str], str]) -> str:
    """One libxml2 schema error worded by ``t`` (the French templates as they are, or their English)."""
    head = _HEAD.fullmatch(raw.strip())
    if head is not None and (foreign := _outside_namespace(head["element"], head["body"])) is not None:
        element, found = foreign
        return t(PREFIX).format(detail=t(WRONG_NAMESPACE).format(element=element, namespace=NAMESPACE, found=found))
    if head is not None and head["element"].startswith("{http://www.w3.org/2001/XInclude}"):
        return t(SUBJECT).format(subject=f"<{readable(head['element'])}>", detail=t(XINCLUDE))
    if head is not None:
        body = head["body"]
        for pattern, template in SHAPES:
            match = re.fullmatch(pattern, body, re.S)
            if match is None:
                continue
            fields = match.groupdict()
            named = _named_type(fields, template, readable(head["element"]), head["attribute"])
            if named in ("Date", "xs:date") and (reason := no_such_date(fields["value"], t)) is not None:
                template, fields = NO_SUCH_DATE, {"value": fields["value"], "reason": reason}
            elif (comma := LIST_COMMA.get(named)) is not None and "," in fields["value"]:
                template, fields = comma, {}
            elif (words := TYPE_WORDS.get(named)) is not None:
                template, fields = TYPED, {"value": fields["value"], "needed": t(words)}
            if fields.get("expected") is not None:
                fields["expected"] = _expected(fields["expected"])
            if fields.get("allowed") is not None:
                fields["allowed"] = _allowed(fields["allowed"])
            element = readable(head["element"])
            subject = (
                t(ATTRIBUTE_SUBJECT).format(element=element, attribute=readable(head["attribute"]))
                if head["attribute"] is not None
                else f"<{element}>"
            )
            return t(SUBJECT).format(subject=subject, detail=t(template).format(**fields))
        if len(raw) >= _CUT_AT and (cut := _CUT_VALUE.match(body)) is not None:  # cut in the middle of its value
            element = readable(head["element"])
            subject = (
                t(ATTRIBUTE_SUBJECT).format(element=element, attribute=readable(head["attribute"]))
                if head["attribute"] is not None
                else f"<{element}>"
            )
            reason = t(CUT_FACETS.get(cut["facet"] or "", CUT_OTHER))
            return t(SUBJECT).format(subject=subject, detail=t(CUT_VALUE).format(reason=reason))
    return t(PREFIX).format(detail=readable(raw))


def _named_type(fields: dict[str, str], template: str, element: str, attribute: str | None) -> str:
    """The type (a key of :data:`TYPE_WORDS`) of a value written wrong (not a bound exceeded: that says its
    limit): by its place, else by the type or pattern libxml2 names; "" for any other error."""
    if "pattern" not in fields and template not in (_NOT_VALID_TYPED, _NOT_VALID):
        return ""
    place = PLACE_TYPES.get((element, attribute))
    return place or readable(fields.get("type") or "") or PATTERN_TYPES.get(fields.get("pattern") or "", "")


def _outside_namespace(element: str, body: str) -> tuple[str, str] | None:
    """(name, namespace written) of an element not expected only because it is outside our namespace: one
    libxml2 expected by the same name in ours. None otherwise."""
    if not body.startswith("This element is not expected. Expected is"):
        return None
    written = _FOREIGN.fullmatch(element)
    if written is None or written["namespace"] == NAMESPACE:
        return None
    if f"{{{NAMESPACE}}}{written['name']}" not in re.findall(r"\{[^}]*\}[\w.\-]+", body):
        return None
    return written["name"], written["namespace"] or ""


def no_such_date(value: str, t: Callable[[str], str]) -> str | None:
    """Why a date written AAAA-MM-JJ is not in the calendar (2026-02-30), or None when it is not so written:
    saying « il faut une date AAAA-MM-JJ » of a date so written tells nothing."""
    written = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if written is None:
        return None
    year, month, day = (int(part) for part in written.groups())
    if year == 0:
        return t(NO_YEAR_ZERO)
    if not 1 <= month <= 12:
        return t(NO_SUCH_MONTH).format(month=written[2])
    if day == 0:
        return t(NO_DAY_ZERO)
    days = calendar.monthrange(year, month)[1]
    if day > days:
        return t(SHORT_MONTH).format(month=written[2], year=written[1], days=days)
    return None
