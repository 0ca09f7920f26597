"""`testbench verify`: every single-byte change of every file is detected and named; missing and added
files are named; signatures, keys and the journal chain are checked offline."""

from __future__ import annotations

import json
import os
import random
import stat
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.integrity.manifest import MANIFEST, SIGNATURE, dumps
from testbench.integrity.verify import verify_report
from testbench.report.build import BuildOptions, build_report
from testbench.signing import init_key, load_signer


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "signer.pem"
    init_key(path)
    return path


def signed_report(tmp: Path, key: Path, **kw) -> Path:
    session = campaign(tmp, **kw)
    return build_report(session, tmp / "report", BuildOptions(signer=load_signer(key))).folder


def files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def flip(path: Path, offset: int) -> int:
    with path.open("r+b") as fh:
        fh.seek(offset)
        old = fh.read(1)[0]
        fh.seek(offset)
        fh.write(bytes([old ^ 0x01]))
    return old


def restore(path: Path, offset: int, old: int) -> None:
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(bytes([old]))


def named(result, rel: str) -> bool:
    return rel in result.modified or any(rel in p for p in result.problems)


#: the byte changes are dealt in this many slices, one test each, so that both xdist workers share them
SLICES = 4


@pytest.mark.parametrize("part", range(SLICES))
def test_every_single_byte_change_of_a_small_report_is_detected(tmp_path: Path, key: Path, part: int) -> None:
    """Every byte of every file of the folder, changed one at a time (this slice: every SLICES-th byte)."""
    folder = signed_report(tmp_path, key, case_ids=("OK-1",), hostile=False)
    assert verify_report(folder).ok
    total = 0
    for path in files_of(folder):
        rel = path.relative_to(folder).as_posix()
        for offset in range(part, path.stat().st_size, SLICES):
            old = flip(path, offset)
            result = verify_report(folder)
            assert not result.ok, f"undetected change at {rel}:{offset}"
            if rel not in (MANIFEST, SIGNATURE):
                assert result.modified == [rel], (rel, offset, result.lines())
            else:
                assert named(result, rel) or named(result, MANIFEST), (rel, offset, result.lines())
            restore(path, offset, old)
            total += 1
    assert verify_report(folder).ok
    assert total * SLICES > 5000  # the whole folder, not a token sample


def test_sampled_byte_changes_of_a_large_report_are_detected(tmp_path: Path, key: Path) -> None:
    folder = signed_report(tmp_path, key, case_ids=tuple(f"OK-{i}" for i in range(60)), extra_lines=2000)
    paths = files_of(folder)
    assert len(paths) > 60
    rnd = random.Random(1234)
    for _ in range(150):
        path = rnd.choice(paths)
        offset = rnd.randrange(path.stat().st_size)
        old = flip(path, offset)
        result = verify_report(folder)
        rel = path.relative_to(folder).as_posix()
        assert not result.ok and (named(result, rel) or named(result, MANIFEST)), (rel, offset)
        restore(path, offset, old)
    assert verify_report(folder).ok


def test_missing_and_added_files_are_named_by_the_cli(tmp_path: Path, key: Path, capsys) -> None:
    folder = signed_report(tmp_path, key, extra_lines=80)
    assert main(["verify", str(folder)]) == 0
    evidence = next((folder / "evidence" / "traces").iterdir())
    evidence.unlink()
    (folder / "evidence" / "extra.txt").write_text("ajout", encoding="utf-8")
    (folder / "evil.lock").write_text("not a session companion", encoding="utf-8")
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    rel = evidence.relative_to(folder).as_posix()
    assert f"manquant : {rel}" in out
    assert "ajouté : evidence/extra.txt" in out and "ajouté : evil.lock" in out


def test_resigning_with_another_key_is_caught_when_the_key_is_known(tmp_path: Path, key: Path) -> None:
    folder = signed_report(tmp_path, key)
    other = tmp_path / "other.pem"
    init_key(other)
    # a forger edits the page, rebuilds the manifest and signs with their own key
    html = folder / "index.html"
    html.write_bytes(html.read_bytes().replace(b"</main>", b"<p>ajout</p></main>"))
    from testbench.integrity.manifest import sign_manifest, write_manifest

    write_manifest(folder)
    sign_manifest(folder, load_signer(other))
    trusted = load_signer(key).public
    result = verify_report(folder, trusted=trusted)
    assert not result.ok and any("autre clé" in p for p in result.problems)
    # without the expected key the report still says who signed: report.json names the original signer
    assert any("annonce une autre clé" in p for p in verify_report(folder).problems)


