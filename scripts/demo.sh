#!/usr/bin/env bash
# The main job on a fresh machine: install, index the sample corpus, draft a SOP from the sample brief.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
# The main job: index the sample corpus (en/de/ru, several encodings), then draft a SOP from the sample brief
# with the offline engine (no key, no network). Set OPENAI_API_KEY or SOPGEN_BASE_URL to draft with a model.
.venv/bin/sopgen index corpora --exclude README.md --store .sopgen/index
.venv/bin/sopgen draft --brief corpora/briefs/restore-database.yaml --store .sopgen/index --output out/restore-database.md
.venv/bin/sopgen draft --brief corpora/briefs/restore-database.yaml --store .sopgen/index --output out/restore-database.docx
.venv/bin/sopgen check out/restore-database.md --profile runbook || true
echo "Draft: out/restore-database.md (and .docx)."
