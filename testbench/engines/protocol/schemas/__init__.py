"""Package data: JSON Schemas of the engine protocol messages."""
