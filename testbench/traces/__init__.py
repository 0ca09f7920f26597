"""testbench.traces layer."""
