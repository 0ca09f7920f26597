"""The out-of-process engine protocol: JSON-RPC 2.0 over stdio, one message per line.

See docs/engine-protocol.md. ``server`` runs an engine behind it, ``client.SubprocessEngine`` drives any
engine that speaks it, ``conformance`` checks an engine command against it.
"""
