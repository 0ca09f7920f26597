"""testbench.runner layer."""
