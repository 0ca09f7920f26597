"""A mutation fuzz of what an outside engine answers: a stand-in engine proxies the reference engine and spoils one
answer (seeded), and the bench must go on in its own words (docs/engine-protocol.md, « Who answers for an engine's
fault »): the case whose answer was bad fails on the engine (« défaut du moteur … »), the other case still runs,
no traceback, no raw Python value, the session verifies and its report builds; ``engine check`` fails in words."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from testbench.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "casebooks" / "billing.xml"
#: the first case bills (create_invoice, secure_invoice), the second builds a lot (build_lot)
INVOICE_CASE, LOT_CASE = "TB-LPP-001", "TB-LOT-001"
SELECTION = f"id:{INVOICE_CASE} or id:{LOT_CASE}"

#: the stand-in engine: the reference engine behind a pipe, one answer to ``FUZZ_METHOD`` spoiled by
#: ``FUZZ_MUTATION`` (details drawn from ``random.Random(FUZZ_SEED)``), once per run (``FUZZ_FLAG`` is written
#: then: a restarted engine answers right)
STANDIN = r'''
import json, os, random, subprocess, sys, threading

MUTATION, METHOD, FLAG = os.environ["FUZZ_MUTATION"], os.environ["FUZZ_METHOD"], os.environ["FUZZ_FLAG"]
rng = random.Random(int(os.environ["FUZZ_SEED"]))
ref = subprocess.Popen([sys.executable, "-m", "testbench", "engine", "serve"], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE)
methods = {}


def up():
    for line in sys.stdin.buffer:
        try:
            msg = json.loads(line)
            if "method" in msg and "id" in msg:
                methods[msg["id"]] = msg["method"]
        except ValueError:
            pass
        if b'"fz1"' in line:  # the bench's answer to the stand-in's own request: not the reference engine's
            continue
        ref.stdin.write(line)
        ref.stdin.flush()
    ref.stdin.close()


def leaves(value, path=()):
    """Every (path, value) of a string, number, boolean or null inside ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, path + (index,))
    else:
        yield path, value


def put(value, path, new):
    for step in path[:-1]:
        value = value[step]
    value[path[-1]] = new


def amounts(result):
    return [path for path, leaf in leaves(result) if isinstance(leaf, str) and leaf.count(".") == 1
            and leaf.replace(".", "").isdigit() and len(leaf.split(".")[1]) == 2]


