"""Write the bundled PSAD/MAD and nurse casebooks (``casebooks/psad-*.xml``, ``casebooks/nurse-*.xml``).

The cases are data written by hand in ``scripts/bundled_cases/``: inputs, expected values and, in each
comment, the computation with the rule ids of docs/reference-engine.md. This script only lays them out as
casebook XML (the same card, step and expectation elements would otherwise be repeated by hand two
hundred times); it computes nothing. Run it after editing the data, and commit its output:

    .venv/bin/python scripts/make_bundled_casebooks.py           # (re)write the casebooks
    .venv/bin/python scripts/make_bundled_casebooks.py --check   # exit 1 when a committed file differs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bundled_cases import BOOKS
from bundled_cases.model import render

CASEBOOKS = Path(__file__).resolve().parents[1] / "casebooks"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for book in BOOKS:
        path = CASEBOOKS / book.filename
        text = render(book)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"{path.name}: {len(book.cases)} cas")
    if stale:
        print("à régénérer (scripts/make_bundled_casebooks.py) : " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
