"""The application profile (``sut.toml``): what loads, where each problem is placed, how a campaign uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import CampaignError, RunRequest, apply_profile, run_campaign
from testbench.runner.events import StepStarted
from testbench.runner.options import BenchOptions, CampaignOptions, Identity, Selection
from testbench.store.read import read_session
from testbench.sut.profile import SutProfileError, load_profile
from testbench.traces.parsers import LineFormat

#: the demo application's own line layout (no preset reads it): a custom pattern in the profile
DEMO_PATTERN = r"^(?P<ts>\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2},\d{3}) \[(?P<level>\w+) *\] (?P<msg>.*)$"

VALID = f"""\
[product]
name = "Démo ERP PSAD"
version = "4.2.0"
editor = "Éditeur démo"
agrement = "TEST-0001"

[[logs]]
path = "logs/app-*.log"
encoding = "cp1252"
format = "log4j"
clock_offset_ms = 250

[[logs]]
path = "logs/demo-erp.log"
encoding = "cp1252"
pattern = '{DEMO_PATTERN}'
ts_format = "%d/%m/%Y %H:%M:%S,%f"

[syslog]
port = 0

[outputs]
fse = "out/fse"
lots = "out/lots"
returns = "in/returns"

[[extractors]]
name = "montants FSE"
kind = "xpath"
applies_to = ["create_invoice", "secure_invoice"]
files = "fse"
fields = {{ "string(//totals/@amo)" = "invoice.totals.amo" }}

