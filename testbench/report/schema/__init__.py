"""Published JSON Schemas of testbench reports (package data)."""
