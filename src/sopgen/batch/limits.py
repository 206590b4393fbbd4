"""Per-document budgets: how long, how much memory, how large on disk and once unpacked.

The defaults are generous for real procedures (the largest of 71 real documents is under 1 MB and checks
in well under a second) and tight enough that one hostile file cannot hold a batch or the machine.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Limits(BaseModel):
    """`[limits]` in sopgen.toml, SOPGEN_LIMITS__* in the environment, or --timeout/--memory-mb/--max-mb."""

    timeout_s: float = Field(20.0, gt=0, description="Wall-clock seconds one document may take.")
    memory_mb: int = Field(1024, ge=0, description="Extra address space one document may use (0: no limit).")
    max_file_mb: float = Field(20.0, gt=0, description="Largest file read, as read (not as `stat` says).")
    max_unpacked_mb: float = Field(100.0, gt=0, description="Largest total of a .docx's parts once unpacked.")
    max_zip_entries: int = Field(5000, ge=1, description="Most parts a .docx may have.")

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)
