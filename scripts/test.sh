#!/usr/bin/env bash
# Install everything the tests need (Debian's Chromium for the browser tests, the package with
# its test extras in .venv) and run the whole suite. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root apt-get install -y chromium || { $as_root apt-get update && $as_root apt-get install -y chromium; }
fi

export PYTHONUTF8=1  # Chinese text everywhere, whatever the machine's locale
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet -e '.[test]'
.venv/bin/ruff check src tests hooks scripts
.venv/bin/python -m pytest "$@"
