"""How an engine's end, an oversized line and a JSON-RPC error answer are said (engine audit B, C, D): a signal by
its number and name, never Python's negative return code; sizes as a person reads them; the method an error
answers and what a reserved code means; each read back in English."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from testbench.engines.api import EngineCrash, EngineProtocolError
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol.client import SubprocessEngine, _stopped
from testbench.fmt import byte_size, english_number
from testbench.i18n import english

ENGINE = Path(__file__).parent / "data" / "engines" / "audit_engine.py"


def _fault(mode: str, method: str = "create_invoice", **options: int) -> Exception:
    engine = SubprocessEngine([sys.executable, str(ENGINE), mode], timeout=20, **options)  # type: ignore[arg-type]
    try:
        with pytest.raises((EngineCrash, EngineProtocolError)) as fault:
            engine.call(method, {})
    finally:
        engine.close()
    return fault.value


# -- B: an engine killed by a signal ---------------------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="a signal is a POSIX end (Windows gives no negative return code)")
def test_an_engine_killed_by_a_signal_is_said_so_with_its_name() -> None:
    reason = str(_fault("segv"))
    assert reason == "create_invoice : le moteur a été tué par le signal 11 (SIGSEGV)"
    assert english(reason) == "create_invoice: the engine was killed by signal 11 (SIGSEGV)"


def test_an_exit_code_reads_as_before_and_a_signal_without_a_name_by_its_number() -> None:
    assert _stopped(2, "read_cps") == "read_cps : le moteur s'est arrêté (code 2)"
    assert _stopped(None, "read_cps") == "read_cps : le moteur s'est arrêté"
    assert _stopped(-9) == "le moteur a été tué entre deux appels par le signal 9 (SIGKILL)"
    assert _stopped(-999) == "le moteur a été tué entre deux appels par le signal 999"
    assert english(_stopped(-9) + " ; stderr : adieu") == (
        "the engine was killed between two calls by signal 9 (SIGKILL); stderr: adieu"
    )
    assert english(_stopped(-999, "read_cps")) == "read_cps: the engine was killed by signal 999"


# -- C: an oversized line --------------------------------------------------------------------------------------
def test_sizes_read_as_a_person_writes_them() -> None:
    assert byte_size(8 * 1024 * 1024, "fr") == "8\u00a0Mio" and byte_size(8 * 1024 * 1024, "en") == "8 MiB"
    assert byte_size(9437250, "fr") == "9\u00a0437\u00a0250\u00a0octets"
    assert byte_size(9437250, "en") == "9,437,250 bytes" == english_number(byte_size(9437250, "fr"))
    assert byte_size(1, "fr") == "1\u00a0octet" and english_number("1\u00a0octet") == "1 byte"


def test_an_oversized_line_says_its_size_when_its_end_was_seen_and_the_limit_in_words() -> None:
    reason = str(_fault("oversize-whole", max_line=1024))
    assert reason == "create_invoice : ligne de 3\u00a0011\u00a0octets (limite : 1\u00a0Kio)"
    assert english(reason) == "create_invoice: line of 3,011 bytes (limit: 1 KiB)"
    reason = str(_fault("oversize-open", max_line=1024))
    assert reason == "create_invoice : ligne de plus de 1\u00a0Kio"  # its end never read: no size claimed
    assert english(reason) == "create_invoice: line longer than 1 KiB"
    assert "octets ignorés" not in reason and "1024" not in reason


# -- D: a JSON-RPC error answer --------------------------------------------------------------------------------
def test_a_json_rpc_error_answer_names_its_method_and_what_its_code_means() -> None:
    reason = str(_fault("missing", "secure_invoice"))
    assert reason == "secure_invoice : erreur JSON-RPC -32601 (méthode inconnue) : Method not found"
    assert english(reason) == "secure_invoice: JSON-RPC error -32601 (unknown method): Method not found"


@pytest.mark.parametrize(
    ("code", "french", "english_text"),
    [
        (J.PARSE_ERROR, "JSON illisible", "unreadable JSON"),
        (J.INVALID_REQUEST, "requête invalide", "invalid request"),
        (J.INVALID_PARAMS, "paramètres invalides", "invalid parameters"),
        (J.METHOD_NOT_FOUND, "méthode inconnue", "unknown method"),
    ],
)
def test_each_reserved_code_is_said_in_words(code: int, french: str, english_text: str) -> None:
    error = J.exception_from_error({"code": code, "message": "x : y"}, "read_cps")
    assert str(error) == f"read_cps : erreur JSON-RPC {code} ({french}) : x : y"
    assert english(str(error)) == f"read_cps: JSON-RPC error {code} ({english_text}): x : y"
    bare = J.exception_from_error({"code": -32050, "message": ""}, "read_cps")
    assert str(bare) == "read_cps : erreur JSON-RPC -32050 : sans message"
    assert english(str(bare)) == "read_cps: JSON-RPC error -32050: no message"
