"""testbench.cli layer."""
