"""The simulated téléservices over real HTTP on loopback: every scenario of the registry, every fault,
the control API, and the exchange log the bench reads into the ``http`` channel.

One server process (``testbench services serve``) for the module, driven by the bench's own
:class:`ServicesProcess`; the requests are plain ``http.client`` ones, as any application would send.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testbench.domain.teleservices import registry_text
from testbench.services.process import ServicesDown, ServicesProcess, format_record
from testbench.services.scenarios import FAULTS, SERVICES, RegistryError, parse_registry, registry

CARE = "2026-01-12"
REQUESTS: dict[str, dict[str, Any]] = {
    "adri": {"query": "cible", "care_date": CARE, "beneficiary": {"nir": "199990000000017", "rank": 2}},
    "apcv": {"channel": "nfc", "care_date": CARE},
    "insi": {
        "traits": {"birth_name": "PATIENT", "first_name": "SANS VITALE", "sex": "M", "birth_date": "1999-01-01"},
        "nir": "199990000000017",
    },
    "eprescription": {"number": "RX-2026-0001"},
}


class Lines:
    def __init__(self) -> None:
        self.items: list[tuple[str, str | None, str | None]] = []

    def __call__(self, text: str, source_ts: str | None, level: str | None) -> None:
        self.items.append((text, source_ts, level))


@pytest.fixture(scope="module")
def lines() -> Lines:
    return Lines()


@pytest.fixture(scope="module")
def services(lines: Lines) -> Iterator[ServicesProcess]:
    proc = ServicesProcess(sink=lines)
    proc.ensure()
    yield proc
    proc.close()


def post(services: ServicesProcess, path: str, body: Any, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", services.port, timeout=timeout)
    try:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        conn.request("POST", path, data, {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def ask(services: ServicesProcess, service: str, scenario: str, fault: str = "none") -> tuple[int, Any]:
    services.configure(service, scenario, fault)
    status, data = post(services, f"/{service}", REQUESTS[service])
    return status, json.loads(data)


ALL_SCENARIOS = [(service, name) for service in SERVICES for name in registry().names(service)]


@pytest.mark.parametrize(("service", "name"), ALL_SCENARIOS, ids=[f"{s}-{n}" for s, n in ALL_SCENARIOS])
def test_every_scenario_answers_in_our_format(services: ServicesProcess, service: str, name: str) -> None:
    scenario = registry().get(service, name)
    assert scenario is not None
    status, answer = ask(services, service, name)
    assert status == scenario.http_status
    assert answer["service"] == service
    if scenario.answer == "error":
        assert answer["status"] == "error" and answer["code"] == scenario.params["code"]
    elif scenario.answer == "rights":
        bens = answer["beneficiaries"]
        assert answer["status"] == "ok" and answer["care_date"] == CARE and answer["query"] == "cible"
        assert len(bens) == scenario.params.get("beneficiaries", 1)
        assert [b["rank"] for b in bens] == ([2] if len(bens) == 1 else [1, 2, 3])  # the rank asked, or all
        assert answer["marking"] == ("facture-adri" if scenario.params["marking"] else None)
        assert sorted(bens[0]["coverage"]) == sorted(scenario.params.get("coverage", []))
        # dates follow the care date: open scenarios span it, closed ones ended before it
        ends_before = bens[0]["rights_end"] < CARE
        assert ends_before == (scenario.params["rights_end_days"] < 0)
    elif scenario.answer == "context":
        assert answer["status"] == scenario.params["status"] and answer["channel"] == "nfc"
        if answer["status"] == "valid":
            assert answer["identity"]["nir"] == registry().default_identity["nir"]
            assert answer["expires"] > time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        elif answer["status"] == "expired":
            assert answer["expires"] < time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        else:
            assert answer["reason"]
    elif scenario.answer == "identities":
        count = scenario.params["count"]
        assert len(answer["identities"]) == count
        assert answer["status"] == {0: "not-found", 1: "found"}.get(count, "several")
        if count:
            assert answer["identities"][0]["ins"] == "199990000000017"
    elif scenario.answer == "prescription":
        rx = answer["prescription"]
        assert answer["status"] == "found" and rx["number"] == "RX-2026-0001"
        assert rx["lines"] == scenario.params["lines"] and rx["prescriber"]["rpps"]
    else:
        assert answer["status"] == "not-found"


@pytest.mark.parametrize("service", SERVICES)
def test_fault_server_error_is_http_500(services: ServicesProcess, service: str) -> None:
    services.configure(service, registry().default(service), "server-error")
    status, _ = post(services, f"/{service}", REQUESTS[service])
    assert status == 500


@pytest.mark.parametrize("service", SERVICES)
def test_fault_malformed_is_200_with_truncated_json(services: ServicesProcess, service: str) -> None:
    services.configure(service, registry().default(service), "malformed")
    status, data = post(services, f"/{service}", REQUESTS[service])
    assert status == 200
    with pytest.raises(ValueError):
        json.loads(data)


@pytest.mark.parametrize("service", SERVICES)
def test_fault_down_closes_the_connection_without_answer(services: ServicesProcess, service: str) -> None:
    services.configure(service, registry().default(service), "down")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        post(services, f"/{service}", REQUESTS[service])


@pytest.mark.parametrize("service", SERVICES)
def test_fault_timeout_holds_the_answer_back(services: ServicesProcess, service: str) -> None:
    services.configure(service, registry().default(service), "timeout")
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        post(services, f"/{service}", REQUESTS[service], timeout=0.3)
    assert time.monotonic() - started < 2
    # the server goes on serving while it holds that answer
    status, _ = ask(services, service, registry().default(service))
    assert status == 200


def test_faults_are_the_documented_ones() -> None:
    assert FAULTS == ("none", "timeout", "server-error", "malformed", "down")


def test_control_refuses_unknown_scenario_and_fault(services: ServicesProcess) -> None:
    with pytest.raises(ValueError, match="scénario inconnu « nope » pour adri"):
        services.configure("adri", "nope")
    with pytest.raises(ValueError, match="défaut inconnu"):
        services.configure("adri", "droits-ouverts", "slow")
    with pytest.raises(ValueError, match="téléservice inconnu"):
        services.configure("scor", "x")
    status, data = post(services, "/_bench/scenario", b"{not json")
    assert status == 400 and "JSON illisible" in json.loads(data)["message"]


def test_bad_request_is_400_in_our_format(services: ServicesProcess) -> None:
    services.configure("adri", "droits-ouverts")
    status, data = post(services, "/adri", {"beneficiary": {"rank": 1}})
    assert status == 400
    assert json.loads(data)["code"] == "REQUETE_INVALIDE"
    # insi as this test wants it: under xdist the test before it on this worker may have left it "down"
    services.configure("insi", registry().default("insi"))
    status, data = post(services, "/insi", b"\xff\xfe")
    assert status == 400


def test_apcv_presents_the_identity_the_bench_gives(services: ServicesProcess) -> None:
    identity = {"nir": "185057512345678", "rank": 1, "name": "MARTIN", "first_name": "JEAN", "birth_date": "1985-05-12"}
    services.configure("apcv", "contexte-valide", identity=identity)
    status, data = post(services, "/apcv", REQUESTS["apcv"])
    assert status == 200 and json.loads(data)["identity"] == identity


def test_each_exchange_is_one_log_line_read_before_settle_returns(services: ServicesProcess, lines: Lines) -> None:
    services.settle(timeout=30)  # the lines of the exchanges before this test are in first (a loaded machine)
    before = len(lines.items)
    ask(services, "eprescription", "ordonnance-lpp")
    services.settle(timeout=30)
    new = [text for text, _ts, _level in lines.items[before:]]
    assert new[0] == "eprescription : scénario ordonnance-lpp, sans défaut"
    assert new[1].startswith("POST /eprescription → 200 en ")
    assert '"number":"RX-2026-0001"' in new[1] and '"code":"1241763"' in new[1]
    _text, source_ts, level = lines.items[-1]
    assert level == "INFO" and source_ts is not None and source_ts.endswith("+00:00")


def test_log_lines_of_faults_say_what_happened() -> None:
    base = {"service": "adri", "method": "POST", "path": "/adri", "scenario": "droits-ouverts", "request": {}}
    assert format_record({**base, "status": 0, "fault": "down"})[0].startswith("POST /adri → connexion fermée")
    text, level = format_record({**base, "status": 0, "fault": "timeout"})
    assert "réponse retenue (timeout)" in text and level == "ERROR"
    text, level = format_record({**base, "status": 500, "fault": "server-error", "answer": "x"})
    assert "500" in text and "défaut server-error" in text and level == "ERROR"


def test_registry_is_checked() -> None:
    with pytest.raises(RegistryError, match="format"):
        parse_registry('format = "other"')
    text = registry_text()
    with pytest.raises(RegistryError, match="answer"):
        parse_registry(text.replace('answer = "rights"', 'answer = "songs"', 1))
    assert parse_registry(text).names("insi")[0] == "identite-trouvee"


@pytest.mark.skipif(os.name != "posix", reason="kills by signal")
def test_a_crashed_server_is_said_then_restarted() -> None:
    proc = ServicesProcess()
    try:
        proc.configure("adri", "droits-ouverts")
        assert proc._proc is not None
        os.kill(proc._proc.pid, signal.SIGKILL)
        proc._proc.wait(5)
        with pytest.raises(ServicesDown, match=r"tué par le signal 9 \(SIGKILL\)$"):
            proc.configure("adri", "droits-ouverts")
        proc.configure("adri", "droits-ouverts")  # the next step starts a fresh server
        assert proc.running and proc.port
    finally:
        proc.close()
    assert not proc.running


def test_close_stops_the_process_by_closing_stdin() -> None:
    proc = ServicesProcess()
    proc.ensure()
    popen = proc._proc
    assert popen is not None
    proc.close()
    assert popen.returncode == 0  # a clean stop, not a kill


def test_a_server_that_cannot_start_is_services_down() -> None:
    proc = ServicesProcess(argv=["/nonexistent/python-for-services"])
    with pytest.raises(ServicesDown, match="ne démarre pas"):
        proc.ensure()


def test_validate_places_a_misspelt_scenario(tmp_path: Path) -> None:
    """The casebook's checks read the registry's names: a typo is caught before anything runs."""
    from testbench.casebook.errors import CasebookError
    from testbench.casebook.loader import load_casebook

    source = Path(__file__).parent / "data" / "services" / "teleservices.xml"
    text = source.read_text(encoding="utf-8").replace('scenario="identite-trouvee"', 'scenario="identite-trouve"')
    shutil.copytree(Path(__file__).parents[1] / "casebooks" / "cards", tmp_path / "cards")
    (tmp_path / "tls.xml").write_text(text, encoding="utf-8")
    with pytest.raises(CasebookError) as info:
        load_casebook(tmp_path / "tls.xml")
    message = str(info.value)
    assert "scénario « identite-trouve » inconnu pour le téléservice insi" in message
    assert "connus : identite-trouvee, plusieurs-identites" in message
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if 'scenario="identite-trouve"' in ln)
    assert f"tls.xml:{line}:" in message


def test_the_registry_is_listed_by_the_control_api(services: ServicesProcess) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", services.port, timeout=5)
    try:
        conn.request("GET", "/_bench/scenarios")
        listing = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    assert {s: [e["name"] for e in listing[s]] for s in SERVICES} == {s: list(registry().names(s)) for s in SERVICES}
    assert listing["adri"][0] == {"name": "droits-ouverts", "title": registry().get("adri", "droits-ouverts").title}


@pytest.mark.skipif(os.name != "posix", reason="stops by signal")
def test_a_server_hung_during_a_step_is_killed_at_settle_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped (SIGSTOP) while a step talks to it: the step's own result stands, the bench's wait for the log
    ends at the control timeout, the hung server is killed and said, and the next step gets a fresh one."""
    from testbench.services import process

    monkeypatch.setattr(process, "CONTROL_TIMEOUT", 1.0)
    said: list[str] = []
    proc = ServicesProcess(on_start=said.append)
    try:
        proc.configure("adri", "droits-ouverts")
        hung = proc._proc
        assert hung is not None
        os.kill(hung.pid, signal.SIGSTOP)
        proc.settle()
        assert hung.poll() == -signal.SIGKILL and not proc.running
        proc.configure("adri", "droits-ouverts")  # the next step: a fresh server, not the stopped one
        fresh = proc._proc
        assert proc.running and fresh is not None and fresh.pid != hung.pid
    finally:
        proc.close()
    assert said[1:3] == [
        "le simulateur de téléservices ne répond pas en 1 s : arrêté, l'étape suivante en démarre un neuf",
        f"simulateur de téléservices redémarré (processus {fresh.pid})",
    ]
    assert said[3].startswith("téléservices simulés à l'écoute sur http://127.0.0.1:")


