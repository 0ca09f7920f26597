"""The built-in glossary (testbench/domain/glossary.toml): enough terms, both languages, public references,
shipped in the wheel; find_terms finds whole words, acronyms with their case, the longest name first."""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest

from testbench.domain.glossary import find_terms, glossary, read_glossary, terms_in

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "testbench" / "domain" / "glossary.toml"
#: the design's list: each must be a term (by one of its names)
REQUIRED = (
    "FSE", "DRE", "AMO", "AMC", "PLV", "tiers payant", "ADRi", "ApCV", "B2", "ARL", "NOEMIE", "RSP",
    "nature d'assurance", "exonération", "ticket modérateur", "ALD", "C2S", "AME", "LPP", "NGAP", "CPS",
    "carte Vitale", "SESAM sans Vitale", "mode dégradé", "lot", "INSi", "e-prescription", "PSAD", "AT/MP",
    "régime", "BR", "PF", "franchise", "SCOR",
)  # fmt: skip
PUBLIC_SITES = (
    "ameli.fr", "sesam-vitale.fr", "legifrance.gouv.fr", "service-public.fr", "esante.gouv.fr",
    "codage.ext.cnamts.fr", "complementaire-sante-solidaire.gouv.fr",
)  # fmt: skip


def test_at_least_30_terms_each_in_french_and_english_with_public_references() -> None:
    terms = glossary()
    assert len(terms) >= 30
    assert len({t.key for t in terms}) == len(terms)
    for term in terms:
        fr, en = term.text("fr"), term.text("en")
        assert fr and en and fr != en, term.key
        assert term.references, term.key
        for url in term.references:
            parsed = urlparse(url)
            assert parsed.scheme in ("http", "https"), url
            assert any(parsed.hostname == s or parsed.hostname.endswith("." + s) for s in PUBLIC_SITES), url


def test_every_term_of_the_design_is_there_and_no_name_names_two_terms() -> None:
    owners: dict[str, set[str]] = {}
    for term in glossary():
        for name in term.names:
            owners.setdefault(name.casefold(), set()).add(term.key)
    assert {name: keys for name, keys in owners.items() if len(keys) > 1} == {}
    for name in REQUIRED:
        assert [t for s, e, t in find_terms(name) if (s, e) == (0, len(name))], name


def test_the_data_file_ships_in_the_wheel() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "testbench.domain" in config["packages"]
    assert any(DATA.match(p) for p in config["package-data"]["*"])


def test_find_terms_acronyms_keep_their_case_words_do_not() -> None:
    assert [t.key for _s, _e, t in find_terms("une FSE, pas une fse")] == ["FSE"]
    text = "Tiers payant AMO, Carte Vitale"
    assert [(text[s:e], t.key) for s, e, t in find_terms(text)] == [
        ("Tiers payant", "tiers-payant"),
        ("AMO", "AMO"),
        ("Carte Vitale", "carte-Vitale"),
    ]


def test_find_terms_whole_words_and_longest_name_first() -> None:
    text = "SESAM sans Vitale : lire la carte Vitale ; AT/MP ; AMOC FSEs âme"
    assert [(text[s:e], t.key) for s, e, t in find_terms(text)] == [
        ("SESAM sans Vitale", "SESAM-sans-Vitale"),
        ("carte Vitale", "carte-Vitale"),
        ("AT/MP", "AT-MP"),
    ]


def test_terms_in_lists_each_term_once_in_order_of_appearance() -> None:
    keys = [t.key for t in terms_in(["Part AMO et PLV", "tiers payant AMO"])]
    assert keys == ["AMO", "PLV", "tiers-payant"]


def test_a_malformed_glossary_is_refused() -> None:
    good = DATA.read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        read_glossary(good.replace('format = "testbench-glossary/1"', 'format = "other/2"'))
    with pytest.raises(ValueError):
        read_glossary(good.replace('key = "FSE"', 'key = "F S E"'))