def spoil(msg):
    """The spoiled line (bytes, without its newline) for the answer ``msg``."""
    result = msg["result"]
    if MUTATION == "wrong-type":  # a field the schema types (the reference engine adds keys no schema names)
        typed = [(key,) for key in ("invoice_id", "number", "fse", "b2", "nir", "rpps") if key in result]
        path = rng.choice(amounts(result) + typed)
        leaf = result
        for step in path:
            leaf = leaf[step]
        put(result, path, rng.choice([12.5, [leaf], None, {"value": leaf}, True]))
    elif MUTATION == "number-for-string":
        put(result, rng.choice(amounts(result)), 33.6)
    elif MUTATION == "missing-field":
        required = {"create_invoice": ["invoice_id", "number", "lines", "totals", "withholdings", "fse"],
                    "build_lot": ["number", "invoice_count", "totals", "b2"],
                    "read_cps": ["rpps", "name", "profession"], "initialize": ["protocol_version", "engine"]}[METHOD]
        del result[rng.choice(required)]
    elif MUTATION == "missing-nested-field":
        del result["totals"][rng.choice(["billed", "base", "amo", "amc", "patient", "depassement"])]
    elif MUTATION == "extra-fields":
        result["vendor_" + str(rng.randrange(1000))] = {"x": [1, 2, None]}
    elif MUTATION == "extra-envelope-member":
        msg["vendor_extension"] = True
    elif MUTATION in ("nan", "infinity", "huge-number"):
        literal = {"nan": "NaN", "infinity": "-Infinity", "huge-number": "1" + "0" * 400}[MUTATION]
        put(result, rng.choice(amounts(result)), "@@LITERAL@@")
        return json.dumps(msg).replace('"@@LITERAL@@"', literal).encode()
    elif MUTATION == "negative-amount":  # the schema allows a sign: a wrong amount, which the case compares
        result["totals"]["amo"] = "-" + str(rng.randrange(1, 999)) + ".00"
    elif MUTATION == "long-string":
        result["invoice_id" if "invoice_id" in result else "number"] = "X" * 200_000
    elif MUTATION == "not-utf8":
        return json.dumps(msg).replace('"secured"', '"s\\u00e9cured"').replace("é", "").encode().replace(
            b'"result"', b'"r\xe9sult\xff"')
    elif MUTATION == "truncated":
        raw = json.dumps(msg).encode()
        return raw[: rng.randrange(5, len(raw) - 1)]
    elif MUTATION == "two-answers":
        raw = json.dumps(msg).encode()
        return raw + raw
    elif MUTATION == "other-id":
        msg["id"] = msg["id"] + rng.randrange(1, 50)
    elif MUTATION == "string-id":
        msg["id"] = str(msg["id"])
    elif MUTATION == "deep-nesting":
        return json.dumps(msg)[:-2].encode() + b', "deep": ' + b"[" * 10_000 + b"]" * 10_000 + b"}}"
    elif MUTATION == "empty-line":
        return b"\n" + json.dumps(msg).encode()
    elif MUTATION == "bom":
        return "\ufeff".encode() + json.dumps(msg).encode()
    elif MUTATION == "lone-surrogate":
        put(result, rng.choice([p for p, v in leaves(result) if isinstance(v, str)]), "@@SURROGATE@@")
        return json.dumps(msg).replace("@@SURROGATE@@", "\\ud800").encode()
    elif MUTATION.startswith("error-"):  # an error object of the wrong shape, each its own way
        del msg["result"]
        msg["error"] = {
            "error-not-object": "boom",
            "error-array": [1, 2],
            "error-code-string": {"code": "-32000", "message": 5},
            "error-refusal-data-string": {"code": -32000, "message": "refus", "data": "REFUS"},
            "error-refusal-code-null": {"code": -32000, "message": "refus", "data": {"type": "refusal", "code": None}},
            "error-refusal-code-huge": {"code": -32000, "message": "x" * 100_000,
                                        "data": {"type": "refusal", "code": "R" * 10_000, "details": [None]}},
            "error-card-kind-number": {"code": -32001, "message": "carte", "data": {"type": "card", "kind": 3}},
            "error-code-float": {"code": -32000.5, "message": "refus"},
            "error-code-unknown": {"code": 7, "message": None},
        }[MUTATION]
    elif MUTATION.startswith("before-"):  # a message of the engine's own before its (right) answer
        before = {
            "before-trace-bad": {"jsonrpc": "2.0", "method": "trace", "params": {"channel": "engine", "line": None}},
            "before-notification-unknown": {"jsonrpc": "2.0", "method": "progress", "params": [1]},
            "before-request-bad-apdu": {"jsonrpc": "2.0", "id": "fz1", "method": "card.transmit",
                                        "params": {"slot": "vitale", "apdu": "ZZ"}},
            "before-request-unknown": {"jsonrpc": "2.0", "id": "fz1", "method": "bogus", "params": None},
            "before-request-no-slot": {"jsonrpc": "2.0", "id": "fz1", "method": "card.atr", "params": {}},
        }[MUTATION]
        return json.dumps(before).encode() + b"\n" + json.dumps(msg).encode()
    elif MUTATION == "result-and-error":
        msg["error"] = {"code": -32603, "message": "interne"}
    elif MUTATION == "wrong-method-result":
        msg["result"] = {"status": "secured", "signature": "abc"} if METHOD != "secure_invoice" else {
            "name": "x", "version": "1", "agrement": "T", "socle_version": "1", "capabilities": []}
    elif MUTATION == "result-not-object":
        msg["result"] = rng.choice([None, [], "ok", 0])
    elif MUTATION == "doctype":
        key = "fse" if "fse" in result else "b2"
        result[key] = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">'
                       '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&e;&b;</x>')
    elif MUTATION == "binary-document":
        key = "fse" if "fse" in result else "b2"
        result[key] = bytes(rng.randrange(256) for _ in range(300)).decode("latin-1")
    else:
        raise SystemExit("unknown mutation " + MUTATION)
    return json.dumps(msg).encode()


