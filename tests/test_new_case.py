"""``testbench new case``: each domain's template gives a case that validates (and runs) in a real casebook."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from testbench import fmt
from testbench.casebook import scaffold
from testbench.casebook.loader import check_casebook
from testbench.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "casebooks" / "demo.xml"
MINIMAL = ROOT / "tests" / "data" / "casebooks" / "minimal.xml"
CARDS = ROOT / "casebooks" / "cards"
TEMPLATES = scaffold.templates()
#: The domains and modes the issue names, with a template each (others are added with their actions).
REQUIRED = {
    ("fse", "securise"),
    ("fse", "degrade"),
    ("fse", "sesam-sans-vitale"),
    ("adri", "sesam-sans-vitale"),
    ("lot", "securise"),
    ("cards", "none"),
    ("dre", "securise"),
    ("apcv", "securise"),
    ("insi", "none"),
    ("eprescription", "none"),
}


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    shutil.copyfile(DEMO, tmp_path / "demo.xml")
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards")
    return tmp_path / "demo.xml"


def new_case(*args: str | Path) -> int:
    return main(["new", "case", *map(str, args)])


def test_the_required_templates_exist() -> None:
    assert {(t.domain.value, t.mode.value) for t in TEMPLATES} >= REQUIRED


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.path.stem)
def test_each_template_inserted_into_a_casebook_validates_and_keeps_the_file(
    demo: Path, template: scaffold.Template, capsys: pytest.CaptureFixture[str]
) -> None:
    original = demo.read_text(encoding="utf-8")
    code = new_case("--domain", template.domain.value, "--mode", template.mode.value, "--id", "NEW-001",
                    "--casebook", demo)  # fmt: skip
    assert code == 0, capsys.readouterr().err
    words = fmt.template_label(template.domain.value, template.mode.value)  # « FSE · sécurisé », not « fse securise »
    assert f"cas NEW-001 ajouté (modèle {words}), cahier valide" in capsys.readouterr().out
    casebook, problems = check_casebook(demo)
    assert problems == [] and casebook is not None
    (case,) = [c for c in casebook.cases if c.id == "NEW-001"]
    assert (case.domain, case.mode) == (template.domain, template.mode)
    assert len(casebook.cases) == 23
    # inserted as text before </cases>: every byte of the file before and after is kept
    text = demo.read_text(encoding="utf-8")
    end = original.rindex("  </cases>")
    assert text.startswith(original[:end]) and text.endswith(original[end:])
    assert '\n    <case id="NEW-001"' in text  # indented as the casebook's cases


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.path.stem)
def test_each_template_in_a_new_casebook_validates(
    tmp_path: Path, template: scaffold.Template, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nouveau.xml"
    assert new_case("--domain", template.domain.value, "--mode", template.mode.value, "--id", "N-1", "-o", target) == 0
    out = capsys.readouterr().out
    assert "nouveau.xml : cas N-1 ajouté" in out and "profils de carte de test copiés" in out
    casebook, problems = check_casebook(target)
    assert problems == [] and casebook is not None and [c.id for c in casebook.cases] == ["N-1"]
    assert sorted(p.name for p in (tmp_path / "cards").iterdir()) == ["cps3-psad-lpp.xml", "vitale2-adult-standard.xml"]


def test_every_scaffolded_case_runs_and_passes_on_the_demo_bench(demo: Path) -> None:
    """The templates' worked examples are right: on the demo casebook's fixtures each new case passes."""
    for n, template in enumerate(TEMPLATES):
        assert new_case("--domain", template.domain.value, "--mode", template.mode.value, "--id", f"NEW-{n}",
                        "--casebook", demo) == 0  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-m", "testbench", "run", demo, "--session", demo.parent / "s.tbs", "--cards", "inprocess",
         "--engine", "inprocess", "-k", " or ".join(f"NEW-{n}" for n in range(len(TEMPLATES)))],
        capture_output=True, text=True, timeout=120, cwd=demo.parent,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"— réussi {len(TEMPLATES)}\n" in run.stderr


def test_printed_case_is_one_case_element(capsys: pytest.CaptureFixture[str]) -> None:
    assert new_case("--domain", "fse", "--mode", "dégradé", "--id", "P-1") == 0
    root = etree.fromstring(capsys.readouterr().out.encode())  # one element (its head comment is not one)
    assert root.tag == "case" and root.get("id") == "P-1" and root.get("mode") == "degrade"


def test_a_domain_with_one_template_needs_no_mode(demo: Path) -> None:
    assert new_case("--domain", "lot", "--id", "L-9", "--casebook", demo) == 0


def test_refusals_exit_3_and_write_nothing(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = demo.read_bytes()
    assert new_case("--domain", "fse", "--mode", "securise", "--id", "DEMO-FSE-001", "--casebook", demo) == 3
    assert "le cas « DEMO-FSE-001 » existe déjà" in capsys.readouterr().err
    assert new_case("--domain", "fse", "--id", "X-1", "--casebook", demo) == 3
    assert "précisez --mode pour le domaine fse : degrade, securise, sesam-sans-vitale" in capsys.readouterr().err
    assert new_case("--domain", "scor", "--id", "X-1", "--casebook", demo) == 3
    assert "aucun modèle pour le domaine « scor » ; modèles : adri sesam-sans-vitale" in capsys.readouterr().err
    assert new_case("--domain", "fse", "--mode", "securise", "--id", "X-1", "--patient", "p-x", "--casebook", demo) == 3
    assert "patient « p-x » absent des fixtures du cahier" in capsys.readouterr().err
    assert demo.read_bytes() == original
    assert sorted(p.name for p in demo.parent.iterdir()) == ["cards", "demo.xml"]  # no temporary left
    assert new_case("--domain", "cards", "--id", "X-1", "-o", demo) == 3
    assert "existe déjà ; pour y ajouter le cas, utilisez --casebook" in capsys.readouterr().err
    broken = tmp_path / "broken.xml"
    broken.write_text(original.decode().replace("<title>", "<titre>", 1), encoding="utf-8")
    assert new_case("--domain", "cards", "--id", "X-1", "--casebook", broken) == 3
    assert "cahier invalide ; corrigez-le avant d'y ajouter un cas" in capsys.readouterr().err


def test_a_read_only_casebook_is_refused_not_replaced(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A casebook marked read-only (a delivered one, kept as it came) is not rewritten: a rename replaced it on
    Linux, whatever its mode, and Windows refused it only after the copy."""
    demo.chmod(0o444)
    original = demo.read_bytes()
    try:
        assert new_case("--domain", "cards", "--id", "X-1", "--casebook", demo) == 3
    finally:
        demo.chmod(0o644)
    assert f"{demo} : accès refusé (droits insuffisants) ; rien n'a été écrit" in capsys.readouterr().err
    assert demo.read_bytes() == original
    assert sorted(p.name for p in demo.parent.iterdir()) == ["cards", "demo.xml"]  # no temporary left


