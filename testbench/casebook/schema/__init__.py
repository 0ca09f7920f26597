"""The casebook XML schemas shipped with the package (one file per format version)."""
