"""A demo application under test: a small separate program playing an editor's billing application.

It prices with its own engine (the reference engine through the protocol), writes its own log in its own
wording, and its FSE and B2 files into its output folders, so that the exam-day flow (assisted operator
mode: watching, extraction, comparison) can be shown and tested on a real separate process. Its
application profile is ``sut.toml`` beside this file; ``driver.py`` drives it as a scripted operator.
"""

from pathlib import Path

PROFILE = Path(__file__).with_name("sut.toml")
FLAWS = ("ald-rate",)
