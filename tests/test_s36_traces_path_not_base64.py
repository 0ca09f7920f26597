"""A file path shown in the exam book (audit s36): « /tmp/h7/r1/GestPSAD/Sorties/FSE/2026/12/FSE n°1 (Hélène).XML »
was redacted as « ‹BASE64› n°1 (‹NOM›).XML » — 43 characters of letters, digits and ``/`` that decode by base64's
rules. A path of folder names stays; base64 is still masked, a token that starts with ``/`` too."""

from __future__ import annotations

import base64

import pytest

from testbench.traces.redact import Redactor


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(names=["Hélène"])


def test_the_path_of_a_produced_file_is_kept_and_the_name_in_it_masked(redactor: Redactor) -> None:
    line = "/tmp/h7/r1/GestPSAD/Sorties/FSE/2026/12/FSE n°1 (Hélène).XML"
    assert redactor.redact(line) == "/tmp/h7/r1/GestPSAD/Sorties/FSE/2026/12/FSE n°1 (‹NOM›).XML"


@pytest.mark.parametrize(
    "path",
    [
        "/tmp/h7/r1/GestPSAD/Sorties/FSE/2026/12/FSE",
        "C:/ProgramData/Editeur/GestPSAD/Logs/2026/12/07/app",
        "/Users/JeanDupont/AppData/Local/GestPSAD/Logs",
        "/srv/CNDA/Campagne2026/LotsB2/Envoyes/B2",
        "/opt/GestPSAD/v4/fsv/1/40/14/traces/log4crc",
    ],
)
def test_a_path_of_folder_names_is_not_base64(redactor: Redactor, path: str) -> None:
    assert len(path.partition(":")[2] or path) >= 40  # as long as the base64 rule reads
    assert redactor.redact(f"fichier {path}.xml écrit") == f"fichier {path}.xml écrit"


@pytest.mark.parametrize(
    "token",
    [
        base64.b64encode(bytes(range(7, 250, 7))).decode(),  # 36 bytes, both cases, digits and « / »
        "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMD",  # a JPEG, which starts with « / »
        base64.b64encode(b"\x00\xb2\x01\x04\x20" + bytes(range(40))).decode(),  # an APDU's bytes
        "/HSKPjCT3PbHXkrMBhwb6/y9g5/rJbEN3hqnEF/kTyc=",  # folders, but padded: base64
    ],
)
def test_base64_is_still_masked(redactor: Redactor, token: str) -> None:
    assert redactor.redact(f"réponse {token} fin") == "réponse ‹BASE64› fin"


def test_wrapped_base64_is_masked_line_by_line(redactor: Redactor) -> None:
    lines = base64.encodebytes(bytes(range(256)) * 2).decode().splitlines()
    assert all(redactor.redact(line) == "‹BASE64›" for line in lines if len(line) >= 40)
