"""testbench.engines layer."""