def test_rights_answers_name_the_organisme_a_scenario_may_change() -> None:
    """ADRi and ApCV answers carry the caisse and centre a lot is addressed to: 751/9999 by default, the
    scenario's own when its table says (docs/teleservices.md)."""
    from datetime import UTC, date, datetime

    from testbench.services import answers
    from testbench.services.scenarios import Scenario

    def scenario(service: str, **params: Any) -> Scenario:
        answer = "rights" if service == "adri" else "context"
        return Scenario(service, "s", "t", answer, 200, {"rights_start_days": -1, "rights_end_days": 1, **params})

    request = {"beneficiary": {"nir": "199990000000017", "rank": 1}, "care_date": "2026-01-12"}
    found = answers.adri(scenario("adri"), request, 1, date(2026, 1, 12))["beneficiaries"][0]
    assert (found["caisse"], found["centre"]) == ("751", "9999")
    found = answers.adri(scenario("adri", caisse="671", centre="0010"), request, 2, date(2026, 1, 12))
    assert (found["beneficiaries"][0]["caisse"], found["beneficiaries"][0]["centre"]) == ("671", "0010")
    context = answers.apcv(scenario("apcv", caisse="671"), {"care_date": "2026-01-12"}, 3,
                           datetime(2026, 1, 12, tzinfo=UTC), {"nir": "199990000000017"})  # fmt: skip
    assert (context["rights"]["caisse"], context["rights"]["centre"]) == ("671", "9999")
