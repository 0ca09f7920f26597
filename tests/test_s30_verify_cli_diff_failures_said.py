"""``testbench diff``'s last line when the product regressed and B's casebook made another case fail: both are said,
joined as each language writes a list — « 1 régression ; 1 échec … » in French, "1 regression; 1 failure …" in
English (it read "1 regression ; 1 failure", French spacing in an English sentence). Real runs of the demo (in-process
cards and engine): B's casebook adds an expectation DEMO-FSE-001 fails, and B's operator attests that
DEMO-FSE-030's sheet was not printed (a regression)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001 or id:DEMO-FSE-030"]
AMO = '<value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>'
ADDED = '<value id="e-new" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="99.00"/>'


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("failures-said")
    demo = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    shutil.copytree(CASEBOOKS_DIR / "cards", work / "cards")
    (work / "a.xml").write_text(demo, encoding="utf-8")
    assert demo.count(AMO) >= 1
    (work / "b.xml").write_text(demo.replace(AMO, f"{AMO}\n        {ADDED}", 1), encoding="utf-8")
    attested = CASEBOOKS_DIR / "demo-attestations.json"
    not_printed = json.loads(attested.read_text(encoding="utf-8"))
    not_printed["DEMO-FSE-030/m-paper"]["values"]["manual.paper_printed"] = "false"
    (work / "np.json").write_text(json.dumps(not_printed), encoding="utf-8")
    a, b = work / "a.tbsession", work / "b.tbsession"
    assert main(["run", str(work / "a.xml"), "--session", str(a), *BENCH, "--attestations", str(attested)]) == 0
    assert main(["run", str(work / "b.xml"), "--session", str(b), *BENCH, "--attestations", str(work / "np.json")]) == 1
    return a, b


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "1 régression ; 1 échec sur attente ajoutée ou réécrite du cahier"),
        ("en", "1 regression; 1 failure on an expectation the casebook added or rewrote"),
    ],
)
def test_both_failures_are_said_as_the_language_lists_them(
    sessions: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    a, b = sessions
    page = tmp_path / "diff.html"
    capsys.readouterr()
    assert main(["diff", str(a), str(b), "--lang", lang, "--html", str(page)]) == 1
    assert capsys.readouterr().out.rstrip("\n").splitlines()[-1] == said
    assert said in page.read_text(encoding="utf-8")
