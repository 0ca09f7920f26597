"""testbench.report layer."""
