"""docs/teleservices.md's literal promises, against the real simulator process over HTTP on the loopback.

The other tests check the answers against the registry the simulators read; these check them against what the
page tells a person (the scenario table's days, prescriptions, INS numbers, the server's first line, the
``http`` channel's levels), so a registry or code change that makes the page wrong fails here.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from testbench.services.process import ServicesProcess

CARE = date(2026, 1, 12)
ADRI = {"query": "cible", "care_date": CARE.isoformat(), "beneficiary": {"nir": "199990000000017", "rank": 1}}
TRAITS = {"birth_name": "MARTIN", "first_name": "PAUL", "sex": "M", "birth_date": "1952-01-01"}


class Lines:
    """The bench's sink: each exchange's ``http`` line and its level."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str | None]] = []

    def __call__(self, text: str, source_ts: str | None, level: str | None) -> None:
        self.items.append((text, level))


@pytest.fixture(scope="module")
def lines() -> Lines:
    return Lines()


@pytest.fixture(scope="module")
def served(lines: Lines) -> Iterator[ServicesProcess]:
    proc = ServicesProcess(sink=lines)
    proc.ensure()
    yield proc
    proc.close()


def post(proc: ServicesProcess, path: str, body: Any) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=5)
    try:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        conn.request("POST", path, data, {"Content-Type": "application/json"})
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, raw


def ask(proc: ServicesProcess, service: str, scenario: str, body: Any) -> tuple[int, Any]:
    proc.configure(service, scenario)
    return post(proc, f"/{service}", body)


def day(offset: int) -> str:
    return (CARE + timedelta(days=offset)).isoformat()


# ------------------------------------------------------------------ the scenario table (§ Scenarios and faults)


def test_adri_rights_open_a_year_each_side_closed_30_days_before(served: ServicesProcess) -> None:
    """« rights open from 365 days before the care to 365 days after, marked facture-adri »; « droits-non-certifies »
    no marking; « droits-fermes » ended 30 days before; caisse 751, centre 9999 by default."""
    status, answer = ask(served, "adri", "droits-ouverts", ADRI)
    (found,) = answer["beneficiaries"]
    assert status == 200 and answer["marking"] == "facture-adri"
    assert (found["rights_start"], found["rights_end"]) == (day(-365), day(365))
    assert (found["caisse"], found["centre"]) == ("751", "9999")
    _status, answer = ask(served, "adri", "droits-non-certifies", ADRI)
    assert answer["beneficiaries"][0]["rights_end"] == day(365) and answer.get("marking") != "facture-adri"
    _status, answer = ask(served, "adri", "droits-fermes", ADRI)
    assert answer["beneficiaries"][0]["rights_end"] == day(-30)
    every_rank = {**ADRI, "beneficiary": {"nir": "199990000000017"}}
    _status, answer = ask(served, "adri", "plusieurs-beneficiaires", every_rank)
    assert [b["rank"] for b in answer["beneficiaries"]] == [1, 2, 3]
    status, answer = ask(served, "adri", "beneficiaire-inconnu", ADRI)
    assert answer["code"] == "BENEFICIAIRE_INCONNU"


def test_adri_coverage_scenarios(served: ServicesProcess) -> None:
    for scenario, flag in (("droits-ouverts-ald", "ald"), ("droits-ouverts-c2s", "c2s")):
        _status, answer = ask(served, "adri", scenario, ADRI)
        assert answer["beneficiaries"][0]["coverage"] == {flag: True}, scenario


def test_apcv_context_is_valid_ten_minutes(served: ServicesProcess) -> None:
    before = datetime.now(UTC)
    status, answer = ask(served, "apcv", "contexte-valide", {"channel": "qr", "care_date": CARE.isoformat()})
    after = datetime.now(UTC)
    expires = datetime.fromisoformat(answer["expires"])
    assert status == 200 and answer["status"] == "valid" and answer["channel"] == "qr"
    # the server stamps whole seconds: ten minutes from the request, to the second
    assert before + timedelta(minutes=10) - timedelta(seconds=1) <= expires <= after + timedelta(minutes=10)
    assert (answer["rights"]["caisse"], answer["rights"]["centre"]) == ("751", "9999")
    _status, answer = ask(served, "apcv", "contexte-expire", {"channel": "qr", "care_date": CARE.isoformat()})
    assert answer["status"] == "expired" and datetime.fromisoformat(answer["expires"]) < before
    _status, answer = ask(served, "apcv", "contexte-refuse", {"channel": "qr", "care_date": CARE.isoformat()})
    assert answer["status"] == "refused" and answer["reason"] == "application carte Vitale désactivée"


