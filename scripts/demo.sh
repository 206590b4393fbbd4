#!/usr/bin/env bash
# The main job on a fresh machine: install, then analyse the sample corpus against the 'basic' profile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
.venv/bin/sopgen profiles list
