"""Where testbench's bundled copy of a missing casebook, plan or attestations file is.

``casebooks/demo.xml`` names the clone's file; outside a clone (after ``pip install``) it is not there, and
the person is told where the copy testbench installs is. ``run`` (testbench.cli.main) and the pytest plugin
say it in the same words.
"""

from __future__ import annotations

from pathlib import Path

from testbench.i18n import _t, translator

#: the hint after a refusal, in French (the catalogue gives its English)
BUNDLED = _t("{path} : testbench livre un fichier de ce nom, {bundled} ; donnez ce chemin")


def bundled_copy(path: Path) -> Path | None:
    """The bundled file a relative ``path`` that is not there names (``casebooks/demo.xml``, ``demo.xml``), or
    None: an absolute path, a path that exists, a name testbench does not bundle."""
    if path.is_absolute() or path.exists():
        return None
    from testbench.paths import CASEBOOKS_DIR

    parts = path.parts[1:] if path.parts[:1] == ("casebooks",) else path.parts
    bundled = CASEBOOKS_DIR.joinpath(*parts)
    return bundled if parts and bundled.is_file() else None


def bundled_hint(path: Path, lang: str | None = None) -> str | None:
    """« casebooks/demo.xml : testbench livre un fichier de ce nom, /…/demo.xml ; donnez ce chemin », or None."""
    bundled = bundled_copy(path)
    return None if bundled is None else translator(lang)(BUNDLED).format(path=path, bundled=bundled)