def test_eprescription_scenarios_give_the_documented_prescriptions(served: ServicesProcess) -> None:
    _status, answer = ask(served, "eprescription", "ordonnance-lpp", {"number": "RX-2026-0001"})
    rx = answer["prescription"]
    assert answer["status"] == "found" and rx["number"] == "RX-2026-0001" and rx["date"] == "2026-01-05"
    assert [(ln["nomenclature"], ln["code"], ln["quantity"]) for ln in rx["lines"]] == [
        ("LPP", "1241763", "4"),
        ("LPP", "1231782", "4"),
    ]
    assert rx["prescriber"]["rpps"] == "10000000007"
    _status, answer = ask(served, "eprescription", "ordonnance-soins-infirmiers", {"number": "RX-2026-0002"})
    rx = answer["prescription"]
    assert rx["date"] == "2026-01-09"
    assert [(ln["nomenclature"], ln["code"], ln["quantity"]) for ln in rx["lines"]] == [("NGAP", "AMI", "1")]
    _status, answer = ask(served, "eprescription", "ordonnance-inconnue", {"number": "RX-0000"})
    assert answer == {"service": "eprescription", "status": "not-found", "number": "RX-0000"}


@pytest.mark.parametrize(
    ("service", "body"),
    [
        ("adri", ADRI),
        ("apcv", {"channel": "nfc", "care_date": CARE.isoformat()}),
        ("insi", {"traits": TRAITS}),
        ("eprescription", {"number": "RX-2026-0001"}),
    ],
)
def test_every_service_has_service_indisponible_as_503(served: ServicesProcess, service: str, body: Any) -> None:
    status, answer = ask(served, service, "service-indisponible", body)
    assert status == 503
    assert (answer["service"], answer["status"], answer["code"]) == (service, "error", "SERVICE_INDISPONIBLE")


# ------------------------------------------------------------------ INSi (§ Formats)


def _key(body: str) -> str:
    """A NIR's key computed here, apart from the code: Corsica's 2A / 2B read as 19 / 18."""
    digits = body.upper().replace("2A", "19").replace("2B", "18")
    return f"{97 - int(digits) % 97:02d}"


def test_insi_ins_numbers_are_the_documented_ones(served: ServicesProcess) -> None:
    """Without a NIR the first identity is 299990000000028, the second 299990000000127; a 13-character NIR is
    answered with its key (Corsica's 2A counted as 19), a 15-character one as given, its key unchecked."""
    _status, answer = ask(served, "insi", "plusieurs-identites", {"traits": TRAITS})
    assert answer["status"] == "several"
    assert [i["ins"] for i in answer["identities"]] == ["299990000000028", "299990000000127"]
    _status, answer = ask(served, "insi", "identite-trouvee", {"traits": TRAITS})
    assert answer["status"] == "found" and [i["ins"] for i in answer["identities"]] == ["299990000000028"]
    for body in ("1520175123001", "152012A999001", "152012B999001"):
        _status, answer = ask(served, "insi", "identite-trouvee", {"traits": TRAITS, "nir": body})
        assert answer["identities"][0]["ins"] == body + _key(body), body
    assert _key("152012A999001") != _key("152012B999001")  # the test tells the two apart
    _status, answer = ask(served, "insi", "identite-trouvee", {"traits": TRAITS, "nir": "199990000000099"})
    assert answer["identities"][0]["ins"] == "199990000000099"  # a wrong key is kept as given
    assert answer["identities"][0]["oid"] == "1.2.250.1.213.1.4.10"
    status, answer = ask(served, "insi", "identite-inconnue", {"traits": TRAITS})
    assert (status, answer["status"], answer["identities"]) == (200, "not-found", [])


def test_insi_search_on_fewer_traits_is_refused_never_found(served: ServicesProcess) -> None:
    served.configure("insi", "identite-trouvee")
    for missing in ("birth_name", "sex", "birth_date"):
        traits = {k: v for k, v in TRAITS.items() if k != missing}
        status, answer = post(served, "/insi", {"traits": traits})
        assert (status, answer["code"]) == (400, "REQUETE_INVALIDE"), missing
        assert f"traits.{missing}" in answer["message"], answer


# ------------------------------------------------------------------ the http channel's levels


