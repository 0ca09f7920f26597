"""French typography after a place or a program name: « s.tbsession : … », « testbench sut init : … »; English keeps
"s.tbsession: …" (the sweep after the store's path messages: the runner's refusals, shards of another campaign, the
review, coverage and sut init prefixes, the reference engine's and the reader's messages). Compiler-style places
(« file:line:col: ») stay as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import build_parser, main
from testbench.engines.reference.b2 import B2FormatError, Field, _render_field
from testbench.engines.reference.fse import validate_fse
from testbench.i18n import english, use_language
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.shard import Shard, check_shards, shard_record

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real session of one demo case, run to its end."""
    path = tmp_path_factory.mktemp("colon") / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(path), *BENCH]) in (0, 1)
    return path


def _err(capsys: pytest.CaptureFixture[str], argv: list[str], lang: str) -> str:
    main([*argv, "--lang", lang])
    return capsys.readouterr().err


def test_a_fresh_run_into_a_session_with_results(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", str(DEMO), "--session", str(session), *BENCH]
    assert f"{session} : la session contient déjà des résultats ; --resume" in _err(capsys, argv, "fr")
    assert f"{session}: the session already holds results; --resume" in _err(capsys, argv, "en")


def test_a_resume_with_a_shard_of_a_session_that_is_none(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", str(DEMO), "--session", str(session), *BENCH, "--resume", "--shard", "1/2"]
    french = _err(capsys, argv, "fr")
    assert f"{session} : cette session n'est pas une partition ; --resume la reprend sans --shard 1/2" in french
    english_err = _err(capsys, argv, "en")
    assert f"{session}: this session is not a shard; --resume continues it without --shard 1/2" in english_err
    assert "partition" not in english_err, english_err


def test_a_missing_attestations_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.json"
    argv = ["run", str(DEMO), "--session", str(tmp_path / "s.tbsession"), *BENCH, "--attestations", str(missing)]
    assert f"{missing} : attestations illisibles (introuvable)\n" in _err(capsys, argv, "fr")
    assert f"{missing}: unreadable attestations (not found)\n" in _err(capsys, argv, "en")


def test_a_misplaced_attestation_keeps_the_compiler_style_place(tmp_path: Path, capsys) -> None:
    file = tmp_path / "a.json"
    file.write_text('{"operator": 1}', encoding="utf-8")
    argv = ["run", str(DEMO), "--session", str(tmp_path / "s.tbsession"), *BENCH, "--attestations", str(file)]
    assert f"{file}:1:" in _err(capsys, argv, "fr")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "testbench sut init : {out} : le fichier existe déjà (--force pour le remplacer)\n"),
        ("en", "testbench sut init: {out}: the file already exists (--force to replace it)\n"),
    ],
)
def test_sut_init_over_an_existing_file(tmp_path: Path, capsys, lang: str, said: str) -> None:
    """Called as main calls it but without its standard error (which fixes a bare prefix): the command's own words."""
    out = tmp_path / "sut.toml"
    out.write_text("kept\n", encoding="utf-8")
    args = build_parser(["sut"]).parse_args(["sut", "init", "--yes", "--output", str(out), "--lang", lang])
    with use_language(lang):
        assert args.func(args) == 3
    assert capsys.readouterr().err == said.format(out=out)
    assert out.read_text(encoding="utf-8") == "kept\n"


@pytest.mark.parametrize(("lang", "prefix"), [("fr", "testbench review : "), ("en", "testbench review: ")])
def test_review_of_a_missing_session(tmp_path: Path, capsys, lang: str, prefix: str) -> None:
    from testbench.signing import init_key

    key = tmp_path / "k.pem"
    init_key(key)
    missing = tmp_path / "nothere.tbsession"
    argv = ["review", str(missing), "X", "--accept", "--reason", "vu", "--key", str(key), "--lang", lang]
    args = build_parser(["review"]).parse_args(argv)
    with use_language(lang):
        assert args.func(args) == 3
    said = "fichier de session introuvable" if lang == "fr" else "session file not found"
    sep = " : " if lang == "fr" else ": "
    assert capsys.readouterr().err == f"{prefix}{missing}{sep}{said}\n"


def test_a_shard_of_another_campaign_alone_and_with_a_casebook_in_other_bytes() -> None:
    (casebook,) = load_casebooks([DEMO])
    selected = [(casebook, case) for case in casebook.cases]
    other = [(casebook, case) for case in casebook.cases[1:]]
    first = ("1.tbsession", shard_record(Shard(1, 2), selected))
    (problem,) = check_shards([first, ("2.tbsession", shard_record(Shard(2, 2), other))]).problems
    assert problem.startswith("2.tbsession : partition 2/2 d'une autre campagne (autres cahiers"), problem
    assert english(problem).startswith("2.tbsession: shard 2/2 of another campaign (other casebooks"), problem
    from dataclasses import replace

    moved = replace(casebook, sha256="0" * 64)  # the same cases, another SHA-256: a CRLF checkout
    second = ("2.tbsession", shard_record(Shard(2, 2), [(moved, case) for _, case in selected]))
    (problem,) = check_shards([first, second], lambda _path: {"0" * 64: "ci/demo.xml"}).problems
    assert problem.startswith("2.tbsession : partition 2/2 d'une autre campagne : le cahier ci/demo.xml n'a pas")
    assert english(problem).startswith(
        "2.tbsession: shard 2/2 of another campaign: casebook ci/demo.xml does not have the same bytes"
    ), english(problem)


def test_the_reference_engine_and_the_reader_words() -> None:
    (malformed,) = validate_fse("<fse")
    assert malformed.startswith("XML mal formé : ") and english(malformed).startswith("malformed XML: ")
    with pytest.raises(B2FormatError) as info:
        _render_field(Field("montant", "amount", 1, 4), "-1")
    assert str(info.value) == "montant : valeur négative -100"
    with pytest.raises(B2FormatError) as info:
        _render_field(Field("nombre", "num", 1, 2), 123)
    assert str(info.value) == "nombre : 123 dépasse 2 chiffres"
    assert english("pas de carte dans Lecteur 0 : absent") == "no card in Lecteur 0: absent"
    assert english("lecteur introuvable : Lecteur 1") == "reader not found: Lecteur 1"
    assert english("PC/SC indisponible : x") == "PC/SC unavailable: x"
