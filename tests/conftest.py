"""Shared test configuration. Layer-specific fixtures live in the files named conftest_*.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# ---- card layer (owner: cards helper): pcscd + vpcd fixtures, see tests/conftest_cards.py
from conftest_cards import pcsc_bay, pcsc_stack, vpcd_lock  # noqa: F401
