"""testbench.casebook layer."""
