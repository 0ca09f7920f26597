"""What the caller asks of a report's content: redaction, excerpt length, language, signer, trusted chain head."""

from __future__ import annotations

from dataclasses import dataclass

#: inline trace lines per case; the full trace goes to the evidence folder beyond that
DEFAULT_EXCERPT = 40


@dataclass
class Options:
    redact: bool = True
    excerpt: int = DEFAULT_EXCERPT
    lang: str = "fr"  # the words written into the content (value texts, labels); the JSON keeps codes
    signer: dict[str, str] | None = None  # {"public_key", "fingerprint"} when the report will be signed
    #: (length, head) of the chain as the process that just wrote the session left it (``run --report``):
    #: the rows are then not re-hashed, only the entries' links checked up to that head
    chain_head: tuple[int, str] | None = None
