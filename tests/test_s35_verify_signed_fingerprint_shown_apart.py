"""``verify`` on a signature of another manifest shows the two fingerprints long enough to differ: two sha256 alike
up to their 16th digit were shown as the same 16 digits beside « ne signe pas ce manifeste »."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.integrity.manifest import differing
from testbench.signing import init_key


def _flip(digit: str) -> str:
    return "0" if digit != "0" else "1"


@pytest.mark.parametrize("at", [20, 63])
def test_a_signed_fingerprint_differing_past_its_16th_digit_reads_different(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], at: int
) -> None:
    key = tmp_path / "k.pem"
    init_key(key)
    session = campaign(tmp_path, hostile=False)
    folder = tmp_path / "r"
    assert main(["report", str(session), "-o", str(folder), "--sign", "--key", str(key)]) == 0
    sig_file = folder / "manifest.sig.json"
    raw = sig_file.read_text(encoding="utf-8")
    real = json.loads(raw)["manifest_sha256"]
    forged = real[:at] + _flip(real[at]) + real[at + 1 :]
    sig_file.write_text(raw.replace(real, forged), encoding="utf-8")  # the canonical form kept: only the digit
    capsys.readouterr()
    said = {
        "fr": r"manifest\.sig\.json ne signe pas ce manifeste \(empreinte signée (\w+)(…?), manifeste (\w+)(…?)\) :"
        r" l'un des deux a été remplacé",
        "en": r"manifest\.sig\.json does not sign this manifest \(signed fingerprint (\w+)(…?), manifest (\w+)(…?)\):"
        r" one of the two was replaced",
    }
    for lang, pattern in said.items():
        assert main(["verify", str(folder), "--lang", lang]) == 1
        out = capsys.readouterr().out
        found = re.search(pattern, out)
        assert found is not None, out
        signed, signed_cut, shown, shown_cut = found.groups()
        assert signed != shown  # what a reviewer compares differs
        assert forged.startswith(signed) and real.startswith(shown)
        assert len(signed) > at and len(shown) > at  # the differing digit is shown
        assert bool(signed_cut) == (len(signed) < 64) and bool(shown_cut) == (len(shown) < 64)
        assert "ALTÉRÉ" in out if lang == "fr" else "ALTERED" in out


def test_two_fingerprints_are_cut_past_their_common_prefix_only() -> None:
    a, b = "ab" * 32, "ab" * 10 + "cd" + "ab" * 21
    assert differing(a, b) == (a[:24] + "…", b[:24] + "…")  # differing at 20: four digits past it
    assert differing("1" * 64, "2" * 64) == ("1" * 16 + "…", "2" * 16 + "…")  # 16 digits at least
    assert differing(a, a[:-1] + "0") == (a, a[:-1] + "0")  # differing at the last digit: both whole, no « … »
    assert differing("null", b) == ("null", b[:16] + "…")  # a value that is no fingerprint, whole when short
