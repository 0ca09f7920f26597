"""Extractors: observations read from the application under test's own logs and output files.

Regex with named groups on log lines, XPath on XML, field maps on fixed-width records (B2, NOEMIE),
JSON pointers; each value keeps its :class:`~testbench.extract.model.Provenance`. The profile format
that declares them is documented in docs/extractors.md.
"""
