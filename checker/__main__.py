"""`python -m checker` runs the livelint command."""

from .cli import run

run()