[guidance.create_invoice]
menu = "Facturation > Nouvelle facture"
note = "choisir le patient lu sur la carte"
"""


def _write(folder: Path, text: str, name: str = "sut.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_profile_loads_with_paths_read_from_its_folder(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path / "erp", VALID))
    base = (tmp_path / "erp").resolve()
    assert profile.product.name == "Démo ERP PSAD" and profile.product.agrement == "TEST-0001"
    first, second = profile.log_sources
    assert first.path == str(base / "logs/app-*.log") and first.fmt == "log4j" and first.encoding == "cp1252"
    assert first.capture_kwargs()["clock_offset_s"] == 0.25
    assert isinstance(second.fmt, LineFormat) and second.fmt.ts_format == "%d/%m/%Y %H:%M:%S,%f"
    assert profile.logs[0] == f"{base / 'logs/app-*.log'};channel=app;format=log4j;encoding=cp1252;offset=0.25"
    assert profile.syslog_port == 0
    assert dict(profile.outputs) == {"fse": base / "out/fse", "lots": base / "out/lots", "returns": base / "in/returns"}
    (extractor,) = profile.extractors
    assert extractor.kind == "xpath" and extractor.files == "fse" and "secure_invoice" in extractor.applies_to
    assert profile.guidance["create_invoice"].menu == "Facturation > Nouvelle facture"


def _error(tmp_path: Path, text: str) -> SutProfileError:
    with pytest.raises(SutProfileError) as caught:
        load_profile(_write(tmp_path, text))
    return caught.value


def test_a_toml_syntax_error_is_placed_at_its_line_and_column(tmp_path: Path) -> None:
    error = _error(tmp_path, '[product]\nname = "x"\n[[logs]\npath = "a"\n')
    said = "syntaxe TOML invalide : « ]] » attendu à la fin de l'en-tête [[…]]"
    assert error.text() == f"{tmp_path / 'sut.toml'}:3:7: {said}"
    assert error.text("en").startswith(f"{tmp_path / 'sut.toml'}:3:7: invalid TOML syntax: ")


@pytest.mark.parametrize(
    ("text", "french", "english"),
    [
        (
            '[product]\nname = "x"\ncolour = "red"\n',
            "[product].colour : clé inconnue (clés permises : agrement, editor, name, version)",
            "[product].colour: unknown key (allowed keys: agrement, editor, name, version)",
        ),
        (
            "[product]\nname = 3\n",
            "[product].name : une chaîne de caractères est attendue",
            "[product].name: a string is expected",
        ),
        (
            '[product]\nversion = "1"\n',
            "[product].name : clé obligatoire absente",
            "[product].name: required key missing",
        ),
        ('[outputs]\nfse = "x"\n', "[product] : section obligatoire absente", "[product]: required section missing"),
        (
            '[product]\nname = "x"\n[[logs]]\npath = "a.log"\nclock_offset_ms = "2"\n',
            "[logs][1].clock_offset_ms : un nombre est attendu",
            "[logs][1].clock_offset_ms: a number is expected",
        ),
        (
            '[product]\nname = "x"\n[[logs]]\npath = "a.log"\nformat = "log5j"\n',
            "[logs][1].format : format inconnu « log5j »",
            "[logs][1].format: unknown format “log5j”",
        ),
        (
            '[product]\nname = "x"\n[[logs]]\npath = "a.log"\nchannel = "nope"\n',
            "[logs][1].channel : canal « nope » impossible pour un journal (canaux : app, engine)",
            "[logs][1].channel: channel “nope” cannot be used for a log (channels: app, engine)",
        ),
        (
            '[product]\nname = "x"\n[syslog]\nport = 70000\n',
            "[syslog].port : un port entre 0 et 65535 est attendu",
            "[syslog].port: a port between 0 and 65535 is expected",
        ),
        (
            '[product]\nname = "x"\n[guidance.fly]\nmenu = "m"\n',
            "[guidance.fly] : étape inconnue",
            "[guidance.fly]: unknown step",
        ),
        ('[product]\nname = "x"\n[extras]\n', "[extras] : section inconnue", "[extras]: unknown section"),
        # audit 13: values TOML accepts that read no line right, silently
        (
            '[product]\nname = "x"\n[[logs]]\npath = "a.log"\nclock_offset_ms = inf\n',
            "[logs][1].clock_offset_ms : un nombre est attendu",
            "[logs][1].clock_offset_ms: a number is expected",
        ),
        (
            '[product]\nname = "x"\n[[logs]]\npath = "a.log"\npattern = "(?P<msg>.*)"\ntz = "Mars/Olympus"\n',
            "[logs][1].tz : « local » ou « utc » est attendu",
            "[logs][1].tz: “local” or “utc” is expected",
        ),
        (
            '[product]\nname = "x"\n[[logs]]\npath = "a.log"\npattern = "(?P<msg>.*)"\nts_format = "%Q"\n',
            "[logs][1].ts_format : format d'horodatage invalide « %Q »",
            "[logs][1].ts_format: invalid timestamp format “%Q”",
        ),
    ],
)
def test_each_semantic_error_names_its_section_and_key(tmp_path: Path, text: str, french: str, english: str) -> None:
    error, file = _error(tmp_path, text), tmp_path / "sut.toml"

    def unplaced(said: str) -> str:  # its line and column: tests/test_sut_profile_places.py
        return said.replace(f"{file}:{error.line}:{error.col}: ", f"{file}: ")

    assert unplaced(error.text()).startswith(f"{file}: {french}"), error.text()
    assert unplaced(error.text("en")).startswith(f"{file}: {english}"), error.text("en")


def test_an_extractor_error_names_the_file_its_line_and_its_table(tmp_path: Path) -> None:
    text = '[product]\nname = "x"\n[[extractors]]\nname = "e"\nkind = "sql"\napplies_to = ["create_invoice"]\n'
    message = _error(tmp_path, text).text()
    assert message.startswith(f"{tmp_path / 'sut.toml'}:5:8: [extractors][1] : ") and "sql" in message


def test_an_observation_path_no_expectation_reads_is_refused_at_its_line(tmp_path: Path) -> None:
    """Audit 16: an extractor that would read nothing on the day; refused where its path is written."""
    text = (
        '[product]\nname = "x"\n[[extractors]]\nname = "e"\nkind = "regex"\napplies_to = ["create_invoice"]\n'
        'pattern = "amo=(?P<amo>\\\\S+)"\nfields = { amo = "invoice.totals.amoo" }\n'
    )
    error = _error(tmp_path, text)
    where = f"{tmp_path / 'sut.toml'}:8:18: [extractors][1]"
    assert error.text().startswith(f"{where} : chemin d'observation inconnu « invoice.totals.amoo »"), error.text()
    assert error.text("en").startswith(f"{where}: unknown observation path “invoice.totals.amoo”"), error.text("en")


def test_a_missing_profile_is_said_without_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(SutProfileError) as caught:
        load_profile(tmp_path / "absent.toml")
    assert caught.value.text().startswith(f"{tmp_path / 'absent.toml'}: profil illisible (")


def test_the_profile_fills_the_identity_the_command_line_left_empty(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID)
    options = apply_profile(CampaignOptions(BenchOptions(sut_profile=path), identity=Identity(sut_version="9.9")))
    assert options.identity.sut == "Démo ERP PSAD" and options.identity.agrement == "TEST-0001"
    assert options.identity.sut_version == "9.9"  # the command line's word stands
    assert options.capture.syslog_port == 0
    assert options.bench.watch_dir == (tmp_path / "out/fse").resolve()
    assert options.bench.profile is not None and apply_profile(options) is options
    broken = CampaignOptions(BenchOptions(sut_profile=_write(tmp_path, "[product]\n", "bad.toml")))
    with pytest.raises(CampaignError) as caught:
        apply_profile(broken)
    assert caught.value.lines == [f"{tmp_path / 'bad.toml'}:1:1: [product].name : clé obligatoire absente"]


def test_a_campaign_follows_the_profile_logs_with_their_own_pattern(tmp_path: Path) -> None:
    """The profile's log (a layout no preset reads) is captured during the case, level and time parsed."""
    log = tmp_path / "logs" / "demo-erp.log"
    log.parent.mkdir()
    log.write_text("", encoding="cp1252")
    profile = _write(
        tmp_path,
        '[product]\nname = "Démo ERP"\nversion = "4.2.0"\n[[logs]]\npath = "logs/demo-erp.log"\n'
        f'encoding = "cp1252"\npattern = \'{DEMO_PATTERN}\'\nts_format = "%d/%m/%Y %H:%M:%S,%f"\n',
    )

    def listener(event: object) -> None:
        if isinstance(event, StepStarted):
            with log.open("a", encoding="cp1252") as f:
                f.write(f"03/12/2026 09:14:02,123 [WARN ] FACT étape {event.step.id} créée\n")

    session = tmp_path / "s.tbsession"
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="inprocess", sut_profile=profile), selection=Selection("DEMO-FSE-001")
    )
    result = run_campaign(RunRequest([CASEBOOKS_DIR / "demo.xml"], session, options), listener=listener)
    assert result.final_verdicts == ["pass"]
    with read_session(session) as view:
        lines = view.trace_lines(view.cases[0].latest.id, "app")
        recorded = view.runs[-1]["options"]
    assert lines and all(line.level == "WARN" and line.source_ts == "03/12/2026 09:14:02,123" for line in lines)
    assert any("créée" in line.text for line in lines)  # read as cp1252
    assert recorded["sut"] == {"name": "Démo ERP", "version": "4.2.0"}


