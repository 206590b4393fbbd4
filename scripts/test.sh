#!/usr/bin/env bash
# The whole test suite on a fresh machine: install everything it needs, lint, type-check, test.
# pytest's exit code 5 (no tests collected) is a failure here, never a silent pass.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
# The HTML report is tested in a real browser: Debian's chromium (Playwright drives it; no browser download).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
      || echo "warning: could not install chromium; the browser test will fail" >&2
  else
    echo "warning: chromium missing and not root; install it (apt-get install chromium)" >&2
  fi
fi
.venv/bin/ruff check src tests
.venv/bin/mypy
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing on purpose" >&2
  exit 1
fi
exit "$rc"
