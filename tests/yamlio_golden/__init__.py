"""Golden files for the YAML reader and writer, made by ``python -m tests.yamlio_golden.regen``."""
