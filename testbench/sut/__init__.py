"""The application under test as a profile (``sut.toml``): its identity, logs, outputs, extractors, guidance."""
