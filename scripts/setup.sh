#!/usr/bin/env bash
# Creates .venv (if missing) and installs sopgen with the given extras. Idempotent and offline-safe:
# everything comes from PyPI; nothing is downloaded at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-draft}"  # draft: index, search and draft (dev includes it)
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi
# llama.cpp (a dev dependency, built from source) is built for a portable x86-64 (AVX2) and not for this
# CPU's every extension: an -march=native build uses AMX where the CPU has it, and AMX faults in VMs that
# do not grant it (seen here: a general protection fault in libggml-cpu on the first decode).
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}"
spec=".[${extras}]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e "$spec" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import sopgen" || { echo "setup failed: sopgen does not import" >&2; exit 1; }
