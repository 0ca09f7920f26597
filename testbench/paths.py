"""Where bundled data lives: the package's own files and the repository's casebooks."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
CASEBOOKS_DIR = REPO_DIR / "casebooks"
CARD_PROFILES_DIR = CASEBOOKS_DIR / "cards"
REPORTS_DIR = REPO_DIR / "reports"
