"""Integrity of sessions and reports: the journal's hash chain, report manifests and their signatures."""
