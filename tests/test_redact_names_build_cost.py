"""The known names' regex of an export: compiled once per process, when a line first needs it, and the same masks.

A campaign knows a hundred names; their regex (each letter in every accent and escape) took seconds to compile,
twice per export (the text redactor and the fixed-width records one), before the first line was even read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from testbench.traces.redact import Redactor

#: a child process: builds both redactors of an export (text, records) for 80 accented two-word names, then
#: redacts a line with each; it reports how many long regexes were compiled, when, and the CPU time
_CHILD = textwrap.dedent(
    """
    import json, re, sys, time
    from re import _compiler

    compiled = []
    original = _compiler.compile

    def counting(p, flags=0):
        if isinstance(p, str) and len(p) > 20000:
            compiled.append(len(p))
        return original(p, flags)

    _compiler.compile = counting
    from testbench.traces.redact import Redactor

    given = ["Éloïse", "Gaëtan", "Zoé", "Hélène", "Amélie", "Jérôme", "Benoît", "Cécile", "Anaïs", "Noémie"]
    surnames = ["LEFÈVRE", "MÉNARD", "DUPRÉ", "BÉRANGER", "FRANÇOIS", "GÉRARD", "LAMBERT", "ROUSSEAU"]
    names = [f"{g} {s}" for g in given for s in surnames]
    start = time.process_time()
    text, records = Redactor(names), Redactor(names, records=True)
    built = len(compiled)
    build_cpu = time.process_time() - start
    out = [text.redact("patient Hélène DUPRÉ vu"), records.redact("patient Hélène DUPRÉ vu")]
    total_cpu = time.process_time() - start
    print(json.dumps({"built": built, "used": len(compiled), "build_cpu": build_cpu, "total_cpu": total_cpu,
                      "out": out}))
    """
)


def test_names_regex_compiled_once_at_first_use_for_both_redactors(tmp_path: object) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["out"][0] == "patient ‹NOM› vu"
    assert "DUPR" not in found["out"][1] and "lène" not in found["out"][1]
    assert found["built"] == 0, "building a redactor compiles no names regex"
    assert found["used"] == 1, "the text and records redactors share one compiled names regex"
    assert found["build_cpu"] < 1.0, found


NAMES = ["Éloïse MARTIN", "Zoé LEFÈVRE", "ESSAI"]

#: what the redactors masked before their names regex was shared (each rule's edge: a digit ends a name in
#: a fixed-width record, not in text; « _ » joins words in text, not in a record), escapes of every kind
CASES = [
    ("patient Éloïse MARTIN2 vu", "patient Éloïse MARTIN2 vu", "patient XXXXXX XXXXXX2 vu"),
    ("patient MARTIN_Éloïse vu", "patient ‹NOM› vu", "patient XXXXXX_XXXXXX vu"),
    ("fichier FSE_ESSAI_1.xml", "fichier FSE_‹NOM›_1.xml", "fichier FSE_ESSAI_1.xml"),
    ("ESSAI3 et ESSAI", "ESSAI3 et ‹NOM›", "XXXXX3 et XXXXX"),
    ("nom=Zo%C3%A9+Lef%C3%A8vre", "nom=‹NOM›", "nom=‹NOM›"),
    ('{"nom": "\\u00c9lo\\u00efse Martin"}', '{"nom": "‹NOM›"}', '{"nom": "‹NOM›"}'),
    ("&Eacute;LO&Iuml;SE martin", "‹NOM›", "&XXXXXX;XX&XXXX;XX XXXXXX"),
    ("zo&#xE9; lef&#232;vre", "‹NOM›", "XX&#XX0; XXX&#000;XXX"),
    ("Zo%E9 LEF%C8VRE", "‹NOM›", "XX%X0 XXX%X0XXX"),
    ("0123ELOISE MARTIN  19700909ESSAI_", "0123ELOISE MARTIN  19700909ESSAI_", "0123XXXXXX XXXXXX  19700909ESSAI_"),
    ("ELOISE MARTIN2           ESSAI3  ", "ELOISE MARTIN2           ESSAI3  ", "XXXXXX XXXXXX2           XXXXX3  "),
]


@pytest.mark.parametrize(("line", "in_text", "in_records"), CASES)
def test_shared_names_regex_keeps_each_rules_masks(line: str, in_text: str, in_records: str) -> None:
    text, records = Redactor(NAMES), Redactor(NAMES, records=True)
    assert text.redact(line) == in_text
    assert records.redact(line) == in_records
    assert Redactor(NAMES).redact(line) == in_text  # after the records rule used the shared regex too
