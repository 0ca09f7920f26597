"""testbench.cards layer."""
