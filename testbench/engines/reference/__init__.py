"""The reference billing engine: pure AMO/AMC/patient split rules, tables, outputs (FSE, B2-like, NOEMIE-like).

Everything here is our own implementation of the public rules summarised in
``docs/reference-engine.md``; it is not a certified engine and its outputs are labelled as such.
"""
