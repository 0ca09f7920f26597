"""The message catalogue (testbench/locale): every message in both languages, nothing stale, one lookup.

Babel's extractor (with the project's ``babel.cfg``) finds the messages the code translates; the English
catalogue must hold each of them, hold nothing no code uses, and argparse's own messages (read from the
installed argparse) must have their French. Each check is a function run on the real catalogue and on a
temporary one that lacks a message, so the test is seen to fail when a language is missing.
"""

from __future__ import annotations

import argparse
import ast
import gettext
import inspect
import io
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from testbench.i18n import english, translator
from testbench.locale import FOLDER
from testbench.locale.extract import KEYWORDS

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "testbench"
EN = FOLDER / "en" / "LC_MESSAGES" / "testbench.po"
ARGPARSE_FR = FOLDER / "fr" / "LC_MESSAGES" / "argparse.po"

#: Entries no literal of the code spells out whole: sentences composed from parts (a label and its
#: problem, a conditional inside an f-string, a constant's name), or the longer forms of a sentence the
#: runner records with a prefix; the read-back needs them as templates.
COMPOSED = {
    # testbench/runner/runner.py: a bench fault's reason named the defect's Python class; older sessions keep it
    "défaut du banc : erreur interne de testbench ({kind}) ; sa pile d'appels est dans le journal de la session",
    # testbench/engines/operator: operator mode's instructions before « reportez » was said apart (only when
    # something is to be keyed): older sessions' manual steps still read back
    "Lisez la carte CPS dans le logiciel (emplacement « {slot} ») puis reportez les valeurs affichées.",
    "Lisez la carte Vitale dans le logiciel (emplacement « {slot} ») puis reportez les bénéficiaires.",
    "Interrogez ADRi pour le bénéficiaire indiqué et reportez les droits obtenus.",
    "Saisissez la facture {ref} dans le logiciel, validez-la, puis reportez son numéro et ses montants.",
    "Intégrez le retour « {scenario} » dans le logiciel et reportez son statut.",
    "Lisez l'application carte Vitale présentée (téléservice ApCV) et reportez l'identité obtenue.",
    "Interrogez INSi pour le patient indiqué et reportez le résultat.",
    "Récupérez l'ordonnance numérique n° {number} et reportez ce qu'elle contient.",
    # testbench/cards: pcsc errors (the reason after « délai dépassé »), the guard's problems (_differs)
    "délai dépassé ({seconds} s) en attendant l'insertion de la carte dans le lecteur « {reader} »",
    "délai dépassé ({seconds} s) en attendant le retrait de la carte dans le lecteur « {reader} »",
    "famille de carte : {found} au lieu de {expected}",
    "NIR du bénéficiaire 1 : {found} au lieu de {expected}",
    "bénéficiaire 1 : {found} au lieu de {expected}",
    "porteur : {found} au lieu de {expected}",
    "nature : carte {found} au lieu de carte {expected}",
    "acceptée par le contrôle ({card})",
    # testbench/cards (sw.py, read.py, pin.py) before the count agreed: older sessions' lines still read back
    "code porteur non vérifié ou faux, {tries} essai(s) restant(s)",
    "code porteur non présenté : {tries} essai(s) restant(s)",
    "code porteur non présenté : {tries} essai(s) restant(s) seulement",
    "code de déblocage non présenté : {tries} essai(s) restant(s) seulement",
    # testbench/store/chain.py before the count agreed: problems kept by a merged session still read back
    "{table} lignes {first}–{last} : contenu différent de celui enregistré dans la chaîne (entrée {seq}), {count} ligne(s) supprimée(s)",  # noqa: E501
    "{table} ligne {id} : contenu différent de celui enregistré dans la chaîne (entrée {seq}), {count} ligne(s) supprimée(s)",  # noqa: E501
    "{table} : {count} ligne(s) hors chaîne (ajoutées après coup ?) : {ids}",
    "{table} : contenu modifié depuis son dernier enregistrement dans la chaîne (entrée {seq}), {count} ligne(s) au lieu de {expected}",  # noqa: E501
    # testbench/store/chain.py before a verdict without its chain entry named its case and agreed with its count
    "{name} : verdict sans entrée de chaîne pour les tentatives {ids}",
    # before the count agreed (runner/compare.py, engines/protocol/validation.py, engines/reference/psad.py,
    # cards/link.py, cards/bays.py): older sessions' comparisons, reasons and notes still read back
    "{count} ligne(s) interdite(s) {where}",
    "{expectation} : {count} ligne(s) interdite(s) {where}",
    "{count} ligne(s) trouvée(s) {where}",
    "ligne {line}: quantité {quantity} pour {count} période(s) {code}",
    "réponse invalide de la carte ({count} octet(s)) dans le lecteur « {reader} »",
    "lecteur(s) absent(s) : {missing} (présents : {present})",
    # testbench/engines/reference/engine.py before audit 10: older sessions' refusals still read back
    "régimes différents dans un lot: {regimes}",
    "rsp-partial : le montant payé {raw} doit être en centimes, positif, sous le montant dû {owed}",
    # testbench/engines/reference: older sessions' refusal messages, before a refusal said « ligne 1 : » with a
    # French colon, amounts as money (« 5,50 € »), dates as French writes them and codes in words (the first
    # two are still the protocol server's words, testbench/engines/protocol/server.py)
    "{field}: objet attendu",
    # the reference engine's tariff warnings before they said « ligne 1 : », the tariff as money and the dates
    # as French writes them
    "ligne {line}: date d'effet non vérifiée : {value} au {date}, date de début inconnue",
    "ligne {line}: date d'effet non vérifiée : {value} au {date}, attesté à partir du {since}",
    "ligne {line}: tarif de test {code} {tariff} (relevé historique du {seen}), non vérifié au {date}",
    "{field}: chaîne attendue",
    "{field}: booléen attendu",
    "{field}: date ISO attendue (AAAA-MM-JJ)",
    "{field}: date invalide {value}",
    "{field}: quantité entière de 1 à 999 attendue",
    "{field}: nomenclature {nomenclature} non gérée",
    "{field}: un code LPP a 7 chiffres ({code})",
    "{field}: coefficient positif attendu",
    "{field}: code d'exonération d'un caractère attendu",
    "{field}: une valeur parmi {values}",
    "{field}: entier attendu",
    "amc.contract: 'tm' ou 'tm+depassement'",
    "{field}: liste attendue",
    "{field}: {size} chiffres attendus",
    "{field}: numéro de ligne (à partir de 1) attendu",
    "{path}: {message}",
    "ligne {line}: aucun taux {category} {modulation} au {date}",
    "ligne {line}: ALD facturée sans droits ALD",
    "ligne {line}: pas de tarif {code} au {date}",
    "ligne {line}: code {nomenclature} {code} inconnu",
    "ligne {line}: soins du {date} hors de la période de droits",
    "ligne {line}: montant négatif",
    "ligne {line}: prix {price} au-dessus du PLV {plv} ({code})",
    "ligne {line}: dépassement de {amount} interdit pour un bénéficiaire C2S",
    "ligne {line}: {code} est un code de type {expected}, pas {declared}",
    "ligne {line}: {code} demande un accord préalable",
    "ligne {line}: SIRET {siret} (clé de contrôle fausse)",
    "ligne {line}: période de location sans début ou sans fin",
    "ligne {line}: fin de location {end} avant son début {start}",
    (
        "ligne {line}: quantité {quantity} pour {count} période {code}",  # a plural entry: both its forms
        "ligne {line}: quantité {quantity} pour {count} périodes {code}",
    ),
    "ligne {line}: location commencée le {since}, après la période facturée",
    "ligne {line}: semaines {first}–{last} de location, {code} couvre {limit}",
    "ligne {line}: zone de déplacement {zone} sans valeur pour {code}",
    "ligne {line}: majoration {code} sans acte qui la précède le même jour",
    "ligne {line}: {code} (acte unique) avec {count} actes le même jour",
    "ligne {line}: indemnité {code} sans soin le même jour",
    "rsp-partial : le montant payé {raw} doit être en euros au centime près, de 0.00 à moins de {owed} (dû)",
    "ADRi: NIR absent de la requête",
    "ADRi: bénéficiaire inconnu",
    "ADRi: aucun bénéficiaire de rang {rank}",
    "ApCV: contexte refusé ({reason})",
    "ApCV: contexte expiré ({expires})",
    "insi_query: traits attendus",
    "eprescription_fetch: numéro d'ordonnance attendu",
    # testbench/engines/reference/model.py: an amount refused in the AMC's cap (a line's reads « ligne {line}, … »)
    "amc.cap : {problem}",
    # testbench/engines/protocol/client.py before audit 10 A (an external engine's stop fails its case): older reasons
    "le moteur s'est arrêté pendant le cas ; un moteur redémarré ne connaîtrait plus ce que le cas lui a demandé : le cas s'arrête en erreur du banc (le cas suivant aura un moteur neuf)",  # noqa: E501
    # testbench/engines/protocol: the client's stderr tail, the validation's problems
    "{method} : le moteur s'est arrêté (code {code}) ; stderr : {stderr}",
    "le moteur s'est arrêté entre deux appels (code {code}) ; stderr : {stderr}",
    "{path} : type {found} au lieu de {expected}",
    "{path} : champ obligatoire absent « {name} »",
    "{path} : champ inattendu « {name} »",
    "{path} : chaîne de moins de {count} caractère(s)",  # older sessions' wording, as those above
    "{path} : chaîne de plus de {count} caractère(s)",
    "{path} : moins de {count} élément(s)",
    "{path} : ne correspond à aucune des formes permises",
    "{path} : correspond à plusieurs formes au lieu d'une seule",
    "{path} : non conforme ({keyword})",
    # testbench/runner/compare.py: an expectation's name before its reason
    "écart {delta} ≤ tolérance {tolerance}",
    "écart {delta} > tolérance {tolerance}",
    "{expectation} : valeur absente : {path}",
    "{expectation} : l'étape {step} n'a pas été exécutée",
    "{expectation} : refus attendu {expected}, refus observé {code}",
    "{expectation} : refus {code} attendu à l'étape {step}, mais l'étape a été acceptée",
    "{expectation} : aucune ligne ne correspond {where}",
    "{expectation} : valeur observée « {value} » n'est pas du type {type}",
    "{expectation} : valeur attendue invalide pour le type {type} : « {value} »",
    "valeur observée « {value} » n'est pas du type {type}",  # before TYPE_NEEDS: older sessions say so
    "valeur attendue invalide pour le type {type} : « {value} »",
    "valeur observée « {value} » : ce n'est pas {needed}",
    "valeur attendue « {value} » : ce n'est pas {needed}",
    "{expectation} : valeur observée « {value} » : ce n'est pas {needed}",
    "{expectation} : valeur attendue « {value} » : ce n'est pas {needed}",
    # testbench/runner/compare.py TYPE_NEEDS: what a value of a type must be
    "un nombre",
    "une date",
    "oui ou non",
    "{expectation} : motif invalide : {error}",
    "présent /{pattern}/ sur {channel}",
    "absent /{pattern}/ sur {channel}",
    # testbench/integrity/manifest.py: kinds of odd files, the manifest's file name as a constant
    "{path} (lien symbolique)",
    "{path} (fichier spécial)",
    "{path} (dossier vide)",
    "manifest.json absent : rien ne permet de vérifier ce dossier",
    "manifest.json n'est plus sous sa forme d'origine",
    # testbench/casebook/selection.py: optional parts inside the sentence
    "expression -k invalide (colonne {column}) : {message} — « {expression} »",
    "expression -k invalide : {message} — « {expression} »",
}


