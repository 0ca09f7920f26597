"""testbench: a workstation test bench for the SESAM-Vitale agrément (CNDA).

The layers talk through small typed interfaces:
casebook → runner ← cards, engines; runner → store (the session file); report, tui ← store.
Everything but ``testbench.tui`` imports without Textual.
"""

__version__ = "0.1.0"