def test_a_fixture_the_template_needs_is_named_in_english_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cards").mkdir()
    for card, profile in (("cps", "cps3-psad-lpp.xml"), ("vitale", "vitale2-adult-standard.xml")):
        shutil.copyfile(CARDS / profile, tmp_path / "cards" / f"{card}.xml")  # checked with the casebook
    shutil.copyfile(MINIMAL, tmp_path / "minimal.xml")
    # minimal.xml's only patient is carried by a card: a dégradé case has no patient with rights to use
    assert new_case("--domain", "fse", "--mode", "degrade", "--id", "X-1", "--casebook", tmp_path / "minimal.xml",
                    "--lang", "en") == 3  # fmt: skip
    err = capsys.readouterr().err
    assert "the template FSE · dégradé needs in <fixtures>: a patient without card, with their rights" in err
    # the sécurisé one finds the CPS and the patient its cases use
    assert new_case("--domain", "fse", "--mode", "securise", "--id", "X-1", "--casebook", tmp_path / "minimal.xml",
                    "--lang", "en") == 0  # fmt: skip
    assert "minimal.xml: case X-1 added (template FSE · sécurisé), casebook valid" in capsys.readouterr().out


#: What an id is, after what is wrong with the one given.
RULE = (
    "80 caractères au plus, commençant par une lettre ou un chiffre : lettres sans accent, chiffres, « . », « _ »,"
    " « : », « - »"
)
BAD_ID = "testbench new case : --id : identifiant de cas invalide « {id} » — {why} (" + RULE + ")\n"


