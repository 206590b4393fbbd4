"""`python -m sopgen` runs the CLI."""

from sopgen.cli import main

main()
