"""The Typer command line: one small module per command."""
