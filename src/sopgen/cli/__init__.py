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
from sopgen.errors import missing_extra


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except ModuleNotFoundError as exc:  # an optional part (sopgen[draft], [pdf], ...) is not installed
        verb = next((a for a in sys.argv[1:] if not a.startswith("-")), "")
        message = missing_extra(exc, f"sopgen {verb}".strip())
        if message is None:
            raise
        sys.stderr.write(f"error: {message}\n")
        sys.exit(int(ExitCode.USAGE))


__all__ = ["ExitCode", "app", "main"]
