"""An <insi> step with no Vitale card read sends its patient fixture's traits: without a birth name, a birth
date or a NIR (the sex comes from it), the service refuses it and the case fails as the product's
fault. Refused at load, at the step."""

from __future__ import annotations

import shutil
from pathlib import Path

from testbench.casebook.loader import check_casebook

ROOT = Path(__file__).resolve().parents[1]
TRAITS = '<right name="name" value="PATIENT DEGRADE STANDARD"/>\n      <right name="birth-date" value="1952-01-10"/>'


def _problems(tmp_path: Path, old: str, new: str) -> list[tuple[str, str, str]]:
    text = (ROOT / "casebooks" / "psad-teleservices.xml").read_text(encoding="utf-8")
    assert old in text
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards")
    path = tmp_path / "tls.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _casebook, problems = check_casebook(path)
    where = f"{path}:"
    return [(f"{p.source.line}:{p.source.col}", p.message, p.text("en").removeprefix(where)) for p in problems]


def test_a_patient_without_insi_traits_is_refused_at_each_insi_step(tmp_path: Path) -> None:
    found = _problems(tmp_path, TRAITS, "")
    french = "INSi : le patient « p-deg » n'a pas les traits d'identité exigés (name, birth-date) dans ses <right>"
    assert {fr for _at, fr, _en in found} == {french}
    assert found[0][::2] == (
        "757:27",
        '757:27: INSi: patient “p-deg” lacks the identity traits it requires (name, birth-date) in its <right>s',
    )


def test_a_nir_without_its_key_is_taken_and_the_service_answers_the_keyed_ins(tmp_path: Path) -> None:
    """INSi takes a 13-character NIR (the key left out) as well as 15: the casebook loads without a problem and
    the case passes, the simulated service answering the INS with the key it computed."""
    from testbench.cli.main import main

    old, new = '<right name="nir" value="152019999900182"/>', '<right name="nir" value="1520199999001"/>'
    assert _problems(tmp_path, old, new) == []
    args = ["run", str(tmp_path / "tls.xml"), "--session", str(tmp_path / "s.tbsession"), "--cards", "inprocess",
            "--engine", "inprocess", "-k", "TLS-INSI-001"]  # fmt: skip
    assert main(args) == 0
