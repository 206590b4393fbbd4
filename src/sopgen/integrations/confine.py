"""What a tool server may touch: one root folder, resolved, and profiles by name or from inside it.

An assistant's arguments are untrusted: `../home/x/secrets.md`, a link that points at /etc, or a profile
that is any .yaml on the machine. Every path is resolved (links followed) before it is compared with the
root, so neither spelling nor a symlink gets out; a refusal never says whether the outside file exists.
"""

from __future__ import annotations

import os
from pathlib import Path

from sopgen.errors import ConfigError, SopgenError
from sopgen.schema import Profile, list_profiles, load_profile


class OutsideRootError(SopgenError):
    """A tool argument names something outside the server's root folder."""


class Confinement:
    """Resolves tool paths against `root` and refuses anything that leaves it.

    >>> import tempfile
    >>> box = Confinement(tempfile.mkdtemp())
    >>> box.path("../etc/passwd")
    Traceback (most recent call last):
    sopgen.integrations.confine.OutsideRootError: ../etc/passwd: is outside the server's root folder (serve with --root to choose another)
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(os.path.realpath(root))

    def inside(self, path: Path) -> bool:
        real = Path(os.path.realpath(path))
        return real == self.root or self.root in real.parents

    def path(self, given: str) -> Path:
        candidate = Path(given) if os.path.isabs(given) else self.root / given
        if not self.inside(candidate):
            raise OutsideRootError("is outside the server's root folder", path=given,
                                   hint="serve with --root to choose another")
        return Path(os.path.realpath(candidate))

    def profile(self, name: str) -> Profile:
        if name in {p.name for p in list_profiles()}:
            return load_profile(name)
        if name.endswith((".yaml", ".yml")):
            return load_profile(str(self.path(name)))
        raise ConfigError(f"unknown profile '{name}'", hint="use a built-in profile name or a .yaml inside the root")
