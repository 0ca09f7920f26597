"""A review signed with the key that signs the report (the editor's own) never reads as an examiner's: the review
table says so, shows the key's full fingerprint, and calls the reviewer's name what it is, a declared one."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report import html as report_html
from testbench.report.build import BuildOptions, build_report
from testbench.report.content import gather
from testbench.report.options import Options
from testbench.signing import init_key, load_signer
from testbench.store.read import read_session

OWN_KEY = "signée par la clé qui signe ce rapport (celle de l'éditeur)"


def reviewed(tmp_path: Path) -> tuple[Path, Path, str, str]:
    """KO-1 overridden under an examiner's name with the editor's key, OK-1 accepted with another key."""
    session = campaign(tmp_path, hostile=False)
    editor, other = tmp_path / "editor.pem", tmp_path / "other.pem"
    editor_fp, other_fp = init_key(editor).fingerprint, init_key(other).fingerprint
    for case, action, key in (
        ("KO-1", ["--override", "pass", "--reviewer", "Examinateur CNDA"], editor),
        ("OK-1", ["--accept", "--reviewer", "Relectrice"], other),
    ):
        assert main(["review", str(session), case, *action, "--reason", "relu", "--key", str(key)]) == 0
    return session, editor, editor_fp, other_fp


def review_cells(page: etree._Element, case: str) -> tuple[list[str], list[str]]:
    (section,) = page.xpath(f"//section[@class='case'][@data-case='{case}']")
    table = section.xpath(".//h3[.='Revue' or .='Review']/following-sibling::table[1]")[0]
    head = ["".join(th.itertext()) for th in table.xpath("tr[1]/th")]
    row = [" ".join(" ".join(td.itertext()).split()) for td in table.xpath("tr[2]/td")]
    return head, row


def test_a_review_signed_with_the_report_key_says_so(tmp_path: Path) -> None:
    session, editor, editor_fp, other_fp = reviewed(tmp_path)
    options = BuildOptions(signer=load_signer(editor))
    page = etree.HTML(build_report(session, tmp_path / "r", options).html.read_bytes())
    head, own = review_cells(page, "KO-1")
    assert head[2] == "Relecteur (nom déclaré)"
    assert own[2] == "Examinateur CNDA"
    assert own[5] == f"valide — clé {editor_fp} {OWN_KEY}"
    _, independent = review_cells(page, "OK-1")
    assert independent[5] == f"valide — clé {other_fp}"
    # unsigned, the report has no key of its own: nothing to say
    plain = etree.HTML(build_report(session, tmp_path / "u").html.read_bytes())
    assert OWN_KEY not in "".join(plain.itertext())

    english = etree.HTML(
        build_report(session, tmp_path / "en", BuildOptions(signer=options.signer, lang="en")).html.read_bytes()
    )
    head, own = review_cells(english, "KO-1")
    assert head[2] == "Reviewer (declared name)"
    assert own[5] == f"valid — key {editor_fp} signed with the key that signs this report (the editor's)"


def test_the_printed_review_says_so_too(tmp_path: Path) -> None:
    session, editor, editor_fp, _ = reviewed(tmp_path)
    signer = load_signer(editor)
    info = {"public_key": signer.public.b64, "fingerprint": signer.public.fingerprint}
    with read_session(session) as view:
        printed = etree.HTML(report_html.render_html(gather(view, Options(signer=info)), for_print=True))
    _, own = review_cells(printed, "KO-1")
    assert own[5] == f"valide — clé {editor_fp} {OWN_KEY}"
