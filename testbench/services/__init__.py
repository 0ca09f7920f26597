"""Simulated téléservices (ADRi, ApCV, INSi, e-prescription): real HTTP servers on loopback, started by
the bench in their own process, answering per the case's scenario, with fault injection
(docs/teleservices.md)."""