threading.Thread(target=up, daemon=True).start()
out = sys.stdout.buffer
for line in ref.stdout:
    try:
        msg = json.loads(line)
    except ValueError:
        msg = None
    if (isinstance(msg, dict) and "result" in msg and methods.get(msg.get("id")) == METHOD
            and not os.path.exists(FLAG)):
        open(FLAG, "w").close()
        line = spoil(msg) + b"\n"
    out.write(line)
    out.flush()
os._exit(ref.wait())  # at once: the thread still reading stdin would hold the interpreter's end
'''


@dataclass(frozen=True)
class Mutant:
    """One way of spoiling one answer, and what the bench must make of it."""

    mutation: str
    method: str = "create_invoice"
    #: "fault": the answer breaks the protocol or its schema, the case fails on the engine; "harmless": the
    #: protocol allows it, the case passes; "wrong": a valid answer with a wrong value the case compares, the case
    #: fails on it; "either": a valid answer that may be wrong (a case's business)
    outcome: str = "fault"


MUTANTS = [
    Mutant("wrong-type"),
    Mutant("number-for-string"),
    Mutant("missing-field"),
    Mutant("missing-field", "build_lot"),
    Mutant("missing-nested-field"),
    Mutant("extra-fields", outcome="harmless"),
    Mutant("extra-envelope-member", outcome="harmless"),
    Mutant("nan"),
    Mutant("infinity"),
    Mutant("huge-number"),
    Mutant("negative-amount", outcome="wrong"),
    Mutant("long-string", outcome="either"),
    Mutant("not-utf8", "secure_invoice"),
    Mutant("truncated"),
    Mutant("two-answers"),
    Mutant("other-id"),
    Mutant("string-id"),
    Mutant("deep-nesting"),
    Mutant("empty-line", outcome="harmless"),
    Mutant("bom", outcome="harmless"),
    Mutant("lone-surrogate"),
    *(
        Mutant(f"error-{shape}")
        for shape in (
            "not-object",
            "array",
            "code-string",
            "refusal-data-string",
            "refusal-code-null",
            "card-kind-number",
            "code-float",
            "code-unknown",
        )
    ),
    Mutant("error-refusal-code-huge", outcome="wrong"),  # a refusal of the engine's own code: the case's failure
    Mutant("before-trace-bad", outcome="either"),
    Mutant("before-notification-unknown", outcome="either"),
    Mutant("before-request-bad-apdu", outcome="either"),
    Mutant("before-request-unknown", outcome="either"),
    Mutant("before-request-no-slot", outcome="either"),
    Mutant("truncated", "initialize"),
    Mutant("missing-field", "initialize"),
    Mutant("error-not-object", "initialize"),
    Mutant("wrong-type", "read_vitale"),
    Mutant("missing-field", "read_cps"),
    Mutant("result-and-error"),
    Mutant("wrong-method-result"),
    Mutant("result-not-object", "secure_invoice"),
    Mutant("doctype"),  # run reads every FSE and lot (engines/protocol/documents.py): a DOCTYPE is refused
    Mutant("binary-document"),
    Mutant("doctype", "build_lot"),
    Mutant("binary-document", "build_lot"),
]

#: what no person may read: a traceback, the bench's own failure, a raw Python value
FORBIDDEN = re.compile(
    r"Traceback|erreur interne|internal error|\bNone\b|\bTrue\b|\bFalse\b|\{'|'\}|<class |Error\(|Exception\b"
)
#: the exit codes ``run`` documents (README, « Exit codes »): 0 all passed, 1 a case failed (the product)
RUN_CODES = {"fault": {1}, "wrong": {1}, "harmless": {0}, "either": {0, 1}}


def _standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mutant: Mutant, seed: int) -> str:
    script = tmp_path / "standin.py"
    script.write_text(STANDIN, encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("FUZZ_MUTATION", mutant.mutation)
    monkeypatch.setenv("FUZZ_METHOD", mutant.method)
    monkeypatch.setenv("FUZZ_SEED", str(seed))
    monkeypatch.setenv("FUZZ_FLAG", str(tmp_path / "spoiled"))
    monkeypatch.chdir(ROOT)
    return f"{sys.executable} {script}"


def _said(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    return out + err


def _clean(said: str) -> None:
    assert not FORBIDDEN.search(said), said


def _verdicts(said: str) -> dict[str, str]:
    """Each case's line of the run: « [1/2] TB-LPP-001 : échec — … »."""
    return dict(re.findall(r"^\[\d+/\d+\] (\S+) : (.*)$", said, re.MULTILINE))


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: f"{m.mutation}@{m.method}")
def test_a_spoiled_answer_fails_the_engine_in_words(
    mutant: Mutant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = sum(map(ord, mutant.mutation + mutant.method))
    engine = _standin(tmp_path, monkeypatch, mutant, seed)
    session = tmp_path / "s.tbsession"
    options = ["--engine", engine, "--engine-timeout", "5", "--cards", "inprocess", "-k", SELECTION]
    code = main(["run", "--session", str(session), *options, str(BOOK)])
    said = _said(capsys)
    assert (tmp_path / "spoiled").exists(), said  # the answer was spoiled
    _clean(said)
    assert code in RUN_CODES[mutant.outcome], said
    verdicts = _verdicts(said)
    assert all(len(line) < 2000 for line in said.splitlines()), said  # an engine's flood never makes a huge line
    spoiled, other = (LOT_CASE, INVOICE_CASE) if mutant.method == "build_lot" else (INVOICE_CASE, LOT_CASE)
    assert verdicts[other].startswith("réussi"), said  # the other case still ran, on a fresh engine
    if mutant.outcome == "fault":
        assert verdicts[spoiled].startswith("échec"), said
        blamed = "défaut du moteur (démarrage)" if mutant.method == "initialize" else "défaut du moteur"
        assert blamed in verdicts[spoiled], said
    elif mutant.outcome == "wrong":
        assert verdicts[spoiled].startswith("échec"), said
    elif mutant.outcome == "harmless":
        assert verdicts[spoiled].startswith("réussi"), said
    assert main(["verify", str(session)]) == 0, _said(capsys)
    _clean(_said(capsys))
    assert main(["report", str(session), "-o", str(tmp_path / "report")]) == 0, _said(capsys)
    _clean(_said(capsys))
    if mutant.mutation == "doctype":  # the document is kept as written: no entity of its DOCTYPE was resolved
        for written in (tmp_path / "report").rglob("*"):
            if written.is_file():
                content = written.read_bytes()
                assert b"root:x:0:" not in content and b"a" * 100 not in content, written


#: the checks of ``engine check`` that may fail on a spoiled answer: those that ask the method, and the check of
#: every message's envelope (``arret``, ``demarrage``: the stand-in itself, never the spoiled answer)
CHECKS = {
    "initialize": {"demarrage", "enveloppe"},
    "read_vitale": {"cartes", "enveloppe"},
    "read_cps": {"cartes", "enveloppe"},
    "create_invoice": {"facture", "fse", "enveloppe"},
    "secure_invoice": {"securisation", "enveloppe"},
    "build_lot": {"lot", "enveloppe"},
}


#: the kit runs every mutant but those that would only repeat another's path through it (the time of the module)
CHECKED = [
    m
    for m in MUTANTS
    if not m.mutation.startswith("before-")
    and m.mutation not in ("nan", "string-id", "error-array", "error-code-float", "error-refusal-data-string")
]


@pytest.mark.parametrize("mutant", CHECKED, ids=lambda m: f"{m.mutation}@{m.method}")
def test_engine_check_fails_a_spoiled_answer_by_the_check_that_asked(
    mutant: Mutant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = sum(map(ord, mutant.mutation + mutant.method))
    engine = _standin(tmp_path, monkeypatch, mutant, seed)
    code = main(["engine", "check", "--timeout", "5", "--", *engine.split()])
    said = _said(capsys)
    assert (tmp_path / "spoiled").exists(), said
    _clean(said)
    failed = set(re.findall(r"^ÉCHEC +(\S+)", said, re.MULTILINE))
    # what builds on that answer, and the check of the trace notifications an engine sends
    assert failed <= CHECKS[mutant.method] | {"lot", "securisation", "traces"}, said
    if mutant.outcome in ("fault", "wrong") or mutant.mutation == "extra-envelope-member":
        assert code == 1 and failed & CHECKS[mutant.method], said
        assert "NON CONFORME" in said, said
    elif mutant.outcome == "harmless":
        assert code == 0 and not failed, said
    else:
        assert code in (0, 1), said


def test_an_extra_envelope_member_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Minimised from the fuzz: a response with a member JSON-RPC does not name failed ``enveloppe`` with « ne
    correspond à aucune des formes permises », which left the vendor to guess; the member is named now."""
    engine = _standin(tmp_path, monkeypatch, Mutant("extra-envelope-member"), 1)
    assert main(["engine", "check", "--timeout", "5", "--", *engine.split()]) == 1
    said = _said(capsys)
    assert re.search(r"^ÉCHEC +enveloppe .*message : champ inattendu « vendor_extension »", said, re.MULTILINE), said


def test_a_malformed_error_object_is_named_member_by_member() -> None:
    """Minimised from the fuzz (« error-wrong-shape »): the form the message comes nearest is the one whose
    members it has; its violations are said, not that no form fits."""
    from testbench.engines.protocol.validation import check

    malformed = {"jsonrpc": "2.0", "id": 5, "error": {"code": "-32000", "message": 5}}
    assert check(malformed, "message", "message") == [
        "message.error.code : type string au lieu de integer",
        "message.error.message : type integer au lieu de string",
    ]
    assert check({"jsonrpc": "2.0", "id": 5, "result": {}, "extra": 1}, "message", "message") == [
        "message : champ inattendu « extra »"
    ]
    # both result and error: two forms equally near, none is the one meant
    both = {"jsonrpc": "2.0", "id": 5, "result": {}, "error": {"code": -32603, "message": "x"}}
    assert check(both, "message", "message") == ["message : ne correspond à aucune des formes permises"]


def test_a_card_error_of_no_known_kind_is_the_engine_s_fault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Minimised from the fuzz: a card error (-32001) whose ``kind`` is no kind card-error.data.json names
    (``3``) left the case inconclusive, « carte indisponible », exit 2, as if the bench's card had failed; it is
    the engine breaking the protocol: the case fails on the engine, exit 1."""
    engine = _standin(tmp_path, monkeypatch, Mutant("error-card-kind-number"), 1)
    options = ["--engine", engine, "--cards", "inprocess", "-k", SELECTION]
    assert main(["run", "--session", str(tmp_path / "s.tbsession"), *options, str(BOOK)]) == 1
    verdict = _verdicts(_said(capsys))[INVOICE_CASE]
    assert verdict.startswith("échec — défaut du moteur (réponse invalide) : create_invoice : erreur de carte"), verdict
    assert '"kind": 3' in verdict, verdict


def test_a_huge_refusal_is_cut_in_the_verdict() -> None:
    """Minimised from the fuzz: a refusal of a 10,000-character code and a 100,000-character message made a verdict
    line of 110,000 characters; both are cut where shown, the start kept and the cut marked."""
    from testbench.domain.refusal import EngineRefusal
    from testbench.engines.protocol import jsonrpc as J

    refusal = J.exception_from_error(
        {"code": J.REFUSAL, "message": "m", "data": {"type": "refusal", "code": "R" * 10_000, "message": "x" * 10**5}}
    )
    assert isinstance(refusal, EngineRefusal)
    assert refusal.code == "R" * (J.CODE_CHARS - 1) + "…"
    assert refusal.message == "x" * (J.MESSAGE_CHARS - 1) + "…"
    crash = J.exception_from_error({"code": J.INTERNAL_ERROR, "message": "y" * 10**5}, "create_invoice")
    assert len(str(crash)) < J.MESSAGE_CHARS + 60


def test_an_error_message_that_is_no_string_is_shown_as_json() -> None:
    """Minimised from the fuzz: a ``message`` that is not a string reached the reason as Python wrote it
    (``None``, ``{'a': 1}``); it is JSON now, and an absent or null one says nothing."""
    from testbench.engines.protocol import jsonrpc as J

    assert str(J.exception_from_error({"code": J.INTERNAL_ERROR, "message": {"a": [1, None]}})).endswith(
        ': {"a": [1, null]}'
    )
    remote = J.exception_from_error({"code": 7, "message": None}, "create_invoice")
    assert str(remote) == "create_invoice : erreur JSON-RPC 7 : sans message"
    refusal = J.exception_from_error({"code": J.REFUSAL, "data": {"type": "refusal", "code": "X", "message": True}})
    assert refusal.message == "true"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "mutant",
    [
        Mutant("truncated"),
        Mutant("missing-field"),
        Mutant("error-card-kind-number"),
        Mutant("not-utf8", "secure_invoice"),
    ],
    ids=lambda m: f"{m.mutation}@{m.method}",
)
def test_in_english_the_engine_is_blamed_in_english(
    mutant: Mutant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same verdicts with ``--lang en``: in English only, the engine blamed."""
    engine = _standin(tmp_path, monkeypatch, mutant, 5)
    options = ["--engine", engine, "--cards", "inprocess", "-k", SELECTION, "--lang", "en"]
    assert main(["run", "--session", str(tmp_path / "s.tbsession"), *options, str(BOOK)]) == 1
    said = _said(capsys)
    _clean(said)
    verdicts = dict(re.findall(r"^\[\d+/\d+\] (\S+): (.*)$", said, re.MULTILINE))
    assert verdicts[INVOICE_CASE].startswith("failed — engine defect (invalid answer): "), said
    assert verdicts[LOT_CASE] == "passed", said
    assert not re.search(r"défaut|réponse|erreur|sortie|échec", said), said


def test_a_start_that_failed_once_fails_demarrage_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Minimised from the fuzz: an engine whose first answer to ``initialize`` is unreadable, and that starts at
    the second try, failed ``demarrage`` and ``describe`` too (the start's fault, pending, was raised again by the
    next check's first call), and in words naming a campaign (« au lancement de la campagne ») the kit does not
    run. ``demarrage`` alone fails now, in the kit's words."""
    engine = _standin(tmp_path, monkeypatch, Mutant("truncated", "initialize"), 3)
    assert main(["engine", "check", "--timeout", "5", "--", *engine.split()]) == 1
    said = _said(capsys)
    assert set(re.findall(r"^ÉCHEC +(\S+)", said, re.MULTILINE)) == {"demarrage", "enveloppe"}, said
    assert re.search(r"^RÉUSSI +describe ", said, re.MULTILINE), said
    assert "campagne" not in said and "relancé, il sert les vérifications suivantes" in said, said
