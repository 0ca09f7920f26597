"""The peer job for Robot Framework: 12 'APDU' exchanges logged, one invoice priced in Decimal."""

from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from robot.api import logger


def r2(x):
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


class BillingLib:
    def exchange_apdus(self, n):
        for i in range(int(n)):
            logger.info(f"A>> 00B08200{i:02X}  A<< 6500...9000 (0.05 ms)")

    def price_invoice(self, tariff, qty, rate):
        br = r2(D(tariff) * D(qty))
        amo = r2(br * D(rate) / 100)
        logger.info(f"BR={br} AMO={amo} TM={br - amo}")
        return str(amo)
