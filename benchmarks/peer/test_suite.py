"""The peer job for pytest + pytest-html: 12 'APDU' exchanges logged, one LPP invoice priced in Decimal.

The number of cases comes from PEER_CASES (default 700) so the benchmark can run a smaller job.
"""

import logging
import os
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest

log = logging.getLogger("bench")


def r2(x):
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("i", range(int(os.environ.get("PEER_CASES", "700"))))
def test_case(i):
    for k in range(12):
        log.warning(f"A>> 00B08200{k:02X}  A<< 6500...9000 (0.05 ms)")
    br = r2(D("14.00") * D(4))
    amo = r2(br * D(60) / 100)
    log.warning(f"BR={br} AMO={amo} TM={br - amo}")
    assert str(amo) == "33.60"
