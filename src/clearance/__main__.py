"""`python -m clearance` runs the command line."""

from clearance.cli.main import app

app()
