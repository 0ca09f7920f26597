"""A ``<case>`` whose domain or mode the schema refuses stays among an invalid casebook's readable cases (read
only, never run), its problem beside it, not filed « outside the cases »; the CLI says the same problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.problems import read_casebooks
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    (tmp_path / "cards").symlink_to(CASEBOOKS_DIR / "cards")
    lines = DEMO.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if 'id="DEMO-FSE-001"' in line)
    assert old in lines[at]
    lines[at] = lines[at].replace(old, new)
    path = tmp_path / "invalid.xml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "said", "domain", "mode"),
    [
        ('domain="fse"', 'domain="fsx"', "« domain » : la valeur « fsx » n'est pas permise", "fse", "securise"),
        ('mode="securise"', 'mode="secure"', "« mode » : la valeur « secure » n'est pas permise", "fse", "securise"),
    ],
)
def test_the_case_stays_with_its_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, said: str, domain: str, mode: str
) -> None:
    path = _copy(tmp_path, old, new)
    (state,) = read_casebooks([path])
    assert state.casebook is not None
    ids = [c.id for c in state.casebook.cases]
    assert "DEMO-FSE-001" in ids and len(ids) == len(read_casebooks([DEMO])[0].casebook.cases)
    case = state.casebook.case("DEMO-FSE-001")
    assert (case.domain.value, case.mode.value) == (domain, mode)
    assert None not in state.problems
    (problem,) = state.problems["DEMO-FSE-001"]
    assert said in problem.message
    assert main(["validate", str(path)]) == 3
    err = capsys.readouterr()
    assert f"invalid.xml:{problem.source.line}:{problem.source.col}: non conforme au schéma" in err.out + err.err
