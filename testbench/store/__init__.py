"""testbench.store layer."""