def load(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def extracted() -> set[str | tuple[str, str]]:
    """The messages Babel's extractor finds in testbench/ with the project's babel.cfg and keywords.

    A plural message (``tn(singular, plural, n)``) is the pair of its French forms.
    """
    with (REPO / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = extract_from_dir(str(PACKAGE), method_map, options_map, keywords=KEYWORDS)
    return {message for _file, _line, message, _comments, _context in found}


def argparse_msgids() -> set[str]:
    """argparse's own messages, from the installed module's ``_()`` and ``ngettext()`` calls."""
    source = io.BytesIO(inspect.getsource(argparse).encode())
    found = extract_python(source, {"_": None, "ngettext": (1, 2)}, [], {})
    messages = (message for _line, _func, message, _comments in found)
    return {m for message in messages for m in (message if isinstance(message, tuple) else [message]) if m}


def code_texts() -> str:
    """Every literal of the package's code (f-string parts as ``{}``) and its templates, one per line."""
    texts = []
    for path in sorted(PACKAGE.rglob("*")):
        if FOLDER in path.parents or "__pycache__" in path.parts:
            continue
        if path.suffix == ".py":
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    texts.append(node.value)
                elif isinstance(node, ast.JoinedStr):
                    texts.append("".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values))
        elif path.suffix == ".j2":
            texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


def lacking(messages: Iterable[str | tuple[str, str]], catalogue: Catalog) -> list[str | tuple[str, str]]:
    """The messages without a translation (absent, empty or fuzzy: ``pybabel compile`` skips fuzzy).

    A plural message needs a plural entry with both English forms (singular and plural).
    """
    done: set[str | tuple[str, str]] = {m.id for m in catalogue if isinstance(m.id, str) and m.string and not m.fuzzy}
    done |= {
        m.id for m in catalogue if isinstance(m.id, tuple) and len(m.string) == 2 and all(m.string) and not m.fuzzy
    }
    return sorted((m for m in messages if m not in done), key=str)


def stale(catalogue: Catalog, code: str, composed: set[str]) -> list[str]:
    """Entries no code uses: a piece of their text (between ``{name}`` parts) is in no literal."""
    unused = []
    for m in catalogue:
        forms = m.id if isinstance(m.id, tuple) else (m.id,) if m.id else ()
        pieces = [p for form in forms for p in re.split(r"\{\w*\}", form) if p.strip()]
        if pieces and m.id not in composed and not all(p in code for p in pieces):
            unused.append(m.id)
    return sorted(unused, key=str)


def test_every_extracted_message_has_its_english() -> None:
    messages = extracted()
    assert len(messages) > 200 and "Synthèse" in messages and "oui" in messages  # not « ouinon »
    assert ("{count} tentative", "{count} tentatives") in messages  # tn(singular, plural, n): one message
    assert lacking(messages, load(EN)) == []


def test_every_entry_of_the_catalogue_is_translated() -> None:
    for path in FOLDER.glob("*/LC_MESSAGES/*.po"):
        catalogue = load(path)
        assert lacking([m.id for m in catalogue if m.id], catalogue) == [], path


def test_each_plural_entry_has_two_english_forms_with_the_same_parts() -> None:
    """Both forms in both languages name the same ``{parts}`` (the read-back of a stored one reads ``{count}``)."""
    for m in load(EN):
        if isinstance(m.id, tuple):
            parts = {frozenset(re.findall(r"\{(\w+)\}", form)) for form in (*m.id, *m.string)}
            assert len(m.string) == 2 and len(parts) == 1, m.id


def test_every_count_message_spells_out_both_french_forms() -> None:
    """``tn(singular, plural, n)`` with two literals, so that the extraction (and the checks above) sees it."""
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "tn":
                forms = node.args[:2]
                literal = len(forms) == 2 and all(
                    isinstance(f, ast.Constant) and isinstance(f.value, str) for f in forms
                )
                calls.append((path.name, node.lineno, literal))
    assert len(calls) > 20 and [c for c in calls if not c[2]] == []


def test_the_english_catalogue_holds_nothing_the_code_does_not_use() -> None:
    code = code_texts()
    assert stale(load(EN), code, COMPOSED) == []
    assert sorted(c for c in COMPOSED if c not in load(EN)) == []  # the list itself goes stale too


def test_every_argparse_message_has_its_french() -> None:
    msgids = argparse_msgids()
    assert {"usage: ", "expected %s arguments", "invalid choice: %(value)r (choose from %(choices)s)"} <= msgids
    assert lacking(msgids, load(ARGPARSE_FR)) == []


def test_each_check_fails_on_a_catalogue_that_lacks_a_language(tmp_path: Path) -> None:
    """The checks above, on copies of the catalogues with one English, one French, one use removed."""
    english_po, french_po = load(EN), load(ARGPARSE_FR)
    english_po.delete("oui")  # a French message without its English
    attempts = ("{count} tentative", "{count} tentatives")
    english_po[attempts[0]].string = ("{count} attempt", "")  # a plural entry without its English plural
    english_po.add("une phrase que le code ne dit plus", "a sentence the code no longer says")
    french_po["usage: "].string = ""  # one of argparse's messages without its French
    for catalogue, name in ((english_po, "en.po"), (french_po, "fr.po")):
        with (tmp_path / name).open("wb") as f:
            write_po(f, catalogue)
    assert lacking(extracted(), load(tmp_path / "en.po")) == [attempts, "oui"]
    assert stale(load(tmp_path / "en.po"), code_texts(), COMPOSED) == ["une phrase que le code ne dit plus"]
    assert lacking(argparse_msgids(), load(tmp_path / "fr.po")) == ["usage: "]


@pytest.mark.parametrize("po", sorted(FOLDER.glob("*/LC_MESSAGES/*.po")), ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_the_committed_mo_is_its_po_compiled(po: Path) -> None:
    """The run time reads the committed .mo: it must say what the .po says (``pybabel compile`` after an edit).

    Compared entry by entry, the header aside: the header names the compiling Babel's version.
    """
    compiled = io.BytesIO()
    write_mo(compiled, load(po))
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    with po.with_suffix(".mo").open("rb") as f:
        committed = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    assert {k: v for k, v in committed.items() if k != ""} == {k: v for k, v in fresh.items() if k != ""}


def test_one_lookup_reads_the_workstation_and_the_report_words() -> None:
    """The workstation's context comes first; the shapes it had of its own are templates of the catalogue."""
    from testbench.tui.texts import make_translator

    tui, report = make_translator("en"), translator("en")
    assert tui("Synthèse") == "Overview" and report("Synthèse") == "Summary"
    assert tui("lecteur(s) absent(s) : A, B (présents : aucun)") == "reader(s) missing: A, B (present: none)"
    assert report("acceptée par le contrôle (carte Vitale 2 de test)") == "accepted by the guard (test Vitale 2 card)"
    assert translator("fr")("Synthèse") == translator("fr", "tui")("Synthèse") == "Synthèse"


def test_english_help_shows_english_metavars(capsys: pytest.CaptureFixture[str]) -> None:
    from testbench.cli.main import main

    for lang, words, absent in (("en", ("--sut NAME", "--agrement NUMBER", "--operator NAME"), "NOM"),
                                ("fr", ("--sut NOM", "--agrement NUMÉRO", "--operator NOM"), "NAME")):  # fmt: skip
        with pytest.raises(SystemExit):
            main(["run", "--help", "--lang", lang])
        out = capsys.readouterr().out
        assert all(w in out for w in words) and absent not in out, out
    with pytest.raises(SystemExit):
        main(["validate", "--help", "--lang", "en"])
    assert "--max-size MB" in capsys.readouterr().out


def test_an_amount_is_refused_in_french_and_reads_in_english() -> None:
    """The reference engine's refusal of « x » as a quantity: French source text, no Python quotes."""
    from testbench.engines.reference.money import AmountError, parse_decimal

    for value, french, english_text in (
        ("x", "pas un nombre décimal : « x »", "not a decimal number: “x”"),
        ("inf", "nombre décimal non fini : « inf »", "not a finite decimal number: “inf”"),
        (1.5, "montant en texte attendu (« 12.50 »), pas un nombre à virgule flottante",
         "amount as text expected (“12.50”), not a floating-point number"),
        (None, "montant en texte attendu (« 12.50 »)", "amount as text expected (“12.50”)"),
    ):  # fmt: skip
        with pytest.raises(AmountError) as info:
            parse_decimal(value)
        assert str(info.value) == french
        assert english(f"lines[0].quantity: {info.value}") == f"lines[0].quantity: {english_text}"