def test_the_documented_example_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "sut-profile.md").read_text(encoding="utf-8")
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    profile = load_profile(_write(tmp_path, example))
    assert profile.product.name == "Démo ERP PSAD" and len(profile.log_sources) == 2 and len(profile.extractors) == 2
    assert set(profile.guidance) == {"create_invoice", "build_lot"}


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_an_extractor_waits_a_number_of_seconds_there_is(tmp_path: Path, value: str) -> None:
    """Audit 13: « stable_for = nan » was taken, and no file was ever stable for it."""
    text = (
        '[product]\nname = "x"\n[[extractors]]\nname = "e"\nkind = "regex"\napplies_to = ["create_invoice"]\n'
        f'pattern = "AMO=(?P<amo>\\\\d+)"\nfields = {{ amo = "invoice.totals.amo" }}\nstable_for = {value}\n'
    )
    message = _error(tmp_path, text).text()
    assert "« stable_for » doit être un nombre de secondes ≥ 0" in message, message


def test_a_log_extractor_on_a_channel_no_log_is_stored_on_is_refused_at_its_line(tmp_path: Path) -> None:
    """« apps » for « app » would read nothing on the exam day: refused at its line, as a mistyped ``files``."""
    text = (
        '[product]\nname = "x"\n[[extractors]]\nname = "e"\nkind = "regex"\napplies_to = ["create_invoice"]\n'
        'pattern = "amo=(?P<amo>\\\\S+)"\nchannel = "apps"\nfields = { amo = "invoice.totals.amo" }\n'
    )
    error = _error(tmp_path, text)
    where = f"{tmp_path / 'sut.toml'}:8:11: [extractors][1].channel"
    assert error.text() == f"{where} : canal « apps » inconnu pour un extracteur de journal (canaux : app, engine)"
    assert error.text("en") == f"{where}: unknown channel “apps” for a log extractor (channels: app, engine)"
