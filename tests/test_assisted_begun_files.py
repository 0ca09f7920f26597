"""Assisted operator mode: a file an earlier step left unfinished is skipped only while the application finishes it.

A file of a fixed name (``FACTURE.xml``, written anew for each invoice) that an earlier case left unfinished or
malformed is that case's output only as long as what the application writes in it continues what it held when that
case's wait ended; once it is rewritten (its earlier content no longer its beginning), it is the current step's
output, read and kept as evidence as any new file (audit s25, R1). A step that saw only the earlier file being
finished says so as the reason of its missing value, not « aucun fichier nouveau ou modifié ».
"""

from __future__ import annotations

from pathlib import Path

from test_assisted_outputs import FSE_EXTRACTOR, HEAD, Application, fse, kept, observed, reason
from test_assisted_step_boundaries import run, step_end

PROFILE = HEAD + FSE_EXTRACTOR.format(files="fse")


def test_a_fixed_name_file_an_earlier_case_left_malformed_is_read_when_a_later_step_rewrites_it(
    tmp_path: Path,
) -> None:
    target = tmp_path / "app" / "out" / "fse" / "FACTURE.xml"
    steps = {
        ("BAD", "create_invoice"): lambda root: target.write_bytes(fse("33,60").replace(b"</FSE>", b"</FSX>")),
        ("GOOD", "create_invoice"): lambda root: target.write_bytes(fse("33,60")),
    }
    session = run(tmp_path, PROFILE, Application(tmp_path, steps), "BAD", "GOOD")
    assert reason(session, "BAD").startswith("sortie du logiciel invalide")
    amo = observed(session, "GOOD")["invoice.totals.amo"]
    assert (amo["value"], amo["provenance"]["source"]) == ("33.60", str(target))
    assert "notes" not in step_end(session, "GOOD", "s-invoice")
    assert kept(session, "GOOD") == {"FACTURE.xml": fse("33,60")}  # its own FSE, kept as evidence


def test_a_fixed_name_file_an_earlier_case_left_half_written_is_read_when_rewritten_from_the_start(
    tmp_path: Path,
) -> None:
    target = tmp_path / "app" / "out" / "fse" / "FACTURE.xml"
    steps = {
        ("HALF", "create_invoice"): lambda root: target.write_bytes(fse("44,80")[:100]),
        ("NEXT", "create_invoice"): lambda root: target.write_bytes(fse("33,60")),
    }
    session = run(tmp_path, PROFILE, Application(tmp_path, steps), "HALF", "NEXT")
    assert observed(session, "NEXT")["invoice.totals.amo"]["value"] == "33.60"
    assert "notes" not in step_end(session, "NEXT", "s-invoice")


def test_a_step_that_saw_only_an_earlier_file_being_finished_says_so_as_the_reason_of_its_missing_value(
    tmp_path: Path,
) -> None:
    first = tmp_path / "app" / "out" / "fse" / "FSE_F0001.xml"

    def finish(root: Path) -> None:
        with first.open("ab") as f:  # the application writes on where it stopped
            f.write(fse("33,60")[60:])

    steps = {
        ("SLOW", "create_invoice"): lambda root: first.write_bytes(fse("33,60")[:60]),
        ("NEXT", "create_invoice"): finish,  # nothing new
    }
    session = run(tmp_path, PROFILE, Application(tmp_path, steps), "SLOW", "NEXT")
    why = (
        f"extracteur « FSE XML » : seul {first} a changé pendant l'étape, et c'est la suite d'un fichier de l'étape"
        " précédente (encore inachevé à la fin de celle-ci)"
    )
    assert step_end(session, "NEXT", "s-invoice")["not_found"]["invoice.totals.amo"] == why
    assert reason(session, "NEXT").startswith(f"e-amo : valeur absente : invoice.totals.amo — {why}")
    assert "aucun fichier nouveau" not in reason(session, "NEXT")