def test_an_intact_unsigned_report_is_said_unsigned_not_altered(tmp_path: Path, key: Path, capsys) -> None:
    folder = build_report(campaign(tmp_path), tmp_path / "r").folder
    result = verify_report(folder)
    assert result.ok and result.unsigned
    assert main(["verify", str(folder)]) == 0
    out = capsys.readouterr()
    assert "NON SIGNÉ" in out.out and "l'authenticité n'est pas prouvée" in out.out
    assert "ALTÉRÉ" not in out.out + out.err and "INTÈGRE" not in out.out
    assert main(["verify", str(folder), "--lang", "en"]) == 0
    assert "UNSIGNED" in capsys.readouterr().out
    assert main(["verify", str(folder), "--allow-unsigned"]) == 0  # the old option is still accepted
    # a signature asked for (or an expected signer's key) and none there: refused
    assert main(["verify", str(folder), "--require-signature"]) == 1
    assert main(["verify", str(folder), "--key", str(key.with_suffix(".pub"))]) == 1
    out = capsys.readouterr().out  # no proof where one is asked for: a failure, not a change
    refused = "NON SIGNÉ : conforme au manifeste, mais la signature exigée manque (aucune signature)"
    assert out.splitlines()[-1] == refused
    assert "ALTÉRÉ" not in out and "manquant" not in out and "ok : 6 fichiers conformes au manifeste" in out
    # unsigned and changed: altered, as a signed one would be
    with (folder / "index.html").open("ab") as fh:
        fh.write(b" ")
    assert main(["verify", str(folder)]) == 1
    assert "ALTÉRÉ" in capsys.readouterr().out
    assert main(["verify", str(tmp_path / "nowhere")]) == 3


def test_report_matches_its_session_and_later_reviews_are_reported(tmp_path: Path, key: Path, capsys) -> None:
    session = campaign(tmp_path)
    folder = build_report(session, tmp_path / "r", BuildOptions(signer=load_signer(key))).folder
    assert main(["verify", str(folder), "--session", str(session)]) == 0
    assert "ancrage de la chaîne conforme" in capsys.readouterr().out
    (tmp_path / "x").mkdir()
    other = campaign(tmp_path / "x", name="other.tbsession")
    assert main(["verify", str(folder), "--session", str(other)]) == 1


def test_private_key_is_owner_only_and_never_in_the_report(tmp_path: Path, capsys) -> None:
    key = tmp_path / "cfg" / "k.pem"
    assert main(["keys", "init", "--key", str(key)]) == 0
    if os.name == "posix":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    fingerprint = load_signer(key).public.fingerprint
    assert fingerprint in capsys.readouterr().out
    assert main(["keys", "init", "--key", str(key)]) == 3  # never overwritten silently
    session = campaign(tmp_path)
    out = tmp_path / "r"
    assert main(["report", str(session), "-o", str(out), "--sign", "--key", str(key)]) == 0
    private = key.read_bytes()
    body = private.split(b"-----")[2].strip()
    for p in files_of(out):
        data = p.read_bytes()
        assert b"PRIVATE KEY" not in data and body not in data
    html = (out / "index.html").read_text(encoding="utf-8")
    assert fingerprint in html  # the reviewer compares it with the one announced
    assert json.loads((out / SIGNATURE).read_bytes())["fingerprint"] == fingerprint
    if os.name == "posix":
        key.chmod(0o644)
        assert main(["report", str(session), "-o", str(out), "--sign", "--key", str(key)]) == 3


def test_a_whole_book_signed_by_another_key_than_the_one_expected_is_said_so_not_altered(
    tmp_path: Path, key: Path, capsys
) -> None:
    """``--key`` names the editor's key; a book signed (and built) by someone else is refused as such — every
    file conforms, nothing was changed —, in either language."""
    other = tmp_path / "other.pem"
    init_key(other)
    folder = build_report(campaign(tmp_path), tmp_path / "r", BuildOptions(signer=load_signer(other))).folder
    assert main(["verify", str(folder), "--key", str(key.with_suffix(".pub"))]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("AUTRE SIGNATAIRE : conforme au manifeste, signé par la clé ")
    assert "ALTÉRÉ" not in out and "ok : 6 fichiers conformes au manifeste" in out
    assert main(["verify", str(folder), "--key", str(key.with_suffix(".pub")), "--lang", "en"]) == 1
    assert capsys.readouterr().out.splitlines()[-1].startswith("OTHER SIGNER: matches the manifest, signed by the key ")
    assert main(["verify", str(folder), "--key", str(other.with_suffix(".pub"))]) == 0


def test_a_manifest_edited_after_signing_is_named_alone_not_the_file_it_lists(
    tmp_path: Path, key: Path, capsys
) -> None:
    """One size changed in a signed manifest: the manifest is what changed; the untouched file it lists is not
    named « modifié » (its bytes are the ones signed): it is said to differ from a manifest nothing authenticates."""
    folder = signed_report(tmp_path, key)
    manifest = json.loads((folder / MANIFEST).read_bytes())
    listed = sorted(manifest["files"])[0]
    manifest["files"][listed]["size"] += 1
    (folder / MANIFEST).write_bytes(dumps(manifest))
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "modifié : manifest.json" in out and f"modifié : {listed}" not in out
    assert f"1 fichier diffère de manifest.json, que la signature n'authentifie pas : {listed}" in out
    assert out[-1] == "ALTÉRÉ"