def test_http_line_levels_info_warn_error(served: ServicesProcess, lines: Lines) -> None:
    """« at level INFO (WARN for a 4xx or an injected fault, ERROR for a 5xx or no answer) »."""

    def level_of(service: str, scenario: str, fault: str, body: Any) -> str | None:
        served.settle(timeout=30)
        before = len(lines.items)
        served.configure(service, scenario, fault)
        with contextlib.suppress(http.client.RemoteDisconnected, ConnectionResetError):  # fault « down »
            post(served, f"/{service}", body)
        served.settle(timeout=30)
        exchanges = [(text, level) for text, level in lines.items[before:] if text.startswith("POST ")]
        assert len(exchanges) == 1, lines.items[before:]
        return exchanges[0][1]

    assert level_of("adri", "droits-ouverts", "none", ADRI) == "INFO"
    assert level_of("adri", "droits-ouverts", "none", {"care_date": "x"}) == "WARN"  # HTTP 400
    assert level_of("adri", "droits-ouverts", "malformed", ADRI) == "WARN"  # HTTP 200, an injected fault
    assert level_of("adri", "droits-ouverts", "server-error", ADRI) == "ERROR"
    assert level_of("adri", "service-indisponible", "none", ADRI) == "ERROR"  # 503, no fault injected
    assert level_of("adri", "droits-ouverts", "down", ADRI) == "ERROR"  # no answer


# ------------------------------------------------------------------ the server's own stdout (§ The server)


def test_serve_prints_its_port_then_one_json_line_per_exchange(tmp_path: Path) -> None:
    """``testbench services serve --port 0`` prints {"port": N, "host": "127.0.0.1"}, then a JSON line per
    exchange; stdin closed ends it with code 0, silent."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": ""}
    argv = [sys.executable, "-P", "-m", "testbench", "services", "serve", "--port", "0"]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        first = json.loads(proc.stdout.readline())
        assert set(first) == {"port", "host"} and first["host"] == "127.0.0.1"
        assert isinstance(first["port"], int) and first["port"] > 0
        conn = http.client.HTTPConnection("127.0.0.1", first["port"], timeout=5)
        conn.request("POST", "/adri", json.dumps(ADRI).encode(), {"Content-Type": "application/json"})
        assert conn.getresponse().status == 200
        conn.close()
        out, err = proc.communicate(timeout=30)  # closes stdin, as the bench does
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0 and err == b""
    records = [json.loads(line) for line in out.decode("utf-8").splitlines()]
    exchanges = [r for r in records if r.get("path") == "/adri"]
    assert len(exchanges) == 1
    assert exchanges[0]["status"] == 200 and exchanges[0]["request"] == ADRI
    assert exchanges[0]["answer"]["service"] == "adri"


# ------------------------------------------------------------------ the campaign's simulator (§ The server)

CASEBOOK = Path(__file__).parent / "data" / "services" / "teleservices.xml"
PLAIN_CASE = """
    <case id="FACTURE-SEULE" domain="adri" mode="sesam-sans-vitale">
      <title>Une facture seule</title>
      <objective>Aucun téléservice n'est appelé.</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <invoice id="s-invoice" patient="p-ssv" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
      </steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
      </expectations>
    </case>
"""
LISTENING = "téléservices simulés à l'écoute sur http://127.0.0.1:"


def _simulators_alive() -> list[int]:
    """Our own children running ``testbench services serve`` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and b"services" in cmdline and b"serve" in cmdline and stat[0] != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads our children in /proc")
def test_the_simulator_starts_on_the_first_step_that_needs_it_and_stops_with_the_campaign(tmp_path: Path) -> None:
    """« on the first step that needs a téléservice (a case without one starts nothing) and stops it at the end of
    the campaign »."""
    import shutil

    from testbench.casebook.loader import load_casebook
    from testbench.runner.campaign import Campaign
    from testbench.runner.options import BenchOptions, CampaignOptions
    from testbench.store.read import read_session

    xml = CASEBOOK.read_text(encoding="utf-8").replace("  <cases>\n", "  <cases>\n" + PLAIN_CASE, 1)
    (tmp_path / "tls.xml").write_text(xml, encoding="utf-8")
    shutil.copytree(Path(__file__).parents[1] / "casebooks" / "cards", tmp_path / "cards")
    book = load_casebook(tmp_path / "tls.xml")
    cases = {case.id: case for case in book.cases}
    options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"))

    def bench_lines(session: Path, case_id: str) -> list[str]:
        with read_session(session) as view:
            (attempt,) = view.attempts_of((book.sha256, case_id))
            return [line.text for line in view.trace_lines(attempt.id, "bench")]

    before = set(_simulators_alive())  # this module's own server, if started
    alone = tmp_path / "alone.tbsession"
    result = Campaign([book], alone, options).run_selection([(book, cases["FACTURE-SEULE"])])
    assert result.verdicts == {"FACTURE-SEULE": "pass"}
    with read_session(alone) as view:
        texts = [line.text for line in view.iter_trace_lines()]
    assert texts and not any(LISTENING in text or "simulateur de téléservices" in text for text in texts)
    both = tmp_path / "both.tbsession"
    selection = [(book, cases["FACTURE-SEULE"]), (book, cases["ADRI-OUVERTS"])]
    result = Campaign([book], both, options).run_selection(selection)
    assert result.verdicts == {"FACTURE-SEULE": "pass", "ADRI-OUVERTS": "pass"}
    assert not any(LISTENING in text for text in bench_lines(both, "FACTURE-SEULE"))
    assert sum(LISTENING in text for text in bench_lines(both, "ADRI-OUVERTS")) == 1
    assert set(_simulators_alive()) <= before  # the campaign's stopped with it


