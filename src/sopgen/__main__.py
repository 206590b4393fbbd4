"""`python -m sopgen` runs the CLI."""

from sopgen.cli import main

if __name__ == "__main__":
    main()
