"""testbench.tui layer."""
