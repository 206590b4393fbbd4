#!/usr/bin/env bash
# The main job on a fresh machine: install, then analyse the sample corpus against the 'basic' profile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
# Until drafting lands, the main job is the gap analysis of the sample corpus (en/de/ru, several encodings).
.venv/bin/sopgen gaps corpora --profile basic --exclude README.md --format html --output out/gaps.html
.venv/bin/sopgen gaps corpora --profile basic --exclude README.md --format text
