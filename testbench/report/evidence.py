"""The evidence folder beside the HTML: large blobs go there, linked by relative path and SHA-256.

Keeping them out of the HTML keeps the page small enough to open at campaign scale (pytest-html and
Allure single-file reports break past tens of MB); hashing them at export lets a reader check a file
without testbench.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

FOLDER = "evidence"


class Evidence:
    """Writes files under ``root/evidence`` (or only hashes them when ``root`` is None)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.written: dict[str, str] = {}
        self._made: set[Path] = set()

    def add(self, relative: str, data: bytes, media_type: str) -> dict[str, object]:
        path = f"{FOLDER}/{relative}"
        if path in self.written:  # same name twice in one report: keep both, deterministically
            head, _, name = path.rpartition("/")
            stem, dot, ext = name.partition(".")
            n = 2
            while f"{head}/{stem}-{n}{dot}{ext}" in self.written:
                n += 1
            path = f"{head}/{stem}-{n}{dot}{ext}"
        sha = hashlib.sha256(data).hexdigest()
        self.written[path] = sha
        if self.root is not None:
            target = self.root / path
            if target.parent not in self._made:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._made.add(target.parent)
            target.write_bytes(data)
        return {"path": path, "sha256": sha, "size": len(data), "media_type": media_type}
