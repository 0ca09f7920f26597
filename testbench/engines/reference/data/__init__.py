"""Package data: bundled billing tables, the FSE XSD and the B2-like field map."""