@pytest.mark.parametrize("where", ["printed", "-o", "--casebook"])
def test_a_bad_id_is_refused_before_anything_in_every_mode(
    demo: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Printed, it would be a case no casebook accepts; written, the schema's problem would point at a line
    of a file never written (``-o``) or at a line the person's casebook does not have (``--casebook``)."""
    folder, original = demo.parent, demo.read_bytes()
    target = {"printed": [], "-o": ["-o", folder / "n1.xml"], "--casebook": ["--casebook", demo]}[where]
    for bad, why in (
        ("bad id", "il contient un espace"),
        ("_x", "il commence par « _ »"),
        ("é-1", "« é » est une lettre accentuée"),
        ("A" * 81, "il a 81 caractères"),
    ):
        assert new_case("--domain", "lot", "--id", bad, *target) == 3
        assert capsys.readouterr() == ("", BAD_ID.format(id=bad, why=why))
    assert sorted(p.name for p in folder.iterdir()) == ["cards", "demo.xml"] and demo.read_bytes() == original
    assert sorted(p.name for p in (folder / "cards").iterdir()) == sorted(p.name for p in CARDS.iterdir())
    assert new_case("--domain", "lot", "--id", "A" * 80) == 0  # the longest id the schema allows


def test_a_bad_id_is_said_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert new_case("--domain", "lot", "--id", "bad id", "--lang", "en") == 3
    assert (
        capsys.readouterr().err
        == "testbench new case: --id: invalid case id “bad id” — it contains a space (at most 80 characters, starting"
        " with a letter or a digit: unaccented letters, digits, “.”, “_”, “:”, “-”)\n"
    )


#: The bundled profiles a new casebook names, in the order they are copied.
PROFILES = scaffold.card_profiles(scaffold.new_casebook(""))


def test_new_casebook_on_a_full_disk_while_a_profile_is_copied_leaves_the_folder_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The last profile's write goes to /dev/full (its temporary file is a link there): the disk is full."""
    cards = tmp_path / "cards"
    cards.mkdir()
    scaffold.temporary_beside(cards / PROFILES[-1]).symlink_to("/dev/full")
    assert new_case("--domain", "lot", "--id", "L-1", "-o", tmp_path / "n.xml") == 2
    err = capsys.readouterr().err
    assert err == f"testbench new case : {cards / PROFILES[-1]} : disque plein ; rien n'a été écrit\n"
    assert [p.name for p in tmp_path.iterdir()] == ["cards"] and list(cards.iterdir()) == []  # no 0-byte profile


def test_new_casebook_on_a_full_disk_while_it_is_written_copies_no_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "n.xml"
    scaffold.temporary_beside(target).symlink_to("/dev/full")
    assert new_case("--domain", "lot", "--id", "L-1", "-o", target, "--lang", "en") == 2
    assert capsys.readouterr().err == f"testbench new case: {target}: disk full; nothing was written\n"
    assert list(tmp_path.iterdir()) == []  # the profiles copied for its check are gone, and cards/ with them


def test_a_broken_profile_beside_a_new_casebook_refuses_it_and_removes_what_was_copied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty profile left by an earlier full disk is not trusted: the casebook would not run."""
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / PROFILES[-1]).write_bytes(b"")
    assert new_case("--domain", "lot", "--id", "L-1", "-o", tmp_path / "n.xml") == 3
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{cards / PROFILES[-1]}:1:1: profil de carte invalide : XML mal formé : aucun élément XML",
        f"{tmp_path / 'n.xml'} : le cahier ne serait pas valide ; rien n'a été écrit",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["cards"] and [p.name for p in cards.iterdir()] == [PROFILES[-1]]
