"""The `clearance` command: a thin Typer layer over the library."""
