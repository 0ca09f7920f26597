"""The exam scope: an exam plan (what the product under test is examined on) and the coverage of its
requirements and domains by a session's cases and verdicts (docs/exam-plan.md)."""
