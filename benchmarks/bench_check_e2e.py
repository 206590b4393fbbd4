"""`sopgen check` and `sopgen gaps` end to end beside proselint, whole process against whole process.

The corpus is real English prose nobody here wrote: the documentation of Django (the `docs/` folder of its
source distribution, about 650 reStructuredText files, 7.5 MB), fetched once from the package registry
with `pip download` and kept in benchmarks/.cache/. Each command runs as a user runs it, in its own process,
on the same files, in one run, alternating, `--repeat` times; the best of each is compared. The machine's
load average is printed before and after, so a noisy run can be told from a slow one.

Also start-up: `sopgen --help` and `sopgen check` of one page, beside `python -c pass`.

Run: .venv/bin/python benchmarks/bench_check_e2e.py [--repeat 3] [--jobs N]
Needs proselint (`pip install proselint`, in the dev extra).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
DJANGO = "django==5.2.19"
BIN = Path(sys.executable).parent
PAGE = """# Purpose
This procedure tells the night operator how to restore the file server FS01 from the nightly backup.

# Scope
It applies to FS01 in the Leeds data centre and to no other server.

# Resources
The operator needs the vault key, the restore laptop and access to the backup console.

# Procedure
1. The operator opens the backup console and selects last night's snapshot.
2. The operator restores the snapshot to FS01 and checks that the shares open.
3. The operator records the restore in the operations log.

# Revision history
| Version | Date | Change |
|---|---|---|
| 1.0 | 2026-05-01 | First issue |
"""


def corpus() -> list[Path]:
    folder = CACHE / "django-docs"
    if not folder.is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", DJANGO,
                            "-d", tmp], check=True)
            archive = next(Path(tmp).glob("*.tar.gz"))
            with tarfile.open(archive) as tar:
                members = [m for m in tar.getmembers() if "/docs/" in m.name and m.name.endswith(".txt") and m.isfile()]
                tar.extractall(tmp, members=members, filter="data")
            shutil.move(str(next(Path(tmp).glob("*/docs"))), folder)
    return sorted(folder.rglob("*.txt"))


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="sopgen worker processes (default: all cores)")
    args = parser.parse_args()
    # An installed package has its bytecode compiled; an editable checkout run with PYTHONDONTWRITEBYTECODE
    # (set on some machines) would recompile every changed module at every start, which is not what users run.
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "sopgen"), quiet=1)
    files = corpus()
    size = sum(p.stat().st_size for p in files)
    folder = files[0].parents[len(files[0].relative_to(CACHE / "django-docs").parts) - 1]
    proselint = shutil.which("proselint", path=str(BIN)) or shutil.which("proselint")
    sopgen = shutil.which("sopgen", path=str(BIN)) or "sopgen"
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    print(f"corpus: {len(files)} Django documentation files, {size / 1e6:.1f} MB; {os.cpu_count()} cores; "
          f"load before {load()}")
    rel = [str(p.relative_to(folder)) for p in files]
    commands = {
        "sopgen check (json)": [sopgen, "check", *rel, "--profile", "full", "-f", "json", "-o", os.devnull, *jobs],
        "sopgen gaps (json)": [sopgen, "gaps", ".", "--profile", "full", "-f", "json", "-o", os.devnull, *jobs],
    }
    if proselint:
        commands["proselint check"] = [proselint, "check", "."]
    else:
        print("proselint: not installed (pip install proselint); ratios skipped")
    best: dict[str, float] = {name: float("inf") for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            best[name] = min(best[name], timed(command, folder))
    for name, seconds in best.items():
        print(f"  {name:22s} {seconds:6.2f} s  {len(files) / seconds:6.1f} docs/s")
    if proselint:
        for name in ("sopgen check (json)", "sopgen gaps (json)"):
            print(f"  {name} vs proselint: {best['proselint check'] / best[name]:.2f}x (target >= 5x)")

    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.md"
        page.write_text(PAGE, encoding="utf-8")
        startup = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "sopgen --help": [sopgen, "--help"],
            "sopgen check page.md": [sopgen, "check", "page.md", "--profile", "basic"],
        }
        fastest = {name: min(timed(c, Path(tmp)) for _ in range(max(args.repeat, 5))) for name, c in startup.items()}
    base = fastest["python -c pass"]
    for name, seconds in fastest.items():
        print(f"  {name:22s} {seconds:6.3f} s  ({seconds - base:+.3f} s above the bare interpreter)")
    print(f"load after {load()}")


if __name__ == "__main__":
    main()
