"""Where the bundled casebooks are read from, and where the program writes when no path is given.

The bundled casebooks and card profiles live once, in the repository's top-level ``casebooks/``; the
wheel ships the same files as the package ``testbench.bundled`` (``pyproject.toml`` maps that package
to ``casebooks/``). ``CASEBOOKS_DIR`` is the installed copy when there is one, else the checkout's
folder (a clone, an editable install). Casebooks name their card profiles by a path relative to the
casebook (``cards/….xml``), which holds in both layouts.

Nothing is ever written beside the package: site-packages is not the user's and may be read-only.
Default outputs go to :func:`user_data_dir`.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_INSTALLED_CASEBOOKS = PACKAGE_DIR / "bundled"
CASEBOOKS_DIR = _INSTALLED_CASEBOOKS if _INSTALLED_CASEBOOKS.is_dir() else PACKAGE_DIR.parent / "casebooks"
CARD_PROFILES_DIR = CASEBOOKS_DIR / "cards"


def user_data_dir() -> Path:
    """The user's data folder for testbench (the demo's session and report).

    platformdirs' rules: ``%LOCALAPPDATA%\\testbench`` on Windows, ``~/Library/Application Support/testbench``
    on macOS, ``$XDG_DATA_HOME/testbench`` (default ``~/.local/share/testbench``) elsewhere.
    """
    import platformdirs

    return platformdirs.user_data_path("testbench", appauthor=False)


def user_cache_dir() -> Path:
    """The user's cache folder for testbench (the report page's compiled templates): whatever is there can
    be deleted at any time and is made again.

    platformdirs' rules: ``%LOCALAPPDATA%\\testbench\\Cache`` on Windows, ``~/Library/Caches/testbench`` on
    macOS, ``$XDG_CACHE_HOME/testbench`` (default ``~/.cache/testbench``) elsewhere.
    """
    import platformdirs

    return platformdirs.user_cache_path("testbench", appauthor=False)