C2S_CASE = """
    <case id="ADRI-C2S" domain="adri" mode="sesam-sans-vitale">
      <title>ADRi puis facture C2S</title>
      <objective>Les droits répondus par ADRi remplacent ceux de la fixture.</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <adri id="s-adri" patient="p-ssv" care-date="2026-01-12" query="cible" scenario="{scenario}"/>
        <invoice id="s-invoice" patient="p-ssv" care-date="2026-01-12" tiers-payant="amo+amc" amc-type="c2s"
                 amc-number="99999999">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
      </steps>
      <expectations>
        <value id="e-open" step="s-adri" path="adri.rights_open" type="boolean" expected="true"/>
      </expectations>
    </case>
"""


@pytest.mark.parametrize(
    ("scenario", "verdict", "reason"),
    [("droits-ouverts-c2s", "pass", ""), ("droits-ouverts", "fail", "C2S_NOT_IN_RIGHTS")],
)
def test_adri_rights_replace_the_fixtures_for_the_invoice_that_follows(
    tmp_path: Path, scenario: str, verdict: str, reason: str
) -> None:
    """« droits-ouverts-c2s bills with C2S coverage »: the fixture p-ssv has no C2S; the rights ADRi answered do,
    so a C2S invoice is billed after droits-ouverts-c2s and refused after droits-ouverts."""
    import shutil

    from testbench.casebook.loader import load_casebook
    from testbench.runner.campaign import Campaign
    from testbench.runner.options import BenchOptions, CampaignOptions
    from testbench.store.read import read_session

    xml = CASEBOOK.read_text(encoding="utf-8")
    xml = xml.replace("  <cases>\n", "  <cases>\n" + C2S_CASE.format(scenario=scenario), 1)
    (tmp_path / "c2s.xml").write_text(xml, encoding="utf-8")
    shutil.copytree(Path(__file__).parents[1] / "casebooks" / "cards", tmp_path / "cards")
    book = load_casebook(tmp_path / "c2s.xml")
    case = next(c for c in book.cases if c.id == "ADRI-C2S")
    session = tmp_path / "c2s.tbsession"
    options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"))
    result = Campaign([book], session, options).run_selection([(book, case)])
    assert result.verdicts == {"ADRI-C2S": verdict}
    with read_session(session) as view:
        (attempt,) = view.attempts_of((book.sha256, "ADRI-C2S"))
    assert reason in (attempt.reason or "")


# ------------------------------------------------------------------ the reference engine's client (§ The engine calls)


def _closing_server(answers: int) -> tuple[socket.socket, list[int], threading.Thread]:
    """Answers the first request of each of its first ``answers`` connections (HTTP/1.1, kept alive by its headers)
    then closes it, as a server restarted or reaped between calls does; later connections are closed unanswered."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    srv.settimeout(0.1)  # accept wakes up to see the socket closed
    accepted: list[int] = []
    body = b'{"service":"adri","status":"error","code":"BENEFICIAIRE_INCONNU","message":"x"}'
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)

    def serve() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                if srv.fileno() == -1:
                    return
                continue
            except OSError:
                return
            accepted.append(1)
            with conn:
                conn.settimeout(5)
                with contextlib.suppress(OSError):
                    conn.recv(65536)
                    if len(accepted) <= answers:
                        conn.sendall(head + body)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return srv, accepted, thread


def test_a_kept_alive_connection_the_server_closed_is_reopened_once() -> None:
    """« one kept-alive connection per server (a connection the server closed is reopened once) »."""
    from testbench.domain.refusal import EngineRefusal
    from testbench.engines.reference.teleservices import TeleserviceClient

    srv, accepted, thread = _closing_server(answers=2)
    client = TeleserviceClient()
    request = {"service_url": f"http://127.0.0.1:{srv.getsockname()[1]}/adri", "service_timeout": 5}
    try:
        assert client.post("adri", request, {})["status"] == "error"  # answered, on connection 1
        assert client.post("adri", request, {})["status"] == "error"  # connection 1 closed: reopened, answered
        assert len(accepted) == 2
        with pytest.raises(EngineRefusal) as info:  # closed again, and the fresh one closed unanswered: no third
            client.post("adri", request, {})
        assert info.value.code == "TELESERVICE_UNAVAILABLE"
        assert len(accepted) == 3  # the kept one failed, one fresh try (connection 3), no more
    finally:
        client.close()
        srv.close()
        thread.join(5)
