"""``GET /_bench/scenarios`` answered the registry's titles in French from ``services serve --lang en``, whose every
other sentence is English (docs/teleservices.md). Each title is in the catalogue, and the English server says it in
English; the French one as written in teleservices.toml."""

from __future__ import annotations

import http.client
import json
from typing import Any

from testbench.i18n import translator
from testbench.services.process import ServicesProcess, command
from testbench.services.scenarios import registry


def _titles(lang: str) -> dict[str, Any]:
    argv = command()
    argv[argv.index("--lang") + 1] = lang
    proc = ServicesProcess(argv=argv)
    try:
        proc.ensure()
        conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=5)
        conn.request("GET", "/_bench/scenarios")
        return json.loads(conn.getresponse().read())
    finally:
        proc.close()


def test_every_scenario_title_has_its_english() -> None:
    english = translator("en")
    untranslated = [s.title for by in registry().scenarios.values() for s in by.values() if english(s.title) == s.title]
    assert untranslated == []


def test_the_english_server_lists_the_titles_in_english() -> None:
    adri = {item["name"]: item["title"] for item in _titles("en")["adri"]}
    assert adri["droits-fermes"] == "Rights closed at the date of care (rights ended 30 days before)"
    assert adri["droits-ouverts"] == "Rights open at the date of care; answer marked “facture ADRi”"


def test_the_french_server_lists_them_as_written() -> None:
    insi = {item["name"]: item["title"] for item in _titles("fr")["insi"]}
    assert insi["identite-inconnue"] == "Aucune identité pour ces traits"
