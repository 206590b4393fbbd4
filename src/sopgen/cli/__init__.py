"""The `sopgen` command line. Each verb lives in its own module; this one only wires them up."""

from __future__ import annotations

import sys

from sopgen.cli import check as _check  # noqa: F401  (registers commands)
from sopgen.cli import draft as _draft  # noqa: F401
from sopgen.cli import gaps as _gaps  # noqa: F401
from sopgen.cli import index as _index  # noqa: F401
from sopgen.cli import profiles as _profiles  # noqa: F401
from sopgen.cli import serve as _serve  # noqa: F401
from sopgen.cli.app import ExitCode, app


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)


__all__ = ["ExitCode", "app", "main"]
